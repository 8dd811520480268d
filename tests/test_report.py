from __future__ import annotations

import json
import re

import pandas as pd
import pytest

import tradepath as tp
from tradepath import report as R
from tradepath._format import format_probability
from tradepath.report import writing as W  # the module whose functions write_report calls

pytestmark = pytest.mark.slow

N = 800


def pdf_page_count(path) -> int:
    """Count the page objects of a PDF (no PDF library needed)."""
    return len(re.findall(rb"/Type\s*/Page[^s]", path.read_bytes()))


@pytest.fixture(scope="module")
def content(ds):
    return R.build_report(ds, model="random_walk", n_paths=N, seed=3)


@pytest.fixture(scope="module")
def written(content, tmp_path_factory, output_dir):
    import shutil

    out = tmp_path_factory.mktemp("rep") / "report"
    orig = W._chart_content, W._complete
    # Render the content computed above (it is complete already).
    W._chart_content, W._complete = (lambda *a, **k: (content, {})), (lambda c, kw: c)
    try:
        # Every format, drawn in two processes: the same-bytes test below draws it in one.
        path = R.write_report(content.dataset, out, n_jobs=2)
    finally:
        W._chart_content, W._complete = orig
    # Keep a copy to look at: tests/_output/report/
    shutil.rmtree(output_dir / "report", ignore_errors=True)
    shutil.copytree(path, output_dir / "report")
    return path


def test_content_answers_every_target(content):
    status = {a.target.name: a.status for a in content.assessments}
    # 100B by 2023: announced 2021, no 2022 figure in the documents, so a miss cannot be shown.
    assert status == {"20B by 2015": "met", "100B by 2023": "unknown",
                      "150B by 2030": "simulated"}
    # The past target is asked again: when is 100B (more balanced) reached?
    f = content.followups["100B by 2023"]
    assert f.status == "simulated" and f.target.value == 100 and f.target.by == 2030
    assert content.main is not None and content.main.target.name == "150B by 2030"
    assert set(content.comparisons) == {"150B by 2030", f.target.name}
    assert content.balance_source is content.main
    assert content.region is not None and content.region.target.name == "150B by 2030"


def test_findings_carry_the_numbers(content):
    a = content.main
    text = content.findings["150B by 2030"]
    assert f"probability {a.probability:.0%}" in text
    assert "deficit share < 38.2% (its 2023 level)" in text
    frame = content.comparisons["150B by 2030"]
    ok = frame[frame["status"] == "simulated"]
    assert f"{ok['p_inside'].max():.0%}" in text and f"{ok['p_inside'].min():.0%}" in text
    past = content.findings["100B by 2023"]
    assert "unknown" in past and "When is that level reached instead?" in past
    assert "met in 2012" in content.findings["20B by 2015"]


def test_report_files_pages_and_tables(written, content):
    names = {p.name for p in written.iterdir()}
    for fig in R.FIGURES:
        assert f"{fig}.svg" in names and f"{fig}.png" in names
    for table in ("observations", "annual", "checks", "targets", "assessments", "comparison",
                  "crossing_years", "forecast_bands", "feasible_region"):
        assert f"{table}.csv" in names
    assert {"report.pdf", "summary.md", "manifest.json"} <= names
    assert [n for n in names if n.startswith(".")] == [".tradepath-manifest.json"]
    pages = R.report_pages(content)
    assert len(pages) == 10
    assert pdf_page_count(written / "report.pdf") == len(pages)
    meta = json.loads((written / "manifest.json").read_text(encoding="utf-8"))
    assert meta["page_count"] == 10 and meta["pages"] == pages
    assert meta["seed"] == 3 and meta["n_paths"] == N and meta["model"] == "random_walk"
    assert sorted(meta["files"]) == sorted(names - {".tradepath-manifest.json"})


def test_csv_tables_hold_the_reported_numbers(written, content):
    table = pd.read_csv(written / "assessments.csv")
    row = table[table["target"] == "150B by 2030"].iloc[0]
    assert row["probability"] == pytest.approx(content.main.probability)
    cross = pd.read_csv(written / "crossing_years.csv")
    one = cross[cross["target"] == "150B by 2030"]
    assert one["p_first"].sum() == pytest.approx(1.0)
    bands = pd.read_csv(written / "forecast_bands.csv")
    assert list(bands.columns[:3]) == ["year", "target", "model"]
    assert len(pd.read_csv(written / "observations.csv")) == len(content.dataset.observations)


