"""The export-share model's choice of data: full years, partial years, failed figures."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
import pytest

import tradepath as tp
from tradepath.data.schema import CLAIM_COLUMNS
from tradepath.models.random_walk import RandomWalk
from tradepath.models.share import MIN_FULL_YEARS, ShareModel

KINDS = tp.data.DEFAULT_KINDS


def _frame(rows: list[tuple[str, str, float]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["period", "flow", "value_usd_bn"])


def _years(years: range, x0: float = 20.0, m0: float = 40.0) -> list[tuple[str, str, float]]:
    out = []
    for i, y in enumerate(years):
        out += [(str(y), "exports", x0 * 1.05**i), (str(y), "imports", m0 * 1.03**i)]
    return out


def _claims(rows: list[dict[str, object]]) -> pd.DataFrame:
    base = {"pair": "VNM-KOR", "claim": "growth", "reporter": "VN", "source": "user",
            "note": ""}
    return pd.DataFrame([{**base, **r} for r in rows], columns=list(CLAIM_COLUMNS)).astype(
        {c: "str" for c in CLAIM_COLUMNS} | {"value": "float64"})


def test_documents_never_fit_the_failed_jan_may_figures():
    ds = tp.load_dataset()
    fails = ds.check().query("status == 'fail'")
    assert "2021-01/2021-05" in set(fails["period"])  # 8.9 + 20.9 != 24.9
    sm = ShareModel.from_dataset(ds, "VN", KINDS)
    assert sm.labels == ("2023", "2024")
    assert "Jan–May 2021 (total = exports + imports fails)" in sm.note
    assert "Jan–May 2020" in sm.note  # derived from the failed Jan-May 2021 figures
    assert f"fewer than the {MIN_FULL_YEARS} needed" in sm.note
    # the fitted shares are the 2023 (derived) and 2024 figures, nothing else
    shares = 1 / (1 + np.exp(-sm.logits))
    np.testing.assert_allclose(shares, [(25.6 / 1.091) / (25.6 / 1.091 + 55.9 / 1.065),
                                        25.6 / 81.5], rtol=1e-12)


def test_partial_years_are_used_only_when_full_years_are_too_few():
    partial = [("2019-01/2019-06", "exports", 10.0), ("2019-01/2019-06", "imports", 22.0)]
    few = tp.Dataset.from_frame(_frame(_years(range(2020, 2020 + MIN_FULL_YEARS - 1))
                                       + partial))
    sm = ShareModel.from_dataset(few, "VN", KINDS)
    assert sm.labels[0] == "2019-01/2019-06" and len(sm.labels) == MIN_FULL_YEARS
    assert "partial years are used where they pass the checks (Jan–Jun 2019)" in sm.note
    assert sm.times[0] == pytest.approx(2019 + 6 / 24)  # the middle of Jan-Jun
    enough = tp.Dataset.from_frame(_frame(_years(range(2020, 2020 + MIN_FULL_YEARS))
                                          + partial))
    sm = ShareModel.from_dataset(enough, "VN", KINDS)
    assert sm.labels == tuple(str(y) for y in range(2020, 2020 + MIN_FULL_YEARS))
    assert "partial years left out: Jan–Jun 2019" in sm.note


def test_a_partial_year_failing_its_identity_is_left_out_even_when_needed():
    partial = [("2019-01/2019-06", "exports", 10.0), ("2019-01/2019-06", "imports", 22.0),
               ("2019-01/2019-06", "total", 40.0)]  # 10 + 22 = 32, not 40
    ds = tp.Dataset.from_frame(_frame(_years(range(2020, 2022)) + partial))
    sm = ShareModel.from_dataset(ds, "VN", KINDS)
    assert sm.labels == ("2020", "2021")
    assert "Left out as failing the consistency checks: Jan–Jun 2019" in sm.note
    fixed = tp.Dataset.from_frame(_frame(_years(range(2020, 2022)) + partial[:2]
                                         + [("2019-01/2019-06", "total", 32.0)]))
    assert ShareModel.from_dataset(fixed, "VN", KINDS).labels[0] == "2019-01/2019-06"


def test_a_failed_growth_claim_condemns_its_flow_in_both_years():
    rows = _years(range(2016, 2022))
    claims = _claims([{"claim_id": "x", "period": "2021", "flow": "exports", "value": 0.50,
                       "reference_period": "2020"}])  # stated growth is 5 %, not 50 %
    ds = tp.Dataset.from_frame(_frame(rows), claims=claims)
    assert (ds.check().query("status == 'fail'")["flow"] == "exports").any()
    sm = ShareModel.from_dataset(ds, "VN", KINDS)
    assert sm.labels == ("2016", "2017", "2018", "2019")
    assert "2020 (claim: exports 2021 growth +50.0% on 2020 fails)" in sm.note


def test_a_disagreement_between_bases_is_not_a_failed_figure():
    rows = _years(range(2018, 2022))
    frame = _frame(rows).assign(reporter="VN")
    kr = _frame(rows).assign(reporter="KR", value_usd_bn=lambda f: f["value_usd_bn"] * 1.1)
    ds = tp.Dataset.from_frame(pd.concat([frame, kr], ignore_index=True))
    assert (ds.check()["status"] == "fail").any()  # VN vs KR differ by 10 %
    assert ShareModel.from_dataset(ds, "VN", KINDS).labels == ("2018", "2019", "2020", "2021")


def test_no_period_passing_the_checks_is_a_model_error():
    ds = tp.Dataset.from_frame(_frame([("2019-01/2019-06", "exports", 10.0),
                                       ("2019-01/2019-06", "imports", 22.0),
                                       ("2019-01/2019-06", "total", 40.0),
                                       ("2018", "total", 60.0), ("2019", "total", 66.0)]))
    with pytest.raises(tp.ModelError, match="that passes the consistency checks"):
        ShareModel.from_dataset(ds, "VN", KINDS)


def test_assess_states_the_choice_without_a_warning():
    ds = tp.load_dataset()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        a = tp.assess(ds, ds.target("150B by 2030"), model=RandomWalk(), n_paths=200, seed=1)
    note = next(n for n in a.notes if n.startswith("Export share"))
    assert "fitted on 2 period(s): 2023, 2024" in note and "Jan–May 2021" in note


def test_the_drift_is_the_data_times_its_prior():
    """Given sigma, drift ~ N(m, v) with 1/v = span/sigma^2 + 1/sd^2 and m = v span mu/sigma^2:
    checked by simulation with sigma held fixed (a prior worth 10^9 years)."""
    from scipy.special import logit

    from tradepath.models.share import PRIOR_DRIFT_SD

    t = np.array([2023.5, 2024.5])
    z = np.array([-0.9, -0.7])  # one step: the data's drift 0.2 a year
    sm = ShareModel(times=t, logits=z, labels=("2023", "2024"), prior_df=1e9)
    sig = sm.params["sigma"]
    prec = 1.0 / sig**2 + PRIOR_DRIFT_SD**-2
    mean, sd = (0.2 / sig**2) / prec, math.sqrt(1 / prec)
    share = sm.simulate(np.array([2025]), n_paths=200_000, seed=3)[:, 0]
    step = logit(share) - z[-1]  # drift + sigma * noise over one year
    assert step.mean() == pytest.approx(mean, abs=4 * math.sqrt(sd**2 + sig**2) / 450)
    assert step.std() == pytest.approx(math.sqrt(sd**2 + sig**2), rel=0.01)
    assert 0.0 < mean < 0.2 / 2  # one step is shrunk more than half way to 0


def test_the_prior_volatility_is_what_the_official_series_show():
    from tradepath.models.random_walk import random_walk_estimates
    from tradepath.models.share import PRIOR_SIGMA

    off = tp.load_dataset("official")
    found = []
    for rep in ("VN", "KR"):
        a = off.annual(reporter=rep)[["exports", "imports"]].dropna()
        share = (a["exports"] / (a["exports"] + a["imports"])).to_numpy()
        (_,), (ss,), _ = random_walk_estimates(a.index.to_numpy(float) + 0.5,
                                               np.log(share / (1 - share)))
        found.append(math.sqrt(ss / (len(a) - 2)))
    assert min(found) <= PRIOR_SIGMA <= max(found)
