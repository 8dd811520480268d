"""Random walk with drift in logs, for irregularly spaced annual observations."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Literal

import numpy as np
import pandas as pd

from .._validation import check_choice, check_real
from ._base import FitResult, GrowthModel
from .priors import draw_bounded_sigma2

__all__ = [
    "BGK_BETA",
    "RandomWalk",
    "RandomWalkFit",
    "first_passage_probability",
    "random_walk_estimates",
]

#: Broadie–Glasserman–Kou constant: -zeta(1/2) / sqrt(2 pi).
BGK_BETA = 0.5825971579390106


@dataclass(frozen=True, slots=True, kw_only=True)
class RandomWalkFit(FitResult):
    """A fitted :class:`RandomWalk`: ``params`` hold ``drift`` and ``sigma`` (annual, in logs)."""

    parameter_uncertainty: bool = True

    def _simulate_log(self, n_paths: int, steps: int, rng: np.random.Generator) -> np.ndarray:
        mu, sigma = self.params["drift"], self.params["sigma"]
        k, span = int(self.extras["n_increments"]), float(self.extras["span_years"])
        if self.parameter_uncertainty:
            # Posterior under the flat prior on (mu, log sigma), the variance bounded at
            # MAX_SIGMA^2: sigma^2 ~ (k-1) s^2 / chi2(k-1) truncated, mu | sigma^2 ~
            # N(mu_hat, sigma^2 / T), T the span of the data in years.
            s2 = draw_bounded_sigma2(rng, (k - 1) * sigma**2, k - 1, n_paths)
            sig = np.sqrt(s2)[:, None]
            drift = mu + sig / np.sqrt(span) * rng.standard_normal((n_paths, 1))
        else:
            sig = np.full((n_paths, 1), sigma)
            drift = np.full((n_paths, 1), mu)
        shocks = drift + sig * rng.standard_normal((n_paths, steps))
        return np.log(self.last_value) + np.cumsum(shocks, axis=1)


class RandomWalk(GrowthModel):
    """Random walk with drift in log levels.

    Parameters
    ----------
    parameter_uncertainty : bool, default True
        Draw drift and volatility per path from their posterior (see Notes). False holds them
        at the point estimates, as statsmodels' ``simulate`` does: useful for checks, too
        narrow for decisions.

    Notes
    -----
    Between observed years :math:`t_i < t_{i+1}`, with gap :math:`\\Delta_i`,

    .. math:: \\log y_{i+1} - \\log y_i \\sim N(\\mu \\Delta_i, \\sigma^2 \\Delta_i)

    independently, so gaps scale the variance exactly. The estimates are
    :math:`\\hat\\mu = (\\log y_n - \\log y_1) / (t_n - t_1)` (it depends **only on the two
    endpoints**: a partial-year or differently reported endpoint moves everything) and
    :math:`s^2 = \\frac{1}{k-1} \\sum_i (d_i - \\hat\\mu \\Delta_i)^2 / \\Delta_i` over the
    :math:`k` increments. Each simulated path draws
    :math:`\\sigma^2 \\sim (k-1) s^2 / \\chi^2_{k-1}`, truncated at
    ``MAX_SIGMA ** 2`` (:func:`~tradepath.models.priors.draw_bounded_sigma2`: every
    forecast mean is then finite), and
    :math:`\\mu \\sim N(\\hat\\mu, \\sigma^2 / (t_n - t_1))` (the posterior under a flat prior
    on :math:`(\\mu, \\log\\sigma)`), then its shocks. Assumes growth does not decelerate.
    Needs at least 4 observations (3 increments): with two increments the volatility has one
    degree of freedom and the simulated levels have no finite mean.

    Examples
    --------
    >>> import pandas as pd
    >>> from tradepath.models import RandomWalk
    >>> fit = RandomWalk().fit(pd.Series({2019: 60.0, 2020: 63.0, 2022: 70.0, 2023: 75.0}))
    >>> round(fit.params["drift"], 4)
    0.0558
    """

    name: ClassVar[str] = "random_walk"
    min_points: ClassVar[int] = 4

    def __init__(self, *, parameter_uncertainty: bool = True) -> None:
        check_choice("parameter_uncertainty", "RandomWalk", parameter_uncertainty, (True, False))
        self.parameter_uncertainty = parameter_uncertainty

    def _fit(self, s: pd.Series) -> RandomWalkFit:
        t = s.index.to_numpy(dtype=float)
        y = np.log(s.to_numpy(dtype=float))
        (mu,), (ss,), (span,) = random_walk_estimates(t, y)
        k = len(t) - 1
        s2 = float(ss / (k - 1))
        first, last = int(t[0]), int(t[-1])
        notes = (
            f"The drift depends only on the endpoints {first} ({s.iloc[0]:g}) and {last} "
            f"({s.iloc[-1]:g}): a partial-year or differently reported endpoint moves the whole "
            "forecast.",
            f"Volatility estimated from {k} increments ({k - 1} degrees of freedom).",
        )
        return RandomWalkFit(
            model=self.name, series=s, params={"drift": float(mu), "sigma": float(np.sqrt(s2))},
            growth=float(np.expm1(mu)), notes=notes,
            extras={"n_increments": k, "span_years": float(span)},
            parameter_uncertainty=self.parameter_uncertainty,
        )


def random_walk_estimates(t: np.ndarray, y: np.ndarray, starts: np.ndarray | None = None,
                          counts: np.ndarray | None = None
                          ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Drift, residual sum of squares and span of one or many random walks with drift.

    The one estimator of the random walk, vectorised across series stored as one array plus
    offsets (series ``i`` is rows ``starts[i] : starts[i] + counts[i]`` of ``t`` and ``y``,
    times increasing within it; default: one series). With gaps ``g`` and increments ``d``,
    ``mu = (y_last - y_first) / span`` and ``ss = sum((d - mu g)^2 / g)`` (see
    :class:`RandomWalk`); each caller turns ``ss`` into a volatility with its degrees of
    freedom. Every series needs two points or more at distinct times.
    """
    t = np.asarray(t, dtype=float)
    y = np.asarray(y, dtype=float)
    if starts is None or counts is None:
        starts, counts = np.array([0]), np.array([len(t)])
    ends = starts + counts - 1
    span = t[ends] - t[starts]
    mu = (y[ends] - y[starts]) / span
    gaps, d = np.diff(t), np.diff(y)
    boundary = np.zeros(len(gaps), dtype=bool)
    boundary[ends[:-1]] = True  # the step from one series' last row to the next series
    gaps = np.where(boundary, 1.0, gaps)
    resid = (d - np.repeat(mu, counts)[:-1] * gaps) ** 2 / gaps
    resid[boundary] = 0.0
    ss = np.add.reduceat(np.append(resid, 0.0), starts)
    return mu, ss, span


