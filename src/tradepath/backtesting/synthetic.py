"""Synthetic series from known processes and the calibration of the models on them
(:func:`synthetic_series`, :func:`calibration`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal, cast

import numpy as np
import pandas as pd

from .._defaults import CALIBRATION_PATHS, DEFAULT_SEED
from .._validation import check_cells, check_choice, check_int, check_rng, fail
from ..errors import ModelError
from ..models import GrowthModel
from ..models.scoring import crps_sample
from .rolling import _LEVELS, _check_horizons, _resolve_models

__all__ = ["PROCESSES", "calibration", "synthetic_series"]

#: Synthetic processes of :func:`synthetic_series`.
PROCESSES: tuple[str, ...] = ("random_walk", "trend", "damped", "logistic")

#: Fractions of a series' historical growth rate that define the events scored by
#: :func:`calibration` (the 150B-by-2030 target asks for about 3/4 of the 2009–2024 pace).
_PACE_FRACTIONS = np.array([0.25, 0.5, 0.75, 1.0])


# -- synthetic series and calibration ---------------------------------------------------------


def synthetic_series(
    process: Literal["random_walk", "trend", "damped", "logistic"],
    *,
    n_series: int = 100,
    n_points: tuple[int, int] = (5, 8),
    span: int = 15,
    horizon: int = 6,
    seed: Any = DEFAULT_SEED,
) -> pd.DataFrame:
    """Synthetic annual trade-like series from a known process, observed with gaps.

    Parameters
    ----------
    process : {"random_walk", "trend", "damped", "logistic"}
        ``"random_walk"``: log level a random walk with drift, growth not decaying.
        ``"trend"``: a constant-growth trend with persistent but passing deviations.
        ``"damped"``: growth decaying geometrically, itself hit by shocks.
        ``"logistic"``: a logistic curve near or past its inflection, with persistent
        deviations. Parameters are drawn per series (see Notes).
    n_series : int, default 100
    n_points : (int, int), default (5, 8)
        Smallest and largest number of observed years (drawn uniformly per series); the first
        and last years are always observed, the others drawn without replacement.
    span : int, default 15
        Years from the first to the last observation.
    horizon : int, default 6
        Years after the last observation, all returned as outcomes.
    seed : int, numpy.random.Generator or None, default 0

    Returns
    -------
    DataFrame
        Long table: ``series`` (id), ``year`` (0 = first observed year), ``value`` (level),
        ``role`` (``"fit"`` for the observed years, ``"future"`` for the outcomes).

    Notes
    -----
    Per series, with :math:`x_t` the log level and :math:`\\varepsilon_t, \\xi_t` standard
    normal:

    - random walk: :math:`x_t = x_{t-1} + \\mu + \\sigma\\varepsilon_t`,
      :math:`\\mu \\sim U(0.02, 0.15)`, :math:`\\sigma \\sim U(0.03, 0.12)`;
    - trend: :math:`x_t = x_0 + \\mu t + u_t`, :math:`u_t = 0.6 u_{t-1} +
      \\sigma\\varepsilon_t`, :math:`\\mu \\sim U(0.02, 0.15)`,
      :math:`\\sigma \\sim U(0.03, 0.12)`;
    - damped: :math:`x_t = x_{t-1} + g_t + \\sigma\\varepsilon_t`,
      :math:`g_t = \\phi g_{t-1} + 0.01\\,\\xi_t`, :math:`g_0 \\sim U(0.15, 0.35)`,
      :math:`\\phi \\sim U(0.75, 0.95)`, :math:`\\sigma \\sim U(0.03, 0.10)`;
    - logistic: :math:`x_t = \\log K - \\log(1 + e^{-r(t - t_0)}) + u_t`,
      :math:`u_t = 0.5 u_{t-1} + \\sigma\\varepsilon_t`, :math:`r \\sim U(0.15, 0.4)`,
      :math:`t_0 \\sim U(0.3, 1.0) \\times` span, :math:`\\sigma \\sim U(0.03, 0.08)`.

    Starting levels are :math:`\\log U(5, 50)` (and :math:`K` is 20 to 150).

    Examples
    --------
    >>> from tradepath.backtesting import synthetic_series
    >>> df = synthetic_series("damped", n_series=2, seed=1)
    >>> sorted(df["role"].unique())
    ['fit', 'future']
    """
    func = "synthetic_series"
    check_choice("process", func, process, PROCESSES)
    n_series = check_int("n_series", func, n_series, lo=1, hi=100_000)
    span = check_int("span", func, span, lo=2, hi=200)
    horizon = check_int("horizon", func, horizon, lo=1, hi=50)
    if (not isinstance(n_points, tuple | list) or len(n_points) != 2):
        raise fail("n_points", func, "a pair (smallest, largest)", n_points)
    lo_n = check_int("n_points", func, n_points[0], lo=2, hi=span + 1)
    hi_n = check_int("n_points", func, n_points[1], lo=lo_n, hi=span + 1)
    rng = check_rng("seed", func, seed)
    n_years = span + 1 + horizon
    t = np.arange(n_years, dtype=float)
    eps = rng.standard_normal((n_series, n_years))

    def u(a: float, b: float) -> np.ndarray:
        return rng.uniform(a, b, size=(n_series, 1))

    if process == "random_walk":
        mu, sigma = u(0.02, 0.15), u(0.03, 0.12)
        steps = mu + sigma * eps
        steps[:, 0] = 0.0
        x = np.log(u(5, 50)) + np.cumsum(steps, axis=1)
    elif process == "trend":
        mu, sigma = u(0.02, 0.15), u(0.03, 0.12)
        # AR(1) deviations, u_t = 0.6 u_{t-1} + e_t, as a filtered cumulative sum
        pw = 0.6 ** t
        dev = pw * np.cumsum(sigma * eps / pw, axis=1)
        x = np.log(u(5, 50)) + mu * t + dev
    elif process == "damped":
        g0, phi, sigma = u(0.15, 0.35), u(0.75, 0.95), u(0.03, 0.10)
        xi = 0.01 * rng.standard_normal((n_series, n_years))
        # g_t = phi g_{t-1} + xi_t, vectorised over series as a weighted cumulative sum
        pw = phi ** t
        g = pw * (g0 + np.cumsum(xi / pw, axis=1))
        steps = g + sigma * eps
        steps[:, 0] = 0.0
        x = np.log(u(5, 50)) + np.cumsum(steps, axis=1)
    else:
        cap, r, mid, sigma = u(20, 150), u(0.15, 0.4), u(0.3, 1.0) * span, u(0.03, 0.08)
        # AR(1) deviations, u_t = 0.5 u_{t-1} + e_t, as a filtered cumulative sum
        pw = 0.5 ** t
        dev = pw * np.cumsum(sigma * eps / pw, axis=1)
        x = np.log(cap) - np.logaddexp(0.0, -r * (t - mid)) + dev
    # observed years: 0 and span always, the rest drawn without replacement
    counts = rng.integers(lo_n, hi_n + 1, size=n_series)
    keys = rng.random((n_series, span - 1))
    ranks = np.argsort(np.argsort(keys, axis=1), axis=1)
    inner = ranks < (counts - 2)[:, None]
    fit_mask = np.zeros((n_series, n_years), dtype=bool)
    fit_mask[:, 0] = fit_mask[:, span] = True
    fit_mask[:, 1:span] = inner
    future = np.zeros_like(fit_mask)
    future[:, span + 1:] = True
    keep = fit_mask | future
    sid, year = np.nonzero(keep)
    return pd.DataFrame({
        "series": sid, "year": year, "value": np.exp(x[sid, year]),
        "role": np.where(fit_mask[sid, year], "fit", "future"),
    })


def calibration(
    models: Sequence[str | GrowthModel] | None = None,
    *,
    processes: Sequence[str] = PROCESSES,
    n_series: int = 200,
    n_points: tuple[int, int] = (5, 8),
    span: int = 15,
    horizons: Sequence[int] = (1, 3, 6),
    n_paths: int = CALIBRATION_PATHS,
    seed: Any = DEFAULT_SEED,
) -> pd.DataFrame:
    """Calibration of models on synthetic series: interval coverage and probability scores.

    Parameters
    ----------
    models : sequence of str or GrowthModel, optional
        Default: every model in :data:`tradepath.models.MODELS`.
    processes : sequence of str, default :data:`PROCESSES`
        Processes of :func:`synthetic_series`.
    n_series : int, default 200
        Series per process.
    n_points, span : see :func:`synthetic_series`
    horizons : sequence of int, default (1, 3, 6)
        Years after the last observation to score.
    n_paths : int, default 400
        Paths per model and series.
    seed : int, numpy.random.Generator or None, default 0
        The same seed gives the same series and the same random numbers to every model, so a
        model's results do not depend on the other models in the list.

    Returns
    -------
    DataFrame
        One row per (process, model, horizon): ``n_series``, ``n_refused``, ``coverage_50``,
        ``coverage_80``, ``coverage_95`` (share of outcomes inside the central intervals),
        ``crps_log`` (mean CRPS of the log forecast), and for the events "the level reaches
        the last observation grown at q times the series' own historical rate, in some year
        up to the horizon", q = 1/4, 1/2, 3/4 and 1, pooled: ``mean_prob`` (mean forecast
        probability), ``event_rate`` (observed frequency), ``brier`` and ``reliability`` (the
        calibration term of the Murphy decomposition over 10 probability bins; 0 is
        perfect).

    Notes
    -----
    A model is calibrated when ``coverage_80`` is close to 0.8 and ``mean_prob`` to
    ``event_rate`` with a small ``reliability``. Refused series are left out of a model's
    numbers and counted in ``n_refused``. The historical rate of a series is its endpoint
    growth :math:`\\log(y_n/y_1)/(t_n - t_1)`: the events ask "does it keep (part of) its
    pace?", the question a target extrapolated from the past asks.
    """
    func = "calibration"
    resolved, labels = _resolve_models(models, func)
    if isinstance(processes, str):
        processes = [processes]
    procs: list[Any] = [check_choice("processes", func, p, PROCESSES) for p in processes]
    horizons = _check_horizons(horizons, func)
    n_paths = check_int("n_paths", func, n_paths, lo=10)
    rng = check_rng("seed", func, seed)
    h_max = max(horizons)
    check_cells(func, n_paths, h_max, n_arrays=4)
    hs = np.asarray(horizons)
    rows = []
    # Two streams per process: one for the series, one for the simulations. Every model gets
    # fresh generators from the same seeds (common random numbers), so a model's numbers do
    # not depend on which other models are in the list.
    streams = rng.spawn(2 * len(procs))
    for k, process in enumerate(procs):
        data = synthetic_series(process, n_series=n_series, n_points=n_points, span=span,
                                horizon=h_max, seed=streams[2 * k])
        seed_seq = cast(np.random.SeedSequence, streams[2 * k + 1].bit_generator.seed_seq)
        sim_seeds = seed_seq.spawn(n_series)
        fit_part = data[data["role"] == "fit"]
        fut = data[data["role"] == "future"].pivot(index="series", columns="year",
                                                   values="value").to_numpy()
        train = [pd.Series(g["value"].to_numpy(), index=g["year"].to_numpy())
                 for _, g in fit_part.groupby("series", sort=True)]
        for model, label in zip(resolved, labels, strict=True):
            log_paths = np.full((n_series, n_paths, h_max), np.nan)
            refused = np.zeros(n_series, dtype=bool)
            for i, s in enumerate(train):
                try:
                    fit = model.fit(s)
                    log_paths[i] = fit._simulate_log(n_paths, h_max,
                                                     np.random.default_rng(sim_seeds[i]))
                except ModelError:
                    refused[i] = True
            ok = ~refused
            actual = np.log(fut[ok])  # (n_ok, h_max)
            lp = log_paths[ok]
            y0 = np.array([np.log(s.iloc[-1]) for s in train])[ok]
            pace = np.array([np.log(s.iloc[-1] / s.iloc[0]) / (s.index[-1] - s.index[0])
                             for s in train])[ok]
            for h in hs:
                row: dict[str, Any] = {"process": process, "model": label, "horizon": int(h),
                                       "n_series": int(ok.sum()),
                                       "n_refused": int(refused.sum())}
                if ok.any():
                    a, draws = actual[:, h - 1], lp[:, :, h - 1]
                    for level in _LEVELS:
                        lo, hi = np.quantile(draws, [(1 - level) / 2, (1 + level) / 2], axis=1)
                        row[f"coverage_{round(level * 100)}"] = float(np.mean((a >= lo)
                                                                              & (a <= hi)))
                    row["crps_log"] = float(np.mean(crps_sample(draws, a)))
                    # events at several fractions of the historical pace, pooled
                    bar = y0[:, None] + pace[:, None] * h * _PACE_FRACTIONS[None, :]
                    top = np.max(lp[:, :, :h], axis=2)
                    prob = np.mean(top[:, :, None] >= bar[:, None, :], axis=1).ravel()
                    event = (np.max(actual[:, :h], axis=1)[:, None] >= bar).ravel() * 1.0
                    row |= _probability_scores(prob, event)
                rows.append(row)
    cols = ["process", "model", "horizon", "n_series", "n_refused", "coverage_50",
            "coverage_80", "coverage_95", "crps_log", "mean_prob", "event_rate", "brier",
            "reliability"]
    return pd.DataFrame(rows, columns=cols)


def _probability_scores(prob: np.ndarray, event: np.ndarray) -> dict[str, float]:
    """Brier score and its reliability term (Murphy, 1973) over 10 equal probability bins."""
    bins = np.minimum((prob * 10).astype(int), 9)
    rel = 0.0
    for b in np.unique(bins):
        sel = bins == b
        rel += sel.sum() * (prob[sel].mean() - event[sel].mean()) ** 2
    return {"mean_prob": float(prob.mean()), "event_rate": float(event.mean()),
            "brier": float(np.mean((prob - event) ** 2)), "reliability": float(rel / len(prob))}
