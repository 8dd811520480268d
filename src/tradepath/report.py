"""The one-command report: findings, data with provenance and the figures, in one directory.

:func:`write_report` assesses every target, compares the models, projects the balance and the
feasible growth region, and writes

=====================  ===========================================================================
file                   content
=====================  ===========================================================================
``report.pdf``         A4 pages: findings; the data with provenance and the consistency checks;
                       the fan chart; the crossing-year distributions; the model comparison;
                       the balance outlook; the feasible region; method and notes
``*.png``, ``*.svg``   the same figures on their own (``fan``, ``crossing``, ``comparison``,
                       ``balance``, ``feasible``)
``*.csv``              the tables: observations, annual series, checks, targets, assessments,
                       comparison, crossing years, forecast bands, feasible-region boundary
``summary.md``         the findings in plain language, with their numbers
``manifest.json``      settings, version, pages and files (for reproducing the report)
=====================  ===========================================================================

Everything is written to a temporary directory beside the destination and moved into place
at the end, so a failure leaves no partial report (and an earlier report stays as it was).

Examples
--------
>>> import tradepath as tp
>>> from tradepath.report import build_report, report_pages
>>> ds = tp.load_dataset()
>>> content = build_report(ds, targets=[ds.target("150B by 2030")], n_paths=500)
>>> report_pages(content)[2]
'Forecast: total trade under the ensemble model'
>>> len(report_pages(content))
8
"""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import tempfile
import textwrap
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ._format import format_probability, format_year
from ._lazy import pyplot
from ._validation import check_choice, check_int, check_rng, fail
from .assess import Assessment, assess, compare
from .balance import BalanceCondition, more_balanced
from .data import Dataset, load_dataset
from .errors import DataError, ModelError, ParameterError
from .targets import Target

if TYPE_CHECKING:
    from .models import GrowthModel
    from .scenarios import FeasibleRegion

__all__ = [
    "DEFAULT_PATHS",
    "FIGURES",
    "FORMATS",
    "ReportContent",
    "build_report",
    "report_pages",
    "select_targets",
    "write_report",
]

#: Paths per assessment in the report: the Monte Carlo standard error of a probability is at
#: most 0.5 / sqrt(20 000) = 0.35 percentage points, below the whole per cent shown.
DEFAULT_PATHS = 20_000
#: Output formats of the figures.
FORMATS = ("pdf", "png", "svg")
#: Figure files (without extension) written as PNG and SVG.
FIGURES = ("fan", "crossing", "comparison", "balance", "feasible")
_MANIFEST = "manifest.json"
_GENERATOR = "tradepath report"
_A4 = (8.27, 11.69)
_WRAP = 100  # characters per line of body text at 9 pt across the A4 text width


# -- content ---------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True, kw_only=True)
class ReportContent:
    """Everything the report shows, computed once; :func:`write_report` renders it.

    Attributes
    ----------
    dataset : Dataset
    targets : tuple of Target
        The targets reported on, in order.
    model : str
        The model name (registry) used for the assessments.
    n_paths, seed
        Simulation settings.
    assessments : tuple of Assessment
        One per target (answered from the data, or simulated).
    followups : dict of str to Assessment
        For a target whose deadline passed unmet: "when is that level reached?", assessed
        with a later deadline (keyed by the original target's name).
    comparisons : dict of str to DataFrame
        :func:`tradepath.compare` tables, keyed by the name of the target simulated.
    main : Assessment or None
        The assessment shown in the fan chart and the balance outlook: the simulated one with
        the latest deadline.
    balance_source : Assessment or None
        The assessment whose simulated exports and imports give the balance outlook.
    region : FeasibleRegion or None
        Constant export and import growth rates that meet the main target.
    findings : dict of str to str
        One plain-language paragraph per target, with its numbers.
    skipped : dict of str to str
        Pages left out and why (e.g. no export and import data for a balance outlook).
    source : str
        The source note written under every figure.
    """

    dataset: Dataset
    targets: tuple[Target, ...]
    model: str
    n_paths: int
    seed: int
    assessments: tuple[Assessment, ...]
    followups: dict[str, Assessment]
    comparisons: dict[str, pd.DataFrame]
    main: Assessment | None
    balance_source: Assessment | None
    region: FeasibleRegion | None
    findings: dict[str, str]
    skipped: dict[str, str] = field(default_factory=dict)
    source: str = ""

    @property
    def simulated(self) -> list[Assessment]:
        """The simulated assessments (targets and follow-ups), by deadline."""
        out = [a for a in self.assessments if a.status == "simulated"]
        out += [f for f in self.followups.values() if f.status == "simulated"]
        return sorted(out, key=lambda a: (a.target.by, a.target.value))

    def table(self) -> pd.DataFrame:
        """Key numbers: one row per assessment (targets, then follow-ups)."""
        rows = [a.to_frame() for a in self.assessments]
        rows += [f.to_frame().assign(follow_up_of=name) for name, f in self.followups.items()]
        return pd.concat(rows, ignore_index=True)


