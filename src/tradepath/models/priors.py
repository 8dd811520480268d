"""Priors of the growth models, and how the panel of trade pairs teaches them.

A :class:`GrowthPrior` is a proper distribution over the four parameters of
:class:`~tradepath.models.StochasticGrowth` (long-run growth, persistence of growth, the
volatility of growth shocks and the observation noise). :data:`WEAK_PRIOR` is a wide default
written down before seeing any series; :func:`panel_prior` learns the prior from many pairs'
series by empirical Bayes (maximising the marginal likelihood of the panel), and
:func:`panel_prior` with ``exclude=`` gives the leave-one-pair-out prior used to validate it.

A :class:`TrendPrior` is the conjugate prior of the damped trend's last-year growth and
volatility (:class:`~tradepath.models.DampedTrend`), :func:`trend_posterior` its closed-form
posterior; :func:`tradepath.models.damped.trend_panel_prior` learns it from the same panel,
by the same rule, with the same ``exclude=``.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import pandas as pd

from .._validation import check_real, fail
from ..errors import ModelError

__all__ = [
    "MAX_SIGMA",
    "REFERENCE_TREND_PRIOR",
    "WEAK_PRIOR",
    "GrowthPrior",
    "TrendPosterior",
    "TrendPrior",
    "draw_bounded_sigma2",
    "panel_prior",
    "panel_series",
    "trend_posterior",
]

#: Largest annual log standard deviation of a growth shock or of the observation noise that
#: the priors allow (0.5: a one-sigma factor of 1.65 in a year). Bounding the volatilities is
#: what keeps every forecast mean finite: a level is the exponential of a normal, and its mean
#: ``exp(sigma^2 / 2)`` has no finite expectation under any unbounded inverse-gamma or
#: log-normal volatility.
MAX_SIGMA = 0.5


def draw_bounded_sigma2(
    rng: np.random.Generator, scale: np.ndarray | float, df: np.ndarray | float, n: int
) -> np.ndarray:
    """``n`` variances ``scale / chi2(df)`` truncated at ``MAX_SIGMA ** 2``.

    The scaled inverse chi-square is the posterior of a variance under the reference prior;
    truncating it at the panel's bound (:data:`MAX_SIGMA`) makes it a proper posterior under
    the bounded prior and gives the simulated levels a finite mean (an untruncated inverse
    chi-square has none: ``E[exp(sigma^2 / 2)]`` diverges). Drawn exactly by inversion:
    ``chi2 = isf(v)`` with ``v ~ U(0, sf(scale / MAX_SIGMA^2))``.
    """
    # scipy.special's chi-square functions are what scipy.stats.chi2's sf and isf compute
    # (without importing scipy.stats, a second of the report's start-up).
    from scipy import special

    scale = np.broadcast_to(np.asarray(scale, dtype=float), (n,))
    df = np.broadcast_to(np.asarray(df, dtype=float), (n,))
    lo = scale / MAX_SIGMA**2
    top = special.chdtrc(df, lo)
    v = rng.uniform(0.0, 1.0, n) * top
    with np.errstate(divide="ignore", invalid="ignore"):
        chi = special.chdtri(df, v)
        out = np.where((top > 0) & (chi > 0), scale / chi, MAX_SIGMA**2)
    return np.minimum(out, MAX_SIGMA**2)


@dataclass(frozen=True, slots=True, kw_only=True)
class GrowthPrior:
    """A proper prior over (mu, phi, sigma_eta, sigma_e).

    Parameters
    ----------
    mu_mean, mu_sd : float
        Long-run annual log growth :math:`\\mu \\sim N(\\text{mu\\_mean}, \\text{mu\\_sd}^2)`.
    phi_a, phi_b : float
        Persistence of growth :math:`\\phi \\sim \\mathrm{Beta}(a, b)` on (0, 1).
    eta_logmean, eta_logsd : float
        :math:`\\log\\sigma_\\eta \\sim N(m, s^2)`, truncated at ``log(MAX_SIGMA)``: the annual
        standard deviation of the shocks to growth.
    eps_logmean, eps_logsd : float
        The same for :math:`\\sigma_\\varepsilon`, the noise of a reported figure around the
        level (rounding, revisions, valuation).
    source : str
        Where the prior comes from (shown in fit notes).
    """

    mu_mean: float = 0.07
    mu_sd: float = 0.06
    phi_a: float = 2.0
    phi_b: float = 2.0
    eta_logmean: float = float(np.log(0.04))
    eta_logsd: float = 0.8
    eps_logmean: float = float(np.log(0.03))
    eps_logsd: float = 0.8
    source: str = "weak default"

    def __post_init__(self) -> None:
        for name in ("mu_sd", "phi_a", "phi_b", "eta_logsd", "eps_logsd"):
            check_real(name, "GrowthPrior", getattr(self, name), lo=0.0, lo_open=True)
        for name in ("mu_mean", "eta_logmean", "eps_logmean"):
            check_real(name, "GrowthPrior", getattr(self, name))

    # The parameters live on an unconstrained scale u = (mu, logit phi, log sigma_eta,
    # log sigma_e), where proposals are drawn; densities there include the Jacobians.

    def sample_u(self, n: int, rng: np.random.Generator) -> np.ndarray:
        """``n`` draws on the unconstrained scale, shape ``(n, 4)``."""
        from scipy import special  # ndtr, ndtri: scipy.stats.norm's cdf and ppf

        mu = self.mu_mean + self.mu_sd * rng.standard_normal(n)
        phi = rng.beta(self.phi_a, self.phi_b, n)
        z = np.log(phi) - np.log1p(-phi)
        cap = np.log(MAX_SIGMA)
        cols = [mu, z]
        for m, s in ((self.eta_logmean, self.eta_logsd), (self.eps_logmean, self.eps_logsd)):
            top = special.ndtr((cap - m) / s)
            cols.append(m + s * special.ndtri(rng.uniform(0.0, top, n)))
        return np.column_stack(cols)

    def logpdf_u(self, u: np.ndarray) -> np.ndarray:
        """Log density of points on the unconstrained scale (``-inf`` beyond the bounds)."""
        from scipy import special

        u = np.atleast_2d(u)
        half_log_2pi = 0.5 * np.log(2 * np.pi)
        out = (-0.5 * ((u[:, 0] - self.mu_mean) / self.mu_sd) ** 2 - np.log(self.mu_sd)
               - half_log_2pi)
        # Beta on phi, in z = logit(phi): a log(phi) + b log(1 - phi) - log B(a, b)
        out = out + (-self.phi_a * np.logaddexp(0.0, -u[:, 1])
                     - self.phi_b * np.logaddexp(0.0, u[:, 1])
                     - special.betaln(self.phi_a, self.phi_b))
        cap = np.log(MAX_SIGMA)
        for col, m, s in ((2, self.eta_logmean, self.eta_logsd),
                          (3, self.eps_logmean, self.eps_logsd)):
            dens = (-0.5 * ((u[:, col] - m) / s) ** 2 - np.log(s) - half_log_2pi
                    - special.log_ndtr((cap - m) / s))
            out = out + np.where(u[:, col] <= cap, dens, -np.inf)
        return out

    def moments(self) -> dict[str, tuple[float, float]]:
        """Prior mean and standard deviation of mu, phi, sigma_eta, sigma_e (by simulation)."""
        u = self.sample_u(20_000, np.random.default_rng(0))
        theta = to_theta(u)
        names = ("mu", "phi", "sigma_eta", "sigma_e")
        return {k: (float(theta[:, i].mean()), float(theta[:, i].std()))
                for i, k in enumerate(names)}

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def to_theta(u: np.ndarray) -> np.ndarray:
    """Unconstrained draws ``(n, 4)`` to (mu, phi, sigma_eta, sigma_e)."""
    return np.column_stack([u[:, 0], 1.0 / (1.0 + np.exp(-u[:, 1])), np.exp(u[:, 2]),
                            np.exp(u[:, 3])])


#: The prior written down before seeing any series: long-run growth 7 % +- 6 % a year,
#: persistence anywhere in (0, 1) centred on 0.5, growth shocks and observation noise of a few
#: per cent with a factor-of-two-plus uncertainty either way.
WEAK_PRIOR = GrowthPrior()


# -- empirical Bayes from a panel ------------------------------------------------------------

#: Draws of the fixed base sample on which every candidate prior is weighed.
_N_BASE = 4000
_BASE = GrowthPrior(mu_mean=0.06, mu_sd=0.12, phi_a=1.0, phi_b=1.0,
                    eta_logmean=float(np.log(0.05)), eta_logsd=1.2,
                    eps_logmean=float(np.log(0.03)), eps_logsd=1.2, source="base")
#: Spread of the log-volatility priors, held fixed: a dozen short series identify the typical
#: volatilities but not how much they vary between pairs.
_LOGSD = 0.5
#: Bounds of the learned hyperparameters (mu mean, log mu sd, log a, log b, eta log-mean,
#: eps log-mean): no prior narrower than the base sample can represent (the importance
#: estimate of the marginal likelihood rewards lucky draws there), nor a persistence prior
#: more concentrated than 20 pseudo-observations.
_HYPER_BOUNDS = (
    (-0.1, 0.25), (np.log(0.02), np.log(0.2)), (np.log(0.5), np.log(10.0)),
    (np.log(0.5), np.log(10.0)), (np.log(0.005), np.log(0.3)), (np.log(0.003), np.log(0.3)),
)


def panel_series(panel: Any) -> dict[str, pd.Series]:
    """Normalise a panel to ``{pair: Series indexed by year}`` of positive annual totals.

    Accepts a mapping of pair to Series, or a long frame with columns ``pair``, ``year`` and
    ``value`` (or ``value_usd_bn``). Series with fewer than two points are dropped.
    """
    if isinstance(panel, Mapping):
        items = {str(k): pd.Series(v, dtype=float) for k, v in panel.items()}
    elif isinstance(panel, pd.DataFrame):
        col = "value" if "value" in panel.columns else "value_usd_bn"
        missing = {"pair", "year", col} - set(panel.columns)
        if missing:
            raise fail("panel", "panel_series", "a frame with columns pair, year, value",
                       sorted(panel.columns))
        items = {str(p): g.groupby("year")[col].mean().astype(float)
                 for p, g in panel.groupby("pair")}
    else:
        raise fail("panel", "panel_series", "a mapping of pair to Series or a long frame",
                   type(panel).__name__)
    out = {}
    for k, s in items.items():
        s = s.dropna()
        s = s[s > 0].sort_index()
        if len(s) >= 2:
            out[k] = pd.Series(s.to_numpy(dtype=float),
                               index=pd.Index(np.asarray(s.index, dtype=int), name="year"))
    return out


def _loglik_matrix(series: Mapping[str, pd.Series], theta: np.ndarray) -> np.ndarray:
    from .stochastic_growth import series_loglike

    return np.vstack([series_loglike(s, theta) for s in series.values()])


def _prior_from_hyper(h: np.ndarray, source: str) -> GrowthPrior:
    return GrowthPrior(mu_mean=float(h[0]), mu_sd=float(np.exp(h[1])),
                       phi_a=float(np.exp(h[2])), phi_b=float(np.exp(h[3])),
                       eta_logmean=float(h[4]), eta_logsd=_LOGSD,
                       eps_logmean=float(h[5]), eps_logsd=_LOGSD, source=source)


def _fit_hyper(loglik: np.ndarray, u: np.ndarray, log_base: np.ndarray) -> np.ndarray:
    """Type-II maximum likelihood of the prior's hyperparameters on a fixed base sample.

    ``log p(y_i | prior) ~= log mean_j exp(L_ij) prior(u_j) / base(u_j)``, summed over the
    pairs, plus a weak hyperprior (normal, sd 1 on each hyperparameter's scale, centred on
    the weak default prior: one pseudo-pair's worth) that keeps the optimum away from the
    bounds when a few pairs cannot identify a hyperparameter.
    """
    from scipy import optimize

    start = np.array([WEAK_PRIOR.mu_mean, np.log(WEAK_PRIOR.mu_sd), np.log(WEAK_PRIOR.phi_a),
                      np.log(WEAK_PRIOR.phi_b), WEAK_PRIOR.eta_logmean,
                      WEAK_PRIOR.eps_logmean])
    scale = np.array([0.1, 1.0, 1.0, 1.0, 1.0, 1.0])
    n = u.shape[0]
    top = loglik.max(axis=1, keepdims=True)
    lik = np.exp(loglik - top)  # the pairs' likelihoods, scaled per pair

    from scipy import special

    # the parts of the prior density that do not depend on the hyperparameters
    log_phi, log_1m_phi = -np.logaddexp(0.0, -u[:, 1]), -np.logaddexp(0.0, u[:, 1])
    cap = np.log(MAX_SIGMA)
    inside = np.where((u[:, 2] <= cap) & (u[:, 3] <= cap), 0.0, -np.inf)

    def log_prior(h: np.ndarray) -> np.ndarray:
        mu_sd, a, b = np.exp(h[1]), np.exp(h[2]), np.exp(h[3])
        out = -0.5 * ((u[:, 0] - h[0]) / mu_sd) ** 2 - h[1]
        out = out + a * log_phi + b * log_1m_phi - special.betaln(a, b)
        for col, m in ((2, h[4]), (3, h[5])):
            out = out - 0.5 * ((u[:, col] - m) / _LOGSD) ** 2 - special.log_ndtr(
                (cap - m) / _LOGSD)
        return out + inside  # constants dropped: they do not move the optimum

    def neg(h: np.ndarray) -> float:
        lw = log_prior(h) - log_base
        c = lw.max()
        with np.errstate(divide="ignore"):
            total = top[:, 0] + c + np.log(lik @ np.exp(lw - c)) - np.log(n)
        if not np.all(np.isfinite(total)):
            return 1e300
        penalty = 0.5 * np.sum(((h - start) / scale) ** 2)
        return float(-(total.sum()) + penalty)

    res = optimize.minimize(neg, start, method="L-BFGS-B", bounds=_HYPER_BOUNDS,
                            options={"maxiter": 200})
    return res.x


@functools.lru_cache(maxsize=64)
def _panel_prior_cached(key: tuple[tuple[str, tuple[int, ...], tuple[float, ...]], ...],
                        source: str) -> GrowthPrior:
    series = {k: pd.Series(v, index=pd.Index(y, name="year")) for k, y, v in key}
    rng = np.random.default_rng(20240601)
    u = _BASE.sample_u(_N_BASE, rng)
    log_base = _BASE.logpdf_u(u)
    loglik = _loglik_matrix(series, to_theta(u))
    return _prior_from_hyper(_fit_hyper(loglik, u, log_base), source)


def panel_prior(panel: Any = None, *, exclude: Iterable[str] = ()) -> GrowthPrior:
    """The prior learned from a panel of trade pairs by empirical Bayes.

    Parameters
    ----------
    panel : mapping or DataFrame, optional
        The pairs' annual series (see :func:`panel_series`). Default: the library's shipped
        reference panel, :func:`tradepath.reference.reference_panel` (every pair's preferred
        calendar-year totals).
    exclude : iterable of str, default ()
        Pairs to leave out (leave-one-pair-out validation: the prior a pair's forecast may use
        when that pair is being scored).

    Returns
    -------
    GrowthPrior
        The hyperparameters maximising the panel's marginal likelihood
        :math:`\\prod_i \\int p(y_i \\mid \\theta)\\, p(\\theta \\mid \\text{prior})\\,d\\theta`
        (empirical Bayes, type-II maximum likelihood), estimated by importance sampling on a
        fixed wide base sample, with a weak hyperprior centred on :data:`WEAK_PRIOR`. Cached:
        the same panel gives the same prior at no cost.

    Raises
    ------
    ModelError
        Fewer than three pairs with two or more points remain.
    """
    if panel is None:
        if isinstance(exclude, tuple | list | set | frozenset) and not exclude:
            return _shipped_prior()  # the default: every fit asks for it
        from ..data.reference import reference_panel

        panel = reference_panel(min_points=2)
    series = panel_series(panel)
    drop = {str(e) for e in ([exclude] if isinstance(exclude, str) else exclude)}
    series = {k: v for k, v in series.items() if k not in drop}
    if len(series) < 3:
        raise ModelError(f"panel_prior: needs at least 3 pairs with 2 or more annual points; "
                         f"got {len(series)} ({sorted(series)}).")
    key = tuple((k, tuple(int(y) for y in s.index), tuple(float(v) for v in s.to_numpy()))
                for k, s in sorted(series.items()))
    src = f"empirical Bayes on {len(series)} pairs"
    if drop:
        src += f" (leaving out {', '.join(sorted(drop))})"
    return _panel_prior_cached(key, src)


# -- the damped trend's conjugate prior ------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class TrendPrior:
    """Normal–scaled-inverse-chi-square prior of a trend's last-year growth and volatility.

    .. math::

        \\sigma^2 \\sim \\text{Scaled-Inv-}\\chi^2(\\nu_0, s_0^2), \\qquad
        \\beta_T \\mid \\sigma^2 \\sim N(b_0, \\sigma^2/\\kappa_0),

    truncated at ``sigma <= MAX_SIGMA`` (:data:`MAX_SIGMA`) like every volatility here.

    Parameters
    ----------
    nu0 : float, >= 0
        Prior degrees of freedom of the volatility (pseudo-increments).
    s0 : float, >= 0
        Prior scale of the annual log volatility; must be positive when ``nu0`` is.
    b0 : float, default 0
        Prior mean of the last year's annual log growth.
    kappa0 : float, >= 0, default 0
        Prior weight of ``b0`` in increments of one year; 0: a flat prior on the growth,
        independent of :math:`\\sigma^2` (the prior is then on the volatility alone).
    source : str
        Where the prior comes from (shown in fit notes).

    Notes
    -----
    ``nu0 = kappa0 = 0`` is the reference prior :math:`p(\\beta_T, \\sigma^2) \\propto
    1/\\sigma^2` (:data:`REFERENCE_TREND_PRIOR`). As ``kappa0 -> 0`` at fixed ``nu0 > 0``
    the conjugate prior tends to the flat-growth prior with ``nu0 + 1`` degrees of freedom
    and scale ``nu0 s0^2 / (nu0 + 1)`` (the normal's :math:`\\sigma^{-1}` stays), so the
    two forms are one family.
    """

    nu0: float
    s0: float
    b0: float = 0.0
    kappa0: float = 0.0
    source: str = "given"

    def __post_init__(self) -> None:
        for name in ("nu0", "s0", "kappa0"):
            check_real(name, "TrendPrior", getattr(self, name), lo=0.0)
        check_real("b0", "TrendPrior", self.b0)
        if self.nu0 > 0 and self.s0 <= 0:
            raise fail("s0", "TrendPrior", "positive when nu0 > 0", self.s0)

    @property
    def is_reference(self) -> bool:
        """True for the improper reference prior (``nu0 = kappa0 = 0``)."""
        return self.nu0 == 0 and self.kappa0 == 0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


#: The improper reference prior :math:`p(\\beta_T, \\sigma^2) \\propto 1/\\sigma^2`.
REFERENCE_TREND_PRIOR = TrendPrior(nu0=0.0, s0=0.0, source="reference prior 1/sigma^2")


@dataclass(frozen=True, slots=True)
class TrendPosterior:
    """The posterior of :class:`TrendPrior` after a weighted regression through the origin.

    Every field is an array over the damping grid: :math:`\\sigma^2 \\sim
    \\text{scale} / \\chi^2_{\\nu}` and :math:`\\beta_T \\mid \\sigma^2 \\sim
    N(\\text{mean}, \\sigma^2/\\kappa)`; ``log_ml`` is the log marginal likelihood (up to
    terms free of the damping and of the prior's hyperparameters).
    """

    mean: np.ndarray
    kappa: np.ndarray
    nu: np.ndarray
    scale: np.ndarray
    log_ml: np.ndarray


def trend_posterior(
    prior: TrendPrior, slope_hat: np.ndarray, rss: np.ndarray, s_xx: np.ndarray,
    m: int | np.ndarray,
) -> TrendPosterior:
    """Closed-form posterior and marginal likelihood of :class:`TrendPrior`.

    Parameters
    ----------
    prior : TrendPrior
    slope_hat, rss, s_xx : ndarray
        Weighted least-squares growth, residual sum of squares and sum of squared regressors
        of the ``m`` increments (one value per damping value).
    m : int or ndarray
        Number of increments (per value, for several series at once).

    Notes
    -----
    With :math:`e = 1` if :math:`\\kappa_0 > 0` else 0:
    :math:`\\kappa_n = \\kappa_0 + S_{xx}`,
    :math:`b_n = (\\kappa_0 b_0 + S_{xx}\\hat\\beta)/\\kappa_n`,
    :math:`\\nu_n = \\nu_0 + m - 1 + e`,
    :math:`\\nu_n s_n^2 = \\nu_0 s_0^2 + RSS + \\kappa_0 S_{xx} (\\hat\\beta - b_0)^2/\\kappa_n`,
    and

    .. math::

        \\log p(d) = c + \\tfrac12 \\log\\frac{\\kappa_0^e (2\\pi)^{1-e}}{\\kappa_n}
        + \\log\\frac{\\Gamma(\\nu_n/2)}{\\Gamma(\\nu_0/2)}
        + \\frac{\\nu_0}{2}\\log\\frac{\\nu_0 s_0^2}{2}
        - \\frac{\\nu_n}{2}\\log\\frac{\\nu_n s_n^2}{2},

    :math:`c = -\\frac{m}{2}\\log 2\\pi - \\frac12\\sum\\log k_i` omitted (free of both). For
    the improper reference prior the terms in :math:`\\nu_0` and :math:`\\kappa_0` are dropped
    (constants of an improper prior): :math:`\\log p = -\\frac12\\log S_{xx}
    - \\frac{m-1}{2}\\log RSS` + const, the weights of the reference prior.
    """
    from scipy import special

    slope_hat, rss, s_xx = (np.asarray(a, dtype=float) for a in (slope_hat, rss, s_xx))
    e = 1.0 if prior.kappa0 > 0 else 0.0
    kappa = prior.kappa0 + s_xx
    mean = (prior.kappa0 * prior.b0 + s_xx * slope_hat) / kappa
    nu = np.broadcast_to(prior.nu0 + np.asarray(m, dtype=float) - 1 + e, rss.shape).copy()
    scale = prior.nu0 * prior.s0**2 + rss + prior.kappa0 * s_xx / kappa * (slope_hat - prior.b0)**2
    scale = np.maximum(scale, np.finfo(float).tiny)
    log_ml = -0.5 * np.log(kappa) - 0.5 * nu * np.log(scale / 2) + special.gammaln(nu / 2)
    if e:
        log_ml = log_ml + 0.5 * np.log(prior.kappa0)
    else:
        log_ml = log_ml + 0.5 * np.log(2 * np.pi)
    if prior.nu0 > 0:
        log_ml = (log_ml - special.gammaln(prior.nu0 / 2)
                  + 0.5 * prior.nu0 * np.log(prior.nu0 * prior.s0**2 / 2))
    return TrendPosterior(mean=mean, kappa=kappa, nu=nu, scale=scale, log_ml=log_ml)


#: The shipped panel's prior as learned by :func:`panel_prior`, stored with the hash of the
#: panel's file (:mod:`tradepath.data.stored`; :func:`write_shipped_prior` writes it).
PRIOR_FILE = "growth_panel_prior.json"
_PRIOR_INPUTS = ("reference_series.csv",)


@functools.cache
def _shipped_prior() -> GrowthPrior:
    """:func:`panel_prior` of the shipped panel, once per process (stored when it was learned
    from the same panel: learning it takes about half a second)."""
    from ..data.stored import read_stored

    stored = read_stored(PRIOR_FILE, _PRIOR_INPUTS)
    return GrowthPrior(**stored) if stored is not None else _learn_shipped_prior()


def _learn_shipped_prior() -> GrowthPrior:
    from ..data.reference import reference_panel

    return panel_prior(reference_panel(min_points=2))


def write_shipped_prior(folder: Any = None) -> Any:
    """Learn the shipped panel's prior and store it (:data:`PRIOR_FILE`, in ``folder``,
    default the package's data folder); returns the file's path."""
    from ..data.stored import write_stored

    return write_stored(PRIOR_FILE, _PRIOR_INPUTS, asdict(_learn_shipped_prior()), folder)
