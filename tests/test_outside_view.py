from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose
from scipy import special

import tradepath as tp
from tradepath.data.schema import data_file
from tradepath.reference import reference_targets
from tradepath.reference.logistic import fit_logistic
from tradepath.reference.pooling import (
    EPS,
    POOL_FILE,
    Pool,
    combine,
    growth_t_statistic,
    learn_pool,
    pool_feature,
    pool_inputs,
    reference_pool,
)
from tradepath.reference.views import OutsideView, outside_view, target_features

SERIES = pd.Series({2015: 40.0, 2017: 50.0, 2019: 60.0, 2020: 62.0})


def test_features_follow_the_reference_class_definitions():
    f = target_features(SERIES, 100.0, 2025)
    assert f["last_year"] == 2020 and f["years_to_deadline"] == 5
    assert_allclose(f["required_growth"], (100 / 62) ** (1 / 5) - 1)
    assert_allclose(f["trailing_growth"], (62 / 40) ** (1 / 5) - 1)
    assert_allclose(f["growth_gap"], f["required_growth"] - f["trailing_growth"])
    assert_allclose(f["level_multiple"], 100 / 62)


def test_base_rate_is_the_regularised_logistic_of_the_reference_class():
    ref = reference_targets()
    ov = outside_view(tp.Target(100.0, by=2025), SERIES, targets=ref)
    keep = ref["outcome"].isin(["met", "missed"]) & ref["growth_gap"].notna() & (
        ref["target_type"] != "projection") & ref["level_multiple"].notna()
    r = ref[keep]
    x = np.column_stack([r["growth_gap"].to_numpy(float),
                         np.log(np.log(r["level_multiple"].to_numpy(float)))])
    fit = fit_logistic(x, (r["outcome"] == "met").to_numpy(float), prior_scale=1.0,
                       nonpositive=True)
    assert np.all(fit.coef[1:] <= 0)
    expected = special.expit(fit.coef[0] + fit.coef[1] * ov.growth_gap
                             + fit.coef[2] * math.log(math.log(ov.level_multiple)))
    assert_allclose(ov.base_rate, expected, rtol=1e-9)
    assert ov.lower <= ov.base_rate <= ov.upper
    assert ov.n_reference == len(r) and ov.n_reference_met == int((r["outcome"] == "met").sum())
    assert 0 <= ov.n_similar_met <= ov.n_similar <= ov.n_reference
    assert "growth gap" in " ".join(ov.notes)
    assert set(ov.to_frame().index) >= {"base_rate", "growth_gap", "n_similar"}


def test_leaving_a_target_out_changes_the_class():
    ref = reference_targets()
    full = outside_view(tp.Target(100.0, by=2025), SERIES, targets=ref)
    met_rows = ref.index[(ref["outcome"] == "met") & ref["growth_gap"].notna()]
    loo = outside_view(tp.Target(100.0, by=2025), SERIES, targets=ref, exclude=[met_rows[0]])
    assert loo.n_reference == full.n_reference - 1 and loo.base_rate != full.base_rate


def test_no_trailing_growth_falls_back_to_the_whole_class():
    ov = outside_view(tp.Target(100.0, by=2025), pd.Series({2020: 62.0}))
    assert math.isnan(ov.growth_gap)
    k, n = ov.n_reference_met, ov.n_reference
    assert_allclose(ov.base_rate, (k + 0.5) / (n + 1))
    assert "all" in ov.notes[0]


def test_separated_classes_still_give_finite_rates():
    # every target with a positive gap missed, every other met: perfect separation
    ref = pd.DataFrame({"outcome": ["met", "met", "missed", "missed", "missed"],
                        "growth_gap": [-0.1, -0.05, 0.02, 0.1, 0.3],
                        "level_multiple": [1.1, 1.2, 1.5, 2.0, 3.0],
                        "target_type": "target"})
    ov = outside_view(tp.Target(100.0, by=2025), SERIES, targets=ref)
    assert 0.0 < ov.base_rate < 1.0