def _model_name(model: str | GrowthModel | None) -> str:
    from .models import DEFAULT_MODEL, get_model

    if model is None:
        return DEFAULT_MODEL
    m = get_model(model)  # raises UnknownNameError for a bad name
    return m.name if not isinstance(model, str) else model


def _followup(t: Target, by: int) -> Target:
    """The same level and condition with a later deadline: "when is it reached?"."""
    flow = "" if t.flow == "total" else f" {t.flow}"
    return Target(t.value, by=by, balance=t.balance, flow=t.flow,
                  name=f"{t.value:g}B{flow} by {by} (after missing {t.by})",
                  announced=t.announced, source=t.source)


def _spread(frame: pd.DataFrame, model: str) -> str:
    """One sentence on how much the models disagree."""
    ok = frame[frame["status"] == "simulated"]
    refused = frame.loc[frame["status"] == "refused", "model"].tolist()
    if len(ok) < 2:
        return ""
    p = ok.set_index("model")["probability"].astype(float)
    lo, hi = p.idxmin(), p.idxmax()
    others = [m for m in p.index if m != model]
    text = (f"Across the {len(p)} models that could be fitted the probability ranges from "
            f"{p[lo]:.0%} ({lo}) to {p[hi]:.0%} ({hi})")
    if not others:
        return text + "."
    if refused:
        text += f"; {len(refused)} could not be fitted on these data ({', '.join(refused)})"
    return text + "."


def _check_targets(targets: Any, func: str) -> tuple[Target, ...]:
    if isinstance(targets, Target):
        targets = [targets]
    try:
        items = tuple(targets)
    except TypeError:
        raise fail("targets", func, "a sequence of Target", targets) from None
    if not items:
        raise fail("targets", func, "at least one Target", targets,
                   "The dataset has no targets: give targets=[tp.Target(150, by=2030)].")
    for t in items:
        if not isinstance(t, Target):
            raise fail("targets", func, "a sequence of Target", t)
    names = [t.name for t in items]
    if len(set(names)) != len(names):
        raise fail("targets", func, "targets with different names", names)
    return items


def select_targets(
    ds: Dataset,
    *,
    value: float | None = None,
    by: int | None = None,
    balance: str | BalanceCondition | None = None,
    name: str | None = None,
) -> tuple[Target, ...]:
    """The targets a command asks about: one given by level and deadline, one of the
    dataset's by name, or all of the dataset's (with ``balance`` replacing their conditions).

    Parameters
    ----------
    ds : Dataset
    value, by : float and int, optional
        A target of ``value`` US$ bn total trade by ``by`` (both or neither).
    balance : str or BalanceCondition, optional
        A condition (or its name, see :func:`tradepath.balance.from_name`). With ``value`` it
        is the new target's condition (default none); otherwise it replaces the condition of
        every selected target that has one.
    name : str, optional
        One of the dataset's targets (e.g. ``"150B by 2030"``).

    Returns
    -------
    tuple of Target

    Examples
    --------
    >>> import tradepath as tp
    >>> from tradepath.report import select_targets
    >>> [t.name for t in select_targets(tp.load_dataset(), value=120, by=2028)]
    ['120B by 2028']
    """
    func = "select_targets"
    from .balance import from_name

    cond = from_name(balance) if isinstance(balance, str) else balance
    if balance is not None and cond is not None and not isinstance(cond, BalanceCondition):
        raise fail("balance", func, "a condition name or a tradepath.balance condition",
                   balance)
    if (value is None) != (by is None):
        raise fail("by" if by is None else "value", func,
                   "given together with " + ("'value'" if by is None else "'by'"),
                   by if by is None else value, "A target needs a level and a deadline.")
    if value is not None:
        if name is not None:
            raise fail("name", func, "None when a value is given", name)
        return (Target(value, by=by, balance=cond),)  # type: ignore[arg-type]
    chosen = (ds.target(name),) if name is not None else tuple(ds.targets)
    if balance is None:
        return chosen
    if str(balance) == "none":
        return tuple(dataclasses.replace(t, balance=None) for t in chosen)
    return tuple(dataclasses.replace(t, balance=cond) if t.balance is not None else t
                 for t in chosen)


