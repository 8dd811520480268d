"""Scenarios: explicit, composable "what if" paths for exports and imports, and the inverse
questions (what growth does a target need?).

A :class:`Scenario` compounds Vietnam's exports to and imports from Korea from a base year
(the last year with both flows on the chosen reporter basis, or a base you give) with one
growth specification per flow, and reports exports, imports, total, balance, export share
and deficit share by year.

Growth specifications (the annual growth rate of a flow, as a fraction):

=============================================  ===============================================
``growth(0.12)``                               12 % a year, every year
``ramp(0.05, 0.03, 2025, 2030)``               5 % up to 2025, 3 % from 2030, linear between
``path({2025: 0.10, 2026: 0.08, ...})``        given year by year (must cover the horizon)
``shock(spec, year=2026, size=-0.10)``         level 10 % below ``spec``'s path in 2026 only
                                               (``recovery=False``: 10 % below from 2026 on)
=============================================  ===============================================

Two other ways analysts state a scenario: total growth plus the export share
(:meth:`Scenario.from_mix`), and total growth plus a deficit path ("the deficit shrinks to X
by year Y", :meth:`Scenario.from_deficit`).

The inverse questions are solved, not searched: :func:`required_growth` (constant export,
import or total growth that meets a target), :func:`required_deficit` (the largest deficit
at the deadline compatible with a target), :func:`feasible_region` (which pairs of export and
import growth rates meet a target, over a grid).

Examples
--------
>>> import tradepath as tp
>>> from tradepath.scenarios import Scenario, growth
>>> ds = tp.load_dataset()
>>> s = Scenario(2024, 2030, exports=growth(0.12), imports=growth(0.05))
>>> round(float(s.project(ds).loc[2030, "total"]), 2)
125.44
"""

from __future__ import annotations

import dataclasses
import functools
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import KW_ONLY, dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

from . import balance as _balance
from ._validation import check_cells, check_choice, check_int, check_real, check_rng, fail
from .data import REPORTERS, Dataset
from .errors import DataError, ModelError, ParameterError
from .targets import Target

if TYPE_CHECKING:
    from numpy.typing import ArrayLike

__all__ = [
    "Base",
    "ByYear",
    "Constant",
    "DeficitPath",
    "FeasibleRegion",
    "GrowthSpec",
    "Ramp",
    "RequiredDeficit",
    "RequiredGrowth",
    "Scenario",
    "ScenarioPaths",
    "SharePath",
    "Shock",
    "Shocked",
    "compare",
    "deficit_path",
    "feasible_region",
    "growth",
    "path",
    "ramp",
    "required_deficit",
    "required_growth",
    "required_total_growth",
    "share_path",
    "shock",
]

Reading = Literal["by", "in"]
How = Literal["linear", "geometric"]
FlowName = Literal["exports", "imports", "total"]

#: Range of constant annual growth rates searched by the solvers (-50 % to +100 % a year).
DEFAULT_BOUNDS = (-0.5, 1.0)
_YEAR_LO, _YEAR_HI = 1900, 2200


def _pct(x: float, digits: int = 1) -> str:
    return f"{x * 100:+.{digits}f} %"


def _years_array(years: ArrayLike) -> np.ndarray:
    y = np.asarray(years)
    if y.dtype.kind not in "iu":
        if y.dtype.kind == "f" and np.all(np.isfinite(y)) and np.all(y == np.round(y)):
            return y.astype(np.int64)
        raise fail("years", "GrowthSpec.rates", "whole years", years)
    return y.astype(np.int64)


def _check_rate(name: str, func: str, value: Any) -> float:
    x = check_real(name, func, value)
    if x <= -1.0:
        raise fail(name, func, "greater than -1 (a fall of less than 100 %)", value,
                   "Rates are fractions: 0.12 is 12 % a year, -0.10 a fall of 10 %.")
    return x


# -- growth specifications ---------------------------------------------------------------------
class GrowthSpec:
    """Base class of growth specifications: the annual growth rate of a flow, by year.

    Subclasses implement :meth:`rates` (vectorised over years) and :meth:`describe`;
    :meth:`cumulative` compounds the rates.
    """

    __slots__ = ()

    def rates(self, years: ArrayLike) -> np.ndarray:
        """Growth rate from ``year - 1`` to ``year`` for each of ``years`` (same shape)."""
        raise NotImplementedError

    def cumulative(self, base_year: int, end: int) -> np.ndarray:
        """Growth factors relative to ``base_year`` for the years ``base_year .. end``.

        The first factor is 1; the level of a flow in year ``t`` is ``base * factor[t]``.
        """
        years = np.arange(base_year + 1, end + 1)
        return np.concatenate(([1.0], np.cumprod(1.0 + self.rates(years))))

    def describe(self, what: Literal["growth", "share"] = "growth") -> str:
        """The specification in a few words (``what="share"`` when it gives a share)."""
        raise NotImplementedError

    def __str__(self) -> str:
        return self.describe()


@dataclass(frozen=True, slots=True)
class Constant(GrowthSpec):
    """The same growth rate every year; see :func:`growth`."""

    rate: float

    def __post_init__(self) -> None:
        object.__setattr__(self, "rate", _check_rate("rate", "growth", self.rate))

    def rates(self, years: ArrayLike) -> np.ndarray:
        return np.full(_years_array(years).shape, self.rate)

    def cumulative(self, base_year: int, end: int) -> np.ndarray:
        # Closed form (1 + g)^t rather than a running product: exact, and what users check.
        return (1.0 + self.rate) ** np.arange(0, end - base_year + 1, dtype=float)

    def describe(self, what: Literal["growth", "share"] = "growth") -> str:
        return f"{self.rate:.1%}" if what == "share" else f"{_pct(self.rate)}/yr"


@dataclass(frozen=True, slots=True)
class Ramp(GrowthSpec):
    """A rate that changes linearly between two years; see :func:`ramp`."""

    from_rate: float
    to_rate: float
    start_year: int
    end_year: int

    def __post_init__(self) -> None:
        object.__setattr__(self, "from_rate", _check_rate("from_rate", "ramp", self.from_rate))
        object.__setattr__(self, "to_rate", _check_rate("to_rate", "ramp", self.to_rate))
        a = check_int("start_year", "ramp", self.start_year, lo=_YEAR_LO, hi=_YEAR_HI)
        b = check_int("end_year", "ramp", self.end_year, lo=_YEAR_LO, hi=_YEAR_HI)
        if b <= a:
            raise fail("end_year", "ramp", f"after start_year ({a})", b)
        object.__setattr__(self, "start_year", a)
        object.__setattr__(self, "end_year", b)

    def rates(self, years: ArrayLike) -> np.ndarray:
        y = _years_array(years)
        frac = np.clip((y - self.start_year) / (self.end_year - self.start_year), 0.0, 1.0)
        return self.from_rate + (self.to_rate - self.from_rate) * frac

    def describe(self, what: Literal["growth", "share"] = "growth") -> str:
        if what == "share":
            return (f"{self.from_rate:.1%} ({self.start_year}) → {self.to_rate:.1%} "
                    f"({self.end_year})")
        return (f"{_pct(self.from_rate)}/yr ({self.start_year}) → {_pct(self.to_rate)}/yr "
                f"({self.end_year})")


@dataclass(frozen=True, slots=True)
class ByYear(GrowthSpec):
    """Rates given year by year; see :func:`path`. ``items`` are ``(year, rate)`` pairs."""

    items: tuple[tuple[int, float], ...]

    def __post_init__(self) -> None:
        if not self.items:
            raise fail("rates", "path", "a non-empty mapping of year to rate", dict(self.items))
        clean = []
        for year, rate in self.items:
            y = check_int("rates", "path", year, lo=_YEAR_LO, hi=_YEAR_HI)
            clean.append((y, _check_rate(f"rates[{y}]", "path", rate)))
        clean.sort()
        years = [y for y, _ in clean]
        if len(set(years)) != len(years):
            raise fail("rates", "path", "one rate per year", self.items)
        object.__setattr__(self, "items", tuple(clean))

    @property
    def years(self) -> np.ndarray:
        return np.array([y for y, _ in self.items], dtype=np.int64)

    def rates(self, years: ArrayLike) -> np.ndarray:
        y = _years_array(years)
        keys = self.years
        values = np.array([r for _, r in self.items])
        idx = np.clip(np.searchsorted(keys, y), 0, len(keys) - 1)
        found = keys[idx] == y
        if not np.all(found):
            missing = sorted({int(v) for v in np.atleast_1d(y[~found])})
            raise ParameterError(
                f"The year-by-year path has no rate for {_year_list(missing)}; it covers "
                f"{_year_list(keys.tolist())}. Give a rate for every year of the horizon."
            )
        return values[idx]

    def describe(self, what: Literal["growth", "share"] = "growth") -> str:
        fmt = (lambda v: f"{v:.1%}") if what == "share" else (lambda v: _pct(v))
        shown = ", ".join(f"{y}: {fmt(r)}" for y, r in self.items[:4])
        return "{" + shown + (", …}" if len(self.items) > 4 else "}")


def _year_list(years: Sequence[int]) -> str:
    years = list(years)
    if len(years) > 2 and years == list(range(years[0], years[-1] + 1)):
        return f"{years[0]}–{years[-1]}"
    return ", ".join(map(str, years))


@dataclass(frozen=True, slots=True)
class Shock:
    """A one-off level shock: ``size`` (a fraction of the no-shock level) in ``year``."""

    year: int
    size: float
    recovery: bool = True

    def __post_init__(self) -> None:
        object.__setattr__(self, "year", check_int("year", "shock", self.year, lo=_YEAR_LO,
                                                   hi=_YEAR_HI))
        size = check_real("size", "shock", self.size)
        if size <= -1.0:
            raise fail("size", "shock", "greater than -1 (a fall of less than 100 %)", size)
        object.__setattr__(self, "size", size)
        check_choice("recovery", "shock", self.recovery, (True, False))

    def describe(self) -> str:
        after = f", back on path in {self.year + 1}" if self.recovery else ", permanent"
        return f"shock {_pct(self.size, 0)} in {self.year}{after}"


