"""The reference class: shipped series and targets, ambition, base rate, logistic fit."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from tradepath.errors import DataError, ModelError, ParameterError, TradepathError
from tradepath.reference import (
    OUTCOMES,
    SERIES_COLUMNS,
    base_rate,
    reference_panel,
    reference_series,
    reference_summary,
    reference_targets,
)
from tradepath.reference.logistic import fit_logistic

DATA = Path(__file__).resolve().parents[1] / "data"
RAW = Path(__file__).resolve().parents[2] / "shared" / "reference"


def _rows(name: str) -> list[dict[str, str]]:
    with open(DATA / name, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


# --- shipped files -----------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["reference_series.csv", "reference_targets.csv"])
def test_every_shipped_row_has_a_url(name):
    rows = _rows(name)
    assert rows
    bad = [i for i, r in enumerate(rows, start=2) if not r["url"].startswith("http")]
    assert bad == []


def test_shipped_columns_and_flags():
    series = reference_series(all_rows=True, flow="total")
    assert tuple(series.columns) == SERIES_COLUMNS
    rows = _rows("reference_series.csv")
    kinds = {r["kind"] for r in rows}
    assert kinds <= {"reported", "derived", "partial", "bound", "forecast"}
    for r in rows:
        note = r["note"]
        if "FORECAST" in note or "ESTIMATE" in note:
            assert r["kind"] == "forecast"
        if "lower bound" in note or "upper bound" in note:
            assert r["kind"] in ("bound", "forecast")
        if r["period"].startswith("partial"):
            assert r["kind"] in ("partial", "forecast", "bound")
        if "GBP" in note:
            assert r["currency"] == "GBP"
        if r["kind"] == "derived":  # derived rows carry their formula
            assert any(c.isdigit() for c in note) and ("derived" in note.lower())
    targets = _rows("reference_targets.csv")
    assert len(targets) == 37 + 48
    assert {r["outcome"] for r in targets} <= set(OUTCOMES)
    assert {r["currency"] for r in targets} == {"USD", "GBP", "NZD", "EUR"}


def test_counts_match_the_raw_files():
    if not RAW.is_dir():
        pytest.skip("raw reference files not available")
    with open(RAW / "trade_targets.csv", newline="", encoding="utf-8") as f:
        raw_targets = list(csv.DictReader(f))
    shipped = _rows("reference_targets.csv")
    assert len(raw_targets) == 37 and len(shipped) == 37 + 48
    for raw, ours in zip(raw_targets, shipped[:37], strict=True):
        assert (raw["pair"], raw["target_usd_bn"], raw["deadline_year"], raw["announced_year"],
                raw["source_url"]) == (ours["pair"], ours["target_usd_bn"], ours["deadline"],
                                       ours["announced"], ours["url"])
        # year reached and deadline value come from the raw row (or the shipped series)
        assert bool(raw["outcome_year"]) == bool(ours["year_met"])
        if ours["year_met"]:
            assert ours["year_met"] in raw["outcome_year"]
        if ours["value_at_deadline_usd_bn"]:
            v = float(ours["value_at_deadline_usd_bn"])
            in_raw = f"{v:g}" in raw["value_at_deadline_usd_bn"] + raw["note"]
            series = reference_series(ours["pair"], all_rows=True)
            in_series = bool(((series["year"] == int(ours["value_year"]))
                              & np.isclose(series["value_usd_bn"], v)).any())
            assert in_raw or in_series, ours
    # the second file: 48 targets, their outcomes normalised from the source's wording
    with open(RAW / "trade_targets_more.csv", newline="", encoding="utf-8") as f:
        more = list(csv.DictReader(f))
    assert len(more) == 48
    for raw, ours in zip(more, shipped[37:], strict=True):
        assert (raw["pair"], raw["target_value"], raw["deadline_year"], raw["source_url"]) == (
            ours["pair"], ours["target_usd_bn"], ours["deadline"], ours["url"])
        assert raw["announced_year"].startswith(ours["announced"])
        assert raw["currency"] == ours["currency"] + " bn"
        word = raw["outcome"].split()[0]
        assert ours["outcome"] == {"met": "met", "missed": "missed"}.get(word, "unknown")
    resolved = [r for r in shipped[37:] if r["outcome"] in ("met", "missed")]
    assert len(resolved) == 37 and sum(r["outcome"] == "met" for r in resolved) == 9
    n_raw = 0
    for name in ("other_pairs_annual.csv", "vn_kr_annual.csv", "pairs_series_more.csv"):
        with open(RAW / name, newline="", encoding="utf-8") as f:
            n_raw += sum(1 for _ in csv.DictReader(f))
    assert len(_rows("reference_series.csv")) == n_raw
    # every value and URL of the raw series is shipped
    ours = {(r["pair"], r["year"], r["value_usd_bn"], r["url"])
            for r in _rows("reference_series.csv")}
    with open(RAW / "vn_kr_annual.csv", newline="", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            assert ("Korea-Vietnam", r["year"], r["value_usd_bn"], r["source_url"]) in ours
    with open(RAW / "other_pairs_annual.csv", newline="", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            assert (r["pair"], r["year"], r["value_usd_bn"], r["source_url"]) in ours
    with open(RAW / "pairs_series_more.csv", newline="", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            assert (r["pair"], r["year"], r["value"], r["source_url"]) in ours


# --- preferred series --------------------------------------------------------------------------

def test_preferred_series_rule():
    kv = reference_series("Korea-Vietnam")
    assert set(kv["reporter"]) == {"KR"}  # one basis per pair, the longest
    assert kv["year"].is_unique
    assert set(kv["kind"]) <= {"reported", "derived"}
    assert kv.loc[kv["year"] == 2024, "value_usd_bn"].item() == 86.8  # the restatement
    assert kv.loc[kv["year"] == 2025, "value_usd_bn"].item() == 94.5
    cr = reference_series("China-Russia")
    # the basis-unstated figures fill only years China's customs lack
    assert cr.loc[cr["year"] == 2018, "reporter"].item() == "unknown"
    assert cr.loc[cr["year"] == 2019, "reporter"].item() == "CN"
    everything = reference_series()
    assert (everything["currency"] == "USD").all()
    assert (everything["period"] == "calendar year").all()
    assert not everything["year_inferred"].any()


def test_fiscal_years_only_when_asked():
    assert "India-UAE" not in reference_panel()
    fy = reference_series("India-UAE", annual_only=False)
    assert fy["period"].str.startswith("fiscal year").all() and len(fy) == 3


def test_panel_shape():
    panel = reference_panel(min_points=6)
    assert "Korea-Vietnam" in panel and "Korea-ASEAN" in panel
    for pair, s in panel.items():
        assert len(s) >= 6 and s.index.is_monotonic_increasing and (s > 0).all()
        assert s.name == pair and s.attrs["reporter"]


def test_bad_pair_or_flow():
    with pytest.raises(ParameterError, match="'pair'"):
        reference_series("Mars-Venus")
    with pytest.raises(ParameterError, match="'flow'"):
        reference_series(flow="exports")
    with pytest.raises(ParameterError, match="min_points"):
        reference_panel(min_points=0)


# --- targets and ambition ----------------------------------------------------------------------

def _row(t: pd.DataFrame, pair: str, target: float, announced: int) -> pd.Series:
    hit = t[(t["pair"] == pair) & (t["target_usd_bn"] == target) & (t["announced"] == announced)]
    assert len(hit) == 1
    return hit.iloc[0]


def test_ambition_by_hand():
    t = reference_targets()
    assert len(t) == 85 and (t["source"] == "reference").all()
    # Korea-Vietnam 100bn by 2023, announced 2021: KR basis 2019 70.3, 2014 30.3
    r = _row(t, "Korea-Vietnam", 100.0, 2021)
    trailing = (70.3 / 30.3) ** (1 / 5) - 1
    required = (100 / 70.3) ** (1 / 4) - 1
    assert (r["last_year"], r["trailing_from"]) == (2019, 2014)
    assert_allclose([r["trailing_growth"], r["required_growth"], r["ambition"],
                     r["level_multiple"], r["years_to_deadline"]],
                    [trailing, required, required / trailing, 100 / 70.3, 2.0])
    # China-Russia 200bn by 2024, announced 2019: 2018 107 (basis unstated), 2014 95.2
    r = _row(t, "China-Russia", 200.0, 2019)
    trailing = (107 / 95.2) ** (1 / 4) - 1
    required = (200 / 107) ** (1 / 6) - 1
    assert_allclose([r["trailing_growth"], r["required_growth"], r["ambition"],
                     r["growth_gap"]],
                    [trailing, required, required / trailing, required - trailing])


def test_ambition_says_why_it_is_missing():
    t = reference_targets()
    missing = t[t["level_multiple"].isna()]
    assert (missing["ambition_note"] != "").all()
    neg = _row(t, "China-Russia", 200.0, 2016)
    assert np.isnan(neg["ambition"]) and neg["trailing_growth"] < 0
    assert "trailing growth <= 0" in neg["ambition_note"]
    # only data before the announcement year count
    for r in t.dropna(subset=["last_year"]).itertuples():
        assert r.last_year < r.announced


def test_user_targets_frame_and_csv(tmp_path):
    mine = pd.DataFrame({"pair": ["Korea-Vietnam"], "target_usd_bn": [150.0],
                         "announced": [2026], "deadline": [2030], "outcome": ["pending"]})
    t = reference_targets(mine)
    assert len(t) == 86 and t.iloc[-1]["source"] == "user"
    last = t.iloc[-1]
    assert last["last_year"] == 2025
    assert_allclose(last["level_multiple"], 150 / 94.5)
    path = tmp_path / "mine.csv"
    mine.to_csv(path, index=False)
    assert_allclose(reference_targets(path).iloc[-1]["required_growth"],
                    (150 / 94.5) ** (1 / 5) - 1)


@pytest.mark.parametrize(("field", "value", "match"), [
    ("target_usd_bn", "-5", "target_usd_bn"),
    ("target_usd_bn", "lots", "target_usd_bn"),
    ("deadline", "2030.5", "deadline"),
    ("announced", "2035", "announced"),
    ("outcome", "achieved", "outcome"),
    ("pair", "", "pair"),
    ("deadline", "", "deadline"),
    ("announced", "nan", None),
])
def test_user_targets_validated(field, value, match):
    mine = pd.DataFrame({"pair": ["X-Y"], "target_usd_bn": ["10"], "announced": ["2020"],
                         "deadline": ["2030"], "outcome": ["pending"]})
    mine[field] = [value]
    if match is None:  # an optional field may be empty
        assert np.isnan(reference_targets(mine).iloc[-1]["years_to_deadline"])
        return
    with pytest.raises(DataError, match=match) as info:
        reference_targets(mine)
    assert isinstance(info.value, TradepathError) and isinstance(info.value, ValueError)
    assert "row 1" in str(info.value)


def test_user_targets_missing_column_and_bad_type(tmp_path):
    with pytest.raises(DataError, match="outcome"):
        reference_targets(pd.DataFrame({"pair": ["X-Y"], "target_usd_bn": [1],
                                        "announced": [2020], "deadline": [2030]}))
    with pytest.raises(ParameterError, match="'extra'"):
        reference_targets([1, 2])
    with pytest.raises(DataError, match="not found"):
        reference_targets(tmp_path / "nope.csv")


# --- logistic fit and base rate ----------------------------------------------------------------

def test_logistic_matches_statsmodels_without_prior():
    sm = pytest.importorskip("statsmodels.api")
    rng = np.random.default_rng(11)
    x = rng.normal(size=60)
    y = (rng.random(60) < 1 / (1 + np.exp(-(0.3 + 1.2 * x)))).astype(float)
    ref = sm.Logit(y, sm.add_constant(x)).fit(disp=0)
    fit = fit_logistic(x, y, prior_scale=None, intercept_scale=None)
    assert_allclose(fit.coef, ref.params, rtol=1e-7)
    assert_allclose(np.sqrt(np.diag(fit.cov)), ref.bse, rtol=1e-6)
    # a vanishing prior changes nothing visible
    weak = fit_logistic(x, y, prior_scale=1e4, intercept_scale=1e4)
    assert_allclose(weak.coef, ref.params, rtol=1e-5)


def test_logistic_finite_under_separation():
    x, y = [0.1, 0.2, 0.3, 0.6, 0.8, 0.9], [1, 1, 1, 0, 0, 0]
    with pytest.raises(ModelError, match="separated"):
        fit_logistic(x, y, prior_scale=None, intercept_scale=None)
    for fit in (fit_logistic(x, y), fit_logistic(x, y, prior_scale=None, firth=True)):
        assert np.all(np.isfinite(fit.coef)) and fit.coef[1] < 0
        band = fit.predict([0.0, 0.5, 1.0])
        assert band["p"].is_monotonic_decreasing
        assert ((band["lower"] <= band["p"]) & (band["p"] <= band["upper"])).all()


def test_firth_equals_haldane_on_a_two_by_two_table():
    # With one binary covariate, Firth's estimate of the log odds ratio is the
    # Haldane-Anscombe one: add 1/2 to every cell (closed form).
    x = np.array([0] * 7 + [1] * 9, dtype=float)
    y = np.array([1, 1, 0, 0, 0, 0, 0] + [1] * 9, dtype=float)  # quasi-separated cell
    a, b, c, d = 9, 0, 2, 5  # x=1: met, missed; x=0: met, missed
    fit = fit_logistic(x, y, prior_scale=None, intercept_scale=None, firth=True)
    assert_allclose(fit.coef[1], np.log((a + 0.5) * (d + 0.5) / ((b + 0.5) * (c + 0.5))),
                    rtol=1e-8)
    assert_allclose(fit.coef[0], np.log((c + 0.5) / (d + 0.5)), rtol=1e-8)


def test_logistic_bad_input():
    with pytest.raises(ParameterError, match="'y'"):
        fit_logistic([1, 2, 3], [0, 1, 2])
    with pytest.raises(ParameterError, match="'x'"):
        fit_logistic([1, np.nan], [0, 1])
    with pytest.raises(ParameterError, match="'prior_scale'"):
        fit_logistic([1, 2], [0, 1], prior_scale=0)
    with pytest.raises(ParameterError, match="'x'"):
        fit_logistic([1, 1, 1], [0, 1, 0])
    with pytest.raises(ParameterError, match="'level'"):
        fit_logistic([1, 2, 3], [0, 1, 0]).predict([1.0], level=1.0)


def test_base_rate_counts_by_hand():
    t = reference_targets()
    br = base_rate(t)
    gov = t[t["target_type"] == "target"]
    assert br.n_resolved == int(gov["outcome"].isin(["met", "missed"]).sum())
    assert br.n_met == int((gov["outcome"] == "met").sum())
    assert br.by_band["n"].sum() == br.n_resolved
    assert br.by_band["met"].sum() == br.n_met
    ratio = br.shortfall["ratio"]
    assert (ratio < 1).all() and len(ratio) >= 10
    assert base_rate(t, include_projections=True).n_resolved == br.n_resolved + 1
    summary = reference_summary()
    assert summary.iloc[0]["value"] == str(br.n_resolved)
    assert br.fit is not None and np.all(np.isfinite(br.fit.coef))
    with pytest.raises(ParameterError, match="'targets'"):
        base_rate(t.drop(columns=["growth_gap"]))


def test_docs_table_matches_the_code():
    page = (Path(__file__).resolve().parents[1] / "docs" / "reference-class.md").read_text(
        encoding="utf-8")
    table = page.split("<!-- reference-summary:start -->")[1].split(
        "<!-- reference-summary:end -->")[0]
    rows = [line.strip("|").split("|") for line in table.strip().splitlines()[2:]]
    shown = [(a.strip(), b.strip()) for a, b in rows]
    assert shown == list(reference_summary().itertuples(index=False, name=None))


# --- figure ------------------------------------------------------------------------------------

def test_plot_reference_draws_the_points_and_the_fit():
    import sys

    from tradepath.plotting import reference as reference_plot

    plt = pytest.importorskip("matplotlib.pyplot")
    assert "plot_reference" in reference_plot.__all__
    fig, ax = plt.subplots()
    br = base_rate()
    out = reference_plot.plot_reference(br, ax=ax, label_points=True)
    assert out is ax
    n_points = sum(len(c.get_offsets()) for c in ax.collections if hasattr(c, "get_offsets")
                   and c.get_offsets().shape[-1] == 2 and len(c.get_offsets()) < 50)
    assert n_points >= int(br.resolved["growth_gap"].notna().sum())
    assert len(ax.texts) == int(br.resolved["growth_gap"].notna().sum())
    assert ax.get_lines()  # fitted curve and reference lines
    plt.close(fig)
    with pytest.raises(ParameterError, match="'base'"):
        reference_plot.plot_reference(base="x")
    assert "matplotlib" in sys.modules


def test_reference_modules_import_light():
    import subprocess
    import sys

    code = ("import sys, tradepath.reference, tradepath.plotting.reference; "
            "print('matplotlib' in sys.modules, 'statsmodels' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "False False"


def test_logistic_on_the_reference_targets_matches_statsmodels():
    # The resolved targets with a computable growth gap are not separated (the two met ones
    # sit among the missed), so the unregularised fit must equal statsmodels' Logit.
    sm = pytest.importorskip("statsmodels.api")
    rows = base_rate().resolved.dropna(subset=["growth_gap"])
    x = rows["growth_gap"].to_numpy(float)
    y = (rows["outcome"] == "met").to_numpy(float)
    assert 0 < y.sum() < len(y)
    ref = sm.Logit(y, sm.add_constant(x)).fit(disp=0)
    fit = fit_logistic(x, y, prior_scale=None, intercept_scale=None)
    assert_allclose(fit.coef, ref.params, rtol=1e-6)
    assert_allclose(fit.cov, ref.cov_params(), rtol=1e-6)


def test_targets_in_another_currency_are_judged_on_that_currency_s_series():
    t = reference_targets()
    nz = t[(t["pair"] == "New Zealand-China") & (t["currency"] == "NZD")]
    assert len(nz) == 2
    nzd = reference_series("New Zealand-China", currency="NZD")
    assert len(nzd) >= 3 and reference_series(currency="NZD")["currency"].eq("NZD").all()
    for r in nz.itertuples():
        if pd.notna(r.last_year):  # read off the NZD series, never a converted one
            before = nzd[nzd["year"] == r.last_year]
            assert_allclose(r.last_value, before["value_usd_bn"].item())


def test_sign_constrained_logistic_holds_the_slope_at_zero_when_the_data_say_otherwise():
    x = np.array([0.0, 0.1, 0.2, 0.3, 0.4, 0.5])
    y = np.array([0, 0, 1, 0, 1, 1])  # P(met) rises with x
    free = fit_logistic(x, y)
    held = fit_logistic(x, y, nonpositive=True)
    assert free.coef[1] > 0 and held.coef[1] == 0.0
    assert_allclose(held.predict([0.0])["p"], y.mean(), rtol=0.05)
    two = fit_logistic(np.column_stack([x, -x**2]), y, nonpositive=[True, False])
    assert two.coef[1] <= 0
