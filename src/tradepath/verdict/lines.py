"""The bottom line per target and for all targets, as text, frames and HTML."""

from __future__ import annotations

import html
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .._defaults import DEFAULT_REPORTER
from .._format import format_probability, format_year
from .._validation import check_int, fail
from ..assessment.core import Assessment
from ..assessment.pool import SimulationPool
from ..data import DEFAULT_KINDS, Dataset, Reporter
from ..targets.target import Target

if TYPE_CHECKING:
    from ..models import FitResult

from .past import PastVerdict, past_verdict
from .sensitivity import Sensitivity, _met, _recent, sensitivities
from .words import (
    _finite,
    _growth,
    _pct1,
    condition_words,
    model_label,
)

__all__ = ["BottomLine", "TargetLine", "bottom_line", "from_report"]

# -- one target --------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True, kw_only=True)
class TargetLine:
    """The bottom line for one target (see :func:`bottom_line` for how each number is made).

    Probabilities are fractions; growth rates are annual fractions; deficits are Vietnam's
    (imports minus exports, US$ bn) and their share of two-way trade, in the deadline year.
    Fields that do not apply are None (not simulated, no balance condition, not given).
    """

    target: Target
    status: str
    condition: str
    model: str
    verdict: PastVerdict | None = None
    probability: float | None = None
    headline: str = "inside view"
    outside_view: float | None = None
    combined: float | None = None
    model_low: tuple[str, float] | None = None
    model_high: tuple[str, float] | None = None
    n_models: int = 0
    probability_without_condition: float | None = None
    mode_year: float | None = None
    mode_share: float | None = None
    median_year: float | None = None
    median_text: str = ""
    when: str = ""
    window: str = ""
    horizon: int | None = None
    p_after_horizon: float | None = None
    required_growth: float | None = None
    median_path_growth: float | None = None
    recent_growth: float | None = None
    recent_span: tuple[int, int] | None = None
    last_year: int | None = None
    last_value: float | None = None
    deficit: float | None = None
    deficit_share: float | None = None
    deficit_if_met: float | None = None
    deficit_share_if_met: float | None = None
    base_deficit: tuple[int, float, float] | None = None
    followup: TargetLine | None = None
    sensitivities: tuple[Sensitivity, ...] = ()

    @property
    def name(self) -> str:
        return self.target.name

    def row(self) -> dict[str, Any]:
        """The numbers as one flat row (a year not in the simulation stays ``inf``)."""
        lo, hi = self.model_low or ("", math.nan), self.model_high or ("", math.nan)
        return {
            "target": self.name, "condition": self.condition, "status": self.status,
            "verdict": self.verdict.verdict if self.verdict else "",
            "verdict_basis": self.verdict.basis if self.verdict else "",
            "model": self.model, "probability": self.probability,
            "headline": self.headline, "outside_view": self.outside_view,
            "combined": self.combined, "models_low": lo[1], "models_low_model": lo[0],
            "models_high": hi[1], "models_high_model": hi[0], "n_models": self.n_models,
            "probability_without_condition": self.probability_without_condition,
            "mode_year": self.mode_year, "mode_share": self.mode_share,
            "median_year": self.median_year, "horizon": self.horizon,
            "p_after_horizon": self.p_after_horizon, "required_growth": self.required_growth,
            "median_path_growth": self.median_path_growth, "recent_growth": self.recent_growth,
            "deficit_bn": self.deficit, "deficit_share": self.deficit_share,
            "deficit_bn_if_met": self.deficit_if_met,
            "deficit_share_if_met": self.deficit_share_if_met,
        }

    @property
    def title(self) -> str:
        """The target's name and its condition in words (the name is the one every page uses)."""
        return self.name + (f", {self.condition}" if self.condition != "none" else "")

    @property
    def headline_probability(self) -> float | None:
        """The headline: the combined probability where there is one, else the model's."""
        return self.combined if self.combined is not None else self.probability

    def changes(self, top: int = 3) -> list[Sensitivity]:
        """The ``top`` changes that move the headline probability most (each assessed again;
        the changes read off the same paths, with no headline, are left out)."""
        ok = [s for s in self.sensitivities if math.isfinite(s.headline_effect)]
        return sorted(ok, key=lambda s: -abs(s.headline_effect))[:top]

    def sentence(self) -> str:
        """The answer in one or two plain sentences: the chance, when, and for a balanced
        target the deficit in the deadline year."""
        cond = "" if self.condition == "none" else f" ({self.condition})"
        if self.verdict is not None:
            v = self.verdict
            text = f"{self.name}{cond}: {v.verdict}, {v.basis}."
            if self.followup is not None:
                f = self.followup
                text += (f" Given until {f.target.by} instead: " + f._chance_and_when())
            return text
        if self.probability is None:
            return f"{self.name}{cond}: {self.status}."
        return f"{self.name}{cond}: " + self._chance_and_when()

    def _chance_and_when(self) -> str:
        t = self.target
        text = f"{format_probability(self.headline_probability)} chance by {t.by}."
        if self.when:
            text += f" {self.when[0].upper()}{self.when[1:]}."
        if self.deficit is not None:
            text += (f" The deficit in {t.by}: about {self.deficit:.0f} bn "
                     f"({_pct1(self.deficit_share)} of trade) on the median path")
            if self.base_deficit is not None:
                y, d, _ = self.base_deficit
                text += f", against {d:.1f} bn in {y}"
            text += "."
        return text

    def table_row(self) -> list[str]:
        """Page 1's table: target, chance, model alone, record, half the paths by, the 80 %
        window, growth needed against growth seen."""
        if self.verdict is not None:
            row = [self.name, self.verdict.verdict, "", "", "", "", ""]
            if self.followup is not None:
                f = self.followup.table_row()
                row = [self.name, f"{self.verdict.verdict}; {f[1]} by {self.followup.target.by}",
                       *f[2:]]
            return row
        if self.probability is None:
            return [self.name, self.status, "", "", "", "", ""]
        seen = ("–" if self.recent_growth is None or not math.isfinite(self.recent_growth)
                else _growth(self.recent_growth))
        return [self.name, format_probability(self.headline_probability),
                format_probability(self.probability),
                format_probability(self.outside_view) if self.outside_view is not None else "–",
                self.median_text or "–", self.window or "–",
                f"{_growth(self.required_growth)} / {seen}"]

    def text(self, top: int = 3) -> str:
        """The bottom line in sentences, with the ``top`` sensitivities (the level alone, which
        is stated on its own line, is not repeated among them)."""
        t = self.target
        lines = [self.title]
        if self.verdict is not None:
            lines.append(f"  Verdict: {self.verdict.verdict}. Basis: {self.verdict.basis}.")
            if self.followup is not None:
                lines.append("  When is that level reached instead?")
                lines += ["  " + x for x in self.followup.text(top).splitlines()]
            return "\n".join(lines)
        if self.probability is None:
            return "\n".join([*lines, f"  {self.status}"])
        p = format_probability(self.probability)
        base = ("" if self.outside_view is None else "; base rate of comparable historical "
                f"targets: {format_probability(self.outside_view)} met by their deadline")
        if self.combined is not None:
            views = [f"  Chance of meeting it by {t.by}: {format_probability(self.combined)} "
                     "(the model's probability read against how announced targets fared).",
                     f"  The model alone (inside view): {p}{base}."]
        else:
            views = [f"  Chance of meeting it by {t.by}: {p} (inside view){base}."]
        if self.model_low is not None and self.model_high is not None and self.n_models > 1:
            views.append(f"  Across the {self.n_models} models: "
                         f"{format_probability(self.model_low[1])} "
                         f"({model_label(self.model_low[0])}) to "
                         f"{format_probability(self.model_high[1])} "
                         f"({model_label(self.model_high[0])}).")
        if self.probability_without_condition is not None:
            views.append("  Without the balance condition: "
                         f"{format_probability(self.probability_without_condition)} "
                         "(model alone).")
        lines += views
        h = self.horizon
        if self.when:
            lines.append(f"  When: {self.when} (80 % window {self.window}).")
        if self.mode_year is not None:
            lines.append(f"  The single most likely year is {format_year(self.mode_year, h)} "
                         f"({format_probability(self.mode_share)} of paths first meet it then)"
                         f"; half the paths take until {self.median_text}.")
        growth = (f"  Growth needed: {_growth(self.required_growth)} a year from "
                  f"{self.last_value:.1f} bn in {self.last_year}; the median path grows "
                  f"{_growth(self.median_path_growth)} a year to {t.by}")
        if self.recent_span is not None and self.recent_growth is not None \
                and math.isfinite(self.recent_growth):
            growth += (f"; recent growth {_growth(self.recent_growth)} a year "
                       f"({self.recent_span[0]}–{self.recent_span[1]})")
        lines.append(growth + ".")
        if self.deficit is not None:
            base = ""
            if self.base_deficit is not None:
                y, d, s = self.base_deficit
                base = f"; it was {d:.1f} bn, {_pct1(s)}, in {y}"
            met = ("no path meets the target" if self.deficit_if_met is None else
                   f"{self.deficit_if_met:.1f} bn ({_pct1(self.deficit_share_if_met)}) on the "
                   "paths that meet the target")
            lines.append(f"  Deficit in {t.by}: median {self.deficit:.1f} bn "
                         f"({_pct1(self.deficit_share)} of trade) on all paths, {met}{base}.")
        shown = [s for s in self.sensitivities
                 if math.isfinite(s.effect) and not s.label.startswith("no balance")][:top]
        if shown:
            errors = [s.mc_error for s in shown if math.isfinite(s.mc_error)]
            noise = (f" (Monte Carlo standard error of each change at most "
                     f"±{100 * max(errors):.1f} points)" if errors else "")
            lines.append(f"  What would change the model's own probability{noise}:")
            lines += [f"    - {s.describe()}" for s in shown]
        return "\n".join(lines)


