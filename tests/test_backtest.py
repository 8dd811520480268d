from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose
from scipy import stats

import tradepath as tp
from tradepath.backtesting import (
    EventBacktest,
    backtest,
    calibration,
    crps_sample,
    event_backtest,
    synthetic_series,
)
from tradepath.models import CAGR, RandomWalk

SERIES = pd.Series({2000: 10.0, 2001: 11.0, 2003: 13.5, 2004: 14.0, 2006: 17.0, 2007: 18.5,
                    2008: 20.0, 2010: 23.0})


# -- CRPS ----------------------------------------------------------------------------------------


def crps_normal(mu: float, sigma: float, y: float) -> float:
    z = (y - mu) / sigma
    return sigma * (z * (2 * stats.norm.cdf(z) - 1) + 2 * stats.norm.pdf(z) - 1 / np.sqrt(np.pi))


@pytest.mark.parametrize(("mu", "sigma", "y"), [(0.0, 1.0, 0.0), (2.0, 0.5, 3.1),
                                               (-1.0, 3.0, -8.0)])
def test_sample_crps_converges_to_the_normal_closed_form(mu, sigma, y):
    rng = np.random.default_rng(0)
    x = rng.normal(mu, sigma, size=(1, 200_000))
    assert crps_sample(x, np.array([y]))[0] == pytest.approx(crps_normal(mu, sigma, y),
                                                            rel=0.01, abs=1e-3)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(-100, 100), min_size=1, max_size=30), st.floats(-150, 150))
def test_sorted_crps_formula_equals_the_pairwise_definition(xs, y):
    x = np.array(xs)
    brute = np.mean(np.abs(x - y)) - 0.5 * np.mean(np.abs(x[:, None] - x[None, :]))
    assert crps_sample(x[None, :], np.array([y]))[0] == pytest.approx(brute, abs=1e-9)


def test_crps_of_a_point_forecast_is_the_absolute_error():
    assert_allclose(crps_sample(np.full((2, 5), 3.0), np.array([1.0, 4.5])), [2.0, 1.5])


def test_crps_with_overflowed_or_missing_draws():
    x = np.array([[1.0, np.inf, 2.0], [1.0, np.nan, 2.0], [1.0, 2.0, 3.0]])
    out = crps_sample(x, np.array([1.5, 1.5, 2.0]))
    assert out[0] == np.inf and np.isnan(out[1]) and np.isfinite(out[2])


def test_backtest_counts_refusals_on_the_documents(ds):
    # The random walk needs four points: at the 2021 origin (three points) it refuses and is
    # counted, at 2023 it forecasts 2024.
    bt = backtest(ds.series("total"), ["random_walk"], n_paths=20_000, seed=0)
    row = bt.iloc[0]
    assert row["n_forecasts"] == 1 and row["n_refused"] >= 1
    assert np.isfinite(row["crps_log"]) and np.isfinite(row["crps"])


# -- rolling origin ------------------------------------------------------------------------------


def test_backtest_of_the_deterministic_baseline_by_hand():
    s = pd.Series({2000: 100.0, 2001: 110.0, 2003: 121.0, 2004: 150.0})
    bt = backtest(s, ["cagr"], horizons=(1, 2), min_train=2, n_paths=10, by_horizon=True)
    # origin 2001: cagr 10 % -> 2003 forecast 133.1 (h=2); origin 2003: 100->121 over 3 years
    # -> 2004 forecast 121 * 1.21^(1/3) (h=1). Origin 2000 has too few points, 2004 no future.
    g = 1.21 ** (1 / 3)
    e1, e2 = abs(121 * g - 150), abs(133.1 - 121)
    scale_2003 = np.mean([10 / 1, 11 / 2])  # one-year naive errors up to 2003
    scale_2001 = 10.0
    h1 = bt[bt["horizon"] == 1].iloc[0]
    h2 = bt[bt["horizon"] == 2].iloc[0]
    assert h1["n_forecasts"] == 1 and h2["n_forecasts"] == 1
    assert h1["mase"] == pytest.approx(e1 / scale_2003)
    assert h2["mase"] == pytest.approx(e2 / scale_2001)
    assert h1["mape"] == pytest.approx(100 * e1 / 150)
    assert h2["crps"] == pytest.approx(e2)  # a point forecast scores its absolute error
    assert h1["coverage_95"] == 0.0


