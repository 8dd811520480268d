from __future__ import annotations

import math
import subprocess
import sys
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tradepath as tp
from tradepath.batch import (
    RESULT_COLUMNS,
    Multiple,
    _random_walk_fit,
    assess_many,
    assess_many_dask,
    series_seed,
)
from tradepath.models import CAGR, RandomWalk


def _long(series: dict[str, dict[int, float]]) -> pd.DataFrame:
    rows = [(pair, year, value) for pair, s in series.items() for year, value in s.items()]
    return pd.DataFrame(rows, columns=["pair", "year", "value"])


def _walk(seed: int, n: int = 15, mu: float = 0.07, sigma: float = 0.08, start: int = 2010,
          gaps: bool = False, level: float = 50.0) -> dict[int, float]:
    rng = np.random.default_rng(seed)
    years = np.arange(start, start + n)
    values = level * np.exp(np.cumsum(mu + sigma * rng.standard_normal(n)))
    keep = np.ones(n, dtype=bool)
    if gaps:
        keep[1:-1] = rng.random(n - 2) > 0.25
    return {int(y): float(v) for y, v in zip(years[keep], values[keep], strict=True)}


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    return _long({
        "KOR-USA": _walk(1, mu=0.02, sigma=0.12),
        "VNM-CHN": _walk(2, mu=0.10, sigma=0.03),  # steady growth: drift >> volatility
        "VNM-JPN": _walk(3, gaps=True),
        "VNM-KOR": _walk(4, mu=0.05, sigma=0.10, gaps=True),
        "VNM-USA": _walk(5, n=6, mu=0.12, sigma=0.06),
    })


def _dataset(frame: pd.DataFrame, pair: str) -> tp.Dataset:
    g = frame[frame["pair"] == pair]
    return tp.Dataset.from_frame(pd.DataFrame({
        "period": g["year"].astype(int).astype(str), "flow": "total", "value_usd_bn": g["value"],
    }))


def _assess(frame: pd.DataFrame, pair: str, value: float, by: int, **kw) -> tp.Assessment:
    return tp.assess(_dataset(frame, pair), tp.Target(value, by=by),
                     seed=np.random.default_rng(series_seed(kw.pop("seed", 0), pair)), **kw)


