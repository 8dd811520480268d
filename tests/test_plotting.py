from __future__ import annotations

import math
import re

import matplotlib

matplotlib.use("Agg")

import itertools

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.colors import to_rgb

import tradepath as tp
from tradepath import plotting as P
from tradepath._format import format_probability as fp
from tradepath._format import format_year
from tradepath.scenarios import Scenario, feasible_region, growth
from tradepath.verdict import model_label


def _grey(color) -> float:
    r, g, b = to_rgb(color)
    return 0.299 * r + 0.587 * g + 0.114 * b  # ITU-R BT.601 luma


def _by_gid(fig, prefix: str) -> list:
    return [a for a in fig.findobj() if (a.get_gid() or "").startswith(prefix)]


def _texts(fig) -> list[str]:
    return [t.get_text() for t in fig.findobj(matplotlib.text.Text)]


def _assert_integer_years(ax) -> None:
    labels = [t.get_text() for t in ax.get_xticklabels() if t.get_text()]
    assert labels
    for lab in labels:
        assert re.fullmatch(r"(\d{4}|after\n\d{4})", lab.replace("−", "-")), lab


def _save(fig, output_dir, name: str) -> None:
    path = output_dir / f"{name}.png"
    fig.savefig(path)
    assert path.stat().st_size > 10_000  # rendered, not blank
    plt.close(fig)


@pytest.fixture(scope="module")
def balanced(ds):
    return tp.assess(ds, ds.target("150B by 2030"), model="random_walk", n_paths=2000, seed=1)


@pytest.fixture(scope="module")
def followup(ds):
    t = tp.Target(100, by=2030, balance=tp.balance.more_balanced(),
                  name="100B by 2023, given until 2030")
    return tp.assess(ds, t, model="random_walk", n_paths=2000, seed=1)


@pytest.fixture(scope="module")
def missed(ds):
    return tp.assess(ds, ds.target("100B by 2023"), model="random_walk")


@pytest.fixture(scope="module")
def comparison(ds):
    return tp.compare_models(ds, ds.target("150B by 2030"), n_paths=1000, seed=1)


def test_fan_has_bands_median_targets_and_the_probability(ds, balanced, missed, followup,
                                                          output_dir):
    with P.report_style():
        fig, ax = plt.subplots(layout="constrained")
        met = tp.assess(ds, ds.target("20B by 2015"))
        out = P.plot_fan(balanced, ax=ax, targets=[missed, followup, met],
                         ds=ds, log=True)
        P.source_note(fig)
        assert out is ax
        assert len(_by_gid(fig, "band-")) == 3  # 50, 80 and 95 %
        assert len(_by_gid(fig, "median")) == 1
        # Four targets: three lines to a deadline with a diamond, and the follow-up of the
        # missed 100B drawn as the dotted continuation of its line.
        lines = [a for a in _by_gid(fig, "target") if a.get_gid().endswith("-line")]
        marks = [a for a in _by_gid(fig, "target") if a.get_gid().endswith("-deadline")]
        assert len(lines) == 4 and len(marks) == 4
        for m in marks:
            assert m.get_marker() == "D"
        deadlines = sorted(int(m.get_xdata()[0]) for m in marks)
        assert deadlines == [2015, 2023, 2030, 2030]
        box = _by_gid(fig, "annotation")[0].get_text()
        assert f"P(met by 2030) = {fp(balanced.probability)}" in box
        assert f"P(met by 2030) = {fp(followup.probability)}" in box
        cy = balanced.crossing_year
        assert f"median {format_year(cy.median, cy.horizon)}" in box
        # Above the axes, so it covers no data.
        assert _by_gid(fig, "annotation")[0].get_position() == (0, 1)
        names = [t.get_text() for t in _by_gid(fig, "target") if hasattr(t, "get_text")]
        assert "100B by 2023: unknown" in names and "20B by 2015: met in 2012" in names
        assert _by_gid(fig, "obs-lower_bound") and _by_gid(fig, "obs-ambiguous")
        assert ax.get_yscale() == "log"
        _assert_integer_years(ax)
        assert any(t.startswith("Source: figures from the documents; tradepath ")
                   for t in _texts(fig))
        _save(fig, output_dir, "fan_log")


