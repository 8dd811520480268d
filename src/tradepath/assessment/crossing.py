"""The distribution of the first year a target is met: :class:`CrossingYear`."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .._display import ResultDisplay
from .._format import format_year

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["QUANTILES", "CrossingYear"]

#: Levels of :attr:`CrossingYear.quantiles`.
QUANTILES = (0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95)


@dataclass(frozen=True, slots=True)
class CrossingYear(ResultDisplay):
    """The distribution of the first year a target is met, from simulated paths.

    Attributes
    ----------
    distribution : pandas.Series
        P(first met in year) for each simulated year.
    p_not_by_horizon : float
        Share of paths that never meet the target up to ``horizon``.
    horizon : int
        Last simulated year.
    n_paths : int
        Simulated paths behind the shares (0: unknown), for the Monte Carlo precision of the
        years read from them (:meth:`median_range`, :meth:`mode`).
    """

    distribution: pd.Series
    p_not_by_horizon: float
    horizon: int
    n_paths: int = 0

    def quantile(self, q: float) -> float:
        """The smallest year by which a share ``q`` of paths has met the target (``inf``: not
        by the horizon)."""
        cum = np.cumsum(self.distribution.to_numpy(dtype=float))
        idx = int(np.searchsorted(cum, q - 1e-12))
        return float(self.distribution.index[idx]) if idx < len(cum) else math.inf

    @property
    def quantiles(self) -> pd.Series:
        """Crossing year at the levels 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95."""
        return pd.Series([self.quantile(q) for q in QUANTILES],
                         index=pd.Index(QUANTILES, name="quantile"))

    @property
    def median(self) -> float:
        return self.quantile(0.5)

    def median_range(self, z: float = 2.0) -> tuple[float, float]:
        """The median year as precisely as the paths tell it: the years by which a share
        0.5 - z se and 0.5 + z se of the paths met the target, se = 0.5 / sqrt(n_paths) the
        Monte Carlo standard error of a share near one half. One year when both agree, so the
        year given cannot flip with the number of paths (or the seed) alone."""
        if self.n_paths <= 0:
            return self.median, self.median
        e = z * 0.5 / math.sqrt(self.n_paths)
        return self.quantile(0.5 - e), self.quantile(0.5 + e)

    def median_text(self) -> str:
        """:meth:`median_range` in words: "2043", "2042–2043", "2049 or later" or "after 2050"."""
        lo, hi = self.median_range()
        return format_year(lo, self.horizon) if lo == hi else self._span_text(lo, hi)

    def interval_text(self, level: float = 0.8) -> str:
        """:meth:`interval` in words: "2028–2035", "2028 or later" when fewer than the upper
        share of paths meet it by the horizon, "after 2050" when fewer than the lower share do."""
        return self._span_text(*self.interval(level))

    def _span_text(self, lo: float, hi: float) -> str:
        """Two years in words: "2028–2035", "2028 or later" (no end by the horizon) or
        "after 2050" (neither)."""
        if not math.isfinite(lo):
            return format_year(lo, self.horizon)
        if not math.isfinite(hi):
            return f"{format_year(lo, self.horizon)} or later"
        return f"{format_year(lo, self.horizon)}–{format_year(hi, self.horizon)}"

    def mode(self, z: float = 2.0) -> float | None:
        """The single most likely year, if one stands out: its share exceeds the next largest
        by more than ``z`` Monte Carlo standard errors of their difference (None otherwise, or
        when no path meets the target by the horizon)."""
        p = self.distribution.to_numpy(dtype=float)
        if not len(p) or p.max() <= 0:
            return None
        order = np.argsort(p)[::-1]
        p1 = p[order[0]]
        p2 = p[order[1]] if len(p) > 1 else 0.0
        n = self.n_paths
        se = math.sqrt(max(p1 + p2 - (p1 - p2) ** 2, 0.0) / n) if n > 0 else 0.0
        return float(self.distribution.index[order[0]]) if p1 - p2 > z * se else None

    def when(self) -> str:
        """When the paths meet the target, in words that do not contradict each other: the
        year one path in ten has met it by, the median year with its Monte Carlo precision
        (:meth:`median_text`; said alone when it is that same year) and the share not met by
        the horizon."""
        h = self.horizon
        q10 = self.quantile(0.1)
        if not math.isfinite(q10):
            return f"fewer than 1 in 10 simulated paths meet it by {h}"
        text = f"1 in 10 simulated paths meet it by {format_year(q10, h)}"
        if math.isfinite(self.median_range()[0]):
            if self.median_text() == format_year(q10, h):  # one year for both: said once
                text = f"half the simulated paths meet it by {self.median_text()}"
            else:
                text += f", half by {self.median_text()}"
        if self.p_not_by_horizon >= 0.005:
            text += f"; {self.p_not_by_horizon:.0%} not by {h}".replace("%", " %")
        return text

    def interval(self, level: float = 0.8) -> tuple[float, float]:
        """Central interval of the crossing year (``inf``: not met by the horizon)."""
        return self.quantile((1 - level) / 2), self.quantile(1 - (1 - level) / 2)

    def to_frame(self) -> pd.DataFrame:
        """``year``, ``p_first`` (first met that year) and ``p_cumulative``."""
        return pd.DataFrame({"p_first": self.distribution,
                             "p_cumulative": self.distribution.cumsum()})

    def summary(self) -> str:
        """The median first year and its 80 % interval, in one line."""
        return str(self)

    def plot(self, *, ax: Axes | None = None, **kwargs: Any) -> Axes:
        """Bar chart of the distribution; see :func:`tradepath.plotting.plot_crossing`."""
        from ..plotting import plot_crossing

        return plot_crossing(self, ax=ax, **kwargs)

    def __str__(self) -> str:
        return (f"median {self.median_text()}, 80 % interval {self.interval_text()}; "
                f"P(not by {self.horizon}) = {self.p_not_by_horizon:.1%}")
