from __future__ import annotations

import math
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import SEEDS
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose

import tradepath as tp

# Every figure the documents state: (period, flow, value, reporter, kind, document, line).
STATED = [
    ("2009", "total", 9.52, "VN", "reported", "003", 29),
    ("2012", "total", 20.0, "VN", "approximate", "003", 29),
    ("2020", "total", 60.0, "VN", "lower_bound", "001", 15),
    ("2021-01/2021-05", "total", 24.9, "VN", "reported", "001", 15),
    ("2021-01/2021-05", "exports", 8.9, "VN", "reported", "001", 15),
    ("2021-01/2021-05", "imports", 20.9, "VN", "reported", "001", 15),
    ("2021", "total", 78.0, "VN", "reported", "000", 8),
    ("2024", "total", 81.5, "VN", "reported", "002", 3),
    ("2024", "exports", 25.6, "VN", "reported", "002", 5),
    ("2024", "imports", 55.9, "VN", "reported", "002", 5),
    ("2024", "balance", -30.3, "VN", "reported", "002", 5),
    ("2024", "total", 86.7, "KR", "ambiguous", "004", 16),
]


@pytest.mark.parametrize(("period", "flow", "value", "reporter", "kind", "doc", "line"), STATED)
def test_every_stated_figure_is_present_with_its_source(ds, period, flow, value, reporter, kind,
                                                          doc, line):
    obs = ds.observations
    row = obs[(obs.period == period) & (obs.flow == flow) & (obs.reporter == reporter)
              & (obs.kind == kind)]
    assert len(row) == 1
    assert row.value_usd_bn.iloc[0] == value
    source = row.source.iloc[0]
    assert source.startswith(doc + "_") and source.endswith(f".txt:{line}")


def _number_in_line(source: str, value: float) -> bool:
    name, line = source.split(";")[0].rsplit(":", 1)
    text = (SEEDS / name).read_text(encoding="utf-8").splitlines()[int(line) - 1]
    written = f"{abs(value):g}".replace(".", ",")
    return written in text


@pytest.mark.skipif(not SEEDS.is_dir(), reason="the documents are not beside the repository")
def test_stated_figures_appear_on_the_cited_line(ds):
    obs = ds.observations
    for row in obs[obs.kind != "derived"].itertuples():
        assert _number_in_line(row.source, row.value_usd_bn), row


@pytest.mark.skipif(not SEEDS.is_dir(), reason="the documents are not beside the repository")
def test_claims_appear_on_the_cited_line(ds):
    for c in ds.claims.itertuples():
        if c.claim == "growth":
            assert _number_in_line(c.source, round(c.value * 100, 1)), c


def test_derived_values_are_computed_with_their_formula(ds):
    obs = ds.observations
    derived = obs[obs.kind == "derived"].set_index(["period", "flow"])
    expected = {
        ("2023", "total"): (81.5 / 1.073, "81.5 / (1 + 0.073)"),
        ("2023", "exports"): (25.6 / 1.091, "25.6 / (1 + 0.091)"),
        ("2023", "imports"): (55.9 / 1.065, "55.9 / (1 + 0.065)"),
        ("2020-01/2020-05", "total"): (24.9 / 1.155, "24.9 / (1 + 0.155)"),
        ("2020-01/2020-05", "exports"): (8.9 / 1.171, "8.9 / (1 + 0.171)"),
        ("2020-01/2020-05", "imports"): (20.9 / 1.192, "20.9 / (1 + 0.192)"),
    }
    assert set(derived.index) == set(expected)
    for key, (value, formula) in expected.items():
        assert_allclose(derived.loc[key, "value_usd_bn"], value, rtol=1e-12)
        assert derived.loc[key, "formula"] == formula
        assert eval(formula) == pytest.approx(value)  # the formula reproduces the value


def test_derived_values_are_not_in_the_data_file():
    text = (Path(__file__).resolve().parents[1] / "data" / "observations.csv").read_text()
    assert "derived" not in text


def test_annual_view(ds):
    a = ds.annual(reporter="VN")
    assert list(a.columns) == ["total", "exports", "imports", "balance"]
    assert a.index.name == "year" and a.index[0] == 2009 and a.index[-1] == 2024
    assert a.loc[2021, "total"] == 78.0
    assert math.isnan(a.loc[2022, "total"])
    assert math.isnan(a.loc[2020, "total"])  # the lower bound is not a value by default
    assert_allclose(a.loc[2023, "balance"], 25.6 / 1.091 - 55.9 / 1.065)
    k = ds.annual_kinds(reporter="VN")
    assert k.loc[2012, "total"] == "approximate"
    assert k.loc[2023, "balance"] == "derived"
    assert k.loc[2022, "total"] is None