def test_summary_has_a_finding_per_target_with_numbers(written, content):
    md = (written / "summary.md").read_text(encoding="utf-8")
    for t in content.targets:
        assert f"### {t.name}" in md
        assert content.findings[t.name] in md
    a = content.main
    row = next(x for x in content.bottom.lines if x.name == "150B by 2030").table_row()
    assert row[1] == format_probability(a.probability)
    assert "| " + " | ".join(row) + " |" in md
    assert md.count("\n1. ") == 1 and "10. Method and notes" in md


def test_pdf_pages_come_in_order_with_searchable_text(content, written):
    """report.pdf is put together from two parts (text pages, chart pages): every page in its
    place, numbered, titled, its text extractable; each chart with its source note."""
    from pypdf import PdfReader

    from tradepath.report.pages import _pages

    pages = _pages(content)
    texts = [" ".join(p.extract_text().split()) for p in PdfReader(written / "report.pdf").pages]
    assert len(texts) == len(pages)
    for number, (page, text) in enumerate(zip(pages, texts, strict=True), start=1):
        # Compared without white space: extractors differ in the spaces they put between
        # glyphs ("Vietnam –Korea" from pypdf 5).
        bare = "".join(text.split())
        assert f"{number}/{len(pages)}" in bare and "".join(page.title.split()) in bare, number
        note = "Source: figures from the documents; tradepath" in text
        assert note == (page.figure is not None), number
    svg = (written / "fan.svg").read_text(encoding="utf-8")
    assert "Source: figures from the documents; tradepath" in svg


def test_a_failure_leaves_no_partial_report(content, tmp_path, monkeypatch, render_only):
    out = tmp_path / "report"
    render_only(content)
    drawn: list[int] = []
    render = W._render_page

    def failing(page, c, number, total):
        drawn.append(number)
        if number == 3:
            raise tp.ModelError("simulated failure on page 3")
        return render(page, c, number, total)

    monkeypatch.setattr(W, "_render_page", failing)
    with pytest.raises(tp.ModelError, match="page 3"):
        R.write_report(content.dataset, out)
    assert drawn[-1] == 3  # nothing drawn after the failure
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []


