"""Targets: a level of a flow to reach by a deadline, optionally with a balance condition."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from . import balance as _balance
from ._validation import check_choice, check_int, check_real
from .errors import DataError

__all__ = ["Flow", "Target", "read_targets"]

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
        by = check_int("by", "Target", self.by, lo=1950, hi=2200)
        check_choice("flow", "Target", self.flow, ("total", "exports", "imports"))
        if self.balance is not None and not isinstance(self.balance, _balance.BalanceCondition):
            from ._validation import fail

            raise fail("balance", "Target", "a tradepath.balance condition or None", self.balance)
        if self.announced is not None:
            check_int("announced", "Target", self.announced, lo=1950, hi=by)
        object.__setattr__(self, "value", value)
        object.__setattr__(self, "by", by)
        if not self.name:
            flow = "" if self.flow == "total" else f" {self.flow}"
            object.__setattr__(self, "name", f"{value:g}B{flow} by {by}")

    def describe(self) -> str:
        """The target in one line, with its balance condition."""
        cond = f", {self.balance.describe()}" if self.balance is not None else ""
        return f"{self.name} (US$ {self.value:g} bn {self.flow}{cond})"


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