def test_annual_choices(ds):
    with_bounds = ds.annual(kinds=("reported", "approximate", "derived", "lower_bound"))
    assert with_bounds.loc[2020, "total"] == 60.0
    only_reported = ds.annual(kinds=("reported",))
    assert math.isnan(only_reported.loc[2023, "total"])
    assert ds.annual(reporter="KR", kinds=("ambiguous",)).loc[2024, "total"] == 86.7
    with pytest.raises(tp.DataError, match="mirror=True"):
        ds.annual(reporter="KR")  # says why instead of an empty frame


def test_mirror_conversion(ds):
    kr = pd.DataFrame({"period": ["2022", "2022"], "flow": ["exports", "imports"],
                       "value_usd_bn": [26.5, 60.0], "reporter": ["KR", "KR"]})
    ds2 = ds.with_observations(kr)
    a = ds2.annual("VN", mirror=True)
    k = ds2.annual_kinds("VN", mirror=True)
    # Korea's imports from Vietnam (CIF) stand for Vietnam's exports (FOB) divided by 1.06.
    assert_allclose(a.loc[2022, "exports"], 26.5 / 1.06)
    assert_allclose(a.loc[2022, "imports"], 60.0 * 1.06)
    assert k.loc[2022, "exports"] == "converted"
    assert k.loc[2022, "total"] == "derived"
    assert a.loc[2024, "exports"] == 25.6  # own figures win
    assert math.isnan(ds2.annual("VN").loc[2022, "exports"])  # not without mirror=True


def test_series_window(ds):
    s = ds.series("total", start=2012, exclude=(2021,))
    assert list(s.index) == [2012, 2023, 2024]
    assert s.name == "total"


def _check(checks, check, period):
    row = checks[(checks.check == check) & (checks.period == period)]
    assert len(row) == 1, (check, period)
    return row.iloc[0]


def test_checks_flag_what_the_brief_says(ds):
    c = ds.check()
    jan_may = _check(c, "total = exports + imports", "2021-01/2021-05")
    assert jan_may.status == "fail"
    assert jan_may.expected == pytest.approx(29.8) and jan_may.observed == 24.9
    basis = _check(c, "same period and flow on different bases", "2024")
    assert basis.status == "fail" and basis.gap == pytest.approx(5.2)
    assert _check(c, "total = exports + imports", "2024").status == "pass"
    bal = _check(c, "balance = exports - imports", "2024")
    assert bal.status == "pass" and bal.expected == pytest.approx(-30.3)
    ratio = _check(c, "claim: total 2021 = 8.2 x 2009", "2021")
    assert ratio.status == "pass" and ratio.observed == pytest.approx(78 / 9.52)
    growth = _check(c, "claim: total 2024 growth +7.3% on 2023", "2024")
    assert growth.status == "untestable"
    # The derived Jan–May 2020 figures inherit the inconsistency of Jan–May 2021.
    assert _check(c, "total = exports + imports", "2020-01/2020-05").status == "fail"
    assert set(c.status) <= {"pass", "fail", "untestable"}


def test_check_tests_a_growth_claim_when_both_years_are_stated():
    frame = pd.DataFrame({"period": ["2023", "2024"], "flow": ["total", "total"],
                          "value_usd_bn": [70.0, 81.5]})
    claims = tp.load_dataset().claims
    ds = tp.Dataset.from_frame(frame, claims=claims)
    row = _check(ds.check(), "claim: total 2024 growth +7.3% on 2023", "2024")
    assert row.status == "fail"
    assert row.observed == pytest.approx(81.5 / 70 - 1)


def test_targets(ds):
    names = [t.name for t in ds.targets]
    assert names == ["20B by 2015", "100B by 2023", "150B by 2030"]
    t150 = ds.target("150B by 2030")
    assert t150.value == 150 and t150.by == 2030
    assert isinstance(t150.balance, tp.balance.MoreBalanced)
    assert "002_3316c04a18ef4a96.txt:7" in t150.source
    assert ds.target("20B by 2015").balance is None
    with pytest.raises(tp.UnknownNameError, match="no target named"):
        ds.target("200B")


def test_views_do_not_mutate_the_dataset(ds):
    before = ds.observations.copy()
    obs = ds.observations
    obs.loc[0, "value_usd_bn"] = -1.0
    annual = ds.annual()
    annual.loc[2024, "total"] = 0.0
    pd.testing.assert_frame_equal(ds.observations, before)
    with pytest.raises(AttributeError):
        ds.targets = ()  # type: ignore[misc]


