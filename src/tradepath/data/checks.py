"""The consistency checks behind :meth:`tradepath.Dataset.check`."""

from __future__ import annotations

from itertools import combinations
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["CHECK_COLUMNS", "run_checks"]

CHECK_COLUMNS = (
    "check", "status", "period", "flow", "reporter", "expected", "observed", "gap", "rel_gap",
    "detail", "sources",
)
_POINT_KINDS = ("reported", "approximate", "derived", "ambiguous")


def _row(check: str, period: str, flow: str, reporter: str, expected: float, observed: float,
         rtol: float, detail: str, sources: str, status: str | None = None) -> dict[str, object]:
    gap = observed - expected
    rel = gap / abs(expected) if expected else np.nan
    if status is None:
        status = "pass" if abs(rel) <= rtol else "fail"
    return {
        "check": check, "status": status, "period": period, "flow": flow, "reporter": reporter,
        "expected": expected, "observed": observed, "gap": gap, "rel_gap": rel,
        "detail": detail, "sources": sources,
    }


def _untestable(check: str, period: str, flow: str, reporter: str, detail: str,
                sources: str) -> dict[str, object]:
    return {
        "check": check, "status": "untestable", "period": period, "flow": flow,
        "reporter": reporter, "expected": np.nan, "observed": np.nan, "gap": np.nan,
        "rel_gap": np.nan, "detail": detail, "sources": sources,
    }


def _identities(points: list[Any], rtol: float) -> list[dict[str, object]]:
    groups: dict[tuple[str, str, str], dict[str, Any]] = {}
    for r in points:  # the first figure of each flow: points come in order of preference
        groups.setdefault((r.pair, r.period, r.reporter), {}).setdefault(r.flow, r)
    rows = []
    for (_, period, reporter), best in groups.items():
        def v(flow: str, best: dict[str, Any] = best) -> float:
            return float(best[flow].value_usd_bn)

        def src(*flows: str, best: dict[str, Any] = best) -> str:
            return "; ".join(dict.fromkeys(best[f].source for f in flows))

        if {"total", "exports", "imports"} <= best.keys():
            x, m, t = v("exports"), v("imports"), v("total")
            rows.append(_row(
                "total = exports + imports", period, "total", reporter, x + m, t, rtol,
                f"{x:.4g} + {m:.4g} = {x + m:.4g} against a stated total of {t:.4g}"
                + ("; one of the three figures is wrong" if abs(t - x - m) > rtol * t else ""),
                src("total", "exports", "imports"),
            ))
        if {"balance", "exports", "imports"} <= best.keys():
            x, m, b = v("exports"), v("imports"), v("balance")
            rows.append(_row(
                "balance = exports - imports", period, "balance", reporter, x - m, b, rtol,
                f"{x:.4g} - {m:.4g} = {x - m:.4g} against a stated balance of {b:.4g}",
                src("balance", "exports", "imports"),
            ))
    return rows


