"""The official Vietnam–Korea series on both bases, and how the documents' figures compare.

``data/official.csv`` holds every published annual (and partial-year) figure found for
1992–2025 on Vietnam's statistics (``VN``: customs, GSO, Ministry of Industry and Trade) and on
Korea's (``KR``: KITA, MOTIE, Korea Customs, FKI, the ASEAN-Korea Centre), plus a few figures
whose basis no source states (``unstated``). Each row gives the URL it was taken from in
``source`` and, where the page or the URL dates it, the month it was published in ``release``.

Curation (the rules the file was built by):

* ``kind``: ``reported`` for a figure as published; ``approximate`` for one the source rounds
  ("about 78 billion"); ``derived`` for one worked out from other published figures, with the
  arithmetic in ``formula`` (checked on loading); ``lower_bound`` for "exceeded", "topped",
  "less than" (a deficit below 7 bn is a balance above -7); ``ambiguous`` where the source
  leaves the year to be inferred; ``forecast`` and ``estimate`` for projections made before the
  outturn. Only reported, approximate and derived figures are used by default, so forecasts,
  estimates, bounds and figures of uncertain year never enter a fitted series.
* Figures that Vietnamese outlets relabel from Korean sources are filed under ``KR``.
* Several figures for one year, flow and basis are all kept. The preferred one, used by
  :meth:`tradepath.Dataset.annual`, is chosen by kind (reported, approximate, derived, ...),
  then the latest release (revisions supersede first releases), then the order of the file.
  :meth:`tradepath.Dataset.check` lists every other figure against it with the gap.
"""

from __future__ import annotations

import ast
import operator
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .._validation import check_real
from ..errors import DataError
from .checks import CHECK_COLUMNS
from .dataset import Dataset, load_dataset
from .files import _check_duplicates, _read_csv, _validate
from .schema import CLAIM_COLUMNS, DEFAULT_KINDS, parse_period, preferred

if TYPE_CHECKING:
    from ..targets.target import Target

__all__ = [
    "CROSS_CHECK_COLUMNS",
    "cross_check",
    "disagreements",
    "evaluate_formula",
    "merge_datasets",
    "read_official",
]

CROSS_CHECK_COLUMNS = (
    "period", "flow", "document", "document_kind", "document_reporter", "basis", "official",
    "official_kind", "gap", "rel_gap", "verdict", "detail", "document_source",
    "official_source",
)
_OPS = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul,
        ast.Div: operator.truediv}


def evaluate_formula(text: str) -> float:
    """The value of an arithmetic formula such as ``"(66.56 - 31.9) / 2"``.

    Only numbers, ``+ - * /``, unary minus and brackets are allowed.

    Raises
    ------
    DataError
        If the text is anything else.
    """
    def ev(node: ast.AST) -> float:
        if isinstance(node, ast.Constant) and isinstance(node.value, int | float):
            return float(node.value)
        if isinstance(node, ast.BinOp) and type(node.op) in _OPS:
            return _OPS[type(node.op)](ev(node.left), ev(node.right))
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            return -ev(node.operand)
        raise ValueError
    try:
        return ev(ast.parse(str(text), mode="eval").body)
    except (SyntaxError, ValueError, ZeroDivisionError):
        raise DataError(f"formula {text!r} is not arithmetic on numbers", field="formula") from None


def _half_unit(value: float) -> float:
    """Half a unit of the last decimal a figure is stated to (78 -> 0.5, 78.1 -> 0.05)."""
    text = f"{value:.10g}"
    decimals = len(text.split(".")[1]) if "." in text else 0
    return 0.5 * 10.0 ** -decimals


def read_official(path: str | Path, *, targets: Iterable[Target] = ()) -> Dataset:
    """The official series from a CSV file in the layout of ``data/official.csv``.

    Every row must have a URL in ``source``, and every derived row a ``formula`` that gives
    its value to the precision it is stated to.

    Raises
    ------
    DataError
        Naming the file, line and field, for any bad row.
    """
    frame, lines = _read_csv(path, "official series", "read_official")
    stated = _validate(frame.assign(dataset="official"), str(path), row_base=2,
                       row_label="line", row_numbers=lines, by_publication=True)
    for i, row in enumerate(stated.itertuples(index=False)):
        if not row.source.startswith(("http://", "https://")):
            raise DataError(f"source {row.source!r} is not a URL", field="source",
                            origin=str(path), row=lines[i], row_label="line")
        if row.kind == "derived":
            if not row.formula:
                raise DataError("a derived figure needs its formula", field="formula",
                                origin=str(path), row=lines[i], row_label="line")
            value = evaluate_formula(row.formula)
            if abs(value - row.value_usd_bn) > _half_unit(row.value_usd_bn) + 1e-9:
                raise DataError(
                    f"formula {row.formula!r} gives {value:.6g}, not {row.value_usd_bn:g}",
                    field="formula", origin=str(path), row=lines[i], row_label="line")
    claims = pd.DataFrame(columns=list(CLAIM_COLUMNS)).astype(
        {c: "str" for c in CLAIM_COLUMNS} | {"value": "float64"})
    return Dataset(stated, claims, tuple(targets))


