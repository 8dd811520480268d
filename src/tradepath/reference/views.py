"""The outside view of a trade target: what the record of announced targets says.

A model's probability (the *inside view*) reads one series; the *outside view* reads the
record of governments' trade targets (:func:`tradepath.reference.reference_targets`): of
targets that asked for a similar acceleration of growth and a similar rise in level, how many
were met by their deadline? :func:`outside_view` answers that for one target;
:func:`tradepath.reference.pooling.combine` pools it with the inside view into the headline.

The outside view is monotone by construction: it cannot rise with the growth gap or the level
multiple (sign priors), so faster recent growth never lowers it and a higher target never
raises it.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .._validation import check_int, check_real, fail
from ..errors import ModelError

__all__ = [
    "OUTSIDE_FEATURES",
    "OUTSIDE_PRIOR_SCALE",
    "SIMILAR_GAP",
    "OutsideView",
    "outside_view",
    "target_features",
]

#: The reference targets' features the outside view regresses their outcomes on: the growth
#: gap (required minus trailing annual growth) and ``log(log(m))`` of the level multiple ``m``
#: (target over last value). Both slopes are held <= 0: asking for more never makes a target
#: likelier. The double log tends to minus infinity as the ask shrinks to the current level,
#: so a target the series has nearly reached tends to certainty, as it must, however far
#: below the record's asks (all 1.27 x or more) it lies.
OUTSIDE_FEATURES = ("growth_gap", "loglog_multiple")

#: Standard deviation of the normal priors on the outside view's slopes (before the sign
#: truncation): one unit of each feature moves the log odds by about 1 a priori. Chosen over
#: 2.5 by leave-one-pair-out Brier score on the resolved reference targets.
OUTSIDE_PRIOR_SCALE = 1.0

#: Targets whose growth gap (required minus trailing annual growth) is within this of the
#: assessed target's count as "similar" in :attr:`OutsideView.n_similar`.
SIMILAR_GAP = 0.05

@dataclass(frozen=True, slots=True)
class OutsideView:
    """The base rate of comparable historical targets for one target.

    Attributes
    ----------
    base_rate : float
        P(met by the deadline) for a target with this growth gap and level multiple, from
        the regularised logistic fit of the reference targets' outcomes on them.
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
    coef : tuple of float
        Intercept and slopes of the fit (on :data:`OUTSIDE_FEATURES`).
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
    coef: tuple[float, ...] = ()
    notes: tuple[str, ...] = ()

    def to_frame(self) -> pd.DataFrame:
        """The fields as a one-column frame (``value``)."""
        rows = {k: getattr(self, k) for k in self.__slots__ if k not in ("notes", "coef")}
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
    from ..data.reference import _fill

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
    from ..data.reference import reference_targets

    t = reference_targets() if targets is None else targets
    keep = t["outcome"].isin(["met", "missed"]) & t["growth_gap"].notna()
    if "level_multiple" in t.columns:
        keep &= t["level_multiple"].notna() & (t["level_multiple"] > 0)
    if "target_type" in t.columns:
        keep &= t["target_type"] != "projection"
    return t[keep]


def _design(gap: Any, multiple: Any) -> np.ndarray:
    """The outside view's predictors (:data:`OUTSIDE_FEATURES`), one row per target."""
    m = np.maximum(np.asarray(multiple, dtype=float), 1.0 + 1e-9)
    return np.column_stack([np.asarray(gap, dtype=float), np.log(np.log(m))])


def outside_view(
    target: Any,
    series: pd.Series,
    *,
    targets: pd.DataFrame | None = None,
    exclude: Iterable[int] = (),
    prior_scale: float = OUTSIDE_PRIOR_SCALE,
) -> OutsideView:
    """The base rate of historical targets that asked for a similar acceleration and rise.

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
        Row labels of ``targets`` to leave out (leave-one-out validation; pass every row of
        a pair to leave the pair out).
    prior_scale : float, default :data:`OUTSIDE_PRIOR_SCALE`
        Standard deviation of the normal priors on the two slopes
        (:func:`tradepath.reference.logistic.fit_logistic`), truncated to slopes <= 0.

    Returns
    -------
    OutsideView

    Raises
    ------
    ModelError
        Fewer than 3 resolved reference targets.

    Notes
    -----
    :math:`P(\\text{met}) = \\operatorname{logit}^{-1}(a + b_1\\,\\text{gap} + b_2 \\log
    \\log m)` with :math:`m` the level multiple, normal priors on :math:`b_1, b_2` truncated
    to :math:`b \\le 0` (posterior mode, band from the inverse information): needing less
    growth than the series has been delivering, or a smaller rise, never lowers the base
    rate, and a target at the current level is met. Where the data give no trailing growth,
    the base rate is that of the whole class (Jeffreys prior).
    """
    from .logistic import fit_logistic

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
    if not math.isfinite(feats["growth_gap"]):
        # No trailing growth (one value, or none within ten years of the last): the class as
        # a whole, with the Jeffreys prior Beta(1/2, 1/2) on its rate.
        from scipy import special  # the beta quantiles without importing scipy.stats

        k, n = int(met.sum()), len(met)
        why = feats["ambition_note"] or "a single value"
        a, b = k + 0.5, n - k + 0.5
        return OutsideView(
            base_rate=a / (a + b), lower=float(special.betaincinv(a, b, 0.1)),
            upper=float(special.betaincinv(a, b, 0.9)), growth_gap=math.nan,
            required_growth=float(feats["required_growth"]), trailing_growth=math.nan,
            level_multiple=float(feats["level_multiple"]),
            years_to_deadline=int(feats["years_to_deadline"]), n_reference=n,
            n_reference_met=k, n_similar=n, n_similar_met=k,
            notes=(f"No trailing growth from these data ({why}): the base rate is that of "
                   f"all {n} resolved targets, {k} met.",),
        )
    multiple = ref["level_multiple"].to_numpy(dtype=float)
    fit = fit_logistic(_design(gap, multiple), met.astype(float), prior_scale=prior_scale,
                       nonpositive=True)
    x = _design([feats["growth_gap"]], [max(feats["level_multiple"], 1e-9)])
    pred = fit.predict(x, level=0.8).iloc[0]
    similar = np.abs(gap - feats["growth_gap"]) <= SIMILAR_GAP
    notes = (
        f"Of {len(ref)} resolved historical targets, {int(met.sum())} were met by the "
        f"deadline; of the {int(similar.sum())} that asked for a similar growth gap "
        f"({feats['growth_gap']:+.1%} a year, within {SIMILAR_GAP:.0%}), "
        f"{int((similar & met).sum())} were met.",
        f"Base rate {pred['p']:.0%} (80 % band {pred['lower']:.0%}-{pred['upper']:.0%}) from "
        "a logistic fit of outcomes on the growth gap and the level multiple "
        f"({feats['level_multiple']:.2f} x here), both slopes held <= 0.",
    )
    return OutsideView(
        base_rate=float(pred["p"]), lower=float(pred["lower"]), upper=float(pred["upper"]),
        growth_gap=float(feats["growth_gap"]), required_growth=float(feats["required_growth"]),
        trailing_growth=float(feats["trailing_growth"]),
        level_multiple=float(feats["level_multiple"]),
        years_to_deadline=int(feats["years_to_deadline"]), n_reference=len(ref),
        n_reference_met=int(met.sum()), n_similar=int(similar.sum()),
        n_similar_met=int((similar & met).sum()),
        coef=tuple(float(c) for c in fit.coef), notes=notes,
    )