@dataclass(frozen=True, slots=True)
class Shocked(GrowthSpec):
    """A growth specification with level shocks; see :func:`shock`.

    Notes
    -----
    The level is ``M(t)`` times the level of ``base``, with
    ``M(t) = 1 + sum of the sizes of the shocks active in t``: a shock with recovery is active
    in its year only, one without from its year on. Shocks that overlap add up, as
    deviations from a baseline do; if they reach -100 % the flow would be non-positive, which
    is an error naming the year.
    """

    base: GrowthSpec
    shocks: tuple[Shock, ...]

    def __post_init__(self) -> None:
        if not isinstance(self.base, GrowthSpec) or isinstance(self.base, Shocked):
            raise fail("base", "shock", "a growth specification such as growth(0.1)", self.base)
        if not self.shocks or not all(isinstance(s, Shock) for s in self.shocks):
            raise fail("shocks", "Shocked", "a non-empty tuple of Shock", self.shocks)
        # M(t) changes only at shock years and the year after a recovery.
        check = sorted({s.year for s in self.shocks} | {s.year + 1 for s in self.shocks})
        mult = self._multiplier(np.array(check))
        bad = [(y, v) for y, v in zip(check, mult, strict=True) if v <= 0]
        if bad:
            year, value = bad[0]
            active = [s for s in self.shocks
                      if (s.year == year if s.recovery else s.year <= year)]
            raise ParameterError(
                f"The shocks active in {year} ({', '.join(s.describe() for s in active)}) add "
                f"up to {_pct(value - 1, 0)} of the no-shock level, so the flow would be "
                f"non-positive in {year}. Overlapping shocks add up; make them smaller."
            )

    def _multiplier(self, years: np.ndarray) -> np.ndarray:
        y = np.asarray(years)[..., None]
        yr = np.array([s.year for s in self.shocks])
        size = np.array([s.size for s in self.shocks])
        rec = np.array([s.recovery for s in self.shocks])
        active = np.where(rec, y == yr, y >= yr)
        return 1.0 + (active * size).sum(axis=-1)

    def rates(self, years: ArrayLike) -> np.ndarray:
        y = _years_array(years)
        return (1.0 + self.base.rates(y)) * self._multiplier(y) / self._multiplier(y - 1) - 1.0

    def cumulative(self, base_year: int, end: int) -> np.ndarray:
        years = np.arange(base_year, end + 1)
        return (self.base.cumulative(base_year, end) * self._multiplier(years)
                / self._multiplier(np.array(base_year)))

    def describe(self, what: Literal["growth", "share"] = "growth") -> str:
        return "; ".join([self.base.describe(what)] + [s.describe() for s in self.shocks])


def growth(rate: float) -> Constant:
    """Constant annual growth ``rate`` (a fraction: 0.12 is 12 % a year).

    Parameters
    ----------
    rate : float
        Greater than -1.

    Returns
    -------
    Constant

    Raises
    ------
    ParameterError
        If ``rate`` is not a finite number greater than -1.

    Examples
    --------
    >>> from tradepath.scenarios import growth
    >>> growth(0.12).cumulative(2024, 2026).round(4).tolist()
    [1.0, 1.12, 1.2544]
    """
    return Constant(rate)


def ramp(from_rate: float, to_rate: float, start_year: int, end_year: int) -> Ramp:
    """A rate that changes linearly from ``from_rate`` in ``start_year`` to ``to_rate`` in
    ``end_year``; constant before and after.

    Parameters
    ----------
    from_rate, to_rate : float
        Rates (fractions), greater than -1.
    start_year, end_year : int
        ``start_year < end_year``.

    Returns
    -------
    Ramp

    Raises
    ------
    ParameterError
        A rate of -100 % or less, or ``end_year <= start_year``.

    Notes
    -----
    Used for :meth:`Scenario.from_mix`, the values are the export share itself.

    Examples
    --------
    >>> from tradepath.scenarios import ramp
    >>> ramp(0.10, 0.05, 2025, 2030).rates([2024, 2025, 2027, 2030, 2031]).round(3).tolist()
    [0.1, 0.1, 0.08, 0.05, 0.05]
    """
    return Ramp(from_rate, to_rate, start_year, end_year)


def path(rates: Mapping[int, float]) -> ByYear:
    """Rates given year by year, e.g. ``path({2025: 0.10, 2026: 0.08})``.

    Parameters
    ----------
    rates : mapping of int to float
        Year to growth rate from the year before (or, for :meth:`Scenario.from_mix`, to the
        export share). Must cover every projected year; a missing year is an error naming it.

    Returns
    -------
    ByYear

    Raises
    ------
    ParameterError
        An empty mapping, a year that is not an integer, or a rate of -100 % or less.

    Examples
    --------
    >>> from tradepath.scenarios import path
    >>> path({2025: 0.10, 2026: 0.08}).rates([2026, 2025]).tolist()
    [0.08, 0.1]
    """
    if not isinstance(rates, Mapping):
        raise fail("rates", "path", "a mapping of year to rate", rates)
    return ByYear(tuple(rates.items()))


def shock(base: GrowthSpec, *, year: int, size: float, recovery: bool = True) -> Shocked:
    """``base`` with a one-off level shock of ``size`` in ``year``.

    Parameters
    ----------
    base : GrowthSpec
        The no-shock specification; a spec that already has shocks gets one more.
    year : int
        Year of the shock.
    size : float
        Level change as a fraction of the no-shock level, greater than -1 (-0.10: 10 % lower).
    recovery : bool, default True
        True: the level is back on the no-shock path the following year. False: the level
        stays ``size`` away from the no-shock path for good.

    Returns
    -------
    Shocked

    Raises
    ------
    ParameterError
        A size of -100 % or less, or overlapping shocks that add up to -100 % or less in some
        year (the error names the year).

    Examples
    --------
    >>> from tradepath.scenarios import growth, shock
    >>> s = shock(growth(0.10), year=2026, size=-0.10)
    >>> s.rates([2025, 2026, 2027]).round(4).tolist()
    [0.1, -0.01, 0.2222]
    """
    new = Shock(year, size, recovery)
    if isinstance(base, Shocked):
        return Shocked(base.base, (*base.shocks, new))
    return Shocked(base, (new,))


# -- share and deficit paths ------------------------------------------------------------------
def _glide(v0: float, to: float, base_year: int, by: int, years: ArrayLike, how: str,
           what: str) -> np.ndarray:
    if by <= base_year:
        raise fail("by", what, f"after the base year {base_year}", by)
    frac = np.clip((_years_array(years) - base_year) / (by - base_year), 0.0, 1.0)
    if how == "linear":
        values = v0 + (to - v0) * frac
    else:
        if v0 == 0 or to == 0 or (v0 > 0) != (to > 0):
            raise fail("how", what, "'linear' when the path starts or ends at zero or changes "
                       "sign", how, f"A geometric path from {v0:.4g} to {to:.4g} is not defined.")
        values = v0 * (to / v0) ** frac
    return np.where(frac >= 1.0, to, values)  # exactly ``to`` from ``by`` on


@dataclass(frozen=True, slots=True)
class SharePath:
    """The export share moving from its base-year level to ``to`` by ``by``; see
    :func:`share_path`."""

    to: float
    by: int
    how: How = "linear"

    def __post_init__(self) -> None:
        to = check_real("to", "share_path", self.to)
        if not 0.0 < to < 1.0:
            raise fail("to", "share_path", "a share strictly between 0 and 1", self.to)
        object.__setattr__(self, "to", to)
        object.__setattr__(self, "by", check_int("by", "share_path", self.by, lo=_YEAR_LO,
                                                 hi=_YEAR_HI))
        check_choice("how", "share_path", self.how, ("linear", "geometric"))

    def values(self, v0: float, base_year: int, years: ArrayLike) -> np.ndarray:
        """The export share in ``years`` given its base-year value ``v0``."""
        return _glide(v0, self.to, base_year, self.by, years, self.how, "share_path")

    def describe(self, what: str = "share") -> str:
        return f"→ {self.to:.1%} by {self.by} ({self.how})"


@dataclass(frozen=True, slots=True)
class DeficitPath:
    """Vietnam's deficit moving from its base-year level to ``to`` by ``by``; see
    :func:`deficit_path`."""

    to: float
    by: int
    how: How = "linear"
    as_share: bool = False

    def __post_init__(self) -> None:
        check_choice("as_share", "deficit_path", self.as_share, (True, False))
        to = check_real("to", "deficit_path", self.to)
        if self.as_share and not -1.0 < to < 1.0:
            raise fail("to", "deficit_path", "a deficit share strictly between -1 and 1", to,
                       "With as_share=True, 'to' is (imports - exports) / total.")
        object.__setattr__(self, "to", to)
        object.__setattr__(self, "by", check_int("by", "deficit_path", self.by, lo=_YEAR_LO,
                                                 hi=_YEAR_HI))
        check_choice("how", "deficit_path", self.how, ("linear", "geometric"))

    def values(self, v0: float, base_year: int, years: ArrayLike) -> np.ndarray:
        """The deficit (or deficit share) in ``years`` given its base-year value ``v0``."""
        return _glide(v0, self.to, base_year, self.by, years, self.how, "deficit_path")

    def describe(self, what: str = "deficit") -> str:
        to = f"{self.to:.1%} of total" if self.as_share else f"{self.to:g} bn"
        return f"deficit → {to} by {self.by} ({self.how})"


def share_path(to: float, by: int, how: How = "linear") -> SharePath:
    """The export share of two-way trade moves from its base-year level to ``to`` by ``by``.

    Parameters
    ----------
    to : float
        Export share ``x / (x + m)`` reached in ``by``, strictly between 0 and 1.
    by : int
        Year it is reached; constant afterwards.
    how : {"linear", "geometric"}, default "linear"

    Returns
    -------
    SharePath

    Examples
    --------
    >>> from tradepath.scenarios import share_path
    >>> share_path(0.4, 2030).values(0.3, 2024, [2027, 2030, 2032]).round(3).tolist()
    [0.35, 0.4, 0.4]
    """
    return SharePath(to, by, how)


def deficit_path(to: float, by: int, how: How = "linear", as_share: bool = False) -> DeficitPath:
    """Vietnam's deficit (imports − exports) moves from its base-year level to ``to`` by ``by``.

    Parameters
    ----------
    to : float
        The deficit reached in ``by``: US$ bn (negative: a surplus), or with ``as_share`` the
        deficit share of two-way trade ``(m - x) / (x + m)``, in (-1, 1).
    by : int
        Year it is reached; constant afterwards.
    how : {"linear", "geometric"}, default "linear"
        Linear: equal steps each year. Geometric: equal percentage steps (start and end must
        have the same sign and not be zero).
    as_share : bool, default False

    Returns
    -------
    DeficitPath

    Examples
    --------
    >>> from tradepath.scenarios import deficit_path
    >>> deficit_path(15, 2030).values(30.0, 2024, [2026, 2030]).round(2).tolist()
    [25.0, 15.0]
    """
    return DeficitPath(to, by, how, as_share)


