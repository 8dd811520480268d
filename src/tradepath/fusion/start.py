"""Forecasts that start from the fused posterior: the last year's level is uncertain too."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ..models._base import FitResult

__all__ = ["PosteriorStart"]


@dataclass(frozen=True, slots=True, kw_only=True, eq=False)
class PosteriorStart(FitResult):
    """A fitted model whose every path starts from a draw of the fused last level.

    The fitted model is anchored on the fused estimate of its last year; that estimate has a
    posterior standard deviation ``level_sd`` on the log scale (large for a year seen only on
    the other basis). Each path draws its own start, ``log level + level_sd * z``, and then
    the model's growth and shocks, so the uncertainty of the estimate is in every path.

    Attributes
    ----------
    inner : FitResult
        The model fitted to the fused series.
    level_sd : float
        Posterior standard deviation of the last year's log level.
    """

    inner: FitResult
    level_sd: float

    def _simulate_log(self, n_paths: int, steps: int, rng: np.random.Generator) -> np.ndarray:
        start = self.level_sd * rng.standard_normal(n_paths)
        return self.inner._simulate_log(n_paths, steps, rng) + start[:, None]

    def __getattr__(self, name: str) -> Any:
        # Model-specific results (an ensemble's components, ...) are the inner fit's.
        if name.startswith("__"):
            raise AttributeError(name)
        return getattr(self.inner, name)
