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


def _draw_fused_data(fig: Any, c: ReportContent) -> None:
    """The data page of a fused history: each basis's figures with the fused estimate and
    the basis gap (charts), each target answered from each source alone, what was fused."""
    from .. import plotting as P
    from ..fusion import BASIS_NAMES, FusedDataset

    fused = c.dataset
    assert isinstance(fused, FusedDataset)
    w, h = fig.get_size_inches()
    x = 0.8
    start = int(fused.used["year"].min()) if len(fused.used) else None
    start = max(start, 2000) if start is not None else None  # before 2000: one or two figures
    top, height = 2.05, 2.6
    ax = fig.add_axes((x / w, 1 - (top + height) / h, 4.1 / w, height / h))
    P.plot_fused(fused, flow="total", start=start, ax=ax)
    ax.set_title("Total trade: figures and the fused estimate", fontsize=9, loc="left")
    gx = fig.add_axes(((x + 4.9) / w, 1 - (top + height) / h, 1.75 / w, height / h))
    P.plot_basis_gap(fused, flow="total", start=start, ax=gx)
    gx.set_title("The gap between the bases", fontsize=9, loc="left")
    gx.legend().set_visible(False)
    y = top + height + 0.75
    from .content import fused_alternatives

    alt = fused_alternatives(c)
    y = h - y
    y = _text_block(fig, x, y, "The same targets from each source alone", fontsize=11,
                    fontweight="bold")
    if alt is not None and len(alt):
        rows = [[r.target.split(" (after the ")[0], f"{r.data} ({r.basis} basis)",
                 "" if r.last_year is None or pd.isna(r.last_year)
                 else f"{r.last_value:.1f} ({int(r.last_year)})", str(r.years), r.answer,
                 "" if pd.isna(r.p_inside) or r.status != "simulated" else f"{r.p_inside:.0%}"]
                for r in alt.itertuples()]
        y = _data_table(fig, x, y, rows, ["target", "data", "last (bn)", "years", "answer",
                                          "model alone"],
                        [0.2, 0.33, 0.13, 0.07, 0.13, 0.14],
                        bold=lambda i: alt.iloc[i]["data"] == "fused history") - 0.1
        y = _text_block(fig, x, y, "The fused history (bold) is the report's answer; the "
                                   "others use fewer figures, on one basis.", fontsize=7.5,
                        color="#444444") - 0.05
    used, left = fused.used, fused.left_out
    per_basis = ", ".join(f"{int((used['reporter'] == b).sum())} on {BASIS_NAMES[b]} basis"
                          for b in ("VN", "KR"))
    reasons = "; ".join(f"{n} {r.split(':')[0].split(' (')[0]}"
                        for r, n in left["reason"].str.replace(
                            r", \d.*| \d.*", "", regex=True).value_counts().items())
    text = (f"{len(used)} annual figures fused ({per_basis}); {len(left)} left out: "
            f"{reasons}. Every figure with its reason: fused_used.csv and fused_left_out.csv.")
    y = _text_block(fig, x, y, "What was fused", fontsize=11, fontweight="bold")
    y = _text_block(fig, x, y, _fit(text, w - 2 * x, 8), fontsize=8)
    for note in fused.notes:
        y = _text_block(fig, x, y, _fit("• " + note, w - 2 * x, 8), fontsize=8)
    fails = c.consistency()
    fails = fails[fails["status"] == "fail"]
    y = _text_block(fig, x, y - 0.05, "Consistency checks that fail", fontsize=11,
                    fontweight="bold")
    rows = [[str(r.check), str(r.period), str(r.reporter),
             "" if pd.isna(r.expected) else f"{r.expected:.2f}",
             "" if pd.isna(r.observed) else f"{r.observed:.2f}"] for r in fails.itertuples()]
    room = int((y - 1.1) / 0.22) - 1  # the header row, and clear of the page number
    shown = rows[:max(room, 0)]
    if shown:
        y = _data_table(fig, x, y, shown, ["check", "period", "basis", "expected", "observed"],
                        [0.5, 0.18, 0.1, 0.11, 0.11]) - 0.08
    _text_block(fig, x, y, (f"{len(rows) - len(shown)} more failures and " if len(rows) >
                            len(shown) else "") + "every check in checks.csv beside this "
                "report.", fontsize=8, color="#444444")
