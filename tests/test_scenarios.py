from __future__ import annotations

import dataclasses
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose

import tradepath as tp
from tradepath import scenarios as sc
from tradepath.scenarios import (
    Scenario,
    deficit_path,
    feasible_region,
    growth,
    path,
    ramp,
    required_deficit,
    required_growth,
    required_total_growth,
    share_path,
    shock,
)

X0, M0 = 25.6, 55.9  # 2024, document 002 line 5
BALANCED = tp.Target(150, by=2030, balance=tp.balance.balanced(two_sided=False))
MORE = tp.Target(150, by=2030, balance=tp.balance.more_balanced(2024))


def met_by(frame: pd.DataFrame, target: tp.Target, ds: tp.Dataset, reading: str = "by") -> bool:
    cond = target.balance.bind(ds.annual()) if target.balance is not None else None
    rows = frame.loc[[target.by]] if reading == "in" else frame.loc[:target.by]
    ok = rows["total"] >= target.value
    if cond is not None:
        ok &= cond.holds(rows["exports"], rows["imports"])
    return bool(ok.any())


# -- arithmetic ----------------------------------------------------------------------------------
def test_constant_growth_is_the_closed_form(ds):
    f = Scenario(2024, 2035, exports=growth(0.12), imports=growth(0.05)).project(ds)
    t = np.arange(12, dtype=float)
    assert list(f.index) == list(range(2024, 2036))
    np.testing.assert_array_equal(f["exports"].to_numpy(), X0 * (1 + 0.12) ** t)
    np.testing.assert_array_equal(f["imports"].to_numpy(), M0 * (1 + 0.05) ** t)
    np.testing.assert_array_equal(f["total"], f["exports"] + f["imports"])
    np.testing.assert_array_equal(f["balance"], f["exports"] - f["imports"])
    np.testing.assert_array_equal(f["export_share"], f["exports"] / f["total"])
    np.testing.assert_array_equal(f["deficit_share"], (f["imports"] - f["exports"]) / f["total"])
    assert f.loc[2024, "total"] == 81.5 and f.loc[2024, "balance"] == pytest.approx(-30.3)
    assert f.attrs["base_year"] == 2024 and "reported" in f.attrs["base_source"]


def test_ramp_path_and_compounding():
    r = ramp(0.10, 0.04, 2025, 2028)
    assert_allclose(r.rates([2024, 2025, 2026, 2027, 2028, 2030]),
                    [0.10, 0.10, 0.08, 0.06, 0.04, 0.04], rtol=0, atol=1e-15)
    assert_allclose(r.cumulative(2024, 2027), np.cumprod([1.0, 1.10, 1.08, 1.06]), rtol=1e-15)
    p = path({2025: 0.1, 2026: -0.2, 2027: 0.05})
    f = Scenario(2024, 2027, exports=p, imports=r, base={"exports": 10, "imports": 20}).project()
    assert_allclose(f["exports"], [10, 11, 8.8, 9.24], rtol=1e-15)
    assert_allclose(f["imports"], [20, 22, 23.76, 25.1856], rtol=1e-15)


def test_path_must_cover_the_horizon(ds):
    s = Scenario(2024, 2035, exports=path({y: 0.1 for y in range(2025, 2031)}), imports=0.05)
    with pytest.raises(tp.ParameterError, match="no rate for 2031–2035"):
        s.project(ds)


def test_shock_with_and_without_recovery(ds):
    base = Scenario(2024, 2032, exports=growth(0.10), imports=growth(0.05)).project(ds)
    rec = Scenario(2024, 2032, exports=shock(growth(0.10), year=2026, size=-0.10),
                   imports=growth(0.05)).project(ds)
    perm = Scenario(2024, 2032, exports=shock(growth(0.10), year=2026, size=-0.10,
                                              recovery=False), imports=growth(0.05)).project(ds)
    ratio_rec = rec["exports"] / base["exports"]
    ratio_perm = perm["exports"] / base["exports"]
    assert_allclose(ratio_rec, [1, 1, 0.9, 1, 1, 1, 1, 1, 1], rtol=1e-14)
    assert_allclose(ratio_perm, [1, 1, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9], rtol=1e-14)
    np.testing.assert_array_equal(rec["imports"], base["imports"])
    # Rates are consistent with the levels: compounding them gives the same path.
    spec = shock(growth(0.10), year=2026, size=-0.10)
    assert_allclose(np.cumprod(1 + spec.rates(np.arange(2025, 2033))),
                    spec.cumulative(2024, 2032)[1:], rtol=1e-14)


