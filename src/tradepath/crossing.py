"""The distribution of the first year a target is met: :class:`CrossingYear`."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ._display import ResultDisplay
from ._format import format_year

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
    """

    distribution: pd.Series
    p_not_by_horizon: float
    horizon: int

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
        from .plotting import plot_crossing

        return plot_crossing(self, ax=ax, **kwargs)

    def __str__(self) -> str:
        lo, hi = self.interval(0.8)
        return (f"median {format_year(self.median, self.horizon)}, 80 % interval "
                f"{format_year(lo, self.horizon)}–{format_year(hi, self.horizon)}; "
                f"P(not by {self.horizon}) = {self.p_not_by_horizon:.1%}")
