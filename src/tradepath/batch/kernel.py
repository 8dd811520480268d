"""The random walk vectorised across series (crossing counts from common random numbers), and
one series at a time through :func:`tradepath.assess`."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..errors import TradepathError
from ..targets.target import Target
from .table import _BIG, _CHUNK, series_seed

if TYPE_CHECKING:
    pass

__all__ = []


# -- the random walk, vectorised across series ------------------------------------------------


def _random_walk_fit(t: np.ndarray, y: np.ndarray, starts: np.ndarray, counts: np.ndarray
                     ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Drift, volatility and span of every series, exactly as :class:`RandomWalk` fits one."""
    from ..models.random_walk import random_walk_estimates

    mu, ss, span = random_walk_estimates(t, y, starts, counts)
    return mu, np.sqrt(ss / (counts - 2)), span


def _rw_crossing_counts(
    mu: np.ndarray, sigma: np.ndarray, span: np.ndarray, dof: np.ndarray, barrier: np.ndarray,
    steps: np.ndarray, *, n_paths: int, seed: int, uncertainty: bool, n_jobs: int,
) -> np.ndarray:
    """Paths (of ``n_paths``) that have met the target by each step: ``(n, max(steps))``.

    Every series uses the same standardised draws (common random numbers): the uniform
    behind the volatility draw, the normal behind the drift draw and the annual shocks, all
    from ``seed``. Row ``k`` of the shocks is the same whatever the longest horizon, so a
    series' counts do not depend on the other series in the batch.
    """
    from scipy import special

    n, k_max = len(mu), int(steps.max())
    rng = np.random.default_rng(seed)
    u = rng.random(n_paths)
    z0 = rng.standard_normal(n_paths)
    walk = np.cumsum(rng.standard_normal((k_max, n_paths)), axis=0).astype(np.float32)
    # sigma^2 = dof s^2 / chi2(dof): the chi-square from the shared uniform by its inverse
    # CDF, so the same uniform serves every number of degrees of freedom.
    u = np.clip(u, 1e-300, 1.0 - 2.0**-53)
    nus, nu_index = np.unique(dof, return_inverse=True)
    scale = np.sqrt(nus[:, None] / special.chdtri(nus[:, None], 1.0 - u[None, :]))
    counts = np.zeros((n, k_max), dtype=np.int64)

    deterministic = sigma == 0
    for i in np.flatnonzero(deterministic):  # a perfectly smooth series: one path for all
        level = np.cumsum(np.full(steps[i], mu[i]))
        counts[i, :steps[i]] = np.where(np.maximum.accumulate(level) >= barrier[i], n_paths, 0)
    todo = np.flatnonzero(~deterministic)
    todo = todo[np.argsort(steps[todo], kind="stable")]
    blocks = [todo[i:i + _CHUNK] for i in range(0, len(todo), _CHUNK)]

    def block(idx: np.ndarray) -> None:
        kb = int(steps[idx].max())
        if uncertainty:
            sig = sigma[idx, None] * scale[nu_index[idx]]
            theta = mu[idx, None] / sig + z0[None, :] / np.sqrt(span[idx, None])
        else:
            sig = np.broadcast_to(sigma[idx, None], (len(idx), n_paths))
            theta = np.broadcast_to(mu[idx, None] / sigma[idx, None], (len(idx), n_paths))
        # In units of each path's volatility the target is met by step k iff
        # max_{j<=k} (j * theta + W_j) >= beta. Single precision halves the memory traffic;
        # its rounding moves a decision only for a path within 1e-7 of the target.
        theta = np.clip(theta, -_BIG, _BIG).astype(np.float32)
        beta = np.clip(barrier[idx, None] / sig, -_BIG, _BIG).astype(np.float32)
        running = np.full((len(idx), n_paths), -np.inf, dtype=np.float32)
        x = np.empty((len(idx), n_paths), dtype=np.float32)
        met = np.empty((len(idx), n_paths), dtype=bool)
        for k in range(kb):
            np.multiply(theta, np.float32(k + 1), out=x)
            x += walk[k]
            np.maximum(running, x, out=running)
            np.greater_equal(running, beta, out=met)
            counts[idx, k] = met.view(np.uint8).sum(axis=1, dtype=np.int64)

    if n_jobs > 1 and len(blocks) > 1:
        with ThreadPoolExecutor(max_workers=n_jobs) as pool:
            list(pool.map(block, blocks))
    else:
        for b in blocks:
            block(b)
    return counts


# -- one series at a time, through tradepath.assess -------------------------------------------


def _assess_series(task: tuple[Any, ...]) -> dict[str, Any]:
    """One series through :func:`tradepath.assess` (also run in worker processes)."""
    from ..assessment.core import assess
    from ..data import Dataset

    sid, years, values, value, by, horizon, model, n_paths, seed = task
    try:
        ds = Dataset.from_frame(pd.DataFrame({
            "period": [str(int(y)) for y in years], "flow": "total", "value_usd_bn": values,
        }))
        a = assess(ds, Target(float(value), by=int(by)), model=model, n_paths=n_paths,
                   seed=np.random.default_rng(series_seed(seed, sid)), horizon=int(horizon),
                   view="inside")  # the model's probability, as the vectorised path gives
    except (TradepathError, ValueError, ArithmeticError) as exc:
        return {"status": "error", "error": f"{type(exc).__name__}: {exc}"}
    cy = a.crossing_year
    return {
        "model": a.model, "status": a.status, "probability": a.probability,
        "crossing_q10": cy.quantile(0.1) if cy is not None else np.nan,
        "crossing_q50": cy.quantile(0.5) if cy is not None else np.nan,
        "crossing_q90": cy.quantile(0.9) if cy is not None else np.nan,
        "p_not_by_horizon": cy.p_not_by_horizon if cy is not None else np.nan,
        "met_year": a.met_year if a.met_year is not None else np.nan,
        "fitted_growth": a.fitted_growth,
    }


def _assess_chunk(tasks: list[tuple[Any, ...]]) -> list[dict[str, Any]]:
    return [_assess_series(t) for t in tasks]