def test_overlapping_shocks_add_up_and_may_not_make_a_flow_non_positive():
    two = shock(shock(growth(0.1), year=2026, size=-0.3, recovery=False), year=2027, size=-0.2)
    assert_allclose(two._multiplier(np.arange(2025, 2030)), [1, 0.7, 0.5, 0.7, 0.7])
    with pytest.raises(tp.ParameterError, match="non-positive in 2027"):
        shock(shock(growth(0.1), year=2026, size=-0.6, recovery=False), year=2027, size=-0.5)
    with pytest.raises(tp.ParameterError, match="non-positive in 2026"):
        shock(shock(growth(0.1), year=2026, size=-0.6), year=2026, size=-0.4)


def test_mix_reaches_the_share_and_adds_up(ds):
    s = Scenario.from_mix(2024, 2035, total=growth(0.08), export_share=share_path(0.4, 2030))
    f = s.project(ds)
    assert f.loc[2030, "export_share"] == pytest.approx(0.4, abs=1e-15)
    assert f.loc[2035, "export_share"] == pytest.approx(0.4, abs=1e-15)
    assert_allclose(f["total"], 81.5 * 1.08 ** np.arange(12), rtol=1e-14)
    s0 = X0 / 81.5
    assert f.loc[2027, "export_share"] == pytest.approx(s0 + (0.4 - s0) * 0.5, abs=1e-14)
    r = Scenario.from_mix(2024, 2030, total=0.05, export_share=ramp(0.35, 0.45, 2025, 2029))
    assert r.project(ds).loc[2027, "export_share"] == pytest.approx(0.40, abs=1e-14)


def test_deficit_paths_linear_geometric_and_as_share(ds):
    lin = Scenario.from_deficit(2024, 2035, total=growth(0.09), deficit=deficit_path(15, 2030))
    f = lin.project(ds)
    assert f.loc[2030, "balance"] == -15.0 and f.loc[2035, "balance"] == -15.0
    assert f.loc[2027, "balance"] == pytest.approx(-(30.3 + (15 - 30.3) * 0.5), abs=1e-12)
    geo = Scenario.from_deficit(2024, 2030, total=growth(0.09),
                                deficit=deficit_path(15, 2030, how="geometric"))
    g = geo.project(ds)
    assert g.loc[2027, "balance"] == pytest.approx(-30.3 * (15 / 30.3) ** 0.5, rel=1e-12)
    share = Scenario.from_deficit(2024, 2030, total=growth(0.09),
                                  deficit=deficit_path(0.09, 2030, as_share=True))
    assert share.project(ds).loc[2030, "deficit_share"] == pytest.approx(0.09, abs=1e-15)


def test_base_from_user_and_from_an_earlier_year(ds):
    s = Scenario(2026, 2030, exports=0.1, imports=0.05, base={"exports": 30.0, "imports": 60.0})
    f = s.project()  # no dataset needed
    assert f.index[0] == 2026 and f.loc[2026, "total"] == 90.0
    later = Scenario(2026, 2030, exports=0.1, imports=0.05).project(ds)
    assert later.index[0] == 2024 and later.attrs["base_year"] == 2024
    with pytest.raises(tp.DataError, match="no year at or before 2020"):
        Scenario(2020, 2030, exports=0.1, imports=0.05).project(ds)
    with pytest.raises(tp.DataError, match="'KR' basis"):
        Scenario(2024, 2030, exports=0.1, imports=0.05, reporter="KR").project(ds)
    with pytest.raises(tp.ParameterError, match="'ds' parameter"):
        Scenario(2024, 2030, exports=0.1, imports=0.05).project()