def test_backtest_counts_forecasts_and_refusals():
    bt = backtest(SERIES, ["random_walk", "loglinear", "logistic"], n_paths=300)
    assert list(bt.columns) == ["model", "n_forecasts", "n_refused", "mase", "mape", "crps",
                                "crps_log", "coverage_50", "coverage_80", "coverage_95"]
    years = list(SERIES.index)
    expected = sum(1 for i, o in enumerate(years) if i + 1 >= 4
                   for h in (1, 2, 3) if o + h in years)
    rw = bt.set_index("model").loc["random_walk"]
    # Both need 4 points: each refuses at the first origin (3 points) and is counted.
    assert rw["n_forecasts"] == expected and rw["n_refused"] == 1
    ll = bt.set_index("model").loc["loglinear"]
    assert ll["n_refused"] == 1
    assert bt.set_index("model").loc["logistic", "n_refused"] >= 2
    assert (bt[["coverage_50", "coverage_80", "coverage_95"]].dropna() <= 1).all().all()


def test_backtest_is_reproducible_and_seeded():
    a = backtest(SERIES, ["random_walk", "damped_trend"], n_paths=300, seed=4)
    b = backtest(SERIES, ["random_walk", "damped_trend"], n_paths=300, seed=4)
    c = backtest(SERIES, ["random_walk", "damped_trend"], n_paths=300, seed=5)
    pd.testing.assert_frame_equal(a, b)
    assert not np.allclose(a["crps"], c["crps"])


def test_backtest_with_chosen_origins_and_by_horizon():
    bt = backtest(SERIES, [RandomWalk()], origins=[2006], n_paths=200, by_horizon=True)
    assert list(bt["horizon"]) == [1, 2, 3]
    assert list(bt["n_forecasts"]) == [1, 1, 0]  # 2007, 2008 observed; 2009 is not
    assert np.isnan(bt["crps"].iloc[2])


def test_backtest_coverage_of_a_well_specified_model():
    """On a long random walk the random-walk model's 80 % intervals cover about 80 %."""
    rng = np.random.default_rng(3)
    y = np.log(20) + np.cumsum(0.06 + 0.08 * rng.standard_normal(60))
    s = pd.Series(np.exp(y), index=range(1960, 2020))
    bt = backtest(s, ["random_walk"], horizons=(1,), n_paths=1000, min_train=10)
    assert bt["n_forecasts"].iloc[0] == 50
    assert 0.6 <= bt["coverage_80"].iloc[0] <= 0.95


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [({"models": ["arima"]}, "arima"),
     ({"horizons": (0, 1)}, "'horizons'"),
     ({"origins": [2002]}, "'origins'"),
     ({"n_paths": 10**9}, "GiB"),
     ({"min_train": 1}, "'min_train'"),
     ({"seed": -1}, "'seed'"),
     ({"by_horizon": "yes"}, "'by_horizon'")],
)
def test_backtest_bad_arguments(kwargs, match):
    err = tp.UnknownNameError if match == "arima" else tp.ParameterError
    with pytest.raises(err, match=match):
        backtest(SERIES, **({"models": ["cagr"]} | kwargs))


def test_backtest_refuses_a_series_that_is_too_short():
    with pytest.raises(tp.ParameterError, match="'series'"):
        backtest(pd.Series({2000: 1.0, 2001: 2.0}), ["cagr"])
    with pytest.raises(tp.ParameterError, match="'series'"):
        backtest([1.0, 2.0, 3.0, 4.0], ["cagr"])


# -- events --------------------------------------------------------------------------------------