def build_report(
    ds: Dataset | None = None,
    *,
    targets: Sequence[Target] | None = None,
    balance: BalanceCondition | None = None,
    model: str | GrowthModel | None = None,
    n_paths: int = DEFAULT_PATHS,
    seed: int = 0,
    source: str | None = None,
) -> ReportContent:
    """Compute everything the report shows, without writing anything.

    Parameters
    ----------
    ds : Dataset, optional
        Default: the embedded dataset (:func:`tradepath.load_dataset`).
    targets : sequence of Target, optional
        Default: the dataset's targets.
    balance : BalanceCondition, optional
        Replaces the condition of every target that has one (the documents never define
        "balanced"; this is how to report under another reading).
    model : str or GrowthModel, optional
        Default :data:`tradepath.models.DEFAULT_MODEL`.
    n_paths : int, default 20000
        Paths per assessment (see :data:`DEFAULT_PATHS`).
    seed : int, default 0
        Same seed, same report.
    source : str, optional
        The note under every figure; default "Source: figures from the documents; tradepath
        <version>".

    Returns
    -------
    ReportContent

    Raises
    ------
    ParameterError, UnknownNameError
        Bad settings (checked before any computation).
    ModelError, DataError
        The data cannot support any assessment of a target.
    """
    func = "build_report"
    ds = load_dataset() if ds is None else ds
    if not isinstance(ds, Dataset):
        raise fail("ds", func, "a tradepath Dataset", type(ds).__name__,
                   "Use tp.load_dataset() or tp.Dataset.from_csv(path).")
    n_paths = check_int("n_paths", func, n_paths, lo=1)
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer):
        raise fail("seed", func, "an integer (the report records it)", seed)
    check_rng("seed", func, int(seed))
    seed = int(seed)
    if balance is not None and not isinstance(balance, BalanceCondition):
        raise fail("balance", func, "a tradepath.balance condition or None", balance)
    items = _check_targets(ds.targets if targets is None else targets, func)
    if balance is not None:
        items = tuple(dataclasses.replace(t, balance=balance) if t.balance is not None else t
                      for t in items)
    model_name = _model_name(model)
    model_arg: str | GrowthModel = model if model is not None else model_name
    if source is None:
        from ._version import __version__

        source = f"Source: figures from the documents; tradepath {__version__}"
    kw: dict[str, Any] = dict(model=model_arg, n_paths=n_paths, seed=seed)

    assessments = tuple(assess(ds, t, **kw) for t in items)
    latest = max(t.by for t in items)
    followups: dict[str, Assessment] = {}
    for a in assessments:
        if a.status == "missed":
            last = a.last_year
            by = max(latest, last + 1)
            followups[a.target.name] = assess(ds, _followup(a.target, by), **kw)
    simulated = [a for a in [*assessments, *followups.values()] if a.status == "simulated"]
    comparisons = {a.target.name: compare(ds, a.target, n_paths=n_paths, seed=seed)
                   for a in sorted(simulated, key=lambda a: a.target.by)}
    main = max(simulated, key=lambda a: (a.target.by, a.target.balance is not None),
               default=None)

    skipped: dict[str, str] = {}
    balance_source = None
    if main is not None:
        if "exports" in main.paths:
            balance_source = main
        else:
            try:
                balance_source = assess(ds, dataclasses.replace(main.target,
                                                                balance=more_balanced()), **kw)
            except (ModelError, DataError) as exc:
                skipped["balance"] = str(exc)
    else:
        skipped["balance"] = "no target is left to simulate (all are answered by the data)"

    region = None
    region_target = main.target if main is not None else None
    if region_target is not None:
        from .scenarios import feasible_region

        try:
            region = feasible_region(ds, region_target)
        except (DataError, ParameterError, ModelError) as exc:
            skipped["feasible"] = str(exc)
    else:
        skipped["feasible"] = "no target with a deadline after the data"

    findings: dict[str, str] = {}
    for a in assessments:
        text = a.finding()
        if a.status == "simulated":
            text += " " + _spread(comparisons[a.target.name], a.model)
        elif a.target.name in followups:
            f = followups[a.target.name]
            text += " When is that level reached instead? " + f.finding()
            if f.target.name in comparisons:
                text += " " + _spread(comparisons[f.target.name], f.model)
        findings[a.target.name] = text.strip()
    return ReportContent(
        dataset=ds, targets=items, model=model_name, n_paths=n_paths, seed=seed,
        assessments=assessments, followups=followups, comparisons=comparisons, main=main,
        balance_source=balance_source, region=region, findings=findings, skipped=skipped,
        source=source,
    )


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