def _claims(points: list[Any], claims: pd.DataFrame, rtol: float) -> list[dict[str, object]]:
    first: dict[tuple[str, str, str, str], Any] = {}
    for r in points:
        first.setdefault((r.pair, r.flow, r.reporter, r.period), r)
    rows = []
    for c in claims.itertuples(index=False):
        now = first.get((c.pair, c.flow, c.reporter, c.period))
        ref = first.get((c.pair, c.flow, c.reporter, c.reference_period))
        label = (f"{c.flow} {c.period} = {c.value:g} x {c.reference_period}" if c.claim == "ratio"
                 else f"{c.flow} {c.period} growth {c.value:+.1%} on {c.reference_period}")
        if now is None or ref is None:
            missing = c.period if now is None else c.reference_period
            rows.append(_untestable(f"claim: {label}", c.period, c.flow, c.reporter,
                                    f"no figure for {missing}; {c.note}", c.source))
            continue
        if ref.kind == "derived" and c.source in ref.source:
            rows.append(_untestable(
                f"claim: {label}", c.period, c.flow, c.reporter,
                f"{c.reference_period} is known only through this claim "
                f"({ref.formula}), so the claim cannot be tested against it",
                c.source))
            continue
        a, b = float(now.value_usd_bn), float(ref.value_usd_bn)
        observed = a / b if c.claim == "ratio" else a / b - 1.0
        sources = "; ".join(dict.fromkeys([c.source, now.source, ref.source]))
        if c.claim == "ratio":
            # A ratio stated to one decimal place is exact to within half a unit of it.
            tol = max(rtol * c.value, 0.05)
            status = "pass" if abs(observed - c.value) <= tol else "fail"
            detail = f"{a:.4g} / {b:.4g} = {observed:.3f}"
        else:
            status = "pass" if abs(observed - c.value) <= rtol else "fail"
            detail = f"{a:.4g} / {b:.4g} - 1 = {observed:+.2%}"
        rows.append(_row(f"claim: {label}", c.period, c.flow, c.reporter, c.value, observed,
                         rtol, detail, sources, status=status))
    return rows


def _bases(obs: list[Any], rtol: float) -> list[dict[str, object]]:
    """Figures for the same period and flow that disagree across reporters or kinds."""
    groups: dict[tuple[str, str, str], list[Any]] = {}
    for r in obs:
        if r.kind in _POINT_KINDS:
            groups.setdefault((r.pair, r.period, r.flow), []).append(r)
    rows = []
    for (_, period, flow), g in groups.items():
        for a, b in combinations(g, 2):
            if a.reporter == b.reporter and "ambiguous" not in (a.kind, b.kind):
                continue
            detail = (
                f"{a.value_usd_bn:g} ({a.reporter}, {a.kind}) against "
                f"{b.value_usd_bn:g} ({b.reporter}, {b.kind}): bilateral figures differ "
                "by reporting country (CIF/FOB valuation, timing, re-exports) and the second "
                "figure's period or basis is unclear; both are kept, neither is averaged"
            )
            rows.append(_row(
                "same period and flow on different bases", period, flow,
                f"{a.reporter} vs {b.reporter}", float(a.value_usd_bn),
                float(b.value_usd_bn), rtol, detail, f"{a.source}; {b.source}",
            ))
    return rows


def _bounds(obs: list[Any]) -> list[dict[str, object]]:
    first: dict[tuple[str, str, str], Any] = {}
    for r in obs:
        if r.kind in _POINT_KINDS:
            first.setdefault((r.pair, r.period, r.flow), r)
    rows = []
    for b in obs:
        if b.kind != "lower_bound":
            continue
        label = f"lower bound: {b.flow} {b.period} > {b.value_usd_bn:g}"
        pt = first.get((b.pair, b.period, b.flow))
        if pt is None:
            rows.append(_untestable(label, b.period, b.flow, b.reporter,
                                    f"no point figure for {b.period}; {b.note}", b.source))
            continue
        v = float(pt.value_usd_bn)
        rows.append(_row(label, b.period, b.flow, b.reporter, b.value_usd_bn, v, 0.0,
                         f"{v:g} against a bound of {b.value_usd_bn:g}",
                         f"{b.source}; {pt.source}",
                         status="pass" if v >= b.value_usd_bn else "fail"))
    return rows


def run_checks(obs: pd.DataFrame, claims: pd.DataFrame, rtol: float) -> pd.DataFrame:
    """Every identity and claim test over ``obs``, one row per test."""
    rank = {"reported": 0, "approximate": 1, "derived": 2}
    # Plain records: a few hundred rows at most, looked up by key (no frame per group).
    records = list(obs.itertuples(index=False))
    points = sorted((r for r in records if r.kind in rank), key=lambda r: rank[r.kind])
    rows = (_identities(points, rtol) + _claims(points, claims, rtol) + _bases(records, rtol)
            + _bounds(records))
    return pd.DataFrame(rows, columns=list(CHECK_COLUMNS))
