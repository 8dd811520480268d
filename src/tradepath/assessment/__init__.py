"""The assessment: targets x fitted models -> probability, crossing years, progress.

- :mod:`~tradepath.assessment.core`: :func:`assess` and :func:`compare_models`;
- :mod:`~tradepath.assessment.results`: the :class:`Assessment` they return;
- :mod:`~tradepath.assessment.crossing`: the :class:`CrossingYear` distribution;
- :mod:`~tradepath.assessment.progress`: required and observed growth, the on-track label;
- :mod:`~tradepath.assessment.pool`: fits and simulated paths shared between assessments.
"""

from __future__ import annotations

from .core import (
    ON_TRACK_BANDS,
    ShareModel,
    assess,
    assess_targets,
    compare_models,
    on_track_label,
    on_track_labels,
)
from .crossing import QUANTILES, CrossingYear
from .pool import SimulationPool, by_identity
from .progress import OBSERVED_WINDOW, data_status, observed_growth, on_track, required_rate
from .results import Assessment, Reading

__all__ = [
    "OBSERVED_WINDOW",
    "ON_TRACK_BANDS",
    "QUANTILES",
    "Assessment",
    "CrossingYear",
    "Reading",
    "ShareModel",
    "SimulationPool",
    "assess",
    "assess_targets",
    "by_identity",
    "compare_models",
    "data_status",
    "observed_growth",
    "on_track",
    "on_track_label",
    "on_track_labels",
    "required_rate",
]