def _wrap(text: str, width: int = _WRAP) -> str:
    return "\n".join(textwrap.fill(p, width=width) if p else "" for p in text.split("\n"))


def _fmt_p(p: float) -> str:
    return format_probability(p)


def _key_rows(c: ReportContent) -> list[list[str]]:

    rows = []
    for a in c.assessments:
        pairs = [(a, "")]
        if a.target.name in c.followups:
            pairs.append((c.followups[a.target.name], "then: "))
        for x, prefix in pairs:
            name = x.target.name.split(" (after missing")[0] if prefix else x.target.name
            cy = x.crossing_year
            if x.status == "simulated" and cy is not None:
                lo, hi = cy.interval(0.8)
                rows.append([prefix + name, "simulated", _fmt_p(x.probability),
                             format_year(cy.median, cy.horizon),
                             f"{format_year(lo, cy.horizon)}–{format_year(hi, cy.horizon)}"])
            else:
                rows.append([prefix + name, x.status,
                             "100% (data)" if x.status == "met" else "0% (data)",
                             str(x.met_year) if x.met_year else "–", "–"])
    return rows


def report_pages(content: ReportContent) -> list[str]:
    """The titles of the PDF pages, in order (what :func:`write_report` will produce)."""
    return [p.title for p in _pages(content)]


def _pages(c: ReportContent) -> list[_Page]:
    from . import plotting as P

    pages: list[_Page] = []
    cond_note = ("Balanced is never defined in the documents; each target's condition is "
                 "stated with it.")
    pages.append(_Page("summary", "Vietnam–Korea trade targets: if and when",
                       _settings_line(c), 0, lambda fig: _draw_summary(fig, c)))
    pages.append(_Page(
        "data", "The data and where each figure comes from",
        "Every figure in the documents, with its reporting country, its kind and its source "
        "(document and line). Derived figures are computed from stated growth rates; lower "
        "bounds and figures of unstated basis are shown but not fitted. The checks test the "
        "identities and claims the figures allow.",
        0, lambda fig: _draw_data(fig, c)))
    main = c.main
    if main is not None:
        others = [a for a in c.assessments if a is not main]
        others += [f for f in c.followups.values() if f is not main and f.status == "simulated"]
        pages.append(_Page(
            "fan", f"Forecast: {main.target.flow} trade under the {main.model} model",
            f"Median path and central 50 %, 80 % and 95 % bands of {main.n_paths:,} simulated "
            f"paths from {main.last_year}, against the targets. Log scale: equal distances are "
            "equal growth rates, so the whole fan fits on the page.",
            5.6, lambda fig: _fan(fig, main, others, c), figure="fan",
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
            "Every model in tradepath fitted to the same data: the probability of meeting the "
            "target by its deadline, and the median and 80 % interval of the first year it is "
            "met. Models that cannot be fitted on so few observations are listed with the "
            "reason.",
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
            f"that meet {r.target.name} by {r.target.by} with {r.condition}; no uncertainty, "
            "a map of the arithmetic.",
            5.0, lambda fig: _feasible(fig, r), figure="feasible",
            caption=_wrap(r.summary().replace("\n  ", "\n"))))
    pages.append(_Page("method", "Method and notes", "", 0, lambda fig: _draw_method(fig, c)))
    return pages


def _settings_line(c: ReportContent) -> str:
    from ._version import __version__

    n = len(c.dataset.observations)
    data = c.source.removeprefix("Source: ").split("; tradepath")[0]
    return (f"tradepath {__version__} · model {c.model} · {c.n_paths:,} simulated paths per "
            f"target · seed {c.seed} · data: {data} ({n} figures)")


def _crossing_sentence(a: Assessment) -> str:

    cy = a.crossing_year
    if cy is None:
        return ""
    lo, hi = cy.interval(0.8)
    return (f"{a.target.name}: P(met by {a.target.by}) = {_fmt_p(a.probability)}; median "
            f"first year {format_year(cy.median, cy.horizon)} (80 % interval "
            f"{format_year(lo, cy.horizon)}–{format_year(hi, cy.horizon)}); "
            f"{_fmt_p(cy.p_not_by_horizon)} of paths do not meet it by {cy.horizon}.")


def _comparison_caption(c: ReportContent) -> str:
    parts = []
    for name, f in c.comparisons.items():
        s = _spread(f, c.model)
        if s:
            parts.append(f"{name}: {s[0].lower()}{s[1:]}")
    return " ".join(parts) + (f" The report's figures use the {c.model} model.")


