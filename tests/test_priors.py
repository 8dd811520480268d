"""The panel priors' densities against scipy's (with the Jacobians of the unconstrained
scale), for asymmetric parameters: a swap of the Beta's a and b must show."""

from __future__ import annotations

import numpy as np
from numpy.testing import assert_allclose
from scipy import integrate, stats

from tradepath.models.priors import MAX_SIGMA, GrowthPrior


def _reference_logpdf(prior: GrowthPrior, u: np.ndarray) -> np.ndarray:
    mu, z, le, lp = u.T
    phi = 1 / (1 + np.exp(-z))
    out = stats.norm.logpdf(mu, prior.mu_mean, prior.mu_sd)
    # phi ~ Beta(a, b); z = logit(phi) has density f(phi) * phi * (1 - phi).
    out = out + stats.beta.logpdf(phi, prior.phi_a, prior.phi_b) + np.log(phi * (1 - phi))
    cap = np.log(MAX_SIGMA)
    for x, m, s in ((le, prior.eta_logmean, prior.eta_logsd),
                    (lp, prior.eps_logmean, prior.eps_logsd)):
        out = out + stats.truncnorm.logpdf(x, -np.inf, (cap - m) / s, loc=m, scale=s)
    return out


def test_growth_prior_density_matches_scipy_for_asymmetric_beta():
    prior = GrowthPrior(mu_mean=0.09, mu_sd=0.05, phi_a=5.84, phi_b=2.29,
                        eta_logmean=np.log(0.05), eta_logsd=0.6, eps_logmean=np.log(0.02),
                        eps_logsd=0.9)
    u = prior.sample_u(500, np.random.default_rng(1))
    assert_allclose(prior.logpdf_u(u), _reference_logpdf(prior, u), rtol=1e-10, atol=1e-10)
    swapped = GrowthPrior(mu_mean=0.09, mu_sd=0.05, phi_a=2.29, phi_b=5.84,
                          eta_logmean=np.log(0.05), eta_logsd=0.6, eps_logmean=np.log(0.02),
                          eps_logsd=0.9)
    assert np.max(np.abs(swapped.logpdf_u(u) - prior.logpdf_u(u))) > 1.0


def test_growth_prior_persistence_density_integrates_to_one_and_has_the_beta_mean():
    prior = GrowthPrior(phi_a=5.84, phi_b=2.29)
    base = np.array([prior.mu_mean, 0.0, prior.eta_logmean, prior.eps_logmean])

    def dens(z: float) -> float:
        u = base.copy()
        u[1] = z
        return float(np.exp(prior.logpdf_u(u[None, :])[0] - prior.logpdf_u(
            base[None, :])[0]))

    # The density along z, up to the other coordinates' constant factor, is the Beta's in
    # logit coordinates: normalising it must give the Beta's mean a / (a + b).
    total, _ = integrate.quad(dens, -30, 30, limit=200)
    mean, _ = integrate.quad(lambda z: dens(z) / (1 + np.exp(-z)), -30, 30, limit=200)
    assert_allclose(mean / total, 5.84 / (5.84 + 2.29), rtol=1e-6)


def test_growth_prior_density_is_minus_infinity_beyond_the_sigma_cap():
    prior = GrowthPrior()
    u = np.array([[0.05, 0.0, np.log(MAX_SIGMA) + 0.01, np.log(0.03)]])
    assert prior.logpdf_u(u)[0] == -np.inf
