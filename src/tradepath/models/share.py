"""The export share of two-way trade as a random walk in logits (for balance conditions)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .._deprecation import keyword_only
from .._validation import check_int, check_rng
from ..data import Dataset, parse_period
from ..errors import ModelError
from .random_walk import random_walk_estimates

__all__ = ["ShareModel"]


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
    variance exactly. Partial-year shares are used only when fewer than three annual shares
    exist, and are marked in the notes. Posterior per path: ``sigma^2`` scaled inverse
    chi-square with the data's ``k - 1`` degrees of freedom plus a weak prior of one
    pseudo-observation at ``prior_sigma = 0.1`` (so two points still give a finite, wide
    spread); ``drift ~ N(mu_hat, sigma^2 / span)``. The share's shocks are independent of the
    total's: their correlation cannot be estimated from the documents' two joint years.
    """

    times: np.ndarray
    logits: np.ndarray
    labels: tuple[str, ...]
    prior_sigma: float = 0.1
    prior_df: float = 1.0

    @classmethod
    def from_dataset(cls, ds: Dataset, reporter: str, kinds: Sequence[str],
                     last_year: int | None = None) -> ShareModel:
        obs = ds.observations
        obs = obs[(obs["reporter"] == reporter) & obs["kind"].isin(kinds)
                  & obs["flow"].isin(("exports", "imports"))]
        wide = obs.pivot_table(index="period", columns="flow", values="value_usd_bn",
                               aggfunc="first").dropna()
        rows = []
        for period, r in wide.iterrows():
            year, m1, m2 = parse_period(str(period))
            if last_year is not None and year > last_year:
                continue
            t = year + (m1 - 1 + m2) / 24.0
            rows.append((t, float(r["exports"]), float(r["imports"]), str(period), m2 - m1 == 11))
        annual = [r for r in rows if r[4]]
        use = annual if len(annual) >= 3 else rows
        if not use:
            raise ModelError(
                "a balanced target needs exports and imports in at least one period on the "
                f"{reporter!r} basis; the data have none. Assess the total without a balance "
                "condition, or add export and import figures."
            )
        use.sort()
        times = np.array([r[0] for r in use])
        shares = np.array([r[1] / (r[1] + r[2]) for r in use])
        return cls(times=times, logits=np.log(shares / (1 - shares)),
                   labels=tuple(r[3] for r in use))

    @property
    def params(self) -> dict[str, float]:
        k = len(self.times) - 1
        mu, ss, span = 0.0, 0.0, 0.0
        if k:
            (mu,), (ss,), (span,) = random_walk_estimates(self.times, self.logits)
            mu, ss, span = float(mu), float(ss), float(span)
        df = self.prior_df + max(k - 1, 0)
        s2 = (self.prior_df * self.prior_sigma**2 + ss) / df
        return {"drift": mu, "sigma": math.sqrt(s2), "df": df, "span": span,
                "last_share": float(1 / (1 + math.exp(-self.logits[-1]))),
                "last_time": float(self.times[-1])}

    @keyword_only("n_paths", "seed", first=2)
    def simulate(self, years: np.ndarray, *, n_paths: int = 10_000, seed: Any = 0) -> np.ndarray:
        """Export-share paths at ``year + 0.5`` for each year in ``years``: (n_paths, len).

        ``n_paths`` and ``seed`` (an int, or a Generator whose stream continues) are
        keyword-only, as in every ``simulate`` of tradepath.
        """
        func = "ShareModel.simulate"
        n_paths = check_int("n_paths", func, n_paths, lo=1)
        rng = check_rng("seed", func, seed)
        p = self.params
        sig = math.sqrt(p["sigma"] ** 2) * np.sqrt(p["df"] / rng.chisquare(p["df"],
                                                                           size=(n_paths, 1)))
        if p["span"] > 0:
            drift = p["drift"] + sig / math.sqrt(p["span"]) * rng.standard_normal((n_paths, 1))
        else:
            drift = np.zeros((n_paths, 1))
        t = years.astype(float) + 0.5
        gaps = np.diff(np.concatenate([[p["last_time"]], t]))
        steps = drift * gaps + sig * np.sqrt(gaps) * rng.standard_normal((n_paths, len(t)))
        z = self.logits[-1] + np.cumsum(steps, axis=1)
        from scipy.special import expit  # the logistic function without overflow

        return np.asarray(expit(z))
