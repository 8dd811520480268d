from __future__ import annotations

import dataclasses
import math
import re

import numpy as np
import pandas as pd
import pytest

import tradepath as tp
from tradepath._format import format_probability, format_year
from tradepath.models import MODELS
from tradepath.targets import balance
from tradepath.verdict import (
    MODEL_LABELS,
    BottomLine,
    bottom_line,
    from_report,
    model_label,
    past_verdict,
    sensitivities,
)

KW = dict(n_paths=2000, seed=7)


@pytest.fixture(scope="module")
def ds() -> tp.Dataset:
    return tp.load_dataset()


@pytest.fixture(scope="module")
def main(ds):
    return tp.assess(ds, ds.target("150B by 2030"), **KW)


@pytest.fixture(scope="module")
def line(ds, main):
    comp = tp.compare_models(ds, main.target, **KW)
    return bottom_line(ds, [main], comparisons={main.target.name: comp})


def _with(ds, rows):
    frame = pd.DataFrame(rows, columns=["period", "flow", "value_usd_bn"])
    return ds.with_observations(frame)


# -- verdicts ------------------------------------------------------------------------------
def test_verdicts_on_the_documents(ds):
    v = past_verdict(ds.target("100B by 2023"), ds.annual(), ds.annual_kinds())
    assert v.verdict == "unknown" and v.gaps == (2022,)
    assert "2022" in v.basis and "78.0 bn in 2021" in v.basis and "derived" in v.basis
    met = past_verdict(ds.target("20B by 2015"), ds.annual(), ds.annual_kinds())
    assert (met.verdict, met.year) == ("met", 2012) and "approximate" in met.basis
    assert past_verdict(ds.target("150B by 2030"), ds.annual()).verdict == "pending"


def test_verdict_missed_needs_a_figure_below_in_every_year_of_the_window(ds):
    t = ds.target("100B by 2023")
    filled = _with(ds, [("2022", "total", 87.0)])
    v = past_verdict(t, filled.annual())
    assert v.verdict == "missed" and "2021–2023" in v.basis
    # a 2022 figure above the level, without the flows to check "more balanced": unknown
    high = _with(ds, [("2022", "total", 101.0)])
    v = past_verdict(t, high.annual())
    assert v.verdict == "unknown" and v.gaps == (2022,) and "condition" in v.basis
    # with flows that satisfy it (more balanced than 2021, when the target was set): met in
    # 2022; with flows that fail it: missed
    set_in = [("2021", "exports", 25.0), ("2021", "imports", 53.0)]  # 35.9 % of 78.0
    ok = _with(ds, [*set_in, ("2022", "total", 101.0), ("2022", "exports", 40.0),
                    ("2022", "imports", 61.0)])
    assert past_verdict(t, ok.annual()).year == 2022
    bad = _with(ds, [*set_in, ("2022", "total", 101.0), ("2022", "exports", 30.0),
                     ("2022", "imports", 71.0)])
    v = past_verdict(t, bad.annual())
    assert v.verdict == "missed" and "condition fails: 2022" in v.basis
    # no announcement: the window starts at the first figure, so the 2013-2020 gap counts
    anon = dataclasses.replace(t, announced=None)
    v = past_verdict(anon, filled.annual())
    assert v.verdict == "unknown" and v.gaps[0] == 2010
    # agrees with assess on what the data show met
    a = tp.assess(ok, t, **KW)
    assert a.status == "met" and a.met_year == 2022
    with pytest.raises(tp.ParameterError, match="'annual' parameter of past_verdict"):
        past_verdict(t, ds.annual()[["exports"]])