def merge_datasets(a: Dataset, b: Dataset) -> Dataset:
    """``a`` and ``b`` in one dataset; see :meth:`tradepath.Dataset.merge`."""
    if not isinstance(b, Dataset):
        from .._validation import fail

        raise fail("other", "Dataset.merge", "a Dataset", type(b).__name__)
    both = pd.concat([a._stated, b._stated], ignore_index=True)
    _check_duplicates(both, "merged observations", row_base=1, by_publication=True)
    claims = pd.concat([a._claims, b._claims], ignore_index=True).drop_duplicates(
        ignore_index=True)
    names = {t.name for t in a.targets}
    targets = a.targets + tuple(t for t in b.targets if t.name not in names)
    return Dataset(both.drop_duplicates(ignore_index=True), claims, targets)


def disagreements(obs: pd.DataFrame, rtol: float = 0.01) -> pd.DataFrame:
    """Each figure that differs from the preferred one for its period, flow and basis.

    Parameters
    ----------
    obs : DataFrame
        Observations (:attr:`tradepath.Dataset.observations`).
    rtol : float, default 0.01
        A gap within ``rtol`` of the preferred value, or within the rounding of the two
        figures, is ``pass``.

    Returns
    -------
    DataFrame
        Rows in the layout of :meth:`tradepath.Dataset.check`; ``expected`` is the preferred
        figure and ``observed`` the alternative. Lower bounds are left to the bound checks.
    """
    rtol = check_real("rtol", "disagreements", rtol, lo=0.0, hi=1.0)
    groups: dict[tuple[str, str, str, str], list[dict[str, Any]]] = {}
    for r in preferred(obs[obs["kind"] != "lower_bound"], None).to_dict("records"):
        groups.setdefault((r["pair"], r["period"], r["flow"], r["reporter"]), []).append(r)
    rows = []
    for (_, period, flow, reporter), g in groups.items():
        best = [r for r in g if r["kind"] in DEFAULT_KINDS]
        if not best or len({r["value_usd_bn"] for r in g}) < 2:
            continue
        p = best[0]
        for a in g:
            if a["value_usd_bn"] == p["value_usd_bn"]:
                continue
            e, o = float(p["value_usd_bn"]), float(a["value_usd_bn"])
            gap = o - e
            ok = abs(gap) <= max(rtol * abs(e), _half_unit(e) + _half_unit(o))
            rows.append({
                "check": "alternative figures for one period and basis",
                "status": "pass" if ok else "fail", "period": period, "flow": flow,
                "reporter": reporter, "expected": e, "observed": o, "gap": gap,
                "rel_gap": gap / abs(e) if e else np.nan,
                "detail": (f"{o:g} ({_label(a)}) against the preferred {e:g} ({_label(p)}); "
                           "both kept, the preferred one is used"),
                "sources": f"{p['source']}; {a['source']}",
            })
    return pd.DataFrame(rows, columns=list(CHECK_COLUMNS))


def _label(row: Any) -> str:
    parts = [row["kind"], row["dataset"]]
    if row["release"]:
        parts.append(f"released {row['release']}")
    return ", ".join(p for p in parts if p)


def _months(period: str) -> int:
    _, m1, m2 = parse_period(period)
    return m2 - m1 + 1


