"""Scoring of probabilistic forecasts: the sample CRPS and rolling-origin forecasts.

The ensemble weighs its components with these, and :mod:`tradepath.backtesting` builds its
reports on them; they sit below both.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..errors import ModelError
from ._base import GrowthModel

__all__ = ["RollingOrigin", "crps_sample", "rolling_origin"]


def crps_sample(samples: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Continuous ranked probability score of sampled forecasts, row by row.

    Parameters
    ----------
    samples : ndarray, shape (n_cases, n_samples)
        Draws from each forecast distribution.
    y : ndarray, shape (n_cases,)
        The outcomes.

    Returns
    -------
    ndarray, shape (n_cases,)
        :math:`\\mathrm{CRPS} = E|X - y| - \\tfrac12 E|X - X'|` under the empirical
        distribution of each row (lower is better; a point forecast scores its absolute error).
        Infinite when a draw is infinite (a level that overflowed), NaN when one is NaN.

    Notes
    -----
    With the row sorted, :math:`x_{(1)} \\le \\dots \\le x_{(n)}`,
    :math:`E|X - X'| = \\frac{2}{n^2}\\sum_{i=1}^n (2i - n - 1)\\, x_{(i)}`, which costs
    :math:`O(n \\log n)` instead of :math:`O(n^2)` (Gneiting and Raftery, 2007; Jordan,
    Krüger and Lerch, 2019, ``crps_sample``).

    Examples
    --------
    >>> import numpy as np
    >>> from tradepath.models.scoring import crps_sample
    >>> float(crps_sample(np.array([[1.0, 1.0]]), np.array([3.0]))[0])
    2.0
    """
    x = np.sort(np.asarray(samples, dtype=float), axis=-1)
    y = np.asarray(y, dtype=float)
    n = x.shape[-1]
    i = np.arange(1, n + 1)
    with np.errstate(invalid="ignore", over="ignore"):
        spread = (2.0 / n**2) * (x @ (2 * i - n - 1))
        score = np.abs(x - y[..., None]).mean(axis=-1) - 0.5 * spread
    # A draw that overflowed to infinity makes the score infinite, not undefined.
    score = np.where(np.isfinite(x).all(axis=-1), score, np.inf)
    return np.where(np.isnan(x).any(axis=-1) | np.isnan(y), np.nan, score)


@dataclass(frozen=True, slots=True)
class RollingOrigin:
    """Forecasts made at past origins and the outcomes they are scored against.

    Attributes
    ----------
    cases : DataFrame
        One row per scored forecast: ``model`` (label), ``origin``, ``horizon``, ``year``,
        ``actual`` (level) and ``row`` (index into ``log_samples``).
    log_samples : ndarray, shape (n_cases, n_paths)
        Simulated log levels for each case.
    refusals : DataFrame
        One row per (model, origin) where the model refused: ``model``, ``origin``,
        ``message``.
    origins : tuple of int
        The origins that had at least one observed year to score.
    """

    cases: pd.DataFrame
    log_samples: np.ndarray
    refusals: pd.DataFrame
    origins: tuple[int, ...]


def rolling_origin(
    s: pd.Series,
    models: Sequence[GrowthModel],
    labels: Sequence[str],
    *,
    origins: Sequence[int],
    horizons: Sequence[int],
    n_paths: int,
    rng: np.random.Generator,
) -> RollingOrigin:
    """Refit every model at every origin on the data up to it and simulate the next years.

    ``s`` is a validated series (int years, increasing). A forecast for ``origin + h`` is kept
    only where that year is observed. Models raising :class:`ModelError` at an origin are
    recorded in ``refusals`` and skipped there. Each (origin, model) pair gets its own child
    generator spawned from ``rng`` in a fixed order, so results are reproducible.
    """
    observed = {int(y): float(v) for y, v in s.items()}
    cases: list[dict[str, Any]] = []
    blocks: list[np.ndarray] = []
    refusals: list[dict[str, Any]] = []
    used: list[int] = []
    for origin in origins:
        targets = [(h, origin + h) for h in horizons if origin + h in observed]
        if not targets:
            continue
        used.append(int(origin))
        train = s[s.index <= origin]
        end = origin + max(h for h, _ in targets)
        streams = rng.spawn(len(models))
        for model, label, stream in zip(models, labels, streams, strict=True):
            try:
                fit = model.fit(train)
                log_paths = fit._simulate_log(n_paths, end - fit.last_year, stream)
            except ModelError as exc:
                refusals.append({"model": label, "origin": int(origin), "message": str(exc)})
                continue
            for h, year in targets:
                cases.append({"model": label, "origin": int(origin), "horizon": int(h),
                              "year": int(year), "actual": observed[year],
                              "row": len(blocks)})
                blocks.append(log_paths[:, h - 1])
    frame = pd.DataFrame(cases, columns=["model", "origin", "horizon", "year", "actual", "row"])
    samples = np.vstack(blocks) if blocks else np.empty((0, n_paths))
    ref = pd.DataFrame(refusals, columns=["model", "origin", "message"])
    return RollingOrigin(cases=frame, log_samples=samples, refusals=ref, origins=tuple(used))
