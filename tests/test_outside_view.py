from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose
from scipy import special

import tradepath as tp
from tradepath.outside_view import (
    EPS,
    POOLING_WEIGHT,
    OutsideView,
    combine,
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


# -- where the record speaks -----------------------------------------------------------------


def test_relevance_is_the_ratio_of_log_multiples_below_the_least_ambitious_target():
    ref = pd.DataFrame({"outcome": ["met", "missed", "missed", "missed"],
                        "growth_gap": [0.0, 0.02, 0.05, 0.1], "level_multiple": [1.5, 2.0, 3, 4],
                        "target_type": "target"})
    last = SERIES.iloc[-1]
    at_least = outside_view(tp.Target(1.5 * last, by=2025), SERIES, targets=ref)
    assert at_least.relevance == 1.0
    easy = outside_view(tp.Target(1.2 * last, by=2025), SERIES, targets=ref)
    assert_allclose(easy.relevance, math.log(1.2) / math.log(1.5))
    assert "less than any resolved target" in easy.notes[-1]
    reached = outside_view(tp.Target(0.9 * last, by=2025), SERIES, targets=ref)
    assert reached.relevance == 0.0
    # a class without level multiples speaks to every target
    bare = ref.drop(columns="level_multiple")
    assert outside_view(tp.Target(1.2 * last, by=2025), SERIES, targets=bare).relevance == 1.0


def test_combine_moves_the_weight_to_the_model_where_the_record_is_silent():
    def view(relevance: float) -> OutsideView:
        return OutsideView(base_rate=0.17, lower=0.1, upper=0.3, growth_gap=-0.05,
                           required_growth=0.01, trailing_growth=0.06, level_multiple=1.06,
                           years_to_deadline=5, n_reference=12, n_reference_met=2,
                           n_similar=4, n_similar_met=1, relevance=relevance)

    assert combine(0.95, view(1.0), weight=0.0) == pytest.approx(0.17)
    assert combine(0.95, view(0.0), weight=0.0) == pytest.approx(0.95)
    w = 1 - (1 - 0.2) * 0.25
    assert_allclose(combine(0.95, view(0.25), weight=0.2),
                    special.expit(w * special.logit(0.95) + (1 - w) * special.logit(0.17)))


def test_the_shipped_pooling_weight_is_a_weight():
    assert 0.0 <= POOLING_WEIGHT <= 1.0