def test_a_failure_keeps_the_earlier_report(content, written, tmp_path, monkeypatch, render_only):
    import shutil

    out = tmp_path / "report"
    shutil.copytree(written, out)
    before = sorted(p.name for p in out.iterdir())
    render_only(content)
    monkeypatch.setattr(W, "_render_page", lambda *a, **k: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        R.write_report(content.dataset, out, overwrite=True)
    assert sorted(p.name for p in out.iterdir()) == before
    assert [p.name for p in tmp_path.iterdir()] == ["report"]


def test_an_earlier_report_is_replaced_and_formats_are_honoured(content, written, tmp_path,
                                                                monkeypatch, render_only):
    import shutil

    out = tmp_path / "report"
    shutil.copytree(written, out)
    render_only(content)
    with pytest.raises(tp.OutputExistsError, match="pass overwrite=True"):
        R.write_report(content.dataset, out, formats="png")
    (out / "notes.txt").write_text("mine")
    with pytest.raises(tp.OutputExistsError, match=r"did not write .* 'notes.txt'"):
        R.write_report(content.dataset, out, formats="png", overwrite=True)
    (out / "notes.txt").unlink()
    R.write_report(content.dataset, out, formats="png", overwrite=True)
    names = {p.name for p in out.iterdir()}
    assert "report.pdf" not in names and "fan.svg" not in names
    assert {f"{f}.png" for f in R.FIGURES} <= names
    assert [p.name for p in tmp_path.iterdir()] == ["report"]


def test_a_directory_of_other_files_is_refused_untouched(tmp_path):
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("keep me")
    for overwrite in (False, True):
        with pytest.raises(tp.OutputExistsError, match=r"not written by tradepath .* 'notes.txt'"):
            R.write_report(None, out, n_paths=10, overwrite=overwrite)
    assert [p.name for p in out.iterdir()] == ["notes.txt"]


@pytest.mark.parametrize(("kwargs", "match"), [
    ({"formats": ("pdf", "docx")}, "'formats' parameter"),
    ({"formats": ()}, "'formats' parameter"),
    ({"n_paths": 0}, "'n_paths' parameter"),
    ({"seed": 1.5}, "'seed' parameter"),
    ({"targets": []}, "'targets' parameter"),
    ({"targets": ["150B"]}, "'targets' parameter"),
])
def test_bad_settings_are_refused_before_anything_is_written(tmp_path, kwargs, match):
    out = tmp_path / "report"
    with pytest.raises(tp.ParameterError, match=match):
        R.write_report(None, out, **kwargs)
    assert not out.exists()


def test_unknown_model_is_refused(tmp_path):
    with pytest.raises(tp.UnknownNameError, match="nonsense"):
        R.write_report(None, tmp_path / "r", model="nonsense")
    assert not (tmp_path / "r").exists()


def test_same_seed_same_report_numbers(ds):
    t = [ds.target("150B by 2030")]
    a = R.build_report(ds, targets=t, model="random_walk", n_paths=300, seed=5)
    b = R.build_report(ds, targets=t, model="random_walk", n_paths=300, seed=5)
    pd.testing.assert_frame_equal(a.table(), b.table())
    assert a.findings == b.findings


def test_custom_target_and_balance_override(ds):
    c = R.build_report(ds, targets=R.select_targets(ds, value=120, by=2028,
                                                    balance="deficit_share:0.3"),
                       model="random_walk", n_paths=300)
    assert [a.target.name for a in c.assessments] == ["120B by 2028"]
    assert c.assessments[0].condition == "deficit share of two-way trade ≤ 30.0%"
    assert R.report_pages(c)[4].startswith("Forecast")  # after pages 1-2, official, data
    over = R.build_report(ds, balance=tp.balance.balanced(), model="random_walk", n_paths=300)
    conds = {a.target.name: a.condition for a in over.assessments}
    assert conds["20B by 2015"] == "none"  # no condition in the documents: none added
    assert conds["150B by 2030"] == "deficit or surplus ≤ 10.0% of two-way trade"


def test_select_targets(ds):
    assert [t.name for t in R.select_targets(ds)] == [t.name for t in ds.targets]
    assert R.select_targets(ds, name="150B by 2030")[0] is ds.target("150B by 2030")
    plain = R.select_targets(ds, balance="none")
    assert all(t.balance is None for t in plain)
    with pytest.raises(tp.ParameterError, match="'by' parameter of select_targets"):
        R.select_targets(ds, value=150)
    with pytest.raises(tp.UnknownNameError, match="no target named"):
        R.select_targets(ds, name="200B by 2040")
    with pytest.raises(tp.ParameterError, match="'balance' parameter of from_name"):
        R.select_targets(ds, balance="fair")


def test_data_without_flows_skips_the_balance_pages(user_frame, tmp_path):
    ds = tp.Dataset.from_frame(user_frame.iloc[:4])  # totals only, no exports or imports
    c = R.build_report(ds, targets=[tp.Target(120, by=2030)], model="random_walk",
                       n_paths=300)
    assert "balance" in c.skipped and "feasible" in c.skipped
    titles = R.report_pages(c)
    assert not any(t.startswith("Balance outlook") for t in titles)
    assert len(titles) == 7


def test_a_followup_answered_by_the_data_is_not_simulated(tmp_path):
    frame = pd.DataFrame({
        "period": ["2019", "2020", "2021", "2022", "2022", "2022", "2023", "2023", "2023"],
        "flow": ["total", "total", "total", "total", "exports", "imports", "total", "exports",
                 "imports"],
        "value_usd_bn": [60.0, 62.0, 70.0, 80.0, 25.0, 55.0, 82.0, 26.0, 56.0],
    })
    ds = tp.Dataset.from_frame(frame, targets=tp.load_dataset().targets)
    c = R.build_report(ds, model="random_walk", n_paths=300)
    # 20B by 2015: no data up to 2015, so unknown; the same level is met in 2019 in the data.
    assert next(a for a in c.assessments if a.target.name == "20B by 2015").status == "unknown"
    assert c.followups["20B by 2015"].status == "met"
    assert all(a.status == "simulated" for a in c.simulated)
    assert "met in 2019 according to the data" in c.findings["20B by 2015"]
    from tradepath.plotting import crossing_figure

    fig = crossing_figure(c.simulated)
    assert len([a for a in fig.axes if a.get_visible()]) == len(c.simulated) == 2
    import matplotlib.pyplot as plt

    plt.close(fig)


def _files(out) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(out.iterdir())}


