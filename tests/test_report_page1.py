"""Page 1 of the report (the bottom line) and the report's tables, checked on what is drawn
and written: the numbers printed are the numbers computed."""

from __future__ import annotations

import html
import re

import numpy as np
import pandas as pd
import pytest

import tradepath as tp
from tradepath import report as R
from tradepath._format import format_probability
from tradepath.plotting import report_style
from tradepath.reference.views import outside_view
from tradepath.report import writing as W
from tradepath.report.pages import _pages, _render_page

pytestmark = pytest.mark.slow

N = 1000


@pytest.fixture(scope="module")
def content(ds):
    return R.build_report(ds, n_paths=N, seed=5)


def _page_text(content, number: int, path) -> str:
    """The words of a page as drawn, read back from its SVG rendering (text kept as text)."""
    import matplotlib.pyplot as plt

    with report_style():
        pages = _pages(content)
        fig = _render_page(pages[number - 1], content, number, len(pages))
        try:
            fig.savefig(path)
        finally:
            plt.close(fig)
    svg = path.read_text(encoding="utf-8")
    words = re.findall(r"<text[^>]*>(.*?)</text>", svg, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", "", "\n".join(words)))


@pytest.fixture(scope="module")
def page1_text(content, tmp_path_factory):
    return _page_text(content, 1, tmp_path_factory.mktemp("p1") / "page1.svg")


@pytest.fixture(scope="module")
def page2_text(content, tmp_path_factory):
    return _page_text(content, 2, tmp_path_factory.mktemp("p2") / "page2.svg")


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def test_page1_prints_the_computed_probability_and_base_rate(content, page1_text, page2_text):
    text = _flat(page1_text)
    a = content.main
    assert a is not None and a.target.name == "150B by 2030"
    k = a.target.by - a.last_year - 1
    total, x, m = a.paths["total"], a.paths["exports"], a.paths["imports"]
    cond = a.target.balance.bind(a.history)
    met = ((total[:, : k + 1] >= a.target.value) & cond.holds(x[:, : k + 1], m[:, : k + 1])
           ).any(axis=1)
    assert met.mean() == pytest.approx(a.p_inside)
    # The headline in one sentence; the model alone and the record in the table beside it.
    assert f"{format_probability(a.p_combined)} chance by 2030" in text
    series = a.history["total"].dropna()
    base = outside_view(a.target, series[series.index <= a.last_year]).base_rate
    assert base == pytest.approx(a.p_outside)
    row = next(r for r in content.bottom.lines if r.name == "150B by 2030").table_row()
    assert row[2:4] == [format_probability(met.mean()), format_probability(base)]
    assert " ".join(row[2:4]) in text
    # The 2030 deficit on the median path, on page 1; every number on page 2.
    d = np.median(m[:, k] - x[:, k])
    assert f"The deficit in 2030: about {d:.0f} bn" in text
    detail = _flat(page2_text)
    assert (f"inside view): {format_probability(met.mean())}; base rate of comparable "
            f"historical targets: {format_probability(base)} met") in detail
    p_plain = (total[:, : k + 1] >= a.target.value).any(axis=1).mean()
    assert f"Without the balance condition: {format_probability(p_plain)}" in detail
    g = (np.median(total[:, k]) / a.last_value) ** (1 / (k + 1)) - 1
    assert f"the median path grows {g:+.1%}".replace("%", " %") in detail
    assert f"Deficit in 2030: median {d:.1f} bn" in detail


def test_page1_reads_aloud_one_name_and_one_when_per_target(content, page1_text):
    """One plain sentence per target with one name, the median year with its Monte Carlo
    precision, and what balance needs, computed from the growth-rates map."""
    text = _flat(page1_text)
    for line in content.bottom.lines:
        assert line.sentence().split(":")[0] in text
    f = content.followups["100B by 2023"]
    assert f.target.name not in text  # the follow-up is named by its target
    assert f.crossing_year.median_text() in text
    assert "Most likely" not in text and "median year" not in text
    from tradepath.report.pages import balance_needs

    assert f"Meeting it needs {balance_needs(content.region)}" in text
    r = content.region
    b = r.boundary()
    need = [float(b.iloc[int(np.argmin(np.abs(r.import_rates - g)))]) for g in (0.03, 0.07)]
    assert f"about {100 * min(need):.0f}–{100 * max(need):.0f} % a year" in text


def test_page1_names_models_in_words_and_gives_one_verdict(content, page1_text, page2_text):
    text, detail = _flat(page1_text), _flat(page2_text)
    assert "damped_trend" not in text + detail and "local_linear_trend" not in text + detail
    assert "ensemble of models (damped trend and saturating (logistic) growth" in detail
    # 100B by 2023: no 2022 figure in the documents, so "unknown", on page 1 and in the table.
    assert "100B by 2023 (deficit below its first level after the target was set" in text
    assert "unknown, no figure for 2022" in text
    rows = {r.name: r.table_row() for r in content.bottom.lines}
    assert rows["100B by 2023"][1].startswith("unknown")
    assert "missed" not in [r[1] for r in rows.values()]
    assert "What would change the answer" in text


def test_page1_changes_are_at_most_three_and_move_the_headline(content, page1_text):
    from tradepath.report.pages import changes

    moves = changes(content)
    assert 1 <= len(moves) <= 3
    text = _flat(page1_text)
    for m in moves:
        assert m in text
    items = [s for line in content.bottom.lines
             for s in (line.followup or line).sensitivities if np.isfinite(s.headline_effect)]
    top = max(abs(s.headline_effect) for s in items)
    assert f"{round(100 * top):d} point" in moves[0]


def test_page1_type_is_at_least_10_points_and_ends_above_the_page_number(content):
    """Page 1 is read, not squinted at: its answer, table and changes at 10 pt or more
    (notes at 9), and nothing runs into the page number."""
    import matplotlib.pyplot as plt

    with report_style():
        pages = _pages(content)
        fig = _render_page(pages[0], content, 1, len(pages))
        try:
            fig.canvas.draw()
            number = next(t for t in fig.texts if t.get_gid() == "page-number")
            top = number.get_window_extent().y1
            boxes = [t.get_window_extent() for t in fig.texts if t is not number]
            boxes += [ax.get_window_extent() for ax in fig.axes]
            answer = [t for t in fig.texts if t.get_gid() == "bottom-line"]
            cells = [c for ax in fig.axes for tab in ax.tables
                     for c in tab.get_celld().values()]
        finally:
            plt.close(fig)
    assert min(b.y0 for b in boxes) > top + 0.2 * fig.dpi
    assert answer and min(t.get_fontsize() for t in answer) >= 10
    assert cells and min(c.get_text().get_fontsize() for c in cells) >= 9.5
    assert min(t.get_fontsize() for t in fig.texts if t is not number) >= 9


def test_page1_table_text_stays_inside_its_cells(content):
    """Every cell's text, the bold header included, is drawn inside its cell's borders, and
    no number is parted from its unit ("77" at the end of a line, "%" on the next)."""
    import matplotlib.pyplot as plt

    with report_style():
        pages = _pages(content)
        fig = _render_page(pages[0], content, 1, len(pages))
        try:
            fig.canvas.draw()
            renderer = fig.canvas.get_renderer()
            cells = [c for ax in fig.axes for tab in ax.tables
                     for c in tab.get_celld().values()]
            boxes = [(c.get_text().get_text(), c.get_window_extent(renderer),
                      c.get_text().get_window_extent(renderer)) for c in cells]
        finally:
            plt.close(fig)
    assert len(boxes) >= 14
    for text, cell, drawn in boxes:
        assert cell.x0 < drawn.x0 and drawn.x1 < cell.x1, text
        assert cell.y0 < drawn.y0 and drawn.y1 < cell.y1, text
        assert not re.search(r"\n[%\u00a0]", text), text


def test_report_simulates_to_2050_and_writes_no_inf(content, tmp_path, render_only):
    assert all(a.crossing_year.horizon == 2050 for a in content.simulated)
    render_only(content)
    out = R.write_report(content.dataset, tmp_path / "r", formats=("png",))
    for csv in out.glob("*.csv"):
        assert "inf" not in csv.read_text(encoding="utf-8").lower().replace("info", ""), csv
    table = pd.read_csv(out / "assessments.csv")
    main = table[table["target"] == "150B by 2030"].iloc[0]
    a = content.main
    if not np.isfinite(a.crossing_year.median):
        assert pd.isna(main["crossing_median"]) and bool(main["crossing_median_after_horizon"])
    assert main["median_path_growth"] == pytest.approx(a.median_path_growth, rel=1e-9)
    # Each figure drawn once and cut from its page: the PNGs are there.
    assert {p.stem for p in out.glob("*.png")} == set(R.FIGURES)


def test_without_inf_marks_the_cells_after_the_horizon():
    f = pd.DataFrame({"year": [2030.0, np.inf], "p": [0.1, 0.2], "name": ["a", "b"]})
    out = W.without_inf(f)
    assert out["year"].isna().tolist() == [False, True]
    assert out["year_after_horizon"].tolist() == [False, True]
    assert list(out.columns) == ["year", "year_after_horizon", "p", "name"]
    assert "inf" not in out.to_csv(index=False)


def test_median_path_growth_is_the_growth_of_the_median(ds):
    a = tp.assess(ds, ds.target("150B by 2030"), n_paths=2000, seed=1)
    k = a.target.by - a.last_year
    g = (np.median(a.paths["total"][:, k - 1]) / a.last_value) ** (1 / k) - 1
    assert a.median_path_growth == pytest.approx(g, rel=1e-9)
    assert f"{g:+.1%}" in a.finding()


def test_cli_assess_asks_again_after_a_missed_deadline(capsys):
    from tradepath.cli import main

    assert main(["assess", "--paths", "300", "--format", "csv"]) == 0
    table = pd.read_csv(__import__("io").StringIO(capsys.readouterr().out))
    follow = table[table["target"].str.startswith("100B by 2023, given until 2030")]
    assert len(follow) == 1 and follow.iloc[0]["status"] == "simulated"


def test_cli_tables_say_after_the_horizon_instead_of_inf(capsys):
    from tradepath.cli import main

    # 400 bn by 2030, 4.5 times the last figure: a tenth of the paths are not there by 2050
    assert main(["assess", "--paths", "300", "--target", "400", "--by", "2030"]) == 0
    out = capsys.readouterr().out
    assert "inf" not in out.replace("info", "")
    assert "after 20" in out


def test_one_contradiction_is_counted_once(ds):
    from tradepath.report.data_page import _inherited_failures

    found = _inherited_failures(ds.observations, ds.check())
    # The Jan-May 2020 figures are derived from the Jan-May 2021 ones (same document line):
    # their failed identity repeats the 2021 one.
    assert list(found) == [("total = exports + imports", "2020-01/2020-05")]
    assert "2021-01/2021-05" in found[("total = exports + imports", "2020-01/2020-05")]


def test_page2_counts_distinct_contradictions_and_not_a_difference_of_basis(content,
                                                                           page2_text):
    text = _flat(page2_text)
    checks = content.consistency()
    fails = checks[(checks["status"] == "fail")
                   & ~checks["check"].str.contains("different bases", regex=False)]
    assert f"{len(fails) - 1} contradiction" in text and "1 more repeat them" in text
    assert "does not state its basis" in text