def _balance_caption(b: Assessment) -> str:
    k = b.target.by - b.last_year - 1
    x, m = b.paths["exports"][:, k], b.paths["imports"][:, k]
    share = (m - x) / (x + m)
    q = np.quantile(share, [0.1, 0.5, 0.9])
    d = np.quantile(m - x, [0.1, 0.5, 0.9])
    return (f"In {b.target.by}: deficit share median {q[1]:.1%} (80 % interval {q[0]:.1%} to "
            f"{q[2]:.1%}); deficit median {d[1]:.1f} bn (80 % interval {d[0]:.1f} to "
            f"{d[2]:.1f} bn). Condition: {b.condition}.")


def _fan(fig: Any, main: Assessment, others: list[Assessment], c: ReportContent) -> None:
    from .plotting import plot_fan

    ax = fig.subplots()
    plot_fan(main, ax=ax, targets=others, data=c.dataset, log=True)


def _feasible(fig: Any, r: FeasibleRegion) -> None:
    from .plotting import plot_feasible

    ax = fig.subplots()
    plot_feasible(r, ax=ax)


def _text_block(fig: Any, x: float, y: float, text: str, **kw: Any) -> float:
    """Write wrapped text from the top at (x, y) in figure inches; return the new y."""
    size = kw.pop("fontsize", 9.0)
    spacing = kw.pop("linespacing", 1.35)
    w, h = fig.get_size_inches()
    fig.text(x / w, y / h, text, ha="left", va="top", fontsize=size, linespacing=spacing, **kw)
    lines = text.count("\n") + 1
    return y - lines * size * spacing / 72 - 0.08


def _draw_summary(fig: Any, c: ReportContent) -> None:
    w, h = fig.get_size_inches()
    y = h - 1.75
    x = 0.8
    y = _text_block(fig, x, y, "Findings", fontsize=12, fontweight="bold")
    for a in c.assessments:
        head = a.target.name + ("" if a.condition == "none" else f" ({a.condition})")
        y = _text_block(fig, x, y - 0.05, _wrap(head, 80), fontsize=10, fontweight="bold")
        y = _text_block(fig, x, y, _wrap(c.findings[a.target.name]), fontsize=9)
    y -= 0.15
    y = _text_block(fig, x, y, "Key numbers", fontsize=12, fontweight="bold")
    rows = _key_rows(c)
    height = 0.22 * (len(rows) + 1)
    ax = fig.add_axes((x / w, (y - height) / h, (w - 2 * x) / w, height / h))
    ax.axis("off")
    tab = ax.table(cellText=rows, colLabels=["target", "status", "P(by deadline)",
                                            "median year", "80 % interval"],
                   bbox=(0, 0, 1, 1), cellLoc="left", colLoc="left",
                   colWidths=[0.40, 0.11, 0.16, 0.14, 0.19])
    _style_table(tab, 8.5)
    y -= height + 0.3
    y = _text_block(fig, x, y, "Read with care", fontsize=12, fontweight="bold")
    checks = c.dataset.check()
    fails = checks[checks["status"] == "fail"]
    notes = [f"{len(fails)} of {len(checks)} consistency checks fail: "
             + "; ".join(f"{r.check} ({r.period}: {r.observed:.1f} vs {r.expected:.1f})"
                         for r in fails.itertuples()) + "." if len(fails) else
             "Every testable identity and claim in the data holds."]
    fitted = "the annual values"
    if c.main is not None and c.main.fit is not None:
        idx = c.main.fit.series.index
        fitted = f"{len(idx)} annual values ({', '.join(map(str, idx))})"
    notes.append(f"Few observations: the models are fitted on {fitted}"
                 + "; probabilities carry that uncertainty (parameters are drawn per path), "
                 "not the risk that the model family is wrong — see the model comparison.")
    notes.append("“Balanced” is not defined in the documents; the condition used for each "
                 "target is named with it.")
    for s in c.skipped.values():
        notes.append(f"Left out: {s}")
    for n in notes:
        y = _text_block(fig, x, y, _wrap("• " + n, _WRAP), fontsize=8.5)


def _style_table(tab: Any, size: float) -> None:
    """House look for a table: small type, light rules, a bold shaded header."""
    tab.auto_set_font_size(False)
    tab.set_fontsize(size)
    for (r, _col), cell in tab.get_celld().items():
        cell.set_edgecolor("#bbbbbb")
        cell.set_linewidth(0.4)
        if r == 0:
            cell.set_text_props(fontweight="bold")
            cell.set_facecolor("#eeeeee")