def test_the_same_scenario_except():
    a = Scenario(2024, 2035, exports=growth(0.12), imports=growth(0.05), name="a")
    b = dataclasses.replace(a, exports=growth(0.15), name="b")
    assert b.exports == growth(0.15) and b.imports == a.imports and a.exports == growth(0.12)
    with pytest.raises(dataclasses.FrozenInstanceError):
        a.end = 2040  # type: ignore[misc]
    assert len({a, b, dataclasses.replace(b)}) == 2  # hashable, equal when equal


# -- bad input ------------------------------------------------------------------------------
@pytest.mark.parametrize("make, match", [
    (lambda: growth(-1.5), r"'rate' parameter of growth must be between -1 and 1.*-1.5"),
    (lambda: growth(-1.0), "greater than -1"),
    (lambda: ramp(0.1, -2.0, 2025, 2030), "'to_rate' parameter of ramp"),
    (lambda: path({2025: 0.1, 2026: -1.01}), r"'rates\[2026\]' parameter of path"),
    (lambda: Scenario(2024, 2035, exports=-1.2, imports=0.05), "'exports' parameter"),
    (lambda: shock(growth(0.1), year=2026, size=-1.0), "'size' parameter of shock"),
    (lambda: Scenario(2024, 2020, exports=0.1, imports=0.1), r"'end' parameter.*after start"),
    (lambda: Scenario(2024, 2024, exports=0.1, imports=0.1), "'end' parameter"),
    (lambda: Scenario(2024, 2030, exports=0.1), "exports and imports, or total"),
    (lambda: Scenario(2024, 2030, exports=0.1, imports=0.1, total=0.1), "got \\['exports'"),
    (lambda: Scenario(2024, 2030, exports=0.1, imports=0.1, reporter="JP"), "'reporter'"),
    (lambda: Scenario(2024, 2030, exports=0.1, imports=0.1, base={"x": 1}), "'base'"),
    (lambda: ramp(0.1, 0.2, 2030, 2025), "'end_year' parameter of ramp"),
    (lambda: share_path(1.2, 2030), "'to' parameter of share_path"),
    (lambda: deficit_path(1.5, 2030, as_share=True), "'to' parameter of deficit_path"),
])
def test_bad_specs_raise_tradepath_errors(make, match):
    with pytest.raises(tp.TradepathError, match=match):
        make()


def test_paths_that_make_a_flow_non_positive_name_the_year(ds):
    s = Scenario.from_deficit(2024, 2030, total=growth(-0.3), deficit=deficit_path(30, 2030))
    # 2027: total 81.5 * 0.7^3 = 27.95 bn, deficit 30.15 bn
    with pytest.raises(tp.ParameterError, match="non-positive in 2027"):
        s.project(ds)
    m = Scenario.from_mix(2024, 2030, total=0.05, export_share=path(
        {2025: 0.4, 2026: 0.5, 2027: 1.0, 2028: 0.5, 2029: 0.5, 2030: 0.5}))
    with pytest.raises(tp.ParameterError, match="1 in 2027"):
        m.project(ds)
    g = Scenario.from_deficit(2024, 2030, total=0.05, deficit=deficit_path(0, 2030, "geometric"))
    with pytest.raises(tp.ParameterError, match="'linear'"):
        g.project(ds)


def test_a_target_needs_a_deadline():
    with pytest.raises(tp.DataError, match="deadline"):
        tp.Target(150, by=None)  # type: ignore[arg-type]


