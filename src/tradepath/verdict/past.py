"""One verdict for a target whose deadline has passed, with its basis in words."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from .._validation import fail
from ..targets.target import Target, outcome_from_data

if TYPE_CHECKING:
    pass

from .words import VerdictKind, condition_words

__all__ = ["PastVerdict", "past_verdict"]

# -- past targets ------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class PastVerdict:
    """Whether a target was met by its deadline, as far as the data can tell.

    Attributes
    ----------
    verdict : {"met", "missed", "unknown", "pending"}
    basis : str
        The figures the verdict rests on, in words.
    year : int or None
        The first year met ("met" only).
    gaps : tuple of int
        Years of the judged window with no figure (or, for a balanced target, no export and
        import figures where the level is reached).
    """

    verdict: VerdictKind
    basis: str
    year: int | None = None
    gaps: tuple[int, ...] = ()

    def __str__(self) -> str:
        return f"{self.verdict}: {self.basis}"


def past_verdict(
    target: Target, annual: pd.DataFrame, kinds: pd.DataFrame | None = None
) -> PastVerdict:
    """The verdict on a target from the annual data: met, missed, unknown or pending.

    Parameters
    ----------
    target : Target
    annual : DataFrame
        Annual values indexed by year with columns ``total``, ``exports``, ``imports`` (as
        :meth:`tradepath.Dataset.annual` returns, or :attr:`Assessment.history`).
    kinds : DataFrame, optional
        The kind of each figure (:meth:`tradepath.Dataset.annual_kinds`), quoted in the basis.

    Returns
    -------
    PastVerdict

    Notes
    -----
    The definition, in order:

    * **met** — some year up to the deadline has a figure of the target's flow at least the
      target level and, for a target with a balance condition, export and import figures
      under which the condition holds (bound to the data as in :func:`tradepath.assess`);
    * **pending** — not met, and the deadline is after the last year with a figure;
    * **missed** — every year of the judged window has a figure and each one fails: the level
      is below the target, or the condition is shown to fail. The window runs from the
      announcement year (``target.announced``; without it, the first year with a figure) to
      the deadline;
    * **unknown** — otherwise: some year of the window has no figure (or reaches the level
      without the export and import figures needed to check the condition), so a miss in
      every year cannot be shown.

    Growth rates are not used to fill a missing year: a year that is not in the data may
    have peaked above the level and fallen back.

    Examples
    --------
    >>> import tradepath as tp
    >>> from tradepath.verdict import past_verdict
    >>> ds = tp.load_dataset()
    >>> past_verdict(ds.target("100B by 2023"), ds.annual()).verdict
    'unknown'
    """
    if not isinstance(target, Target):
        raise fail("target", "past_verdict", "a tradepath Target", target)
    if not isinstance(annual, pd.DataFrame) or target.flow not in annual.columns:
        raise fail("annual", "past_verdict", f"a DataFrame of annual values with a "
                   f"{target.flow!r} column", type(annual).__name__)
    # The verdict is the library's one rule (targets.outcome_from_data); the rest is its basis.
    status = outcome_from_data(target, annual).status
    v = _explained(target, annual, kinds)
    return dataclasses.replace(v, verdict="pending" if status == "open" else status)


def _explained(target: Target, annual: pd.DataFrame, kinds: pd.DataFrame | None) -> PastVerdict:
    flow = annual[target.flow].dropna()
    if flow.empty:
        return PastVerdict("unknown", f"no {target.flow} figure in the data")
    cond = target.balance.bind(annual) if target.balance is not None else None
    words_cond = f" ({condition_words(cond)})" if cond is not None else ""

    def fig(y: int) -> str:
        kind = ""
        if kinds is not None and y in kinds.index and target.flow in kinds.columns:
            k = kinds.loc[y, target.flow]
            kind = f" ({k})" if isinstance(k, str) and k != "reported" else ""
        return f"{flow[y]:.1f} bn in {y}{kind}"

    def condition_in(y: int) -> bool | None:
        if cond is None:
            return True
        row = annual.loc[y] if y in annual.index else None
        if row is None or pd.isna(row.get("exports")) or pd.isna(row.get("imports")):
            return None
        return bool(cond.holds(float(row["exports"]), float(row["imports"])))

    level = f"{target.value:g} bn"
    for y in (int(v) for v in flow.index if v <= target.by):
        if flow[y] >= target.value and condition_in(y):
            return PastVerdict("met", f"{fig(y)} reaches {level}{words_cond}", year=y)
    last = int(flow.index.max())
    if target.by > last:
        return PastVerdict("pending", f"the deadline {target.by} is after the last figure "
                                      f"({fig(last)}); not met in any year with a figure")
    start = target.announced if target.announced is not None else int(flow.index.min())
    window = range(min(start, target.by), target.by + 1)
    gaps, below, unchecked, failed = [], [], [], []
    for y in window:
        if y not in flow.index:
            gaps.append(y)
        elif flow[y] < target.value:
            below.append(y)
        elif condition_in(y) is None:
            unchecked.append(y)
        else:
            failed.append(y)
    seen = ", ".join(fig(y) for y in below) or "none"
    span = f"{window.start}–{window.stop - 1}" if len(window) > 1 else str(window.start)
    parts = [f"below {level}: {seen}"]
    if failed:
        parts.append(f"level reached but the condition fails: {', '.join(map(str, failed))}")
    if gaps or unchecked:
        missing = [f"no figure for {_years(gaps)}"] if gaps else []
        if unchecked:
            missing.append(f"no export and import figures to check the condition in "
                           f"{_years(unchecked)}")
        return PastVerdict(
            "unknown",
            f"{'; '.join(missing)} in the data, so a miss in every year {span} cannot be "
            f"shown; {'; '.join(parts)}",
            gaps=tuple(gaps + unchecked),
        )
    return PastVerdict("missed", f"every year {span} has a figure and none meets it; "
                                 f"{'; '.join(parts)}")


def _years(years: Sequence[int]) -> str:
    return ", ".join(str(y) for y in years)