def test_fan_linear_marks_a_clipped_band_and_takes_band_levels(balanced, output_dir):
    with P.report_style():
        fig, ax = plt.subplots(layout="constrained")
        P.plot_fan(balanced, ax=ax, levels=(0.8,))
        bands = _by_gid(fig, "band-")
        assert [b.get_gid() for b in bands] == ["band-0.8"]
        assert ax.get_ylim() == (0, pytest.approx(150 * 1.5))
        labels = ax.get_legend_handles_labels()[1]
        assert any("runs above the chart" in lab for lab in labels)
        _assert_integer_years(ax)
        _save(fig, output_dir, "fan_linear")


def test_fan_bands_and_targets_distinguishable_in_greyscale(balanced):
    fig, ax = plt.subplots()
    P.plot_fan(balanced, ax=ax)
    greys = sorted(_grey(b.get_facecolor()[0][:3]) for b in _by_gid(fig, "band-"))
    assert all(b - a > 0.08 for a, b in itertools.pairwise(greys))
    target = next(iter(_by_gid(fig, "target0-line")))
    median = _by_gid(fig, "median")[0]
    assert target.get_linestyle() == "--" and median.get_linestyle() == "-"
    plt.close(fig)


def test_fan_answered_from_data_draws_history_and_target(missed, output_dir):
    fig, ax = plt.subplots(layout="constrained")
    P.plot_fan(missed, ax=ax)
    assert not _by_gid(fig, "band-")
    assert _by_gid(fig, "target0-deadline")
    _save(fig, output_dir, "fan_missed")


def test_crossing_bars_cumulative_and_not_by_horizon(balanced, output_dir):
    cy = balanced.crossing_year
    with P.report_style():
        fig, ax = plt.subplots(layout="constrained")
        P.plot_crossing(balanced, ax=ax)
        heights = [p.get_height() for p in _by_gid(fig, "bars")]
        np.testing.assert_allclose(heights, cy.distribution.to_numpy() * 100)
        not_by = next(a for a in _by_gid(fig, "not-by-horizon") if hasattr(a, "get_height"))
        assert not_by.get_height() == pytest.approx(cy.p_not_by_horizon * 100)
        cum = _by_gid(fig, "cumulative")[0].get_ydata()
        assert cum[-1] == pytest.approx(100 * (1 - cy.p_not_by_horizon))
        deadline = _by_gid(fig, "deadline")[0]
        assert deadline.get_xdata()[0] == pytest.approx(2030.5)  # the end of the year
        sub = _by_gid(fig, "subtitle")[0].get_text()
        assert f"P(met by 2030) = {fp(balanced.probability)}" in sub
        # The headline pools in the base rate; the bars and line are the model's paths, and
        # the subtitle gives what they add up to by the deadline.
        shown = cum[list(cy.distribution.index).index(2030)] / 100
        assert shown == pytest.approx(balanced.p_inside)
        assert f"the model's paths (shown): {fp(balanced.p_inside)}" in sub
        assert fp(cy.p_not_by_horizon) in _texts(fig)
        _assert_integer_years(ax)
        _save(fig, output_dir, "crossing")


def test_crossing_figure_shares_the_scale_and_splits_the_legend(balanced, followup,
                                                                output_dir):
    with P.report_style():
        fig = P.crossing_figure([followup, balanced])
        P.source_note(fig)
        axes = [a for a in fig.axes if a.get_visible()]
        assert len(axes) == 2
        top = max(float(a.crossing_year.distribution.cumsum().max()) * 100
                  for a in (followup, balanced))
        assert axes[0].get_ylim()[1] >= top  # the taller cumulative curve is not clipped
        legends = [a.get_legend() for a in axes if a.get_legend() is not None]
        assert sum(len(lg.get_texts()) for lg in legends) == 4
        _save(fig, output_dir, "crossing_figure")


