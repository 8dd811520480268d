"""The report's pages: text, tables and figures laid out on A4."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from .._format import format_probability, plain_plurals
from .._lazy import pyplot
from ..assessment.core import Assessment
from .content import _A4, ReportContent, _spread
from .data_page import _draw_data, _draw_fused_data, _inherited_failures
from .official_page import _draw_official, _official_intro
from .tables import _WRAP, _data_table, _nobreak, _text_block, _wrap

if TYPE_CHECKING:
    from ..scenarios import FeasibleRegion

__all__ = [
    "ANSWER_COLUMNS",
    "answer_sentences",
    "balance_needs",
    "bottom_line_text",
    "changes",
    "chart_box",
    "report_pages",
]


# -- pages -----------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class _Page:
    key: str
    title: str
    intro: str
    height: float  # inches of the chart (0: a text or table page)
    draw: Callable[[Any], None]
    caption: str = ""
    figure: str | None = None  # file name of the standalone figure


def _verdict(c: ReportContent, a: Assessment) -> str:
    """One verdict for a past target: the bottom line's (met, missed or unknown, with its
    basis there), else the assessment's status."""
    if c.bottom is not None:
        for line in c.bottom.lines:
            if line.target == a.target and line.verdict is not None:
                return line.verdict.verdict
    return a.status


def report_pages(content: ReportContent) -> list[str]:
    """The titles of the PDF pages, in order (what :func:`write_report` will produce)."""
    return [p.title for p in _pages(content)]


def _pages(c: ReportContent) -> list[_Page]:
    from .. import plotting as P

    pages: list[_Page] = []
    cond_note = ("Balanced is never defined in the documents; each target's condition is "
                 "stated with it.")
    pages.append(_Page("summary", "Vietnam–Korea trade targets: if and when",
                       "", 0, lambda fig: _draw_summary(fig, c)))
    pages.append(_Page("detail", "The answer in detail", _settings_line(c), 0,
                       lambda fig: _draw_detail(fig, c)))
    if c.official is not None:
        pages.append(_Page(
            "official", "The documents against the official series", _official_intro(c),
            0, lambda fig: _draw_official(fig, c)))
    if c.alternatives is not None:  # a fused history: its figures, estimate and basis gap
        pages.append(_Page(
            "data", "The data: every figure, on both bases, read as one history",
            "The documents' figures and the official series on Vietnam's and Korea's bases, "
            "fused into one annual history on one basis: a local linear trend with the gap "
            "between the two countries' statistics estimated as a slowly varying quantity "
            "(tp.fuse). Years without a figure are estimated, never filled in as data.",
            0, lambda fig: _draw_fused_data(fig, c)))
    else:
        pages.append(_Page(
            "data", "The data and where each figure comes from",
            "Every figure in the documents, with its reporting country, its kind and its "
            "source (document and line; the documents are listed by title and date under the "
            "table). Derived figures are computed from stated growth rates; lower bounds and "
            "figures of unstated basis are shown but not fitted. The checks test the "
            "identities and claims the figures allow.",
            0, lambda fig: _draw_data(fig, c)))
    main = c.main
    if main is not None:
        others = [a for a in c.assessments if a is not main]
        others += [f for f in c.followups.values() if f is not main and f.status == "simulated"]
        pages.append(_Page(
            "fan", f"Forecast: {main.target.flow} trade, {_label(main.model)}",
            f"Median path and central 50 %, 80 % and 95 % bands of {main.n_paths:,} simulated "
            f"paths from {main.last_year}, against the targets. Log scale: equal distances are "
            "equal growth rates, so the whole fan fits on the page.",
            6.6, lambda fig: _fan(fig, main, others, c), figure="fan",
            caption=_wrap(" ".join(_crossing_sentence(a) for a in [main, *others]
                                   if a.status == "simulated"))))
        sims = c.simulated
        pages.append(_Page(
            "crossing", "When is each target first met?",
            "Share of simulated paths that first meet the target (its level and its balance "
            "condition in the same year) in each year; the line is the cumulative share and "
            "the hatched bar the paths that do not meet it by the end of the simulation.",
            5.0 if len(sims) <= 2 else 8.2, lambda fig: P.crossing_figure(sims, fig=fig),
            figure="crossing",
            caption=_wrap(" ".join(_crossing_sentence(a) for a in sims))))
        frames = list(c.comparisons.values())
        n_rows = sum(len(f) for f in frames)
        by_name = {a.target.name: a.target.by for a in sims}
        deadlines = [by_name.get(name) for name in c.comparisons]
        pages.append(_Page(
            "comparison", "Does the answer depend on the model?",
            "Every model in tradepath fitted to the same data: its own probability of meeting "
            "the target by its deadline (before the record of announced targets is weighed in), "
            "and the median and 80 % interval of the first year it is met. Models that cannot "
            "be fitted on so few observations are listed with the reason.",
            min(7.3, 1.2 + 0.4 * n_rows + 0.9 * len(frames)),
            lambda fig: P.comparison_figure(frames, fig=fig, deadlines=deadlines),
            figure="comparison", caption=_wrap(_comparison_caption(c))))
    if c.balance_source is not None:
        b = c.balance_source
        pages.append(_Page(
            "balance", "Balance outlook: exports, imports and the deficit",
            f"Simulated exports and imports behind the {b.target.name} assessment (total from "
            f"the {b.model} model, export share from its own random walk). " + cond_note,
            5.2, lambda fig: P.balance_figure(b, fig=fig), figure="balance",
            caption=_wrap(_balance_caption(b))))
    if c.region is not None:
        r = c.region
        pages.append(_Page(
            "feasible", "Which growth rates meet the target?",
            f"Pairs of constant annual growth rates of exports and imports from {r.base_year} "
            f"that meet {r.target.value:g}B by {r.target.by} with {r.condition}; no "
            "uncertainty, a map of the arithmetic.",
            5.0, lambda fig: _feasible(fig, r), figure="feasible",
            caption=_wrap(_feasible_caption(r))))
    pages.append(_Page("method", "Method and notes", "", 0, lambda fig: _draw_method(fig, c)))
    return pages