# -- compare --------------------------------------------------------------------------------
def test_compare_lines_scenarios_up(ds):
    a = Scenario(2024, 2035, exports=growth(0.12), imports=growth(0.05), name="A")
    b = dataclasses.replace(a, exports=growth(0.18), name="B")
    with pytest.raises(tp.ParameterError, match="targets with different names"):
        sc.compare_scenarios([a, b], ds, targets=[MORE, BALANCED])  # both are "150B by 2030"
    out = sc.compare_scenarios([a, b], ds, targets=[MORE])
    assert list(out.index) == ["A", "B"]
    assert out.loc["A", "150B by 2030: first met"] == 2033
    assert out.loc["B", "150B by 2030: first met"] == 2031
    assert not out.loc["A", "150B by 2030: met by 2030"]
    assert a.first_year_met(ds, MORE) == 2033 and a.first_year_met(ds, tp.Target(500, by=2030)) \
        is None
    assert out.loc["A", "total 2035"] == pytest.approx(X0 * 1.12**11 + M0 * 1.05**11)
    bal = out.loc["A", "150B by 2030: balance 2030"]
    assert bal == pytest.approx(X0 * 1.12**6 - M0 * 1.05**6, rel=1e-14)
    named = [dataclasses.replace(MORE, name="more"), dataclasses.replace(BALANCED, name="bal")]
    out = sc.compare_scenarios([a, b], ds, targets=named)
    assert out.loc["A", "more: condition 2030"] == "holds"
    assert out.loc["A", "bal: condition 2030"] == "fails"
    assert out.attrs["conditions"]["bal"] == "deficit share of two-way trade ≤ 10.0%"
    assert out.loc["A", "bal: first met"] == 2033  # deficit share 9.97 % in 2033


def test_compare_defaults_override_and_errors(ds):
    a = Scenario(2024, 2028, exports=0.05, imports=0.05, name="slow")
    out = sc.compare_scenarios([a], ds)  # the dataset's targets with a deadline from 2024 on
    assert [c for c in out.columns if c.endswith("first met")] == ["150B by 2030: first met"]
    assert out.loc["slow", "150B by 2030: first met"] == "not met by 2028"
    assert out.loc["slow", "150B by 2030: met by 2030"] == "n/a"
    assert out.loc["slow", "150B by 2030: condition 2030"] == "outside horizon"
    over = sc.compare_scenarios([a], ds, targets=[tp.Target(80, by=2026)], balance="balanced")
    assert over.loc["slow", "80B by 2026: condition 2026"] == "fails"
    assert over.loc["slow", "80B by 2026: first met"] == "not met by 2028"
    with pytest.raises(tp.ParameterError, match="different names"):
        sc.compare_scenarios([a, a], ds)
    with pytest.raises(tp.ParameterError, match="'scenarios'"):
        sc.compare_scenarios([], ds)


# -- uncertainty ----------------------------------------------------------------------------
def test_simulation_is_reproducible_and_centred(ds):
    s = Scenario(2024, 2032, exports=growth(0.12), imports=growth(0.05))
    a = s.simulate(ds, n_paths=20_000, seed=7)
    b = s.simulate(ds, n_paths=20_000, seed=7)
    c = s.simulate(ds, n_paths=20_000, seed=8)
    np.testing.assert_array_equal(a.exports, b.exports)
    assert not np.array_equal(a.exports, c.exports)
    assert a.exports.shape == (20_000, 9)
    det = s.project(ds)
    np.testing.assert_array_equal(a.exports[:, 0], X0)  # the base year is observed
    assert_allclose(np.median(a.exports, axis=0), det["exports"], rtol=0.03)
    # sigma from the random walk on the totals (exports and imports have two years each)
    assert a.sigma["exports"] == pytest.approx(0.17072883022991298)
    assert any("used the total's" in n for n in a.notes)
    np.testing.assert_array_equal(a.total, a.exports + a.imports)
    frame = a.summary_frame(0.2)
    assert list(frame.index) == list(range(2024, 2033))
    assert (frame["total_lower"] <= frame["total_median"]).all()