def test_combine_is_logit_pooling():
    assert combine(0.8, 0.2, weight=1.0) == pytest.approx(0.8)
    assert combine(0.8, 0.2, weight=0.0) == pytest.approx(0.2)
    assert combine(0.8, 0.2, weight=0.5) == pytest.approx(0.5)
    p = combine(0.9, 0.3, weight=0.25)
    assert_allclose(p, special.expit(0.25 * special.logit(0.9) + 0.75 * special.logit(0.3)))
    # a simulated certainty is clipped, not taken at face value
    assert combine(1.0, 0.5, weight=0.5) == pytest.approx(special.expit(
        0.5 * special.logit(1 - EPS)))
    ov = OutsideView(base_rate=0.3, lower=0.2, upper=0.4, growth_gap=0.0,
                     required_growth=0.05, trailing_growth=0.05, level_multiple=1.3,
                     years_to_deadline=5, n_reference=10, n_reference_met=3, n_similar=4,
                     n_similar_met=1)
    assert combine(0.3, ov) == pytest.approx(0.3)
    with pytest.raises(tp.ParameterError, match="'weight'"):
        combine(0.5, 0.5, weight=1.5)
    with pytest.raises(tp.ParameterError, match="'p_inside'"):
        combine(float("nan"), 0.5)


def test_the_pool_averages_the_logit_pool_over_the_posterior_of_the_weight():
    pool = learn_pool([0.9, 0.2, 0.7, 0.4], [0.3, 0.3, 0.4, 0.2], [1, 0, 1, 0])
    expected = sum(q * combine(0.8, 0.25, weight=float(w))
                   for q, w in zip(pool.posterior, pool.weights(), strict=True))
    assert_allclose(combine(0.8, 0.25, pool=pool), expected, rtol=1e-9)
    lo, hi = pool.interval(0.8)
    assert lo < pool.mean() < hi and pool.sd() > 0


def test_without_targets_the_pool_is_its_prior_centred_on_a_half():
    prior = learn_pool([], [], [])
    assert_allclose(prior.mean(), 0.5, atol=1e-9)
    assert 0.15 < prior.sd() < 0.25


def test_the_pool_learns_which_view_speaks_but_small_samples_keep_it_off_the_corners():
    rng = np.random.default_rng(0)
    truth = rng.uniform(0.05, 0.95, 400)
    y = (rng.uniform(size=400) < truth).astype(float)
    informative = np.clip(truth + 0.05 * rng.standard_normal(400), 0.01, 0.99)
    noise = rng.uniform(0.05, 0.95, 400)
    assert learn_pool(informative, noise, y).mean() > 0.8
    assert learn_pool(noise, informative, y).mean() < 0.2
    # 13 targets, 2 met, the model useless: the weight falls, but its interval keeps the middle
    few = learn_pool(noise[:13], informative[:13], (np.arange(13) < 2).astype(float))
    _, hi = few.interval(0.8)
    assert hi > 0.3 and few.mean() > 0.05
    with pytest.raises(tp.ParameterError, match="'outcomes'"):
        learn_pool([0.5], [0.5, 0.4], [1.0])


@pytest.mark.parametrize("feature", ["length", "steadiness"])
def test_a_weight_by_a_feature_of_the_series_is_learned_when_the_feature_is_given(feature):
    rng = np.random.default_rng(1)
    x = np.repeat([-1.0, 2.0], 300)
    truth = rng.uniform(0.05, 0.95, 600)
    y = (rng.uniform(size=600) < truth).astype(float)
    # where the feature is high the model knows; elsewhere it guesses
    p_in = np.where(x > 0, truth, rng.uniform(0.05, 0.95, 600))
    pool = learn_pool(p_in, np.full(600, 0.5), y, feature=feature, x=x)
    assert pool.feature == feature and pool.mean(2.0) > pool.mean(-1.0) + 0.3
    steady = pd.Series(50 * 1.1 ** np.arange(8.0), index=range(2010, 2018))
    assert pool.x_of(steady) == pool_feature(steady, feature)
    expected = float(pool.predict([0.7], [0.3], [pool.x_of(steady)])[0])
    assert combine(0.7, 0.3, pool=pool, series=steady) == pytest.approx(expected)
    with pytest.raises(tp.ParameterError, match="'x'"):
        learn_pool(p_in, np.full(600, 0.5), y, feature=feature)
    with pytest.raises(tp.ParameterError, match="'feature'"):
        learn_pool(p_in, np.full(600, 0.5), y, feature="colour", x=x)