def test_with_observations_returns_a_new_dataset(ds):
    extra = pd.DataFrame({"period": ["2022"], "flow": ["total"], "value_usd_bn": [87.0]})
    ds2 = ds.with_observations(extra)
    assert ds2.annual().loc[2022, "total"] == 87.0
    assert math.isnan(ds.annual().loc[2022, "total"])
    with pytest.raises(tp.DataError, match="different values"):
        ds.with_observations(pd.DataFrame({"period": ["2024"], "flow": ["total"],
                                           "value_usd_bn": [90.0]}))


def test_user_frame_defaults(user_frame):
    ds = tp.Dataset.from_frame(user_frame)
    obs = ds.observations
    assert set(obs.pair) == {"VNM-KOR"} and set(obs.reporter) == {"VN"}
    assert set(obs.kind) == {"reported"} and set(obs.source) == {"user"}
    assert ds.annual().loc[2022, "balance"] == -30.0


def test_csv_round_trip_keeps_provenance(ds, tmp_path):
    path = ds.to_csv(tmp_path / "obs.csv")
    back = tp.Dataset.from_csv(path)
    stated = ds.observations[ds.observations.kind != "derived"].reset_index(drop=True)
    pd.testing.assert_frame_equal(back.observations, stated)


_text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=20)


@settings(max_examples=40, deadline=None)
@given(
    rows=st.lists(
        st.tuples(
            st.integers(1990, 2040),
            st.sampled_from(tp.data.FLOWS),
            st.floats(0, 1e6, exclude_min=True, allow_nan=False, allow_infinity=False),
            st.sampled_from(tp.data.REPORTERS),
            st.sampled_from(tp.data.KINDS),
            _text,
        ),
        min_size=1, max_size=12, unique_by=lambda r: (r[0], r[1], r[3], r[4]),
    )
)
def test_csv_round_trip_property(rows, tmp_path_factory):
    frame = pd.DataFrame(
        {
            "period": [str(r[0]) for r in rows], "flow": [r[1] for r in rows],
            "value_usd_bn": [r[2] for r in rows], "reporter": [r[3] for r in rows],
            "kind": [r[4] for r in rows], "note": [r[5].strip() for r in rows],
            "source": ["doc.txt:1"] * len(rows),
        }
    )
    ds = tp.Dataset.from_frame(frame)
    path = ds.to_csv(tmp_path_factory.mktemp("rt") / "o.csv")
    back = tp.Dataset.from_csv(path)
    pd.testing.assert_frame_equal(back.observations, ds.observations)


@pytest.mark.parametrize(
    ("column", "value", "field", "pattern"),
    [
        ("flow", "export", "flow", "unknown flow 'export'"),
        ("reporter", "CN", "reporter", "unknown reporter 'CN'"),
        ("kind", "guess", "kind", "unknown kind 'guess'"),
        ("value_usd_bn", "abc", "value_usd_bn", "not a number"),
        ("value_usd_bn", "inf", "value_usd_bn", "not finite"),
        ("value_usd_bn", "-5", "value_usd_bn", "negative"),
        ("period", "2021-13/2021-14", "period", "forwards within one calendar year"),
        ("period", "FY2021", "period", "period must be a year"),
    ],
)
def test_bad_rows_name_row_and_field(user_frame, column, value, field, pattern):
    frame = user_frame.astype({"value_usd_bn": object})
    if column not in frame:
        frame[column] = "VN" if column == "reporter" else "reported"
    frame.loc[2, column] = value
    with pytest.raises(tp.DataError, match=re.escape(pattern)) as info:
        tp.Dataset.from_frame(frame)
    assert info.value.row == 3 and info.value.field == field
    assert isinstance(info.value, ValueError)
    assert "row 3" in str(info.value) and repr(field) in str(info.value)


def test_negative_balance_is_fine(user_frame):
    frame = pd.concat([user_frame, pd.DataFrame(
        {"period": ["2022"], "flow": ["balance"], "value_usd_bn": [-30.0]})])
    assert tp.Dataset.from_frame(frame).annual().loc[2022, "balance"] == -30.0


def test_missing_and_unknown_columns(user_frame):
    with pytest.raises(tp.DataError, match=r"missing column\(s\) \['value_usd_bn'\]"):
        tp.Dataset.from_frame(user_frame.drop(columns="value_usd_bn"))
    with pytest.raises(tp.DataError, match="unknown column"):
        tp.Dataset.from_frame(user_frame.assign(comment="x"))
    with pytest.raises(tp.ParameterError, match="must be a pandas DataFrame"):
        tp.Dataset.from_frame([1, 2])  # type: ignore[arg-type]