def test_simulation_sigma_and_correlation(ds):
    s = Scenario(2024, 2030, exports=growth(0.12), imports=growth(0.05))
    det = s.project(ds)
    sim = s.simulate(ds, n_paths=500, seed=1, sigma=0.1, correlation=1.0)
    dev_x = np.log(sim.exports / det["exports"].to_numpy())
    dev_m = np.log(sim.imports / det["imports"].to_numpy())
    assert_allclose(dev_x, dev_m, atol=1e-12)
    flat = s.simulate(ds, n_paths=10, seed=1, sigma={"exports": 0.0, "imports": 0.0})
    assert_allclose(flat.exports, np.broadcast_to(det["exports"], (10, 7)), rtol=1e-15)
    p0 = s.probability(ds, MORE, sigma=0.0, n_paths=10)
    assert p0 == float(met_by(det, MORE, ds))
    with pytest.raises(tp.ParameterError, match="'correlation'"):
        s.simulate(ds, correlation=1.5)
    with pytest.raises(tp.ParameterError, match="'sigma'"):
        s.simulate(ds, sigma={"exports": 0.1})
    with pytest.raises(tp.ParameterError, match="'n_paths'"):
        s.simulate(ds, n_paths=0)


def test_probability_is_a_probability_and_grows_with_exports(ds):
    s = Scenario(2024, 2032, exports=growth(0.12), imports=growth(0.05))
    p_slow = s.probability(ds, MORE, n_paths=4000, seed=0)
    p_fast = dataclasses.replace(s, exports=growth(0.20)).probability(ds, MORE, n_paths=4000,
                                                                       seed=0)
    assert 0 < p_slow < p_fast < 1
    sim = s.simulate(ds, n_paths=4000, seed=0)
    assert sim.probability(MORE, reading="in") <= sim.probability(MORE, reading="by")
    first = sim.first_year_met(MORE)
    assert np.mean(first <= 2030) == pytest.approx(sim.probability(MORE))


# -- inverse questions ----------------------------------------------------------------------
DOCUMENT_ANSWERS = {  # required constant export growth 2024-2030, 150B by 2030
    ("balanced", 0.03): 0.21719324292081973,
    ("balanced", 0.05): 0.19643486091721918,
    ("balanced", 0.07): 0.17865686165693728,
    ("more_balanced", 0.03): 0.21719324292081973,
    ("more_balanced", 0.05): 0.19643486091721918,
    ("more_balanced", 0.07): 0.17130579927335476,
}


@pytest.mark.parametrize("cond, g", list(DOCUMENT_ANSWERS))
def test_documents_required_export_growth(ds, cond, g):
    target = BALANCED if cond == "balanced" else MORE
    r = required_growth(ds, target, "exports", other=growth(g))
    assert r.feasible and r.year == 2030 and r.max_rate is None
    assert r.rate == pytest.approx(DOCUMENT_ANSWERS[cond, g], abs=1e-9)
    # closed form: exports must reach max(150 - m, L(m)) in 2030
    m = M0 * (1 + g) ** 6
    if cond == "balanced":
        need = max(150 - m, m * 0.9 / 1.1)
    else:
        s = 30.3 / 81.5
        need = max(150 - m, m * (1 - s) / (1 + s))
    assert r.rate == pytest.approx((need / X0) ** (1 / 6) - 1, abs=1e-12)
    # plugged back in, it meets the target (to 1e-9); a hair less does not
    f = Scenario(2024, 2030, exports=growth(r.rate), imports=growth(g)).project(ds)
    assert f.loc[2030, "total"] >= 150 - 1e-9
    assert met_by(f, target, ds)
    below = Scenario(2024, 2030, exports=growth(r.rate - 1e-7), imports=growth(g)).project(ds)
    assert not met_by(below, target, ds)
    assert r.path is not None and r.path.loc[2030, "exports"] == f.loc[2030, "exports"]
    assert r.deficit is not None and r.deficit.loc[2024] == pytest.approx(30.3)


def test_required_import_growth_is_an_interval(ds):
    r = required_growth(ds, BALANCED, "imports", other=growth(0.25))
    assert r.feasible and r.max_rate is not None and r.rate < r.max_rate
    for rate, ok in ((r.rate, True), (r.max_rate, True), (r.rate - 1e-7, False),
                     (r.max_rate + 1e-7, False)):
        f = Scenario(2024, 2030, exports=0.25, imports=growth(rate)).project(ds)
        assert met_by(f, BALANCED, ds) is ok
    no = required_growth(ds, BALANCED, "imports", other=growth(0.12))
    assert not no.feasible and math.isnan(no.rate) and no.path is None
    assert "Not feasible" in no.message and "allows at most" in no.message
    assert "needs at least" in str(no)