# -- the numbers of one target -------------------------------------------------------------
def test_numbers_come_from_the_assessment_paths(ds, main, line):
    t = line.lines[0]
    a = main
    assert t.probability == a.p_inside  # the inside view; the headline is a.probability
    k = 2030 - a.last_year - 1
    total = a.paths["total"]
    assert t.median_path_growth == pytest.approx(
        (np.median(total[:, k]) / 81.5) ** (1 / 6) - 1, rel=1e-12)
    assert t.required_growth == pytest.approx((150 / 81.5) ** (1 / 6) - 1)
    assert t.recent_growth == pytest.approx((81.5 / 78) ** (1 / 3) - 1)
    cy = a.crossing_year
    assert t.mode_year == cy.mode()  # None unless one year stands out
    assert t.median_year == cy.median and t.median_text == cy.median_text()
    # without the condition: the same paths, level only = assess without a condition
    plain = tp.assess(ds, dataclasses.replace(a.target, balance=None), **KW)
    assert t.probability_without_condition == plain.p_inside
    assert t.probability_without_condition >= t.probability
    # deficit in 2030: imports minus exports on the same paths
    x, m = a.paths["exports"][:, k], a.paths["imports"][:, k]
    assert t.deficit == pytest.approx(np.median(m - x))
    assert t.deficit_share == pytest.approx(np.median((m - x) / (m + x)))
    assert t.base_deficit == (2024, pytest.approx(30.3), pytest.approx(30.3 / 81.5))
    comp = tp.compare_models(ds, a.target, **KW)
    ok = comp[(comp["status"] == "simulated") & (comp["model"] != "ensemble")]
    assert t.model_low[1] == ok["p_inside"].min()
    assert t.model_high[1] == ok["p_inside"].max() and t.n_models == len(ok)


def test_deficit_if_met_is_over_the_paths_that_meet_the_target(ds):
    a = tp.assess(ds, tp.Target(100, by=2030, balance=balance.more_balanced()), **KW)
    t = bottom_line(ds, [a], sensitivities=False).lines[0]
    k = 2030 - a.last_year - 1
    x, m, tot = (a.paths[f][:, : k + 1] for f in ("exports", "imports", "total"))
    met = ((tot >= 100) & ((m - x) / (x + m) < 30.3 / 81.5)).any(axis=1)
    assert met.mean() == a.p_inside  # the same definition as assess
    d = m[:, k] - x[:, k]
    assert t.deficit_if_met == pytest.approx(np.median(d[met]))


def test_text_prints_the_computed_numbers_in_plain_words(line):
    text = line.summary()
    t = line.lines[0]
    assert f"The model alone (inside view): {format_probability(t.probability)}" in text
    assert f"Chance of meeting it by 2030: {format_probability(t.combined)}" in text
    assert f"{t.required_growth:+.1%}".replace("%", " %") in text
    assert f"the median path grows {t.median_path_growth:+.1%}".replace("%", " %") in text
    assert f"median {t.deficit:.1f} bn" in text
    assert "deficit below its first level after the target was set, 38.2 % of trade in 2023" in text
    assert "inf" not in text and "nan" not in text.lower()
    assert not re.search(r"\b[a-z]+_[a-z_]+\b", text), "code names in the text"
    assert "equal weights" in text  # the model choice is disclosed
    assert "What would change the model's own probability" in text
    html = line._repr_html_()
    assert "<h4>" in html and "&" not in html.replace("&amp;", "").replace("&#x27;", "")
    frame = line.to_frame()
    assert list(frame["target"]) == ["150B by 2030"]
    assert frame.loc[0, "probability"] == t.probability


def test_outside_view_and_combined_slots(ds, main):
    line = bottom_line(ds, [main], outside={main.target.name: 0.14},
                       combined={main.target.name: 0.11}, sensitivities=False)
    t = line.lines[0]
    assert (t.outside_view, t.combined) == (0.14, 0.11)
    assert "base rate of comparable historical targets: 14 % met" in line.summary()
    assert "Chance of meeting it by 2030: 11 %" in line.summary()
    assert "The model alone (inside view)" in line.summary()
    assert t.headline == "combined"
    own = bottom_line(ds, [main], sensitivities=False).lines[0]
    assert own.outside_view == pytest.approx(main.p_outside)
    assert own.combined == pytest.approx(main.p_combined)