def test_event_backtest_on_the_documents(ds):
    s = ds.series("total")
    eb = event_backtest(s, list(ds.targets), n_paths=500)
    assert isinstance(eb, EventBacktest)
    ev = eb.events.set_index(["target", "model"])
    first = ev.loc["20B by 2015"]
    assert (first["outcome"] == 1.0).all() and (first["n_train"] == 1).all()
    assert (first["status"] == "refused").all()  # one observation (2009) before the deadline
    assert first["outcome_detail"].str.startswith("met in 2012").all()
    assert first["message"].str.contains("at least").all()
    # 2022 is unobserved, so whether 100B was met by 2023 is unknown from the series
    assert (ev.loc["100B by 2023", "status"] == "unknown outcome").all()
    assert ev.loc["100B by 2023", "outcome_detail"].str.contains(r"\[2022\]").all()
    assert ev.loc["150B by 2030", "status"].eq("unknown outcome").all()
    assert eb.scores["n_events"].eq(0).all() and eb.scores["brier"].isna().all()
    assert any("no model could be fitted" in n for n in eb.notes)
    assert "EventBacktest" in repr(eb) and eb.to_frame() is eb.events


def test_event_backtest_probabilities_and_brier():
    s = pd.Series({2000: 10.0, 2002: 12.0, 2003: 13.3, 2005: 15.0, 2006: 17.2, 2007: 18.0,
                   2008: 19.5, 2009: 20.5})
    hit = tp.Target(20.0, by=2009, announced=2005)  # met in 2009
    miss = tp.Target(40.0, by=2008, announced=2005)  # every year 2006-2008 observed, missed
    eb = event_backtest(s, [hit, miss], [CAGR(), RandomWalk()], n_paths=4000, seed=1)
    ev = eb.events.set_index(["target", "model"])
    assert ev.loc[("20B by 2009", "cagr"), "outcome"] == 1.0
    assert ev.loc[("40B by 2008", "cagr"), "outcome"] == 0.0
    # CAGR from 10 (2000) to 15 (2005) reaches 20 in 2009 (15 * 1.084^4 = 20.7): p = 1
    assert ev.loc[("20B by 2009", "cagr"), "probability"] == 1.0
    assert ev.loc[("40B by 2008", "cagr"), "probability"] == 0.0
    assert eb.scores.set_index("model").loc["cagr", "brier"] == 0.0
    # The random walk's probability is the share of its own paths above the target
    fit = RandomWalk().fit(s[s.index <= 2005])
    rng = np.random.default_rng(1).spawn(2)[1]
    paths = fit.simulate_array(n_paths=4000, end=2009, seed=rng)
    p = np.mean(np.any(paths >= 20.0, axis=1))
    assert ev.loc[("20B by 2009", "random_walk"), "probability"] == pytest.approx(p)
    assert ev.loc[("20B by 2009", "random_walk"), "brier"] == pytest.approx((1 - p) ** 2)
    rw = eb.scores.set_index("model").loc["random_walk"]
    assert rw["n_events"] == 2


def test_event_backtest_bad_targets():
    with pytest.raises(tp.ParameterError, match="announced"):
        event_backtest(SERIES, [tp.Target(30, by=2012)])
    with pytest.raises(tp.ParameterError, match="'targets'"):
        event_backtest(SERIES, [])
    with pytest.raises(tp.ParameterError, match="'targets'"):
        event_backtest(SERIES, ["30B by 2012"])


# -- synthetic series and calibration -------------------------------------------------------------


@pytest.mark.parametrize("process", ["random_walk", "trend", "damped", "logistic"])
def test_synthetic_series_shape_and_gaps(process):
    df = synthetic_series(process, n_series=50, n_points=(5, 8), span=15, horizon=4, seed=2)
    again = synthetic_series(process, n_series=50, n_points=(5, 8), span=15, horizon=4, seed=2)
    pd.testing.assert_frame_equal(df, again)
    fit = df[df["role"] == "fit"]
    counts = fit.groupby("series").size()
    assert counts.between(5, 8).all() and len(counts) == 50
    assert (fit.groupby("series")["year"].min() == 0).all()
    assert (fit.groupby("series")["year"].max() == 15).all()
    fut = df[df["role"] == "future"]
    assert (fut.groupby("series")["year"].apply(list) == pd.Series([[16, 17, 18, 19]] * 50)).all()
    assert np.all(df["value"] > 0)