def test_crossing_refuses_an_assessment_answered_from_the_data(missed):
    with pytest.raises(tp.ParameterError, match="'obj' parameter of plot_crossing"):
        P.plot_crossing(missed)


def test_balance_flows_and_share_with_the_condition(balanced, output_dir):
    with P.report_style():
        fig = P.balance_figure(balanced)
        P.source_note(fig)
        left, right = fig.axes[:2]
        # The condition is on the share: drawn on the share panel only.
        assert not [a for a in left.get_lines() if a.get_gid() == "condition"]
        x, m = balanced.paths["exports"], balanced.paths["imports"]
        share = float(balanced.condition.split("< ")[1].split("%")[0]) / 100
        threshold = next(a for a in right.get_lines() if a.get_gid() == "condition")
        np.testing.assert_allclose(threshold.get_ydata(), share * 100, rtol=2e-3)
        k = 2030 - balanced.last_year - 1
        cond = balanced.target.balance.bind(balanced.history)
        p = float(np.mean(cond.holds(x[:, k], m[:, k])))
        level = float((balanced.paths["total"][:, : k + 1] >= 150).any(axis=1).mean())
        subs = [t.get_text() for t in _by_gid(fig, "subtitle")]
        assert subs == ["medians and 80% bands (random walk with drift)",
                        f"the condition holds in 2030 on {fp(p)} of all "
                        f"paths\n{fp(balanced.p_inside / level)} of the "
                        "paths that reach 150B meet it too"]
        # The hatching (condition fails) is drawn over the band, not hidden behind it.
        hatch = next(c for c in right.collections if c.get_gid() == "condition-fails")
        band = next(c for c in right.collections if c.get_gid() == "band-deficit_share")
        assert hatch.get_zorder() > band.get_zorder()
        for ax in (left, right):
            _assert_integer_years(ax)
            assert ax.get_xlim()[1] < 2036  # deadline + 5, not the whole horizon
        _save(fig, output_dir, "balance")


def test_comparison_panels_share_the_year_range(ds):
    a = tp.assess(ds, ds.target("150B by 2030"), n_paths=500, horizon=2050)
    frames = [tp.compare_models(ds, t, n_paths=500, horizon=2050)
              for t in (ds.target("150B by 2030"), tp.Target(100, by=2030))]
    with P.report_style():
        fig = P.comparison_figure(frames, deadlines=[2030, 2030])
        axes = [ax for ax in fig.axes if ax.get_gid() != "probabilities"][:2]
        assert axes[0].get_xlim() == axes[1].get_xlim()
        assert list(axes[0].get_xticks()) == list(axes[1].get_xticks())
        labels = [t.get_text() for t in axes[0].get_xticklabels()]
        assert "2040" in labels and labels[-1] == "after 2050"
        assert "2050" not in labels  # a horizon tick would read as one label with "after"
    assert a.crossing_year.horizon == 2050


def test_balance_legend_styles_equal_plotted_styles_and_bands_equal(balanced):
    with P.report_style():
        fig = P.balance_figure(balanced)
        fig.canvas.draw()
        checked: set[str] = set()
        for ax in fig.axes[:2]:
            legend = ax.get_legend()
            plotted = {h.get_label(): h for h in ax.get_lines() + ax.collections}
            for handle, text in zip(legend.legend_handles, legend.get_texts(), strict=True):
                src = plotted.get(text.get_text())
                if src is None:  # observation markers: drawn as proxies of their kind
                    continue
                checked.add(text.get_text())
                if hasattr(src, "get_linestyle") and hasattr(handle, "get_linestyle") \
                        and hasattr(src, "get_marker"):
                    assert handle.get_linestyle() == src.get_linestyle(), text.get_text()
                    assert handle.get_color() == src.get_color(), text.get_text()
                if src.get_gid() == "condition-fails":  # the swatch shows the hatch
                    assert handle.get_hatch() == "//"
                    assert handle.get_edgecolor()[3] > 0
        bands = [t.get_text().split(": ")[1] for ax in fig.axes[:2]
                 for t in ax.get_legend().get_texts() if t.get_text().endswith(" band")]
        assert set(bands) == {"80% band"}, bands
        assert {"balance (exports − imports): median", "condition fails (hatched)"} <= checked