def cross_check(
    documents: Dataset | None = None,
    official: Dataset | None = None,
    *,
    rtol: float = 0.01,
    alpha: float = 0.05,
) -> pd.DataFrame:
    """Every figure in the documents against the official series, with a verdict and the gap.

    Parameters
    ----------
    documents, official : Dataset, optional
        Default: ``load_dataset()`` and ``load_dataset("official")``.
    rtol : float, default 0.01
        Gaps within ``rtol`` (or within the rounding of the two figures) agree.
    alpha : float, default 0.05
        For the interval of the ratio between the bases (:func:`tradepath.mirror_ratios`)
        used to compare a figure with the other basis.

    Returns
    -------
    DataFrame
        One row per document figure and official basis it can be compared with
        (:data:`CROSS_CHECK_COLUMNS`); ``gap`` is document minus official. Verdicts:

        * same basis: ``agrees`` or ``differs``;
        * an approximate figure or a bound ("reached 20 bn"): ``agrees``, ``consistent (at
          least)`` when the official figure is higher, or ``contradicted``;
        * a figure of unstated basis: ``matches this basis`` when some published figure on it
          equals it to its rounding, else ``does not match this basis``;
        * another basis: the official figure converted with the ratio between the bases;
          ``consistent via the mirror ratio`` inside its interval, else ``outside the mirror
          ratio's range``;
        * a partial period: the official figure for another run of months of the same year,
          scaled by the number of months; ``agrees pro rata`` within the spread that the
          official partial-year figures themselves show around their full years, else
          ``differs pro rata``;
        * ``no official figure`` when there is nothing to compare with.
    """
    from .mirror import mirror_ratios

    rtol = check_real("rtol", "cross_check", rtol, lo=0.0, hi=1.0)
    documents = load_dataset() if documents is None else documents
    official = load_dataset("official") if official is None else official
    ratios = mirror_ratios(official, alpha=alpha)
    spread = _seasonal_spread(official)
    off = preferred(official.observations, None)
    doc = documents.observations
    doc = pd.concat([doc, _implied_totals(doc)], ignore_index=True)
    rows: list[dict[str, object]] = []
    for _, d in doc.iterrows():
        if d["period"].isdigit():
            rows += _compare_year(d, off, ratios, rtol, alpha)
        else:
            rows += _compare_partial(d, off, spread)
    return pd.DataFrame(rows, columns=list(CROSS_CHECK_COLUMNS))


def _implied_totals(doc: pd.DataFrame) -> pd.DataFrame:
    """exports + imports for partial periods that also state a total (a second reading)."""
    rows = []
    for period, g in doc[~doc["period"].str.isdigit()].groupby("period"):
        v = g.drop_duplicates("flow").set_index("flow")
        if {"total", "exports", "imports"} <= set(v.index):
            x, m = v.loc["exports"], v.loc["imports"]
            rows.append(x.to_dict() | {
                "flow": "total", "period": period, "kind": "derived",
                "value_usd_bn": x["value_usd_bn"] + m["value_usd_bn"],
                "formula": f"{x['value_usd_bn']:g} + {m['value_usd_bn']:g}",
                "note": "exports + imports, against the stated total",
                "source": f"{x['source']} (exports + imports)"})
    return pd.DataFrame(rows, columns=doc.columns)


def _row(d: pd.Series, basis: str, o: pd.Series | None, official: float, verdict: str,
         detail: str) -> dict[str, object]:
    gap = float(d["value_usd_bn"]) - official if np.isfinite(official) else np.nan
    return {
        "period": d["period"], "flow": d["flow"], "document": float(d["value_usd_bn"]),
        "document_kind": d["kind"], "document_reporter": d["reporter"], "basis": basis,
        "official": official, "official_kind": "" if o is None else o["kind"], "gap": gap,
        "rel_gap": gap / abs(official) if np.isfinite(official) and official else np.nan,
        "verdict": verdict, "detail": detail, "document_source": d["source"],
        "official_source": "" if o is None else o["source"],
    }


