"""Targets: a level of a flow to reach by a deadline, optionally with a balance condition."""

from __future__ import annotations

import dataclasses
import math
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from .._format import format_year_list
from .._validation import check_choice, check_real, check_year, fail
from ..errors import DataError
from . import balance as _balance

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["DataOutcome", "Flow", "Outcome", "Target", "outcome_from_data", "read_targets"]

Flow = Literal["total", "exports", "imports"]


@dataclass(frozen=True, slots=True)
class Target:
    """A target level for a flow by a deadline year.

    Parameters
    ----------
    value : float
        The level to reach, US$ billion (annual value), > 0.
    by : int
        Deadline year. "Reached by the deadline" means the annual value meets ``value`` in some
        year up to and including ``by`` (see :func:`tradepath.assess` for the deadline-year-only
        reading).
    balance : BalanceCondition, optional
        A condition on exports and imports that must hold in the same year (None: none).
    name : str, optional
        Label; defaults to e.g. ``"150B by 2030"``.
    flow : {"total", "exports", "imports"}, default "total"
    announced : int, optional
        Year the target was set (used by event backtests and "more balanced" base years).
    source, outcome, note : str
        Provenance: document and line; outcome as stated in the documents; free text.

    Examples
    --------
    >>> import tradepath as tp
    >>> tp.Target(150, by=2030, balance=tp.balance.more_balanced()).name
    '150B by 2030'
    """

    value: float
    by: int
    balance: _balance.BalanceCondition | None = None
    name: str = ""
    flow: Flow = "total"
    announced: int | None = None
    source: str = ""
    outcome: str = ""
    note: str = ""

    def __post_init__(self) -> None:
        value = check_real("value", "Target", self.value, lo=0.0, lo_open=True)
        if self.by is None:
            raise DataError("a target needs a deadline year ('by')", field="by")
        by = check_year("by", "Target", self.by)
        check_choice("flow", "Target", self.flow, ("total", "exports", "imports"))
        if self.balance is not None and not isinstance(self.balance, _balance.BalanceCondition):
            raise fail("balance", "Target", "a tradepath.balance condition or None", self.balance)
        if self.announced is not None:
            announced = check_year("announced", "Target", self.announced)
            if announced > by:
                raise fail("announced", "Target", f"at most the deadline by={by}", announced,
                           "A target is announced before (or in) its deadline year.")
            object.__setattr__(self, "announced", announced)
            cond = self.balance
            if (isinstance(cond, _balance.MoreBalanced) and cond.base is None
                    and cond.announced != announced):
                # "More balanced" than when the target was set.
                object.__setattr__(self, "balance",
                                   dataclasses.replace(cond, announced=announced))
        for name in ("name", "source", "outcome", "note"):
            if not isinstance(getattr(self, name), str):
                raise fail(name, "Target", "a string", getattr(self, name),
                           f"Write e.g. {name}={str(getattr(self, name))!r}." if isinstance(
                               getattr(self, name), int | float) else "")
        object.__setattr__(self, "value", value)
        object.__setattr__(self, "by", by)
        if not self.name:
            flow = "" if self.flow == "total" else f" {self.flow}"
            object.__setattr__(self, "name", f"{value:g}B{flow} by {by}")

    def describe(self) -> str:
        """The target in one line, with its balance condition."""
        cond = f", {self.balance.describe()}" if self.balance is not None else ""
        return f"{self.name} (US$ {self.value:g} bn {self.flow}{cond})"


Outcome = Literal["met", "missed", "unknown", "open"]


@dataclass(frozen=True, slots=True)
class DataOutcome:
    """What the observed data alone say about a target.

    Attributes
    ----------
    status : {"met", "missed", "unknown", "open"}
        ``met``: reached (with its condition) in an observed year up to the deadline.
        ``missed``: not reached in any year from the announcement (without an announcement
        year: from the first figure) to the deadline, and every one of those years has a
        figure; a year of that window before the first figure makes the target ``unknown``.
        ``unknown``: the deadline is before the first observation of the flow, or a year of
        that window has no figure (it may have peaked above the level), so the data cannot
        say (not "missed").
        ``open``: the deadline is after the last observation; a model must answer.
    met_year : int or None
        First observed year that meets the target.
    reason : str
        One sentence for reports.
    unobserved : tuple of int
        Years of the judged window that cannot be checked (an ``unknown`` target might have
        been met in one of them).
    """

    status: Outcome
    met_year: int | None
    reason: str
    unobserved: tuple[int, ...] = ()