def _draw_data(fig: Any, c: ReportContent) -> None:
    w, h = fig.get_size_inches()
    x = 0.8
    obs = c.dataset.observations

    def sources(text: str) -> str:
        return "\n".join(dict.fromkeys(p.strip() for p in str(text).split(";") if p.strip()))

    rows = [[r.period, r.flow,
             f"{r.value_usd_bn:g}" if r.kind != "derived" else f"{r.value_usd_bn:.2f}",
             r.reporter, r.kind, sources(r.source), str(r.formula)]
            for r in obs.itertuples()]
    heights = [max(1, row[5].count("\n") + 1) for row in rows]
    n_lines = sum(heights) + 1
    y = h - 1.85
    y = _text_block(fig, x, y, "Observations", fontsize=11, fontweight="bold")
    height = 0.18 * n_lines
    ax = fig.add_axes((x / w, (y - height) / h, (w - 2 * x) / w, height / h))
    ax.axis("off")
    tab = ax.table(cellText=rows, colLabels=["period", "flow", "US$ bn", "reporter", "kind",
                                            "source (document:line)", "formula"],
                   bbox=(0, 0, 1, 1), cellLoc="left", colLoc="left",
                   colWidths=[0.15, 0.08, 0.08, 0.09, 0.12, 0.30, 0.18])
    _style_table(tab, 7.5)
    for (r, _col), cell in tab.get_celld().items():
        cell.set_height((heights[r - 1] if r >= 1 else 1) / n_lines)
    y -= height + 0.3
    checks = c.dataset.check()
    y = _text_block(fig, x, y, "Consistency checks", fontsize=11, fontweight="bold")
    crow = [[r.status, textwrap.shorten(str(r.check), 56, placeholder="…"), r.period,
             "" if pd.isna(r.expected) else f"{r.expected:.2f}",
             "" if pd.isna(r.observed) else f"{r.observed:.2f}"] for r in checks.itertuples()]
    height = 0.18 * (len(crow) + 1)
    ax = fig.add_axes((x / w, (y - height) / h, (w - 2 * x) / w, height / h))
    ax.axis("off")
    tab = ax.table(cellText=crow, colLabels=["status", "check", "period", "expected",
                                             "observed"],
                   bbox=(0, 0, 1, 1), cellLoc="left", colLoc="left",
                   colWidths=[0.1, 0.53, 0.17, 0.1, 0.1])
    _style_table(tab, 7.5)
    for (r, col), cell in tab.get_celld().items():
        if r >= 1 and col == 0 and crow[r - 1][0] == "fail":
            cell.set_text_props(fontweight="bold")
    y -= height + 0.2
    _text_block(fig, x, y, "Notes on every figure, the growth claims and the full checks: "
                           "observations.csv and checks.csv beside this report.", fontsize=8,
                color="#444444")


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
        f"The {c.model} model is fitted to the annual series on the Vietnamese basis "
        "(reported, approximate and derived figures; lower bounds and figures of unstated "
        "basis are left out). Each of the simulated paths draws the model's parameters and "
        "then its yearly shocks; the probability is the share of paths that meet the target. "
        "For a target with a balance condition the export share of two-way trade is simulated "
        "on the same paths as a random walk in logits. Same seed, same numbers.")))
    if c.main is not None:
        parts.append((f"Notes on the {c.main.target.name} assessment",
                      "\n".join("• " + n for n in c.main.notes)))
        if c.main.fit is not None:
            parts.append(("Fitted model", c.main.fit.summary()))
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


def _render_page(page: _Page, c: ReportContent, number: int, total: int) -> Any:
    """An A4 page: title and introduction, the chart (with its source note), the caption."""
    plt = pyplot()
    fig = plt.figure(figsize=_A4)
    w, h = _A4
    fig.text(0.8 / w, 1 - 0.55 / h, page.title, fontsize=15, fontweight="bold", va="top")
    intro_lines = 0
    if page.intro:
        intro = _wrap(page.intro)
        intro_lines = intro.count("\n") + 1
        fig.text(0.8 / w, 1 - 0.95 / h, intro, fontsize=9, va="top", linespacing=1.35,
                 color="#222222")
    fig.text(0.5, 0.35 / h, f"{number} / {total}", ha="center", fontsize=8, color="#666666")
    if page.height:
        top = 0.95 + intro_lines * 9 * 1.35 / 72 + 0.25
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
                     linespacing=1.35, color="#222222")
    else:
        page.draw(fig)
    return fig