def first_passage_probability(
    drift: float,
    sigma: float,
    barrier: float,
    horizon: float,
    *,
    monitoring: Literal["continuous", "annual"] = "continuous",
) -> float:
    """P(a Brownian motion with drift reaches ``barrier`` by ``horizon``), closed form.

    Parameters
    ----------
    drift, sigma : float
        Annual drift and volatility of the log level (sigma > 0).
    barrier : float
        Log distance to the target, ``log(target / current)``; <= 0 means already met.
    horizon : float
        Years ahead (> 0).
    monitoring : {"continuous", "annual"}, default "continuous"
        "annual" applies the Broadie–Glasserman–Kou discrete-monitoring correction: the
        barrier is shifted up by ``0.5826 * sigma * sqrt(1)``, because annual totals are only
        checked once a year and the continuous formula overstates the probability.

    Notes
    -----
    The first-passage time of :math:`X_t = \\mu t + \\sigma W_t` to :math:`b > 0` is inverse
    Gaussian, and

    .. math:: P(\\tau_b \\le T) = \\Phi\\left(\\frac{\\mu T - b}{\\sigma\\sqrt T}\\right)
       + e^{2\\mu b/\\sigma^2}\\,\\Phi\\left(\\frac{-\\mu T - b}{\\sigma\\sqrt T}\\right).

    References
    ----------
    Broadie, Glasserman and Kou (1997), "A continuity correction for discrete barrier
    options", Mathematical Finance 7(4).
    """
    drift = check_real("drift", "first_passage_probability", drift)
    sigma = check_real("sigma", "first_passage_probability", sigma, lo=0.0, lo_open=True)
    barrier = check_real("barrier", "first_passage_probability", barrier)
    horizon = check_real("horizon", "first_passage_probability", horizon, lo=0.0, lo_open=True)
    check_choice("monitoring", "first_passage_probability", monitoring, ("continuous", "annual"))
    if barrier <= 0:
        return 1.0
    from scipy import stats  # on first use: scipy.stats costs about a second to import

    if monitoring == "annual":
        barrier += BGK_BETA * sigma
    sd = sigma * np.sqrt(horizon)
    # The reflected term is written in logs so that large 2*mu*b/sigma^2 cannot overflow.
    log_reflect = (2 * drift * barrier / sigma**2
                   + stats.norm.logcdf((-drift * horizon - barrier) / sd))
    p = stats.norm.cdf((drift * horizon - barrier) / sd) + np.exp(log_reflect)
    return float(min(max(p, 0.0), 1.0))
