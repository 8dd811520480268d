"""The bottom line: for each target, the answer a minister's advisor can read aloud.

:func:`bottom_line` turns assessments that are already computed (those of
:func:`tradepath.report.build_report`, or your own :func:`tradepath.assess` results) into plain
words and numbers, without simulating them again:

* the probability of meeting the target by its deadline, its spread across models, and slots
  for the outside view (the base rate of comparable historical targets) and a combined
  probability, filled when they are given;
* the most likely year it is met (the mode of the crossing-year distribution) and the median
  year, "after 2040" instead of ``inf``;
* the growth needed against the growth of the median simulated path and the recent growth;
* for balanced targets, the probability without the balance condition and the deficit in the
  deadline year (US$ bn and share of two-way trade), on all paths and on the paths that meet
  the target;
* "what would change the answer": the sensitivities that move the probability most, each
  computed by assessing again with the same seed (one more year of data at the recent growth
  rate or at zero, dropping the oldest or a rounded figure, the other reading of the balance
  condition, another model), ranked by their effect.

Targets whose deadline has passed get one verdict, :func:`past_verdict`: met, missed or
unknown, with its basis.

Examples
--------
>>> import tradepath as tp
>>> from tradepath.bottom_line import bottom_line
>>> ds = tp.load_dataset()
>>> a = tp.assess(ds, ds.target("150B by 2030"), n_paths=2000, seed=0)
>>> line = bottom_line(ds, [a], sensitivities=False)
>>> line.lines[0].verdict is None
True
"""

from __future__ import annotations

import dataclasses
import html
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

from . import _format as _fmt
from ._validation import check_int, fail
from .assess import Assessment, assess
from .balance import BalanceCondition, DeficitShareAtMost
from .data import DEFAULT_KINDS, Dataset, Reporter
from .errors import TradepathError
from .targets import Target, outcome_from_data

if TYPE_CHECKING:
    from .models import FitResult

__all__ = [
    "MODEL_LABELS",
    "BottomLine",
    "PastVerdict",
    "Sensitivity",
    "TargetLine",
    "bottom_line",
    "condition_words",
    "format_probability",
    "format_year",
    "from_report",
    "model_label",
    "past_verdict",
    "sensitivities",
]

#: Model names in words, the one mapping used wherever a model is named for readers.
MODEL_LABELS: dict[str, str] = {
    "cagr": "compound growth between two years",
    "random_walk": "random walk with drift",
    "loglinear": "log-linear trend",
    "local_linear_trend": "local linear trend",
    "damped_trend": "damped trend",
    "logistic": "saturating (logistic) growth",
    "stochastic_growth": "stochastic growth (growth that drifts, priors from other pairs)",
    "ensemble": "ensemble of models",
    "data": "the data",
}

VerdictKind = Literal["met", "missed", "unknown", "pending"]

#: Years of data before the last one over which the recent growth is measured (as in
#: :func:`tradepath.assess`).
RECENT_WINDOW = 5


def model_label(name: str) -> str:
    """The model's name in words (:data:`MODEL_LABELS`); unknown names are returned as given."""
    return MODEL_LABELS.get(name, name.replace("_", " "))


def _finite(x: float) -> float | None:
    return float(x) if x is not None and math.isfinite(x) else None


def format_probability(p: float) -> str:
    """A probability as a whole per cent, as the text pages write it ("7 %", "<1 %", "–")."""
    if p is None or not math.isfinite(p):
        return "–"
    return _fmt.format_probability(p).replace("%", " %")


def format_year(year: float, horizon: int | None) -> str:
    """A year, or "after <horizon>" for a year beyond the simulation (``inf``); "–" if unknown."""
    if year is None or (isinstance(year, float) and math.isnan(year)):
        return "–"
    return _fmt.format_year(year, horizon)


def _growth(g: float) -> str:
    return "–" if g is None or not math.isfinite(g) else f"{g:+.1%}".replace("%", " %")


def _pct1(x: float) -> str:
    return f"{x:.1%}".replace("%", " %")


def condition_words(cond: BalanceCondition | None) -> str:
    """A balance condition in plain words, without nested brackets ("none" for None)."""
    if cond is None:
        return "none"
    if isinstance(cond, DeficitShareAtMost):
        gap = "deficit or surplus" if cond.two_sided else "deficit"
        op = "below" if cond.strict else "at most"
        base = getattr(cond, "base_year", None)
        if base:
            return f"more balanced: {gap} {op} {_pct1(cond.max)} of trade, its {base} level"
        return f"{gap} {op} {_pct1(cond.max)} of trade"
    return cond.describe()