# -- sensitivities ---------------------------------------------------------------------------
def test_sensitivities_are_reruns_with_the_same_seed_ranked_by_effect(ds, main):
    comp = tp.compare_models(ds, main.target, **KW)
    out = sensitivities(ds, main, comparison=comp)
    finite = [s for s in out if math.isfinite(s.effect)]
    effects = [abs(s.effect) for s in finite]
    assert effects == sorted(effects, reverse=True) and len(finite) >= 5
    by_label = {s.label.split(",")[0] if s.label.startswith("one more") else s.label: s
                for s in finite}
    # one more year at zero growth = assess on the data with that figure added
    flat = next(s for s in finite if "no growth" in s.label)
    more = _with(ds, [("2025", "total", 81.5)])
    ref = tp.assess(more, main.target, model=main.model, **KW)
    assert flat.probability == ref.p_inside and flat.base == main.p_inside
    # dropping the rounded 2012 figure = assess with exclude
    rounded = next(s for s in finite if "rounded" in s.label)
    assert rounded.probability == tp.assess(ds, main.target, exclude=(2012,), **KW).p_inside
    # the other reading of the condition (two-sided) on the same paths: never larger
    two = next(s for s in finite if "two-sided" in s.label)
    assert two.probability <= main.p_inside
    both = dataclasses.replace(main.target, balance=balance.more_balanced(two_sided=True))
    assert two.probability == tp.assess(ds, both, **KW).p_inside
    # another model: the one farthest from the headline, read from the comparison
    model = next(s for s in finite if s.kind == "model")
    ok = comp[(comp["status"] == "simulated") & (comp["model"] != main.model)]
    assert abs(model.effect) == pytest.approx((ok["p_inside"] - main.p_inside).abs().max())
    assert by_label  # labels are plain words
    assert all("_" not in s.label for s in out)


def test_sensitivities_on_data_answers_and_bad_input(ds):
    a = tp.assess(ds, ds.target("20B by 2015"), **KW)
    assert sensitivities(ds, a) == ()
    with pytest.raises(tp.ParameterError, match="'ds' parameter of sensitivities"):
        sensitivities("data", a)
    with pytest.raises(tp.ParameterError, match="'assessments' parameter of bottom_line"):
        bottom_line(ds, ["150B"])


# -- the report's targets ---------------------------------------------------------------------
def test_from_report_covers_every_target_with_one_verdict(ds):
    from tradepath.report import build_report

    content = build_report(ds, n_paths=1000, seed=1)
    line = from_report(content, sensitivities=False)
    assert isinstance(line, BottomLine)
    assert [x.name for x in line] == [t.name for t in content.targets]
    v = line["100B by 2023"].verdict
    assert v is not None and v.verdict == "unknown"
    fu = line["100B by 2023"].followup
    assert fu is not None and fu.probability == content.followups["100B by 2023"].p_inside
    assert line["20B by 2015"].verdict.verdict == "met"
    assert "after missing" not in line.summary()  # a miss is not asserted where unknown
    frame = line.to_frame()
    assert list(frame["follow_up_of"]) == ["", "", "100B by 2023", ""]
    with pytest.raises(tp.UnknownNameError):
        line["200B by 2040"]


def test_labels_and_formats():
    assert set(MODELS) <= set(MODEL_LABELS)
    assert all("_" not in v for v in MODEL_LABELS.values())
    assert model_label("damped_trend") == "damped trend"
    assert format_year(math.inf, 2050) == "after 2050" and format_year(2031.0, 2050) == "2031"
    assert format_probability(0.0941) == "9 %" and format_probability(0.001) == "<1 %"
    assert format_probability(float("nan")) == "–"


def test_reading_in_the_deadline_year_is_kept(ds):
    t = tp.Target(100, by=2030, balance=balance.more_balanced())
    a = tp.assess(ds, t, reading="in", **KW)
    line = bottom_line(ds, [a], sensitivities=False).lines[0]
    plain = tp.assess(ds, dataclasses.replace(t, balance=None), reading="in", **KW)
    assert line.probability_without_condition == plain.p_inside
    k = 2030 - a.last_year - 1
    x, m = a.paths["exports"][:, k], a.paths["imports"][:, k]
    met = (a.paths["total"][:, k] >= 100) & ((m - x) / (x + m) < 30.3 / 81.5)
    assert met.mean() == a.p_inside
    assert line.deficit_if_met == pytest.approx(np.median((m - x)[met]))