def test_balance_takes_a_projection(ds, output_dir):
    proj = Scenario(2024, 2035, exports=growth(0.12), imports=growth(0.05)).project(ds)
    fig, ax = plt.subplots(layout="constrained")
    P.plot_balance(proj, ax=ax, ds=ds, condition=tp.balance.deficit_share(0.2))
    line = next(a for a in ax.get_lines() if a.get_gid() == "line-balance")
    np.testing.assert_allclose(line.get_ydata()[-1], proj["exports"].iloc[-1]
                               - proj["imports"].iloc[-1])
    _save(fig, output_dir, "balance_projection")


def test_balance_needs_simulated_flows(ds):
    a = tp.assess(ds, tp.Target(150, by=2030), model="random_walk", n_paths=200)
    with pytest.raises(tp.ParameterError, match="balance condition"):
        P.plot_balance(a)


@pytest.mark.parametrize(("cond", "total", "expected"), [
    (tp.balance.deficit_share(0.2), 100.0, 20.0),
    (tp.balance.ratio(0.8), 90.0, 90 * 0.2 / 1.8),
    (tp.balance.deficit(10), 100.0, 10.0),
    (tp.balance.deficit_share(0.2) & tp.balance.deficit(10), 100.0, 10.0),
    (tp.balance.deficit_share(0.2) | tp.balance.deficit(10), 100.0, 20.0),
])
def test_max_deficit(cond, total, expected):
    assert float(tp.scenarios.max_deficit(cond, total)) == pytest.approx(expected, rel=1e-9)


def test_comparison_one_row_per_model_with_its_probability(comparison, output_dir):
    with P.report_style():
        fig, ax = plt.subplots(figsize=(6.7, 4.5), layout="constrained")
        P.plot_comparison(comparison, ax=ax)
        # Models named in words, without the parenthesised detail.
        words = [re.sub(r" \([^)]*\)$", "", model_label(m)) for m in comparison["model"]]
        assert [t.get_text() for t in ax.get_yticklabels()] == words[::-1]
        assert "damped trend" in words and "damped_trend" not in words
        sec = next(c for c in ax.child_axes if c.get_gid() == "probabilities")
        right = [t.get_text() for t in sec.get_yticklabels()][::-1]
        for row, text in zip(comparison.itertuples(), right, strict=True):
            if row.status == "simulated":
                assert text == f"P = {fp(row.p_inside)}"  # its own
            else:
                assert text == "refused"
        assert _by_gid(fig, "deadline")
        _save(fig, output_dir, "comparison")


def test_scenarios_side_by_side_with_targets_and_crossings(ds, output_dir):
    scen = [Scenario(2024, 2035, exports=growth(gx), imports=growth(gm), name=n)
            for gx, gm, n in ((0.12, 0.05, "A"), (0.15, 0.03, "B"), (0.06, 0.06, "C"))]
    with P.report_style():
        fig, ax = plt.subplots(layout="constrained")
        P.plot_scenarios(scen, ax=ax, ds=ds, targets=[ds.target("150B by 2030")])
        lines = _by_gid(fig, "scenario-")
        assert sorted(a.get_gid() for a in lines) == ["scenario-A", "scenario-B", "scenario-C"]
        styles = {a.get_linestyle() for a in lines}
        assert len(styles) == 3  # distinguishable without colour
        for s in scen:
            proj = s.project(ds)
            first = proj.index[proj["total"] >= 150]
            marks = _by_gid(fig, f"crossing-{s.name}-")
            if len(first):
                assert marks[0].get_xdata()[0] == first[0]
            else:
                assert not marks
        _assert_integer_years(ax)
        _save(fig, output_dir, "scenarios")