def _standalone(page: _Page, c: ReportContent) -> Any:
    """The page's chart as a figure of its own at A4 text width."""
    from .plotting import source_note

    plt = pyplot()
    fig = plt.figure(figsize=(6.7, page.height), layout="constrained")
    page.draw(fig)
    source_note(fig, c.source)
    return fig


# -- writing ---------------------------------------------------------------------------------
def _tables(c: ReportContent) -> dict[str, pd.DataFrame]:
    ds = c.dataset
    annual = ds.annual()
    kinds = ds.annual_kinds().add_suffix("_kind")
    out = {
        "observations": ds.observations,
        "annual": pd.concat([annual, kinds], axis=1).reset_index(),
        "checks": ds.check(),
        "targets": ds.targets_frame() if ds.targets else pd.DataFrame(),
        "assessments": c.table(),
    }
    if c.comparisons:
        out["comparison"] = pd.concat(c.comparisons.values(), ignore_index=True)
    rows = []
    for a in c.simulated:
        cy = a.crossing_year
        assert cy is not None
        f = cy.to_frame().reset_index()
        f.insert(0, "target", a.target.name)
        rows.append(f)
        rows.append(pd.DataFrame([{"target": a.target.name, "year": f"after {cy.horizon}",
                                   "p_first": cy.p_not_by_horizon, "p_cumulative": 1.0}]))
    if rows:
        cross = pd.concat(rows, ignore_index=True)
        cross["year"] = cross["year"].astype(str)
        out["crossing_years"] = cross
    if c.main is not None:
        bands = c.main.bands.copy()
        bands.columns = [f"q{q:g}" for q in bands.columns]
        bands.insert(0, "target", c.main.target.name)
        bands.insert(1, "model", c.main.model)
        out["forecast_bands"] = bands.reset_index()
    if c.region is not None:
        b = c.region.boundary().reset_index()
        b.insert(0, "target", c.region.target.name)
        out["feasible_region"] = b
    return out


def _summary_md(c: ReportContent, pages: list[_Page], files: list[str]) -> str:
    lines = ["# Vietnam–Korea trade targets: if and when", "", _settings_line(c), "",
             "## Findings", ""]
    for a in c.assessments:
        lines += [f"### {a.target.name}", "", c.findings[a.target.name], ""]
    lines += ["## Key numbers", "",
              "| target | status | P(met by deadline) | median first year | 80 % interval |",
              "|---|---|---|---|---|"]
    lines += ["| " + " | ".join(r) + " |" for r in _key_rows(c)]
    lines += ["", "## Pages of report.pdf", ""]
    lines += [f"{i}. {p.title}" for i, p in enumerate(pages, start=1)]
    if c.skipped:
        lines += ["", "## Left out", ""] + [f"- {k}: {v}" for k, v in c.skipped.items()]
    lines += ["", "## Files", ""] + [f"- `{f}`" for f in sorted(files)]
    lines += ["", c.source, ""]
    return "\n".join(lines)


def _check_formats(formats: Any, func: str) -> tuple[str, ...]:
    if isinstance(formats, str):
        formats = [f.strip() for f in formats.split(",") if f.strip()]
    try:
        items = tuple(dict.fromkeys(formats))
    except TypeError:
        raise fail("formats", func, f"a sequence drawn from {FORMATS}", formats) from None
    if not items:
        raise fail("formats", func, f"at least one of {FORMATS}", formats)
    for f in items:
        check_choice("formats", func, f, FORMATS)
    return items


def _prepare_destination(out: Path, func: str) -> None:
    if out.exists() and not out.is_dir():
        raise fail("out_dir", func, "a directory path", str(out),
                   "A file of that name exists; choose another --out.")
    if out.is_dir() and any(out.iterdir()) and not _is_report(out):
        raise fail("out_dir", func, "a new or empty directory, or an earlier tradepath report",
                   str(out), "It holds other files; choose another --out or empty it.")


