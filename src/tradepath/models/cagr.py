"""Compound annual growth from two endpoints: what a spreadsheet does, the baseline."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np
import pandas as pd

from .._validation import check_int
from ..errors import ModelError
from ._base import FitResult, GrowthModel

__all__ = ["CAGR", "CAGRFit"]


@dataclass(frozen=True, slots=True, kw_only=True)
class CAGRFit(FitResult):
    """A fitted :class:`CAGR`: ``params`` hold ``cagr`` and ``log_growth``.

    ``extras`` hold ``start_year`` and ``end_year``, the two endpoints used.
    """

    def _simulate_log(self, n_paths: int, steps: int, rng: np.random.Generator) -> np.ndarray:
        # Deterministic: every path is the same compound-growth line; rng is not used.
        h = np.arange(1, steps + 1, dtype=float)
        line = np.log(self.last_value) + self.params["log_growth"] * h
        return np.broadcast_to(line, (n_paths, steps)).copy()


class CAGR(GrowthModel):
    """Compound annual growth rate between two observed years, extrapolated.

    Parameters
    ----------
    window : int, optional
        Use the observations of the last ``window`` years only: growth is measured from the
        first observed year at or after ``last_year - window`` to the last year. None (default)
        measures from the first observation.

    Notes
    -----
    With endpoints :math:`(t_0, y_0)` and :math:`(t_1, y_1)`,

    .. math:: g = (y_1 / y_0)^{1 / (t_1 - t_0)} - 1, \\qquad
              \\hat y_{t_1 + h} = y_1 (1 + g)^h .

    Assumes the growth of the window continues unchanged. Everything between the endpoints is
    ignored, so an approximate or partial-year endpoint moves the whole forecast.

    **Uncertainty: none.** This is the spreadsheet baseline the other models are measured
    against: every simulated path is the same line, so intervals have zero width and the
    probability of reaching a level is 0 or 1. Do not read it as a forecast distribution.

    Examples
    --------
    >>> import pandas as pd
    >>> from tradepath.models import CAGR
    >>> fit = CAGR().fit(pd.Series({2010: 100.0, 2012: 121.0}))
    >>> round(fit.growth, 4)
    0.1
    """

    name: ClassVar[str] = "cagr"
    min_points: ClassVar[int] = 2

    def __init__(self, *, window: int | None = None) -> None:
        if window is not None:
            window = check_int("window", "CAGR", window, lo=1)
        self.window = window

    def _fit(self, s: pd.Series) -> CAGRFit:
        last = int(s.index[-1])
        used = s if self.window is None else s[s.index >= last - self.window]
        if len(used) < 2:
            raise ModelError(
                f"cagr: the window of {self.window} years before {last} holds "
                f"{len(used)} observation ({[int(y) for y in used.index]}); it needs two. "
                "Widen the window."
            )
        first = int(used.index[0])
        log_growth = float(np.log(used.iloc[-1] / used.iloc[0]) / (last - first))
        growth = float(np.expm1(log_growth))
        notes = (
            "Deterministic baseline: every simulated path is the same compound-growth line, "
            "so it states no uncertainty at all (intervals of zero width, probabilities of 0 "
            "or 1).",
            f"Growth measured from {first} ({used.iloc[0]:g}) to {last} ({used.iloc[-1]:g}) "
            "only; the points between are ignored.",
        )
        return CAGRFit(
            model=self.name, series=s, params={"cagr": growth, "log_growth": log_growth},
            growth=growth, notes=notes, extras={"start_year": first, "end_year": last},
        )
