"""Backtesting: how good were the models' forecasts and probabilities, out of sample?

Three tools:

- :func:`backtest` — rolling origin over an observed (irregular) series: point accuracy
  (MASE, MAPE), interval coverage and CRPS per model;
- :func:`event_backtest` — targets with a known outcome: the probability each model gave when
  the target was announced, and its Brier score;
- :func:`calibration` — the same questions on synthetic series from known processes
  (:func:`synthetic_series`), many at once: the evidence behind the default model.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal, cast

import numpy as np
import pandas as pd

from ._validation import check_cells, check_choice, check_int, check_rng, fail
from .errors import ModelError, ParameterError
from .models import MODELS, GrowthModel, get_model
from .models._base import as_series
from .models.scoring import crps_sample, rolling_origin
from .targets import Target

__all__ = [
    "PROCESSES",
    "EventBacktest",
    "backtest",
    "calibration",
    "crps_sample",
    "event_backtest",
    "synthetic_series",
]

#: Synthetic processes of :func:`synthetic_series`.
PROCESSES: tuple[str, ...] = ("random_walk", "trend", "damped", "logistic")

_LEVELS = (0.5, 0.8, 0.95)
#: Fractions of a series' historical growth rate that define the events scored by
#: :func:`calibration` (the 150B-by-2030 target asks for about 3/4 of the 2009–2024 pace).
_PACE_FRACTIONS = np.array([0.25, 0.5, 0.75, 1.0])


def _resolve_models(
    models: Sequence[str | GrowthModel] | str | GrowthModel | None, func: str
) -> tuple[list[GrowthModel], list[str]]:
    if models is None:
        models = list(MODELS)
    if isinstance(models, str | GrowthModel):
        models = [models]
    if not isinstance(models, Sequence) or len(models) == 0:
        raise fail("models", func, "a non-empty sequence of model names or models", models)
    resolved = [get_model(m) for m in models]
    names = [m.name for m in resolved]
    labels = [n if names.count(n) == 1 else f"{n}_{i + 1}" for i, n in enumerate(names)]
    return resolved, labels


def _check_horizons(horizons: Any, func: str) -> tuple[int, ...]:
    if isinstance(horizons, int | np.integer) and not isinstance(horizons, bool):
        horizons = (horizons,)
    if isinstance(horizons, str) or not isinstance(horizons, Iterable):
        raise fail("horizons", func, "a sequence of positive integers", horizons)
    horizons = tuple(horizons)
    if not horizons:
        raise fail("horizons", func, "a non-empty sequence of positive integers", horizons)
    return tuple(sorted({check_int("horizons", func, h, lo=1, hi=50) for h in horizons}))


def _series(series: Any, func: str, min_points: int) -> pd.Series:
    if not isinstance(series, pd.Series | dict):
        raise fail("series", func, "a pandas Series indexed by year", type(series).__name__)
    try:
        return as_series(series, model=func, min_points=min_points)
    except ModelError as exc:
        detail = (str(exc).removeprefix(f"{func}: ")
                  .replace(" Use a simpler model or add observations.", ""))
        raise ParameterError(
            f"The 'series' parameter of {func} must be an annual series with at least "
            f"{min_points} positive values; {detail}"
        ) from None


def _naive_scale(train: np.ndarray, years: np.ndarray) -> float:
    """Mean absolute one-year naive error in the training data (gaps spread evenly)."""
    return float(np.mean(np.abs(np.diff(train)) / np.diff(years)))


def backtest(
    series: pd.Series,
    models: Sequence[str | GrowthModel] | None = None,
    *,
    origins: Sequence[int] | None = None,
    horizons: Sequence[int] = (1, 2, 3),
    n_paths: int = 2000,
    seed: Any = 0,
    min_train: int = 3,
    by_horizon: bool = False,
) -> pd.DataFrame:
    """Rolling-origin backtest of growth models on an observed series with gaps.

    Parameters
    ----------
    series : pandas.Series
        Annual levels indexed by year (gaps allowed; NaN values are dropped).
    models : sequence of str or GrowthModel, optional
        Registry names or configured models; default every model in
        :data:`tradepath.models.MODELS`.
    origins : sequence of int, optional
        Forecast origins (observed years). Default: every observed year with at least
        ``min_train`` observations up to it and an observed year within the horizons after it.
    horizons : sequence of int, default (1, 2, 3)
        Years after the origin to score; a forecast for ``origin + h`` is scored only where
        that year is observed.
    n_paths : int, default 2000
        Simulated paths per model and origin.
    seed : int, numpy.random.Generator or None, default 0
        Randomness; same seed, same numbers.
    min_train : int, default 3
        Fewest observations up to an origin. A model needing more refuses there (counted).
    by_horizon : bool, default False
        One row per model (False) or per model and horizon (True).

    Returns
    -------
    DataFrame
        One row per model (or per model and horizon), columns: ``model``, (``horizon``),
        ``n_forecasts`` (scored forecasts), ``n_refused`` (origins where the model refused),
        ``mase``, ``mape`` (percent), ``crps`` (US$ bn, lower is better), ``crps_log``
        (CRPS of the log level: a relative error, comparable across series), ``coverage_50``,
        ``coverage_80``, ``coverage_95`` (share of outcomes inside the central intervals from
        the paths). Metrics are NaN for a model with no forecast. ``crps`` is infinite when a
        forecast had paths that overflowed (a model fitted on very few points can have tails
        that heavy); ``crps_log`` stays finite.

    Raises
    ------
    ParameterError
        A bad argument (the message names it): too short a series, an origin that is not an
        observed year with ``min_train`` points up to it, a non-positive horizon.

    Notes
    -----
    The point forecast is the median of the paths. **MASE** divides each absolute error by
    the mean absolute *one-year* naive error in the data up to its origin:
    :math:`q = \\frac{1}{m}\\sum_i |y_{t_i} - y_{t_{i-1}}| / (t_i - t_{i-1})`, a change over a
    gap of :math:`k` years counting as :math:`k` equal annual changes (Hyndman and Koehler,
    2006, adapted to gaps). A MASE of 1 at horizon 1 matches the no-change forecast; errors
    at longer horizons are scaled by the same one-year figure, so MASE grows with the
    horizon. **CRPS** is the sample CRPS of the simulated levels (:func:`crps_sample`).

    Examples
    --------
    >>> import tradepath as tp
    >>> s = tp.load_dataset().series("total")
    >>> from tradepath.backtest import backtest
    >>> bt = backtest(s, ["cagr", "random_walk"], n_paths=500)
    >>> list(bt["model"])
    ['cagr', 'random_walk']
    """
    func = "backtest"
    min_train = check_int("min_train", func, min_train, lo=2)
    s = _series(series, func, min_train + 1)
    resolved, labels = _resolve_models(models, func)
    horizons = _check_horizons(horizons, func)
    n_paths = check_int("n_paths", func, n_paths, lo=10)
    check_cells(func, n_paths, max(horizons), n_arrays=4)
    rng = check_rng("seed", func, seed)
    check_choice("by_horizon", func, by_horizon, (True, False))
    years = s.index.to_numpy(dtype=int)
    eligible = [int(y) for i, y in enumerate(years) if i + 1 >= min_train]
    if origins is None:
        origins = eligible
    else:
        if isinstance(origins, int | np.integer) or not isinstance(origins, Iterable):
            raise fail("origins", func, "a sequence of observed years", origins)
        origins = [check_int("origins", func, o) for o in origins]
        bad = [o for o in origins if o not in eligible]
        if bad:
            raise fail("origins", func, f"observed years with at least {min_train} observations "
                       f"up to them ({eligible})", bad)
    ro = rolling_origin(s, resolved, labels, origins=sorted(set(origins)), horizons=horizons,
                        n_paths=n_paths, rng=rng)
    cases = ro.cases
    if len(cases):
        with np.errstate(over="ignore"):
            paths = np.exp(ro.log_samples)
        actual = cases["actual"].to_numpy(dtype=float)
        median = np.median(paths, axis=1)
        err = np.abs(median - actual)
        scale = {o: _naive_scale(s[s.index <= o].to_numpy(), years[years <= o])
                 for o in cases["origin"].unique()}
        q = cases["origin"].map(scale).to_numpy(dtype=float)
        cols: dict[str, np.ndarray] = {
            "mase": np.divide(err, q, out=np.full_like(err, np.nan), where=q > 0),
            "mape": 100 * err / np.abs(actual),
            "crps": crps_sample(paths, actual),
            "crps_log": crps_sample(ro.log_samples, np.log(actual)),
        }
        for level in _LEVELS:
            lo, hi = np.quantile(ro.log_samples, [(1 - level) / 2, (1 + level) / 2], axis=1)
            inside = (np.log(actual) >= lo) & (np.log(actual) <= hi)
            cols[f"coverage_{round(level * 100)}"] = inside * 1.0
        cases = cases.assign(**cols)
    metrics = ["mase", "mape", "crps", "crps_log", "coverage_50", "coverage_80", "coverage_95"]
    keys = ["model", "horizon"] if by_horizon else ["model"]
    refused = ro.refusals.groupby("model").size()
    rows = []
    groups = ([(lab, h) for lab in labels for h in horizons] if by_horizon
              else [(lab,) for lab in labels])
    for key in groups:
        sel = cases["model"] == key[0]
        if by_horizon:
            sel &= cases["horizon"] == key[-1]
        sub = cases[sel]
        row: dict[str, Any] = dict(zip(keys, key, strict=True))
        row["n_forecasts"] = len(sub)
        row["n_refused"] = int(refused.get(key[0], 0))
        for mcol in metrics:
            # skipna=False: an infinite or undefined score must show, not vanish
            row[mcol] = float(sub[mcol].mean(skipna=False)) if len(sub) else np.nan
        rows.append(row)
    return pd.DataFrame(rows, columns=[*keys, "n_forecasts", "n_refused", *metrics])


@dataclass(frozen=True, slots=True)
class EventBacktest:
    """Result of :func:`event_backtest`.

    Attributes
    ----------
    events : DataFrame
        One row per (target, model): ``target``, ``announced``, ``by``, ``value``,
        ``outcome`` (1.0 met, 0.0 missed, NaN unknown), ``outcome_detail`` (e.g. "met in
        2012 (20)"), ``model``, ``status`` (``"scored"``, ``"refused"`` or
        ``"unknown outcome"``), ``n_train`` (observations up to the announcement),
        ``probability``, ``brier`` and ``message`` (why a model refused).
    scores : DataFrame
        One row per model: ``model``, ``n_events`` (scored), ``n_refused``, ``brier`` (mean
        over scored events; NaN if none).
    notes : tuple of str
        What could not be scored and why.
    """

    events: pd.DataFrame
    scores: pd.DataFrame
    notes: tuple[str, ...] = ()

    def to_frame(self) -> pd.DataFrame:
        """The per-event table (:attr:`events`)."""
        return self.events

    def __repr__(self) -> str:
        return f"<EventBacktest: {len(self.events)} target x model rows>\n{self.scores}"


def _outcome(s: pd.Series, target: Target, announced: int) -> tuple[float, str]:
    window = s[(s.index > announced) & (s.index <= target.by)]
    met = window[window >= target.value]
    if len(met):
        return 1.0, f"met in {int(met.index[0])} ({met.iloc[0]:g})"
    missing = sorted(set(range(announced + 1, target.by + 1)) - {int(y) for y in window.index})
    if missing:
        return np.nan, f"not met in the observed years; years {missing} are unobserved"
    return 0.0, f"not met by {target.by}"


def event_backtest(
    series: pd.Series,
    targets: Sequence[Target] | Target,
    models: Sequence[str | GrowthModel] | None = None,
    *,
    n_paths: int = 4000,
    seed: Any = 0,
) -> EventBacktest:
    """Score the probabilities models gave, at announcement, for targets with known outcome.

    Parameters
    ----------
    series : pandas.Series
        The annual levels of the target's flow, indexed by year.
    targets : Target or sequence of Target
        Each needs ``announced``. The outcome is computed from ``series``: met if the level
        reaches ``value`` in an observed year after ``announced`` and up to ``by``; missed if
        every one of those years is observed and none does; otherwise unknown (not scored).
    models : sequence of str or GrowthModel, optional
        Default: every model in :data:`tradepath.models.MODELS`.
    n_paths : int, default 4000
    seed : int, numpy.random.Generator or None, default 0

    Returns
    -------
    EventBacktest
        Per-event probabilities and per-model Brier scores.

    Raises
    ------
    ParameterError
        A target without ``announced``, or a bad argument.

    Notes
    -----
    Each model is fitted on the observations up to and including the announcement year and
    simulated to ``by``; the probability is the share of paths reaching ``value`` in some
    year after the announcement and up to ``by``. The Brier score is
    :math:`(p - o)^2`, :math:`o \\in \\{0, 1\\}`; lower is better, 0.25 is what a constant
    50 % earns. Models that refuse (for example with too few observations before the
    announcement) are listed as refused, not scored. A balance condition on a target is
    ignored here: only the level is scored.

    Examples
    --------
    >>> import tradepath as tp
    >>> ds = tp.load_dataset()
    >>> from tradepath.backtest import event_backtest
    >>> eb = event_backtest(ds.series("total"), ds.target("20B by 2015"), ["random_walk"])
    >>> eb.events.loc[0, "status"]
    'refused'
    """
    func = "event_backtest"
    s = _series(series, func, 1)
    if isinstance(targets, Target):
        targets = [targets]
    if not isinstance(targets, Sequence) or not targets:
        raise fail("targets", func, "a Target or a non-empty sequence of Target", targets)
    for t in targets:
        if not isinstance(t, Target):
            raise fail("targets", func, "Target objects", t)
        if t.announced is None:
            raise fail("targets", func, "targets with an announcement year ('announced')", t,
                       "Set Target(..., announced=year).")
    resolved, labels = _resolve_models(models, func)
    n_paths = check_int("n_paths", func, n_paths, lo=10)
    rng = check_rng("seed", func, seed)
    rows: list[dict[str, Any]] = []
    notes: list[str] = []
    for target in targets:
        announced = int(target.announced)  # type: ignore[arg-type]
        outcome, how = _outcome(s, target, announced)
        train = s[s.index <= announced]
        if target.balance is not None:
            notes.append(f"{target.name}: the balance condition is ignored; the level is scored.")
        base = {"target": target.name, "announced": announced, "by": target.by,
                "value": target.value, "outcome": outcome, "outcome_detail": how,
                "n_train": len(train)}
        streams = rng.spawn(len(resolved))
        for model, label, stream in zip(resolved, labels, streams, strict=True):
            row = base | {"model": label, "probability": np.nan, "brier": np.nan}
            if np.isnan(outcome):
                rows.append(row | {"status": "unknown outcome", "message": ""})
                continue
            try:
                if target.by <= announced:
                    raise ModelError("the deadline is not after the announcement")
                fit = model.fit(train)
                check_cells(func, n_paths, target.by - fit.last_year, n_arrays=4)
                paths = fit.simulate_array(n_paths, target.by, seed=stream)
            except ModelError as exc:
                rows.append(row | {"status": "refused", "message": str(exc)})
                continue
            after = np.arange(fit.last_year + 1, target.by + 1) > announced
            p = float(np.mean(np.any(paths[:, after] >= target.value, axis=1)))
            rows.append(row | {"status": "scored", "probability": p,
                               "brier": (p - outcome) ** 2, "message": ""})
        scored = sum(r["status"] == "scored" for r in rows[-len(resolved):])
        if scored == 0 and not np.isnan(outcome):
            notes.append(
                f"{target.name}: no model could be fitted on the {len(train)} observation(s) "
                f"up to {announced}; nothing to score."
            )
        if np.isnan(outcome):
            notes.append(f"{target.name}: outcome unknown ({how}); not scored.")
    cols = ["target", "announced", "by", "value", "outcome", "outcome_detail", "model",
            "status", "n_train", "probability", "brier", "message"]
    events = pd.DataFrame(rows, columns=cols)
    score_rows = []
    for label in labels:
        sub = events[events["model"] == label]
        ok = sub[sub["status"] == "scored"]
        score_rows.append({"model": label, "n_events": len(ok),
                           "n_refused": int((sub["status"] == "refused").sum()),
                           "brier": float(ok["brier"].mean()) if len(ok) else np.nan})
    scores = pd.DataFrame(score_rows, columns=["model", "n_events", "n_refused", "brier"])
    return EventBacktest(events=events, scores=scores, notes=tuple(dict.fromkeys(notes)))


# -- synthetic series and calibration ---------------------------------------------------------


def synthetic_series(
    process: Literal["random_walk", "trend", "damped", "logistic"],
    *,
    n_series: int = 100,
    n_points: tuple[int, int] = (5, 8),
    span: int = 15,
    horizon: int = 6,
    seed: Any = 0,
) -> pd.DataFrame:
    """Synthetic annual trade-like series from a known process, observed with gaps.

    Parameters
    ----------
    process : {"random_walk", "trend", "damped", "logistic"}
        ``"random_walk"``: log level a random walk with drift, growth not decaying.
        ``"trend"``: a constant-growth trend with persistent but passing deviations.
        ``"damped"``: growth decaying geometrically, itself hit by shocks.
        ``"logistic"``: a logistic curve near or past its inflection, with persistent
        deviations.
        Parameters are drawn per series (see Notes).
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
    >>> from tradepath.backtest import synthetic_series
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
    n_paths: int = 400,
    seed: Any = 0,
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
