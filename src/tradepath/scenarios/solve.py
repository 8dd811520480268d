"""The root finding behind the inverse questions: the growth rate at which a target is first
met, year by year."""

from __future__ import annotations

import dataclasses
import functools
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from .._validation import check_real, fail
from ..data import Dataset
from ..targets import balance as _balance
from ..targets.target import Target
from .simulation import _check_target, _level
from .specs import Reading, _check_rate

__all__: list[str] = []


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
    """``cond``'s margin (>= 0 where it holds); no condition is never binding."""
    x, m = np.asarray(x, float), np.asarray(m, float)
    if cond is None:
        return np.full(np.broadcast_shapes(x.shape, m.shape), np.inf)
    return np.asarray(cond.margin(x, m), float)


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
