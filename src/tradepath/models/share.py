"""The export share of two-way trade as a random walk in logits (for balance conditions)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .._defaults import DEFAULT_PATHS, DEFAULT_SEED
from .._validation import check_int, check_rng
from ..data import Dataset, parse_period
from ..errors import ModelError
from .random_walk import random_walk_estimates

__all__ = ["MIN_FULL_YEARS", "PRIOR_DF", "PRIOR_DRIFT_SD", "PRIOR_SIGMA", "ShareModel"]

#: Full years of export share needed to fit on full years alone; with fewer, partial years
#: that pass the consistency checks are added (see :class:`ShareModel`).
MIN_FULL_YEARS = 3
#: Prior of the logit volatility a year, worth :data:`PRIOR_DF` years of data: the official
#: VN-KR series give 0.086 (Korea's basis, 2014-2025) and 0.109 (Vietnam's, 2004-2021).
PRIOR_SIGMA = 0.1
PRIOR_DF = 4.0
#: Prior sd of the drift (logits a year), centred on 0: the official series drift 0.03 (KR)
#: and 0.045 (VN) a year, a share moving about a point a year.
PRIOR_DRIFT_SD = 0.05


def _failed_figures(ds: Dataset, reporter: str) -> dict[tuple[str, str], str]:
    """Exports and imports figures that fail one of the dataset's consistency checks.

    A failed identity (``total = exports + imports``, ``balance = exports - imports``)
    condemns both flows of its period, since the check cannot say which figure is wrong; a
    failed growth or ratio claim condemns its flow in both periods; a figure derived from a
    condemned one is condemned with it. Disagreements between reporting bases or publications
    are not failures of a figure (both are kept by design). Maps (period, flow) to the check.
    """
    checks = ds.check()
    claims = ds.claims
    claims = claims[claims["reporter"] == reporter]
    bad: dict[tuple[str, str], str] = {}
    for r in checks[checks["status"] == "fail"].itertuples():
        if r.reporter != reporter:
            continue  # bases compared ("VN vs KR") or another reporter's figures
        if r.check.startswith(("total = ", "balance = ")):
            flows, periods = ("exports", "imports"), [r.period]
        elif r.check.startswith("claim:") and r.flow in ("exports", "imports"):
            same = claims[(claims["period"] == r.period) & (claims["flow"] == r.flow)]
            flows, periods = (r.flow,), [r.period, *same["reference_period"]]
        else:
            continue
        for period in periods:
            for flow in flows:
                bad.setdefault((period, flow), f"{r.check} fails")
    obs = ds.observations
    derived = obs[(obs["kind"] == "derived") & (obs["reporter"] == reporter)]
    for c in claims.itertuples(index=False):
        key = (c.period, c.flow)
        if key in bad and ((derived["period"] == c.reference_period)
                           & (derived["flow"] == c.flow)).any():
            bad.setdefault((c.reference_period, c.flow),
                           f"derived from {_period_label(c.period)}, where {bad[key]}")
    return bad


def _period_label(period: str) -> str:
    year, m1, m2 = parse_period(period)
    if m2 - m1 == 11:
        return str(year)
    months = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()
    return f"{months[m1 - 1]}–{months[m2 - 1]} {year}"


@dataclass(frozen=True, slots=True, kw_only=True)
class ShareModel:
    """Random walk with drift for the logit of the export share of two-way trade.

    Balanced targets need exports and imports jointly; the documents give both flows for two
    years only, so tradepath models the total (with the chosen growth model) and the export
    share ``x / (x + m)`` separately, and builds ``x = total * share``, ``m = total * (1 -
    share)`` on every path.

    Notes
    -----
    ``z = logit(share)`` follows a random walk with drift, observed at mid-period times (a
    year at ``year + 0.5``; Jan–May at its middle month), so gaps and partial years scale the
    variance exactly. Posterior per path: ``sigma^2`` scaled inverse chi-square with the
    data's ``k - 1`` degrees of freedom plus a prior worth :data:`PRIOR_DF` (4) years at
    :data:`PRIOR_SIGMA` (0.1, what the official VN-KR series show on both bases), so two
    points give a finite spread of the size this pair has shown; the drift given ``sigma`` is
    normal, the data's ``N(mu_hat, sigma^2 / span)`` times the prior ``N(0,``
    :data:`PRIOR_DRIFT_SD` ``^2)`` (one step between two years cannot pin a trend that then
    runs for years). The share's shocks are independent of the total's: their
    correlation cannot be estimated from the documents' two joint years.

    Which shares are fitted (:meth:`from_dataset`): never a figure that fails the dataset's
    consistency checks (:meth:`Dataset.check`; a failed identity condemns both flows of its
    period, a failed claim its flow, and figures derived from them). Full years only when
    there are at least :data:`MIN_FULL_YEARS` (3) of them: three points give two increments,
    one for the drift and one degree of freedom for the volatility, the fewest with which the
    data say anything about sigma beyond the prior. With fewer full years, partial-year
    shares are added, because an extra increment is worth more than the bias a partial year
    brings (months have their own mix of goods: a Jan–May share is not a year's share). The
    choice is stated in :attr:`note`, never as a warning.
    """

    times: np.ndarray
    logits: np.ndarray
    labels: tuple[str, ...]
    prior_sigma: float = PRIOR_SIGMA
    prior_df: float = PRIOR_DF
    prior_drift_sd: float = PRIOR_DRIFT_SD
    note: str = ""

    @classmethod
    def from_dataset(cls, ds: Dataset, reporter: str, kinds: Sequence[str],
                     last_year: int | None = None) -> ShareModel:
        """The export shares of ``ds`` on ``reporter``'s basis, chosen as the class notes say.

        Raises
        ------
        ModelError
            If no period has both flows that pass the consistency checks.
        """
        obs = ds.observations
        obs = obs[(obs["reporter"] == reporter) & obs["kind"].isin(kinds)
                  & obs["flow"].isin(("exports", "imports"))]
        failed = _failed_figures(ds, reporter)
        keep = [(p, f) not in failed for p, f in zip(obs["period"], obs["flow"], strict=True)]
        dropped = sorted({p for p, f in zip(obs["period"], obs["flow"], strict=True)
                          if (p, f) in failed
                          and (last_year is None or parse_period(p)[0] <= last_year)},
                         key=parse_period)
        sel = obs[keep]
        wide = (sel.pivot_table(index="period", columns="flow", values="value_usd_bn",
                                aggfunc="first") if len(sel) else pd.DataFrame())
        wide = wide.reindex(columns=["exports", "imports"]).dropna()
        rows = []
        for period, r in wide.iterrows():
            year, m1, m2 = parse_period(str(period))
            if last_year is not None and year > last_year:
                continue
            t = year + (m1 - 1 + m2) / 24.0
            rows.append((t, float(r["exports"]), float(r["imports"]), str(period), m2 - m1 == 11))
        annual = [r for r in rows if r[4]]
        partial = [r for r in rows if not r[4]]
        use = annual if len(annual) >= MIN_FULL_YEARS else rows
        if not use:
            raise ModelError(
                "a balanced target needs exports and imports in at least one period on the "
                f"{reporter!r} basis"
                + (" that passes the consistency checks" if dropped else "")
                + "; the data have none. Assess the total without a balance condition, or add "
                "export and import figures."
            )
        use.sort()
        times = np.array([r[0] for r in use])
        shares = np.array([r[1] / (r[1] + r[2]) for r in use])
        n_full = len(annual)
        note = (f"Export share fitted on {len(use)} period(s): "
                + ", ".join(_period_label(r[3]) for r in use) + ". ")
        if n_full >= MIN_FULL_YEARS:
            note += f"Full years only ({n_full}, at least {MIN_FULL_YEARS} needed)"
            note += (f"; partial years left out: {', '.join(_period_label(r[3]) for r in partial)}"
                     if partial else "") + "."
        else:
            note += (f"Only {n_full} full year(s), fewer than the {MIN_FULL_YEARS} needed to fit "
                     "on full years alone, so partial years are used where they pass the checks"
                     + (f" ({', '.join(_period_label(r[3]) for r in partial)})" if partial
                        else " (none does)") + ".")
        if len(use) < MIN_FULL_YEARS:
            note += (f" {len(use)} period{'s leave' if len(use) > 1 else ' leaves'} the data no "
                     "degree of freedom for the "
                     f"volatility: it is the prior's, {PRIOR_SIGMA:g} a year in logits "
                     f"(worth {PRIOR_DF:g} years, from the official series), and the drift "
                     f"leans on its prior (0, sd {PRIOR_DRIFT_SD:g} a year).")

        def why(p: str) -> str:
            return failed.get((p, "exports")) or failed[(p, "imports")]

        if dropped:
            note += (" Left out as failing the consistency checks: "
                     + "; ".join(f"{_period_label(p)} ({why(p)})" for p in dropped) + ".")
        return cls(times=times, logits=np.log(shares / (1 - shares)),
                   labels=tuple(r[3] for r in use), note=note)

    @property
    def params(self) -> dict[str, float]:
        k = len(self.times) - 1
        mu, ss, span = 0.0, 0.0, 0.0
        if k:
            (mu,), (ss,), (span,) = random_walk_estimates(self.times, self.logits)
            mu, ss, span = float(mu), float(ss), float(span)
        df = self.prior_df + max(k - 1, 0)
        s2 = (self.prior_df * self.prior_sigma**2 + ss) / df
        prec = span / s2 + self.prior_drift_sd**-2.0
        return {"drift": mu, "drift_posterior": span / s2 * mu / prec, "sigma": math.sqrt(s2),
                "df": df, "span": span,
                "last_share": float(1 / (1 + math.exp(-self.logits[-1]))),
                "last_time": float(self.times[-1])}

    def simulate(self, years: np.ndarray, *, n_paths: int = DEFAULT_PATHS,
                 seed: Any = DEFAULT_SEED) -> np.ndarray:
        """Export-share paths at ``year + 0.5`` for each year in ``years``: (n_paths, len).

        ``n_paths`` and ``seed`` (an int, or a Generator whose stream continues) are
        keyword-only, as in every ``simulate`` of tradepath.
        """
        func = "ShareModel.simulate"
        n_paths = check_int("n_paths", func, n_paths, lo=1)
        rng = check_rng("seed", func, seed)
        p = self.params
        sig = p["sigma"] * np.sqrt(p["df"] / rng.chisquare(p["df"], size=(n_paths, 1)))
        # drift | sigma: the data's N(drift, sigma^2/span) times the prior N(0, sd^2)
        prec = p["span"] / sig**2 + self.prior_drift_sd**-2.0
        drift = (p["span"] / sig**2 * p["drift"]) / prec \
            + rng.standard_normal((n_paths, 1)) / np.sqrt(prec)
        t = years.astype(float) + 0.5
        gaps = np.diff(np.concatenate([[p["last_time"]], t]))
        steps = drift * gaps + sig * np.sqrt(gaps) * rng.standard_normal((n_paths, len(t)))
        z = self.logits[-1] + np.cumsum(steps, axis=1)
        from scipy.special import expit  # the logistic function without overflow

        return np.asarray(expit(z))