# -- past targets ------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class PastVerdict:
    """Whether a target was met by its deadline, as far as the data can tell.

    Attributes
    ----------
    verdict : {"met", "missed", "unknown", "pending"}
    basis : str
        The figures the verdict rests on, in words.
    year : int or None
        The first year met ("met" only).
    gaps : tuple of int
        Years of the judged window with no figure (or, for a balanced target, no export and
        import figures where the level is reached).
    """

    verdict: VerdictKind
    basis: str
    year: int | None = None
    gaps: tuple[int, ...] = ()

    def __str__(self) -> str:
        return f"{self.verdict}: {self.basis}"


def past_verdict(
    target: Target, annual: pd.DataFrame, kinds: pd.DataFrame | None = None
) -> PastVerdict:
    """The verdict on a target from the annual data: met, missed, unknown or pending.

    Parameters
    ----------
    target : Target
    annual : DataFrame
        Annual values indexed by year with columns ``total``, ``exports``, ``imports`` (as
        :meth:`tradepath.Dataset.annual` returns, or :attr:`Assessment.history`).
    kinds : DataFrame, optional
        The kind of each figure (:meth:`tradepath.Dataset.annual_kinds`), quoted in the basis.

    Returns
    -------
    PastVerdict

    Notes
    -----
    The definition, in order:

    * **met** — some year up to the deadline has a figure of the target's flow at least the
      target level and, for a target with a balance condition, export and import figures
      under which the condition holds (bound to the data as in :func:`tradepath.assess`);
    * **pending** — not met, and the deadline is after the last year with a figure;
    * **missed** — every year of the judged window has a figure and each one fails: the level
      is below the target, or the condition is shown to fail. The window runs from the
      announcement year (``target.announced``; without it, the first year with a figure) to
      the deadline;
    * **unknown** — otherwise: some year of the window has no figure (or reaches the level
      without the export and import figures needed to check the condition), so a miss in
      every year cannot be shown.

    Growth rates are not used to fill a missing year: a year that is not in the data may
    have peaked above the level and fallen back.

    Examples
    --------
    >>> import tradepath as tp
    >>> from tradepath.bottom_line import past_verdict
    >>> ds = tp.load_dataset()
    >>> past_verdict(ds.target("100B by 2023"), ds.annual()).verdict
    'unknown'
    """
    if not isinstance(target, Target):
        raise fail("target", "past_verdict", "a tradepath Target", target)
    if not isinstance(annual, pd.DataFrame) or target.flow not in annual.columns:
        raise fail("annual", "past_verdict", f"a DataFrame of annual values with a "
                   f"{target.flow!r} column", type(annual).__name__)
    # The verdict is the library's one rule (targets.outcome_from_data); the rest is its basis.
    status = outcome_from_data(target, annual).status
    v = _explained(target, annual, kinds)
    return dataclasses.replace(v, verdict="pending" if status == "open" else status)


def _explained(target: Target, annual: pd.DataFrame, kinds: pd.DataFrame | None) -> PastVerdict:
    flow = annual[target.flow].dropna()
    if flow.empty:
        return PastVerdict("unknown", f"no {target.flow} figure in the data")
    cond = target.balance.bind(annual) if target.balance is not None else None
    words_cond = f" ({condition_words(cond)})" if cond is not None else ""

    def fig(y: int) -> str:
        kind = ""
        if kinds is not None and y in kinds.index and target.flow in kinds.columns:
            k = kinds.loc[y, target.flow]
            kind = f" ({k})" if isinstance(k, str) and k != "reported" else ""
        return f"{flow[y]:.1f} bn in {y}{kind}"

    def condition_in(y: int) -> bool | None:
        if cond is None:
            return True
        row = annual.loc[y] if y in annual.index else None
        if row is None or pd.isna(row.get("exports")) or pd.isna(row.get("imports")):
            return None
        return bool(cond.holds(float(row["exports"]), float(row["imports"])))

    level = f"{target.value:g} bn"
    for y in (int(v) for v in flow.index if v <= target.by):
        if flow[y] >= target.value and condition_in(y):
            return PastVerdict("met", f"{fig(y)} reaches {level}{words_cond}", year=y)
    last = int(flow.index.max())
    if target.by > last:
        return PastVerdict("pending", f"the deadline {target.by} is after the last figure "
                                      f"({fig(last)}); not met in any year with a figure")
    start = target.announced if target.announced is not None else int(flow.index.min())
    window = range(min(start, target.by), target.by + 1)
    gaps, below, unchecked, failed = [], [], [], []
    for y in window:
        if y not in flow.index:
            gaps.append(y)
        elif flow[y] < target.value:
            below.append(y)
        elif condition_in(y) is None:
            unchecked.append(y)
        else:
            failed.append(y)
    seen = ", ".join(fig(y) for y in below) or "none"
    span = f"{window.start}–{window.stop - 1}" if len(window) > 1 else str(window.start)
    parts = [f"below {level}: {seen}"]
    if failed:
        parts.append(f"level reached but the condition fails: {', '.join(map(str, failed))}")
    if gaps or unchecked:
        missing = [f"no figure for {_years(gaps)}"] if gaps else []
        if unchecked:
            missing.append(f"no export and import figures to check the condition in "
                           f"{_years(unchecked)}")
        return PastVerdict(
            "unknown",
            f"{'; '.join(missing)} in the data, so a miss in every year {span} cannot be "
            f"shown; {'; '.join(parts)}",
            gaps=tuple(gaps + unchecked),
        )
    return PastVerdict("missed", f"every year {span} has a figure and none meets it; "
                                 f"{'; '.join(parts)}")