def test_required_total_growth_and_mix(ds):
    r = required_total_growth(ds, tp.Target(150, by=2030))
    assert r.rate == pytest.approx((150 / 81.5) ** (1 / 6) - 1, abs=1e-12)
    stuck = required_total_growth(ds, BALANCED)  # the export share stays at 31.4 %
    assert not stuck.feasible and "give export_share= or deficit=" in stuck.message
    d = required_total_growth(ds, BALANCED, deficit=deficit_path(14, 2030))
    assert d.feasible and d.rate == pytest.approx((150 / 81.5) ** (1 / 6) - 1, abs=1e-9)
    big = required_total_growth(ds, BALANCED, deficit=deficit_path(16, 2030))
    assert big.rate == pytest.approx((160 / 81.5) ** (1 / 6) - 1, abs=1e-9)
    mix = required_total_growth(ds, BALANCED, export_share=share_path(0.46, 2030))
    assert mix.feasible and mix.path is not None
    assert mix.path.loc[2030, "export_share"] == pytest.approx(0.46)


def test_required_deficit(ds):
    r = required_deficit(ds, BALANCED, total=growth(0.11))
    t2030 = 81.5 * 1.11**6
    assert r.feasible and r.value == pytest.approx(0.1 * t2030, rel=1e-9)
    assert r.deficit is not None and r.deficit.loc[2030] == pytest.approx(r.value)
    ok = Scenario.from_deficit(2024, 2030, total=0.11, deficit=deficit_path(r.value, 2030))
    assert met_by(ok.project(ds), BALANCED, ds)
    worse = dataclasses.replace(ok, deficit=deficit_path(r.value + 1e-6, 2030))
    assert not met_by(worse.project(ds), BALANCED, ds)
    share = required_deficit(ds, BALANCED, total=growth(0.11), as_share=True, how="geometric")
    assert share.value == pytest.approx(0.1, abs=1e-9)
    slow = required_deficit(ds, BALANCED, total=growth(0.05))
    assert not slow.feasible and "109.2 bn" in slow.message


def test_readings_by_and_in_differ_when_the_deadline_is_harder(ds):
    # Imports grow 30 % a year, so "deficit at most 40 bn" gets harder every year: under
    # "by" the target is met in 2025 already, under "in" exports must keep up until 2030.
    t = tp.Target(90, by=2030, balance=tp.balance.deficit(40))
    by = required_growth(ds, t, other=growth(0.30), reading="by")
    inn = required_growth(ds, t, other=growth(0.30), reading="in")
    assert by.year == 2025 and by.rate == pytest.approx((M0 * 1.3 - 40) / X0 - 1, abs=1e-12)
    assert inn.year == 2030
    assert inn.rate == pytest.approx(((M0 * 1.3**6 - 40) / X0) ** (1 / 6) - 1, abs=1e-12)
    already = required_growth(ds, tp.Target(80, by=2030), other=growth(0.0))
    assert already.feasible and already.year == 2024 and "Already met" in already.message


@dataclasses.dataclass(frozen=True)
class _OpaqueShareCap(tp.balance.BalanceCondition):
    """A condition of a form the solver does not know: only its verdict is available."""

    cap: float

    def holds(self, exports, imports):
        x, m = np.asarray(exports, float), np.asarray(imports, float)
        return (m - x) / (x + m) <= self.cap

    def describe(self) -> str:
        return f"custom cap {self.cap}"


def test_a_condition_of_unknown_form_is_solved_by_its_verdict(ds):
    known = required_growth(ds, BALANCED, other=growth(0.07))
    opaque = dataclasses.replace(BALANCED, balance=_OpaqueShareCap(0.10))
    r = required_growth(ds, opaque, other=growth(0.07))
    assert r.rate == pytest.approx(known.rate, abs=1e-12)


