"""Stochastic growth: a level whose growth rate takes shocks and reverts to a long-run rate.

The model behind the library's probabilities. A boom followed by a stall is something it can
produce (growth itself is hit by shocks), a gap in the data is a run of missing years in a
Kalman filter, and the parameters are integrated over a proper prior (by default learned from
a panel of trade pairs), so that a series of two or three points gets a wide, honest answer
and a long series is dominated by its own data.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar, Literal

import numpy as np
import pandas as pd

from .._defaults import DEFAULT_SEED
from .._validation import check_int, fail
from ..errors import ModelError
from ._base import FitResult, GrowthModel
from .priors import WEAK_PRIOR, GrowthPrior, to_theta

__all__ = [
    "StochasticGrowth",
    "StochasticGrowthFit",
    "kalman_growth",
    "series_loglike",
]


def kalman_growth(
    years: np.ndarray, logs: np.ndarray, theta: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Kalman filter of the stochastic growth model, vectorised over parameter sets.

    Parameters
    ----------
    years : ndarray of int, shape (n_obs,)
        Observed years, increasing (gaps allowed).
    logs : ndarray, shape (n_obs,)
        Log levels in those years.
    theta : ndarray, shape (n_sets, 4)
        Parameter sets (mu, phi, sigma_eta, sigma_e).

    Returns
    -------
    loglike : ndarray, shape (n_sets,)
        :math:`\\log p(y_2, \\dots, y_n \\mid y_1, \\theta)`.
    mean : ndarray, shape (n_sets, 2)
        Filtered (level, growth deviation :math:`g_T - \\mu`) in the last observed year.
    cov : ndarray, shape (n_sets, 3)
        Its covariance as (P_ll, P_ld, P_dd).

    Notes
    -----
    State :math:`(\\ell_t, d_t)` with :math:`d_t = g_t - \\mu`:

    .. math::

        d_t = \\phi d_{t-1} + \\eta_t, \\quad \\ell_t = \\ell_{t-1} + \\mu + d_t, \\quad
        y_t = \\ell_t + \\varepsilon_t,

    :math:`\\eta_t \\sim N(0, \\sigma_\\eta^2)`, :math:`\\varepsilon_t \\sim N(0,
    \\sigma_\\varepsilon^2)`. The level starts flat (diffuse): after the first observation
    :math:`\\ell \\sim N(y_1, \\sigma_\\varepsilon^2)`, so the likelihood is that of the later
    observations given the first; the growth deviation starts from its stationary
    distribution :math:`N(0, \\sigma_\\eta^2 / (1 - \\phi^2))`. Years without an observation
    are predicted through, never filled: the spacing of the data carries no information.
    """
    mu, phi, q, h = theta[:, 0], theta[:, 1], theta[:, 2] ** 2, theta[:, 3] ** 2
    n = len(theta)
    a_l, a_d = np.full(n, float(logs[0])), np.zeros(n)
    p_ll, p_ld, p_dd = h.copy(), np.zeros(n), q / (1.0 - phi**2)
    obs = dict(zip((int(y) for y in years[1:]), (float(v) for v in logs[1:]), strict=True))
    loglike = np.zeros(n)
    for year in range(int(years[0]) + 1, int(years[-1]) + 1):
        a_d = phi * a_d
        a_l = a_l + mu + a_d
        p_ll, p_ld, p_dd = (p_ll + 2 * phi * p_ld + phi**2 * p_dd + q,
                            phi * p_ld + phi**2 * p_dd + q,
                            phi**2 * p_dd + q)
        if year in obs:
            f = p_ll + h
            v = obs[year] - a_l
            loglike -= 0.5 * (np.log(2 * np.pi * f) + v * v / f)
            k_l, k_d = p_ll / f, p_ld / f
            a_l, a_d = a_l + k_l * v, a_d + k_d * v
            # P_ll h / F rather than P_ll - P_ll^2 / F: no cancellation when P_ll >> h
            p_ll, p_ld, p_dd = p_ll * h / f, p_ld * h / f, p_dd - p_ld * p_ld / f
    return loglike, np.column_stack([a_l, a_d]), np.column_stack([p_ll, p_ld, p_dd])


def series_loglike(s: pd.Series, theta: np.ndarray) -> np.ndarray:
    """:func:`kalman_growth`'s log-likelihood of a (year -> positive value) series."""
    years = np.asarray(s.index, dtype=int)
    return kalman_growth(years, np.log(s.to_numpy(dtype=float)), theta)[0]


def _ess(logw: np.ndarray) -> float:
    w = np.exp(logw - logw.max())
    return float(w.sum() ** 2 / (w * w).sum())


