"""Balance conditions: what "balanced" may mean, as explicit, composable objects.

The documents never define "balanced". Each condition here is one reading, evaluated on
exports ``x`` and imports ``m`` (Vietnam's side, US$ bn), vectorised over arrays:

=====================  =========================================  ==========================
condition              holds when                                 constructor
=====================  =========================================  ==========================
deficit share          ``(m - x) / (x + m) <= max``               ``deficit_share(max=0.1)``
balanced               ``|m - x| / (x + m) <= max`` (two-sided)   ``balanced(max=0.1)``
export/import ratio    ``x / m >= min``                           ``ratio(min=0.8)``
absolute deficit       ``m - x <= max``                           ``deficit(max=20)``
more balanced          deficit share below its base-year level    ``more_balanced(base=2024)``
=====================  =========================================  ==========================

Defaults: :func:`balanced` is a gap between exports and imports (a deficit or a surplus) of
at most 10 % of two-way trade, i.e. an export/import ratio between 0.818 and 1.222; the
one-sided reading, a deficit share of at most 10 % whatever the surplus, is
``balanced(two_sided=False)`` (``"balanced_one_sided"`` in files). :func:`more_balanced`
compares with the latest year in the data that has both flows on or before the base year (the
last such year when ``base`` is None). Conditions combine with ``&`` (both) and ``|`` (either).

Examples
--------
>>> from tradepath import balance
>>> cond = balance.deficit_share(max=0.25) & balance.deficit(max=40)
>>> bool(cond.holds(40.0, 60.0))
True
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from .._validation import check_real, check_year, fail
from ..errors import DataError

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "AllOf",
    "AnyOf",
    "BalanceCondition",
    "DeficitAtMost",
    "DeficitShareAtMost",
    "MoreBalanced",
    "RatioAtLeast",
    "balanced",
    "deficit",
    "deficit_share",
    "from_name",
    "max_deficit",
    "more_balanced",
    "ratio",
]


class BalanceCondition:
    """Base class: a condition on exports and imports."""

    def holds(self, exports: Any, imports: Any) -> np.ndarray:
        """Boolean array: where the condition holds for ``exports`` and ``imports``."""
        raise NotImplementedError

    def bind(self, annual: pd.DataFrame) -> BalanceCondition:
        """Resolve anything that depends on the data (a base year) against ``annual``."""
        return self

    def margin(self, exports: Any, imports: Any) -> np.ndarray:
        """How far the condition is from failing: a continuous function of the flows that is
        >= 0 where it holds (> 0 for strict conditions), for root finding.

        A condition without a closed-form margin gives its verdict only (+1 / -1), which a
        root finder can still bisect.
        """
        return np.where(np.asarray(self.holds(exports, imports), dtype=bool), 1.0, -1.0)

    def describe(self) -> str:
        """One line in plain words."""
        raise NotImplementedError

    def max_deficit(self, total: Any) -> np.ndarray:
        """The largest deficit that meets the condition at two-way ``total``
        (:func:`max_deficit`)."""
        return max_deficit(self, total)

    def __and__(self, other: BalanceCondition) -> AllOf:
        return AllOf((self, _operand(other, "&")))

    def __or__(self, other: BalanceCondition) -> AnyOf:
        return AnyOf((self, _operand(other, "|")))

    def __rand__(self, other: Any) -> AllOf:
        return AllOf((_operand(other, "&"), self))

    def __ror__(self, other: Any) -> AnyOf:
        return AnyOf((_operand(other, "|"), self))

    def __str__(self) -> str:
        return self.describe()


def _operand(other: Any, op: str) -> BalanceCondition:
    if not isinstance(other, BalanceCondition):
        raise fail("other", f"BalanceCondition.__{'and' if op == '&' else 'or'}__",
                   f"another balance condition to combine with {op!r}", other,
                   "Combine conditions, e.g. balance.balanced() & balance.deficit(max=20).")
    return other


#: Relative slack on thresholds, so a path that lands exactly on one is not failed by rounding.
TOL = 1e-12


def _share(exports: Any, imports: Any) -> np.ndarray:
    x = np.asarray(exports, dtype=float)
    m = np.asarray(imports, dtype=float)
    return (m - x) / (x + m)


@dataclass(frozen=True, slots=True)
class DeficitShareAtMost(BalanceCondition):
    """Vietnam's deficit as a share of two-way trade, ``(m - x) / (x + m)``, at most ``max``.

    With ``two_sided=True`` the gap either way, ``|m - x| / (x + m)``, at most ``max``: a
    surplus as large as the allowed deficit fails too.
    """

    max: float
    strict: bool = False
    two_sided: bool = False

    def holds(self, exports: Any, imports: Any) -> np.ndarray:
        s = _share(exports, imports)
        s = np.abs(s) if self.two_sided else s
        return s < self.max - TOL if self.strict else s <= self.max + TOL

    def margin(self, exports: Any, imports: Any) -> np.ndarray:
        s = _share(exports, imports)
        return self.max - (np.abs(s) if self.two_sided else s)

    def describe(self) -> str:
        op = "<" if self.strict else "≤"
        if self.two_sided:
            return f"deficit or surplus {op} {self.max:.1%} of two-way trade"
        return f"deficit share of two-way trade {op} {self.max:.1%}"


@dataclass(frozen=True, slots=True)
class RatioAtLeast(BalanceCondition):
    """Export/import ratio ``x / m`` at least ``min``."""

    min: float

    def holds(self, exports: Any, imports: Any) -> np.ndarray:
        return np.asarray(exports, float) >= self.min * np.asarray(imports, float) * (1 - TOL)

    def margin(self, exports: Any, imports: Any) -> np.ndarray:
        return np.asarray(exports, float) / np.asarray(imports, float) - self.min

    def describe(self) -> str:
        return f"export/import ratio ≥ {self.min:.2f}"


@dataclass(frozen=True, slots=True)
class DeficitAtMost(BalanceCondition):
    """Absolute deficit ``m - x`` at most ``max`` US$ bn (a surplus always holds)."""

    max: float

    def holds(self, exports: Any, imports: Any) -> np.ndarray:
        x, m = np.asarray(exports, float), np.asarray(imports, float)
        return m - x <= self.max + TOL * (x + m)

    def margin(self, exports: Any, imports: Any) -> np.ndarray:
        return self.max - (np.asarray(imports, float) - np.asarray(exports, float))

    def describe(self) -> str:
        return f"deficit ≤ {self.max:g} bn USD"


@dataclass(frozen=True, slots=True)
class MoreBalanced(BalanceCondition):
    """Deficit share strictly below its level in a base year ("more balanced").

    The base year: ``base`` when given (the latest year on or before it with both flows);
    else, for a target that says when it was set (:attr:`tradepath.Target.announced`, copied
    here as ``announced``), its level then: the latest year on or before the announcement with
    both flows, or the first year after it when none is; else the latest year with both flows
    in the data. :meth:`bind` resolves the base year against an annual frame and returns a
    :class:`DeficitShareAtMost` (strict). ``two_sided=True`` compares the gap either way,
    ``|m - x| / (x + m)``, with its base level.
    """

    base: int | None = None
    two_sided: bool = False
    announced: int | None = None

    def holds(self, exports: Any, imports: Any) -> np.ndarray:
        raise DataError(
            "a 'more balanced' condition needs its base year's deficit share; call "
            "bind(dataset.annual()) first (tp.assess and the scenarios do this for you)"
        )

    def bind(self, annual: pd.DataFrame) -> DeficitShareAtMost:
        both = annual[["exports", "imports"]].dropna()
        when = "latest"
        if self.base is not None:
            both, when = both[both.index <= self.base], "given"
        elif self.announced is not None and not both.empty:
            before = both[both.index <= self.announced]
            both, when = (before, "set") if len(before) else (both.iloc[:1], "after set")
        if both.empty:
            raise DataError(
                "a 'more balanced' condition needs a year with both exports and imports"
                + (f" on or before {self.base}" if self.base is not None else "")
                + "; give an explicit condition such as deficit_share(max=0.3) instead",
                field="balance",
            )
        year = int(both.index.max())
        share = float(_share(both.loc[year, "exports"], both.loc[year, "imports"]))
        share = abs(share) if self.two_sided else share
        return _BoundMoreBalanced(max=share, strict=True, two_sided=self.two_sided,
                                  base_year=year, when=when)

    def describe(self) -> str:
        if self.base is not None:
            return f"deficit share below its level in {self.base}"
        if self.announced is not None:
            return f"deficit share below its level when the target was set ({self.announced})"
        return "deficit share below its level in the latest year with both flows"


@dataclass(frozen=True, slots=True)
class _BoundMoreBalanced(DeficitShareAtMost):
    base_year: int = 0
    #: How the base year was chosen: "latest", "given", "set" (the announcement) or
    #: "after set" (the first year after it with both flows).
    when: str = "latest"

    def describe(self) -> str:
        what = "deficit or surplus" if self.two_sided else "deficit share"
        return f"{what} < {self.max:.1%} (its {self.base_year} level)"


@dataclass(frozen=True, slots=True)
class AllOf(BalanceCondition):
    """Every condition holds."""

    conditions: tuple[BalanceCondition, ...]

    def holds(self, exports: Any, imports: Any) -> np.ndarray:
        out = np.asarray(True)
        for c in self.conditions:
            out = out & c.holds(exports, imports)
        return out

    def margin(self, exports: Any, imports: Any) -> np.ndarray:
        return np.minimum.reduce([c.margin(exports, imports) for c in self.conditions])

    def bind(self, annual: pd.DataFrame) -> AllOf:
        return dataclasses.replace(self, conditions=tuple(c.bind(annual) for c in self.conditions))

    def describe(self) -> str:
        return " and ".join(c.describe() for c in self.conditions)


@dataclass(frozen=True, slots=True)
class AnyOf(BalanceCondition):
    """At least one condition holds."""

    conditions: tuple[BalanceCondition, ...]

    def holds(self, exports: Any, imports: Any) -> np.ndarray:
        out = np.asarray(False)
        for c in self.conditions:
            out = out | c.holds(exports, imports)
        return out

    def margin(self, exports: Any, imports: Any) -> np.ndarray:
        return np.maximum.reduce([c.margin(exports, imports) for c in self.conditions])

    def bind(self, annual: pd.DataFrame) -> AnyOf:
        return dataclasses.replace(self, conditions=tuple(c.bind(annual) for c in self.conditions))

    def describe(self) -> str:
        return " or ".join(c.describe() for c in self.conditions)


#: The largest export/import ratio :func:`ratio` accepts: a larger one reads like a
#: percentage (50 meaning 50 %).
MAX_RATIO = 10.0


def _fraction(name: str, func: str, value: Any, *, lo: float) -> float:
    """A share of two-way trade, a fraction below 1: 1 or more reads like a percentage."""
    value = check_real(name, func, value, lo=lo)
    if value >= 1:
        raise fail(name, func, f"a fraction of two-way trade in [{lo:g}, 1)", value,
                   f"Did you mean {value / 100:g} ({value:g} per cent)?")
    return value


def deficit_share(max: float) -> DeficitShareAtMost:
    """Deficit share of two-way trade at most ``max`` (a fraction in [-1, 1])."""
    return DeficitShareAtMost(_fraction("max", "deficit_share", max, lo=-1.0))


def ratio(min: float) -> RatioAtLeast:
    """Export/import ratio at least ``min`` (> 0)."""
    min = check_real("min", "ratio", min, lo=0.0, lo_open=True)
    if min > MAX_RATIO:
        raise fail("min", "ratio", f"an export/import ratio (a number like 0.5 or 1) no "
                   f"larger than {MAX_RATIO:g}", min, f"Did you mean {min / 100:g} "
                   f"({min:g} per cent)?")
    return RatioAtLeast(min)


def deficit(max: float) -> DeficitAtMost:
    """Absolute deficit at most ``max`` US$ bn (negative: a surplus of at least ``-max``)."""
    return DeficitAtMost(check_real("max", "deficit", max))


def more_balanced(base: int | None = None, *, two_sided: bool = False) -> MoreBalanced:
    """Deficit share below its level in ``base`` (default: when the target was set, if it
    says, else the latest year with both flows; see :class:`MoreBalanced`);
    ``two_sided=True``: the gap either way, ``|m - x| / (x + m)``, below its base level."""
    if base is not None:
        base = check_year("base", "more_balanced", base)
    return MoreBalanced(base, _check_bool("two_sided", "more_balanced", two_sided))


def balanced(max: float = 0.10, *, two_sided: bool = True) -> DeficitShareAtMost:
    """The default reading of "balanced": a gap between exports and imports, either way, of at
    most ``max`` (default 10 %) of two-way trade, ``|m - x| / (x + m) <= max``.

    ``two_sided=False`` is the one-sided reading, a deficit share ``(m - x) / (x + m) <= max``
    (any surplus counts as balanced; the default before version 0.2).

    Examples
    --------
    >>> from tradepath import balance
    >>> bool(balance.balanced().holds(65.0, 35.0))  # a surplus of 30 % of trade
    False
    >>> bool(balance.balanced(two_sided=False).holds(65.0, 35.0))
    True
    """
    max = _fraction("max", "balanced", max, lo=0.0)
    return DeficitShareAtMost(max, two_sided=_check_bool("two_sided", "balanced", two_sided))


def _check_bool(name: str, func: str, value: Any) -> bool:
    if not isinstance(value, bool | np.bool_):
        from .._validation import fail

        raise fail(name, func, "True or False", value)
    return bool(value)


def from_name(name: str, *, base: int | None = None) -> BalanceCondition | None:
    """The condition for a name used in files and on the command line.

    ``"none"`` gives None; ``"balanced"`` (two-sided, 10 %), ``"balanced_one_sided"``,
    ``"more_balanced"``; or a spec such as ``"balanced:0.2"`` (two-sided),
    ``"deficit_share:0.2"`` (one-sided), ``"ratio:0.8"``, ``"deficit:20"``.
    """
    if not isinstance(name, str):
        raise fail("balance", "from_name", "a string such as 'balanced' or 'ratio:0.8'", name)
    if base is not None:
        base = check_year("base", "from_name", base)
    name = name.strip()
    if name == "none":
        return None
    if name == "more_balanced":
        return more_balanced(base)
    if name == "balanced":
        return balanced()
    if name == "balanced_one_sided":
        return balanced(two_sided=False)
    kind, _, arg = name.partition(":")
    makers = {"deficit_share": deficit_share, "ratio": ratio, "deficit": deficit,
              "balanced": balanced}
    if kind in makers and arg:
        try:
            value = float(arg)
        except ValueError:
            raise fail("balance", "from_name", "a number after the colon", name) from None
        return makers[kind](value)
    raise fail(
        "balance",
        "from_name",
        "'none', 'balanced', 'balanced_one_sided', 'more_balanced', 'balanced:S', "
        "'deficit_share:S', 'ratio:R' or 'deficit:D'",
        name,
    )


def max_deficit(condition: BalanceCondition, total: Any, *,
                iterations: int = 60) -> np.ndarray:
    """The largest deficit ``m - x`` that meets ``condition`` at a given two-way ``total``.

    Found by bisection on ``d`` in ``[-total, total]`` with ``x = (total - d) / 2`` and
    ``m = (total + d) / 2``; every condition in this module gets easier as the
    deficit shrinks, so the set of deficits that meet it is an interval below this value.
    NaN where even a balanced-trade surplus of ``total`` fails.

    Parameters
    ----------
    condition : BalanceCondition
        Bound to the data (see :meth:`BalanceCondition.bind`).
    total : float or array
        Two-way trade, US$ bn.

    Returns
    -------
    numpy.ndarray
    """
    t = np.asarray(total, dtype=float)
    lo, hi = -t.copy(), t.copy()

    def ok(d: np.ndarray) -> np.ndarray:
        return np.asarray(condition.holds((t - d) / 2, (t + d) / 2), dtype=bool)

    out_ok = ok(hi)
    feasible = ok(lo)
    for _ in range(iterations):
        mid = (lo + hi) / 2
        good = ok(mid)
        lo = np.where(good, mid, lo)
        hi = np.where(good, hi, mid)
    return np.where(out_ok, t, np.where(feasible, lo, np.nan))