def _years(years: Sequence[int]) -> str:
    return ", ".join(str(y) for y in years)


# -- sensitivities -----------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Sensitivity:
    """One change to the inputs and what it does to the probability.

    Attributes
    ----------
    target : str
        The target's name.
    label : str
        The change, in words.
    kind : {"data", "balance", "model"}
    probability : float
        The probability with the change (NaN when the change leaves nothing to assess).
    base : float
        The probability without it.
    detail : str
        How it was computed.
    """

    target: str
    label: str
    kind: Literal["data", "balance", "model"]
    probability: float
    base: float
    detail: str = ""

    @property
    def effect(self) -> float:
        """``probability - base``, in probability units (NaN when not computed)."""
        return self.probability - self.base

    def describe(self) -> str:
        """One line: the change and the probability it gives."""
        if not math.isfinite(self.probability):
            return f"{self.label}: {self.detail}"
        pts = round(100 * self.effect)
        move = "no change" if pts == 0 else f"{pts:+d} points"
        return (f"{self.label}: {format_probability(self.probability)} instead of "
                f"{format_probability(self.base)} ({move})")


def _met(hit: np.ndarray, reading: str) -> np.ndarray:
    """Per path: met by the deadline (``hit`` runs to it), or in it (reading "in")."""
    return hit[:, -1] if reading == "in" else hit.any(axis=1)


def _seed_of(a: Assessment) -> int:
    return int(a.seed) if isinstance(a.seed, int | np.integer) else 0


def _recent(a: Assessment) -> tuple[float, int, int]:
    """Recent growth of the target's flow (as :func:`tradepath.assess` measures it) and its span."""
    s = a.history[a.target.flow].dropna()
    s = s[s.index <= a.last_year]
    if len(s) < 2:
        return math.nan, a.last_year, a.last_year
    recent = s[s.index >= a.last_year - RECENT_WINDOW]
    if len(recent) < 2:
        recent = s.iloc[-2:]
    y0, y1 = int(recent.index[0]), int(recent.index[-1])
    return float((recent.iloc[-1] / recent.iloc[0]) ** (1 / (y1 - y0)) - 1), y0, y1