class _StudentT:
    """The multivariate t distribution (location, shape, degrees of freedom): the draws and
    densities of ``scipy.stats.multivariate_t`` with the same generator, without importing
    scipy.stats (about a second of a report's start-up)."""

    def __init__(self, loc: np.ndarray, shape: np.ndarray, df: int) -> None:
        from scipy import linalg

        self.loc, self.shape, self.df = loc, shape, df
        # scipy.stats' _PSD: eigen-decomposition, small eigenvalues cut as scipy cuts them.
        s, u = linalg.eigh(shape, lower=True, check_finite=True)
        eps = 1e6 * np.finfo(float).eps * np.max(abs(s))
        if len(s[s > eps]) < len(s):
            raise np.linalg.LinAlgError("the proposal's shape matrix is singular")
        self.prec_u = np.multiply(u, np.sqrt(np.array([1 / x for x in s], dtype=float)))
        self.log_pdet = np.sum(np.log(s))

    def rvs(self, size: int, rng: np.random.Generator) -> np.ndarray:
        x = rng.chisquare(self.df, size=size) / self.df
        z = rng.multivariate_normal(np.zeros(len(self.loc)), self.shape, size=size)
        return self.loc + z / np.sqrt(x)[..., None]

    def logpdf(self, x: np.ndarray) -> np.ndarray:
        from scipy.special import gammaln

        dim, df = len(self.loc), self.df
        maha = np.square(np.dot(x - self.loc, self.prec_u)).sum(axis=-1)
        t = 0.5 * (df + dim)
        return (gammaln(t) - gammaln(0.5 * df) - dim / 2.0 * np.log(df * np.pi)
                - 0.5 * self.log_pdet - t * np.log(1 + (1.0 / df) * maha))


def _posterior(
    years: np.ndarray, logs: np.ndarray, prior: GrowthPrior, n_draws: int,
    rng: np.random.Generator, min_ess: float,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, int]:
    """Adaptive importance sampling of the posterior; returns the last round's draws.

    Round 0 draws from the prior (weights = likelihood). While the effective sample size is
    below ``min_ess``, the next round draws from a defensive mixture, 10 % prior and 90 % a
    multivariate t (4 df) matched to the weighted draws, weights = prior x likelihood /
    mixture density.
    """
    from scipy import special

    u = prior.sample_u(n_draws, rng)
    log_prior = prior.logpdf_u(u)
    loglike, mean, cov = kalman_growth(years, logs, to_theta(u))
    logw = np.where(np.isfinite(loglike), loglike, -np.inf)
    rounds = 0
    while _ess(logw) < min_ess and rounds < 3:
        rounds += 1
        w = np.exp(logw - logw.max())
        w /= w.sum()
        centre = w @ u
        spread = ((u - centre) * w[:, None]).T @ (u - centre) + 1e-6 * np.eye(4)
        prop = _StudentT(centre, 1.5 * spread, df=4)
        n_prop = int(0.9 * n_draws)
        u = np.vstack([prop.rvs(n_prop, rng), prior.sample_u(n_draws - n_prop, rng)])
        log_prior = prior.logpdf_u(u)
        log_q = np.logaddexp(np.log(0.9) + prop.logpdf(u), np.log(0.1) + log_prior)
        ok = np.isfinite(log_prior)
        theta = to_theta(np.where(ok[:, None], u, prior.sample_u(1, rng)))
        loglike, mean, cov = kalman_growth(years, logs, theta)
        logw = np.where(ok & np.isfinite(loglike), loglike + log_prior - log_q, -np.inf)
    logw = logw - special.logsumexp(logw)
    return u, logw, mean, cov, log_prior, rounds