def _model_words(fit: FitResult | None, name: str) -> str:
    words = model_label(name)
    if fit is None or name != "ensemble":
        return words
    parts = [k.removeprefix("weight_") for k in fit.params if k.startswith("weight_")]
    if not parts:
        return words
    equal = any("Equal weights" in n for n in fit.notes)
    how = ("equal weights, as no component could be ranked on these data" if equal
           else "weights from out-of-sample scores")
    return f"{words} ({' and '.join(model_label(p) for p in parts)}; {how})"


def _target_line(
    ds: Dataset, a: Assessment, *, comparison: pd.DataFrame | None, followup: Assessment | None,
    outside: float | None, combined: float | None, run: bool, reporter: Reporter,
    kinds: Sequence[str], followup_outside: float | None = None,
    pool: SimulationPool | None = None,
) -> TargetLine:
    t = a.target
    cond = t.balance.bind(a.history) if t.balance is not None else None
    common: dict[str, Any] = dict(target=t, status=a.status, condition=condition_words(cond),
                                  model=_model_words(a.fit, a.model), last_year=a.last_year,
                                  last_value=a.last_value)
    if a.status != "simulated" or a.crossing_year is None:
        verdict = past_verdict(t, a.history, a.history_kinds)
        fu = None
        if followup is not None:
            fu = _target_line(ds, followup, comparison=comparison, followup=None,
                              outside=followup_outside, combined=None, run=run,
                              reporter=reporter, kinds=kinds, pool=pool)
        return TargetLine(verdict=verdict, followup=fu, **common)
    cy = a.crossing_year
    dist = cy.distribution
    mode_year = cy.mode()
    k = t.by - a.last_year - 1
    total = a.paths.get(t.flow)
    median_growth = None
    if total is not None and k >= 0:
        median_growth = float((np.median(total[:, k]) / a.last_value) ** (1 / (k + 1)) - 1)
    g, y0, y1 = _recent(a)
    numbers: dict[str, Any] = dict(
        probability=a.p_inside,
        outside_view=outside if outside is not None else _finite(a.p_outside),
        combined=combined if combined is not None else _finite(a.p_combined),
        mode_year=mode_year,
        mode_share=float(dist.loc[mode_year]) if mode_year is not None else None,
        median_year=cy.median, median_text=cy.median_text(), when=cy.when(),
        window=cy.interval_text(0.8),
        horizon=cy.horizon, p_after_horizon=cy.p_not_by_horizon,
        required_growth=a.required_growth, median_path_growth=median_growth,
        recent_growth=g, recent_span=(y0, y1) if math.isfinite(g) else None,
    )
    if comparison is not None and "p_inside" in comparison.columns:
        # The models themselves: the ensemble combines them and is not counted among them.
        ok = comparison[(comparison["status"] == "simulated")
                        & (comparison["model"] != "ensemble")]
        if len(ok):
            p = ok.set_index("model")["p_inside"].astype(float)
            numbers.update(model_low=(str(p.idxmin()), float(p.min())),
                           model_high=(str(p.idxmax()), float(p.max())), n_models=len(p))
    if t.balance is not None and "exports" in a.paths and k >= 0:
        x, m, tot = a.paths["exports"][:, : k + 1], a.paths["imports"][:, : k + 1], total
        assert tot is not None
        assert cond is not None
        met = _met((tot[:, : k + 1] >= t.value) & np.asarray(cond.holds(x, m), bool), a.reading)
        d, s = m[:, k] - x[:, k], (m[:, k] - x[:, k]) / (m[:, k] + x[:, k])
        numbers.update(
            probability_without_condition=float(_met(tot[:, : k + 1] >= t.value, a.reading)
                                                .mean()),
            deficit=float(np.median(d)), deficit_share=float(np.median(s)),
            deficit_if_met=float(np.median(d[met])) if met.any() else None,
            deficit_share_if_met=float(np.median(s[met])) if met.any() else None,
        )
        both = a.history[["exports", "imports"]].dropna()
        both = both[both.index <= a.last_year]
        if len(both):
            y = int(both.index.max())
            dy = float(both.loc[y, "imports"] - both.loc[y, "exports"])
            numbers["base_deficit"] = (y, dy, dy / float(both.loc[y].sum()))
    sens = sensitivities(ds, a, comparison=comparison, reporter=reporter, kinds=kinds,
                         pool=pool) if run else ()
    headline = "combined" if numbers["combined"] is not None else "inside view"
    return TargetLine(**common, **numbers, headline=headline, sensitivities=sens)