def _compare_year(d: pd.Series, off: pd.DataFrame, ratios: pd.DataFrame,
                  rtol: float, alpha: float) -> list[dict[str, object]]:
    v = float(d["value_usd_bn"])
    same = off[(off["period"] == d["period"]) & (off["flow"] == d["flow"])]
    rows = []
    for basis in ("VN", "KR", "unstated"):
        cand = same[same["reporter"] == basis]
        pts = cand[cand["kind"].isin(DEFAULT_KINDS)]
        if pts.empty:
            continue
        o = pts.iloc[0]
        ov = float(o["value_usd_bn"])
        tol = max(rtol * abs(ov), _half_unit(v) + _half_unit(ov))
        alts = ", ".join(f"{x:g}" for x in dict.fromkeys(pts["value_usd_bn"]))
        detail = f"preferred {basis} figure {ov:g} ({_label(o)}); published: {alts}"
        if d["reporter"] in ("unstated",) or d["kind"] == "ambiguous":
            hit = pts[(pts["value_usd_bn"] - v).abs() <= _half_unit(v) + 1e-9]
            if len(hit):
                verdict = "matches this basis"
                detail += f"; equals {hit.iloc[0]['value_usd_bn']:g} ({_label(hit.iloc[0])})"
            else:
                verdict = "does not match this basis"
        elif d["kind"] in ("approximate", "lower_bound"):
            verdict = ("agrees" if abs(v - ov) <= tol
                       else "consistent (at least)" if ov > v else "contradicted")
        elif basis == d["reporter"] or basis == "unstated":
            verdict = "agrees" if abs(v - ov) <= tol else "differs"
        else:
            r = ratios.loc[d["flow"]] if d["flow"] in ratios.index else None
            if r is None or not np.isfinite(r["ratio"]):
                verdict = "other basis, no ratio to convert with"
            else:
                # The document's basis is VN here: KR / ratio stands for VN.
                conv = ov / r["ratio"] if basis == "KR" else ov * r["ratio"]
                lo, hi = sorted([ov / r["upper"], ov / r["lower"]] if basis == "KR"
                                else [ov * r["lower"], ov * r["upper"]])
                detail += f"; converted with the ratio {r['ratio']:.3f}: {conv:.4g}"
                if np.isfinite(lo):
                    detail += f" ({1 - alpha:.0%} range {lo:.4g}–{hi:.4g})"
                    verdict = ("consistent via the mirror ratio" if lo <= v <= hi
                               else "outside the mirror ratio's range")
                else:
                    verdict = "other basis (ratio from one year, no range)"
        rows.append(_row(d, basis, o, ov, verdict, detail))
    if not rows:
        rows.append(_row(d, "", None, np.nan, "no official figure",
                         f"the official series has no {d['flow']} figure for {d['period']}"))
    return rows


def _seasonal_spread(off: Dataset) -> float:
    """The largest relative gap between a partial-year figure scaled to twelve months and its
    full year, over the official series (how far 'pro rata' can be off)."""
    obs = preferred(off.observations, None)
    obs = obs[obs["kind"].isin(DEFAULT_KINDS)]
    full = obs[obs["period"].str.isdigit()].drop_duplicates(["period", "flow", "reporter"])
    full = full.set_index(["period", "flow", "reporter"])["value_usd_bn"]
    gaps = []
    for _, p in obs[~obs["period"].str.isdigit()].iterrows():
        key = (p["period"][:4], p["flow"], p["reporter"])
        if key in full.index and p["flow"] != "balance":
            gaps.append(p["value_usd_bn"] * 12 / _months(p["period"]) / full[key] - 1)
    return float(np.max(np.abs(gaps))) if gaps else np.nan


def _compare_partial(d: pd.Series, off: pd.DataFrame,
                     spread: float) -> list[dict[str, object]]:
    year, m1, m2 = parse_period(d["period"])
    v = float(d["value_usd_bn"])
    cand = off[off["period"].str.startswith(f"{year}-") & (off["flow"] == d["flow"])
               & (off["reporter"] == d["reporter"]) & (off["kind"] != "lower_bound")
               & (off["kind"] != "forecast") & (off["kind"] != "estimate")]
    cand = cand.drop_duplicates("period")
    rows = []
    for _, o in cand.iterrows():
        ov = float(o["value_usd_bn"])
        scaled = ov * (m2 - m1 + 1) / _months(o["period"])
        rel = v / scaled - 1
        _, o1, o2 = parse_period(o["period"])
        bound = ""
        if o1 == m1 and o2 < m2 and v < ov:
            bound = f"; below the {o['period']} figure {ov:g}, impossible for a longer period"
        elif o1 == m1 and o2 > m2 and v > ov:
            bound = f"; above the {o['period']} figure {ov:g}, impossible for a shorter period"
        verdict = ("agrees pro rata" if abs(rel) <= spread / 2 and not bound
                   else "differs pro rata")
        detail = (f"{ov:g} for {o['period']} ({_label(o)}) scaled to {m2 - m1 + 1} months: "
                  f"{scaled:.4g}, gap {rel:+.1%} (official partial years stray up to "
                  f"{spread:.0%} from their full year; within half of that agrees){bound}")
        row = _row(d, d["reporter"], o, scaled, verdict, detail)
        rows.append(row)
    if not rows:
        rows.append(_row(d, d["reporter"], None, np.nan, "no official figure",
                         f"no official {d['flow']} figure for part of {year}"))
    return rows
