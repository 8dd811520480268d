"""Targets and the balance conditions a target may carry.

- :mod:`~tradepath.targets.target`: :class:`Target`, and reading targets from the data;
- :mod:`~tradepath.targets.balance`: the balance conditions ("balanced", "more balanced",
  a deficit or a ratio bound) and their combinations.
"""

from __future__ import annotations

from .balance import (
    AllOf,
    AnyOf,
    BalanceCondition,
    DeficitAtMost,
    DeficitShareAtMost,
    MoreBalanced,
    RatioAtLeast,
    balanced,
    deficit,
    deficit_share,
    from_name,
    more_balanced,
    ratio,
)
from .target import DataOutcome, Flow, Outcome, Target, outcome_from_data, read_targets

__all__ = [
    "AllOf",
    "AnyOf",
    "BalanceCondition",
    "DataOutcome",
    "DeficitAtMost",
    "DeficitShareAtMost",
    "Flow",
    "MoreBalanced",
    "Outcome",
    "RatioAtLeast",
    "Target",
    "balanced",
    "deficit",
    "deficit_share",
    "from_name",
    "more_balanced",
    "outcome_from_data",
    "ratio",
    "read_targets",
]