def test_steady_fast_growth_has_a_large_t_statistic_and_flat_or_erratic_data_a_small_one():
    years = np.arange(2010, 2021)
    steady = pd.Series(50 * 1.1 ** (years - 2010.0), index=years)
    flat = pd.Series(80 + np.array([0.5, -0.8, 0.3, 1.0, -0.6, 0.2, -1.1, 0.7, 0.0, -0.4, 0.6]),
                     index=years)
    erratic = steady * np.exp(0.3 * np.array([0, 1, -1, 1, -1, 1, -1, 1, -1, 1, 0]))
    t = {k: growth_t_statistic(v) for k, v in
         (("steady", steady), ("flat", flat), ("erratic", erratic))}
    assert t["steady"] > 5 and abs(t["flat"]) < 1 and 0 < t["erratic"] < t["steady"]
    # more years of the same growth, or fewer gaps, say it more clearly
    assert (growth_t_statistic(steady.iloc[:4]) < growth_t_statistic(steady.iloc[::2])
            < t["steady"])
    assert growth_t_statistic(steady.iloc[:1]) == 0.0
    assert pool_feature(steady, "length") == pytest.approx(np.log2(11 / 4))
    assert pool_feature(steady, "steadiness") == pytest.approx(np.arcsinh(t["steady"] / 2))
    assert pool_feature(steady, None) == 0.0


# -- monotone by construction -----------------------------------------------------------------


def test_a_higher_target_never_raises_the_outside_view_or_the_pool():
    base = [outside_view(tp.Target(v, by=2025), SERIES).base_rate
            for v in (55.0, 62.5, 70.0, 90.0, 120.0, 200.0)]
    assert np.all(np.diff(base) <= 1e-12)
    pool = reference_pool()
    pooled = [combine(p, b, pool=pool) for p, b in zip(
        (0.99, 0.9, 0.7, 0.4, 0.1, 0.01), base, strict=True)]
    assert np.all(np.diff(pooled) < 0)


def test_a_target_at_the_current_level_tends_to_certainty():
    last = float(SERIES.iloc[-1])
    near = [outside_view(tp.Target(last * m, by=2025), SERIES).base_rate
            for m in (1.0001, 1.01, 1.1)]
    assert near[0] > 0.95 and near[0] >= near[1] >= near[2]


def test_needing_less_growth_than_the_series_delivers_never_lowers_the_outside_view():
    slow = pd.Series({2016: 40.0, 2018: 45.0, 2020: 50.0})
    fast = pd.Series({2016: 25.0, 2018: 35.0, 2020: 50.0})
    t = tp.Target(60.0, by=2025)
    assert outside_view(t, fast).growth_gap < outside_view(t, slow).growth_gap
    assert outside_view(t, fast).base_rate >= outside_view(t, slow).base_rate


def test_the_shipped_pool_is_learned_from_the_reference_targets():
    inputs = pool_inputs()
    pool = reference_pool()
    assert isinstance(pool, Pool) and pool.n == len(inputs) >= 30
    assert pool.n_met == int(inputs["met"].sum())
    lo, hi = pool.interval(0.8)
    # the record has not earned a corner
    assert 0.05 < lo < pool.mean() < hi < 0.95


def test_every_shipped_inside_view_is_a_resolved_reference_target():
    inputs = pool_inputs()
    shipped = pd.read_csv(data_file(POOL_FILE))
    assert len(inputs) == len(shipped)  # every row found among the resolved targets
    assert set(inputs["met"]) <= {0.0, 1.0} and inputs["p_inside"].between(0, 1).all()
    assert (inputs["points"] >= 2).all()


@settings(max_examples=60, deadline=None)
@given(st.floats(0.0, 1.0), st.floats(0.0, 1.0), st.floats(0.0, 0.5), st.floats(0.0, 0.5))
def test_the_pool_is_monotone_in_both_views_for_any_learned_posterior(p_in, p_out, d_in, d_out):
    pool = learn_pool([0.9, 0.2, 0.6, 0.3, 0.8], [0.4, 0.3, 0.2, 0.5, 0.3], [1, 0, 1, 0, 0])
    base = combine(p_in, p_out, pool=pool)
    assert combine(min(p_in + d_in, 1.0), p_out, pool=pool) >= base - 1e-12
    assert combine(p_in, min(p_out + d_out, 1.0), pool=pool) >= base - 1e-12