@dataclass(frozen=True, slots=True, kw_only=True)
class StochasticGrowthFit(FitResult):
    """A fitted :class:`StochasticGrowth`.

    ``params``: posterior means of ``mu`` (long-run log growth), ``phi`` (persistence of
    growth), ``sigma_eta`` (growth shocks), ``sigma_e`` (observation noise) and ``slope`` (the
    log growth in the last year, :math:`\\mu + d_T`); ``data_weight_<name>`` for mu, phi,
    sigma_eta, sigma_e and slope: :math:`1 - \\mathrm{Var}_{post}/\\mathrm{Var}_{prior}`, 0 when
    the answer leans on the prior alone, near 1 when the data settle it. ``extras``: ``theta``
    (posterior draws, shape (n, 4)), ``weights``, ``state_mean`` and ``state_cov``
    (filtered last-year state per draw), ``ess`` (effective sample size), ``prior``.
    """

    def _simulate_log(self, n_paths: int, steps: int, rng: np.random.Generator) -> np.ndarray:
        theta = np.asarray(self.extras["theta"])
        w = np.asarray(self.extras["weights"])
        idx = rng.choice(len(w), size=n_paths, p=w)
        mu, phi, s_eta, s_e = (theta[idx, i] for i in range(4))
        mean = np.asarray(self.extras["state_mean"])[idx]
        cov = np.asarray(self.extras["state_cov"])[idx]
        # filtered (level, deviation) from its 2 x 2 normal, by Cholesky
        l00 = np.sqrt(np.maximum(cov[:, 0], 0.0))
        l10 = np.divide(cov[:, 1], l00, out=np.zeros_like(l00), where=l00 > 0)
        l11 = np.sqrt(np.maximum(cov[:, 2] - l10**2, 0.0))
        z = rng.standard_normal((n_paths, 2))
        level = mean[:, 0] + l00 * z[:, 0]
        dev = mean[:, 1] + l10 * z[:, 0] + l11 * z[:, 1]
        shocks = s_eta[:, None] * rng.standard_normal((n_paths, steps))
        # d_{T+k} = phi^k d_T + sum_j phi^(k-j) eta_{T+j}, by a recursion over years only
        out = np.empty((n_paths, steps))
        for k in range(steps):
            dev = phi * dev + shocks[:, k]
            level = level + mu + dev
            out[:, k] = level
        return out + s_e[:, None] * rng.standard_normal((n_paths, steps))


