"""The answer for one target with one model (:class:`Assessment`), as :func:`tradepath.assess`
returns it."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

from .._format import model_label
from ..targets.target import Target
from .crossing import CrossingYear

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from ..models import FitResult
    from ..targets.balance import BalanceCondition

__all__ = ["Assessment", "Reading"]

Reading = Literal["by", "in"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Assessment:
    """The answer for one target with one model.

    Attributes
    ----------
    target : Target
    model : str
    status : {"simulated", "met", "missed", "unknown"}
        "met"/"missed" when the data answer it (already met; or the deadline has passed).
    probability : float
        The headline: P(target met by its deadline) (reading "by") or in the deadline year
        (reading "in"); ``p_combined`` unless ``headline`` is "inside".
    p_inside : float
        The model's probability (the *inside view*: this series alone).
    p_outside : float
        The *outside view*: the base rate of historical targets that asked for a similar
        growth gap (:func:`tradepath.reference.views.outside_view`); NaN if it cannot be formed.
    p_combined : float
        The inside and outside views pooled on the logit scale
        (:func:`tradepath.reference.pooling.combine`, the model's weight integrated over its
        posterior learned from the record of targets), times the model's chance of the
        balance condition given the level. The model alone if there is no outside view.
    headline : {"combined", "inside", "data"}
        Which of them ``probability`` is ("data": answered from the observed years).
    n_reference, n_comparable : int
        Resolved historical targets behind the outside view, and those with a similar growth
        gap (0 when there is no outside view).
    pool_weight, pool_weight_sd : float
        Posterior mean and standard deviation of the model's weight in the pool
        (:class:`tradepath.reference.pooling.Pool`); NaN when nothing is pooled.
    pool_weight_interval : tuple of float
        Its 80 % posterior interval.
    basis : str
        What the answer leans on: the panel prior or the series' own data, and the record
        of targets.
    reading : {"by", "in"}
    met_year : int or None
        The year the data show it met.
    crossing_year : CrossingYear or None
        Distribution of the first year met (simulated status only).
    required_growth : float
        CAGR needed from the last observation to reach the target level in the deadline year.
    fitted_growth : float
        The model's fitted annual growth at the end of the sample (for an ensemble, the mean of
        its components' rates); the growth behind the probability is
        :attr:`median_path_growth`.
    observed_growth : float
        CAGR over about the last five years of data (the "observed" growth of the on-track
        ratio).
    on_track_ratio, on_track : float, str
        See :func:`on_track_label`.
    condition : str
        The balance condition as bound to the data (e.g. "deficit share < 37.2 % (its 2024
        level)"), or "none".
    notes : tuple of str
        Caveats: the model's and the data's.
    """

    target: Target
    model: str
    status: Literal["simulated", "met", "missed", "unknown"]
    probability: float
    reading: Reading
    p_inside: float = math.nan
    p_outside: float = math.nan
    p_combined: float = math.nan
    headline: Literal["combined", "inside", "data"] = "data"
    n_reference: int = 0
    n_comparable: int = 0
    pool_weight: float = math.nan
    pool_weight_sd: float = math.nan
    pool_weight_interval: tuple[float, float] = (math.nan, math.nan)
    basis: str = ""
    met_year: int | None
    crossing_year: CrossingYear | None
    required_growth: float
    fitted_growth: float
    observed_growth: float
    on_track_ratio: float
    on_track: str
    condition: str
    last_year: int
    last_value: float
    n_paths: int
    seed: Any
    notes: tuple[str, ...] = ()
    history: pd.DataFrame = field(repr=False, default_factory=pd.DataFrame)
    history_kinds: pd.DataFrame = field(repr=False, default_factory=pd.DataFrame)
    bands: pd.DataFrame = field(repr=False, default_factory=pd.DataFrame)
    paths: dict[str, np.ndarray] = field(repr=False, default_factory=dict)
    fit: FitResult | None = field(repr=False, default=None)

    @property
    def median_path_growth(self) -> float:
        """Annual growth of the median simulated path from the last value to the deadline,
        ``(median in the deadline year / last value) ** (1 / years) - 1`` (NaN when nothing
        is simulated): the growth behind the probability."""
        years = self.target.by - self.last_year
        if self.bands.empty or 0.5 not in self.bands.columns or years <= 0 \
                or self.target.by not in self.bands.index:
            return math.nan
        return float((self.bands.loc[self.target.by, 0.5] / self.last_value) ** (1 / years) - 1)

    def condition_share(self, condition: BalanceCondition | None = None,
                        year: int | None = None) -> float:
        """Share of the simulated paths on which ``condition`` (default the target's balance
        condition, bound to :attr:`history`) holds in ``year`` (default the deadline); NaN
        without a condition, simulated exports and imports, or that year."""
        cond = condition if condition is not None else self.target.balance
        k = (self.target.by if year is None else year) - self.last_year - 1
        if cond is None or "exports" not in self.paths or not 0 <= k < \
                self.paths["exports"].shape[1]:
            return math.nan
        held = cond.bind(self.history).holds(self.paths["exports"][:, k],
                                             self.paths["imports"][:, k])
        return float(np.mean(held))

    def level_share(self) -> float:
        """Share of the simulated paths on which the target's flow reaches its level by the
        deadline, whatever the balance condition (NaN without paths)."""
        flow = self.paths.get(self.target.flow)
        k = self.target.by - self.last_year - 1
        if flow is None or not 0 <= k < flow.shape[1]:
            return math.nan
        return float((flow[:, : k + 1] >= self.target.value).any(axis=1).mean())

    def finding(self) -> str:
        """One plain-language paragraph with the numbers."""
        t = self.target
        cond = "" if self.condition == "none" else f" with {self.condition}"
        if self.status == "met":
            return (f"{t.name}{cond}: met in {self.met_year} according to the data "
                    f"({self.history.loc[self.met_year, t.flow]:.1f} bn).")
        if self.status == "missed":
            # A fused history names the years it estimated from the other basis ("2022 ≈ 84.1
            # ± 1.9 bn on Vietnam's basis, from Korea's 87.7"): the figures the miss rests on.
            estimated = self.basis[self.basis.find(" (") + 2:-1] if "≈" in self.basis else ""
            return (f"{t.name}{cond}: missed. The deadline {t.by} has passed and no observed "
                    f"year up to it reaches {t.value:g} bn"
                    + (f": {estimated}" if estimated else "")
                    + f" (last value {self.last_value:.1f} bn in {self.last_year}).")
        if self.status == "unknown":  # the basis says why (outcome_from_data's reason)
            return f"{t.name}{cond}: unknown: {self.basis}."
        cy = self.crossing_year
        assert cy is not None
        return (
            f"{t.name}{cond}: probability {self.probability:.0%} by {t.by} ({self.headline}). "
            f"{self.views()} {self.basis}"
            f" On the paths of the {model_label(self.model)} ({self.n_paths:,} paths, seed "
            f"{self.seed}), {cy.when()}. Reaching it needs "
            f"{self.required_growth:+.1%} a year from {self.last_value:.1f} bn in "
            f"{self.last_year}; the median simulated path grows {self.median_path_growth:+.1%} a "
            "year to the deadline and the "
            f"recent observed growth {self.observed_growth:+.1%} ({self.on_track})."
        )

    def views(self) -> str:
        """The inside view, the outside view and the combined probability in one sentence."""
        if self.status != "simulated":
            return "Answered from the data."
        out = ("no outside view" if math.isnan(self.p_outside) else
               f"outside view {self.p_outside:.0%} (the base rate of the record of "
               f"{self.n_reference} resolved targets whose growth gap is known, "
               f"{self.n_comparable} of them with a gap like this one)")
        weight = ("" if math.isnan(self.pool_weight) else
                  f" (model weight {self.pool_weight:.2f} +- {self.pool_weight_sd:.2f})")
        return (f"Inside view (the model on this series) {self.p_inside:.0%}; {out}; "
                f"combined {self.p_combined:.0%}{weight}.")

    def summary(self) -> str:
        """The finding, the figures and the caveats as text."""
        lines = [self.finding(), ""]
        lines += [f"  {k:<18} {v}" for k, v in self.to_frame().iloc[0].items()]
        lines += [f"  note: {n}" for n in self.notes]
        return "\n".join(lines)

    def to_frame(self) -> pd.DataFrame:
        """One row: target, model, status, probability, crossing-year quantiles, growth."""
        cy = self.crossing_year
        q = cy.quantiles if cy is not None else pd.Series(dtype=float)
        lo, hi = cy.interval(0.8) if cy is not None else (np.nan, np.nan)
        row = {
            "target": self.target.name, "condition": self.condition, "model": self.model,
            "status": self.status, "reading": self.reading, "probability": self.probability,
            "headline": self.headline, "p_inside": self.p_inside,
            "p_outside": self.p_outside, "p_combined": self.p_combined,
            "n_reference": self.n_reference, "n_comparable": self.n_comparable,
            "pool_weight": self.pool_weight, "pool_weight_sd": self.pool_weight_sd,
            "met_year": self.met_year,
            "crossing_median": q.get(0.5, np.nan), "crossing_lower_80": lo,
            "crossing_upper_80": hi,
            "p_not_by_horizon": cy.p_not_by_horizon if cy is not None else np.nan,
            "horizon": cy.horizon if cy is not None else np.nan,
            "required_growth": self.required_growth, "fitted_growth": self.fitted_growth,
            "median_path_growth": self.median_path_growth,
            "observed_growth": self.observed_growth, "on_track_ratio": self.on_track_ratio,
            "on_track": self.on_track, "n_paths": self.n_paths,
        }
        return pd.DataFrame([row])

    def plot(self, *, ax: Axes | None = None, **kwargs: Any) -> Axes:
        """Fan chart of this assessment (see :func:`tradepath.plotting.plot_fan`)."""
        from ..plotting import plot_fan

        return plot_fan(self, ax=ax, **kwargs)

    def __repr__(self) -> str:
        return f"<Assessment {self.target.name}, {self.model}: {self.status}, " \
               f"P = {self.probability:.3f}>"

    def _repr_html_(self) -> str:
        import html

        cy = self.crossing_year
        rows = [("target", self.target.describe()), ("model", self.model),
                ("status", self.status),
                ("probability", f"{self.probability:.1%} ({self.headline})")]
        if self.status == "simulated":
            out = ("n/a" if math.isnan(self.p_outside) else
                   f"{self.p_outside:.1%} ({self.n_comparable} comparable of "
                   f"{self.n_reference} targets)")
            rows += [("inside view", f"{self.p_inside:.1%}"), ("outside view", out),
                     ("combined", f"{self.p_combined:.1%}"),
                     ("model weight in the pool",
                      f"{self.pool_weight:.2f} (sd {self.pool_weight_sd:.2f})"),
                     ("leans on", self.basis)]
        if cy is not None:
            rows += [("first year met (median)", cy.median_text()),
                     ("80 % interval", cy.interval_text(0.8)),
                     (f"P(not by {cy.horizon})", f"{cy.p_not_by_horizon:.1%}")]
        if self.met_year is not None:
            rows.append(("met in", str(self.met_year)))
        if self.status == "simulated":
            rows += [("required growth", f"{self.required_growth:+.2%} a year"),
                     ("growth of the median path", f"{self.median_path_growth:+.2%} a year"),
                     ("observed growth", f"{self.observed_growth:+.2%} a year"),
                     ("on track", f"{self.on_track} (ratio {self.on_track_ratio:.2f})"),
                     ("paths, seed", f"{self.n_paths:,}, {self.seed}")]
        body = "".join(f"<tr><th style='text-align:left'>{html.escape(k)}</th>"
                       f"<td style='text-align:left'>{html.escape(v)}</td></tr>" for k, v in rows)
        notes = "".join(f"<li>{html.escape(n)}</li>" for n in self.notes)
        return (f"<p>{html.escape(self.finding())}</p><table>{body}</table>"
                + (f"<p>Notes:</p><ul>{notes}</ul>" if notes else ""))