def outcome_from_data(target: Target, annual: pd.DataFrame) -> DataOutcome:
    """Classify a target against observed annual values (as from ``Dataset.annual()``).

    Parameters
    ----------
    target : Target
    annual : DataFrame
        Indexed by year with columns ``total``, ``exports``, ``imports`` (NaN: unknown).

    Returns
    -------
    DataOutcome

    Examples
    --------
    >>> import tradepath as tp
    >>> ds = tp.load_dataset()
    >>> outcome_from_data(tp.Target(5, by=1990), ds.annual()).status
    'unknown'
    >>> outcome_from_data(ds.target("20B by 2015"), ds.annual()).status
    'met'
    """
    if not isinstance(target, Target):
        raise fail("target", "outcome_from_data", "a tradepath.Target", target)
    if target.flow not in annual.columns:
        raise fail("annual", "outcome_from_data", f"a frame with a {target.flow!r} column",
                   list(annual.columns))
    known = annual[target.flow].dropna()
    if known.empty:
        return DataOutcome("unknown", None, f"there is no observed {target.flow} figure")
    first, last = int(known.index.min()), int(known.index.max())
    hist = annual.loc[(annual.index >= first) & (annual.index <= target.by)]
    ok = hist[target.flow] >= target.value
    cond = target.balance
    if cond is not None and not hist.empty:
        cond = cond.bind(annual)
        ok &= cond.holds(hist["exports"].to_numpy(), hist["imports"].to_numpy())
    met = [int(y) for y, v in ok.items() if bool(v) and not math.isnan(hist.loc[y, target.flow])]
    if met:
        return DataOutcome("met", met[0], f"reached in {met[0]} (observed)")
    if target.by < first:
        return DataOutcome(
            "unknown", None,
            f"the deadline {target.by} is before the first observed {target.flow} figure "
            f"({first}); the data cannot say whether it was met")
    if target.by > last:
        return DataOutcome("open", None, f"the deadline {target.by} is after the last "
                           f"observation ({last}); a model must answer")
    # "Missed" must be shown in every year it was to be met: from the announcement (or, with
    # no announcement year, the first figure) to the deadline. A year with no figure, before
    # the first figure included, may have peaked above the level; growth rates are not used
    # to fill it.
    start = target.announced if target.announced is not None else first
    window = range(min(start, target.by), target.by + 1)
    unseen = tuple(y for y in window if y not in known.index)
    if cond is not None:
        both = annual[["exports", "imports"]].dropna()
        unseen += tuple(y for y in window if y in known.index and y not in both.index
                        and known[y] >= target.value)
    span = f"{window.start}–{window.stop - 1}" if len(window) > 1 else str(window.start)
    if unseen:
        return DataOutcome("unknown", None, f"not reached in any observed year, but "
                           f"{format_year_list(sorted(unseen))} in {span} "
                           f"{'has' if len(unseen) == 1 else 'have'} no figure, so a miss in "
                           "every year cannot be shown", tuple(sorted(unseen)))
    return DataOutcome("missed", None, f"not reached in any year from {span}, each with a "
                       "figure")


def read_targets(path: str | Path) -> tuple[Target, ...]:
    """Read targets from a TOML file with ``[[target]]`` tables (see ``data/targets.toml``)."""
    path = Path(path)
    try:
        doc = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise DataError(f"cannot read targets from {path}: {exc}") from exc
    out = []
    allowed = {"name", "value_usd_bn", "by", "announced", "balance", "outcome", "source", "note",
               "flow", "balance_base"}
    for i, row in enumerate(doc.get("target", []), start=1):
        unknown = set(row) - allowed
        if unknown:
            raise DataError(f"{path}: unknown key(s) {sorted(unknown)} in target {i}", row=i)
        if "by" not in row or "value_usd_bn" not in row:
            raise DataError(f"{path}: target {i} needs 'value_usd_bn' and 'by'", row=i)
        base = row.get("balance_base")
        cond = _balance.from_name(row.get("balance", "none"), base=base)
        out.append(
            Target(
                row["value_usd_bn"],
                by=row["by"],
                balance=cond,
                name=row.get("name", ""),
                flow=row.get("flow", "total"),
                announced=row.get("announced"),
                source=row.get("source", ""),
                outcome=row.get("outcome", ""),
                note=row.get("note", ""),
            )
        )
    return tuple(out)
