"""The damped trend's conjugate prior: closed forms against numerical integration and Monte
Carlo, the reference limit, empirical Bayes on a panel, and refusals of bad input."""

from __future__ import annotations

import itertools
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose
from scipy import stats

import tradepath as tp
from tradepath.models import DampedTrend
from tradepath.models.damped import (
    DEFAULT_PHI_GRID,
    KAPPA_SCALES,
    _damped_regression,
    trend_panel_prior,
)
from tradepath.models.priors import (
    MAX_SIGMA,
    REFERENCE_TREND_PRIOR,
    TrendPrior,
    trend_posterior,
)

SERIES = pd.Series([9.5, 20.0, 31.0, 52.0, 78.0, 76.0, 81.5],
                   index=[2009, 2012, 2015, 2018, 2021, 2023, 2024])
PRIOR = TrendPrior(nu0=4.0, s0=0.1, b0=0.06, kappa0=3.0)
FLAT = TrendPrior(nu0=4.0, s0=0.1)


def increments(s: pd.Series, phi: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(d, c, k): log increments, their regressors c_i(phi), their lengths in years."""
    t = s.index.to_numpy()
    c = np.array([sum(phi ** (j - t[-1]) for j in range(a + 1, b + 1))
                  for a, b in itertools.pairwise(t)])
    return np.diff(np.log(s.to_numpy())), c, np.diff(t).astype(float)


def brute_log_ml(prior: TrendPrior, d: np.ndarray, c: np.ndarray, k: np.ndarray) -> float:
    """log p(d) by the trapezoid rule on a dense grid of (log sigma^2, beta), all constants in.

    For each sigma the beta grid spans +-25 sigma / sqrt(S_xx) around the least-squares
    estimate (numpy's lstsq), where the integrand lives. The likelihood is summed term by
    term on the whole grid, a block of sigmas at a time (one array operation per block).
    """
    w = 1.0 / k
    b_hat = np.linalg.lstsq((c * np.sqrt(w))[:, None], d * np.sqrt(w), rcond=None)[0][0]
    s_xx = float((w * c * c).sum())
    log_s2 = np.linspace(np.log(1e-6), np.log(4.0), 1601)
    v = np.linspace(-25.0, 25.0, 2001)
    inner = np.empty(log_s2.size)
    for start in range(0, log_s2.size, 100):
        s2 = np.exp(log_s2[start:start + 100])[:, None]  # (sigma, 1)
        half = np.sqrt(s2 / s_xx)
        beta = b_hat + half * v  # (sigma, beta)
        # sum_i log N(d_i | beta c_i, k_i sigma^2)
        r = d - beta[..., None] * c
        lik = -0.5 * ((r * r) @ w) / s2 - 0.5 * np.log(2 * np.pi * k * s2).sum(axis=1,
                                                                               keepdims=True)
        if prior.kappa0 > 0:
            lik = lik + stats.norm.logpdf(beta, prior.b0, np.sqrt(s2 / prior.kappa0))
        top = lik.max(axis=1, keepdims=True)
        inner[start:start + 100] = top[:, 0] + np.log(
            np.trapezoid(np.exp(lik - top), v, axis=1) * half[:, 0])
    # sigma^2 ~ Scaled-Inv-chi2(nu0, s0^2) = InvGamma(nu0/2, nu0 s0^2/2); d sigma^2 = s2 dlog
    lp = stats.invgamma.logpdf(np.exp(log_s2), prior.nu0 / 2, scale=prior.nu0 * prior.s0**2 / 2)
    f = inner + lp + log_s2
    top = f.max()
    return float(top + np.log(np.trapezoid(np.exp(f - top), log_s2)))


@pytest.mark.parametrize("prior", [PRIOR, FLAT], ids=["conjugate", "volatility-only"])
@pytest.mark.parametrize("phi", [0.7, 0.9, 1.0])
def test_marginal_likelihood_matches_numerical_integration(prior, phi):
    d, c, k = increments(SERIES, phi)
    slope, rss, s_xx = _damped_regression(SERIES.index.to_numpy(float),
                                          np.log(SERIES.to_numpy()), np.array([phi]))
    post = trend_posterior(prior, slope, rss, s_xx, len(d))
    # the closed form omits c = -m/2 log(2 pi) - 1/2 sum log k (free of phi and the prior)
    const = -0.5 * len(d) * np.log(2 * np.pi) - 0.5 * np.log(k).sum()
    # (with kappa0 = 0 the flat prior on beta has density 1: beta integrated over R)
    assert post.log_ml[0] + const == pytest.approx(brute_log_ml(prior, d, c, k), abs=1e-6)


def test_grid_weights_are_the_normalised_marginal_likelihood():
    grid = (0.7, 0.85, 0.95, 1.0)
    fit = DampedTrend(phi_grid=grid, prior=PRIOR, strength_mixture=False).fit(SERIES)
    logml = [brute_log_ml(PRIOR, *increments(SERIES, phi)) for phi in grid]
    w = np.exp(np.array(logml) - max(logml))
    assert_allclose(fit.extras["weights"], w / w.sum(), rtol=1e-5)


def test_posterior_draws_match_importance_sampling():
    """The simulated first-year log growth against prior draws weighted by the likelihood."""
    phi = 0.9
    prior = TrendPrior(nu0=3.0, s0=0.12, b0=0.02, kappa0=1.0)
    fit = DampedTrend(phi_grid=[phi], prior=prior, strength_mixture=False).fit(SERIES)
    x = np.log(fit.simulate_array(n_paths=200_000, end=2025, seed=1)[:, 0] / SERIES.iloc[-1])
    rng = np.random.default_rng(2)
    n = 1_000_000
    s2 = prior.nu0 * prior.s0**2 / rng.chisquare(prior.nu0, n)
    beta = prior.b0 + np.sqrt(s2 / prior.kappa0) * rng.standard_normal(n)
    d, c, k = increments(SERIES, phi)
    loglik = stats.norm.logpdf(d[None, :], beta[:, None] * c[None, :],
                               np.sqrt(k[None, :] * s2[:, None])).sum(axis=1)
    w = np.exp(loglik - loglik.max()) * (s2 <= MAX_SIGMA**2)
    w /= w.sum()
    z = beta * phi + np.sqrt(s2) * rng.standard_normal(n)
    order = np.argsort(z)
    cdf = np.cumsum(w[order])
    for q in (0.05, 0.25, 0.5, 0.75, 0.95):
        ref = z[order][np.searchsorted(cdf, q)]
        assert np.quantile(x, q) == pytest.approx(ref, abs=0.004)
    assert x.mean() == pytest.approx(w @ z, abs=0.002)


def test_reference_prior_is_the_limit_and_keeps_the_old_weights():
    s = SERIES
    ref = DampedTrend(prior="reference").fit(s)
    _, rss, s_xx = _damped_regression(s.index.to_numpy(float), np.log(s.to_numpy()),
                                          np.asarray(DEFAULT_PHI_GRID))
    m = len(s) - 1
    logw = -0.5 * np.log(s_xx) - 0.5 * (m - 1) * np.log(rss)
    w = np.exp(logw - logw.max())
    assert_allclose(ref.extras["weights"], w / w.sum(), rtol=1e-10)
    assert DampedTrend(prior=None).fit(s).params == ref.params
    # nu0, kappa0 -> 0 (flat growth) tends to the reference prior
    gaps = []
    for eps in (1e-1, 1e-3, 1e-6):
        near = DampedTrend(prior=TrendPrior(nu0=eps, s0=0.1), strength_mixture=False).fit(s)
        gaps.append(np.abs(np.subtract(near.extras["weights"], ref.extras["weights"])).max())
        assert near.params["sigma"] == pytest.approx(ref.params["sigma"], rel=10 * eps + 1e-9)
    assert gaps[0] > gaps[1] > gaps[2] and gaps[2] < 1e-6
    # kappa0 -> 0 in the conjugate family: the flat-growth prior with nu0 + 1, scale shrunk
    tiny = DampedTrend(prior=TrendPrior(nu0=4.0, s0=0.1, b0=0.3, kappa0=1e-9),
                       strength_mixture=False).fit(s)
    flat = DampedTrend(prior=TrendPrior(nu0=5.0, s0=0.1 * np.sqrt(4 / 5)),
                       strength_mixture=False).fit(s)
    assert_allclose(tiny.extras["weights"], flat.extras["weights"], atol=1e-7)
    assert tiny.params["slope"] == pytest.approx(flat.params["slope"], abs=1e-7)


def test_a_strong_prior_dominates_and_a_weak_one_does_not():
    strong = DampedTrend(phi_grid=[1.0], prior=TrendPrior(nu0=1e6, s0=0.05, b0=0.02,
                                                          kappa0=1e6),
                         strength_mixture=False).fit(SERIES)
    assert strong.params["slope"] == pytest.approx(0.02, abs=1e-4)
    assert strong.params["sigma"] == pytest.approx(0.05, rel=1e-3)


def test_the_strength_mixture_weighs_each_strength_by_its_marginal_likelihood():
    grid = (0.7, 0.9, 1.0)
    fit = DampedTrend(phi_grid=grid, prior=PRIOR).fit(SERIES)
    logml = np.array([[brute_log_ml(replace(PRIOR, nu0=PRIOR.nu0 * c, kappa0=PRIOR.kappa0 * c),
                                    *increments(SERIES, phi)) for phi in grid]
                      for c in KAPPA_SCALES])
    w = np.exp(logml - logml.max())
    assert_allclose(fit.extras["mix_weights"], (w / w.sum()).ravel(), rtol=1e-4)
    assert_allclose(fit.extras["weights"], (w / w.sum()).sum(axis=0), rtol=1e-4)


@pytest.mark.parametrize("rate", [0.20, 0.35])
def test_a_long_steady_fast_series_keeps_its_growth(rate):
    """Ten years of 20-35 % a year with 2 % noise: the panel's ~7 % does not pull it down."""
    rng = np.random.default_rng(3)
    years = np.arange(2010, 2021)
    s = pd.Series(5 * np.exp(np.log1p(rate) * (years - 2010) + 0.02 * rng.standard_normal(11)),
                  index=years)
    mixed = DampedTrend().fit(s)
    single = DampedTrend(strength_mixture=False).fit(s)
    assert abs(mixed.growth - rate) < abs(single.growth - rate)
    assert mixed.growth > 0.75 * rate


def test_panel_prior_by_empirical_bayes_recovers_simulated_hyperparameters():
    """Series drawn from a known prior (phi uniform on the grid): the rule finds it again."""
    true = TrendPrior(nu0=8.0, s0=0.08, b0=0.05, kappa0=4.0)
    rng = np.random.default_rng(5)
    grid = np.asarray(DEFAULT_PHI_GRID)
    panel = {}
    for i in range(150):
        years = np.sort(rng.choice(np.arange(2005, 2016), 8, replace=False))
        s2 = true.nu0 * true.s0**2 / rng.chisquare(true.nu0)
        beta = true.b0 + np.sqrt(s2 / true.kappa0) * rng.standard_normal()
        phi = rng.choice(grid)
        y = [0.0]
        for a, b in itertools.pairwise(years):
            c = sum(phi ** (j - years[-1]) for j in range(a + 1, b + 1))
            y.append(y[-1] + beta * c + np.sqrt((b - a) * s2) * rng.standard_normal())
        panel[f"p{i}"] = pd.Series(np.exp(3 + np.array(y)), index=years)
    got = trend_panel_prior(panel, strength_mixture=False)
    assert got.s0 == pytest.approx(true.s0, rel=0.15)
    assert got.b0 == pytest.approx(true.b0, abs=0.02)
    assert np.log(got.nu0) == pytest.approx(np.log(true.nu0), abs=0.6)
    assert np.log(got.kappa0) == pytest.approx(np.log(true.kappa0), abs=0.7)
    assert "150 pairs" in got.source


def test_shipped_panel_prior_leaves_a_pair_out_and_is_cached():
    full = trend_panel_prior()
    assert trend_panel_prior() is full
    out = trend_panel_prior(exclude=["Korea-Vietnam"])
    assert out != full and "leaving out Korea-Vietnam" in out.source
    vol = trend_panel_prior(slope=False)
    assert vol.kappa0 == 0 and vol.b0 == 0 and "volatility only" in vol.source
    # the default model uses it
    fit = DampedTrend().fit(SERIES)
    assert fit.extras["prior"] == full.to_dict()
    assert any("empirical Bayes" in n for n in fit.notes)


def test_panel_prior_narrows_the_far_tail_of_the_documents_series():
    s = tp.load_dataset().annual()["total"].dropna()
    q = {}
    for prior in ("reference", "panel"):
        paths = DampedTrend(prior=prior).fit(s).simulate_array(n_paths=20_000, end=2035,
                                                                seed=0)
        q[prior] = np.quantile(paths[:, -1], 0.975)
    assert q["panel"] < 0.8 * q["reference"]


@pytest.mark.parametrize("bad", ["flat", 3, 0.5, {"nu0": 1}, True])
def test_bad_prior_is_a_named_parameter_error(bad):
    with pytest.raises(tp.ParameterError, match="'prior' parameter of DampedTrend"):
        DampedTrend(prior=bad)


@pytest.mark.parametrize("kw, field", [
    ({"nu0": -1.0, "s0": 0.1}, "nu0"), ({"nu0": 2.0, "s0": 0.0}, "s0"),
    ({"nu0": 2.0, "s0": 0.1, "kappa0": -1.0}, "kappa0"),
    ({"nu0": 2.0, "s0": 0.1, "b0": float("nan")}, "b0"), ({"nu0": "2", "s0": 0.1}, "nu0"),
])
def test_bad_trend_prior_is_a_named_parameter_error(kw, field):
    with pytest.raises(tp.ParameterError, match=f"'{field}' parameter of TrendPrior"):
        TrendPrior(**kw)


def test_trend_panel_prior_refusals():
    with pytest.raises(tp.ParameterError, match="'slope' parameter of trend_panel_prior"):
        trend_panel_prior(slope="yes")
    short = {"a": pd.Series([1.0, 2.0, 3.0, 4.0], index=[2000, 2001, 2002, 2003]),
             "b": pd.Series([1.0, 2.0], index=[2000, 2001])}
    with pytest.raises(tp.ModelError, match="at least 3 pairs"):
        trend_panel_prior(short)


def test_reference_prior_object():
    assert REFERENCE_TREND_PRIOR.is_reference and not PRIOR.is_reference



def _gappy(seed: int) -> pd.Series:
    """Growth from 30 % decaying by 0.85 a year with random-walk shocks, seen in 12 years."""
    rng = np.random.default_rng(seed)
    years = np.arange(2004, 2025)
    log = np.log(4) + np.cumsum(0.3 * 0.85 ** (years - 2004) + 0.05 * rng.standard_normal(21))
    seen = [2004, 2009, 2010, 2011, 2012, 2013, 2016, 2017, 2020, 2021, 2023, 2024]
    return pd.Series(np.exp(log), index=years).loc[seen]


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_a_discount_keeps_one_distant_figure_from_pinning_the_damping(seed):
    """A lone figure twelve years before the rest, on slower growth than the damped path
    implies back then: weighed like the recent increments it pulls the damping to 1 and
    multiplies today's growth; discounted, it barely moves either."""
    s = _gappy(seed)
    early = pd.concat([pd.Series({1992: 0.5}), s])
    moved = {}
    for d in (1.0, 0.8):
        a, b = (DampedTrend(discount=d, window=None).fit(x) for x in (s, early))
        moved[d] = (b.params["phi"] - a.params["phi"], b.params["slope"] - a.params["slope"])
    assert moved[0.8][1] < 0.5 * moved[1.0][1]
    assert abs(moved[0.8][0]) < 0.03
    assert any("discounted by 0.8 a year" in n for n in DampedTrend(discount=0.8).fit(s).notes)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_the_window_reads_the_last_20_years(seed):
    """By default the fit reads the figures after ``last - 20`` (the lone 1992 figure and
    2004 are left out, and the notes say so): the same fit as on those figures alone; read
    whole, the distant figure pins the damping near 1 and raises today's growth."""
    early = pd.concat([pd.Series({1992: 0.5}), _gappy(seed)])
    fit = DampedTrend().fit(early)
    alone = DampedTrend().fit(early.loc[2005:])
    assert fit.params == alone.params and fit.extras["n_increments"] == len(early) - 3
    assert fit.series.equals(early)  # the fit keeps the series it was given
    assert any("2 figures, 1992–2004, left out" in n for n in fit.notes)
    ens = tp.get_model("ensemble").fit(early)  # the ensemble says what its damped trend read
    assert fit.extras["read"] in ens.notes
    whole = DampedTrend(window=None).fit(early)
    assert whole.params["phi"] > fit.params["phi"] + 0.03
    assert whole.params["slope"] > fit.params["slope"]


def test_a_series_within_the_window_is_read_whole_and_four_figures_at_least():
    assert DampedTrend().fit(SERIES).params == DampedTrend(window=None).fit(SERIES).params
    sparse = pd.Series({1970: 5.0, 1985: 9.0, 1995: 20.0, 2000: 26.0, 2020: 60.0})
    fit = DampedTrend().fit(sparse)
    assert fit.extras["n_increments"] == 3  # 1985-2020: the last four figures
    assert any("the figure of 1970 left out" in n for n in fit.notes)
    for bad in (0, -5, 2.5, "20"):
        with pytest.raises(tp.ParameterError, match="'window' parameter of DampedTrend"):
            DampedTrend(window=bad)


def test_no_discount_is_the_default_fit_and_a_bad_one_is_refused():
    a, b = DampedTrend().fit(SERIES), DampedTrend(discount=1.0).fit(SERIES)
    assert a.params == b.params
    for bad in (0.0, 1.5, "0.8"):
        with pytest.raises(tp.ParameterError, match="'discount' parameter of DampedTrend"):
            DampedTrend(discount=bad)