# -- all targets -------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True, kw_only=True)
class BottomLine:
    """The bottom line for every target: :meth:`summary` is the text, :meth:`to_frame` the numbers.

    Attributes
    ----------
    lines : tuple of TargetLine
        One per target, in the order given (a follow-up hangs on its target's line).
    n_paths, seed
        The simulation settings of the assessments.
    """

    lines: tuple[TargetLine, ...]
    n_paths: int | None = None
    seed: Any = None
    model: str = ""

    def __iter__(self) -> Any:
        return iter(self.lines)

    def __getitem__(self, name: str) -> TargetLine:
        for line in self.lines:
            if line.name == name:
                return line
        from ..errors import UnknownNameError

        raise UnknownNameError(f"no target named {name!r}; the bottom line has "
                               f"{[x.name for x in self.lines]}")

    def to_frame(self) -> pd.DataFrame:
        """One row per target and follow-up (column ``follow_up_of``)."""
        rows = []
        for line in self.lines:
            rows.append({**line.row(), "follow_up_of": ""})
            if line.followup is not None:
                rows.append({**line.followup.row(), "follow_up_of": line.name})
        return pd.DataFrame(rows)

    def sensitivity_frame(self) -> pd.DataFrame:
        """Every sensitivity computed: target, change, kind, probability, base, effect, its
        Monte Carlo standard error (``mc_error``) and how it was computed."""
        items = [s for line in self.lines
                 for s in (*line.sensitivities,
                           *(line.followup.sensitivities if line.followup else ()))]
        return pd.DataFrame([{"target": s.target, "change": s.label, "kind": s.kind,
                              "probability": s.probability, "base": s.base,
                              "effect": s.effect, "mc_error": s.mc_error,
                              "detail": s.detail} for s in items],
                            columns=["target", "change", "kind", "probability", "base",
                                     "effect", "mc_error", "detail"])

    def summary(self, top: int = 3) -> str:
        """The bottom line as text, ``top`` sensitivities per target."""
        top = check_int("top", "BottomLine.summary", top, lo=0)
        head = "Bottom line"
        if self.n_paths is not None:
            head += f" ({self.n_paths:,} simulated paths per target; same seed, same numbers)"
        if self.model:
            head += f"\nModel: {self.model}."
        return "\n\n".join([head, *(line.text(top) for line in self.lines)]) + "\n"

    def __str__(self) -> str:
        return self.summary()

    def _repr_html_(self) -> str:
        blocks = []
        for line in self.lines:
            text = line.text().splitlines()
            items = "".join(f"<li>{html.escape(x.strip().removeprefix('- '))}</li>"
                            for x in text[1:])
            blocks.append(f"<h4>{html.escape(text[0])}</h4><ul>{items}</ul>")
        return "<div class='tradepath-bottom-line'>" + "".join(blocks) + "</div>"


