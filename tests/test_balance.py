"""The two-sided reading of "balanced" (the default) and the one-sided option."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

import tradepath as tp
from tradepath.scenarios import Scenario, growth, required_growth
from tradepath.targets import balance

X0, M0 = 25.6, 55.9  # 2024, document 002 line 5


def test_a_vietnamese_surplus_of_30_percent_is_not_balanced_by_default():
    x, m = 65.0, 35.0  # surplus 30 / 100 = 30 % of two-way trade
    assert not bool(balance.balanced().holds(x, m))
    assert not bool(balance.from_name("balanced").holds(x, m))
    # the one-sided reading counts any surplus as balanced: the old result
    assert bool(balance.balanced(two_sided=False).holds(x, m))
    assert bool(balance.from_name("balanced_one_sided").holds(x, m))
    assert bool(balance.deficit_share(0.1).holds(x, m))


def test_two_sided_is_the_absolute_gap_against_a_direct_computation():
    rng = np.random.default_rng(1)
    x, m = rng.uniform(1, 100, 10_000), rng.uniform(1, 100, 10_000)
    gap = np.abs(x - m) / (x + m)
    for s in (0.0, 0.1, 0.37):
        np.testing.assert_array_equal(balance.balanced(s).holds(x, m), gap <= s)
        np.testing.assert_array_equal(balance.balanced(s, two_sided=False).holds(x, m),
                                      (m - x) / (x + m) <= s)
    # two-sided is one-sided on deficits and its mirror image on surpluses
    both = balance.balanced(0.1).holds(x, m)
    np.testing.assert_array_equal(both, balance.deficit_share(0.1).holds(x, m)
                                  & balance.deficit_share(0.1).holds(m, x))
    assert bool(balance.balanced(0.1).holds(45.0, 55.0))  # exactly on the edge holds


def test_names_descriptions_and_bad_input():
    assert balance.from_name("balanced:0.2") == balance.balanced(0.2)
    assert balance.from_name("balanced") == balance.DeficitShareAtMost(0.1, two_sided=True)
    assert "surplus" in balance.balanced().describe()
    assert "surplus" not in balance.balanced(two_sided=False).describe()
    with pytest.raises(tp.ParameterError, match="'two_sided' parameter of balanced"):
        balance.balanced(two_sided="yes")
    with pytest.raises(tp.ParameterError, match="'max' parameter of balanced"):
        balance.balanced(1.5)
    with pytest.raises(tp.ParameterError, match="'balance' parameter"):
        balance.from_name("balanced:x")


def test_more_balanced_two_sided_binds_to_the_absolute_base_share(ds):
    one = balance.more_balanced(2024).bind(ds.annual())
    two = balance.more_balanced(2024, two_sided=True).bind(ds.annual())
    assert one.max == pytest.approx(30.3 / 81.5) and two.max == pytest.approx(30.3 / 81.5)
    x, m = 60.0, 20.0  # a surplus of 50 % of trade: "more balanced" only one-sided
    assert bool(one.holds(x, m)) and not bool(two.holds(x, m))
    assert "2024" in two.describe() and "surplus" in two.describe()


def test_assess_one_sided_option_reproduces_the_old_probability(ds):
    kw = dict(n_paths=3000, seed=3, model="random_walk")
    old = tp.assess(ds, tp.Target(150, by=2030, balance=balance.deficit_share(0.1)), **kw)
    one = tp.assess(ds, tp.Target(150, by=2030, balance=balance.balanced(two_sided=False)),
                    **kw)
    two = tp.assess(ds, tp.Target(150, by=2030, balance=balance.balanced()), **kw)
    assert one.probability == old.probability
    assert two.probability <= one.probability  # a stricter condition on the same paths
    x, m, tot = (two.paths[k][:, :6] for k in ("exports", "imports", "total"))
    gap = np.abs(m - x) / (x + m)
    assert two.p_inside == pytest.approx(((tot >= 150) & (gap <= 0.1 + 1e-12))
                                            .any(axis=1).mean())


def _met_by_2030(ds, target, x_rate, m_rate):
    f = Scenario(2024, 2030, exports=growth(x_rate), imports=growth(m_rate)).project(ds)
    x, m = f.loc[2025:2030, "exports"].to_numpy(), f.loc[2025:2030, "imports"].to_numpy()
    return bool(np.any(target.balance.holds(x, m) & (x + m >= 150 * (1 - 1e-12))))


def test_required_export_growth_two_sided_is_a_closed_interval(ds):
    """With imports at +7 % a year, 150B by 2030 two-sided needs exports within +-10 % of
    trade: the lowest rate is the closed form of the deadline year (x + m = 150 or
    x = m * 0.9 / 1.1); above the highest rate every year to 2030 has too large a surplus
    or too small a total (checked year by year)."""
    g = 0.07
    target = tp.Target(150, by=2030, balance=balance.balanced())
    r = required_growth(ds, target, "exports", other=growth(g))
    m = M0 * (1 + g) ** 6
    lo = max(150 - m, m * 0.9 / 1.1)
    assert r.feasible and r.max_rate is not None and r.rate < r.max_rate
    assert r.rate == pytest.approx((lo / X0) ** (1 / 6) - 1, abs=1e-10)
    for rate, ok in ((r.rate, True), (r.max_rate, True), (r.max_rate + 1e-4, False),
                     (r.rate - 1e-4, False), ((r.rate + r.max_rate) / 2, True)):
        assert _met_by_2030(ds, target, rate, g) is ok, rate
    # the one-sided reading has no ceiling
    one = tp.Target(150, by=2030, balance=balance.balanced(two_sided=False))
    assert required_growth(ds, one, "exports", other=growth(g)).max_rate is None
    # at +3 % imports, 150 in 2030 needs a surplus above 10 %: no export rate works
    r3 = required_growth(ds, target, "exports", other=growth(0.03))
    assert not r3.feasible
    assert not any(_met_by_2030(ds, target, x, 0.03) for x in np.linspace(-0.2, 0.6, 161))


@pytest.mark.parametrize("cond", [
    balance.balanced(), balance.balanced(two_sided=False), balance.deficit_share(0.2),
    balance.ratio(0.8), balance.deficit(20.0),
    balance.balanced() & balance.deficit(25.0), balance.ratio(0.9) | balance.deficit(10.0),
])
def test_margin_is_non_negative_exactly_where_the_condition_holds(cond):
    rng = np.random.default_rng(3)
    x, m = rng.uniform(1, 100, 2_000), rng.uniform(1, 100, 2_000)
    margin = cond.margin(x, m)
    holds = np.asarray(cond.holds(x, m), bool)
    clear = np.abs(margin) > 1e-9  # away from the boundary, where rounding decides
    np.testing.assert_array_equal((margin >= 0)[clear], holds[clear])


def test_margin_values():
    np.testing.assert_allclose(balance.deficit_share(0.1).margin(30.0, 70.0), 0.1 - 0.4)
    np.testing.assert_allclose(balance.balanced().margin(70.0, 30.0), 0.1 - 0.4)
    np.testing.assert_allclose(balance.ratio(0.8).margin(40.0, 50.0), 0.0, atol=1e-15)
    np.testing.assert_allclose(balance.deficit(20.0).margin(30.0, 60.0), -10.0)


def _frame(years, exports, imports):
    return pd.DataFrame({"exports": exports, "imports": imports},
                        index=pd.Index(years, name="year"))


def test_more_balanced_compares_with_the_level_when_the_target_was_set():
    """A target that says when it was set compares with the deficit share then (the latest
    year on or before the announcement with both flows), else the first year after it; one
    that does not, with the latest year; an explicit base with the latest year up to it."""
    annual = _frame([2018, 2020, 2023, 2024], [20, 20, 30, 40], [60, 40, 50, 50])
    share = {y: (m - x) / (x + m) for y, x, m in annual.itertuples()}
    cond = balance.more_balanced()

    def bound(target):
        b = target.balance.bind(annual)
        return b.base_year, b.max, b.when

    assert bound(tp.Target(150, by=2030, balance=cond)) == (2024, share[2024], "latest")
    assert bound(tp.Target(150, by=2030, balance=cond, announced=2021)) == (
        2020, share[2020], "set")
    assert bound(tp.Target(150, by=2030, balance=cond, announced=2020)) == (
        2020, share[2020], "set")
    assert bound(tp.Target(150, by=2030, balance=cond, announced=2015)) == (
        2018, share[2018], "after set")
    assert bound(tp.Target(150, by=2030, balance=balance.more_balanced(2023),
                           announced=2019)) == (2023, share[2023], "given")
    # The announcement travels with the target: replacing its condition or its deadline keeps it.
    t = tp.Target(150, by=2030, balance=cond, announced=2021)
    assert bound(dataclasses.replace(t, balance=cond)) == (2020, share[2020], "set")
    assert bound(dataclasses.replace(t, by=2035)) == (2020, share[2020], "set")
    assert "when the target was set (2021)" in t.describe()
    # The words say which level.
    from tradepath.verdict import condition_words

    assert condition_words(t.balance.bind(annual)).startswith(
        "deficit below its level when the target was set, 33.3 % of trade in 2020")