def _label(model: str) -> str:
    from ..verdict import model_label

    return model_label(model)


def _settings_line(c: ReportContent) -> str:
    from .._version import __version__

    n = len(c.dataset.observations)
    data = c.source.removeprefix("Source: ").split("; tradepath")[0]
    from ..verdict import model_label

    return (f"Data: {data} ({n} figures). Model: {model_label(c.model)}, {c.n_paths:,} "
            f"simulated paths per target (random seed {c.seed}: the same seed gives the same "
            f"numbers). tradepath {__version__}.")


def _crossing_sentence(a: Assessment) -> str:

    cy = a.crossing_year
    if cy is None:
        return ""
    return (f"{a.target.name}: P(met by {a.target.by}) = {format_probability(a.probability)}; "
            f"{cy.when()} (80 % window {cy.interval_text(0.8)}).")


def _comparison_caption(c: ReportContent) -> str:
    parts = []
    for name, f in c.comparisons.items():
        s = _spread(f, c.model)
        if s:
            parts.append(f"{name}: {s[0].lower()}{s[1:]}")
    from ..verdict import model_label

    return " ".join(parts) + f" The report's figures use the {model_label(c.model)}."


def _balance_caption(b: Assessment) -> str:
    k = b.target.by - b.last_year - 1
    x, m = b.paths["exports"][:, k], b.paths["imports"][:, k]
    share = (m - x) / (x + m)
    q = np.quantile(share, [0.1, 0.5, 0.9])
    d = np.quantile(m - x, [0.1, 0.5, 0.9])
    text = (f"In {b.target.by}: deficit share median {q[1]:.1%} (80 % interval {q[0]:.1%} to "
            f"{q[2]:.1%}); deficit median {d[1]:.1f} bn (80 % interval {d[0]:.1f} to "
            f"{d[2]:.1f} bn), shown on the left as the balance, exports minus imports "
            f"({-d[1]:.1f} bn), the sign of the CSV tables. Condition: {b.condition}.")
    both = b.history[["exports", "imports"]].dropna()
    both = both[both.index <= b.last_year]
    if len(both):
        y = int(both.index.max())
        d0 = float(both.loc[y, "imports"] - both.loc[y, "exports"])
        s0 = d0 / float(both.loc[y].sum())
        if d[1] > d0 and q[1] < s0:
            text += (f" The deficit grows in US$ ({d0:.1f} bn in {y}, median {d[1]:.1f} bn in "
                     f"{b.target.by}) while its share of trade falls ({s0:.1%} to {q[1]:.1%}).")
        else:
            text += (f" In {y} the deficit was {d0:.1f} bn, {s0:.1%} of trade.")
    return text


