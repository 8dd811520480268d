"""Shared argument checks: one message template for every public entry point.

The template: ``The 'x' parameter of f must be <expected>; got <value!r> instead. <fix>``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

import numpy as np

from .errors import ParameterError

__all__ = [
    "MAX_SIMULATION_CELLS",
    "check_cells",
    "check_choice",
    "check_int",
    "check_real",
    "check_rng",
    "fail",
]

#: Largest number of float64 cells (paths x years) one simulation may allocate (1.6 GB).
MAX_SIMULATION_CELLS = 200_000_000


def fail(name: str, func: str, expected: str, value: Any, fix: str = "") -> ParameterError:
    """Build the house error for a bad argument (the caller raises it)."""
    msg = f"The {name!r} parameter of {func} must be {expected}; got {value!r} instead."
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


def check_rng(name: str, func: str, value: Any) -> np.random.Generator:
    """Turn a seed (int, None) or a Generator into a Generator."""
    if isinstance(value, np.random.Generator):
        return value
    if value is None or (isinstance(value, int | np.integer) and not isinstance(value, bool)):
        if value is not None and value < 0:
            raise fail(name, func, "a non-negative integer seed or a numpy Generator", value)
        return np.random.default_rng(value)
    raise fail(name, func, "an integer seed, None or a numpy.random.Generator", value)


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