def test_importing_the_batch_module_is_light():
    code = ("import sys, tradepath.batch; print(sorted({m.split('.')[0] for m in sys.modules} "
            "& {'matplotlib', 'statsmodels', 'dask', 'distributed'}))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "[]"


# -- the vectorised random walk ------------------------------------------------------------


def test_vectorised_fit_is_the_random_walk_estimator(frame):
    f = frame.sort_values(["pair", "year"])
    counts = f.groupby("pair").size().to_numpy()
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    mu, sigma, span = _random_walk_fit(f["year"].to_numpy(float), np.log(f["value"].to_numpy()),
                                       starts, counts)
    for i, (_, g) in enumerate(f.groupby("pair")):
        fit = RandomWalk().fit(g.set_index("year")["value"])
        np.testing.assert_allclose(mu[i], fit.params["drift"], rtol=1e-12)
        np.testing.assert_allclose(sigma[i], fit.params["sigma"], rtol=1e-12)
        assert span[i] == fit.extras["span_years"]


def test_vectorised_path_agrees_with_assess_within_monte_carlo_error(frame):
    n = 4000
    rule = Multiple(1.8, by=2031)
    out = assess_many(frame, rule, n_paths=n, seed=11).set_index("pair")
    assert (out["status"] == "simulated").all() and (out["model"] == "random_walk").all()
    for pair, row in out.iterrows():
        a = _assess(frame, pair, row["target"], 2031, model="random_walk", n_paths=n, seed=5)
        cdf = a.crossing_year.to_frame()["p_cumulative"]
        # The probability by the deadline, and the crossing-year CDF along the horizon.
        for year, p_fast in [(2031, row["probability"]),
                             (int(row["horizon"]), 1 - row["p_not_by_horizon"])]:
            p_ref = float(cdf.loc[year])
            se = math.sqrt(max(p_ref * (1 - p_ref), 1 / n) * 2 / n)
            assert abs(p_fast - p_ref) <= 0.02 + 4 * se, (pair, year, p_fast, p_ref)
        assert row["fitted_growth"] == pytest.approx(a.fitted_growth, rel=1e-12)
        for col in ("required_growth", "observed_growth", "on_track_ratio"):
            assert row[col] == pytest.approx(getattr(a, col), rel=1e-12), col
        assert row["on_track"] == a.on_track


def test_vectorised_path_without_parameter_uncertainty():
    frame = _long({"A": _walk(7, n=12), "B": _walk(8, n=12, mu=0.03)})
    model = RandomWalk(parameter_uncertainty=False)
    out = assess_many(frame, Multiple(1.5, by=2028), model=model, n_paths=4000, seed=1)
    for _, row in out.iterrows():
        a = _assess(frame, row["pair"], row["target"], 2028, model=model, n_paths=4000)
        se = math.sqrt(max(a.probability * (1 - a.probability), 1e-4) * 2 / 4000)
        assert abs(row["probability"] - a.p_inside) <= 0.02 + 4 * se


def test_a_perfectly_smooth_series_is_deterministic():
    frame = _long({"G": {y: 10 * 1.1 ** (y - 2015) for y in range(2015, 2025)}})
    out = assess_many(frame, tp.Target(40, by=2030), n_paths=100).iloc[0]
    # 10 * 1.1^k >= 40 first for k = 15 (2030): met exactly in 2030 on every path.
    assert out["probability"] == 1.0 and out["crossing_q10"] == out["crossing_q90"] == 2030
    a = _assess(frame, "G", 40, 2030, model="random_walk", n_paths=100)
    assert a.p_inside == 1.0 and a.crossing_year.median == 2030


def test_crossing_quantiles_are_consistent_with_the_probability(frame):
    out = assess_many(frame, Multiple(1.5, by=2028), n_paths=3000)
    q = out[["crossing_q10", "crossing_q50", "crossing_q90"]].to_numpy()
    assert (np.diff(q, axis=1) >= 0).all()
    assert ((out["probability"] >= 0.5) == (out["crossing_q50"] <= 2028)).all()
    assert ((out["probability"] >= 0.1) == (out["crossing_q10"] <= 2028)).all()


@settings(max_examples=15, deadline=None)
@given(st.floats(1.05, 3.0), st.floats(1.05, 3.0), st.integers(0, 2**16))
def test_a_higher_target_is_never_more_likely(f1, f2, seed):
    # The same draws serve every target level, so the ordering holds path by path.
    frame = _long({"A": _walk(3, gaps=True)})
    lo, hi = sorted((f1, f2))
    p = [assess_many(frame, Multiple(f, by=2030), n_paths=300, seed=seed).iloc[0]
         for f in (lo, hi)]
    assert p[1]["probability"] <= p[0]["probability"]
    assert p[1]["p_not_by_horizon"] >= p[0]["p_not_by_horizon"]


def test_a_series_gets_the_same_numbers_whatever_the_batch(frame):
    whole = assess_many(frame, Multiple(2.0, by=2030), n_paths=500, seed=3)
    shuffled = frame.sample(frac=1.0, random_state=0)
    shuffled_out = assess_many(shuffled, Multiple(2.0, by=2030), n_paths=500, seed=3)
    pd.testing.assert_frame_equal(whole, shuffled_out)
    # Alone, and next to a series with a much longer horizon (more simulated years).
    alone = assess_many(frame[frame["pair"] == "VNM-JPN"], Multiple(2.0, by=2030), n_paths=500,
                        seed=3)
    pd.testing.assert_frame_equal(alone, whole[whole["pair"] == "VNM-JPN"].reset_index(drop=True))
    targets = pd.DataFrame({"pair": ["VNM-JPN", "KOR-USA"], "target": [
        float(alone["target"].iloc[0]), 1e4], "by": [2030, 2090]})
    mixed = assess_many(frame[frame["pair"].isin(["VNM-JPN", "KOR-USA"])], targets,
                        n_paths=500, seed=3).set_index("pair")
    assert mixed.loc["VNM-JPN", "probability"] == alone["probability"].iloc[0]
    assert mixed.loc["VNM-JPN", "crossing_q90"] == alone["crossing_q90"].iloc[0]
    assert mixed.loc["KOR-USA", "horizon"] == 2090  # the deadline, after 2050


def test_same_seed_same_numbers_other_seed_other_numbers(frame):
    a = assess_many(frame, Multiple(1.5, by=2028), n_paths=400, seed=1)
    b = assess_many(frame, Multiple(1.5, by=2028), n_paths=400, seed=1)
    c = assess_many(frame, Multiple(1.5, by=2028), n_paths=400, seed=2)
    pd.testing.assert_frame_equal(a, b)
    assert not np.array_equal(a["probability"], c["probability"])


def test_threads_do_not_change_the_numbers():
    frame = _long({f"P{i:03d}": _walk(i, n=10) for i in range(80)})  # several blocks
    one = assess_many(frame, Multiple(1.6, by=2029), n_paths=300, n_jobs=1)
    two = assess_many(frame, Multiple(1.6, by=2029), n_paths=300, n_jobs=2)
    pd.testing.assert_frame_equal(one, two)


# -- one series at a time ------------------------------------------------------------------

_COMPARED = ["probability", "required_growth", "fitted_growth", "observed_growth",
             "on_track_ratio"]


@pytest.mark.parametrize("model", ["random_walk", "cagr", "loglinear"])
def test_per_series_rows_equal_assess(frame, model):
    by = 2029
    out = assess_many(frame, Multiple(1.7, by=by), model=model, n_paths=600, seed=4,
                      method="per_series")
    assert set(out["status"]) == {"simulated"}
    for _, row in out.iterrows():
        a = _assess(frame, row["pair"], row["target"], by, model=model, n_paths=600, seed=4,
                    view="inside")  # the batch reports the model's own probability
        for col in _COMPARED:
            np.testing.assert_allclose(row[col], getattr(a, col), rtol=1e-12, err_msg=col)
        cy = a.crossing_year
        assert (row["crossing_q10"], row["crossing_q50"], row["crossing_q90"]) == (
            cy.quantile(0.1), cy.quantile(0.5), cy.quantile(0.9))
        assert row["p_not_by_horizon"] == cy.p_not_by_horizon
        assert (row["model"], row["status"], row["on_track"]) == (a.model, a.status,
                                                                  a.on_track)


def test_process_pool_does_not_change_the_numbers(frame):
    kw = dict(model="loglinear", n_paths=300, seed=9, method="per_series")
    one = assess_many(frame, Multiple(1.5, by=2030), n_jobs=1, **kw)
    two = assess_many(frame, Multiple(1.5, by=2030), n_jobs=2, **kw)
    pd.testing.assert_frame_equal(one, two)


def test_targets_answered_by_the_data_match_assess():
    frame = _long({
        "met": {2015: 40.0, 2016: 55.0, 2017: 48.0, 2018: 60.0},  # 50 first reached in 2016
        "missed": {y: 40.0 + y - 2015 for y in range(2015, 2022)},  # every year below 50
        # Below 50 in every year with a figure, but 2016, 2018 and 2020 have none: a miss in
        # every year cannot be shown, so the data say "unknown", as tp.assess does.
        "unknown": {2015: 40.0, 2017: 44.0, 2019: 46.0, 2021: 47.0},
    })
    out = assess_many(frame, tp.Target(50, by=2020)).set_index("pair")
    assert out.loc["met", "status"] == "met" and out.loc["met", "met_year"] == 2016
    assert out.loc["missed", "status"] == "missed" and pd.isna(out.loc["missed", "met_year"])
    assert out.loc["unknown", "status"] == "unknown"
    for pair in ("met", "missed", "unknown"):
        a = _assess(frame, pair, 50, 2020)
        row = out.loc[pair]
        assert (row["status"], row["model"]) == (a.status, a.model)
        assert row["probability"] == a.probability or (
            pd.isna(row["probability"]) and np.isnan(a.probability))
        assert (pd.isna(row["met_year"]) and a.met_year is None) or row["met_year"] == a.met_year
        for col in ("required_growth", "observed_growth", "on_track_ratio"):
            np.testing.assert_allclose(row[col], getattr(a, col), rtol=1e-12)
        assert row["on_track"] == a.on_track


# -- targets -------------------------------------------------------------------------------


def test_three_ways_to_give_targets(frame):
    last = frame.sort_values("year").groupby("pair")["value"].last()
    one = assess_many(frame, tp.Target(120, by=2030), n_paths=50)
    assert (one["target"] == 120).all() and (one["by"] == 2030).all()
    rule = assess_many(frame, Multiple(2.0, by=2030), n_paths=50).set_index("pair")
    np.testing.assert_allclose(rule["target"], 2 * last.loc[rule.index])
    base = assess_many(frame, Multiple(2.0, by=2030, base=2014), n_paths=50).set_index("pair")
    at = frame[frame["year"] == 2014].set_index("pair")["value"]
    np.testing.assert_allclose(base.loc[at.index, "target"], 2 * at)
    table = pd.DataFrame({"pair": last.index, "target": 3 * last.to_numpy(), "by": 2035})
    per = assess_many(frame, table, n_paths=50).set_index("pair")
    np.testing.assert_allclose(per["target"], 3 * last.loc[per.index])
    assert (per["horizon"] == 2050).all()  # the one default: 2050 or a later deadline


def test_multiple_rule():
    assert Multiple(2.0, by=2030).describe() == "2x the last value by 2030"
    assert Multiple(1.5, by=2030, base=2020).describe() == "1.5x the 2020 value by 2030"
    with pytest.raises(tp.ParameterError, match="'factor' parameter of Multiple"):
        Multiple(0.0, by=2030)
    with pytest.raises(tp.ParameterError, match="'by' parameter of Multiple"):
        Multiple(2.0, by=1800)
    with pytest.raises(tp.ParameterError, match="'base' parameter of Multiple"):
        Multiple(2.0, by=2030, base=2031)


# -- bad rows ------------------------------------------------------------------------------


def test_bad_rows_are_reported_per_series_without_failing_the_batch(frame):
    good = frame[frame["pair"].isin(["VNM-JPN", "VNM-KOR"])]
    bad = pd.DataFrame([
        ("few", 2020, 10.0), ("few", 2021, 11.0),
        ("zero", 2019, 5.0), ("zero", 2020, 0.0), ("zero", 2021, 6.0), ("zero", 2022, -1.0),
        ("dup", 2019, 5.0), ("dup", 2020, 6.0), ("dup", 2020, 6.5), ("dup", 2021, 7.0),
        ("half", 2019, 5.0), ("half", 2020.5, 6.0), ("half", 2021, 7.0),
        ("text", 2019, 5.0), ("text", 2020, "n/a"), ("text", 2021, 7.0), ("text", 2022, 8.0),
        ("gappy", 2019, 5.0), ("gappy", 2020, np.nan), ("gappy", 2021, 7.0),
        ("gappy", 2022, 8.0), ("gappy", 2023, 9.0),
    ], columns=["pair", "year", "value"])
    both = pd.concat([good.astype({"value": object}), bad], ignore_index=True)
    targets = pd.DataFrame({
        "pair": ["VNM-JPN", "VNM-KOR", "few", "zero", "dup", "half", "text", "gappy",
                 "gappy"],
        "target": [200.0] * 9, "by": [2030] * 9,
    })
    targets = targets[targets["pair"] != "VNM-KOR"]  # a missing target
    out = assess_many(both, targets, n_paths=300, seed=2).set_index("pair")
    err = out["error"]
    assert (out.loc[["few", "zero", "dup", "half", "text", "gappy", "VNM-KOR"], "status"]
            == "error").all()
    assert "needs at least 4 observations; got 2 [2020, 2021]" in err["few"]
    assert "must be positive" in err["zero"] and "2020: 0" in err["zero"]
    assert "-1" in err["zero"]
    assert "duplicate years [2020]" in err["dup"]
    assert "whole numbers" in err["half"] and "2020.5" in err["half"]
    assert "finite numbers" in err["text"] and "'n/a'" in err["text"]
    assert "2 rows of the targets frame" in err["gappy"]
    assert "no target for this series" in err["VNM-KOR"]
    assert out.loc["gappy", "n_obs"] == 4  # the missing value is a gap, not an error
    assert out.loc["VNM-JPN", "status"] == "simulated" and out.loc["VNM-JPN", "error"] == ""
    assert out.loc["few", "model"] == "" and np.isnan(out.loc["few", "probability"])
    # The good series get exactly the numbers they get on their own.
    alone = assess_many(frame[frame["pair"] == "VNM-JPN"], tp.Target(200, by=2030),
                        n_paths=300, seed=2).set_index("pair")
    pd.testing.assert_series_equal(out.loc["VNM-JPN"], alone.loc["VNM-JPN"])


def test_bad_targets_and_horizons_per_series(frame):
    targets = pd.DataFrame({"pair": ["KOR-USA", "VNM-CHN", "VNM-JPN", "VNM-KOR", "VNM-USA"],
                            "target": [-5.0, 100.0, 100.0, 500.0, "lots"],
                            "by": [2030, 2030.5, 2100, 2030, 2030]})
    out = assess_many(frame, targets, horizon=2040, n_paths=100).set_index("pair")
    assert "positive number" in out.loc["KOR-USA", "error"]
    assert "whole year" in out.loc["VNM-CHN", "error"]
    assert "horizon 2040 is before the deadline 2100" in out.loc["VNM-JPN", "error"]
    assert "not a number: 'lots'" in out.loc["VNM-USA", "error"]
    assert out.loc["VNM-KOR", "status"] == "simulated" and out.loc["VNM-KOR", "horizon"] == 2040
    missing_base = assess_many(frame, Multiple(2.0, by=2030, base=2011), n_paths=50)
    errors = missing_base.set_index("pair")["error"]
    no_2011 = set(frame["pair"]) - set(frame.loc[frame["year"] == 2011, "pair"])
    for pair in no_2011:
        assert "no value in the base year 2011" in errors[pair]


class _Fussy(CAGR):
    """A model that refuses small series, to see a refusal inside a batch."""

    name = "fussy"

    def _fit(self, s: pd.Series):
        if s.iloc[-1] < 100:
            raise tp.ModelError(f"fussy: the last value {s.iloc[-1]:.1f} is below 100")
        return super()._fit(s)


def test_a_model_refusal_is_an_error_row(frame):
    out = assess_many(frame, Multiple(1.3, by=2030), model=_Fussy(), n_paths=50,
                      method="per_series").set_index("pair")
    small = out["last_value"] < 100
    assert small.any() and (~small).any()
    assert (out.loc[small, "status"] == "error").all()
    assert out.loc[small, "error"].str.startswith("ModelError: fussy: the last value").all()
    assert (out.loc[~small, "status"] == "simulated").all()
    assert (out.loc[~small, "model"] == "fussy").all() and (out.loc[small, "model"] == "").all()


def test_rows_without_an_id_are_left_out_with_a_warning(frame):
    f = frame.copy().astype({"pair": object})
    f.loc[f.index[0], "pair"] = None
    with pytest.warns(tp.TradepathWarning, match="1 row\\(s\\) have no 'pair'"):
        out = assess_many(f, Multiple(1.5, by=2030), n_paths=50)
    assert len(out) == frame["pair"].nunique()


def test_unknown_target_ids_warn(frame):
    targets = pd.DataFrame({"pair": ["VNM-KOR", "XXX-YYY"], "target": [100.0, 5.0],
                            "by": [2030, 2030]})
    with pytest.warns(tp.TradepathWarning, match="'XXX-YYY'"):
        assess_many(frame, targets, n_paths=50)


def test_empty_frame_and_other_column_names():
    empty = pd.DataFrame({"pair": pd.Series([], dtype="str"), "year": [], "value": []})
    out = assess_many(empty, tp.Target(10, by=2030))
    assert list(out.columns) == ["pair", *RESULT_COLUMNS] and len(out) == 0
    f = pd.DataFrame({"iso": ["A"] * 4, "t": pd.to_datetime(["2019", "2020", "2021", "2022"]),
                      "usd": [1.0, 1.1, 1.2, 1.4]})
    out = assess_many(f, tp.Target(2, by=2030), id_col="iso", time_col="t", value_col="usd",
                      n_paths=50)
    assert list(out.columns[:2]) == ["iso", "n_obs"] and out.loc[0, "last_year"] == 2022


# -- argument errors -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        (dict(n_paths=0), tp.ParameterError, "'n_paths' parameter of assess_many"),
        (dict(seed=-1), tp.ParameterError, "'seed' parameter of assess_many"),
        (dict(seed=1.5), tp.ParameterError, "'seed' parameter of assess_many"),
        (dict(n_jobs=0), tp.ParameterError, "'n_jobs' parameter"),
        (dict(horizon=1800), tp.ParameterError, "'horizon' parameter"),
        (dict(method="fast"), tp.ParameterError, "'method' parameter"),
        (dict(model="cagr", method="vectorised"), tp.ParameterError, "runs per series"),
        (dict(model="arima"), tp.UnknownNameError, "Unknown model 'arima'"),
        (dict(model=3), tp.ParameterError, "'model' parameter"),
        (dict(value_col="usd"), tp.DataError, "value_col column 'usd' is not in the frame"),
    ],
)
def test_argument_errors(frame, kwargs, error, match):
    with pytest.raises(error, match=match):
        assess_many(frame, tp.Target(100, by=2030), **kwargs)