def test_synthetic_random_walk_has_the_stated_drift_and_volatility():
    df = synthetic_series("random_walk", n_series=3000, n_points=(16, 16), span=15, horizon=1,
                          seed=0)
    wide = df.pivot(index="series", columns="year", values="value")
    d = np.diff(np.log(wide.to_numpy()), axis=1)
    assert d.mean() == pytest.approx(0.085, abs=0.003)  # E U(0.02, 0.15)
    assert np.mean(d.var(axis=1, ddof=1)) == pytest.approx(np.mean(
        np.linspace(0.03, 0.12, 100_001) ** 2), rel=0.05)


def test_synthetic_damped_growth_decays():
    df = synthetic_series("damped", n_series=500, n_points=(16, 16), span=15, horizon=1, seed=0)
    wide = np.log(df.pivot(index="series", columns="year", values="value").to_numpy())
    d = np.diff(wide, axis=1).mean(axis=0)
    assert d[:3].mean() > 2 * d[-3:].mean() > 0


def test_calibration_frame_and_the_well_specified_model():
    df = calibration(["random_walk", "cagr"], processes=["random_walk"], n_series=150,
                     horizons=(1, 3), n_paths=300, seed=9)
    assert list(df.columns) == ["process", "model", "horizon", "n_series", "n_refused",
                                "coverage_50", "coverage_80", "coverage_95", "crps_log",
                                "mean_prob", "event_rate", "brier", "reliability"]
    rw = df[df["model"] == "random_walk"]
    assert rw["coverage_80"].between(0.7, 0.9).all()
    assert rw["coverage_95"].between(0.88, 1.0).all()
    assert (abs(rw["mean_prob"] - rw["event_rate"]) < 0.08).all()
    cagr = df[df["model"] == "cagr"]
    assert (cagr["coverage_80"] < 0.05).all()
    assert (cagr["brier"] > rw["brier"].to_numpy()).all()


def test_calibration_of_a_model_does_not_depend_on_the_others():
    kw = dict(processes=["damped", "trend"], n_series=20, horizons=(3,), n_paths=50, seed=1)
    both = calibration(["random_walk", "damped_trend"], **kw)
    alone = calibration(["damped_trend"], **kw)
    pd.testing.assert_frame_equal(both[both["model"] == "damped_trend"].reset_index(drop=True),
                                  alone)


def test_calibration_counts_refusals():
    df = calibration(["logistic"], processes=["random_walk"], n_series=20, horizons=(3,),
                     n_paths=50, seed=0)
    assert df["n_refused"].iloc[0] > 0
    assert df["n_series"].iloc[0] + df["n_refused"].iloc[0] == 20


def test_synthetic_bad_arguments():
    with pytest.raises(tp.ParameterError, match="'process'"):
        synthetic_series("arima")
    with pytest.raises(tp.ParameterError, match="'n_points'"):
        synthetic_series("damped", n_points=(5, 30), span=15)
    with pytest.raises(tp.ParameterError, match="'processes'"):
        calibration(["cagr"], processes=["nope"])


def test_backtest_coverage_uses_the_central_interval():
    """An actual at the 85th percentile of the forecast is inside the central 80 % interval
    (10th to 90th percentile) and outside the central 50 % (25th to 75th)."""
    rng = np.random.default_rng(8)
    train = pd.Series(np.exp(np.log(20) + np.cumsum(0.06 + 0.08 * rng.standard_normal(12))),
                      index=range(2000, 2012))
    log_draws = np.log(RandomWalk().fit(train).simulate_array(n_paths=200_000, end=2012,
                                                               seed=1)[:, -1])
    actual = float(np.exp(np.quantile(log_draws, 0.85)))
    s = pd.concat([train, pd.Series([actual], index=[2012])])
    bt = backtest(s, ["random_walk"], origins=[2011], horizons=(1,), n_paths=4000, seed=2)
    assert bt["n_forecasts"].iloc[0] == 1
    assert bt["coverage_50"].iloc[0] == 0.0
    assert bt["coverage_80"].iloc[0] == 1.0
    assert bt["coverage_95"].iloc[0] == 1.0
