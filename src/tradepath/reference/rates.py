"""Base rates of the reference class: how often historical trade targets were met, and how
that depends on their ambition (the targets and series are read by
:mod:`tradepath.data.reference`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .._validation import fail
from ..data.reference import reference_targets
from .logistic import LogisticRegressionFit, fit_logistic

__all__ = ["AMBITION_BANDS", "BaseRate", "base_rate", "reference_summary"]


#: Ambition bands of :func:`base_rate`: required growth within the trailing pace, up to twice
#: it, more than twice it (or any growth needed after a trailing fall).
AMBITION_BANDS = ("<= 1", "1-2", "> 2 or trailing <= 0", "not computable")


def _band(ambition: float, gap: float) -> str:
    if np.isfinite(ambition):
        return AMBITION_BANDS[0] if ambition <= 1 else AMBITION_BANDS[1] if ambition <= 2 \
            else AMBITION_BANDS[2]
    if np.isfinite(gap):  # trailing growth <= 0
        return AMBITION_BANDS[2] if gap > 0 else AMBITION_BANDS[0]
    return AMBITION_BANDS[3]


@dataclass(frozen=True, slots=True)
class BaseRate:
    """How often historical trade targets were met, and how that depends on ambition.

    Attributes
    ----------
    n_resolved, n_met : int
        Targets whose deadline has passed with a known outcome, and those met by it.
    rate : float
        ``n_met / n_resolved``.
    shortfall : pandas.DataFrame
        The missed targets with a value for the deadline year: ``pair, target_usd_bn,
        deadline, value_at_deadline_usd_bn, ratio`` (value / target).
    by_band : pandas.DataFrame
        ``band, n, met, rate`` per ambition band (:data:`AMBITION_BANDS`).
    fit : LogisticRegressionFit or None
        P(met) against ``growth_gap`` (required minus trailing annual growth) on the resolved
        targets where it is computable; None with fewer than 3 of them.
    resolved : pandas.DataFrame
        The resolved targets used, from :func:`reference_targets`, with their band.
    """

    n_resolved: int
    n_met: int
    rate: float
    shortfall: pd.DataFrame
    by_band: pd.DataFrame
    fit: LogisticRegressionFit | None
    resolved: pd.DataFrame

    def summary(self) -> pd.DataFrame:
        """The quotable figures as a two-column frame ``item, value``."""
        ratio = self.shortfall["ratio"]
        items = [
            ("resolved targets", f"{self.n_resolved}"),
            ("met by the deadline", f"{self.n_met} ({self.rate:.0%})"),
            ("missed targets with a deadline-year value", f"{len(ratio)}"),
        ]
        if len(ratio):
            items.append(("missed: value at deadline / target, median (range)",
                          f"{ratio.median():.2f} ({ratio.min():.2f}-{ratio.max():.2f})"))
        for b in self.by_band.itertuples():
            rate = "-" if b.n == 0 else f"{b.rate:.0%}"
            items.append((f"ambition {b.band}", f"{b.met} of {b.n} met ({rate})"))
        if self.fit is not None:
            c, s = self.fit.coef, np.sqrt(np.diag(self.fit.cov))
            items.append(("logistic P(met) on growth gap: intercept, slope (s.e.)",
                          f"{c[0]:.2f} ({s[0]:.2f}), {c[1]:.2f} ({s[1]:.2f})"))
        return pd.DataFrame(items, columns=["item", "value"])

    def plot(self, *, ax: Any = None, **kwargs: Any) -> Any:
        """Outcomes against ambition with the fitted base rate (see
        :func:`tradepath.plotting.plot_reference`; keyword arguments go to it)."""
        from ..plotting import plot_reference

        return plot_reference(self, ax=ax, **kwargs)


def base_rate(
    targets: pd.DataFrame | None = None,
    *,
    include_projections: bool = False,
    prior_scale: float | None = 2.5,
    firth: bool = False,
) -> BaseRate:
    """The base rate of historical trade targets: met, shortfall, dependence on ambition.

    Parameters
    ----------
    targets : pandas.DataFrame, optional
        The output of :func:`reference_targets` (e.g. with your own targets added); the
        shipped targets by default.
    include_projections : bool, default False
        Count figures that were projections or estimates rather than government targets
        (``target_type == "projection"``).
    prior_scale, firth
        Regularisation of the logistic fit, as in :func:`tradepath.reference.logistic.fit_logistic`.
        The growth gap is a fraction a year (0.10 = 10 points), so the default slope prior
        (s.d. 2.5 per unit) is weak: it leaves odds ratios up to exp(0.5) per 10-point gap
        well inside two prior standard deviations, yet keeps the estimate finite under
        separation.

    Returns
    -------
    BaseRate

    Notes
    -----
    A target is resolved when its normalised outcome is ``met`` or ``missed`` ("missed" means
    not reached by the deadline year, even if reached later). Shortfalls use only values for
    the deadline year itself.

    Examples
    --------
    >>> from tradepath.reference import base_rate
    >>> br = base_rate()
    >>> br.n_met <= br.n_resolved
    True
    """
    func = "base_rate"
    if targets is None:
        targets = reference_targets()
    elif not isinstance(targets, pd.DataFrame):
        raise fail("targets", func, "a DataFrame from reference_targets()",
                   type(targets).__name__)
    need = {"outcome", "target_type", "ambition", "growth_gap", "value_at_deadline_usd_bn",
            "value_year", "deadline", "target_usd_bn", "pair"}
    if need - set(targets.columns):
        raise fail("targets", func, "a DataFrame from reference_targets()",
                   sorted(targets.columns), f"Missing {sorted(need - set(targets.columns))}.")
    keep = targets["outcome"].isin(["met", "missed"])
    if not include_projections:
        keep &= targets["target_type"] != "projection"
    if not keep.any():
        raise fail("targets", func, "a selection holding at least one resolved (met or "
                   "missed) target", f"{len(targets)} rows, none resolved",
                   "Widen the selection.")
    resolved = targets[keep].copy()
    resolved["band"] = [_band(a, g) for a, g in zip(
        resolved["ambition"].astype(float), resolved["growth_gap"], strict=True)]
    met = (resolved["outcome"] == "met").to_numpy()
    n = len(resolved)
    missed = resolved[~met & (resolved["value_year"] == resolved["deadline"]).fillna(False)
                      .to_numpy(bool) & resolved["value_at_deadline_usd_bn"].notna().to_numpy()]
    shortfall = missed.loc[:, ["pair", "target_usd_bn", "deadline", "value_at_deadline_usd_bn"]]
    shortfall = shortfall.assign(
        ratio=missed["value_at_deadline_usd_bn"] / missed["target_usd_bn"]
    ).reset_index(drop=True)
    bands = []
    for band in AMBITION_BANDS:
        inb = (resolved["band"] == band).to_numpy()
        k, m = int(inb.sum()), int((inb & met).sum())
        bands.append((band, k, m, m / k if k else math.nan))
    by_band = pd.DataFrame(bands, columns=["band", "n", "met", "rate"])
    ok = resolved["growth_gap"].notna().to_numpy()
    fit = None
    if ok.sum() >= 3:
        fit = fit_logistic(resolved["growth_gap"].to_numpy(float)[ok], met[ok].astype(float),
                           prior_scale=prior_scale, firth=firth)
    return BaseRate(n_resolved=n, n_met=int(met.sum()), rate=met.mean() if n else math.nan,
                    shortfall=shortfall, by_band=by_band, fit=fit,
                    resolved=resolved.reset_index(drop=True))


def reference_summary(**kwargs) -> pd.DataFrame:
    """The base-rate figures an analyst can quote (:meth:`BaseRate.summary` of
    :func:`base_rate` with ``kwargs``)."""
    return base_rate(**kwargs).summary()