def test_sensitivities_carry_their_monte_carlo_error(ds, main):
    comp = tp.compare_models(ds, main.target, **KW)
    out = sensitivities(ds, main, comparison=comp)
    finite = [s for s in out if np.isfinite(s.effect)]
    # zero only where no path changed (e.g. a two-sided reading no path's surplus reaches)
    assert finite and all(np.isfinite(s.mc_error) and s.mc_error >= 0 for s in finite)
    assert all(s.mc_error > 0 for s in finite if s.probability != s.base)
    # A re-run on changed data: the paired standard error of the per-path differences.
    rounded = next(s for s in finite if "rounded" in s.label)
    b = tp.assess(ds, main.target, exclude=(2012,), **KW)

    def met(a):
        k = a.target.by - a.last_year - 1
        cond = a.target.balance.bind(a.history)
        x, m = a.paths["exports"][:, : k + 1], a.paths["imports"][:, : k + 1]
        return ((a.paths["total"][:, : k + 1] >= a.target.value) & cond.holds(x, m)).any(axis=1)

    d = met(b).astype(float) - met(main)
    assert met(main).mean() == main.p_inside and met(b).mean() == b.p_inside
    assert rounded.mc_error == pytest.approx(d.std(ddof=1) / np.sqrt(len(d)), rel=1e-12)
    # Another model draws other paths: two independent binomial errors.
    model = next(s for s in finite if s.kind == "model")
    assert model.mc_error == pytest.approx(np.sqrt(
        (model.probability * (1 - model.probability) + main.p_inside * (1 - main.p_inside))
        / main.n_paths))
    frame = bottom_line(ds, [main], comparisons={main.target.name: comp}).sensitivity_frame()
    assert frame["mc_error"].notna().all() and (frame["mc_error"] >= 0).all()
    assert "Monte Carlo standard error of each change at most ±" in bottom_line(
        ds, [main], comparisons={main.target.name: comp}).summary()


def test_sensitivity_error_matches_the_spread_over_seeds(ds):
    # The reported standard error against the spread of the effect over independent seeds,
    # for three kinds of change (one set of sensitivities per seed serves all three).
    t = ds.target("150B by 2030")
    labels = ("no balance", "without the rounded", "one more year")
    effects: dict[str, list[float]] = {k: [] for k in labels}
    errors: dict[str, list[float]] = {k: [] for k in labels}
    for seed in range(12):
        a = tp.assess(ds, t, model="random_walk", n_paths=1000, seed=seed, horizon=2040)
        found = sensitivities(ds, a)
        for label in labels:
            s = next(x for x in found if x.label.startswith(label))
            effects[label].append(s.effect)
            errors[label].append(s.mc_error)
    for label in labels:
        ratio = np.std(effects[label], ddof=1) / np.mean(errors[label])
        assert 0.5 < ratio < 2.0, (label, ratio)


def test_when_says_a_year_once_when_a_tenth_and_half_the_paths_share_it():
    from tradepath.assessment.crossing import CrossingYear

    years = pd.Index(range(2026, 2031), name="year")
    early = CrossingYear(pd.Series([0.6, 0.2, 0.1, 0.05, 0.03], index=years), 0.02, 2050, 20_000)
    assert early.when() == "half the simulated paths meet it by 2026; 2 % not by 2050"
    later = CrossingYear(pd.Series([0.15, 0.2, 0.3, 0.2, 0.1], index=years), 0.05, 2050, 20_000)
    assert later.when() == ("1 in 10 simulated paths meet it by 2026, half by 2028; 5 % not "
                            "by 2050")


def test_the_80_percent_window_says_or_later_when_its_end_is_past_the_horizon():
    from tradepath.assessment.crossing import CrossingYear

    years = pd.Index(range(2026, 2031), name="year")
    inside = CrossingYear(pd.Series([0.2, 0.2, 0.2, 0.2, 0.15], index=years), 0.05, 2030, 20_000)
    assert inside.interval_text(0.8) == "2026–2030"
    open_end = CrossingYear(pd.Series([0.15, 0.2, 0.2, 0.1, 0.05], index=years), 0.3, 2030, 20_000)
    assert open_end.interval_text(0.8) == "2026 or later"
    assert "80 % interval 2026 or later" in str(open_end)
    never = CrossingYear(pd.Series([0.01, 0.01, 0.01, 0.01, 0.01], index=years), 0.95, 2030,
                         20_000)
    assert never.interval_text(0.8) == "after 2030"
