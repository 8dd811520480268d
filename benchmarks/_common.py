"""What both benchmarks share: tables, timing, the analyst's baselines, synthetic data.

The baselines are written here as tradepath models (a :class:`GrowthModel` whose ``fit``
returns a :class:`FitResult`), so that :func:`tradepath.backtest` and
:func:`tradepath.event_backtest` score them exactly as they score tradepath's own models: the
same origins, the same outcomes, the same metrics.
"""

from __future__ import annotations

import inspect
import math
import statistics
import time
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from tradepath.errors import ModelError
from tradepath.models import FitResult, GrowthModel

__all__ = [
    "RESULTS",
    "Naive",
    "StatsmodelsARIMA",
    "StatsmodelsHoltDamped",
    "annual_grid",
    "markdown",
    "median_time",
    "quiet",
    "trade_matrix",
    "write_table",
]

RESULTS = Path(__file__).resolve().parent / "results"


# -- tables -----------------------------------------------------------------------------------


def _cell(v: Any, digits: int) -> str:
    if isinstance(v, float | np.floating):
        if math.isnan(v):
            return "—"
        if math.isinf(v):
            return "inf" if v > 0 else "-inf"
        if abs(v) >= 1e7:
            return f"{v:.2g}"
        return f"{v:,.{digits}f}"
    if v is None or v is pd.NA:
        return "—"
    return str(v)


def markdown(frame: pd.DataFrame, digits: int | dict[str, int] = 3) -> str:
    """A GitHub Markdown table of ``frame`` (NaN shown as an em dash)."""
    cols = [str(c) for c in frame.columns]
    out = ["| " + " | ".join(cols) + " |",
           "|" + "|".join("---:" if pd.api.types.is_numeric_dtype(frame[c]) else "---"
                          for c in frame.columns) + "|"]
    for row in frame.itertuples(index=False):
        cells = []
        for c, v in zip(cols, row, strict=True):
            d = digits.get(c, 3) if isinstance(digits, dict) else digits
            cells.append(_cell(v, d))
        out.append("| " + " | ".join(cells) + " |")
    return "\n".join(out)