def test_required_growth_bad_input(ds):
    with pytest.raises(tp.ParameterError, match="'other' parameter"):
        required_growth(ds, BALANCED, "exports")
    with pytest.raises(tp.ParameterError, match="deadline after the base year 2024"):
        required_growth(ds, tp.Target(100, by=2023), other=0.05)
    with pytest.raises(tp.ParameterError, match="'flow' parameter"):
        required_growth(ds, BALANCED, "balance", other=0.05)  # type: ignore[arg-type]
    with pytest.raises(tp.ParameterError, match="'bounds' parameter"):
        required_growth(ds, BALANCED, other=0.05, bounds=(0.5, 0.1))
    with pytest.raises(tp.ParameterError, match="'start' parameter"):
        required_growth(None, BALANCED, other=0.05, base={"exports": 1, "imports": 2})
    with pytest.raises(tp.UnknownNameError):
        required_growth(ds, "200B by 2040", other=0.05)
    by_name = required_growth(ds, "150B by 2030", other=0.05)
    assert by_name.condition == "deficit share < 38.2% (its 2023 level)"


def test_infeasible_says_so_plainly(ds):
    r = required_growth(ds, tp.Target(1000, by=2026), other=growth(0.0))
    assert not r.feasible and math.isnan(r.rate)
    assert r.message.startswith("Not feasible: no constant exports growth between -50 % and "
                                "+100 % a year")
    assert "is not met at any rate" in r.message
    assert r.to_dict()["feasible"] is False


# -- feasible region ------------------------------------------------------------------------
def test_feasible_region_matches_the_solver_and_a_naive_loop(ds):
    fr = feasible_region(ds, BALANCED)
    assert fr.met.shape == (1000, 1000) and fr.met.dtype == bool
    assert fr.historical is not None
    assert fr.historical["exports"] == pytest.approx(0.091, abs=5e-4)
    assert fr.historical["imports"] == pytest.approx(0.065, abs=5e-4)
    assert not fr.contains(fr.historical["exports"], fr.historical["imports"])
    step = fr.export_rates[1] - fr.export_rates[0]
    b = fr.boundary()
    for g in (0.03, 0.05, 0.07):
        i = int(np.argmin(np.abs(fr.import_rates - g)))
        exact = required_growth(ds, BALANCED, other=growth(float(fr.import_rates[i]))).rate
        assert exact <= b.iloc[i] < exact + step + 1e-12
    # a naive per-cell projection on a small grid gives the same cells
    gx, gm = np.linspace(0.10, 0.25, 7), np.linspace(0.0, 0.12, 5)
    small = feasible_region(ds, BALANCED, gx, gm)
    naive = np.array([[met_by(Scenario(2024, 2030, exports=x, imports=m).project(ds), BALANCED,
                              ds) for x in gx] for m in gm])
    np.testing.assert_array_equal(small.met, naive)
    assert small.contains(0.25, 0.0) and not small.contains(0.10, 0.12)
    assert fr.total().shape == (1000, 1000) and "combinations meet it" in fr.summary()


def test_feasible_region_bad_input(ds):
    with pytest.raises(tp.ParameterError, match="'export_rates'"):
        feasible_region(ds, BALANCED, [[0.1, 0.2]], [0.1])
    with pytest.raises(tp.ParameterError, match="'import_rates'"):
        feasible_region(ds, BALANCED, [0.1], [-1.5, 0.1])
    with pytest.raises(tp.ParameterError, match="'reading'"):
        feasible_region(ds, BALANCED, reading="during")  # type: ignore[arg-type]


# -- properties -----------------------------------------------------------------------------
rates = st.floats(-0.45, 0.6, allow_nan=False)


@st.composite
def specs(draw, end: int):
    kind = draw(st.sampled_from(["constant", "ramp", "path"]))
    if kind == "constant":
        spec: sc.GrowthSpec = growth(draw(rates))
    elif kind == "ramp":
        y0 = draw(st.integers(2020, 2033))
        spec = ramp(draw(rates), draw(rates), y0, y0 + draw(st.integers(1, 8)))
    else:
        spec = path({y: draw(rates) for y in range(2025, end + 1)})
    for _ in range(draw(st.integers(0, 2))):
        spec = shock(spec, year=draw(st.integers(2025, end)), size=draw(st.floats(-0.45, 0.3)),
                     recovery=draw(st.booleans()))
    return spec


