"""The fused history: the bridging model's filter, the figures it uses, bad input, forecasts."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

import tradepath as tp
from tradepath.fusion import FusedDataset, fuse
from tradepath.fusion.kalman import StateSpace, batched_loglike, smooth


@pytest.fixture(scope="module")
def fused() -> FusedDataset:
    return fuse()


def _toy() -> StateSpace:
    rng = np.random.default_rng(3)
    n = 14
    mu = np.log(10) + np.cumsum(0.1 + 0.02 * rng.standard_normal(n))
    y = np.column_stack([mu + 0.01 * rng.standard_normal(n),
                         mu + 0.05 + 0.01 * rng.standard_normal(n)])
    y[[2, 3, 7, 12], 0] = np.nan  # years missing on one basis, or both
    y[[0, 1, 5, 7, 9], 1] = np.nan
    r = np.where(np.arange(n)[:, None] % 3 == 0, 0.03, 0.01) * np.ones((n, 2))
    return StateSpace(y=y, r=r, a0=np.array([np.log(10), 0.08, 0.0]),
                      p0=np.diag([1.0, 0.09, 0.01]))


def test_filter_and_smoother_match_statsmodels() -> None:
    sm = pytest.importorskip("statsmodels.tsa.statespace.mlemodel")
    ss = _toy()
    q = np.array([0.03, 0.01, 0.02])
    n = ss.y.shape[0]
    mod = sm.MLEModel(ss.y, k_states=3, initialization="known",
                      initial_state=ss.a0, initial_state_cov=ss.p0)
    mod["design"] = ss.design
    mod["transition"] = ss.transition
    mod["selection"] = np.eye(3)
    mod["state_cov"] = np.diag(q ** 2)
    obs_cov = np.zeros((2, 2, n))
    obs_cov[0, 0], obs_cov[1, 1] = ss.r[:, 0] ** 2, ss.r[:, 1] ** 2
    mod["obs_cov"] = obs_cov
    ref = mod.smooth([], transformed=True)
    ours = smooth(ss, q)
    assert_allclose(ours.loglike, ref.llf, rtol=1e-8)
    assert_allclose(ours.filtered, ref.filtered_state.T, atol=1e-8)
    assert_allclose(ours.smoothed, ref.smoothed_state.T, atol=1e-8)
    assert_allclose(ours.smoothed_cov, np.moveaxis(ref.smoothed_state_cov, -1, 0), atol=1e-10)
    # The batched likelihood is the same number for each parameter set.
    qs = np.array([q, [0.1, 0.02, 0.005]])
    assert_allclose(batched_loglike(ss, qs),
                    [ours.loglike, smooth(ss, qs[1]).loglike], rtol=1e-10)


def test_missing_years_are_never_observations(fused: FusedDataset) -> None:
    frame = fused.to_frame()
    # No exports figure on either basis in 2020: an estimate with a band, but no observation.
    assert not fused.used.query("flow == 'exports' and year == 2020").shape[0]
    assert np.isfinite(frame.loc[(2020, "exports"), "estimate"])
    assert np.isnan(fused.annual().loc[2020, "exports"])
    ss_years = set(fused.observations.query("flow == 'total'")["period"].astype(int))
    assert ss_years == set(fused.used.query("flow == 'total'")["year"])
    # Between figures the band is wider than at a figure.
    assert frame.loc[(2006, "total"), "sd_log"] > 3 * frame.loc[(2004, "total"), "sd_log"]


def test_fused_history_on_vietnams_basis(fused: FusedDataset) -> None:
    assert isinstance(fused, tp.Dataset)
    frame = fused.to_frame()
    total = frame.xs("total", level="flow")
    # A year on Vietnam's basis stays near its figure; a year seen only on Korea's is
    # Korea's figure over the estimated gap, which the overlapping years put above 1.
    assert abs(total.loc[2024, "estimate"] / 81.5 - 1) < 0.02
    assert 1.0 < total.loc[2022, "gap"] < 1.1
    assert total.loc[2022, "estimate"] < 87.7
    assert (total["lower"] < total["estimate"]).all() and (total["estimate"] < total["upper"]).all()
    assert fused.level_sd("total", 2025) > fused.level_sd("total", 2024)
    bal = frame.xs("balance", level="flow")
    x, m = frame.xs("exports", level="flow"), frame.xs("imports", level="flow")
    assert_allclose(bal["estimate"], (x["estimate"] - m["estimate"]).loc[bal.index])
    # Every figure left out says why.
    assert fused.left_out["reason"].str.len().gt(10).all()
    assert {"part of a year: the model is annual"} <= set(fused.left_out["reason"])


def test_korean_basis_on_request() -> None:
    kr = fuse(basis="KR")
    assert kr.basis == "KR"
    assert abs(kr.to_frame().loc[(2025, "total"), "estimate"] / 94.5 - 1) < 0.02
    assert kr.annual("KR")["total"].notna().sum() > 10


def _frame(rows: list[tuple[int, str, float, str]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["period", "flow", "value_usd_bn", "reporter"]).astype(
        {"period": str})


def test_one_overlapping_year_says_the_prior_is_used() -> None:
    rows = [(y, "total", 10 * 1.1 ** (y - 2010), "VN") for y in range(2010, 2016)]
    rows += [(y, "total", 10.6 * 1.1 ** (y - 2010), "KR") for y in (2015, 2017, 2018)]
    f = fuse(tp.Dataset.from_frame(_frame(rows)))
    assert any("one year on both bases (2015)" in n for n in f.notes)
    assert f.to_frame().loc[(2018, "total"), "gap"] == pytest.approx(1.06, abs=0.03)


def test_unidentifiable_gap_falls_back_on_the_prior() -> None:
    rows = [(y, "total", 10 * 1.1 ** (y - 2010), "VN") for y in range(2010, 2014)]
    rows += [(y, "total", 16 * 1.1 ** (y - 2015), "KR") for y in range(2015, 2019)]
    f = fuse(tp.Dataset.from_frame(_frame(rows)))
    assert any("not identified by the data" in n and "prior gap" in n for n in f.notes)
    frame = f.to_frame()
    assert_allclose(frame.loc[(2017, "total"), "gap"], 1.0, atol=0.05)
    # Only the trend bridges the bases: the gap's band stays wider than where both are seen.
    seen = fuse(tp.Dataset.from_frame(_frame(
        rows + [(y, "total", 10.6 * 1.1 ** (y - 2010), "KR") for y in range(2010, 2014)])))
    width = frame.loc[(2017, "total"), "gap_upper"] / frame.loc[(2017, "total"), "gap_lower"]
    both = seen.to_frame().loc[(2012, "total")]
    assert width > 1.5 * both["gap_upper"] / both["gap_lower"] - 0.5


def test_one_basis_only_and_the_other_basis_only() -> None:
    rows = [(y, "total", 10 * 1.1 ** (y - 2010), "KR") for y in range(2010, 2016)]
    f = fuse(tp.Dataset.from_frame(_frame(rows)))
    assert any("no figure on Vietnam's basis" in n for n in f.notes)
    assert f.annual()["total"].notna().sum() == 6
    g = fuse(tp.Dataset.from_frame(_frame(rows)), basis="KR")
    assert any("Korea's basis only" in n for n in g.notes)


def test_contradictory_figures_are_named_not_mixed() -> None:
    rows = [(y, "total", 10 * 1.1 ** (y - 2010), "VN") for y in range(2010, 2016)]
    df = _frame(rows)
    df = pd.concat([df, pd.DataFrame([{"period": "2013", "flow": "total",
                                       "value_usd_bn": 20.0, "reporter": "VN",
                                       "kind": "approximate"}])], ignore_index=True)
    f = fuse(tp.Dataset.from_frame(df))
    note = next(n for n in f.notes if "disagree" in n)
    assert "13.31 is used" in note and "20 is left out" in note
    assert f.to_frame().loc[(2013, "total"), "estimate"] == pytest.approx(13.31, rel=0.02)
    assert "contradicts" in f.left_out.query("value_usd_bn == 20")["reason"].iloc[0]


def test_nothing_to_fuse_raises_a_data_error() -> None:
    df = _frame([(2010, "total", 10.0, "unstated"), (2011, "total", 11.0, "unstated")])
    with pytest.raises(tp.DataError, match="no annual figure"):
        fuse(tp.Dataset.from_frame(df))
    with pytest.raises(tp.ParameterError, match="basis"):
        fuse(basis="JP")  # type: ignore[arg-type]
    with pytest.raises(tp.ParameterError, match="Dataset"):
        fuse(pd.DataFrame())  # type: ignore[arg-type]


def test_a_users_csv_on_two_bases_fuses_the_same_way(tmp_path) -> None:
    off = tp.load_dataset("official").observations
    keep = off[off["period"].str.fullmatch(r"\d{4}") & off["reporter"].isin(["VN", "KR"])
               & off["kind"].isin(["reported", "derived"])]
    keep = keep.drop_duplicates(["period", "flow", "reporter"])
    cols = ["period", "flow", "value_usd_bn", "reporter"]
    path = tmp_path / "mine.csv"
    keep[cols].to_csv(path, index=False)
    from_csv = fuse(tp.Dataset.from_csv(path))
    from_frame = fuse(tp.Dataset.from_frame(keep[cols]))
    pd.testing.assert_frame_equal(from_csv.to_frame(), from_frame.to_frame())
    assert len(from_csv.to_frame().xs("total", level="flow")) > 10


def test_past_target_answered_from_data(fused: FusedDataset) -> None:
    a = tp.assess(fused, fused.target("100B by 2023"), n_paths=500)
    assert a.status == "missed"
    assert "2022 ≈" in a.basis and "on Vietnam's basis, from Korea's 87.7" in a.basis


def test_the_far_tail_stays_within_what_the_panel_has_seen(fused: FusedDataset) -> None:
    """No reference pair above 8 bn grew more than about 15-fold in 26 years; the default's
    97.5 % quantile of 2050 stays below that multiple of 2025 (it was 64 times when the
    damped trend read the lone 1992 figure), and reading every figure still gives far more."""
    from tradepath.models import DampedTrend, Ensemble

    a = tp.assess(fused, tp.Target(150, by=2030), n_paths=4000, seed=0)
    assert a.bands.loc[2050, 0.975] < 15 * a.last_value
    whole = Ensemble(components=(DampedTrend(window=None), "logistic"))
    b = tp.assess(fused, tp.Target(150, by=2030), model=whole, n_paths=4000, seed=0)
    assert b.bands.loc[2050, 0.975] > 30 * b.last_value


def test_forecast_starts_from_the_fused_posterior(fused: FusedDataset) -> None:
    a = tp.assess(fused, tp.Target(150, by=2030), n_paths=4000, seed=1)
    assert a.last_year == 2025
    est_2025 = fused.to_frame().loc[(2025, "total"), "estimate"]
    assert a.bands.loc[2026, 0.5] >= est_2025
    assert any("drawn afresh on every path" in n for n in a.notes)
    # The start's uncertainty is in the paths: wider than the same model started at a point.
    from tradepath.fusion.start import PosteriorStart

    assert isinstance(a.fit, PosteriorStart)
    plain = a.fit.inner.simulate_array(n_paths=4000, end=2026, seed=1)[:, 0]
    drawn = a.fit.simulate_array(n_paths=4000, end=2026, seed=1)[:, 0]
    assert np.log(drawn).std() > np.log(plain).std()


def test_models_fit_the_figures_not_the_smoothed_estimates() -> None:
    """On figures taken as approximate (3 %) but exact, the smoother takes out year-to-year
    variation that the figures have; the fused observations keep it, so a model fitted on
    them recovers the true volatility (0.06) and one fitted on the smoothed estimates not."""
    from tradepath.models import RandomWalk

    sigma, fitted, smoothed = 0.06, [], []
    for seed in range(6):
        rng = np.random.default_rng(seed)
        years = np.arange(1995, 2025)
        level = 10 * np.exp(np.cumsum(0.08 + sigma * rng.standard_normal(len(years))))
        rows = [(str(y), "total", v, "VN", "approximate")
                for y, v in zip(years, level, strict=True) if y % 3]
        rows += [(str(y), "total", 1.05 * v, "KR", "approximate")
                 for y, v in zip(years, level, strict=True) if y % 2 == 0]
        f = fuse(tp.Dataset.from_frame(pd.DataFrame(
            rows, columns=["period", "flow", "value_usd_bn", "reporter", "kind"])))
        s = f.annual()["total"].dropna()
        # Each year's own figure where there is one, the other basis's over the gap else.
        own = {int(p): v for p, _, v, r, _ in rows if r == "VN"}
        assert_allclose(s[s.index.isin(list(own))], [own[y] for y in s.index if y in own])
        est = f.to_frame().xs("total", level="flow")["estimate"].loc[s.index]
        fitted.append(RandomWalk().fit(s).params["sigma"])
        smoothed.append(RandomWalk().fit(est).params["sigma"])
    assert abs(np.mean(fitted) / sigma - 1) < 0.15
    assert np.mean(smoothed) < 0.75 * sigma
