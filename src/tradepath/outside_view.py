"""The outside view of a trade target: how often comparable historical targets were met.

A model's probability (the *inside view*) reads one series; the *outside view* reads the
record of governments' trade targets (:func:`tradepath.reference.reference_targets`): of
targets that asked for a similar acceleration of growth, how many were met by their deadline?
:func:`outside_view` answers that for one target. :func:`combine` pools the two on the logit
scale into the *combined* probability the library reports as its headline. The inside view's
weight in the pool, :data:`POOLING_WEIGHT`, is learned from the reference targets' outcomes
(each judged with the data published before its announcement, leave-one-out); where a target
asks for less growth than any target in the record, the record has no say and the weight
moves to the model (:attr:`OutsideView.relevance`).

Typical use (how :func:`tradepath.assess` reports the three numbers)::

    ov = outside_view(target, series)
    p = combine(p_inside, ov)
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ._validation import check_int, check_real, fail
from .errors import ModelError

__all__ = [
    "POOLING_WEIGHT",
    "SIMILAR_GAP",
    "OutsideView",
    "combine",
    "learn_pooling_weight",
    "outside_view",
    "target_features",
]

#: Weight of the inside view in the logit pool :func:`combine` where the record of targets
#: speaks (relevance 1): 0 trusts the base rate alone, 1 the model alone. Learned by Brier
#: score on the resolved reference targets, each judged with the data published before its
#: announcement (``python benchmarks/accuracy.py --reference``, tables
#: ``reference_targets_brier`` and ``reference_targets_pooling``; chosen again on the other
#: targets for each one, leave-one-out, the weight is 0 every time). On the 13 targets scored
#: so far the models' probabilities (mean 0.59; the 2 targets met had 0.29 and 0.55, 9 of the
#: 11 missed 0.69-0.85) add nothing to the base rate: announced targets follow booms that
#: models extrapolate. Re-learn it when targets are added.
POOLING_WEIGHT = 0.0

#: Targets whose growth gap (required minus trailing annual growth) is within this of the
#: assessed target's count as "similar" in :attr:`OutsideView.n_similar`.
SIMILAR_GAP = 0.05

#: Probabilities are kept within [EPS, 1 - EPS] before pooling on the logit scale: a
#: simulated 0 or 1 is a Monte Carlo estimate, not certainty.
EPS = 0.01


@dataclass(frozen=True, slots=True)
class OutsideView:
    """The base rate of comparable historical targets for one target.

    Attributes
    ----------
    base_rate : float
        P(met by the deadline) for a target with this growth gap, from the regularised
        logistic fit of the reference targets' outcomes on their growth gaps.
    lower, upper : float
        80 % band of ``base_rate`` (the fit's parameter uncertainty).
    growth_gap : float
        Required minus trailing annual growth of this target (0.05: 5 points a year faster
        than lately).
    required_growth, trailing_growth : float
        Compound annual growth needed from the last value to the target by the deadline, and
        over the trailing window (the reference class's definitions).
    level_multiple : float
        Target over the last value.
    years_to_deadline : int
        Deadline minus the year of the last value.
    n_reference, n_reference_met : int
        Resolved reference targets in the fit, and those met.
    n_similar, n_similar_met : int
        Of them, those with a growth gap within :data:`SIMILAR_GAP`, and those met.
    relevance : float
        How far the record speaks to this target, in [0, 1]: 1 when the target asks for a
        rise at least as large as the least ambitious resolved target did (its level
        multiple), else the ratio of the two log multiples (0 for a target already reached).
        The record holds announced targets, all ambitious; it says nothing about a target
        the series nearly meets already, and :func:`combine` then leans on the model.
    notes : tuple of str
    """

    base_rate: float
    lower: float
    upper: float
    growth_gap: float
    required_growth: float
    trailing_growth: float
    level_multiple: float
    years_to_deadline: int
    n_reference: int
    n_reference_met: int
    n_similar: int
    n_similar_met: int
    relevance: float = 1.0
    notes: tuple[str, ...] = ()

    def model_weight(self, weight: float = POOLING_WEIGHT) -> float:
        """The model's weight in :func:`combine`: ``1 - (1 - weight) * relevance``."""
        return 1.0 - (1.0 - weight) * self.relevance

    def to_frame(self) -> pd.DataFrame:
        """The fields as a one-column frame (``value``)."""
        rows = {k: getattr(self, k) for k in self.__slots__ if k != "notes"}
        return pd.DataFrame({"value": rows}).rename_axis("item")


def target_features(series: pd.Series, value: float, deadline: int) -> dict[str, float]:
    """Required and trailing growth of a target, by the reference class's definitions.

    Parameters
    ----------
    series : pandas.Series
        Annual values by year, only those known when the target is assessed.
    value : float
        The target level (same unit as ``series``).
    deadline : int
        The deadline year.

    Returns
    -------
    dict
        ``last_year``, ``last_value``, ``required_growth``, ``trailing_growth``,
        ``growth_gap``, ``level_multiple``, ``years_to_deadline`` (NaN where the data
        cannot say, e.g. a single point has no trailing growth).
    """
    from .reference import _fill

    s = series.dropna().sort_index()
    if len(s) == 0:
        raise fail("series", "target_features", "at least one value", list(series))
    rec: dict[str, Any] = dict.fromkeys(
        ("last_year", "last_value", "trailing_from", "trailing_growth", "required_growth",
         "ambition", "growth_gap", "level_multiple"), math.nan)
    rec["ambition_note"] = ""
    _fill(rec, s, float(value), int(deadline))
    rec["years_to_deadline"] = int(deadline) - int(s.index[-1])
    return rec


def _resolved(targets: pd.DataFrame | None) -> pd.DataFrame:
    from .reference import reference_targets

    t = reference_targets() if targets is None else targets
    keep = t["outcome"].isin(["met", "missed"]) & t["growth_gap"].notna()
    if "target_type" in t.columns:
        keep &= t["target_type"] != "projection"
    return t[keep]


def outside_view(
    target: Any,
    series: pd.Series,
    *,
    targets: pd.DataFrame | None = None,
    exclude: Iterable[int] = (),
    prior_scale: float = 2.5,
) -> OutsideView:
    """The base rate of historical targets that asked for a similar acceleration.

    Parameters
    ----------
    target : tradepath.Target
        The target (its ``value`` and deadline ``by`` are used).
    series : pandas.Series
        The pair's annual values by year, as known when the target is assessed: the trailing
        and required growth are computed from its last value (pass only data before the
        announcement to judge a target as it was set).
    targets : pandas.DataFrame, optional
        The reference class (:func:`tradepath.reference.reference_targets`, e.g. with your own
        targets added). Resolved targets with a computable growth gap are used.
    exclude : iterable of int, default ()
        Row labels of ``targets`` to leave out (leave-one-target-out validation).
    prior_scale : float, default 2.5
        Standard deviation of the normal prior on the logistic slope
        (:func:`tradepath.reference.fit_logistic`): a proper prior keeps the fit finite when
        the few resolved targets are perfectly separated by their growth gaps.

    Returns
    -------
    OutsideView

    Raises
    ------
    ModelError
        Fewer than 3 resolved reference targets.

    Notes
    -----
    The reference class is summarised by one covariate, the growth gap (required minus
    trailing compound annual growth), because a dozen resolved targets cannot support more:
    :math:`P(\\text{met}) = \\operatorname{logit}^{-1}(a + b\\,\\text{gap})` with a normal
    prior on :math:`b` (posterior mode, band from the inverse information). Where the data
    give no trailing growth, the base rate is that of the whole class (Jeffreys prior).
    """
    from .reference import fit_logistic

    func = "outside_view"
    value = check_real("target.value", func, getattr(target, "value", None), lo=0.0,
                       lo_open=True)
    deadline = check_int("target.by", func, getattr(target, "by", None))
    prior_scale = check_real("prior_scale", func, prior_scale, lo=0.0, lo_open=True)
    feats = target_features(series, value, deadline)
    ref = _resolved(targets).drop(index=list(exclude), errors="ignore")
    if len(ref) < 3:
        raise ModelError(f"{func}: needs at least 3 resolved reference targets with a growth "
                         f"gap; got {len(ref)}.")
    gap = ref["growth_gap"].to_numpy(dtype=float)
    met = (ref["outcome"] == "met").to_numpy()
    relevance, reach = _relevance(float(feats["level_multiple"]), ref)
    if not math.isfinite(feats["growth_gap"]):
        # No trailing growth (one value, or none within ten years of the last): the class as
        # a whole, with the Jeffreys prior Beta(1/2, 1/2) on its rate.
        from scipy import stats

        k, n = int(met.sum()), len(met)
        why = feats["ambition_note"] or "a single value"
        post = stats.beta(k + 0.5, n - k + 0.5)
        return OutsideView(
            base_rate=float(post.mean()), lower=float(post.ppf(0.1)),
            upper=float(post.ppf(0.9)), growth_gap=math.nan,
            required_growth=float(feats["required_growth"]), trailing_growth=math.nan,
            level_multiple=float(feats["level_multiple"]),
            years_to_deadline=int(feats["years_to_deadline"]), n_reference=n,
            n_reference_met=k, n_similar=n, n_similar_met=k, relevance=relevance,
            notes=(f"No trailing growth from these data ({why}): the base rate is that of "
                   f"all {n} resolved targets, {k} met.", *reach),
        )
    fit = fit_logistic(gap, met.astype(float), prior_scale=prior_scale)
    pred = fit.predict([feats["growth_gap"]], level=0.8).iloc[0]
    similar = np.abs(gap - feats["growth_gap"]) <= SIMILAR_GAP
    notes = (
        f"Of {len(ref)} resolved historical targets, {int(met.sum())} were met by the "
        f"deadline; of the {int(similar.sum())} that asked for a similar growth gap "
        f"({feats['growth_gap']:+.1%} a year, within {SIMILAR_GAP:.0%}), "
        f"{int((similar & met).sum())} were met.",
        f"Base rate {pred['p']:.0%} (80 % band {pred['lower']:.0%}-{pred['upper']:.0%}) from "
        "a logistic fit of outcomes on the growth gap with a normal prior on the slope.",
        *reach,
    )
    return OutsideView(
        base_rate=float(pred["p"]), lower=float(pred["lower"]), upper=float(pred["upper"]),
        growth_gap=float(feats["growth_gap"]), required_growth=float(feats["required_growth"]),
        trailing_growth=float(feats["trailing_growth"]),
        level_multiple=float(feats["level_multiple"]),
        years_to_deadline=int(feats["years_to_deadline"]), n_reference=len(ref),
        n_reference_met=int(met.sum()), n_similar=int(similar.sum()),
        n_similar_met=int((similar & met).sum()), relevance=relevance, notes=notes,
    )


def _relevance(multiple: float, ref: pd.DataFrame) -> tuple[float, tuple[str, ...]]:
    """:attr:`OutsideView.relevance` of a target asking for ``multiple`` x the last value."""
    m = ref["level_multiple"].to_numpy(dtype=float) if "level_multiple" in ref else np.array([])
    m = m[np.isfinite(m) & (m > 1.0)]
    if not math.isfinite(multiple) or m.size == 0 or multiple >= m.min():
        return 1.0, ()
    rel = max(math.log(multiple), 0.0) / math.log(float(m.min()))
    return rel, (f"The target asks for {multiple:.2f} x the last value, less than any "
                 f"resolved target did (the least: {m.min():.2f} x): the record speaks to it "
                 f"with weight {rel:.2f}, the model for the rest.",)


def _logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, EPS, 1 - EPS)
    return np.log(p) - np.log1p(-p)


def combine(p_inside: float, outside: OutsideView | float, *,
            weight: float = POOLING_WEIGHT) -> float:
    """Pool the inside view and the outside view on the logit scale.

    Parameters
    ----------
    p_inside : float
        The model's probability.
    outside : OutsideView or float
        The outside view (or its base rate, taken as fully relevant).
    weight : float, default :data:`POOLING_WEIGHT`
        Weight of the inside view, in [0, 1], where the record speaks fully.

    Returns
    -------
    float
        :math:`\\operatorname{logit}^{-1}(w\\,\\operatorname{logit} p_{in} + (1 - w)
        \\operatorname{logit} p_{out})`, both probabilities first kept within
        [:data:`EPS`, 1 - :data:`EPS`] (generalised logarithmic pooling; Genest and Zidek,
        1986, Statistical Science 1(1)), with :math:`w = 1 - (1 - \\text{weight})\\,r` and
        :math:`r` the outside view's :attr:`~OutsideView.relevance`.

    Examples
    --------
    >>> round(combine(0.8, 0.2, weight=0.5), 3)
    0.5
    """
    func = "combine"
    p_in = check_real("p_inside", func, p_inside, lo=0.0, hi=1.0)
    weight = check_real("weight", func, weight, lo=0.0, hi=1.0)
    base, w = ((outside.base_rate, outside.model_weight(weight))
               if isinstance(outside, OutsideView) else (outside, weight))
    p_out = check_real("outside", func, base, lo=0.0, hi=1.0)
    z = w * _logit(np.array(p_in)) + (1 - w) * _logit(np.array(p_out))
    return float(1.0 / (1.0 + np.exp(-z)))


def learn_pooling_weight(
    p_inside: Sequence[float], p_outside: Sequence[float], outcomes: Sequence[float],
    *, grid: Sequence[float] = tuple(np.round(np.linspace(0, 1, 21), 2)),
) -> tuple[float, pd.DataFrame]:
    """The pooling weight with the lowest Brier score, and the score of every weight.

    Parameters
    ----------
    p_inside, p_outside : sequence of float
        Each target's inside-view probability and (leave-one-out) base rate.
    outcomes : sequence of float
        1 where the target was met, else 0.
    grid : sequence of float
        Candidate weights in [0, 1].

    Returns
    -------
    weight : float
        The best weight on the grid (ties: the one nearer 0.5).
    scores : pandas.DataFrame
        ``weight, brier`` for every candidate.
    """
    p_in = np.asarray(p_inside, dtype=float)
    p_out = np.asarray(p_outside, dtype=float)
    y = np.asarray(outcomes, dtype=float)
    if not (p_in.shape == p_out.shape == y.shape) or y.size == 0:
        raise fail("outcomes", "learn_pooling_weight", "as many as the probabilities (>= 1)",
                   y.size)
    g = np.asarray(grid, dtype=float)
    z = g[:, None] * _logit(p_in)[None, :] + (1 - g[:, None]) * _logit(p_out)[None, :]
    brier = ((1 / (1 + np.exp(-z)) - y[None, :]) ** 2).mean(axis=1)
    best = int(np.lexsort((np.abs(g - 0.5), np.round(brier, 12)))[0])
    return float(g[best]), pd.DataFrame({"weight": g, "brier": brier})
