"""Shared argument checks: one message template for every public entry point.

The template: ``The 'x' parameter of f must be <expected>; got <value!r> instead. <fix>``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

import numpy as np

from .errors import ParameterError

__all__ = [
    "CONSTRAINTS",
    "MAX_ECHO",
    "MAX_SIMULATION_CELLS",
    "YEAR_MAX",
    "YEAR_MIN",
    "Interval",
    "check_cells",
    "check_choice",
    "check_int",
    "check_rate",
    "check_real",
    "check_rng",
    "check_seed",
    "check_year",
    "check_years",
    "echo",
    "fail",
]


@dataclass(frozen=True, slots=True)
class Interval:
    """A closed range a kind of value must lie in, with the reason for it."""

    lo: float
    hi: float
    what: str
    why: str


#: The library's value constraints, declared once and used by every module.
CONSTRAINTS: Mapping[str, Interval] = MappingProxyType({
    # Years: data periods, target deadlines and announcements, base years, horizons.
    # 1900 reaches back past every official bilateral series (IMF DOTS starts in 1948,
    # UN Comtrade in 1962, Vietnam-Korea relations in 1992) while refusing typos such as
    # "0000" or "1800". 2100 is already 75 years of constant-growth projection; a later
    # year is a typo ("2500") or a question no growth model here can answer.
    "year": Interval(1900, 2100, "a year",
                     "one year range for data, targets and horizons"),
    # Annual growth rates are fractions: 0.12 is 12 % a year. |g| <= 1 allows anything from
    # trade vanishing (-100 %) to doubling in a year; 12 meant as 12 % would be +1,200 %.
    "rate": Interval(-1.0, 1.0, "an annual growth rate as a fraction (0.12 for 12 %)",
                     "rates are fractions, not percentages"),
})
YEAR_MIN = int(CONSTRAINTS["year"].lo)
YEAR_MAX = int(CONSTRAINTS["year"].hi)
#: Longest echo of a received value in a message (characters).
MAX_ECHO = 80


def echo(value: Any, limit: int = MAX_ECHO) -> str:
    """``repr(value)`` cut to ``limit`` characters, so a huge value never floods a message."""
    text = repr(value)
    if len(text) <= limit:
        return text
    return f"{text[:limit - 1]}… ({len(text):,} characters)"

#: Largest number of float64 cells (paths x years) one simulation may allocate (1.6 GB).
MAX_SIMULATION_CELLS = 200_000_000


def fail(name: str, func: str, expected: str, value: Any, fix: str = "") -> ParameterError:
    """Build the house error for a bad argument (the caller raises it)."""
    msg = f"The {name!r} parameter of {func} must be {expected}; got {echo(value)} instead."
    return ParameterError(f"{msg} {fix}".strip())


def check_choice(name: str, func: str, value: Any, allowed: Iterable[Any]) -> Any:
    """Return ``value`` if it is one of ``allowed``."""
    allowed = tuple(allowed)
    if value not in allowed:
        raise fail(name, func, f"one of {', '.join(repr(a) for a in allowed)}", value)
    return value


def check_int(
    name: str, func: str, value: Any, *, lo: int | None = None, hi: int | None = None
) -> int:
    """Return ``value`` as int if it is an integer within ``[lo, hi]``."""
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        raise fail(name, func, "an integer", value)
    _check_range(name, func, int(value), lo, hi)
    return int(value)


def check_real(
    name: str,
    func: str,
    value: Any,
    *,
    lo: float | None = None,
    hi: float | None = None,
    lo_open: bool = False,
) -> float:
    """Return ``value`` as float if it is a finite real number within the bounds."""
    if isinstance(value, bool) or not isinstance(value, int | float | np.integer | np.floating):
        raise fail(name, func, "a real number", value)
    x = float(value)
    if not math.isfinite(x):
        raise fail(name, func, "a finite number", value)
    if lo_open and lo is not None and x <= lo:
        raise fail(name, func, f"greater than {lo}", value)
    _check_range(name, func, x, None if lo_open else lo, hi)
    return x


def _check_range(name: str, func: str, x: float, lo: float | None, hi: float | None) -> None:
    if lo is not None and hi is not None and not lo <= x <= hi:
        raise fail(name, func, f"between {lo} and {hi}", x)
    if lo is not None and x < lo:
        raise fail(name, func, f"at least {lo}", x)
    if hi is not None and x > hi:
        raise fail(name, func, f"at most {hi}", x)


def check_year(name: str, func: str, value: Any, *, lo: int | None = None,
               hi: int | None = None) -> int:
    """Return ``value`` as int if it is a whole year in the library's range.

    The range is ``CONSTRAINTS["year"]`` (1900-2100), narrowed by ``lo``/``hi`` if given.
    Integral floats (``2030.0``) are accepted; strings and booleans are not.
    """
    if isinstance(value, float | np.floating) and math.isfinite(value) and value == int(value):
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        fix = ""
        if isinstance(value, str) and value.strip().isdigit():
            fix = f"Write it as a number: {name}={int(value.strip())}."
        raise fail(name, func, "a year (a whole number)", value, fix)
    lo = YEAR_MIN if lo is None else max(lo, YEAR_MIN)
    hi = YEAR_MAX if hi is None else min(hi, YEAR_MAX)
    if not lo <= int(value) <= hi:
        why = (f"between {lo} and {hi}" if (lo, hi) != (YEAR_MIN, YEAR_MAX)
               else f"a year between {YEAR_MIN} and {YEAR_MAX} ({CONSTRAINTS['year'].why})")
        raise fail(name, func, why, int(value))
    return int(value)


def check_years(name: str, func: str, value: Any) -> tuple[int, ...]:
    """A year or an iterable of years as a tuple (None gives an empty tuple).

    A string is refused rather than read character by character (``"2023"`` would
    otherwise be the "years" ``'2'``, ``'0'``, ``'2'``, ``'3'``).
    """
    if value is None:
        return ()
    if isinstance(value, str | bytes):
        raise fail(name, func, "a year or a list of years", value,
                   f"Write {name}=[{value.strip() if isinstance(value, str) else '...'}].")
    if isinstance(value, int | np.integer) and not isinstance(value, bool):
        return (check_year(name, func, value),)
    if not isinstance(value, Iterable):
        raise fail(name, func, "a year or a list of years", value)
    return tuple(check_year(name, func, v) for v in value)


def check_rate(name: str, func: str, value: Any) -> float:
    """Return an annual growth rate as a float fraction within ``CONSTRAINTS["rate"]``.

    Numbers are fractions (0.12 is 12 % a year). A string ending in ``%`` is read as a
    percentage (``"12%"`` is 0.12); any other string is refused. A number outside
    [-1, 1] is refused with the fraction it probably meant (12 -> 0.12).
    """
    bounds = CONSTRAINTS["rate"]
    if isinstance(value, str):
        text = value.strip().replace("\u2212", "-")
        if text.endswith("%"):
            try:
                x = float(text[:-1].strip()) / 100.0
            except ValueError:
                raise fail(name, func, bounds.what, value) from None
        else:
            raise fail(name, func, bounds.what, value,
                       "Give a number such as 0.12, or a percentage string such as '12%'.")
    else:
        x = check_real(name, func, value)
    if not math.isfinite(x):
        raise fail(name, func, bounds.what, value)
    if not bounds.lo <= x <= bounds.hi:
        fix = ""
        if abs(x) <= 100:
            fix = f"Did you mean {x / 100:g} ({x:g} %)? Rates are fractions, not percentages."
        raise fail(name, func, f"between {bounds.lo:g} and {bounds.hi:g} ({bounds.what})",
                   value, fix)
    return x


def check_rng(name: str, func: str, value: Any) -> np.random.Generator:
    """Turn a seed (int, None) or a Generator into a Generator."""
    if isinstance(value, np.random.Generator):
        return value
    if value is None or (isinstance(value, int | np.integer) and not isinstance(value, bool)):
        if value is not None and value < 0:
            raise fail(name, func, "a non-negative integer seed or a numpy Generator", value)
        return np.random.default_rng(value)
    raise fail(name, func, "an integer seed, None or a numpy.random.Generator", value)


def check_seed(name: str, func: str, value: Any) -> int:
    """A seed given as an int, None or a Generator, as the integer it stands for (to record it,
    or to derive a seed per series from it): an int is itself, None draws one from fresh
    entropy, a Generator draws one from its stream."""
    if isinstance(value, np.random.Generator):
        return int(value.integers(2**63))
    check_rng(name, func, value)  # refuses anything else, with the one message
    return int(np.random.SeedSequence().entropy % 2**63) if value is None else int(value)


def check_cells(func: str, n_paths: int, n_years: int, n_arrays: int = 1) -> None:
    """Refuse a simulation that would allocate more than :data:`MAX_SIMULATION_CELLS` cells."""
    cells = n_paths * n_years * n_arrays
    if cells > MAX_SIMULATION_CELLS:
        gib = cells * 8 / 2**30
        raise fail(
            "n_paths",
            func,
            f"small enough for n_paths x years x arrays <= {MAX_SIMULATION_CELLS:,}",
            n_paths,
            f"That run would need about {gib:,.1f} GiB ({n_paths:,} paths x {n_years} years x "
            f"{n_arrays} arrays); use fewer paths or a nearer horizon.",
        )