def write_table(frame: pd.DataFrame, name: str, title: str, notes: Sequence[str] = (),
                digits: int | dict[str, int] = 3) -> str:
    """Write ``results/<name>.csv`` and ``results/<name>.md``; return the Markdown."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    frame.to_csv(RESULTS / f"{name}.csv", index=False)
    text = f"### {title}\n\n{markdown(frame, digits)}\n"
    if notes:
        text += "\n" + "\n".join(f"- {n}" for n in notes) + "\n"
    (RESULTS / f"{name}.md").write_text(text, encoding="utf-8")
    return text


# -- timing -----------------------------------------------------------------------------------


def median_time(fn: Callable[[], Any], repeat: int, warmup: int = 1) -> tuple[float, Any]:
    """Median wall time of ``repeat`` calls after ``warmup`` untimed calls; the last result."""
    result = None
    for _ in range(warmup):
        result = fn()
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), result


class quiet(warnings.catch_warnings):
    """Silence the warnings statsmodels gives on short series (convergence, frequency)."""

    def __enter__(self) -> Any:
        out = super().__enter__()
        warnings.simplefilter("ignore")
        return out


# -- the analyst's baselines ------------------------------------------------------------------


def annual_grid(s: pd.Series) -> pd.Series:
    """Log levels on every year from the first to the last observation.

    statsmodels' ARIMA and Holt need an equally spaced series. Missing years are filled by
    log-linear interpolation between the neighbouring observations (constant growth across
    the gap), which is what an analyst does to put sparse figures on an annual grid.
    """
    years = s.index.to_numpy(dtype=int)
    full = np.arange(years[0], years[-1] + 1)
    logs = np.interp(full, years, np.log(s.to_numpy(dtype=float)))
    return pd.Series(logs, index=pd.Index(full, name="year"))


def _rng_kwarg(method: Callable[..., Any]) -> str:
    """statsmodels 0.15 takes ``rng=``; 0.14 takes ``random_state=``."""
    return "rng" if "rng" in inspect.signature(method).parameters else "random_state"


@dataclass(frozen=True, slots=True, kw_only=True, eq=False)
class NaiveFit(FitResult):
    """The last observed value, every year: a point forecast with no uncertainty."""

    def _simulate_log(self, n_paths: int, steps: int, rng: np.random.Generator) -> np.ndarray:
        return np.full((n_paths, steps), np.log(self.last_value))


class Naive(GrowthModel):
    """Naive forecast: the last observed value carried forward (no interval)."""

    name: ClassVar[str] = "naive"
    min_points: ClassVar[int] = 1

    def _fit(self, s: pd.Series) -> NaiveFit:
        return NaiveFit(model=self.name, series=s, params={}, growth=0.0,
                        notes=("Point forecast: no uncertainty.",))


@dataclass(frozen=True, slots=True, kw_only=True, eq=False)
class StatsmodelsFit(FitResult):
    """A fitted statsmodels model on the annual grid; paths from its ``simulate``."""

    def _simulate_log(self, n_paths: int, steps: int, rng: np.random.Generator) -> np.ndarray:
        res = self.extras["results"]
        kw = {_rng_kwarg(res.simulate): rng}
        with quiet():
            if self.extras["kind"] == "arima":
                sim = res.simulate(nsimulations=steps, repetitions=n_paths, anchor="end", **kw)
            else:
                sim = res.simulate(steps, repetitions=n_paths, **kw)
        out = np.asarray(sim, dtype=float).reshape(steps, n_paths).T
        if not np.all(np.isfinite(out)):
            raise ModelError(f"{self.model}: statsmodels simulated non-finite values")
        return out


class StatsmodelsARIMA(GrowthModel):
    """Random walk with drift as an analyst fits it: statsmodels ``ARIMA(0,1,0)`` with trend
    ``"t"`` (a drift after differencing) on the logs of the annual grid (:func:`annual_grid`),
    parameters at their maximum-likelihood estimates, paths from ``simulate``."""

    name: ClassVar[str] = "sm_arima_drift"
    min_points: ClassVar[int] = 3

    def _fit(self, s: pd.Series) -> StatsmodelsFit:
        from statsmodels.tsa.arima.model import ARIMA

        grid = annual_grid(s)
        try:
            with quiet():
                res = ARIMA(grid.to_numpy(), order=(0, 1, 0), trend="t").fit()
        except (ValueError, np.linalg.LinAlgError) as exc:
            raise ModelError(f"{self.name}: {exc}") from exc
        drift = float(res.params[0])
        return StatsmodelsFit(model=self.name, series=s, params={"drift": drift},
                              growth=float(np.expm1(drift)),
                              extras={"results": res, "kind": "arima"})


class StatsmodelsHoltDamped(GrowthModel):
    """Holt's damped trend as an analyst fits it: statsmodels ``ExponentialSmoothing`` with an
    additive damped trend on the logs of the annual grid, paths from ``simulate``."""

    name: ClassVar[str] = "sm_holt_damped"
    #: statsmodels' estimated initialisation gives NaN paths on fewer annual points.
    min_points: ClassVar[int] = 6

    def _fit(self, s: pd.Series) -> StatsmodelsFit:
        from statsmodels.tsa.holtwinters import ExponentialSmoothing

        grid = annual_grid(s)
        if len(grid) < self.min_points:
            raise ModelError(f"{self.name}: needs {self.min_points} years on the annual grid; "
                             f"got {len(grid)}")
        try:
            with quiet():
                res = ExponentialSmoothing(grid.to_numpy(), trend="add",
                                           damped_trend=True).fit()
        except (ValueError, np.linalg.LinAlgError) as exc:
            raise ModelError(f"{self.name}: {exc}") from exc
        level_end = float(res.level[-1]) if hasattr(res, "level") else math.nan
        slope = float(res.params.get("damping_trend", math.nan) * res.trend[-1])
        return StatsmodelsFit(model=self.name, series=s,
                              params={"level_end": level_end, "next_growth": slope},
                              growth=float(np.expm1(slope)),
                              extras={"results": res, "kind": "holt"})


# -- synthetic data ---------------------------------------------------------------------------


def trade_matrix(n_series: int = 10_000, n_years: int = 20, *, seed: int = 0,
                 first_year: int = 2005) -> pd.DataFrame:
    """A long table of synthetic bilateral series (random walks with drift in logs).

    Columns ``pair``, ``year``, ``value``; drifts uniform on (-0.02, 0.12), volatilities on
    (0.02, 0.20), starting levels on (0.5, 50) US$ bn.
    """
    rng = np.random.default_rng(seed)
    mu = rng.uniform(-0.02, 0.12, (n_series, 1))
    sigma = rng.uniform(0.02, 0.20, (n_series, 1))
    steps = mu + sigma * rng.standard_normal((n_series, n_years))
    values = rng.uniform(0.5, 50, (n_series, 1)) * np.exp(np.cumsum(steps, axis=1))
    width = len(str(n_series - 1))
    return pd.DataFrame({
        "pair": np.repeat([f"P{i:0{width}d}" for i in range(n_series)], n_years),
        "year": np.tile(np.arange(first_year, first_year + n_years), n_series),
        "value": values.ravel(),
    })
