"""The report's data page: every figure with its document and line, the documents by title
and date, and the consistency checks (a derived failure listed under the one it repeats)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .tables import _data_table, _fit, _text_block

if TYPE_CHECKING:
    from .content import ReportContent

__all__: list[str] = []


def _draw_data(fig: Any, c: ReportContent) -> None:
    from ..data import cite, document_key

    w, h = fig.get_size_inches()
    x = 0.8
    obs = c.dataset.observations
    rows = [[r.period, r.flow,
             f"{r.value_usd_bn:g}" if r.kind != "derived" else f"{r.value_usd_bn:.2f}",
             r.reporter, r.kind, cite(r.source, short=True), str(r.formula)]
            for r in obs.itertuples()]
    y = h - 1.75
    y = _text_block(fig, x, y, "Observations", fontsize=11, fontweight="bold")
    y = _data_table(fig, x, y, rows, ["period", "flow", "US$ bn", "reporter", "kind",
                                      "source (document, line)", "formula"],
                    [0.15, 0.08, 0.08, 0.09, 0.12, 0.24, 0.24]) - 0.12
    key = document_key([*obs["source"], *c.dataset.claims["source"]])
    if len(key):
        # The documents by title and date; descriptions in [brackets] where none is stated.
        text = "\n".join(_fit(f"{r.ref}  {r.label}", w - 2 * x - 0.3, 7.2)
                          .replace("\n", "\n      ") for r in key.itertuples())
        y = _text_block(fig, x, y, "Documents", fontsize=9, fontweight="bold") + 0.04
        y = _text_block(fig, x, y, text, fontsize=7.2, linespacing=1.3)
        y = _text_block(fig, x, y, "Titles in [brackets] describe a document that states "
                                   "none; “c.” marks a date read from its content "
                                   "(documents.csv says how).", fontsize=6.8,
                        color="#444444") - 0.1
    checks = c.consistency()
    y = _text_block(fig, x, y, "Consistency checks", fontsize=11, fontweight="bold")
    # A failure that only inherits another (figures derived from the failed ones) is listed
    # under it, not as a second contradiction.
    origins = _failure_origins(obs, checks)
    order = [i for i, r in enumerate(checks.itertuples())
             if (r.check, r.period) not in origins]
    for key_, (check, period) in origins.items():
        at = next(k for k, i in enumerate(order) if (checks.iloc[i]["check"],
                                                      checks.iloc[i]["period"]) == (check, period))
        order.insert(at + 1, int(np.flatnonzero((checks["check"] == key_[0])
                                                & (checks["period"] == key_[1]))[0]))
    crow, strong = [], []
    for i in order:
        r = checks.iloc[i]
        origin = origins.get((r["check"], r["period"]))
        status = "↳ same" if origin else str(r["status"])
        text = (f"{r['check']}: derived from the {origin[1]} figures, so the same "
                "contradiction, not a second one" if origin else str(r["check"]))
        crow.append([status, text, str(r["period"]),
                     "" if pd.isna(r["expected"]) else f"{r['expected']:.2f}",
                     "" if pd.isna(r["observed"]) else f"{r['observed']:.2f}"])
        strong.append(status == "fail")
    if not crow:  # e.g. yearly totals only: no identity or claim to test
        crow = [["—", "nothing to check: the data hold no identity or claim to test", "",
                 "", ""]]
        strong = [False]
    y = _data_table(fig, x, y, crow, ["status", "check", "period", "expected", "observed"],
                    [0.1, 0.53, 0.17, 0.1, 0.1], bold=lambda i: strong[i]) - 0.12
    _text_block(fig, x, y, "Notes on every figure, the growth claims and the full checks: "
                           "observations.csv and checks.csv beside this report.", fontsize=8,
                color="#444444")


def _failure_origins(obs: pd.DataFrame,
                     checks: pd.DataFrame) -> dict[tuple[Any, Any], tuple[Any, Any]]:
    """Failed checks that repeat another: a period whose figures are all derived from the
    figures of another period (same document line) fails the same check when that one does.
    Maps (check, period) of the repeat to (check, period) of the original."""
    fails = checks[checks["status"] == "fail"]
    out: dict[tuple[Any, Any], tuple[Any, Any]] = {}

    def lines(frame: pd.DataFrame) -> set[str]:
        return {p.strip() for v in frame["source"] for p in str(v).split(";") if p.strip()}

    for r in fails.itertuples():
        rows = obs[obs["period"] == r.period]
        if rows.empty or not (rows["kind"] == "derived").all():
            continue
        sources = lines(rows)
        for q in fails.itertuples():
            if q.period == r.period or q.check != r.check:
                continue
            base = obs[(obs["period"] == q.period) & (obs["kind"] != "derived")]
            if len(base) and lines(base) == sources:
                out[(r.check, r.period)] = (q.check, q.period)
    return out


def _inherited_failures(obs: pd.DataFrame, checks: pd.DataFrame) -> dict[tuple[Any, Any], str]:
    """Failed checks that repeat another (see :func:`_failure_origins`), each with a note
    naming the original, so one contradiction is not read as two."""
    return {k: (f" — derived from the {period} figures, so the same contradiction, not a "
                "second one") for k, (_, period) in _failure_origins(obs, checks).items()}
