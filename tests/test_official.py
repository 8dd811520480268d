"""The official series, the preferred-value rule, merge, the mirror ratio and the cross-check."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose
from scipy import stats

import tradepath as tp
from tradepath.data import DEFAULT_KINDS, load_dataset
from tradepath.data.mirror import mirror_factors, mirror_pairs, mirror_ratios
from tradepath.data.official import (
    cross_check,
    disagreements,
    evaluate_formula,
    read_official,
)


@pytest.fixture(scope="module")
def off():
    return load_dataset("official")


@pytest.fixture(scope="module")
def docs():
    return load_dataset()


@pytest.fixture(scope="module")
def xc(docs, off):
    return cross_check(docs, off)


def _half_unit(v: float) -> float:
    text = f"{v:.10g}"
    return 0.5 * 10.0 ** -(len(text.split(".")[1]) if "." in text else 0)


def test_every_shipped_row_has_a_url_or_a_document_source(off, docs):
    o = off.observations
    assert len(o) > 100 and o["source"].str.match(r"https?://\S+$").all()
    assert (o["dataset"] == "official").all()
    d = docs.observations
    assert d["source"].str.match(r"^\d{3}_[0-9a-f]{16}\.txt:\d+").all()
    assert (d["dataset"] == "documents").all()


def test_derived_rows_carry_a_formula_that_reproduces_the_value(off):
    derived = off.observations.query("kind == 'derived'")
    assert len(derived) >= 20 and (derived["formula"] != "").all()
    for r in derived.itertuples():
        assert abs(evaluate_formula(r.formula) - r.value_usd_bn) <= _half_unit(r.value_usd_bn)
    # spot checks against the arithmetic written out
    row = derived[(derived.period == "2017") & (derived.flow == "exports")].iloc[0]
    assert row.formula == "(66.56 - 31.9) / 2" and row.value_usd_bn == 17.33
    assert_allclose(evaluate_formula("48.1 / (1 - 0.009)"), 48.5368, atol=1e-4)
    assert_allclose(evaluate_formula("-17.28 + 4"), -13.28)


def test_bad_formulas_and_rows_are_refused(tmp_path):
    with pytest.raises(tp.DataError, match="not arithmetic"):
        evaluate_formula("__import__('os')")
    head = "pair,period,flow,value_usd_bn,reporter,kind,source,note,formula,release\n"
    bad = tmp_path / "o.csv"
    row = "VNM-KOR,2017,exports,17.5,VN,derived,https://x.org,,(66.56 - 31.9) / 2,\n"
    bad.write_text(head + row)
    with pytest.raises(tp.DataError, match=r"gives 17\.33, not 17\.5") as e:
        read_official(bad)
    assert "line 2" in str(e.value)
    bad.write_text(head + "VNM-KOR,2017,total,66.56,VN,reported,a newspaper,,,\n")
    with pytest.raises(tp.DataError, match="not a URL"):
        read_official(bad)
    bad.write_text(head + "VNM-KOR,2017,total,66.56,VN,reported,https://x.org,,,2017-13\n")
    with pytest.raises(tp.DataError, match="release"):
        read_official(bad)


def test_no_forecast_or_estimate_enters_a_fitted_series(off):
    obs = off.observations
    held = obs[obs["kind"].isin(["forecast", "estimate", "lower_bound", "ambiguous"])]
    assert {"forecast", "estimate"} <= set(held["kind"])
    for reporter in ("VN", "KR"):
        a = off.annual(reporter)
        for r in held[(held.reporter == reporter) & held.period.str.isdigit()].itertuples():
            value = a.loc[int(r.period), r.flow] if int(r.period) in a.index else math.nan
            same = obs[(obs.period == r.period) & (obs.flow == r.flow) & (obs.reporter == reporter)
                       & obs.kind.isin(DEFAULT_KINDS)]
            assert value in set(same["value_usd_bn"]) or math.isnan(value)
    # the 2020 forecast 65.1 and the 2022 estimate -31.3 are not what the series uses
    assert off.annual("VN").loc[2020, "total"] == 66.0
    assert off.annual("KR").loc[2022, "balance"] == -34.24


def test_2025_totals_on_both_bases(off):
    kr = off.annual("KR")
    assert kr.loc[2025, "total"] == 94.5 and off.annual_kinds("KR").loc[2025, "total"] == "reported"
    # No Vietnamese 2025 figure is published in the material: the VN basis gets it only
    # through the ratio between the bases.
    assert 2025 not in off.annual("VN").index
    vn = off.annual("VN", mirror=True)
    f = mirror_factors(off)
    assert_allclose(vn.loc[2025, "exports"], 31.8 / f["exports"])
    assert_allclose(vn.loc[2025, "imports"], 62.8 / f["imports"])
    assert_allclose(vn.loc[2025, "total"], 31.8 / f["exports"] + 62.8 / f["imports"])
    assert off.annual_kinds("VN", mirror=True).loc[2025, "exports"] == "converted"


def test_preferred_value_rule(off):
    kr = off.annual("KR")
    assert kr.loc[2024, "total"] == 86.8          # the January 2026 revision over 86.7
    assert kr.loc[2023, "total"] == 79.4          # January 2025 over February 2024
    assert kr.loc[2014, "total"] == 30.3          # reported over derived 30.37
    assert off.annual("VN").loc[2021, "total"] == 78.1  # reported over the rounded 78
    frame = pd.DataFrame({
        "period": ["2024"] * 3, "flow": ["total"] * 3, "value_usd_bn": [1.0, 2.0, 3.0],
        "kind": ["derived", "reported", "reported"], "release": ["2026-05", "2025-01", ""],
        "source": ["a", "b", "c"],
    })
    from tradepath.data.schema import preferred as _preferred

    best = _preferred(frame.assign(year=2024), ["year", "flow"])
    assert best["value_usd_bn"].tolist() == [2.0]


def test_check_lists_identities_and_disagreements(off):
    c = off.check()
    alt = c[c["check"] == "alternative figures for one period and basis"]
    row = alt[(alt.period == "2024") & (alt.flow == "total")].iloc[0]
    assert (row.expected, row.observed) == (86.8, 86.7) and row.status == "pass"
    assert_allclose(row.gap, -0.1)
    est = alt[(alt.period == "2022") & (alt.flow == "balance") & (alt.observed == -31.3)]
    assert est.iloc[0].status == "fail" and "estimate" in est.iloc[0].detail
    vn16 = alt[(alt.period == "2016") & (alt.flow == "balance")].iloc[0]
    assert (vn16.expected, vn16.observed, vn16.status) == (-21.2, -20.6, "fail")
    ident = c[c["check"] == "total = exports + imports"]
    assert {"2025", "2024", "2017"} <= set(ident["period"])
    assert (ident["status"] == "pass").all()
    assert disagreements(load_dataset().observations).empty  # the documents have none


def test_merge_keeps_provenance_and_surfaces_conflicts(docs, off):
    both = docs.merge(off)
    obs = both.observations
    stated = docs.observations.query("kind != 'derived'")
    assert len(obs.query("dataset == 'documents' and kind != 'derived'")) == len(stated)
    # a growth claim whose base year now has an official figure is tested, not derived from
    assert len(obs.query("dataset == 'documents'")) == len(docs.observations) - 1
    assert len(obs[obs.dataset == "official"]) == len(off.observations)
    c = both.check()
    alt = c[(c["check"] == "alternative figures for one period and basis")
            & (c.period == "2021") & (c.flow == "total") & (c.reporter == "VN")]
    # same kind, neither dated: the calling dataset's figure is preferred, the other listed
    assert alt.iloc[0].expected == 78.0 and alt.iloc[0].observed == 78.1
    assert alt.iloc[0].status == "pass"
    # never averaged: every value in annual() is one of the published figures
    a = both.annual("VN")
    assert a.loc[2021, "total"] == 78.0 and a.loc[2024, "total"] == 81.5
    assert off.merge(docs).annual("VN").loc[2021, "total"] == 78.1
    assert both.annual("KR").loc[2024, "total"] == 86.8
    assert [t.name for t in both.targets] == [t.name for t in docs.targets]
    with pytest.raises(tp.ParameterError, match="'other' parameter"):
        docs.merge(docs.observations)  # type: ignore[arg-type]


def test_mirror_ratio_matches_a_direct_computation(off):
    r = mirror_ratios(off, alpha=0.1)
    obs = off.observations
    # total: both bases in 2012, 2016, 2017 and 2021 (preferred figures)
    vn = {2012: 21.08, 2016: 44.08, 2017: 66.56, 2021: 78.1}
    kr = {2012: 21.7, 2016: 45.1, 2017: 63.9, 2021: 80.7}
    for y in vn:
        assert vn[y] in set(obs[(obs.period == str(y)) & (obs.reporter == "VN")
                                & (obs.flow == "total")]["value_usd_bn"])
    d = np.log(np.array([kr[y] / vn[y] for y in sorted(vn)]))
    lo, hi = stats.t.interval(0.9, len(d) - 1, loc=d.mean(), scale=stats.sem(d))
    assert r.loc["total", "n_years"] == 4 and r.loc["total", "years"] == "2012, 2016, 2017, 2021"
    assert_allclose(r.loc["total", ["ratio", "lower", "upper"]].astype(float),
                    np.exp([d.mean(), lo, hi]))
    assert_allclose(r.loc["total", "median"], np.exp(np.median(d)))
    pairs = mirror_pairs(off)
    assert_allclose(pairs["ratio"], pairs["KR"] / pairs["VN"])
    assert r.loc["exports", "method"] == "one year" and math.isnan(r.loc["exports", "lower"])


def test_mirror_falls_back_on_cif_fob_without_both_bases(docs):
    r = mirror_ratios(docs)
    assert (r["method"] == "CIF/FOB convention").all() and (r["n_years"] == 0).all()
    assert_allclose(r.loc["exports", "ratio"], 1.06)
    assert_allclose(r.loc["imports", "ratio"], 1 / 1.06)
    kr = docs.annual("KR", mirror=True)
    assert_allclose(kr.loc[2024, "exports"], 25.6 * 1.06)


def test_kr_on_the_documents_says_why_it_is_empty(docs, off):
    with pytest.raises(tp.DataError, match="mirror=True") as e:
        docs.annual("KR")
    assert "reporter 'KR'" in str(e.value) and "ambiguous" in str(e.value)
    assert "official" in str(e.value)
    assert off.annual("KR").loc[2022, "total"] == 87.7


def test_load_dataset_validates_the_name():
    with pytest.raises(tp.ParameterError, match="'name' parameter"):
        load_dataset("offical")  # type: ignore[arg-type]


def test_cross_check_verdicts(xc):
    def one(period, flow, basis, document=None):
        s = xc[(xc.period == period) & (xc.flow == flow) & (xc.basis == basis)]
        if document is not None:
            s = s[np.isclose(s.document, document)]
        assert len(s) >= 1, (period, flow, basis)
        return s.iloc[0]

    r = one("2021", "total", "VN")
    assert (r.official, r.verdict) == (78.1, "agrees") and math.isclose(r.gap, -0.1)
    r = one("2024", "total", "KR", 86.7)
    assert r.verdict == "matches this basis" and r.document_reporter == "KR"
    assert "86.7" in r.detail and "2025-01" in r.detail
    assert one("2012", "total", "VN").verdict == "consistent (at least)"
    assert one("2012", "total", "KR").official == 21.7
    r = one("2009", "total", "unstated")
    assert (r.official, r.verdict) == (9.5, "agrees")
    # Jan-May 2021: the stated total 24.9 is the outlier, exports + imports = 29.8 fits
    may = xc[xc.period == "2021-01/2021-05"]
    stated = may[(may.flow == "total") & (may.document == 24.9)]
    summed = may[(may.flow == "total") & np.isclose(may.document, 29.8)]
    assert (stated.verdict == "differs pro rata").all() and len(stated) == 2
    assert (summed.verdict == "agrees pro rata").all()
    assert (may[may.flow == "exports"].verdict == "agrees pro rata").all()
    # the derived 2023 and the 2024 VN figures, against Korea's basis
    r = one("2023", "total", "KR")
    assert r.document_kind == "derived" and r.official == 79.4
    r = one("2024", "total", "KR", 81.5)
    assert r.verdict == "consistent via the mirror ratio" and math.isclose(r.gap, 81.5 - 86.8)


def test_cli_dataset_option(capsys):
    from tradepath.cli import main

    assert main(["data", "--dataset", "official", "--format", "csv"]) == 0
    out = capsys.readouterr().out
    assert "https://m.imaeil.com/page/view/2026012609310412078" in out and "94.5" in out
    assert main(["check", "--dataset", "official"]) == 0
    out = capsys.readouterr().out
    assert "alternative figures" in out
    with pytest.raises(SystemExit):
        main(["check", "--dataset", "nope"])