def bottom_line(
    ds: Dataset,
    assessments: Iterable[Assessment],
    *,
    followups: Mapping[str, Assessment] | None = None,
    comparisons: Mapping[str, pd.DataFrame] | None = None,
    outside: Mapping[str, float] | None = None,
    combined: Mapping[str, float] | None = None,
    sensitivities: bool = True,
    reporter: Reporter = DEFAULT_REPORTER,
    kinds: Sequence[str] = DEFAULT_KINDS,
    pool: SimulationPool | None = None,
) -> BottomLine:
    """The bottom line for each assessed target, from assessments already computed.

    Parameters
    ----------
    ds : Dataset
        The data the assessments were made on (for the verdicts and the sensitivities).
    assessments : iterable of Assessment
        One per target (e.g. ``ReportContent.assessments``); nothing is simulated again.
    followups : mapping of str to Assessment, optional
        For a target whose deadline passed: "when is that level reached?", keyed by the
        target's name (``ReportContent.followups``).
    comparisons : mapping of str to DataFrame, optional
        :func:`tradepath.compare` tables keyed by target name: the spread across models.
    outside, combined : mapping of str to float, optional
        The outside-view base rate and the combined probability per target name (a follow-up's
        under its own name); when absent,
        an assessment's own ``outside_view`` / ``combined`` attributes are used if it has them.
    sensitivities : bool, default True
        Compute "what would change the answer" (a few re-runs of :func:`tradepath.assess`
        per simulated target, same seed).
    reporter, kinds
        As passed to :func:`tradepath.assess`.
    pool : SimulationPool, optional
        The pool the assessments were made with: a re-run that asks for a fit or paths the
        assessments already have (another model on the same data) reads them from it.

    Returns
    -------
    BottomLine

    Notes
    -----
    * When: :meth:`tradepath.CrossingYear.when`; the median year with its Monte Carlo precision
      (:meth:`~tradepath.CrossingYear.median_text`, "after <horizon>" when fewer than half the
      paths meet the target by the end of the simulation); the most likely year
      (:meth:`~tradepath.CrossingYear.mode`) only where one year stands out.
    * Growth of the median path: ``(median value in the deadline year / last value) ** (1 /
      years) - 1`` — the growth behind the probability, not a mean of component rates.
    * Deficit "if met": the median over the paths that meet the whole target by the deadline.
    """
    if not isinstance(ds, Dataset):
        raise fail("ds", "bottom_line", "a tradepath Dataset", type(ds).__name__)
    items = list(assessments)
    for a in items:
        if not isinstance(a, Assessment):
            raise fail("assessments", "bottom_line", "Assessment objects", a)
    if pool is not None and not isinstance(pool, SimulationPool):
        raise fail("pool", "bottom_line", "a tradepath.assessment.SimulationPool or None", pool)
    followups, comparisons = dict(followups or {}), dict(comparisons or {})
    outside, combined = dict(outside or {}), dict(combined or {})
    # The targets on one series share their re-runs (one fit and one set of paths each).
    pool = SimulationPool() if pool is None else pool
    lines = []
    for a in items:
        name = a.target.name
        fu = followups.get(name)
        comp = comparisons.get(fu.target.name if fu is not None else name)
        lines.append(_target_line(ds, a, comparison=comp, followup=fu,
                                  outside=outside.get(name), combined=combined.get(name),
                                  followup_outside=(outside.get(fu.target.name)
                                                    if fu is not None else None),
                                  run=sensitivities, reporter=reporter, kinds=kinds,
                                  pool=pool))
    sims = [a for a in items if a.status == "simulated"] + list(followups.values())
    return BottomLine(lines=tuple(lines), n_paths=sims[0].n_paths if sims else None,
                      seed=sims[0].seed if sims else None,
                      model=_model_words(sims[0].fit, sims[0].model) if sims else "")


def from_report(content: Any, *, sensitivities: bool = True) -> BottomLine:
    """The bottom line of a report's content (:func:`tradepath.report.build_report`).

    Reads ``dataset``, ``assessments``, ``followups`` and ``comparisons`` from ``content``;
    nothing is simulated again except the sensitivities.
    """
    for attr in ("dataset", "assessments", "followups", "comparisons"):
        if not hasattr(content, attr):
            raise fail("content", "from_report", "a report's content (build_report)",
                       type(content).__name__)
    return bottom_line(content.dataset, content.assessments, followups=content.followups,
                       comparisons=content.comparisons, sensitivities=sensitivities)

