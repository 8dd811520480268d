"""Every figure on every basis read as one history on one basis.

:mod:`~tradepath.fusion.kalman` (the bridging state-space model, its filter and smoother),
:mod:`~tradepath.fusion.history` (:func:`fuse` and :class:`FusedDataset`: which figures are
used, the fused estimates with bands), :mod:`~tradepath.fusion.start` (forecasts that start
from the fused posterior) and :mod:`~tradepath.fusion.answers` (a target answered from each
source of figures alone, beside the fused answer).
"""

from __future__ import annotations

from .history import BASIS_NAMES, DEFAULT_BASIS, FusedDataset, FusedFlow, fuse

__all__ = ["BASIS_NAMES", "DEFAULT_BASIS", "FusedDataset", "FusedFlow", "fuse"]
