"""The common interface of every growth model.

A model holds keyword-only settings; ``fit(series)`` validates the series and returns an
immutable :class:`FitResult`. The result simulates annual paths of future levels with
parameter uncertainty drawn afresh on every path, so the spread of the paths is the model's
whole predictive uncertainty.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from .._defaults import DEFAULT_PATHS, DEFAULT_SEED, FORECAST_PATHS
from .._display import ResultDisplay
from .._validation import check_cells, check_int, check_real, check_rng, check_year, fail
from ..errors import ModelError

__all__ = ["FitResult", "GrowthModel", "as_series"]


def as_series(series: Any, *, model: str, min_points: int, positive: bool = True) -> pd.Series:
    """Validate a (year -> value) series: integer years, increasing, finite, enough points.

    Accepts a pandas Series indexed by year (NaN values are dropped as gaps) or a mapping.
    Raises :class:`ModelError` naming the problem.
    """
    if isinstance(series, dict):
        series = pd.Series(series, dtype=float)
    if not isinstance(series, pd.Series):
        raise fail("series", f"{model}.fit", "a pandas Series indexed by year",
                   type(series).__name__)
    s = _year_index(series, model).dropna()
    try:
        years = np.asarray(s.index, dtype=float)
        values = np.asarray(s.to_numpy(), dtype=float)
    except (TypeError, ValueError):
        raise ModelError(f"{model}: the series must have numeric years and values") from None
    if len(years) and (np.any(years != np.round(years)) or np.any(np.diff(years) <= 0)):
        raise ModelError(
            f"{model}: years must be whole numbers in increasing order without repeats; got "
            f"{list(s.index)}"
        )
    if not np.all(np.isfinite(values)):
        raise ModelError(f"{model}: values must be finite; got {values.tolist()}")
    if positive and np.any(values <= 0):
        bad = {int(y): float(v) for y, v in zip(years, values, strict=True) if v <= 0}
        raise ModelError(
            f"{model}: works on logs, so values must be positive; got {bad}. Model exports and "
            "imports (or totals), not the balance."
        )
    if len(values) < min_points:
        raise ModelError(
            f"{model}: needs at least {min_points} observations; got {len(values)} "
            f"({', '.join(str(int(y)) for y in years)}). Use a simpler model or add "
            "observations."
        )
    return pd.Series(values, index=pd.Index(years.astype(int), name="year"), name=s.name)


def _year_index(series: pd.Series, model: str) -> pd.Series:
    """Re-index a series with a DatetimeIndex or PeriodIndex by year (annual data only).

    A datetime index would otherwise be read as nanoseconds since 1970.
    """
    idx = series.index
    if isinstance(idx, pd.PeriodIndex):
        if not idx.freqstr.upper().startswith(("Y", "A")):
            raise ModelError(
                f"{model}: the series has {idx.freqstr!r} periods; the models take annual "
                "data. Aggregate first, e.g. series.groupby(series.index.year).sum() for "
                "flows (complete years only)")
        years = idx.year
    elif isinstance(idx, pd.DatetimeIndex):
        years = idx.year
        if years.duplicated().any():
            dup = int(years[years.duplicated()][0])
            raise ModelError(
                f"{model}: the series has several dates in {dup}; the models take annual data "
                "(one value per year). Aggregate first, e.g. "
                "series.groupby(series.index.year).sum() for flows (complete years only)")
    elif isinstance(idx, pd.TimedeltaIndex):
        raise ModelError(f"{model}: the series is indexed by time spans; index it by year")
    else:
        return series
    return pd.Series(series.to_numpy(), index=pd.Index(years, name="year"), name=series.name)


@dataclass(frozen=True, slots=True, kw_only=True, eq=False)
class FitResult(ResultDisplay):
    """A fitted growth model: parameters, diagnostics and a path simulator.

    Subclasses implement :meth:`_simulate_log`; everything else is shared.

    Attributes
    ----------
    model : str
        Registry name of the model (e.g. ``"random_walk"``).
    series : pandas.Series
        The data the model was fitted on (year index).
    params : dict of str to float
        Point estimates (documented per model).
    growth : float
        Fitted annual growth rate at the end of the sample (e.g. 0.07 for 7 % a year).
    notes : tuple of str
        Caveats the user should read (e.g. "drift depends only on the two endpoints").
    """

    model: str
    series: pd.Series
    params: dict[str, float]
    growth: float
    notes: tuple[str, ...] = ()
    extras: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def last_year(self) -> int:
        return int(self.series.index[-1])

    @property
    def last_value(self) -> float:
        return float(self.series.iloc[-1])

    def _simulate_log(self, n_paths: int, steps: int, rng: np.random.Generator) -> np.ndarray:
        """Log levels for years last_year+1 .. last_year+steps, shape (n_paths, steps)."""
        raise NotImplementedError

    def simulate(self, *, n_paths: int = DEFAULT_PATHS, end: int,
                 seed: Any = DEFAULT_SEED) -> pd.DataFrame:
        """Simulate annual levels up to ``end``: rows are paths, columns years.

        Each path draws its own parameters (see the model's Notes), then its own shocks.

        Parameters
        ----------
        n_paths : int, default 20000
        end : int
            Last year simulated, after :attr:`last_year`.
        seed : int, numpy.random.Generator or None, default 0
            Same seed, same paths; None draws fresh entropy.

        Returns
        -------
        DataFrame
            ``n_paths`` rows; columns the years ``last_year + 1 .. end``.

        Notes
        -----
        Every ``simulate`` in tradepath takes ``n_paths``, ``end`` and ``seed`` by keyword, in
        that order, with the same defaults (20000 paths, seed 0, from ``tradepath._defaults``);
        the data it needs, if any, come first and by position.
        """
        return pd.DataFrame(
            self.simulate_array(n_paths=n_paths, end=end, seed=seed),
            columns=pd.Index(range(self.last_year + 1, end + 1), name="year"),
        )

    def simulate_array(self, *, n_paths: int = DEFAULT_PATHS, end: int,
                 seed: Any = DEFAULT_SEED) -> np.ndarray:
        """As :meth:`simulate`, as a NumPy array of shape ``(n_paths, end - last_year)``."""
        func = f"{type(self).__name__}.simulate"
        n_paths = check_int("n_paths", func, n_paths, lo=1)
        end = check_year("end", func, end, lo=self.last_year + 1)  # the one year range
        rng = check_rng("seed", func, seed)
        steps = end - self.last_year
        check_cells(func, n_paths, steps, n_arrays=4)
        return np.exp(self._simulate_log(n_paths, steps, rng))

    def forecast(
        self, end: int, *, alpha: float = 0.2, n_paths: int = FORECAST_PATHS,
        seed: Any = DEFAULT_SEED
    ) -> pd.DataFrame:
        """Median and central ``1 - alpha`` interval by year, from simulated paths.

        Returns a frame indexed by year with columns ``mean``, ``median``, ``lower``, ``upper``.
        """
        alpha = check_real("alpha", f"{type(self).__name__}.forecast", alpha, lo=0.0,
                           hi=1.0, lo_open=True)
        paths = self.simulate_array(n_paths=n_paths, end=end, seed=seed)
        lo, med, hi = np.quantile(paths, [alpha / 2, 0.5, 1 - alpha / 2], axis=0)
        return pd.DataFrame(
            {"mean": paths.mean(axis=0), "median": med, "lower": lo, "upper": hi},
            index=pd.Index(range(self.last_year + 1, end + 1), name="year"),
        )

    def plot(self, *, ax: Any = None, **kwargs: Any) -> Any:
        """The series, the median forecast and a central band (see
        :func:`tradepath.plotting.plot_forecast`; keyword arguments go to it)."""
        from ..plotting import plot_forecast

        return plot_forecast(self, ax=ax, **kwargs)

    def to_frame(self) -> pd.DataFrame:
        """Parameters as a one-column frame (``estimate``), plus the fitted growth."""
        rows = dict(self.params) | {"growth": self.growth}
        return pd.DataFrame({"estimate": rows}).rename_axis("parameter")

    def summary(self) -> str:
        """A short text summary: data window, parameters, caveats."""
        years = [int(y) for y in self.series.index]
        lines = [
            f"{self.model} fitted on {len(years)} observations, {years[0]}–{years[-1]} "
            f"(years: {', '.join(map(str, years))})",
            f"  fitted growth at the end of the sample: {self.growth:+.2%} a year",
        ]
        lines += [f"  {k} = {v:.6g}" for k, v in self.params.items()]
        lines += [f"  note: {n}" for n in self.notes]
        return "\n".join(lines)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.model}: growth {self.growth:+.2%}/yr, " \
               f"{len(self.series)} points to {self.last_year}>"

    def replace(self, **changes: Any) -> FitResult:
        return dataclasses.replace(self, **changes)


class GrowthModel:
    """Base class of the growth models: settings in ``__init__``, work in :meth:`fit`."""

    name: ClassVar[str] = ""
    #: Fewest observations the model accepts.
    min_points: ClassVar[int] = 2

    def fit(self, series: pd.Series) -> FitResult:
        """Fit to a series indexed by year (gaps allowed); return a :class:`FitResult`."""
        s = as_series(series, model=self.name, min_points=self.min_points)
        return self._fit(s)

    def _fit(self, s: pd.Series) -> FitResult:
        raise NotImplementedError

    def __repr__(self) -> str:
        settings = ", ".join(f"{k}={v!r}" for k, v in vars(self).items())
        return f"{type(self).__name__}({settings})"