class StochasticGrowth(GrowthModel):
    """Log level with a growth rate that takes shocks and reverts to a long-run rate.

    Parameters
    ----------
    prior : {"panel", "weak"} or GrowthPrior, default "panel"
        ``"panel"``: learned from the shipped reference panel of trade pairs by empirical
        Bayes (:func:`~tradepath.models.priors.panel_prior`); ``"weak"``:
        :data:`~tradepath.models.priors.WEAK_PRIOR`; or any :class:`GrowthPrior` (e.g. a
        leave-one-pair-out prior).
    n_draws : int, default 4000
        Importance-sampling draws of the parameters per round.
    seed : int, default 0
        Seed of the posterior sampling, so that the same data give the same fit.

    Notes
    -----
    .. math::

        y_t = \\ell_t + \\varepsilon_t, \\quad \\ell_t = \\ell_{t-1} + g_t, \\quad
        g_t = \\mu + \\phi (g_{t-1} - \\mu) + \\eta_t,

    in logs, with :math:`\\eta_t \\sim N(0, \\sigma_\\eta^2)` shocks to growth and
    :math:`\\varepsilon_t \\sim N(0, \\sigma_\\varepsilon^2)` noise of a reported figure
    (rounding, revision, valuation). Growth is a damped stochastic slope: shocks persist with
    :math:`\\phi` and fade towards the long-run rate :math:`\\mu` (a local linear trend with a
    mean-reverting slope). A boom is a positive growth shock that fades; the forecast after it
    is neither the boom's pace nor the long-run rate but a path between them whose width
    grows with the horizon.

    **Gaps and isolated early points.** The series sits on its complete annual index and the
    Kalman filter (:func:`kalman_growth`) only predicts through missing years: a 20-year gap
    accumulates 20 years of growth shocks in the predictive variance, so points before it
    inform the long-run rate :math:`\\mu` but hardly the current growth, and the observation
    noise absorbs a rounded figure. No persistence is inferred from the spacing.

    **Posterior.** Proper priors on all four parameters (:class:`GrowthPrior`: normal
    :math:`\\mu`, beta :math:`\\phi`, log-normal volatilities truncated at
    :data:`~tradepath.models.priors.MAX_SIGMA`), integrated by adaptive importance sampling:
    draws from the prior weighted by the Kalman likelihood; when the effective sample size
    falls below a quarter of the draws (a long, informative series), further rounds draw from
    a t proposal matched to the weighted draws, mixed with the prior. Each simulated path
    resamples a parameter draw by its weight, draws the last year's state from its filtered
    distribution and simulates shocks forward. Volatilities are bounded, so every forecast
    mean is finite. ``data_weight_*`` in ``params`` say how much of each answer comes from
    the data rather than the prior.

    Needs 2 observations; with 2 or 3 the prior carries most of the answer and the notes say
    so.

    Examples
    --------
    >>> import pandas as pd
    >>> from tradepath.models import StochasticGrowth
    >>> s = pd.Series({2009: 9.5, 2012: 20.0, 2021: 78.0, 2024: 81.5})
    >>> fit = StochasticGrowth(prior="weak").fit(s)
    >>> 0.0 < fit.params["mu"] < 0.2
    True
    """

    name: ClassVar[str] = "stochastic_growth"
    min_points: ClassVar[int] = 2

    def __init__(
        self,
        *,
        prior: Literal["panel", "weak"] | GrowthPrior = "panel",
        n_draws: int = 4000,
        seed: int = DEFAULT_SEED,
    ) -> None:
        if not (isinstance(prior, GrowthPrior) or prior in ("panel", "weak")):
            raise fail("prior", "StochasticGrowth", "'panel', 'weak' or a GrowthPrior", prior)
        self.prior = prior
        self.n_draws = check_int("n_draws", "StochasticGrowth", n_draws, lo=200, hi=200_000)
        self.seed = check_int("seed", "StochasticGrowth", seed, lo=0)

    def resolved_prior(self) -> GrowthPrior:
        """The :class:`GrowthPrior` this model uses."""
        if isinstance(self.prior, GrowthPrior):
            return self.prior
        if self.prior == "weak":
            return WEAK_PRIOR
        from .priors import panel_prior

        return panel_prior()

    def _fit(self, s: pd.Series) -> StochasticGrowthFit:
        prior = self.resolved_prior()
        years = s.index.to_numpy(dtype=int)
        logs = np.log(s.to_numpy(dtype=float))
        rng = np.random.default_rng(self.seed)
        u, logw, mean, cov, _, rounds = _posterior(years, logs, prior, self.n_draws, rng,
                                                   min_ess=self.n_draws / 4)
        w = np.exp(logw)
        keep = w > 1e-12 * w.max()
        if not keep.any() or not np.isfinite(w).all():
            raise ModelError("stochastic_growth: the posterior could not be sampled (every "
                             "parameter draw has zero likelihood).")
        u, w, mean, cov = u[keep], w[keep] / w[keep].sum(), mean[keep], cov[keep]
        theta = to_theta(u)
        ess = float(1.0 / np.sum(w * w))
        slope = theta[:, 0] + mean[:, 1]
        post = np.column_stack([theta, slope])
        post_mean = w @ post
        post_var = w @ (post - post_mean) ** 2
        prior_theta = to_theta(prior.sample_u(20_000, np.random.default_rng(1)))
        # The prior of the current growth: mu plus a stationary deviation.
        prior_slope_var = (prior_theta[:, 0].var()
                           + np.mean(prior_theta[:, 2] ** 2 / (1 - prior_theta[:, 1] ** 2)))
        prior_var = np.append(prior_theta.var(axis=0), prior_slope_var)
        names = ("mu", "phi", "sigma_eta", "sigma_e", "slope")
        weight = np.clip(1.0 - post_var / prior_var, 0.0, 1.0)
        params = {k: float(v) for k, v in zip(names, post_mean, strict=True)}
        params |= {f"data_weight_{k}": float(v) for k, v in zip(names, weight, strict=True)}
        def lean(x: float) -> str:
            return ("the prior" if x < 0.33 else "the data" if x > 0.67
                    else "prior and data about equally")

        notes = (
            f"Growth takes shocks (sd {params['sigma_eta']:.3f} a year) that persist with "
            f"phi {params['phi']:.2f} and fade towards a long-run rate of "
            f"{np.expm1(params['mu']):+.1%} a year; current growth {np.expm1(slope @ w):+.1%}.",
            f"Prior: {prior.source}. The current growth leans on {lean(weight[4])} (data "
            f"weight {weight[4]:.2f}), the long-run rate on {lean(weight[0])} "
            f"({weight[0]:.2f}); persistence {weight[1]:.2f}, growth shocks {weight[2]:.2f}, "
            f"noise {weight[3]:.2f}.",
            f"Missing years are predicted through by the Kalman filter ({len(s)} observed of "
            f"{years[-1] - years[0] + 1} years); importance sampling, effective sample size "
            f"{ess:.0f} of {len(w)} after {rounds} adaptive round(s).",
        )
        return StochasticGrowthFit(
            model=self.name, series=s, params=params,
            growth=float(np.expm1(post_mean[4])), notes=notes,
            extras={"theta": theta, "weights": w, "state_mean": mean, "state_cov": cov,
                    "ess": ess, "prior": prior},
        )

    def __repr__(self) -> str:
        prior: Any = self.prior if isinstance(self.prior, str) else "GrowthPrior(...)"
        return f"StochasticGrowth(prior={prior!r}, n_draws={self.n_draws}, seed={self.seed})"