# -- scenarios --------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Base:
    """Base-year values given by the user, US$ bn."""

    exports: float
    imports: float

    def __post_init__(self) -> None:
        for name in ("exports", "imports"):
            v = check_real(f"base[{name!r}]", "Scenario", getattr(self, name), lo=0.0,
                           lo_open=True)
            object.__setattr__(self, name, v)


@dataclass(frozen=True, slots=True)
class _Resolved:
    """A scenario's base, resolved against the data."""

    year: int
    exports: float
    imports: float
    annual: pd.DataFrame  # what balance conditions bind against
    source: str


def _as_spec(value: Any, name: str, func: str) -> GrowthSpec | None:
    if value is None or isinstance(value, GrowthSpec):
        return value
    if isinstance(value, int | float | np.integer | np.floating) and not isinstance(value, bool):
        return Constant(_check_rate(name, func, value))
    raise fail(name, func, "a growth specification (growth, ramp, path, shock) or a number",
               value)


def _as_base(value: Any, func: str) -> Base | None:
    if value is None or isinstance(value, Base):
        return value
    if isinstance(value, Mapping):
        keys = set(value)
        if keys != {"exports", "imports"}:
            raise fail("base", func, "a mapping with the keys 'exports' and 'imports'", value,
                       "E.g. base={'exports': 25.6, 'imports': 55.9}.")
        return Base(value["exports"], value["imports"])
    raise fail("base", func, "None or a mapping {'exports': ..., 'imports': ...}", value)


def _resolve_base(ds: Dataset | None, *, start: int | None, reporter: str, base: Base | None,
                  func: str) -> _Resolved:
    if ds is not None and not isinstance(ds, Dataset):
        raise fail("ds", func, "a tradepath Dataset or None", type(ds).__name__,
                   "Use tp.load_dataset().")
    check_choice("reporter", func, reporter, REPORTERS)
    if base is not None:
        if start is None:
            raise fail("start", func, "the base year when a base is given", start)
        year = start
        row = pd.DataFrame({"total": [base.exports + base.imports], "exports": [base.exports],
                            "imports": [base.imports], "balance": [base.exports - base.imports]},
                           index=pd.Index([year], name="year"))
        annual = _annual_of(ds, reporter)[0] if ds is not None else row
        if annual[["exports", "imports"]].dropna().empty:
            annual = row
        return _Resolved(year, base.exports, base.imports, annual, "given")
    if ds is None:
        raise fail("ds", func, "a Dataset when the scenario has no base", ds,
                   "Pass tp.load_dataset(), or give base={'exports': ..., 'imports': ...}.")
    annual, kinds_frame = _annual_of(ds, reporter)
    both = annual[["exports", "imports"]].dropna()
    if start is not None:
        both = both[both.index <= start]
    if both.empty:
        where = f" at or before {start}" if start is not None else ""
        raise DataError(
            f"no year{where} has both exports and imports on the {reporter!r} basis, so the "
            "scenario has no base; give base={'exports': ..., 'imports': ...} or another "
            "reporter", field="base",
        )
    year = int(both.index.max())
    kinds = kinds_frame.loc[year]
    src = f"{reporter} {year} (exports {kinds['exports']}, imports {kinds['imports']})"
    return _Resolved(year, float(both.loc[year, "exports"]), float(both.loc[year, "imports"]),
                     annual, src)