def test_target_argument_errors(frame):
    with pytest.raises(tp.ParameterError, match="'targets' parameter of assess_many"):
        assess_many(frame, 100.0)
    with pytest.raises(tp.ParameterError, match="without a balance condition"):
        assess_many(frame, tp.Target(100, by=2030, balance=tp.balance.more_balanced()))
    with pytest.raises(tp.DataError, match="missing column\\(s\\) \\['by'\\]"):
        assess_many(frame, pd.DataFrame({"pair": ["VNM-KOR"], "target": [1.0]}))
    with pytest.raises(tp.ParameterError, match="'frame' parameter"):
        assess_many(frame.to_dict(), tp.Target(100, by=2030))


# -- Dask ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def dask_client():
    pytest.importorskip("dask.dataframe")
    distributed = pytest.importorskip("distributed")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        cluster = distributed.LocalCluster(processes=False, n_workers=1, threads_per_worker=2,
                                           dashboard_address=None)
    client = distributed.Client(cluster)
    yield client
    client.close()
    cluster.close()


def _sorted(out: pd.DataFrame, like: pd.DataFrame) -> pd.DataFrame:
    out = out.sort_values("pair").reset_index(drop=True)
    return out.astype({"pair": like["pair"].dtype})


def test_dask_gives_the_pandas_frame(frame, dask_client):
    import dask.dataframe as dd

    big = pd.concat([frame, _long({f"X{i:02d}": _walk(40 + i, n=8, gaps=True)
                                   for i in range(12)})], ignore_index=True)
    ddf = dd.from_pandas(big, npartitions=4)
    rule = Multiple(1.5, by=2029)
    lazy = assess_many_dask(ddf, rule, n_paths=400, seed=6)
    assert isinstance(lazy, dd.DataFrame) and list(lazy.columns) == ["pair", *RESULT_COLUMNS]
    expected = assess_many(big, rule, n_paths=400, seed=6)
    pd.testing.assert_frame_equal(_sorted(lazy.compute(), expected), expected)
    # A targets frame, a per-series model, and a frame already indexed by pair.
    targets = expected[["pair"]].assign(target=expected["last_value"] * 1.4, by=2031)
    indexed = ddf.set_index("pair")
    got = assess_many_dask(indexed, targets, model="cagr", n_paths=50).compute()
    pd.testing.assert_frame_equal(_sorted(got, expected),
                                  assess_many(big, targets, model="cagr", n_paths=50))


def test_dask_argument_errors(frame):
    dd = pytest.importorskip("dask.dataframe")
    with pytest.raises(tp.ParameterError, match="'ddf' parameter of assess_many_dask"):
        assess_many_dask(frame, tp.Target(100, by=2030))
    ddf = dd.from_pandas(frame, npartitions=2)
    with pytest.raises(tp.ParameterError, match="'n_paths' parameter"):
        assess_many_dask(ddf, tp.Target(100, by=2030), n_paths=-1)
    with pytest.raises(tp.ParameterError, match="'kwargs' parameter"):
        assess_many_dask(ddf, tp.Target(100, by=2030), paths=10)
    with pytest.raises(tp.DataError, match="'usd'"):
        assess_many_dask(ddf, tp.Target(100, by=2030), value_col="usd")
