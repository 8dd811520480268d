"""The report's page answering the targets from the official series beside the documents
(for the documents' figures; a fused history has every source in one)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .._format import format_probability
from .tables import _data_table, _text_block, _wrap

if TYPE_CHECKING:
    from .content import ReportContent

__all__ = ["official_reasons"]


def _official_intro(c: ReportContent) -> str:
    """The official page's introduction, with the years the official series has."""
    from .._format import format_year_list
    from ..data import load_dataset

    kr = load_dataset("official").annual("KR")["total"].dropna()
    years = [int(y) for y in kr.index]
    return ("The same target levels and deadlines, model, paths and seed, answered from the "
            f"official series on Korea's basis (figures for {format_year_list(years)}, each "
            "with the page it comes from) beside the documents' figures on Vietnam's basis. "
            "A “more balanced” condition is bound to each series' own latest deficit share, so "
            "its threshold differs between the two.")


def official_reasons(c: ReportContent) -> list[str]:
    """Why the official series can answer differently from the documents, from the data."""
    from ..data import load_dataset, mirror_ratios

    docs = c.dataset.annual()["total"].dropna()
    off = load_dataset("official")
    kr = off.annual("KR")["total"].dropna()
    out = []
    ratio = mirror_ratios(off)
    if "total" in ratio.index:
        r = ratio.loc["total"]
        out.append(f"Basis: Korea's statistics value two-way trade {float(r['ratio']) - 1:+.1%} "
                   f"above Vietnam's on average over the {int(r['n_years'])} years with both "
                   "(imports valued CIF by the importer, exports FOB; timing and re-exports).")
    missing = [y for y in kr.index
               if docs.index.min() < y <= docs.index.max() and y not in docs.index]
    if missing:
        peak = int(kr.loc[missing].idxmax())
        out.append(f"Years the documents do not give: {', '.join(map(str, missing[-6:]))}"
                   + (" and earlier" if len(missing) > 6 else "")
                   + f"; among them {peak} at {kr.loc[peak]:.1f} bn on Korea's basis.")
    if kr.index.max() > docs.index.max():
        y = int(kr.index.max())
        out.append(f"The latest outturn: {y} at {kr.loc[y]:.1f} bn on Korea's basis "
                   f"({kr.loc[y] / kr.loc[y - 1] - 1:+.1%} on {y - 1}), after the documents' "
                   f"last year, {int(docs.index.max())}.")
    out.append(f"Length: {len(kr)} years of the official series against {len(docs)} in the "
               "documents, so the model's growth and its uncertainty rest on more data.")
    return out


def _draw_official(fig: Any, c: ReportContent) -> None:
    f = c.official
    assert f is not None
    _w, h = fig.get_size_inches()
    x, y = 0.8, h - 2.0
    if f.empty:
        _text_block(fig, x, y, _wrap("The official series cannot answer any of these targets "
                                     "with this model (too few figures of the target's flow)."))
        return
    short = {"the documents": "documents (Vietnam's basis)",
             "official series": "official series (Korea's basis)"}
    p = format_probability
    rows = [[r.target.split(" (after the ")[0], short.get(r.data, r.data),
             f"{r.last_value:.1f} ({r.last_year})", str(r.years), p(r.p_combined),
             p(r.p_inside), p(r.p_outside), f"{r.required_growth:+.1%}",
             f"{r.median_path_growth:+.1%}"] for r in f.itertuples()]
    y = _data_table(fig, x, y, rows, [
        "target", "data", "last (bn)", "years", "chance", "model alone", "record",
        "growth needed", "median path"],
        [0.13, 0.23, 0.11, 0.07, 0.08, 0.09, 0.08, 0.11, 0.10], size=7.5) - 0.4
    y = _text_block(fig, x, y, "Why the answers differ", fontsize=11, fontweight="bold")
    for line in official_reasons(c):
        y = _text_block(fig, x, y, _wrap("• " + line, 110))
    _text_block(fig, x, y - 0.1, _wrap(
        "“Chance” is the headline probability: the model's probability read against how "
        "announced targets fared; “model alone” is the model's own; “record” is the share "
        "of comparable historical targets met by their deadline. Growth is a year, from the "
        "last figure to the deadline; the median path's growth is the model's.", 110),
        color="#444444")