def _annual_of(ds: Dataset, reporter: Any) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``ds.annual(reporter)`` and its kinds (the dataset builds each view once)."""
    return ds.annual(reporter), ds.annual_kinds(reporter)


def _bind(cond: _balance.BalanceCondition | None,
          annual: pd.DataFrame) -> _balance.BalanceCondition | None:
    return None if cond is None else cond.bind(annual)


def _frame(years: np.ndarray, x: np.ndarray, m: np.ndarray) -> pd.DataFrame:
    total = x + m
    return pd.DataFrame(
        {"exports": x, "imports": m, "total": total, "balance": x - m,
         "export_share": x / total, "deficit_share": (m - x) / total},
        index=pd.Index(years, name="year"),
    )


@dataclass(frozen=True, slots=True)
class Scenario:
    """A "what if" path for Vietnam's exports to and imports from Korea.

    State it in one of three ways: a growth specification for each flow (``exports`` and
    ``imports``); total growth plus the export share (:meth:`from_mix`); or total growth plus
    a deficit path (:meth:`from_deficit`). "The same scenario, except…" is
    ``dataclasses.replace(s, exports=growth(0.15))``.

    Parameters
    ----------
    start : int
        The base year: flows compound from the last year with both exports and imports on the
        ``reporter`` basis at or before ``start`` (normally ``start`` itself).
    end : int
        Last projected year, after ``start``.
    exports, imports : GrowthSpec or float, optional
        Growth of each flow (a number is shorthand for :func:`growth`).
    reporter : {"VN", "KR", "unstated"}, default "VN"
        Whose statistics give the base (and the base of "more balanced" conditions).
    base : mapping, optional
        ``{"exports": 25.6, "imports": 55.9}``: base values in ``start`` instead of the data.
    name : str, optional
        Label; defaults to a description of the specifications.
    total : GrowthSpec or float, optional
        Growth of two-way trade (with ``export_share`` or ``deficit``).
    export_share : GrowthSpec, SharePath or float, optional
        The export share ``x / (x + m)`` by year: a number (constant), :func:`ramp` or
        :func:`path` of share values, or :func:`share_path` (from the base-year share).
    deficit : DeficitPath, optional
        :func:`deficit_path`: the deficit from its base-year level to a value by a year.

    Raises
    ------
    ParameterError
        ``end`` not after ``start``, a growth rate of -100 % or less, an unknown reporter, or
        not exactly one of the three parameterisations.

    Notes
    -----
    With a total and an export share ``s``: ``x = s T`` and ``m = (1 - s) T``. With a total
    and a deficit ``D``: ``x = (T - D) / 2`` and ``m = (T + D) / 2`` (a deficit share ``d``
    gives ``D = d T``); a path that would make a flow non-positive is an error naming the year.
    In every case ``total = x + m`` and ``balance = x - m`` exactly.

    Examples
    --------
    >>> import tradepath as tp
    >>> from tradepath.scenarios import Scenario, growth
    >>> s = Scenario(2024, 2035, exports=growth(0.12), imports=growth(0.05))
    >>> f = s.project(tp.load_dataset())
    >>> list(f.columns)
    ['exports', 'imports', 'total', 'balance', 'export_share', 'deficit_share']
    >>> round(float(f.loc[2035, "balance"]), 1)
    -6.6
    """

    start: int
    end: int
    _: KW_ONLY
    exports: GrowthSpec | None = None
    imports: GrowthSpec | None = None
    reporter: str = "VN"
    base: Base | None = None
    name: str = ""
    total: GrowthSpec | None = None
    export_share: GrowthSpec | SharePath | None = None
    deficit: DeficitPath | None = None

    def __post_init__(self) -> None:
        f = "Scenario"
        start = check_int("start", f, self.start, lo=_YEAR_LO, hi=_YEAR_HI)
        end = check_int("end", f, self.end, lo=_YEAR_LO, hi=_YEAR_HI)
        if end <= start:
            raise fail("end", f, f"after start ({start})", end,
                       "A scenario runs from its base year 'start' to 'end'.")
        check_choice("reporter", f, self.reporter, REPORTERS)
        for name in ("exports", "imports", "total"):
            object.__setattr__(self, name, _as_spec(getattr(self, name), name, f))
        share = self.export_share
        if share is not None and not isinstance(share, SharePath):
            share = _as_spec(share, "export_share", f)
            if isinstance(share, Shocked):
                raise fail("export_share", f, "a number, ramp, path or share_path", share)
            object.__setattr__(self, "export_share", share)
        if self.deficit is not None and not isinstance(self.deficit, DeficitPath):
            raise fail("deficit", f, "a deficit_path(to=..., by=...)", self.deficit)
        object.__setattr__(self, "base", _as_base(self.base, f))
        object.__setattr__(self, "start", start)
        object.__setattr__(self, "end", end)
        given = {k for k in ("exports", "imports", "total", "export_share", "deficit")
                 if getattr(self, k) is not None}
        if given not in ({"exports", "imports"}, {"total", "export_share"}, {"total", "deficit"}):
            raise ParameterError(
                f"A scenario needs exports and imports, or total and export_share, or total and "
                f"deficit; got {sorted(given) or 'none of them'}. Use Scenario(..., exports=..., "
                "imports=...), Scenario.from_mix or Scenario.from_deficit."
            )
        if not isinstance(self.name, str):
            raise fail("name", f, "a string", self.name)
        if not self.name:
            object.__setattr__(self, "name", self.describe())

    # -- construction ----------------------------------------------------------------------
    @classmethod
    def from_mix(cls, start: int, end: int, *, total: GrowthSpec | float,
                 export_share: GrowthSpec | SharePath | float, reporter: str = "VN",
                 base: Mapping[str, float] | Base | None = None, name: str = "") -> Scenario:
        """Total growth plus the export share path.

        Parameters
        ----------
        start, end : int
        total : GrowthSpec or float
            Growth of two-way trade.
        export_share : GrowthSpec, SharePath or float
            ``x / (x + m)``: a constant, a :func:`ramp` or :func:`path` of share values, or
            :func:`share_path` (a glide from the base-year share).
        reporter, base, name
            As for :class:`Scenario`.

        Returns
        -------
        Scenario

        Examples
        --------
        >>> import tradepath as tp
        >>> from tradepath.scenarios import Scenario, growth, share_path
        >>> s = Scenario.from_mix(2024, 2030, total=growth(0.07),
        ...                       export_share=share_path(0.40, by=2030))
        >>> round(float(s.project(tp.load_dataset()).loc[2030, "export_share"]), 3)
        0.4
        """
        return cls(start, end, total=total, export_share=export_share,  # type: ignore[arg-type]
                   reporter=reporter, base=base, name=name)  # type: ignore[arg-type]

    @classmethod
    def from_deficit(cls, start: int, end: int, *, total: GrowthSpec | float,
                     deficit: DeficitPath, reporter: str = "VN",
                     base: Mapping[str, float] | Base | None = None, name: str = "") -> Scenario:
        """Total growth plus a deficit path ("the deficit shrinks to X by year Y").

        Parameters
        ----------
        start, end : int
        total : GrowthSpec or float
            Growth of two-way trade.
        deficit : DeficitPath
            :func:`deficit_path`, absolute (US$ bn) or as a share of total.
        reporter, base, name
            As for :class:`Scenario`.

        Returns
        -------
        Scenario

        Examples
        --------
        >>> import tradepath as tp
        >>> from tradepath.scenarios import Scenario, deficit_path, growth
        >>> s = Scenario.from_deficit(2024, 2030, total=growth(0.09),
        ...                           deficit=deficit_path(to=15, by=2030))
        >>> round(float(s.project(tp.load_dataset()).loc[2030, "balance"]), 6)
        -15.0
        """
        return cls(start, end, total=total, deficit=deficit,  # type: ignore[arg-type]
                   reporter=reporter, base=base, name=name)  # type: ignore[arg-type]

    @property
    def kind(self) -> Literal["flows", "mix", "deficit"]:
        """Which parameterisation: ``"flows"``, ``"mix"`` or ``"deficit"``."""
        if self.exports is not None:
            return "flows"
        return "mix" if self.export_share is not None else "deficit"

    def describe(self) -> str:
        """The specifications in one line."""
        if self.exports is not None and self.imports is not None:
            return f"exports {self.exports.describe()}, imports {self.imports.describe()}"
        assert self.total is not None
        head = f"total {self.total.describe()}"
        if self.export_share is not None:
            return f"{head}, export share {self.export_share.describe('share')}"
        assert self.deficit is not None
        return f"{head}, {self.deficit.describe()}"

    # -- projection ------------------------------------------------------------------------
    def _resolve(self, ds: Dataset | None, func: str) -> _Resolved:
        return _resolve_base(ds, start=self.start, reporter=self.reporter, base=self.base,
                             func=func)

    def _flows(self, b: _Resolved) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Years ``b.year .. end`` and the exports and imports in them."""
        years = np.arange(b.year, self.end + 1)
        if self.exports is not None and self.imports is not None:
            x = b.exports * self.exports.cumulative(b.year, self.end)
            m = b.imports * self.imports.cumulative(b.year, self.end)
            return years, x, m
        assert self.total is not None
        t0 = b.exports + b.imports
        total = t0 * self.total.cumulative(b.year, self.end)
        later = years[1:]
        if self.export_share is not None:
            s0 = b.exports / t0
            if isinstance(self.export_share, SharePath):
                s = self.export_share.values(s0, b.year, later)
            else:
                s = self.export_share.rates(later)
            bad = ~((s > 0) & (s < 1))
            if np.any(bad):
                y = int(later[bad][0])
                raise ParameterError(
                    f"The export share must stay strictly between 0 and 1; it is "
                    f"{float(s[bad][0]):.4g} in {y}. Shares are fractions: 0.4 is 40 %."
                )
            x = np.concatenate(([b.exports], s * total[1:]))
            m = np.concatenate(([b.imports], (1.0 - s) * total[1:]))
            return years, x, m
        assert self.deficit is not None
        if self.deficit.as_share:
            d = self.deficit.values((b.imports - b.exports) / t0, b.year, later) * total[1:]
        else:
            d = self.deficit.values(b.imports - b.exports, b.year, later)
        x = (total[1:] - d) / 2.0
        m = (total[1:] + d) / 2.0
        bad = (x <= 0) | (m <= 0)
        if np.any(bad):
            i = int(np.argmax(bad))
            raise ParameterError(
                f"The deficit path makes a flow non-positive in {int(later[i])}: total "
                f"{total[1:][i]:.4g} bn with a deficit of {d[i]:.4g} bn gives exports "
                f"{x[i]:.4g} and imports {m[i]:.4g}. A deficit must be smaller than the total."
            )
        return years, np.concatenate(([b.exports], x)), np.concatenate(([b.imports], m))

    def plot(self, ds: Dataset | None = None, *, ax: Any = None, **kwargs: Any) -> Any:
        """This scenario's path with the targets (see :func:`tradepath.plotting.plot_scenarios`)."""
        from .plotting import plot_scenarios

        return plot_scenarios([self], ax=ax, data=ds, **kwargs)

    def project(self, ds: Dataset | None = None) -> pd.DataFrame:
        """The scenario's path by year.

        Parameters
        ----------
        ds : Dataset, optional
            Gives the base (the last year with both flows at or before ``start`` on the
            ``reporter`` basis). Not needed when the scenario has a ``base``.

        Returns
        -------
        DataFrame
            Indexed by ``year`` from the base year to ``end`` (the first row is the base),
            with columns ``exports``, ``imports``, ``total``, ``balance`` (exports − imports),
            ``export_share`` (exports / total) and ``deficit_share`` ((imports − exports) /
            total). ``attrs`` holds ``scenario``, ``base_year`` and ``base_source``.

        Raises
        ------
        DataError
            No year with both flows at or before ``start`` on the reporter basis.
        ParameterError
            A year-by-year path that does not cover the horizon (naming the missing years),
            or a mix or deficit path that makes a flow non-positive (naming the year).
        """
        b = self._resolve(ds, "Scenario.project")
        years, x, m = self._flows(b)
        out = _frame(years, x, m)
        out.attrs.update(scenario=self.name, base_year=b.year, base_source=b.source)
        return out

    def first_year_met(self, ds: Dataset | None, target: Target) -> int | None:
        """First year of the projection in which ``target`` is met (None: not by ``end``).

        "Met" means the target's flow is at least its value and its balance condition, bound
        against the data (or the scenario's base), holds in the same year.
        """
        _check_target(target, "Scenario.first_year_met")
        b = self._resolve(ds, "Scenario.first_year_met")
        years, x, m = self._flows(b)
        ok = _met(target, _bind(target.balance, b.annual), x, m)
        return int(years[np.argmax(ok)]) if ok.any() else None

    # -- uncertainty -----------------------------------------------------------------------
    def simulate(self, ds: Dataset | None = None, *, n_paths: int = 10_000, seed: Any = 0,
                 sigma: float | Mapping[str, float] | None = None,
                 correlation: float = 0.0) -> ScenarioPaths:
        """Paths around the scenario with log-normal noise on each flow's annual growth.

        Parameters
        ----------
        ds : Dataset, optional
            Gives the base and, when ``sigma`` is None, the volatility.
        n_paths : int, default 10000
        seed : int or numpy.random.Generator, default 0
            Same seed, same paths.
        sigma : float or mapping, optional
            Annual volatility of the log growth of each flow: one number for both, or
            ``{"exports": s_x, "imports": s_m}``. None estimates it from the data with
            :class:`tradepath.models.random_walk.RandomWalk` (see Notes).
        correlation : float, default 0
            Correlation of the two flows' annual shocks, in [-1, 1]. The documents give both
            flows for two years only, too few to estimate it; 0 treats them as independent.

        Returns
        -------
        ScenarioPaths

        Raises
        ------
        ModelError
            ``sigma`` is None and the data cannot give a volatility (fewer than 3 totals).
        ParameterError
            Bad arguments, or a simulation too large for memory.

        Notes
        -----
        Each flow on each path is the scenario's value times
        ``exp(sigma * (e_1 + ... + e_t))`` with standard normal annual shocks ``e``: the
        scenario is the median path (not the mean, which is higher by ``exp(sigma^2 t / 2)``).
        The volatility of a flow is the random walk's ``sigma`` fitted on that flow's annual
        series when it has at least 3 observations, else the total's (the notes say which);
        it is the point estimate, so the spread is conditional on it.
        """
        func = "Scenario.simulate"
        n_paths = check_int("n_paths", func, n_paths, lo=1)
        rng = check_rng("seed", func, seed)
        rho = check_real("correlation", func, correlation, lo=-1.0, hi=1.0)
        b = self._resolve(ds, func)
        years, x, m = self._flows(b)
        sig, notes = _sigmas(sigma, ds, self.reporter, func)
        steps = len(years) - 1
        check_cells(func, n_paths, steps + 1, n_arrays=6)
        z = rng.standard_normal((2, n_paths, steps))
        zx = z[0]
        zm = rho * z[0] + math.sqrt(1.0 - rho * rho) * z[1]
        zeros = np.zeros((n_paths, 1))
        lx = np.concatenate((zeros, np.cumsum(sig["exports"] * zx, axis=1)), axis=1)
        lm = np.concatenate((zeros, np.cumsum(sig["imports"] * zm, axis=1)), axis=1)
        return ScenarioPaths(
            scenario=self, years=years, exports=x * np.exp(lx), imports=m * np.exp(lm),
            sigma=sig, correlation=rho, notes=notes, annual=b.annual, base_year=b.year,
        )

    def probability(self, ds: Dataset | None, target: Target, *, reading: Reading = "by",
                    n_paths: int = 10_000, seed: Any = 0,
                    sigma: float | Mapping[str, float] | None = None,
                    correlation: float = 0.0) -> float:
        """P(``target`` met by its deadline) under the noise of :meth:`simulate`.

        Parameters
        ----------
        ds, n_paths, seed, sigma, correlation
            As for :meth:`simulate`.
        target : Target
        reading : {"by", "in"}, default "by"
            "by": met in some year up to and including the deadline; "in": in the deadline
            year itself.

        Returns
        -------
        float

        Examples
        --------
        >>> import tradepath as tp
        >>> from tradepath.scenarios import Scenario, growth
        >>> ds = tp.load_dataset()
        >>> s = Scenario(2024, 2032, exports=growth(0.12), imports=growth(0.05))
        >>> p = s.probability(ds, tp.Target(150, by=2030), n_paths=2000, seed=1)
        >>> 0 < p < 0.5
        True
        """
        _check_target(target, "Scenario.probability")
        sim = self.simulate(ds, n_paths=n_paths, seed=seed, sigma=sigma,
                            correlation=correlation)
        return sim.probability(target, reading=reading)


def _check_target(target: Any, func: str) -> Target:
    if not isinstance(target, Target):
        raise fail("target", func, "a tradepath Target", target,
                   "E.g. tp.Target(150, by=2030, balance=tp.balance.balanced()).")
    return target


def _level(flow: str, x: Any, m: Any) -> Any:
    return x + m if flow == "total" else (x if flow == "exports" else m)


