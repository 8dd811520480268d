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
from tradepath.bottom_line import format_probability
from tradepath.outside_view import outside_view
from tradepath.plotting import report_style
from tradepath.report import writing as W
from tradepath.report.pages import _key_rows, _pages, _render_page

pytestmark = pytest.mark.slow

N = 1000


@pytest.fixture(scope="module")
def content(ds):
    return R.build_report(ds, n_paths=N, seed=5)


@pytest.fixture(scope="module")
def page1_text(content, tmp_path_factory):
    """The words of page 1 as drawn, read back from its SVG rendering (text kept as text)."""
    path = tmp_path_factory.mktemp("p1") / "page1.svg"
    import matplotlib.pyplot as plt

    with report_style():
        pages = _pages(content)
        fig = _render_page(pages[0], content, 1, len(pages))
        try:
            fig.savefig(path)
        finally:
            plt.close(fig)
    svg = path.read_text(encoding="utf-8")
    words = re.findall(r"<text[^>]*>(.*?)</text>", svg, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", "", "\n".join(words)))


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def test_page1_prints_the_computed_probability_and_base_rate(content, page1_text):
    text = _flat(page1_text)
    a = content.main
    assert a is not None and a.target.name == "150B by 2030"
    k = a.target.by - a.last_year - 1
    total, x, m = a.paths["total"], a.paths["exports"], a.paths["imports"]
    cond = a.target.balance.bind(a.history)
    met = ((total[:, : k + 1] >= a.target.value) & cond.holds(x[:, : k + 1], m[:, : k + 1])
           ).any(axis=1)
    assert met.mean() == pytest.approx(a.p_inside)
    # The headline: the combined probability; then the model alone and the base rate.
    assert f"Chance of meeting it by 2030: {format_probability(a.p_combined)}" in text
    series = a.history["total"].dropna()
    base = outside_view(a.target, series[series.index <= a.last_year]).base_rate
    assert base == pytest.approx(a.p_outside)
    assert (f"inside view): {format_probability(met.mean())}; base rate of comparable "
            f"historical targets: {format_probability(base)} met") in text
    # Without the condition, and the growth of the median path.
    p_plain = (total[:, : k + 1] >= a.target.value).any(axis=1).mean()
    assert f"Without the balance condition: {format_probability(p_plain)}" in text
    g = (np.median(total[:, k]) / a.last_value) ** (1 / (k + 1)) - 1
    assert f"the median path grows {g:+.1%}".replace("%", " %") in text
    # The 2030 deficit in bn and as a share, on all paths.
    d = np.median(m[:, k] - x[:, k])
    assert f"Deficit in 2030: median {d:.1f} bn" in text


def test_page1_names_models_in_words_and_gives_one_verdict(content, page1_text):
    text = _flat(page1_text)
    assert "damped_trend" not in text and "local_linear_trend" not in text
    assert "ensemble of models (damped trend and saturating (logistic) growth" in text
    # 100B by 2023: no 2022 figure in the documents, so "unknown", on page 1 and in the table.
    assert "Verdict: unknown. Basis: no figure for 2022" in text
    rows = {r[0]: r for r in _key_rows(content)}
    assert rows["100B by 2023"][1] == "unknown"
    assert "missed" not in [r[1] for r in rows.values()]
    assert "What would change the answer" in text


def test_page1_ends_above_the_page_number(content):
    """Nothing on page 1 runs into the page number, however long the bottom line."""
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
            box = next(t for t in fig.texts if t.get_gid() == "bottom-line")
        finally:
            plt.close(fig)
    assert min(b.y0 for b in boxes) > top + 0.2 * fig.dpi
    # The box keeps a readable size.
    assert box.get_fontsize() >= 6.0


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
    follow = table[table["target"].str.startswith("100B by 2030 (after the 2023 deadline)")]
    assert len(follow) == 1 and follow.iloc[0]["status"] == "simulated"


def test_cli_tables_say_after_the_horizon_instead_of_inf(capsys):
    from tradepath.cli import main

    assert main(["assess", "--paths", "300", "--name", "150B by 2030"]) == 0
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


def test_page1_counts_distinct_contradictions(page1_text):
    text = _flat(page1_text)
    assert "2 distinct contradictions among 16 consistency checks" in text
    assert "1 more repeat them" in text
