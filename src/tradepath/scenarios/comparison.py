"""Several scenarios side by side against one target (:func:`compare_scenarios`)."""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from .._validation import fail
from ..data import Dataset
from ..targets import balance as _balance
from ..targets.target import Target
from .scenario import Scenario
from .simulation import _bind, _check_target, _met

__all__ = ["compare_scenarios"]


# -- comparing scenarios ----------------------------------------------------------------------
def _as_condition(value: Any, func: str) -> _balance.BalanceCondition | None:
    if value is None or isinstance(value, _balance.BalanceCondition):
        return value
    if isinstance(value, str):
        return _balance.from_name(value)
    raise fail("balance", func, "None, a tradepath.targets.balance condition or its name", value)


def compare_scenarios(scenarios: Iterable[Scenario], ds: Dataset | None = None, *,
                      targets: Iterable[Target] | None = None,
                      balance: _balance.BalanceCondition | str | None = None) -> pd.DataFrame:
    """Line several scenarios up against the targets: one row per scenario.

    Parameters
    ----------
    scenarios : iterable of Scenario
        Names must differ.
    ds : Dataset, optional
        Gives the bases (and binds "more balanced" conditions); needed unless every scenario
        has a ``base`` and ``targets`` are given.
    targets : iterable of Target, optional
        Default: the dataset's targets whose deadline is not before the earliest base year.
    balance : BalanceCondition or str, optional
        A condition used for every target instead of its own (e.g. ``"balanced"``).

    Returns
    -------
    DataFrame
        Indexed by ``scenario``. Columns: ``description``, ``base year``, ``end``,
        ``total <end>``, ``balance <end>``, and for each target ``T``:

        * ``T: first met`` the first year the target is met (its flow at least its value and
          its condition holding in the same year), or ``"not met by <end>"``;
        * ``T: met by <by>`` True/False (met in some year up to and including the deadline);
          ``"n/a"`` when the deadline is before the base year or after ``end``;
        * ``T: balance <by>`` and ``T: deficit share <by>`` in the deadline year;
        * ``T: condition <by>`` ``"holds"``, ``"fails"`` or ``"none"`` in the deadline year.

        ``attrs["conditions"]`` maps each target to its condition in words.

    Examples
    --------
    >>> import dataclasses, tradepath as tp
    >>> from tradepath.scenarios import Scenario, compare_scenarios, growth
    >>> ds = tp.load_dataset()
    >>> a = Scenario(2024, 2035, exports=growth(0.12), imports=growth(0.05), name="A")
    >>> b = dataclasses.replace(a, exports=growth(0.15), name="B")
    >>> compare_scenarios([a, b], ds)["150B by 2030: first met"].tolist()
    [2033, 2032]
    """
    func = "compare_scenarios"
    items = list(scenarios) if not isinstance(scenarios, Scenario) else [scenarios]
    if not items:
        raise fail("scenarios", func, "at least one Scenario", items)
    for s in items:
        if not isinstance(s, Scenario):
            raise fail("scenarios", func, "Scenario objects", s)
    names = [s.name for s in items]
    dup = sorted({n for n in names if names.count(n) > 1})
    if dup:
        raise fail("scenarios", func, "scenarios with different names", dup,
                   "Give each a name= (dataclasses.replace(s, name=...)).")
    override = _as_condition(balance, func)
    resolved = [(s, s._resolve(ds, func)) for s in items]
    if targets is None:
        if ds is None:
            raise fail("targets", func, "given when no dataset is", targets)
        first = min(b.year for _, b in resolved)
        target_list = [t for t in ds.targets if t.by >= first]
    else:
        target_list = [_check_target(t, func) for t in targets]
    tnames = [t.name for t in target_list]
    dup = sorted({n for n in tnames if tnames.count(n) > 1})
    if dup:
        raise fail("targets", func, "targets with different names", dup,
                   "Name them: dataclasses.replace(target, name=...).")
    rows, conditions = [], {}
    for s, b in resolved:
        years, x, m = s._flows(b)
        row: dict[str, Any] = {"scenario": s.name, "description": s.describe(),
                               "base year": b.year, "end": s.end,
                               f"total {s.end}": float(x[-1] + m[-1]),
                               f"balance {s.end}": float(x[-1] - m[-1])}
        for t in target_list:
            cond = _bind(override if override is not None else t.balance, b.annual)
            conditions[t.name] = cond.describe() if cond is not None else "none"
            ok = _met(t, cond, x, m)
            row[f"{t.name}: first met"] = (int(years[np.argmax(ok)]) if ok.any()
                                           else f"not met by {s.end}")
            inside = b.year <= t.by <= s.end
            row[f"{t.name}: met by {t.by}"] = (bool(ok[years <= t.by].any()) if inside
                                               else "n/a")
            if inside:
                i = int(t.by - b.year)
                verdict = ("none" if cond is None
                           else "holds" if bool(cond.holds(x[i], m[i])) else "fails")
                bal, share = float(x[i] - m[i]), float((m[i] - x[i]) / (x[i] + m[i]))
            else:
                verdict, bal, share = "outside horizon", math.nan, math.nan
            row[f"{t.name}: balance {t.by}"] = bal
            row[f"{t.name}: deficit share {t.by}"] = share
            row[f"{t.name}: condition {t.by}"] = verdict
        rows.append(row)
    out = pd.DataFrame(rows).set_index("scenario")
    out.attrs["conditions"] = conditions
    return out