def _met(target: Target, cond: _balance.BalanceCondition | None, x: Any, m: Any) -> np.ndarray:
    """Where ``target`` is met: its flow at least its value and the condition holds."""
    ok = np.asarray(_level(target.flow, x, m) >= target.value)
    if cond is not None:
        ok = ok & np.asarray(cond.holds(x, m), dtype=bool)
    return ok


def _sigmas(sigma: Any, ds: Dataset | None, reporter: str,
            func: str) -> tuple[dict[str, float], tuple[str, ...]]:
    if sigma is not None:
        if isinstance(sigma, Mapping):
            if set(sigma) != {"exports", "imports"}:
                raise fail("sigma", func, "a number or {'exports': ..., 'imports': ...}", sigma)
            out = {k: check_real(f"sigma[{k!r}]", func, sigma[k], lo=0.0)
                   for k in ("exports", "imports")}
        else:
            s = check_real("sigma", func, sigma, lo=0.0)
            out = {"exports": s, "imports": s}
        return out, (f"Volatility given: exports {out['exports']:.4f}, imports "
                     f"{out['imports']:.4f} a year (log growth).",)
    if ds is None:
        raise fail("sigma", func, "a number when no dataset is given", sigma,
                   "Pass the dataset to estimate it, or sigma=0.1.")
    from .models.random_walk import RandomWalk

    def fit(flow: str) -> tuple[float | None, pd.Series]:
        s = ds.series(flow, reporter)  # type: ignore[arg-type]
        if len(s) < 3:
            return None, s
        return float(RandomWalk().fit(s).params["sigma"]), s

    total_sigma, total_series = fit("total")
    out, notes = {}, []
    for flow in ("exports", "imports"):
        value, s = fit(flow)
        if value is None:
            if total_sigma is None:
                raise ModelError(
                    f"cannot estimate the volatility: {flow} and total have fewer than 3 annual "
                    f"observations on the {reporter!r} basis; give sigma= (e.g. 0.1)"
                )
            value = total_sigma
            years = ", ".join(str(int(y)) for y in s.index) or "none"
            notes.append(
                f"{flow.capitalize()} has {len(s)} annual observation(s) ({years}), too few for "
                f"a volatility; used the total's, {total_sigma:.4f} a year (random walk on "
                f"{len(total_series)} totals, {int(total_series.index[0])}–"
                f"{int(total_series.index[-1])})."
            )
        else:
            notes.append(f"{flow.capitalize()} volatility {value:.4f} a year (random walk on "
                         f"{len(s)} observations).")
        out[flow] = value
    return out, tuple(notes)


@dataclass(frozen=True, slots=True, eq=False)
class ScenarioPaths:
    """Simulated paths around a scenario; from :meth:`Scenario.simulate`.

    Attributes
    ----------
    scenario : Scenario
    years : ndarray of int, shape (n_years,)
        Base year to ``end``.
    exports, imports : ndarray, shape (n_paths, n_years)
    sigma : dict
        Volatility used for each flow.
    correlation : float
    notes : tuple of str
        Where the volatility came from.
    """

    scenario: Scenario
    years: np.ndarray
    exports: np.ndarray
    imports: np.ndarray
    sigma: dict[str, float]
    correlation: float
    notes: tuple[str, ...]
    annual: pd.DataFrame = field(repr=False)
    base_year: int = 0

    @property
    def total(self) -> np.ndarray:
        return self.exports + self.imports

    @property
    def balance(self) -> np.ndarray:
        return self.exports - self.imports

    @property
    def n_paths(self) -> int:
        return int(self.exports.shape[0])

    def met(self, target: Target) -> np.ndarray:
        """Boolean array (n_paths, n_years): where ``target`` is met."""
        _check_target(target, "ScenarioPaths.met")
        return _met(target, _bind(target.balance, self.annual), self.exports, self.imports)

    def first_year_met(self, target: Target) -> np.ndarray:
        """First year each path meets ``target`` (NaN: not by the end), shape (n_paths,)."""
        hit = self.met(target)
        return np.where(hit.any(axis=1), self.years[hit.argmax(axis=1)].astype(float), np.nan)

    def probability(self, target: Target, *, reading: Reading = "by") -> float:
        """Share of paths meeting ``target`` by its deadline (``"by"``) or in it (``"in"``)."""
        check_choice("reading", "ScenarioPaths.probability", reading, ("by", "in"))
        if not self.years[0] <= target.by <= self.years[-1]:
            raise fail("target", "ScenarioPaths.probability",
                       f"a target with a deadline in {self.years[0]}–{self.years[-1]}", target.name)
        hit = self.met(target)
        window = self.years == target.by if reading == "in" else self.years <= target.by
        return float(hit[:, window].any(axis=1).mean())

    def summary_frame(self, alpha: float = 0.2) -> pd.DataFrame:
        """Median and central ``1 - alpha`` interval of each quantity by year.

        Returns
        -------
        DataFrame
            Indexed by ``year``; columns ``<q>_median``, ``<q>_lower``, ``<q>_upper`` for
            ``exports``, ``imports``, ``total``, ``balance`` and ``deficit_share``.
        """
        alpha = check_real("alpha", "ScenarioPaths.summary_frame", alpha, lo=0.0, hi=1.0,
                           lo_open=True)
        qs = [0.5, alpha / 2, 1 - alpha / 2]
        total = self.total
        data = {"exports": self.exports, "imports": self.imports, "total": total,
                "balance": self.balance, "deficit_share": (self.imports - self.exports) / total}
        cols: dict[str, np.ndarray] = {}
        for name, arr in data.items():
            med, lo, hi = np.quantile(arr, qs, axis=0)
            cols |= {f"{name}_median": med, f"{name}_lower": lo, f"{name}_upper": hi}
        return pd.DataFrame(cols, index=pd.Index(self.years, name="year"))

    def to_frame(self) -> pd.DataFrame:
        """Long table: ``path``, ``year``, ``exports``, ``imports``, ``total``, ``balance``."""
        n, k = self.exports.shape
        return pd.DataFrame({
            "path": np.repeat(np.arange(n), k), "year": np.tile(self.years, n),
            "exports": self.exports.ravel(), "imports": self.imports.ravel(),
            "total": self.total.ravel(), "balance": self.balance.ravel(),
        })


# -- comparing scenarios ----------------------------------------------------------------------
def _as_condition(value: Any, func: str) -> _balance.BalanceCondition | None:
    if value is None or isinstance(value, _balance.BalanceCondition):
        return value
    if isinstance(value, str):
        return _balance.from_name(value)
    raise fail("balance", func, "None, a tradepath.balance condition or its name", value)


