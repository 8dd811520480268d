"""The reference class of announced trade targets and the outside view learned from it.

- :mod:`tradepath.data.reference` reads the shipped panel of series and targets
  (:func:`reference_targets`, :func:`reference_series`, :func:`reference_panel`);
- :mod:`~tradepath.reference.rates`: the base rates of comparable targets
  (:func:`base_rate`, :func:`reference_summary`);
- :mod:`~tradepath.reference.views`: the outside view of one target (:func:`outside_view`);
- :mod:`~tradepath.reference.pooling`: its combination with a model's probability
  (:func:`combine`, the weight's posterior :class:`Pool`);
- :mod:`~tradepath.reference.logistic`: the penalised logistic regression both rest on.
"""

from __future__ import annotations

from ..data.reference import (
    OUTCOMES,
    SERIES_COLUMNS,
    TARGET_COLUMNS,
    reference_panel,
    reference_series,
    reference_targets,
)
from .logistic import LogisticRegressionFit, fit_logistic
from .pooling import Pool, combine, growth_t_statistic, learn_pool, pool_feature, reference_pool
from .rates import AMBITION_BANDS, BaseRate, base_rate, reference_summary
from .views import OUTSIDE_FEATURES, OutsideView, outside_view, target_features

__all__ = [
    "AMBITION_BANDS",
    "OUTCOMES",
    "OUTSIDE_FEATURES",
    "SERIES_COLUMNS",
    "TARGET_COLUMNS",
    "BaseRate",
    "LogisticRegressionFit",
    "OutsideView",
    "Pool",
    "base_rate",
    "combine",
    "fit_logistic",
    "growth_t_statistic",
    "learn_pool",
    "outside_view",
    "pool_feature",
    "reference_panel",
    "reference_pool",
    "reference_series",
    "reference_summary",
    "reference_targets",
    "target_features",
]