def _fan(fig: Any, main: Assessment, others: list[Assessment], c: ReportContent) -> None:
    from ..plotting import plot_fan

    ax = fig.subplots()
    # To the end of the simulation (the horizon of the probabilities and of
    # forecast_bands.csv); the numbers are in the caption, not above the chart; the value axis
    # stops at 2.5 times the largest target, and the legend says when a band runs above it.
    horizon = int(main.bands.index.max())
    levels = [t.value for t in (main.target, *(o.target for o in others))]
    history = main.history[main.target.flow].dropna()
    low = min(float(history.min()), float(main.bands.iloc[:, 0].min()))
    plot_fan(main, ax=ax, targets=others, ds=c.dataset, log=True, end=horizon,
             annotate=False, ylim=(low / 1.5, 2.5 * max(levels)),
             title=f"{main.target.flow.capitalize()} trade and the targets: {_label(main.model)}, "
                   f"{main.n_paths:,} paths")


def _feasible(fig: Any, r: FeasibleRegion) -> None:
    from ..plotting import plot_feasible

    ax = fig.subplots()
    plot_feasible(r, ax=ax)


def bottom_line_text(c: ReportContent, width: int = 104) -> str:
    """The bottom line per target with every number, wrapped (indents kept): the detail page."""
    if c.bottom is None:
        return ""
    out = []
    if c.bottom.model:
        out.append(textwrap.fill(f"Model: {c.bottom.model}.", width=width))
    for line in c.bottom.lines:
        out.append("")
        for raw in line.text(3).splitlines():
            body = raw.lstrip(" ")
            indent = " " * (len(raw) - len(body))
            extra = "  " if body.startswith("- ") else ""
            out.append(textwrap.fill(_nobreak(body), width=width, initial_indent=indent,
                                     subsequent_indent=indent + extra))
    return "\n".join(out)


def balance_needs(r: FeasibleRegion, imports: tuple[float, ...] = (0.03, 0.05, 0.07)) -> str:
    """The export growth that balance and the level need, from the feasible region: "exports
    to grow about 17–22 % a year (with imports growing 3–7 % a year)" ("" if none is in the
    region's range)."""
    b = r.boundary()
    need = []
    for g in imports:
        if r.import_rates[0] <= g <= r.import_rates[-1]:
            v = float(b.iloc[int(np.argmin(np.abs(r.import_rates - g)))])
            if np.isfinite(v):
                need.append((g, v))
    if not need:
        return ""
    lo, hi = min(v for _, v in need), max(v for _, v in need)
    ex = (f"{100 * lo:.0f}" if round(100 * lo) == round(100 * hi)
          else f"{100 * lo:.0f}–{100 * hi:.0f}")
    g0, g1 = need[0][0], need[-1][0]
    return (f"exports to grow about {ex} % a year from {r.base_year} (with imports growing "
            f"{100 * g0:.0f}–{100 * g1:.0f} % a year)")


def _feasible_caption(r: FeasibleRegion) -> str:
    """Under the growth-rates chart: what the level and the condition need, and where the
    latest observed growth lies."""
    text = f"{r.target.name} with {r.condition} needs " + balance_needs(r) + "."
    if r.historical is not None:
        h = r.historical
        ok = r.contains(h["exports"], h["imports"])
        text += (f" The latest observed growth, {int(h['from'])} to {int(h['to'])}, exports "
                 f"{h['exports']:+.1%} and imports {h['imports']:+.1%}, "
                 + ("meets it." if ok else "does not.")).replace("%", " %")
    return text


#: Contradictions named on the detail page (the rest are counted; all are in checks.csv).
_SHOW_FAILS = 2