def compare(scenarios: Iterable[Scenario], ds: Dataset | None = None, *,
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
    >>> from tradepath.scenarios import Scenario, compare, growth
    >>> ds = tp.load_dataset()
    >>> a = Scenario(2024, 2035, exports=growth(0.12), imports=growth(0.05), name="A")
    >>> b = dataclasses.replace(a, exports=growth(0.15), name="B")
    >>> compare([a, b], ds)["150B by 2030: first met"].tolist()
    [2033, 2032]
    """
    func = "compare"
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


# -- inverse questions ------------------------------------------------------------------------
def _target_from(ds: Dataset | None, target: Target | str, func: str) -> Target:
    if isinstance(target, str):
        if ds is None:
            raise fail("target", func, "a Target when no dataset is given", target)
        return ds.target(target)
    return _check_target(target, func)


def _check_bounds(bounds: Any, func: str) -> tuple[float, float]:
    try:
        lo, hi = bounds
    except (TypeError, ValueError):
        raise fail("bounds", func, "a pair (low, high) of rates", bounds) from None
    lo = _check_rate("bounds", func, lo)
    hi = check_real("bounds", func, hi)
    if hi <= lo:
        raise fail("bounds", func, "a pair with low < high", bounds)
    return lo, hi


def _margin(cond: _balance.BalanceCondition | None, x: Any, m: Any) -> np.ndarray:
    """A continuous function that is >= 0 (> 0 for strict conditions) where ``cond`` holds."""
    x, m = np.asarray(x, float), np.asarray(m, float)
    if cond is None:
        return np.full(np.broadcast_shapes(x.shape, m.shape), np.inf)
    if isinstance(cond, _balance.DeficitShareAtMost):
        share = (m - x) / (x + m)
        return cond.max - (np.abs(share) if cond.two_sided else share)
    if isinstance(cond, _balance.RatioAtLeast):
        return x / m - cond.min
    if isinstance(cond, _balance.DeficitAtMost):
        return cond.max - (m - x)
    if isinstance(cond, _balance.AllOf | _balance.AnyOf):
        parts = [_margin(c, x, m) for c in cond.conditions]
        return np.minimum.reduce(parts) if isinstance(cond, _balance.AllOf) \
            else np.maximum.reduce(parts)
    # A condition of unknown form: its verdict only (brentq then bisects).
    return np.where(np.asarray(cond.holds(x, m), dtype=bool), 1.0, -1.0)


@dataclass(frozen=True, slots=True)
class _Constraint:
    name: str
    kind: Literal["always", "never", "floor", "ceiling"]
    at: float = math.nan


def _solve_year(evaluate: Callable[[float], tuple[np.ndarray, np.ndarray]], j: int,
                target: Target, cond: _balance.BalanceCondition | None, lo: float,
                hi: float) -> tuple[float, float] | list[_Constraint]:
    """The interval of parameters in [lo, hi] meeting ``target`` in year index ``j``.

    Returns ``(a, b)``, or the list of constraints (for the explanation) when empty. Each
    constraint is assumed monotone in the parameter, as every built-in condition is.
    """
    def level(p: float) -> float:
        x, m = evaluate(p)
        return float(_level(target.flow, x[j], m[j]) - target.value)

    def level_ok(p: float) -> bool:
        return level(p) >= 0

    def bal(p: float) -> float:
        x, m = evaluate(p)
        return float(_margin(cond, x[j], m[j]))

    def bal_ok(p: float) -> bool:
        x, m = evaluate(p)
        return cond is None or bool(cond.holds(x[j], m[j]))

    def met(p: float) -> bool:
        return level_ok(p) and bal_ok(p)

    from scipy.optimize import brentq

    cond_name = f"the condition ({cond.describe()})" if cond is not None else "no condition"
    parts = [(f"the {target.flow} (≥ {target.value:g} bn)", level, level_ok),
             (cond_name, bal, bal_ok)]
    if isinstance(cond, _balance.DeficitShareAtMost) and cond.two_sided:
        # |share| <= s is not monotone in a rate: solve its two monotone sides apart.
        sides = [dataclasses.replace(cond, two_sided=False)]
        sides.append(dataclasses.replace(sides[0], max=-cond.max))  # share >= -s, negated

        def side(c: _balance.DeficitShareAtMost, sign: float) -> tuple[Any, Any]:
            def margin(p: float) -> float:
                x, m = evaluate(p)
                return sign * float(_margin(c, x[j], m[j]))

            def ok(p: float) -> bool:
                x, m = evaluate(p)
                held = bool(c.holds(x[j], m[j]))
                return held if sign > 0 else not held or margin(p) == 0
            return margin, ok

        parts[1:] = [(f"the deficit (≤ {cond.max:.1%} of trade)", *side(sides[0], 1.0)),
                     (f"the surplus (≤ {cond.max:.1%} of trade)", *side(sides[1], -1.0))]
    a, b = lo, hi
    info: list[_Constraint] = []
    for name, margin, ok in parts:
        ok_lo, ok_hi = ok(lo), ok(hi)
        if ok_lo and ok_hi:
            info.append(_Constraint(name, "always"))
            continue
        if not ok_lo and not ok_hi:
            info.append(_Constraint(name, "never"))
            continue
        f_lo, f_hi = margin(lo), margin(hi)
        straddles = (f_lo <= 0 <= f_hi or f_hi <= 0 <= f_lo) and not f_lo == f_hi == 0
        fn = margin if straddles and math.isfinite(f_lo) and math.isfinite(f_hi) \
            else (lambda p, ok=ok: 1.0 if ok(p) else -1.0)  # type: ignore[misc]
        root = float(brentq(fn, lo, hi, xtol=1e-14, rtol=4 * np.finfo(float).eps, maxiter=500))
        if ok_hi:
            a = max(a, root)
            info.append(_Constraint(name, "floor", root))
        else:
            b = min(b, root)
            info.append(_Constraint(name, "ceiling", root))
    if any(c.kind == "never" for c in info) or a > b:
        return info
    a2 = _nudge(a, +1.0, met, b)
    b2 = _nudge(b, -1.0, met, a)
    if a2 is None or b2 is None or a2 > b2:
        return info
    return a2, b2


def _nudge(p: float, direction: float, ok: Callable[[float], bool], limit: float) -> float | None:
    """``p`` moved towards ``limit`` by the least amount (< 1e-9) that makes ``ok`` true."""
    if ok(p):
        return p
    step = max(abs(p), 1.0) * float(np.finfo(float).eps)
    while step < 1e-9:
        q = p + direction * step
        if (direction > 0 and q > limit) or (direction < 0 and q < limit):
            q = limit
        if ok(q):
            return q
        if q == limit:
            return None
        step *= 2.0
    return None


@dataclass(frozen=True, slots=True)
class _Solution:
    lower: float
    upper: float
    year: int          # the year met at ``lower``
    upper_year: int    # the year met at ``upper``
    upper_open: bool   # ``upper`` is the end of the searched range
    lower_open: bool
    gaps: bool         # the parameters that meet the target are not one interval
    explanation: str


def _solve(evaluate: Callable[[float], tuple[np.ndarray, np.ndarray]], years: np.ndarray,
           target: Target, cond: _balance.BalanceCondition | None, lo: float, hi: float,
           reading: Reading, fmt: Callable[[float], str], noun: str = "rate"
           ) -> _Solution | str:
    cached = functools.lru_cache(maxsize=512)(evaluate)
    idx = [int(np.flatnonzero(years == target.by)[0])] if reading == "in" else \
        list(range(int(np.flatnonzero(years == target.by)[0]) + 1))
    found: list[tuple[int, float, float]] = []
    info_deadline: list[_Constraint] = []
    for j in idx:
        r = _solve_year(cached, j, target, cond, lo, hi)
        if isinstance(r, tuple):
            found.append((int(years[j]), r[0], r[1]))
        elif j == idx[-1]:
            info_deadline = r
    if not found:
        bits = []
        for c in info_deadline:
            if c.kind == "never":
                bits.append(f"{c.name} is not met at any {noun} in [{fmt(lo)}, {fmt(hi)}]")
            elif c.kind == "floor":
                bits.append(f"{c.name} needs at least {fmt(c.at)}")
            elif c.kind == "ceiling":
                bits.append(f"{c.name} allows at most {fmt(c.at)}")
        return f"in {target.by}: " + "; ".join(bits) if bits else ""
    year, lower, _ = min(found, key=lambda t: (t[1], t[0]))
    upper_year, _, upper = max(found, key=lambda t: (t[2], -t[0]))
    spans = sorted((a, b) for _, a, b in found)
    reach, gaps = spans[0][1], False
    for a, b in spans[1:]:
        gaps |= a > reach + 1e-12
        reach = max(reach, b)
    return _Solution(lower, upper, year, upper_year, upper >= hi, lower <= lo, gaps, "")


@dataclass(frozen=True, slots=True, eq=False)
class RequiredGrowth:
    """The constant growth rate a target needs; from :func:`required_growth`.

    Attributes
    ----------
    target : Target
    condition : str
        The balance condition as bound against the data, in words.
    flow : {"exports", "imports", "total"}
        The flow whose growth was solved for.
    reading : {"by", "in"}
    rate : float
        The smallest constant rate (to within 1e-12) at which the target is met; NaN when
        none in ``bounds`` is (see ``message``).
    max_rate : float or None
        The largest rate that still meets it when one exists below the top of ``bounds``
        (faster import growth can break a balance condition); None otherwise.
    feasible : bool
    message : str
        The answer in words, or why there is none.
    year : int or None
        The year the target is first met at ``rate``.
    base_year : int
    bounds : tuple of float
        The range of rates searched.
    scenario : Scenario or None
        The scenario at ``rate``.
    path : DataFrame or None
        Its projection (see :meth:`Scenario.project`).
    """

    target: Target
    condition: str
    flow: str
    reading: str
    rate: float
    max_rate: float | None
    feasible: bool
    message: str
    year: int | None
    base_year: int
    bounds: tuple[float, float]
    scenario: Scenario | None
    path: pd.DataFrame | None

    @property
    def deficit(self) -> pd.Series | None:
        """The deficit path implied (imports − exports, US$ bn, by year); None if infeasible."""
        if self.path is None:
            return None
        return (self.path["imports"] - self.path["exports"]).rename("deficit")

    def to_dict(self) -> dict[str, Any]:
        """One row for a table."""
        return {"target": self.target.name, "condition": self.condition, "flow": self.flow,
                "reading": self.reading, "feasible": self.feasible, "rate": self.rate,
                "max_rate": self.max_rate if self.max_rate is not None else math.nan,
                "year_met": self.year, "base_year": self.base_year, "message": self.message}

    def __str__(self) -> str:
        return self.message

    def _repr_html_(self) -> str:
        import html

        table = "" if self.path is None else self.path.to_html(float_format="{:.2f}".format)
        return f"<p>{html.escape(self.message)}</p>{table}"


def _window_checks(target: Target, base_year: int, func: str) -> None:
    if target.by <= base_year:
        raise fail("target", func, f"a target with a deadline after the base year {base_year}",
                   target.name, "Its deadline has passed in the data; see tp.assess.")


def required_growth(
    ds: Dataset | None,
    target: Target | str,
    flow: FlowName = "exports",
    *,
    other: GrowthSpec | float | None = None,
    export_share: GrowthSpec | SharePath | float | None = None,
    deficit: DeficitPath | None = None,
    start: int | None = None,
    reading: Reading = "by",
    reporter: str = "VN",
    base: Mapping[str, float] | Base | None = None,
    bounds: tuple[float, float] = DEFAULT_BOUNDS,
) -> RequiredGrowth:
    """The constant annual growth of ``flow`` that meets ``target`` by its deadline.

    Parameters
    ----------
    ds : Dataset or None
        Gives the base and binds "more balanced"; None needs ``base``.
    target : Target or str
        A target, or the name of one of the dataset's targets.
    flow : {"exports", "imports", "total"}, default "exports"
        The flow whose constant growth is solved for.
    other : GrowthSpec or float
        For ``flow="exports"`` the imports' specification, for ``"imports"`` the exports'.
        Required for those flows: the answer depends on it.
    export_share, deficit : optional
        For ``flow="total"``: the mix, as for :meth:`Scenario.from_mix` or
        :meth:`Scenario.from_deficit`. Default: the export share stays at its base-year level.
    start : int, optional
        Base year (the last year with both flows at or before it); default the latest.
    reading : {"by", "in"}, default "by"
        "by" (as :func:`tradepath.assess`): met in some year from the base year up to and
        including the deadline. "in": met in the deadline year itself.
    reporter : {"VN", "KR", "unstated"}, default "VN"
    base : mapping, optional
        ``{"exports": ..., "imports": ...}`` in ``start`` instead of the data.
    bounds : (float, float), default (-0.5, 1.0)
        Range of rates searched: -50 % to +100 % a year.

    Returns
    -------
    RequiredGrowth
        ``rate`` is the smallest rate that meets the target; ``feasible`` False with a
        ``message`` saying why when no rate in ``bounds`` does.

    Raises
    ------
    ParameterError
        Bad arguments, ``other`` missing, or a deadline not after the base year.

    Notes
    -----
    The target is met in a year when its flow is at least its value and its balance condition
    holds in the same year. Raising export growth raises the total and improves every built-in
    balance condition, so for exports the rates that meet the target are all rates above one
    threshold. For imports the two pull apart: the total needs import growth of at least some
    rate, the condition allows at most another, and the answer is the range between them
    (``rate`` .. ``max_rate``), empty when the first exceeds the second. Under "by" the
    thresholds of each year up to the deadline are solved and the smallest is reported (with
    the year it applies to). Each threshold is a root found by ``scipy.optimize.brentq`` on a
    continuous margin (level minus value; the condition's slack), then moved by at most 1e-9
    so that the rate really meets the target (strict conditions such as "more balanced").

    Examples
    --------
    >>> import tradepath as tp
    >>> from tradepath.scenarios import growth, required_growth
    >>> ds = tp.load_dataset()
    >>> t = tp.Target(150, by=2030, balance=tp.balance.balanced())
    >>> r = required_growth(ds, t, "exports", other=growth(0.05))
    >>> round(r.rate, 4), r.year
    (0.1964, 2030)
    """
    func = "required_growth"
    target = _target_from(ds, target, func)
    check_choice("flow", func, flow, ("exports", "imports", "total"))
    check_choice("reading", func, reading, ("by", "in"))
    lo, hi = _check_bounds(bounds, func)
    base_obj = _as_base(base, func)
    if start is not None:
        start = check_int("start", func, start, lo=_YEAR_LO, hi=_YEAR_HI)
    b = _resolve_base(ds, start=start, reporter=reporter, base=base_obj, func=func)
    _window_checks(target, b.year, func)
    cond = _bind(target.balance, b.annual)
    kw: dict[str, Any] = {"reporter": reporter, "base": base_obj, "total": None,
                          "exports": None, "imports": None}
    if flow == "total":
        if other is not None:
            raise fail("other", func, "None for flow='total' (use export_share or deficit)",
                       other)
        if export_share is not None and deficit is not None:
            raise fail("deficit", func, "None when export_share is given", deficit)
        kw["total"] = Constant(0.0)
        if deficit is not None:
            kw["deficit"] = deficit
        else:
            kw["export_share"] = export_share if export_share is not None else \
                Constant(b.exports / (b.exports + b.imports))
        template = Scenario(b.year, target.by, **kw)
        given = template.describe().split(", ", 1)[1]
    else:
        if other is None:
            mate = "imports" if flow == "exports" else "exports"
            raise fail("other", func, f"the {mate}' growth specification", other,
                       f"E.g. other=tp.growth(0.05): the answer depends on the {mate}.")
        if export_share is not None or deficit is not None:
            raise fail("export_share", func, "None unless flow='total'", export_share or deficit)
        spec: Any = _as_spec(other, "other", func)
        mate = "imports" if flow == "exports" else "exports"
        kw |= {flow: Constant(0.0), mate: spec}
        template = Scenario(b.year, target.by, **kw)
        given = f"{mate} {spec.describe()}"

    def evaluate(p: float) -> tuple[np.ndarray, np.ndarray]:
        change: dict[str, Any] = {flow: Constant(p)}
        s = dataclasses.replace(template, **change)
        return s._flows(b)[1:]

    years = np.arange(b.year, target.by + 1)
    search_lo = lo
    if flow == "total" and deficit is not None and not deficit.as_share:
        # Total growth so slow that the deficit exceeds the total would make a flow negative:
        # such rates are outside the question.
        k = years[1:] - b.year
        d = np.abs(deficit.values(b.imports - b.exports, b.year, years[1:]))
        floor = float(np.max((d / (b.exports + b.imports)) ** (1.0 / k) - 1.0))
        search_lo = max(lo, floor + 1e-9 * max(1.0, abs(floor)))
        if search_lo >= hi:
            msg = (f"Not feasible: with {given}, total growth would need to exceed "
                   f"{_pct(hi, 0)} a year just to keep the deficit below the total.")
            return RequiredGrowth(target, cond.describe() if cond is not None else "none",
                                  flow, reading, math.nan, None, False, msg, None, b.year,
                                  (lo, hi), None, None)
    sol = _solve(evaluate, years, target, cond, search_lo, hi, reading, lambda r: _pct(r, 2))
    cond_text = cond.describe() if cond is not None else "none"
    what = f"{target.name} ({cond_text})" if cond is not None else target.name
    when = f"by {target.by}" if reading == "by" else f"in {target.by}"
    head = f"{flow.capitalize()} growth from {b.year}"
    if isinstance(sol, str):
        msg = (f"Not feasible: no constant {flow} growth between {_pct(lo, 0)} and "
               f"{_pct(hi, 0)} a year meets {what} {when}, given {given}"
               + (f" ({sol})." if sol else "."))
        if flow == "total" and export_share is None and deficit is None and cond is not None:
            msg += (" The export share stays at its base-year level here; give export_share= "
                    "or deficit= to let the mix change.")
        return RequiredGrowth(target, cond_text, flow, reading, math.nan, None, False, msg,
                              None, b.year, (lo, hi), None, None)
    rate = sol.lower
    change: dict[str, Any] = {flow: Constant(rate), "name": f"required {flow}"}
    scen = dataclasses.replace(template, **change)
    frame = scen.project(ds)
    x, m = frame["exports"].to_numpy(), frame["imports"].to_numpy()
    window = years == target.by if reading == "in" else years <= target.by
    if not _met(target, cond, x, m)[window].any():  # pragma: no cover - a solver failure
        raise ModelError(f"{func}: the solved rate {rate!r} does not meet {target.name}")
    max_rate = None if sol.upper_open else sol.upper
    if sol.lower_open and b.year == sol.year:
        msg = (f"Already met in the base year {b.year}: any {flow} growth in the range meets "
               f"{what} {when}.")
    else:
        row = frame.loc[sol.year]
        msg = (f"{head} of at least {_pct(rate, 2)} a year meets {what} {when}, given "
               f"{given}; at that rate it is first met in {sol.year} (total "
               f"{row['total']:.1f} bn, balance {row['balance']:+.1f} bn, deficit share "
               f"{row['deficit_share']:.1%}).")
        if sol.lower_open:
            msg += f" Any rate down to the bottom of the range ({_pct(lo, 0)}) does."
    if max_rate is not None:
        msg += (f" Growth above {_pct(max_rate, 2)} a year no longer meets it (the balance "
                "condition fails).")
    if sol.gaps:
        msg += " The rates that meet it are not one interval: check the path year by year."
    return RequiredGrowth(target, cond_text, flow, reading, rate, max_rate, True, msg,
                          sol.year, b.year, (lo, hi), scen, frame)


def required_total_growth(ds: Dataset | None, target: Target | str, **kwargs: Any
                          ) -> RequiredGrowth:
    """The constant growth of two-way trade that meets ``target``, for a given mix.

    Shorthand for ``required_growth(ds, target, "total", **kwargs)``: pass ``export_share``
    (as for :meth:`Scenario.from_mix`) or ``deficit`` (as for :meth:`Scenario.from_deficit`);
    by default the export share stays at its base-year level, so a balance condition that
    fails in the base year fails at every rate (the message says so).

    Examples
    --------
    >>> import tradepath as tp
    >>> from tradepath.scenarios import required_total_growth
    >>> r = required_total_growth(tp.load_dataset(), tp.Target(150, by=2030))
    >>> round(r.rate, 4)
    0.107
    """
    return required_growth(ds, target, "total", **kwargs)


@dataclass(frozen=True, slots=True, eq=False)
class RequiredDeficit:
    """The largest deficit at the deadline compatible with a target; from
    :func:`required_deficit`.

    Attributes
    ----------
    target : Target
    condition : str
    value : float
        The deficit in the deadline year (US$ bn, or a share of total with ``as_share``):
        the path glides to it from the base year; NaN when infeasible.
    as_share : bool
    how : {"linear", "geometric"}
    feasible : bool
    message : str
    year : int or None
        The year the target is first met on that path.
    scenario, path
        The scenario on that deficit path and its projection (its ``balance`` column is the
        implied deficit path, negated).
    """

    target: Target
    condition: str
    value: float
    as_share: bool
    how: str
    feasible: bool
    message: str
    year: int | None
    base_year: int
    scenario: Scenario | None
    path: pd.DataFrame | None

    @property
    def deficit(self) -> pd.Series | None:
        """The deficit path implied (imports − exports, US$ bn, by year)."""
        if self.path is None:
            return None
        return (self.path["imports"] - self.path["exports"]).rename("deficit")

    def __str__(self) -> str:
        return self.message


def required_deficit(
    ds: Dataset | None,
    target: Target | str,
    *,
    total: GrowthSpec | float,
    how: How = "linear",
    as_share: bool = False,
    start: int | None = None,
    reading: Reading = "by",
    reporter: str = "VN",
    base: Mapping[str, float] | Base | None = None,
) -> RequiredDeficit:
    """The deficit path implied by a target: how far the deficit must fall, given total growth.

    Parameters
    ----------
    ds, target, start, reading, reporter, base
        As for :func:`required_growth`.
    total : GrowthSpec or float
        Growth of two-way trade.
    how : {"linear", "geometric"}, default "linear"
        Shape of the path from the base-year deficit to the deadline (see
        :func:`deficit_path`).
    as_share : bool, default False
        Solve for the deficit share of total instead of the deficit in US$ bn.

    Returns
    -------
    RequiredDeficit
        ``value``: the largest deficit in the deadline year such that, on a path gliding to
        it, the target is met (by or in the deadline).

    Examples
    --------
    >>> import tradepath as tp
    >>> from tradepath.scenarios import growth, required_deficit
    >>> t = tp.Target(150, by=2030, balance=tp.balance.balanced())
    >>> r = required_deficit(tp.load_dataset(), t, total=growth(0.11))
    >>> round(r.value, 2)
    15.24
    """
    func = "required_deficit"
    target = _target_from(ds, target, func)
    check_choice("how", func, how, ("linear", "geometric"))
    check_choice("as_share", func, as_share, (True, False))
    check_choice("reading", func, reading, ("by", "in"))
    base_obj = _as_base(base, func)
    if start is not None:
        start = check_int("start", func, start, lo=_YEAR_LO, hi=_YEAR_HI)
    b = _resolve_base(ds, start=start, reporter=reporter, base=base_obj, func=func)
    _window_checks(target, b.year, func)
    cond = _bind(target.balance, b.annual)
    tspec = _as_spec(total, "total", func)
    years = np.arange(b.year, target.by + 1)
    t0 = b.exports + b.imports
    tot = t0 * tspec.cumulative(b.year, target.by)  # type: ignore[union-attr]
    d0 = (b.imports - b.exports) / (t0 if as_share else 1.0)
    # Range of end values keeping both flows positive in every year: |D_t| < T_t.
    frac = (years[1:] - b.year) / (target.by - b.year)
    cap = np.ones_like(frac) if as_share else tot[1:]
    shrink = 1.0 - 1e-9
    if how == "linear":
        lo = float(np.max(d0 + (-cap * shrink - d0) / frac))
        hi = float(np.min(d0 + (cap * shrink - d0) / frac))
    else:
        if d0 == 0:
            raise fail("how", func, "'linear' when the base-year deficit is zero", how)
        bound = float(np.min(abs(d0) * (cap * shrink / abs(d0)) ** (1 / frac)))
        lo, hi = (1e-9 * abs(d0), bound) if d0 > 0 else (-bound, -1e-9 * abs(d0))
    template = Scenario(b.year, target.by, total=tspec,
                        deficit=DeficitPath(d0 if d0 else 0.0, target.by, how, as_share),
                        reporter=reporter, base=base_obj)

    def evaluate(p: float) -> tuple[np.ndarray, np.ndarray]:
        s = dataclasses.replace(template, deficit=DeficitPath(p, target.by, how, as_share))
        return s._flows(b)[1:]

    unit = (lambda v: f"{v:.2%}") if as_share else (lambda v: f"{v:.2f} bn")
    sol = _solve(evaluate, years, target, cond, lo, hi, reading, unit, "deficit")
    cond_text = cond.describe() if cond is not None else "none"
    when = f"by {target.by}" if reading == "by" else f"in {target.by}"
    what = f"{target.name} ({cond_text})" if cond is not None else target.name
    given = f"total {tspec.describe()}"  # type: ignore[union-attr]
    if isinstance(sol, str):
        msg = (f"Not feasible: no deficit path ({how}) meets {what} {when} with {given}; the "
               f"total reaches {tot[-1]:.1f} bn in {target.by}" + (f" ({sol})." if sol else "."))
        return RequiredDeficit(target, cond_text, math.nan, as_share, how, False, msg, None,
                               b.year, None, None)
    value = sol.upper
    scen = dataclasses.replace(template, deficit=DeficitPath(value, target.by, how, as_share),
                               name="required deficit")
    frame = scen.project(ds)
    row = frame.loc[sol.upper_year]
    if sol.upper_open:
        msg = (f"With {given}, {what} is met {when} whatever the deficit path; even a deficit "
               f"of {unit(value)} in {target.by} meets it.")
    else:
        verb = "must fall" if value < d0 else "may rise"
        msg = (f"With {given}, the deficit {verb} from {unit(d0)} in {b.year} to at most "
               f"{unit(value)} in {target.by} ({how} path) to meet {what} {when}; the target "
               f"is then met in {sol.upper_year} (total {row['total']:.1f} bn, deficit share "
               f"{row['deficit_share']:.1%}).")
    return RequiredDeficit(target, cond_text, value, as_share, how, True, msg,
                           sol.upper_year, b.year, scen, frame)


# -- feasible region --------------------------------------------------------------------------
@dataclass(frozen=True, slots=True, eq=False)
class FeasibleRegion:
    """Which constant export and import growth rates meet a target; from
    :func:`feasible_region`.

    Attributes
    ----------
    target : Target
    condition : str
    reading : {"by", "in"}
    base_year : int
    base : tuple of float
        Base-year exports and imports.
    export_rates : ndarray, shape (n_x,)
    import_rates : ndarray, shape (n_m,)
    met : ndarray of bool, shape (n_m, n_x)
        ``met[i, j]``: imports growing at ``import_rates[i]`` and exports at
        ``export_rates[j]`` meet the target (rows: import rates, as ``contourf(export_rates,
        import_rates, met)`` expects).
    historical : dict or None
        The latest observed annual growth of each flow (``exports``, ``imports``, ``from``,
        ``to`` years), for plotting; None when the data have no two consecutive years with
        both flows.
    """

    target: Target
    condition: str
    reading: str
    base_year: int
    base: tuple[float, float]
    export_rates: np.ndarray
    import_rates: np.ndarray
    met: np.ndarray
    historical: dict[str, float] | None
    _cond: _balance.BalanceCondition | None = field(default=None, repr=False)

    @property
    def share(self) -> float:
        """Fraction of the grid that meets the target."""
        return float(self.met.mean())

    def plot(self, *, ax: Any = None, **kwargs: Any) -> Any:
        """The region as a figure (see :func:`tradepath.plotting.plot_feasible`)."""
        from .plotting import plot_feasible

        return plot_feasible(self, ax=ax, **kwargs)

    def boundary(self) -> pd.Series:
        """The smallest export rate on the grid meeting the target, by import rate (NaN: none).

        For the built-in balance conditions every faster export rate meets it too.
        """
        any_ = self.met.any(axis=1)
        first = np.where(any_, self.export_rates[self.met.argmax(axis=1)], np.nan)
        return pd.Series(first, index=pd.Index(self.import_rates, name="import_rate"),
                         name="min_export_rate")

    def _deadline_flows(self) -> tuple[np.ndarray, np.ndarray]:
        k = self.target.by - self.base_year
        x = self.base[0] * (1.0 + self.export_rates) ** k
        m = self.base[1] * (1.0 + self.import_rates) ** k
        return x[None, :], m[:, None]

    def total(self) -> np.ndarray:
        """Total trade in the deadline year on the grid, shape (n_m, n_x)."""
        x, m = self._deadline_flows()
        return x + m

    def deficit_share(self) -> np.ndarray:
        """Deficit share of total in the deadline year on the grid, shape (n_m, n_x)."""
        x, m = self._deadline_flows()
        return (m - x) / (x + m)

    def contains(self, export_rate: float, import_rate: float) -> bool:
        """Whether that pair of rates meets the target (computed exactly, not from the grid)."""
        k = np.arange(0, self.target.by - self.base_year + 1)
        x = self.base[0] * (1.0 + check_real("export_rate", "contains", export_rate)) ** k
        m = self.base[1] * (1.0 + check_real("import_rate", "contains", import_rate)) ** k
        ok = _met(self.target, self._cond, x, m)
        return bool(ok[-1] if self.reading == "in" else ok.any())

    def _repr_html_(self) -> str:
        import html

        return f"<pre>{html.escape(self.summary())}</pre>"

    def summary(self) -> str:
        """The region in a few lines."""
        b = self.boundary()
        lines = [
            f"Feasible region for {self.target.name} ({self.condition}), reading "
            f"{self.reading!r}, base {self.base_year}: {self.share:.1%} of "
            f"{self.met.size:,} combinations meet it.",
        ]
        for g in (0.03, 0.05, 0.07):
            if self.import_rates[0] <= g <= self.import_rates[-1]:
                v = float(b.iloc[int(np.argmin(np.abs(self.import_rates - g)))])
                lines.append(f"  imports {_pct(g)}/yr: exports need at least "
                             + (f"{_pct(v, 2)}/yr (grid)" if math.isfinite(v) else
                                "more than the grid's top rate"))
        if self.historical is not None:
            h = self.historical
            ok = self.contains(h["exports"], h["imports"])
            lines.append(f"  latest observed growth {int(h['from'])}→{int(h['to'])}: exports "
                         f"{_pct(h['exports'])}, imports {_pct(h['imports'])}: "
                         + ("meets it" if ok else "does not meet it"))
        return "\n".join(lines)


def _rates_array(values: Any, name: str, func: str) -> np.ndarray:
    try:
        a = np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        raise fail(name, func, "a 1-D array of rates", values) from None
    if a.ndim != 1 or a.size == 0 or not np.all(np.isfinite(a)):
        raise fail(name, func, "a non-empty 1-D array of finite rates", values)
    if np.any(a <= -1.0):
        raise fail(name, func, "rates greater than -1", float(a.min()))
    return a


def _historical(annual: pd.DataFrame) -> dict[str, float] | None:
    both = annual[["exports", "imports"]].dropna()
    years = both.index.to_numpy()
    pairs = [i for i in range(1, len(years)) if years[i] == years[i - 1] + 1]
    if not pairs:
        return None
    i = pairs[-1]
    prev, last = both.iloc[i - 1], both.iloc[i]
    return {"exports": float(last["exports"] / prev["exports"] - 1),
            "imports": float(last["imports"] / prev["imports"] - 1),
            "from": float(years[i - 1]), "to": float(years[i])}


def feasible_region(
    ds: Dataset | None,
    target: Target | str,
    export_rates: ArrayLike | None = None,
    import_rates: ArrayLike | None = None,
    *,
    start: int | None = None,
    reading: Reading = "by",
    reporter: str = "VN",
    base: Mapping[str, float] | Base | None = None,
) -> FeasibleRegion:
    """Which pairs of constant export and import growth rates meet ``target``.

    Parameters
    ----------
    ds : Dataset or None
        Gives the base, the "more balanced" reference and the historical growth rates.
    target : Target or str
    export_rates : array_like, default ``np.linspace(-0.05, 0.25, 1000)``
    import_rates : array_like, default ``np.linspace(-0.05, 0.20, 1000)``
    start, reading, reporter, base
        As for :func:`required_growth`.

    Returns
    -------
    FeasibleRegion
        ``met`` has shape ``(len(import_rates), len(export_rates))``.

    Notes
    -----
    Vectorised with broadcasting: for each year of the window the flows are two vectors,
    and the total and the balance condition are evaluated on their outer combination (a 1,000
    x 1,000 grid over six years takes a few tens of milliseconds; see
    ``benchmarks/scenario_grid.py``).

    Examples
    --------
    >>> import tradepath as tp
    >>> from tradepath.scenarios import feasible_region
    >>> t = tp.Target(150, by=2030, balance=tp.balance.balanced())
    >>> r = feasible_region(tp.load_dataset(), t)
    >>> r.met.shape
    (1000, 1000)
    """
    func = "feasible_region"
    target = _target_from(ds, target, func)
    check_choice("reading", func, reading, ("by", "in"))
    gx = _rates_array(np.linspace(-0.05, 0.25, 1000) if export_rates is None else export_rates,
                      "export_rates", func)
    gm = _rates_array(np.linspace(-0.05, 0.20, 1000) if import_rates is None else import_rates,
                      "import_rates", func)
    check_cells(func, gx.size, gm.size, n_arrays=4)
    base_obj = _as_base(base, func)
    if start is not None:
        start = check_int("start", func, start, lo=_YEAR_LO, hi=_YEAR_HI)
    b = _resolve_base(ds, start=start, reporter=reporter, base=base_obj, func=func)
    _window_checks(target, b.year, func)
    cond = _bind(target.balance, b.annual)
    ks = [target.by - b.year] if reading == "in" else range(0, target.by - b.year + 1)
    met = np.zeros((gm.size, gx.size), dtype=bool)
    for k in ks:  # a loop over years; every cell of a year is one broadcast operation
        x = (b.exports * (1.0 + gx) ** k)[None, :]
        m = (b.imports * (1.0 + gm) ** k)[:, None]
        if _level(target.flow, x.max(), m.max()) < target.value:
            continue  # the level grows with both flows: no cell can meet it this year
        met |= _met(target, cond, x, m)
    return FeasibleRegion(
        target=target, condition=cond.describe() if cond is not None else "none",
        reading=reading, base_year=b.year, base=(b.exports, b.imports), export_rates=gx,
        import_rates=gm, met=met, historical=_historical(b.annual) if base_obj is None
        else None, _cond=cond,
    )