def test_feasible_region_marks_history_and_says_whether_it_meets(ds, output_dir):
    t = ds.target("150B by 2030")
    region = feasible_region(ds, t, export_rates=np.linspace(-0.05, 0.25, 121),
                             import_rates=np.linspace(-0.05, 0.2, 101))
    with P.report_style():
        fig, ax = plt.subplots(layout="constrained")
        P.plot_feasible(region, ax=ax)
        h = region.historical
        pt = _by_gid(fig, "historical-0")[0]
        assert pt.get_xdata()[0] == pytest.approx(h["exports"] * 100)
        assert pt.get_ydata()[0] == pytest.approx(h["imports"] * 100)
        verdict = "meets" if region.contains(h["exports"], h["imports"]) else "does not meet"
        assert f"{verdict} the target" in _by_gid(fig, "subtitle")[0].get_text()
        _save(fig, output_dir, "feasible")


def test_plots_draw_on_the_current_axes_and_never_show(balanced, monkeypatch):
    monkeypatch.setattr(plt, "show", lambda *a, **k: pytest.fail("show() was called"))
    fig, ax = plt.subplots()
    assert P.plot_fan(balanced) is ax
    assert P.plot_crossing(balanced) is ax
    plt.close(fig)


def test_report_style_is_a_context_and_import_changes_nothing():
    import subprocess
    import sys

    code = ("import matplotlib as mpl; before = dict(mpl.rcParams); "
            "import tradepath.plotting; print(dict(mpl.rcParams) == before)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "True"
    size = matplotlib.rcParams["font.size"]
    with P.report_style(font_scale=1.2) as rc:
        assert matplotlib.rcParams["font.size"] == pytest.approx(9 * 1.2) == rc["font.size"]
        cyc = matplotlib.rcParams["axes.prop_cycle"].by_key()
        assert cyc["color"][0] == P.OKABE_ITO["blue"]
        assert len(set(cyc["linestyle"])) == len(cyc["linestyle"])
    assert matplotlib.rcParams["font.size"] == size


def test_palette_is_okabe_ito_and_paired_with_line_styles():
    assert set(P.COLORS) <= set(P.OKABE_ITO.values())
    assert len(P.COLORS) == len(P.LINESTYLES) == len(set(map(str, P.LINESTYLES)))


@pytest.mark.parametrize(("p", "text"), [(0.0, "0 %"), (0.004, "<1 %"), (0.5031, "50 %"),
                                         (0.996, ">99 %"), (1.0, "100 %"), (math.nan, "–")])
def test_format_probability(p, text):
    """One format for the figures, the report and the text (``tradepath._format``)."""
    from tradepath._format import format_probability

    assert format_probability(p) == text


def test_bad_arguments_name_the_parameter(balanced):
    with pytest.raises(tp.ParameterError, match="'assessment' parameter of plot_fan"):
        P.plot_fan("150B")
    with pytest.raises(tp.ParameterError, match="'ax' parameter of plot_fan"):
        P.plot_fan(balanced, ax="left")
    with pytest.raises(tp.ParameterError, match="'show' parameter of plot_balance"):
        P.plot_balance(balanced, show="pie")
    with pytest.raises(tp.ParameterError, match="'frame' parameter of plot_comparison"):
        P.plot_comparison([1, 2])
    with pytest.raises(tp.ParameterError, match="'region' parameter of plot_feasible"):
        P.plot_feasible(object())
    plt.close("all")


def test_assessment_plot_delegates_to_the_fan(balanced):
    fig, ax = plt.subplots()
    assert balanced.plot(ax=ax, log=True) is ax
    assert ax.get_yscale() == "log" and _by_gid(fig, "band-")
    plt.close(fig)


def test_plotting_report_and_cli_modules_import_no_matplotlib():
    import subprocess
    import sys

    code = ("import sys, tradepath.plotting, tradepath.report, tradepath.cli; print([m for m in "
            "sys.modules if m.split('.')[0] in ('matplotlib', 'statsmodels')])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "[]"


# -- plot() on every result object ----------------------------------------------------------


def _line(fig, gid: str):
    (line,) = _by_gid(fig, gid)
    return line


def test_scenario_paths_plot_draws_the_median_and_the_band(ds, output_dir):
    sim = Scenario(2024, 2030, exports=growth(0.1), imports=growth(0.05)).simulate(
        ds, n_paths=400, seed=3)
    fig, ax = plt.subplots()
    assert sim.plot(ax=ax, level=0.8, targets=[ds.target("150B by 2030")]) is ax
    bands = sim.summary_frame(alpha=0.2)
    med = _by_gid(fig, "scenario-")[0]
    np.testing.assert_allclose(med.get_xdata(), sim.years)
    np.testing.assert_allclose(med.get_ydata(), np.median(sim.total, axis=0))
    (band,) = _by_gid(fig, "band")
    verts = band.get_paths()[0].vertices
    assert np.isclose(verts[:, 1].min(), bands["total_lower"].min())
    assert np.isclose(verts[:, 1].max(), bands["total_upper"].max())
    assert _by_gid(fig, "obs-") and _by_gid(fig, "target0")  # history and the target
    _save(fig, output_dir, "scenario_paths")
    fig, ax = plt.subplots()
    sim.plot(ax=ax, flow="deficit_share")
    np.testing.assert_allclose(_by_gid(fig, "scenario-")[0].get_ydata(),
                               bands["deficit_share_median"] * 100)
    with pytest.raises(tp.ParameterError, match="'flow' parameter of plot_scenario_paths"):
        sim.plot(ax=ax, flow="export_share")
    with pytest.raises(tp.ParameterError, match="'level' parameter of plot_scenario_paths"):
        sim.plot(ax=ax, level=1.0)
    with pytest.raises(tp.ParameterError, match="'paths' parameter"):
        P.plot_scenario_paths(sim.to_frame())
    plt.close("all")


def test_required_growth_plot_draws_the_path_at_the_rate(ds, output_dir):
    from tradepath.scenarios import required_growth

    target = tp.Target(150, by=2030)
    r = required_growth(ds, target, "total")
    fig, ax = plt.subplots()
    assert r.plot(ax=ax) is ax
    (line,) = _by_gid(fig, "scenario-")
    np.testing.assert_allclose(line.get_ydata(), r.path["total"])
    assert np.isclose(line.get_ydata()[-1], 150.0)  # the smallest rate just meets the target
    assert f"{r.rate * 100:+.1f} %" in line.get_label() and "150B by 2030" in ax.get_title()
    assert _by_gid(fig, "target0-line")
    _save(fig, output_dir, "required_growth")
    # At the latest mix (2024) no total growth is more balanced than the latest year.
    latest = tp.Target(150, by=2030, balance=tp.balance.more_balanced())
    infeasible = required_growth(ds, latest, "total")
    assert not infeasible.feasible
    with pytest.raises(tp.ModelError, match="infeasible"):
        infeasible.plot()


def test_required_deficit_plot_draws_the_deficit_path(ds, output_dir):
    from tradepath.scenarios import required_deficit

    r = required_deficit(ds, ds.target("150B by 2030"), total=growth(0.12))
    assert r.feasible
    fig, ax = plt.subplots()
    assert r.plot(ax=ax) is ax
    balance = _line(fig, "line-balance")
    np.testing.assert_allclose(balance.get_ydata(), -r.deficit.to_numpy())
    assert np.isclose(-balance.get_ydata()[-1], r.value)
    assert any(f"{r.value:.2f} bn in 2030" in t for t in _texts(fig))
    _save(fig, output_dir, "required_deficit")


def test_event_backtest_plot_draws_each_probability_and_outcome(output_dir):
    from tradepath.models import CAGR, RandomWalk

    series = pd.Series({2000: 10.0, 2002: 12.0, 2003: 13.3, 2005: 15.0, 2006: 17.2, 2007: 18.0,
                        2008: 19.5, 2009: 20.5})
    hit = tp.Target(20.0, by=2009, announced=2005)
    miss = tp.Target(40.0, by=2008, announced=2005)
    eb = tp.event_backtest(series, [hit, miss], [CAGR(), RandomWalk()], n_paths=2000, seed=1)
    fig, ax = plt.subplots()
    assert eb.plot(ax=ax) is ax
    ev = eb.events.set_index(["target", "model"])
    for model in ("cagr", "random_walk"):
        line = _line(fig, f"model-{model}")
        expected = [ev.loc[(t, model), "probability"] for t in ("20B by 2009", "40B by 2008")]
        np.testing.assert_allclose(line.get_ydata(), expected)
        brier = eb.scores.set_index("model").loc[model, "brier"]
        assert f"Brier {brier:.3f}" in line.get_label()
    np.testing.assert_allclose(_line(fig, "outcome").get_ydata(), [1.0, 0.0])
    assert [t.get_text() for t in ax.get_xticklabels()] == ["20B by 2009", "40B by 2008"]
    _save(fig, output_dir, "event_backtest")


def test_fit_plot_draws_the_series_and_the_forecast(ds, output_dir):
    fit = tp.get_model("random_walk").fit(ds.series("total"))
    fig, ax = plt.subplots()
    assert fit.plot(ax=ax, end=2030, level=0.8, n_paths=1000, seed=2) is ax
    fc = fit.forecast(2030, alpha=0.2, n_paths=1000, seed=2)
    med = _line(fig, "median")
    np.testing.assert_allclose(med.get_xdata(), [fit.last_year, *fc.index])
    np.testing.assert_allclose(med.get_ydata(), [fit.last_value, *fc["median"]])
    obs = _by_gid(fig, "obs-")
    np.testing.assert_allclose(np.concatenate([o.get_ydata() for o in obs]), fit.series)
    _save(fig, output_dir, "fit_forecast")
    with pytest.raises(tp.ParameterError, match="'fit' parameter of plot_forecast"):
        P.plot_forecast(ds.series("total"))


def test_base_rate_plot_delegates_to_the_reference_figure():
    base = tp.base_rate()
    fig, ax = plt.subplots()
    assert base.plot(ax=ax) is ax
    assert "targets" in ax.get_title()
    plt.close(fig)


def test_the_source_note_names_the_data_drawn():
    import matplotlib.pyplot as plt

    notes = {}
    mine = tp.Dataset.from_frame(pd.DataFrame({"period": ["2020", "2021", "2022"],
                                               "flow": "total", "value_usd_bn": [1.0, 2, 3]}))
    for label, ds in (("documents", tp.load_dataset()), ("fused", tp.fuse()),
                      ("korea", tp.fuse(basis="KR")), ("official", tp.load_dataset("official")),
                      ("both", tp.load_dataset().merge(tp.load_dataset("official"))),
                      ("mine", mine)):
        fig = plt.figure()
        notes[label] = P.source_note(fig, ds=ds).get_text()
        plt.close(fig)
    assert notes["documents"].startswith("Source: figures from the documents; tradepath ")
    assert notes["fused"].startswith("Source: the documents and the official series on both "
                                     "bases, fused on Vietnam's basis; tradepath ")
    assert "fused on Korea's basis" in notes["korea"]
    assert notes["official"].startswith("Source: the official series on both bases; ")
    assert notes["both"].startswith("Source: the documents and the official series on both "
                                    "bases; ")
    assert notes["mine"].startswith("Source: the figures given; ")
    fig = plt.figure()
    assert P.source_note(fig, "Source: mine").get_text() == "Source: mine"
    plt.close(fig)