def _is_report(path: Path) -> bool:
    try:
        meta = json.loads((path / _MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(meta, dict) and meta.get("generator") == _GENERATOR


def write_report(
    ds: Dataset | None = None,
    out_dir: str | os.PathLike[str] = "report",
    *,
    targets: Sequence[Target] | None = None,
    balance: BalanceCondition | None = None,
    model: str | GrowthModel | None = None,
    n_paths: int = DEFAULT_PATHS,
    seed: int = 0,
    formats: Iterable[str] = FORMATS,
    source: str | None = None,
) -> Path:
    """Write the report (PDF, figures, tables, summary) into ``out_dir``.

    Parameters
    ----------
    ds : Dataset, optional
        Default: the embedded dataset.
    out_dir : path, default "report"
        Created (with missing parents); an earlier tradepath report there is replaced. A
        directory holding anything else is refused.
    targets, balance, model, n_paths, seed, source
        As for :func:`build_report`.
    formats : iterable of {"pdf", "png", "svg"}, default all three
        Which renderings to write ("pdf": report.pdf; "png"/"svg": one file per figure). The
        tables (CSV), summary.md and manifest.json are always written.

    Returns
    -------
    pathlib.Path
        ``out_dir``.

    Raises
    ------
    ParameterError
        Bad settings, or ``out_dir`` is a file or a directory of other files (checked before
        any computation).
    TradepathError
        Anything that stops the report; nothing is left behind.

    Notes
    -----
    The report is built in a temporary directory beside ``out_dir`` and renamed into place
    in one step, so readers never see a half-written report. Figures are drawn inside
    :func:`tradepath.plotting.report_style`.

    Examples
    --------
    >>> import tempfile, tradepath as tp
    >>> from tradepath.report import write_report
    >>> ds = tp.load_dataset()
    >>> out = write_report(ds, tempfile.mkdtemp() + "/r", targets=[ds.target("150B by 2030")],
    ...                    n_paths=500, formats=("pdf",))
    >>> sorted(p.name for p in out.iterdir())[-3:]
    ['report.pdf', 'summary.md', 'targets.csv']
    """
    func = "write_report"
    fmts = _check_formats(formats, func)
    if not isinstance(out_dir, str | os.PathLike):
        raise fail("out_dir", func, "a path", out_dir)
    out = Path(out_dir).expanduser()
    if not out.name:
        raise fail("out_dir", func, "a directory path with a name", str(out_dir))
    _prepare_destination(out, func)
    content = build_report(ds, targets=targets, balance=balance, model=model, n_paths=n_paths,
                           seed=seed, source=source)

    created: list[Path] = []
    parent = out.parent if str(out.parent) else Path(".")
    for p in reversed([parent, *parent.parents]):
        if not p.exists():
            created.append(p)
    parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.tmp-", dir=parent))
    try:
        _write_all(content, tmp, fmts)
        _move_into_place(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        for p in reversed(created):
            try:
                p.rmdir()
            except OSError:
                pass
        raise
    return out


def _move_into_place(tmp: Path, out: Path) -> None:
    if not out.exists():
        os.replace(tmp, out)
        return
    old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=out.parent))
    old.rmdir()
    os.replace(out, old)
    try:
        os.replace(tmp, out)
    except BaseException:
        os.replace(old, out)
        raise
    shutil.rmtree(old, ignore_errors=True)


def _write_all(c: ReportContent, tmp: Path, fmts: tuple[str, ...]) -> None:
    from ._version import __version__
    from .plotting import report_style

    plt = pyplot()
    files: list[str] = []
    pages = _pages(c)
    with report_style():
        if "pdf" in fmts:
            from matplotlib.backends.backend_pdf import PdfPages

            with PdfPages(tmp / "report.pdf", metadata={
                    "Title": "Vietnam–Korea trade targets: if and when",
                    "Creator": f"tradepath {__version__}"}) as pdf:
                for i, page in enumerate(pages, start=1):
                    fig = _render_page(page, c, i, len(pages))
                    try:
                        pdf.savefig(fig)
                    finally:
                        plt.close(fig)
                n_pages = pdf.get_pagecount()
            files.append("report.pdf")
        else:
            n_pages = 0
        exts = [e for e in ("png", "svg") if e in fmts]
        for page in pages:
            if page.figure is None or not exts:
                continue
            fig = _standalone(page, c)
            try:
                for ext in exts:
                    fig.savefig(tmp / f"{page.figure}.{ext}",
                                metadata={"Creator": f"tradepath {__version__}"})
                    files.append(f"{page.figure}.{ext}")
            finally:
                plt.close(fig)
    for name, frame in _tables(c).items():
        frame.to_csv(tmp / f"{name}.csv", index=False, float_format="%.10g")
        files.append(f"{name}.csv")
    files += ["summary.md", _MANIFEST]
    (tmp / "summary.md").write_text(_summary_md(c, pages, files), encoding="utf-8")
    manifest = {
        "generator": _GENERATOR, "version": __version__, "model": c.model,
        "n_paths": c.n_paths, "seed": c.seed, "formats": list(fmts),
        "targets": [t.describe() for t in c.targets],
        "pages": [p.title for p in pages] if "pdf" in fmts else [],
        "page_count": n_pages, "files": sorted(files), "skipped": c.skipped,
    }
    (tmp / _MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n",
                                 encoding="utf-8")