def test_conflicting_duplicates(user_frame):
    frame = pd.concat([user_frame, user_frame.iloc[[0]].assign(value_usd_bn=61.0)],
                      ignore_index=True)
    with pytest.raises(tp.DataError, match=r"rows \[1, 7\] give different values"):
        tp.Dataset.from_frame(frame)
    same = pd.concat([user_frame, user_frame.iloc[[0]]], ignore_index=True)
    assert len(tp.Dataset.from_frame(same).annual().dropna(how="all")) == 4


def test_from_csv_errors_give_file_and_line(tmp_path):
    p = tmp_path / "bad.csv"
    p.write_text("period,flow,value_usd_bn\n2020,total,10\n2021,totl,11\n")
    with pytest.raises(tp.DataError, match=r"bad\.csv, line 3, field 'flow'"):
        tp.Dataset.from_csv(p)
    with pytest.raises(tp.DataError, match="not found"):
        tp.Dataset.from_csv(tmp_path / "missing.csv")


def test_to_csv_leaves_no_partial_file(ds, tmp_path, monkeypatch):
    def boom(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(pd.DataFrame, "to_csv", boom)
    with pytest.raises(OSError):
        ds.to_csv(tmp_path / "o.csv")
    assert list(tmp_path.iterdir()) == []


def test_parse_period():
    assert tp.data.parse_period("2024") == (2024, 1, 12)
    assert tp.data.parse_period("2021-01/2021-05") == (2021, 1, 5)
    with pytest.raises(tp.DataError):
        tp.data.parse_period("2021-01/2022-05")


def test_repr(ds):
    assert "12 stated and 6 derived" in repr(ds)
    assert "<table" in ds._repr_html_()
    assert np.isfinite(ds.annual().loc[2024]).all()


@pytest.mark.parametrize(("total_2021", "status"), [(82.7, "pass"), (82.9, "fail")])
def test_ratio_claim_tolerance_is_the_larger_of_rtol_and_half_a_decimal(total_2021, status):
    # 8.2 stated to one decimal: tolerance max(0.01 * 8.2, 0.05) = 0.082, so a ratio of
    # 8.27 passes and 8.29 fails (with the smaller 0.05, 8.27 would fail).
    frame = pd.DataFrame({"period": ["2009", "2021"], "flow": ["total", "total"],
                          "value_usd_bn": [10.0, total_2021]})
    ds = tp.Dataset.from_frame(frame, claims=tp.load_dataset().claims)
    row = _check(ds.check(rtol=0.01), "claim: total 2021 = 8.2 x 2009", "2021")
    assert row.observed == pytest.approx(total_2021 / 10)
    assert row.status == status


def test_read_targets_keeps_the_balance_base_year(tmp_path):
    from tradepath.targets.target import read_targets

    path = tmp_path / "targets.toml"
    path.write_text('[[target]]\nname = "t"\nvalue_usd_bn = 150\nby = 2030\n'
                    'balance = "more_balanced"\nbalance_base = 2019\n', encoding="utf-8")
    (t,) = read_targets(path)
    assert isinstance(t.balance, tp.balance.MoreBalanced)
    assert t.balance.base == 2019
    annual = pd.DataFrame({"exports": [20.0, 25.0], "imports": [30.0, 55.0]},
                          index=[2019, 2024])
    assert t.balance.bind(annual).max == pytest.approx(10 / 50)


def test_an_embedded_dataset_is_read_once_and_again_when_a_file_changes(tmp_path, monkeypatch):
    import shutil

    from tradepath.data import dataset as D
    from tradepath.data.schema import data_dir

    assert tp.load_dataset() is tp.load_dataset()
    assert tp.load_dataset("official") is tp.load_dataset("official")
    copy = tmp_path / "data"
    shutil.copytree(data_dir(), copy)
    monkeypatch.setattr(D, "data_dir", lambda: copy)
    first = tp.load_dataset()
    assert first is tp.load_dataset()
    obs = copy / "observations.csv"
    text = obs.read_text(encoding="utf-8")
    # One more character: a new size, whatever the file system's clock resolution.
    obs.write_text(text.replace(",9.52,", ",9.625,", 1), encoding="utf-8")
    again = tp.load_dataset()
    assert again is not first
    assert float(again.observations["value_usd_bn"].iloc[0]) == 9.625
    assert float(first.observations["value_usd_bn"].iloc[0]) == 9.52
    (copy / "claims.csv").unlink()  # a missing file is named, as before any reading was kept
    with pytest.raises(tp.DataError, match=r"claims file not found: .*claims\.csv"):
        tp.load_dataset()