def _read_with_care(c: ReportContent) -> list[str]:
    """The notes under the detailed answer."""
    checks = c.consistency()
    # Figures on different bases differ by construction: not a contradiction.
    basis = checks["check"].str.contains("different bases", regex=False)
    fails = checks[(checks["status"] == "fail") & ~basis]
    # A fused history's checks are those of the figures it fused (FusedDataset.check).
    figures = getattr(c.dataset, "source_dataset", None) or c.dataset
    inherited = _inherited_failures(figures.observations, checks)
    distinct = fails[[(r.check, r.period) not in inherited for r in fails.itertuples()]]
    repeat = (f" ({len(fails) - len(distinct)} more repeat them in figures derived from the "
              "same document line)" if len(distinct) < len(fails) else "")
    n = len(distinct)
    shown = [f"{r.check} ({r.period}: {r.observed:.1f} against {r.expected:.1f})"
             for r in distinct.itertuples()][:_SHOW_FAILS]
    more = (f"; {n - len(shown)} more in the data page's table and checks.csv"
            if n > len(shown) else "")
    notes = [(f"{n} contradiction{'s' if n != 1 else ''} among {len(checks)} consistency "
              "checks: " + "; ".join(shown) + more + repeat + ".")
             if n else "Every testable identity and claim in the data holds."]
    for r in checks[basis & (checks["status"] == "fail")].itertuples():
        notes.append(f"The {r.period} total is {r.observed:.1f} bn in a document that does not "
                     f"state its basis, against {r.expected:.1f} bn on Vietnam's basis; the "
                     "figure of unstated basis is shown but not fitted.")
    fitted = "the annual values"
    if c.main is not None and c.main.fit is not None:
        from .._format import format_year_list

        fit = c.main.fit
        idx = fit.series.index
        fitted = f"{len(idx)} annual values ({format_year_list(list(idx))})"
        for part in (getattr(fit, "components", None) or {fit.model: fit}).values():
            if part.extras.get("read"):  # the damped trend's window left figures out
                read = [int(y) for y in idx[-(part.extras["n_increments"] + 1):]]
                fitted += (f", the {_label(part.model)} on the last {len(read)} of them "
                           f"({format_year_list(read)})")
    notes.append(f"Few observations: the models are fitted on {fitted}"
                 + "; probabilities carry that uncertainty (parameters are drawn per path), "
                 "not the risk that the model family is wrong: see the model comparison.")
    notes.append("“Balanced” is not defined in the documents; the condition used for each "
                 "target is named with it.")
    notes += [f"Left out: {s}" for s in c.skipped.values()]
    return [_wrap("• " + n, 112) for n in notes]


#: Page 1's type size (points): the size of the rest of the report's body text or larger.
_PAGE1_SIZE = 10.5
#: Characters per line of page 1's text at that size across the text width.
_PAGE1_WRAP = 84


#: Page 1's table (and summary.md's): :meth:`TargetLine.table_row`.
ANSWER_COLUMNS = ("target", "chance", "model alone", "record", "half the paths by",
                  "80 % window", "growth needed / seen")
ANSWER_KEY = ("Chance: the model's probability read against the record of announced targets "
              "(the share of comparable targets met by their deadline); the years and the "
              "growth of the paths are the model's. Growth needed: a year from the last figure "
              "to the deadline; seen: the recent annual growth.")


def answer_sentences(c: ReportContent) -> list[str]:
    """Page 1's answer: one plain sentence (or two) per target, with the export growth that
    balance needs where the growth rates were mapped."""
    if c.bottom is None:
        return []
    out = []
    for line in c.bottom.lines:
        text = line.sentence()
        if c.region is not None and line.target == c.region.target and balance_needs(c.region):
            text += f" Meeting it needs {balance_needs(c.region)}."
        out.append(text)
    return out


def changes(c: ReportContent, top: int = 3) -> list[str]:
    """"What would change the answer": the ``top`` changes that move a headline most, over
    every target: each sensitivity (the headline probability assessed again with the same
    seed) and, on a fused history, the answer from each source alone (its largest move)."""
    assert c.bottom is not None
    items: list[tuple[float, str]] = []
    for line in c.bottom.lines:
        x = line.followup if line.followup is not None else line
        items += [(abs(s.headline_effect), f"{line.name}: {s.describe_headline()}")
                  for s in x.changes(top)]
        items += _evidence(c, line.name, x)
    items.sort(key=lambda t: -t[0])
    return [text for _, text in items[:top]]


