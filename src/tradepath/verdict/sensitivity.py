"""What would change the answer: the same assessment re-run with one input changed."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

from .._defaults import DEFAULT_REPORTER
from .._format import format_probability
from .._validation import fail
from ..assessment.core import Assessment, assess
from ..assessment.pool import SimulationPool, by_identity
from ..data import DEFAULT_KINDS, Dataset, Reporter
from ..errors import TradepathError
from ..targets.target import Target

if TYPE_CHECKING:
    pass

from .words import RECENT_WINDOW, _growth, condition_words, model_label

__all__ = ["Sensitivity", "paired_error", "path_met", "sensitivities"]

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
    mc_error : float
        Monte Carlo standard error of :attr:`effect` (probability units): from the per-path
        differences when the change is simulated on the same seed and number of paths
        (common random numbers), else from the two probabilities as independent estimates.
        NaN when not computed.
    headline, headline_base : float
        The headline probability (:attr:`tradepath.Assessment.probability`, the model read
        against the record of targets) with and without the change; NaN where the change is
        read off the same paths and not assessed again.
    """

    target: str
    label: str
    kind: Literal["data", "balance", "model"]
    probability: float
    base: float
    detail: str = ""
    mc_error: float = math.nan
    headline: float = math.nan
    headline_base: float = math.nan

    @property
    def headline_effect(self) -> float:
        """``headline - headline_base`` (NaN when not computed)."""
        return self.headline - self.headline_base

    def describe_headline(self) -> str:
        """One line: the change and the headline probability it gives."""
        move = _points(self.headline_effect)
        return (f"{self.label}: {format_probability(self.headline)} instead of "
                f"{format_probability(self.headline_base)} ({move})")

    @property
    def effect(self) -> float:
        """``probability - base``, in probability units (NaN when not computed)."""
        return self.probability - self.base

    def describe(self) -> str:
        """One line: the change and the probability it gives."""
        if not math.isfinite(self.probability):
            return f"{self.label}: {self.detail}"
        move = _points(self.effect)
        return (f"{self.label}: {format_probability(self.probability)} instead of "
                f"{format_probability(self.base)} ({move})")


def _points(effect: float) -> str:
    """A change of probability in whole percentage points, in words."""
    pts = round(100 * effect)
    return "no change" if pts == 0 else f"{pts:+d} point" + ("s" if abs(pts) != 1 else "")


def _met(hit: np.ndarray, reading: str) -> np.ndarray:
    """Per path: met by the deadline (``hit`` runs to it), or in it (reading "in")."""
    return hit[:, -1] if reading == "in" else hit.any(axis=1)


def path_met(a: Assessment) -> np.ndarray:
    """Per simulated path of ``a``: does it meet the target (level and condition) by the
    deadline? Its mean is ``a.p_inside``."""
    t = a.target
    k = t.by - a.last_year - 1
    hit = a.paths[t.flow][:, : k + 1] >= t.value
    if t.balance is not None:
        cond = t.balance.bind(a.history)
        x, m = a.paths["exports"][:, : k + 1], a.paths["imports"][:, : k + 1]
        hit = hit & np.asarray(cond.holds(x, m), dtype=bool)
    return _met(hit, a.reading)


