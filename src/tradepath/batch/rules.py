"""The target of every series: one :class:`~tradepath.Target`, a :class:`Multiple` of the last
value, or a table by id."""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .._validation import fail
from ..errors import DataError, TradepathWarning
from ..targets.target import Target
from .table import _BY_RANGE, Multiple, _listing, _numeric, _Table

if TYPE_CHECKING:
    pass

__all__ = []


# -- targets ----------------------------------------------------------------------------------


def _resolve_targets(targets: Any, tab: _Table, id_col: str
                     ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Target level, deadline and error message (or None) per series."""
    n = len(tab.ids)
    value = np.full(n, np.nan)
    by = np.full(n, np.nan)
    errors = np.full(n, None, dtype=object)
    has = tab.n_obs > 0
    last = np.full(n, np.nan)
    last[has] = tab.value[tab.starts[has] + tab.n_obs[has] - 1]
    if isinstance(targets, Target):
        if targets.balance is not None:
            raise fail("targets", "assess_many", "a Target without a balance condition",
                       targets, "A balance condition needs exports and imports together; use "
                       "tp.assess on a Dataset for balanced targets.")
        value[:] = targets.value
        by[:] = targets.by
    elif isinstance(targets, Multiple):
        by[:] = targets.by
        if targets.base is None:
            value = targets.factor * last
        else:
            at = tab.year == targets.base
            base = np.full(n, np.nan)
            base[tab.code[at]] = tab.value[at]
            value = targets.factor * base
            for s in np.flatnonzero(np.isnan(base) & has):
                errors[s] = (f"no value in the base year {targets.base} of the rule "
                             f"{targets.describe()!r}")
    elif isinstance(targets, pd.DataFrame):
        missing = [c for c in (id_col, "target", "by") if c not in targets.columns]
        if missing:
            raise DataError(
                f"missing column(s) {missing}; a targets frame has one row per series with "
                f"columns {[id_col, 'target', 'by']}; its columns are "
                f"{list(map(str, targets.columns))}",
                field=missing[0], origin="targets",
            )
        pos = tab.ids.get_indexer(pd.Index(targets[id_col]))
        unknown = (pos < 0) & targets[id_col].notna().to_numpy()
        if unknown.any():
            names = targets[id_col].to_numpy()[unknown].tolist()
            warnings.warn(
                f"assess_many: {int(unknown.sum())} target row(s) name series that are not in "
                f"the frame: {_listing([repr(x) for x in names])}.",
                TradepathWarning, stacklevel=3,
            )
        t_value, t_value_bad = _numeric(targets["target"])
        t_by, t_by_bad = _numeric(targets["by"])
        found = pos >= 0
        count = np.bincount(pos[found], minlength=n)
        value[pos[found]] = t_value[found]
        by[pos[found]] = t_by[found]
        raw_v, raw_b = targets["target"].to_numpy(), targets["by"].to_numpy()
        for i in np.flatnonzero(found & (t_value_bad | t_by_bad)):
            bad = raw_v[i] if t_value_bad[i] else raw_b[i]
            errors[pos[i]] = f"the target row has a value that is not a number: {bad!r}"
        for s in np.flatnonzero(count > 1):
            errors[s] = (f"{count[s]} rows of the targets frame name this series; give one "
                         "target per series")
        for s in np.flatnonzero(count == 0):
            errors[s] = "no target for this series in the targets frame"
    else:
        raise fail("targets", "assess_many",
                   "a tradepath Target, a batch rule such as Multiple(2.0, by=2030), or a "
                   f"DataFrame with columns {id_col!r}, 'target' and 'by'", targets)
    free = _no_error(errors) & has  # a series without observations has its data error
    with np.errstate(invalid="ignore"):
        bad_value = free & ~(np.isfinite(value) & (value > 0))
        bad_by = free & ~bad_value & ~(np.isfinite(by) & (by == np.round(by))
                                       & (by >= _BY_RANGE[0]) & (by <= _BY_RANGE[1]))
    for s in np.flatnonzero(bad_value):
        errors[s] = f"the target must be a positive number; got {float(value[s])!r}"
    for s in np.flatnonzero(bad_by):
        errors[s] = (f"the deadline 'by' must be a whole year between {_BY_RANGE[0]} and "
                     f"{_BY_RANGE[1]}; got {float(by[s])!r}")
    return value, by, errors


def _no_error(errors: np.ndarray) -> np.ndarray:
    """Which entries of an object array of messages are None."""
    return np.asarray(pd.isna(errors), dtype=bool)