def _evidence(c: ReportContent, name: str, line: Any) -> list[tuple[float, str]]:
    """The target of ``line`` from each source of a fused history alone, as one change:
    (its largest move of the headline, the line in words); none where there is nothing to
    compare."""
    alt = c.alternatives
    base = line.headline_probability
    if alt is None or not len(alt) or base is None:
        return []
    rows = alt[(alt["target"] == line.target.name) & (alt["data"] != "fused history")]
    if not len(rows):
        return []
    moves = (rows["probability"] - base).abs()
    if not moves.notna().any():
        return []
    parts = [(format_probability(r.probability) if r.status == "simulated" else str(r.answer))
             + f" from {r.data} ({r.basis} basis)" for r in rows.itertuples()]
    return [(float(moves.max()), f"{name}: from one source alone, the chance by "
                                 f"{line.target.by} would be {', '.join(parts)}, against "
                                 f"{format_probability(base)} from all of them")]


def _draw_summary(fig: Any, c: ReportContent) -> None:
    x, y = 0.8, fig.get_size_inches()[1] - 1.05
    size = _PAGE1_SIZE
    if c.bottom is None:
        _text_block(fig, x, y, _wrap(_settings_line(c), _PAGE1_WRAP), fontsize=size)
        return
    y = _text_block(fig, x, y, "The answer", fontsize=13, fontweight="bold") - 0.04
    for text in answer_sentences(c):
        y = _text_block(fig, x, y, _wrap(text, _PAGE1_WRAP), fontsize=size,
                        gid="bottom-line") - 0.08
    y -= 0.1
    y = _data_table(fig, x, y, [line.table_row() for line in c.bottom.lines],
                    list(ANSWER_COLUMNS), [0.16, 0.18, 0.09, 0.09, 0.13, 0.15, 0.20],
                    size=9.5) - 0.12
    y = _text_block(fig, x, y, _wrap(ANSWER_KEY, 100), fontsize=9, color="#444444") - 0.15
    moves = changes(c)
    if moves:
        y = _text_block(fig, x, y, "What would change the answer", fontsize=13,
                        fontweight="bold") - 0.04
        for text in moves:
            y = _text_block(fig, x, y, _wrap("• " + text, _PAGE1_WRAP),
                            fontsize=size)
        y -= 0.1
    _text_block(fig, x, y, _wrap(_settings_line(c) + " Every number is explained on the next "
                                 "page.", 100), fontsize=9, color="#444444")


def _draw_detail(fig: Any, c: ReportContent) -> None:
    """Page 2: the bottom line with every number, and what to read with care."""
    _w, h = fig.get_size_inches()
    x, y = 0.8, h - 1.45
    y = _text_block(fig, x, y, bottom_line_text(c, width=104), fontsize=9, linespacing=1.3,
                    family="DejaVu Sans", gid="bottom-line-detail") - 0.15
    y = _text_block(fig, x, y, "Read with care", fontsize=11, fontweight="bold")
    for n in _read_with_care(c):
        y = _text_block(fig, x, y, n, fontsize=9)


def _draw_method(fig: Any, c: ReportContent) -> None:
    _w, h = fig.get_size_inches()
    x, y = 0.8, h - 1.2
    parts: list[tuple[str, str]] = []
    parts.append(("What “met” means", (
        "A target is met in a year when the annual value of its flow is at least the target "
        "level and its balance condition holds in the same year; “by” the deadline means in "
        "some year up to and including it. A target whose deadline has passed is answered "
        "from the data, and the report then asks when that level is reached instead.")))
    parts.append(("How the probabilities are computed", (
        f"The {_label(c.model)} is fitted to the annual series on the Vietnamese basis "
        "(reported, approximate and derived figures; lower bounds and figures of unstated "
        "basis are left out). Each of the simulated paths draws the model's parameters and "
        "then its yearly shocks; the probability is the share of paths that meet the target. "
        "For a target with a balance condition the export share of two-way trade is simulated "
        "on the same paths as a random walk of its log-odds. Same seed, same numbers.")))
    sims = c.simulated
    if sims:
        # Every simulated target's notes, each note once (most are the fit's, shared).
        notes = list(dict.fromkeys(n for a in sims for n in a.notes))
        names = " and ".join(a.target.name for a in sims)
        parts.append((f"Notes on the assessments ({names})",
                      "\n".join("• " + plain_plurals(n) for n in notes)))
    if c.main is not None and c.main.fit is not None:
        parts.append(("Fitted model", _fit_words(c.main)))
    if c.skipped:
        parts.append(("Left out", "\n".join(f"• {k}: {v}" for k, v in c.skipped.items())))
    parts.append(("Files", "report.pdf, summary.md, the figures as PNG and SVG, the tables as "
                           "CSV and manifest.json (settings and version) in the same "
                           "directory."))
    for head, body in parts:
        y = _text_block(fig, x, y, head, fontsize=11, fontweight="bold")
        wrapped = "\n".join(_wrap(line, _WRAP) for line in body.split("\n"))
        y = _text_block(fig, x, y, wrapped, fontsize=8.5) - 0.1
        if y < 1.0:
            break