def sensitivities(
    ds: Dataset,
    a: Assessment,
    *,
    comparison: pd.DataFrame | None = None,
    reporter: Reporter = "VN",
    kinds: Sequence[str] = DEFAULT_KINDS,
) -> tuple[Sensitivity, ...]:
    """What would change the answer: each change assessed again, ranked by its effect.

    Every re-run uses the assessment's model, number of paths, seed and horizon, so the
    differences are not Monte Carlo noise of independent draws (common random numbers).

    Parameters
    ----------
    ds : Dataset
        The data ``a`` was assessed on.
    a : Assessment
        A simulated assessment (others give an empty tuple).
    comparison : DataFrame, optional
        :func:`tradepath.compare` for the same target and settings; gives the model choice
        without simulating again.
    reporter, kinds
        As passed to :func:`tradepath.assess` for ``a``.

    Returns
    -------
    tuple of Sensitivity
        Largest absolute effect first; changes that cannot be assessed (e.g. too few points
        left to fit) come last with NaN and the reason.

    Notes
    -----
    The changes:

    * **one more year of data** at the recent growth rate, and with no growth: a figure for
      the year after the last one, ``last * (1 + g)`` and ``last``;
    * **without the oldest figure**, and **without each rounded figure** (kind
      "approximate");
    * **the other reading of the balance condition** (two-sided against one-sided, see
      :mod:`tradepath.balance`), and **no balance condition** (from the same paths);
    * **another model**: the model whose probability is farthest from this one, from
      ``comparison``.
    """
    if not isinstance(ds, Dataset):
        raise fail("ds", "sensitivities", "a tradepath Dataset", type(ds).__name__)
    if not isinstance(a, Assessment):
        raise fail("a", "sensitivities", "a tradepath Assessment", type(a).__name__)
    if a.status != "simulated" or a.crossing_year is None:
        return ()
    t, base = a.target, a.p_inside
    kw: dict[str, Any] = dict(model=a.model, n_paths=a.n_paths, seed=_seed_of(a),
                              reporter=reporter, kinds=tuple(kinds),
                              horizon=a.crossing_year.horizon, reading=a.reading)
    out: list[Sensitivity] = []

    def rerun(label: str, kind: Literal["data", "balance", "model"], detail: str,
              data: Dataset = ds, target: Target = t, **extra: Any) -> None:
        try:
            p = assess(data, target, **{**kw, **extra}).p_inside
        except TradepathError as exc:
            out.append(Sensitivity(t.name, label, kind, math.nan, base,
                                   f"not assessed: {exc}"))
            return
        out.append(Sensitivity(t.name, label, kind, p, base, detail))

    g = _recent(a)[0]
    nxt = a.last_year + 1
    if math.isfinite(g) and nxt <= t.by:
        for rate, words in ((g, f"recent growth, {_growth(g)} a year"), (0.0, "no growth")):
            value = a.last_value * (1 + rate)
            row = pd.DataFrame({"period": [str(nxt)], "flow": [t.flow], "value_usd_bn": [value],
                                "reporter": [reporter], "kind": ["reported"],
                                "source": ["what-if: one more year"]})
            try:
                more = ds.with_observations(row)
            except TradepathError as exc:
                out.append(Sensitivity(t.name, f"one more year ({words})", "data", math.nan,
                                       base, f"not assessed: {exc}"))
                continue
            rerun(f"one more year, {nxt} at {value:.1f} bn ({words})", "data",
                  f"a {t.flow} figure of {value:.2f} bn added for {nxt}", data=more)
    fitted = a.history[t.flow].dropna()
    fitted = fitted[fitted.index <= a.last_year]
    if len(fitted) > 1:
        oldest = int(fitted.index[0])
        rerun(f"without the oldest figure, {fitted[oldest]:.1f} bn in {oldest}", "data",
              f"the {oldest} figure left out of the fit", exclude=(oldest,))
        kinds_of = a.history_kinds[t.flow].reindex(fitted.index) if not a.history_kinds.empty \
            else pd.Series(dtype=object)
        for y in (int(v) for v, k in kinds_of.items() if k == "approximate"):
            if y != oldest:
                rerun(f"without the rounded figure, {fitted[y]:.1f} bn in {y}", "data",
                      f"the approximate {y} figure left out of the fit", exclude=(y,))
    cond = t.balance
    if cond is not None:
        k = t.by - a.last_year - 1
        if "total" in a.paths and k >= 0:
            p = float(_met(a.paths["total"][:, : k + 1] >= t.value, a.reading).mean())
            out.append(Sensitivity(t.name, "no balance condition (the level alone)", "balance",
                                   p, base, "the same simulated paths, level only"))
        if hasattr(cond, "two_sided") and "exports" in a.paths and k >= 0:
            other = dataclasses.replace(cond, two_sided=not cond.two_sided)  # type: ignore[type-var]
            bound = other.bind(a.history)
            side = "two-sided" if other.two_sided else "one-sided"  # type: ignore[attr-defined]
            # assess draws the total and then the export share whatever the condition, so
            # the same paths give exactly what assessing again with the other reading gives.
            x, m = a.paths["exports"][:, : k + 1], a.paths["imports"][:, : k + 1]
            hit = (a.paths["total"][:, : k + 1] >= t.value) & np.asarray(bound.holds(x, m), bool)
            out.append(Sensitivity(t.name, f"the {side} reading of the condition, "
                                   f"{condition_words(bound)}", "balance",
                                   float(_met(hit, a.reading).mean()), base,
                                   f"balance condition replaced by {other.describe()}, on the "
                                   "same paths"))
    if comparison is not None and "p_inside" in comparison.columns:
        ok = comparison[(comparison["status"] == "simulated")
                        & (comparison["model"] != a.model)]
        if len(ok):
            p = ok["p_inside"].astype(float)
            far = int((p - base).abs().to_numpy().argmax())
            row = ok.iloc[far]
            lo, hi = ok.loc[p.idxmin()], ok.loc[p.idxmax()]
            out.append(Sensitivity(
                t.name, f"another model, {model_label(str(row['model']))}", "model",
                float(row["p_inside"]), base,
                f"the other models give {format_probability(float(lo['p_inside']))} "
                f"({model_label(str(lo['model']))}) to "
                f"{format_probability(float(hi['p_inside']))} "
                f"({model_label(str(hi['model']))})"))
    return tuple(sorted(out, key=lambda s: (not math.isfinite(s.effect),
                                            -abs(s.effect) if math.isfinite(s.effect) else 0)))


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
        """The target in words: level, deadline and condition."""
        t = self.target
        flow = "" if t.flow == "total" else f" {t.flow}"
        return (f"{t.value:g}B{flow} by {t.by}"
                + (f", {self.condition}" if self.condition != "none" else ""))

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
            views.append(f"  Across {self.n_models} models: "
                         f"{format_probability(self.model_low[1])} "
                         f"({model_label(self.model_low[0])}) to "
                         f"{format_probability(self.model_high[1])} "
                         f"({model_label(self.model_high[0])}).")
        if self.probability_without_condition is not None:
            views.append("  Without the balance condition: "
                         f"{format_probability(self.probability_without_condition)}.")
        lines += views
        h = self.horizon
        if self.mode_year is not None:
            mode = (f"{format_year(self.mode_year, h)} ({format_probability(self.mode_share)} "
                    "of paths first meet it then)" if self.mode_share else "none")
            lines.append(f"  Most likely year met: {mode}; median year: "
                         f"{format_year(self.median_year, h)}"
                         f" ({format_probability(self.p_after_horizon)} of paths not by {h}).")
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
            lines.append("  What would change the answer:")
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
                              outside=followup_outside,
                              combined=None, run=run, reporter=reporter, kinds=kinds)
        return TargetLine(verdict=verdict, followup=fu, **common)
    cy = a.crossing_year
    dist = cy.distribution
    mode_year = float(dist.idxmax()) if dist.max() > 0 else None
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
        mode_year=mode_year, mode_share=float(dist.max()) if mode_year else None,
        median_year=cy.median, horizon=cy.horizon, p_after_horizon=cy.p_not_by_horizon,
        required_growth=a.required_growth, median_path_growth=median_growth,
        recent_growth=g, recent_span=(y0, y1) if math.isfinite(g) else None,
    )
    if comparison is not None and "p_inside" in comparison.columns:
        ok = comparison[comparison["status"] == "simulated"]
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
    sens = sensitivities(ds, a, comparison=comparison, reporter=reporter, kinds=kinds) \
        if run else ()
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
        from .errors import UnknownNameError

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
        """Every sensitivity computed: target, change, kind, probability, base, effect."""
        items = [s for line in self.lines
                 for s in (*line.sensitivities,
                           *(line.followup.sensitivities if line.followup else ()))]
        return pd.DataFrame([{"target": s.target, "change": s.label, "kind": s.kind,
                              "probability": s.probability, "base": s.base,
                              "effect": s.effect, "detail": s.detail} for s in items],
                            columns=["target", "change", "kind", "probability", "base",
                                     "effect", "detail"])

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
    reporter: Reporter = "VN",
    kinds: Sequence[str] = DEFAULT_KINDS,
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

    Returns
    -------
    BottomLine

    Notes
    -----
    * Most likely year: the mode of the crossing-year distribution over the simulated years;
      the median year is "after <horizon>" when fewer than half the paths meet the target by
      the end of the simulation.
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
    followups, comparisons = dict(followups or {}), dict(comparisons or {})
    outside, combined = dict(outside or {}), dict(combined or {})
    lines = []
    for a in items:
        name = a.target.name
        fu = followups.get(name)
        comp = comparisons.get(fu.target.name if fu is not None else name)
        lines.append(_target_line(ds, a, comparison=comp, followup=fu,
                                  outside=outside.get(name), combined=combined.get(name),
                                  followup_outside=(outside.get(fu.target.name)
                                                    if fu is not None else None),
                                  run=sensitivities, reporter=reporter, kinds=kinds))
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
