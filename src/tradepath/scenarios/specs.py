"""Growth specifications (constant, ramp, year by year, shocks) and share and deficit paths:
the building blocks of a scenario."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from .._format import format_pct, format_year_list
from .._validation import YEAR_MAX, YEAR_MIN, check_choice, check_int, check_rate, check_real, fail
from ..errors import ParameterError

if TYPE_CHECKING:
    from numpy.typing import ArrayLike

__all__ = [
    "ByYear",
    "Constant",
    "DeficitPath",
    "GrowthSpec",
    "Ramp",
    "SharePath",
    "Shock",
    "Shocked",
    "deficit_path",
    "growth",
    "path",
    "ramp",
    "share_path",
    "shock",
]


Reading = Literal["by", "in"]
How = Literal["linear", "geometric"]
FlowName = Literal["exports", "imports", "total"]

#: Range of constant annual growth rates searched by the solvers (-50 % to +100 % a year).
DEFAULT_BOUNDS = (-0.5, 1.0)
_YEAR_LO, _YEAR_HI = YEAR_MIN, YEAR_MAX  # the library's one year range


def _years_array(years: ArrayLike) -> np.ndarray:
    y = np.asarray(years)
    if y.dtype.kind not in "iu":
        if y.dtype.kind == "f" and np.all(np.isfinite(y)) and np.all(y == np.round(y)):
            return y.astype(np.int64)
        raise fail("years", "GrowthSpec.rates", "whole years", years)
    return y.astype(np.int64)


def _check_rate(name: str, func: str, value: Any) -> float:
    x = check_rate(name, func, value)  # a fraction within CONSTRAINTS["rate"]; 12 -> "0.12?"
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
        return f"{self.rate:.1%}" if what == "share" else f"{format_pct(self.rate)}/yr"


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
        return (f"{format_pct(self.from_rate)}/yr ({self.start_year}) → "
                f"{format_pct(self.to_rate)}/yr ({self.end_year})")


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
                f"The year-by-year path has no rate for {format_year_list(missing)}; it covers "
                f"{format_year_list(keys.tolist())}. Give a rate for every year of the horizon."
            )
        return values[idx]

    def describe(self, what: Literal["growth", "share"] = "growth") -> str:
        fmt = (lambda v: f"{v:.1%}") if what == "share" else (lambda v: format_pct(v))
        shown = ", ".join(f"{y}: {fmt(r)}" for y, r in self.items[:4])
        return "{" + shown + (", …}" if len(self.items) > 4 else "}")


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
        return f"shock {format_pct(self.size, 0)} in {self.year}{after}"


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
                f"up to {format_pct(value - 1, 0)} of the no-shock level, so the flow would be "
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