@st.composite
def scenarios(draw):
    end = draw(st.integers(2025, 2040))
    base = {"exports": draw(st.floats(0.5, 200)), "imports": draw(st.floats(0.5, 200))}
    kind = draw(st.sampled_from(["flows", "mix", "deficit"]))
    if kind == "flows":
        return Scenario(2024, end, exports=draw(specs(end)), imports=draw(specs(end)),
                        base=base)
    total = draw(specs(end))
    if kind == "mix":
        return Scenario.from_mix(2024, end, total=total, base=base, export_share=share_path(
            draw(st.floats(0.05, 0.95)), draw(st.integers(2025, 2040))))
    share = draw(st.floats(-0.9, 0.9))
    return Scenario.from_deficit(2024, end, total=total, base=base, deficit=deficit_path(
        share, draw(st.integers(2025, 2040)), as_share=True))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios())
def test_property_flows_add_up_every_year(s):
    f = s.project()
    np.testing.assert_array_equal(f["exports"] + f["imports"], f["total"])
    np.testing.assert_array_equal(f["exports"] - f["imports"], f["balance"])
    assert (f["exports"] > 0).all() and (f["imports"] > 0).all()
    assert list(f.index) == list(range(2024, s.end + 1))


CONDITIONS = [None, tp.balance.balanced(), tp.balance.more_balanced(2024), tp.balance.deficit(20),
              tp.balance.ratio(0.7) | tp.balance.deficit(5)]


@settings(max_examples=30, deadline=None)
@given(v1=st.floats(60, 400), v2=st.floats(60, 400), g=st.floats(-0.05, 0.15),
       cond=st.sampled_from(CONDITIONS), flow=st.sampled_from(["exports", "imports"]),
       reading=st.sampled_from(["by", "in"]))
def test_property_required_growth_is_monotone_in_the_target(ds, v1, v2, g, cond, flow, reading):
    lo_v, hi_v = sorted((v1, v2))
    other = growth(g) if flow == "exports" else growth(g + 0.15)
    r_lo = required_growth(ds, tp.Target(lo_v, by=2030, balance=cond), flow, other=other,
                           reading=reading)
    r_hi = required_growth(ds, tp.Target(hi_v, by=2030, balance=cond), flow, other=other,
                           reading=reading)
    if r_hi.feasible:
        assert r_lo.feasible and r_lo.rate <= r_hi.rate + 1e-12
    if not r_lo.feasible:
        assert not r_hi.feasible
    if r_lo.feasible and r_lo.scenario is not None and r_lo.path is not None:
        assert met_by(r_lo.path, r_lo.target, ds, reading)


def test_simulate_falls_back_to_the_total_volatility_with_three_figures():
    """Exports with exactly 3 annual figures (too few for the random walk, which needs 4)
    borrow the total's volatility instead of raising."""
    from tradepath.models import RandomWalk

    years = [2018, 2019, 2020, 2021, 2022, 2023, 2024]
    total = [60.0, 66.0, 65.0, 78.0, 87.0, 76.0, 81.5]
    rows = [("total", y, v) for y, v in zip(years, total, strict=True)]
    rows += [("exports", y, v) for y, v in ((2022, 24.0), (2023, 23.5), (2024, 25.6))]
    rows += [("imports", y, v) for y, v in ((2022, 63.0), (2023, 52.5), (2024, 55.9))]
    frame = pd.DataFrame(rows, columns=["flow", "period", "value_usd_bn"])
    frame["period"] = frame["period"].astype(str)
    ds = tp.Dataset.from_frame(frame)
    sim = Scenario(2024, 2030, exports=growth(0.1), imports=growth(0.05)).simulate(
        ds, n_paths=100, seed=0)
    expected = RandomWalk().fit(pd.Series(total, index=years)).params["sigma"]
    assert sim.sigma["exports"] == pytest.approx(expected, rel=1e-12)
    assert sim.sigma["imports"] == pytest.approx(expected, rel=1e-12)
    assert any("used the total's" in n for n in sim.notes)