def paired_error(changed: np.ndarray, base: np.ndarray) -> float:
    """Standard error of ``mean(changed) - mean(base)`` from paired per-path outcomes."""
    d = changed.astype(float) - base.astype(float)
    return float(d.std(ddof=1) / math.sqrt(len(d))) if len(d) > 1 else math.nan


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
    reporter: Reporter = DEFAULT_REPORTER,
    kinds: Sequence[str] = DEFAULT_KINDS,
    pool: SimulationPool | None = None,
) -> tuple[Sensitivity, ...]:
    """What would change the answer: each change assessed again, ranked by its effect.

    Every re-run uses the assessment's model, number of paths, seed and horizon, so the
    differences are not Monte Carlo noise of independent draws (common random numbers); each
    carries the Monte Carlo standard error of its effect (:attr:`Sensitivity.mc_error`).

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
    pool : SimulationPool, optional
        Shares the re-runs with other calls (another target on the same series asks for the
        same changed data: :class:`tradepath.assessment.pool.SimulationPool`).

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
      :mod:`tradepath.targets.balance`), and **no balance condition** (from the same paths);
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
                              horizon=a.crossing_year.horizon, reading=a.reading,
                              pool=SimulationPool() if pool is None else pool)
    out: list[Sensitivity] = []
    met = path_met(a)

    def rerun(label: str, kind: Literal["data", "balance", "model"], detail: str,
              data: Dataset = ds, target: Target = t, **extra: Any) -> None:
        try:
            b = assess(data, target, **{**kw, **extra})
        except TradepathError as exc:
            out.append(Sensitivity(t.name, label, kind, math.nan, base,
                                   f"not assessed: {exc}"))
            return
        # Answered from the data, the changed probability has no Monte Carlo error.
        err = (paired_error(path_met(b), met) if b.status == "simulated"
               else math.sqrt(base * (1 - base) / a.n_paths))
        out.append(Sensitivity(t.name, label, kind, b.p_inside, base, detail, err,
                               headline=b.probability, headline_base=a.probability))

    g = _recent(a)[0]
    nxt = a.last_year + 1
    if math.isfinite(g) and nxt <= t.by:
        for rate, words in ((g, f"recent growth, {_growth(g)} a year"), (0.0, "no growth")):
            value = a.last_value * (1 + rate)
            row = pd.DataFrame({"period": [str(nxt)], "flow": [t.flow], "value_usd_bn": [value],
                                "reporter": [reporter], "kind": ["reported"],
                                "source": ["what-if: one more year"]})
            try:
                # The same figure for every target on this series: built once per pool.
                more = kw["pool"].memo(("one more year", by_identity(ds), nxt, t.flow, value,
                                        reporter), lambda row=row: ds.with_observations(row))
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
    out += _balance_changes(a, base, met)
    if comparison is not None and "p_inside" in comparison.columns:
        out += _model_change(a, comparison, base)
    return tuple(sorted(out, key=lambda s: (not math.isfinite(s.effect),
                                            -abs(s.effect) if math.isfinite(s.effect) else 0)))


def _balance_changes(a: Assessment, base: float, met: np.ndarray) -> list[Sensitivity]:
    """No balance condition, and its other reading, from the same simulated paths."""
    t, cond = a.target, a.target.balance
    out: list[Sensitivity] = []
    if cond is not None:
        k = t.by - a.last_year - 1
        if "total" in a.paths and k >= 0:
            plain = _met(a.paths["total"][:, : k + 1] >= t.value, a.reading)
            out.append(Sensitivity(t.name, "no balance condition (the level alone)", "balance",
                                   float(plain.mean()), base,
                                   "the same simulated paths, level only",
                                   paired_error(plain, met)))
        if hasattr(cond, "two_sided") and "exports" in a.paths and k >= 0:
            other = dataclasses.replace(cond, two_sided=not cond.two_sided)  # type: ignore[type-var]
            bound = other.bind(a.history)
            side = "two-sided" if other.two_sided else "one-sided"  # type: ignore[attr-defined]
            # assess draws the total and then the export share whatever the condition, so
            # the same paths give exactly what assessing again with the other reading gives.
            x, m = a.paths["exports"][:, : k + 1], a.paths["imports"][:, : k + 1]
            hit = (a.paths["total"][:, : k + 1] >= t.value) & np.asarray(bound.holds(x, m), bool)
            other_met = _met(hit, a.reading)
            out.append(Sensitivity(t.name, f"the {side} reading of the condition, "
                                   f"{condition_words(bound)}", "balance",
                                   float(other_met.mean()), base,
                                   f"balance condition replaced by {other.describe()}, on the "
                                   "same paths", paired_error(other_met, met)))
    return out


def _model_change(a: Assessment, comparison: pd.DataFrame, base: float) -> list[Sensitivity]:
    """The model whose probability is farthest from this one, from ``comparison``."""
    t = a.target
    ok = comparison[(comparison["status"] == "simulated")
                    & (comparison["model"] != a.model) & (comparison["model"] != "ensemble")]
    if not len(ok):
        return []
    p = ok["p_inside"].astype(float)
    far = int((p - base).abs().to_numpy().argmax())
    row = ok.iloc[far]
    lo, hi = ok.loc[p.idxmin()], ok.loc[p.idxmax()]
    q = float(row["p_inside"])
    # Another model draws other paths: the two estimates count as independent.
    err = math.sqrt((q * (1 - q) + base * (1 - base)) / a.n_paths)
    return [Sensitivity(
        t.name, f"another model, {model_label(str(row['model']))}", "model",
        float(row["p_inside"]), base,
        f"the other models give {format_probability(float(lo['p_inside']))} "
        f"({model_label(str(lo['model']))}) to "
        f"{format_probability(float(hi['p_inside']))} "
        f"({model_label(str(hi['model']))})", err,
        headline=float(row.get("probability", math.nan)),
        headline_base=a.probability)]
