from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose
from scipy import special

import tradepath as tp
from tradepath.outside_view import (
    CALIBRATION,
    EPS,
    OutsideView,
    calibrate,
    combine,
    fit_calibration,
    learn_pooling_weight,
    outside_view,
    target_features,
)
from tradepath.reference import fit_logistic, reference_targets

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
        ref["target_type"] != "projection")
    r = ref[keep]
    fit = fit_logistic(r["growth_gap"].to_numpy(float), (r["outcome"] == "met").to_numpy(float),
                       prior_scale=2.5)
    expected = special.expit(fit.coef[0] + fit.coef[1] * ov.growth_gap)
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
    assert loo.n_reference == full.n_reference - 1 and loo.base_rate < full.base_rate


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


def test_pooling_weight_minimises_the_brier_score():
    rng = np.random.default_rng(0)
    truth = rng.uniform(0.05, 0.95, 400)
    y = (rng.uniform(size=400) < truth).astype(float)
    informative = np.clip(truth + 0.05 * rng.standard_normal(400), 0.01, 0.99)
    noise = rng.uniform(0.05, 0.95, 400)
    w, curve = learn_pooling_weight(informative, noise, y)
    assert w >= 0.8 and curve["brier"].min() == pytest.approx(
        curve.loc[curve["weight"] == w, "brier"].iloc[0])
    w2, _ = learn_pooling_weight(noise, informative, y)
    assert w2 <= 0.2
    with pytest.raises(tp.ParameterError, match="'outcomes'"):
        learn_pooling_weight([0.5], [0.5, 0.4], [1.0])


# -- the combination: the outcomes model on the inside view ----------------------------------


def test_calibration_with_vague_priors_is_the_maximum_likelihood_logit():
    import statsmodels.api as sm

    rng = np.random.default_rng(1)
    p = rng.uniform(0.02, 0.98, 300)
    truth = special.expit(-0.7 + 0.6 * special.logit(p))
    y = (rng.uniform(size=300) < truth).astype(float)
    cal = fit_calibration(p, y, slope_sd=1e4, intercept_sd=1e4)
    ref = sm.Logit(y, sm.add_constant(special.logit(p))).fit(disp=0)
    assert_allclose([cal.intercept, cal.slope], ref.params, rtol=1e-4, atol=1e-6)
    assert cal.n == 300 and cal.n_met == int(y.sum()) and cal.n_panel == 0
    assert_allclose(cal(p[:5]), ref.predict(sm.add_constant(special.logit(p[:5]))), rtol=1e-4)


def test_calibration_prior_holds_on_few_separated_targets():
    # 4 targets perfectly separated by the inside view: the mode stays finite, near the prior
    cal = fit_calibration([0.9, 0.8, 0.3, 0.2], [1, 1, 0, 0])
    assert 0.5 < cal.slope < 3.0 and np.isfinite(cal.intercept)
    # the prior alone (no information on the slope): slope 1, intercept at the base rate
    flat = fit_calibration([0.5, 0.5], [0, 1], slope_sd=1e-6)
    assert_allclose(flat.slope, 1.0, atol=1e-5)
    # the posterior mode solves the penalised score equations
    x = special.logit(np.array([0.9, 0.8, 0.3, 0.2]))
    y = np.array([1, 1, 0, 0])
    resid = y - special.expit(cal.intercept + cal.slope * x)
    a0 = special.logit(cal.base_rate)
    assert_allclose([resid.sum() - (cal.intercept - a0), (resid * x).sum()
                     - (cal.slope - 1) / 0.25], 0.0, atol=1e-6)


def test_pseudo_targets_share_the_slope_and_have_their_own_intercept():
    rng = np.random.default_rng(2)
    p = rng.uniform(0.02, 0.98, 2000)
    y = (rng.uniform(size=2000) < p).astype(float)  # a calibrated model on pseudo-targets
    ann = np.zeros(2000, bool)
    ann[:40] = True
    y[:40] = (rng.uniform(size=40) < special.expit(special.logit(p[:40]) - 2)).astype(float)
    cal = fit_calibration(p, y, announced=ann)
    assert cal.n == 40 and cal.n_panel == 1960
    assert abs(cal.slope - 1) < 0.15 and abs(cal.intercept_panel) < 0.2
    assert cal.intercept < -1.0  # announced targets are missed more often than the model says
    with pytest.raises(tp.ParameterError, match="'announced'"):
        fit_calibration(p, y, announced=np.zeros(2000, bool))


def test_the_shipped_calibration_is_sane():
    # monotone, below the model in the middle (targets are missed more often than models say)
    # but not flat: a model nearly sure of a target gives a combined probability above even
    grid = np.linspace(0.01, 0.99, 50)
    q = np.array([calibrate(v) for v in grid])
    assert np.all(np.diff(q) > 0)
    assert calibrate(0.5) < 0.5
    assert calibrate(0.97) > 0.5
    assert CALIBRATION.n >= 10 and CALIBRATION.n_panel >= 100
    assert 0.2 < CALIBRATION.slope < 3.0
    with pytest.raises(tp.ParameterError, match="'p_inside'"):
        calibrate(1.5)
    with pytest.raises(tp.ParameterError, match="'outcomes'"):
        fit_calibration([0.5, 0.6], [0.0, 2.0])