def test_one_or_two_processes_write_the_same_bytes(content, written, tmp_path, monkeypatch,
                                                  render_only):
    """Drawn in one process or two (the PDF put together from its parts either way), with no
    dates or random ids in the files: the same bytes, run after run. The module's report is
    drawn in two processes; here a second process fails at once, so this one draws every page
    again itself (what ``n_jobs=1`` does: no second process, every page drawn here)."""
    import os

    render_only(content)
    parent, draw = os.getpid(), W._draw_pages

    def only_here(*args, **kwargs):
        if os.getpid() != parent:
            raise RuntimeError("the second process fails")
        return draw(*args, **kwargs)

    monkeypatch.setattr(W, "_draw_pages", only_here)
    one = _files(R.write_report(content.dataset, tmp_path / "one", n_jobs=2))
    two = _files(written)
    assert one.keys() == two.keys() and {f"{f}.png" for f in R.FIGURES} <= one.keys()
    assert {f"{f}.svg" for f in R.FIGURES} <= one.keys()
    assert pdf_page_count(tmp_path / "one" / "report.pdf") == len(R.report_pages(content))
    assert one == two


def test_processes_that_draw(tmp_path):
    # n_jobs=1: no second process, every page drawn here (as after the failed second process
    # above); more than 2 is refused before anything is computed or written.
    assert W._jobs(1) == 1
    with pytest.raises(tp.ParameterError, match="'n_jobs' parameter of write_report"):
        R.write_report(None, tmp_path / "x", n_jobs=3)
    assert list(tmp_path.iterdir()) == []


def test_every_chart_text_lies_inside_its_cut_out(content):
    """No title, subtitle, label or legend entry runs out of the chart's box (the PNG and SVG
    would cut it off): every visible text of every chart page, drawn, within chart_box."""
    import matplotlib.pyplot as plt

    from tradepath.plotting import report_style
    from tradepath.report.pages import _pages, _render_page, chart_box, page_texts

    pages = _pages(content)
    with report_style():
        for number, page in enumerate(pages, start=1):
            if page.figure is None:
                continue
            fig = _render_page(page, content, number, len(pages))
            try:
                fig.canvas.draw()
                box = chart_box(page).transformed(fig.dpi_scale_trans)
                renderer = fig.canvas.get_renderer()
                own = set(map(id, page_texts(fig)))
                # What is drawn: each axes with its labels, titles and legend; the figure's
                # own legends and texts (the source note) but not the page's.
                parts = [(f"axes {ax.get_title(loc='left')!r}", ax.get_tightbbox(renderer))
                         for ax in fig.axes if ax.get_visible()]
                parts += [("legend", leg.get_window_extent(renderer)) for leg in fig.legends]
                parts += [(t.get_text()[:40], t.get_window_extent(renderer))
                          for t in fig.texts if id(t) not in own and t.get_visible()]
                for what, e in parts:
                    assert (e.x0 >= box.x0 - 1 and e.x1 <= box.x1 + 1 and e.y0 >= box.y0 - 1
                            and e.y1 <= box.y1 + 1), (page.figure, what)
            finally:
                plt.close(fig)


def test_a_signal_during_the_fork_stops_the_second_process(content, tmp_path, monkeypatch):
    """A signal that lands while the second process is forked is raised in the first as soon
    as the fork is done; the second one is stopped then, not left drawing."""
    import multiprocessing
    import os
    import signal
    from multiprocessing.context import ForkProcess

    from tradepath._io import interruptible
    from tradepath.errors import Interrupted
    from tradepath.report.pages import _pages

    start = ForkProcess.start
    started = []

    def and_a_signal(self):
        start(self)
        started.append(self)
        os.kill(os.getpid(), signal.SIGTERM)

    monkeypatch.setattr(ForkProcess, "start", and_a_signal)
    pages = _pages(content)
    with pytest.raises(Interrupted), interruptible():
        W._start(content, tmp_path, None, pages, W._split(pages)[1], ["png"], {})
    # This test's second process, stopped and reaped (other tests' pools may still be
    # winding down in this worker, so not every child of the process is checked).
    [worker] = started
    assert not worker.is_alive() and worker.exitcode is not None
    assert worker not in multiprocessing.active_children()
