"""Rolling-origin backtest of growth models on an observed series (:func:`backtest`)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from .._defaults import BATCH_PATHS, DEFAULT_SEED
from .._validation import check_cells, check_choice, check_int, check_rng, fail
from ..errors import ModelError, ParameterError
from ..models import MODELS, GrowthModel, get_model
from ..models._base import as_series
from ..models.scoring import crps_sample, rolling_origin

__all__ = ["backtest"]


_LEVELS = (0.5, 0.8, 0.95)


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


def _check_origins(origins: Any, years: np.ndarray, min_train: int, func: str) -> list[int]:
    """The forecast origins, sorted: every eligible observed year by default."""
    eligible = [int(y) for i, y in enumerate(years) if i + 1 >= min_train]
    if origins is None:
        return eligible
    if isinstance(origins, int | np.integer) or not isinstance(origins, Iterable):
        raise fail("origins", func, "a sequence of observed years", origins)
    origins = [check_int("origins", func, o) for o in origins]
    bad = [o for o in origins if o not in eligible]
    if bad:
        raise fail("origins", func, f"observed years with at least {min_train} observations "
                   f"up to them ({eligible})", bad)
    return sorted(set(origins))


def _scored(ro: Any, s: pd.Series) -> pd.DataFrame:
    """Each forecast case with its MASE, MAPE, CRPS (of the level and of its log) and
    whether the outcome fell in the central 50, 80 and 95 % intervals."""
    cases, years = ro.cases, s.index.to_numpy(dtype=int)
    with np.errstate(over="ignore"):
        paths = np.exp(ro.log_samples)
    actual = cases["actual"].to_numpy(dtype=float)
    err = np.abs(np.median(paths, axis=1) - actual)
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
    return cases.assign(**cols)


def backtest(
    series: pd.Series,
    models: Sequence[str | GrowthModel] | None = None,
    *,
    origins: Sequence[int] | None = None,
    horizons: Sequence[int] = (1, 2, 3),
    n_paths: int = BATCH_PATHS,
    seed: Any = DEFAULT_SEED,
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
        One row per model (or per model and horizon): ``model``, (``horizon``),
        ``n_forecasts``, ``n_refused`` (origins where the model refused), ``mase``, ``mape``
        (percent), ``crps`` (US$ bn; infinite when paths overflowed), ``crps_log`` (CRPS of
        the log level, comparable across series), ``coverage_50``, ``coverage_80``,
        ``coverage_95``. Metrics are NaN for a model with no forecast.

    Raises
    ------
    ParameterError
        A bad argument (the message names it): too short a series, an origin that is not an
        observed year with ``min_train`` points up to it, a non-positive horizon.

    Notes
    -----
    The point forecast is the median of the paths. MASE scales each absolute error by the
    mean absolute one-year naive error up to its origin, a change over a gap of k years
    counting as k equal annual changes (Hyndman and Koehler, 2006, adapted to gaps); CRPS is
    the sample CRPS of the simulated levels (:func:`crps_sample`). The formulas are in the
    guide's "Growth models in depth", "Backtesting".

    Examples
    --------
    >>> import tradepath as tp
    >>> s = tp.load_dataset().series("total")
    >>> from tradepath.backtesting import backtest
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
    origins = _check_origins(origins, s.index.to_numpy(dtype=int), min_train, func)
    ro = rolling_origin(s, resolved, labels, origins=origins, horizons=horizons,
                        n_paths=n_paths, rng=rng)
    cases = _scored(ro, s) if len(ro.cases) else ro.cases
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