def _fit_words(a: Assessment) -> str:
    """The fitted model in words: its data, its parameters (an ensemble's weights by model
    name) and how its fitted growth relates to the growth of the median path."""
    fit = a.fit
    assert fit is not None
    years = [int(y) for y in fit.series.index]
    from .._format import format_year_list

    lines = [f"{_label(fit.model).capitalize()} fitted on {len(years)} annual values "
             f"({format_year_list(years)})."]
    for k, v in fit.params.items():
        name = (f"weight of the {_label(k.removeprefix('weight_'))}" if k.startswith("weight_")
                else k.replace("_", " "))
        lines.append(f"  {name}: {v:.3g}")
    lines.append(
        f"Fitted growth at the end of the sample: {fit.growth:+.1%} a year"
        + (" (the mean of the components' rates)" if fit.model == "ensemble" else "")
        + f". The median simulated path grows {a.median_path_growth:+.1%} a year to "
        f"{a.target.by}: the paths draw their parameters, and growth that saturates or is "
        "damped slows along them, so the growth behind the probabilities is the median "
        "path's, not the fitted rate.")
    return "\n".join(lines)


def _chart_top(page: _Page) -> float:
    """Inches from the top of the page to the chart's rectangle (under the introduction)."""
    lines = _wrap(page.intro).count("\n") + 1 if page.intro else 0
    return 0.95 + lines * 9 * 1.35 / 72 + 0.25


#: Prefix of the ``gid`` of the page's own texts (title, introduction, caption, number): all
#: outside :func:`chart_box`.
PAGE_GID = "page"


def page_texts(fig: Any) -> list[Any]:
    """The page's own texts, outside the chart (hidden when the chart is cut out as a figure,
    which saves laying them out again for every format)."""
    return [t for t in fig.texts if str(t.get_gid() or "").startswith(f"{PAGE_GID}-")]


def chart_box(page: _Page) -> Any:
    """The chart and its source note on the A4 page, in inches (a matplotlib ``Bbox``): what
    the PNG and SVG of a figure show, cut from the page drawn once."""
    from matplotlib.transforms import Bbox

    w, h = _A4
    top = _chart_top(page)
    below = top + page.height + 0.35 + 0.2
    return Bbox.from_extents(0.45, h - below, w - 0.45, h - top + 0.05)


def _render_page(page: _Page, c: ReportContent, number: int, total: int) -> Any:
    """An A4 page: title and introduction, the chart (with its source note), the caption."""
    plt = pyplot()
    fig = plt.figure(figsize=_A4)
    w, h = _A4
    fig.text(0.8 / w, 1 - 0.55 / h, page.title, fontsize=15, fontweight="bold", va="top",
             gid=f"{PAGE_GID}-title")
    if page.intro:
        intro = _wrap(page.intro)
        fig.text(0.8 / w, 1 - 0.95 / h, intro, fontsize=9, va="top", linespacing=1.35,
                 color="#222222", gid=f"{PAGE_GID}-intro")
    fig.text(0.5, 0.35 / h, f"{number} / {total}", ha="center", fontsize=8, color="#666666",
             gid=f"{PAGE_GID}-number")
    if page.height:
        top = _chart_top(page)
        # The chart is laid out (constrained) inside its own rectangle of the page; the
        # title, introduction and caption are placed around it.
        fig.set_layout_engine("constrained", rect=(0.5 / w, 1 - (top + page.height) / h,
                                                   1 - 1.0 / w, page.height / h))
        page.draw(fig)
        # The source note sits right under the chart's rectangle (a figure-level label
        # would go to the bottom of the page).
        below = top + page.height + 0.35
        fig.text(0.55 / w, 1 - below / h, c.source, fontsize=7.5, color="#444444", va="top",
                 gid="source-note")
        if page.caption:
            fig.text(0.8 / w, 1 - (below + 0.35) / h, page.caption, fontsize=9, va="top",
                     linespacing=1.35, color="#222222", gid=f"{PAGE_GID}-caption")
    else:
        page.draw(fig)
    return fig
