"""The report's data page, checked on what is drawn: documents by title and date, every cell's
text inside its cell, one contradiction listed once."""

from __future__ import annotations

from types import SimpleNamespace

import matplotlib
import numpy as np
import pandas as pd
import pytest

import tradepath as tp
from tradepath.data import load_documents
from tradepath.plotting import report_style
from tradepath.report.content import _A4
from tradepath.report.data_page import _draw_data
from tradepath.report.tables import _fit

matplotlib.use("Agg")


def _draw(ds: tp.Dataset):
    import matplotlib.pyplot as plt

    with report_style():
        fig = plt.figure(figsize=_A4)
        _draw_data(fig, SimpleNamespace(dataset=ds, consistency=ds.check))
        fig.canvas.draw()
    return fig


def _tables(fig) -> list:
    return [t for ax in fig.axes for t in ax.tables]


def _cells(table) -> dict[tuple[int, int], str]:
    return {k: c.get_text().get_text() for k, c in table.get_celld().items()}


@pytest.fixture(scope="module")
def page():
    import matplotlib.pyplot as plt

    fig = _draw(tp.load_dataset())
    yield fig
    plt.close(fig)


def test_sources_are_documents_by_title_and_date_not_file_names(page):
    texts = [t.get_text() for t in page.texts]
    texts += [v for tab in _tables(page) for v in _cells(tab).values()]
    drawn = "\n".join(texts)
    assert ".txt" not in drawn
    flat = " ".join(drawn.split())
    for r in load_documents().itertuples():
        assert f"{r.ref} {r.label}" in flat
    obs = _cells(_tables(page)[0])
    sources = [v for (row, col), v in obs.items() if col == 5 and row > 0]
    assert "[4] line 29" in sources and "[3] line 5" in sources


def test_every_cell_keeps_its_text_inside_with_room(page):
    renderer = page.canvas.get_renderer()
    dpi = page.dpi
    for tab in _tables(page):
        for cell in tab.get_celld().values():
            text = cell.get_text()
            if not text.get_text():
                continue
            box, inner = cell.get_window_extent(renderer), text.get_window_extent(renderer)
            assert inner.x0 - box.x0 >= 0.04 * dpi, text.get_text()  # clear of the left border
            assert inner.x1 <= box.x1 - 0.01 * dpi, text.get_text()  # never over the right one
            assert inner.y0 >= box.y0 and inner.y1 <= box.y1, text.get_text()


def test_no_check_is_cut_and_claims_read_in_full(page):
    checks = _cells(_tables(page)[1])
    text = [" ".join(v.split()) for (row, col), v in checks.items() if col == 1 and row > 0]
    assert not any("…" in t or "..." in t for t in text)
    assert "claim: exports 2021-01/2021-05 growth +17.1% on 2020-01/2020-05" in text


def test_the_derived_failure_is_listed_under_the_one_it_repeats(page):
    checks = _cells(_tables(page)[1])
    n = max(r for r, _ in checks)
    rows = [[checks[(r, c)] for c in range(5)] for r in range(1, n + 1)]
    statuses = [r[0] for r in rows]
    assert statuses.count("fail") == 2  # Jan-May 2021's identity and the two 2024 bases
    i = next(k for k, r in enumerate(rows) if r[0] == "fail" and r[2] == "2021-01/2021-05")
    assert rows[i + 1][0] == "↳ same" and rows[i + 1][2] == "2020-01/2020-05"
    assert "derived from the 2021-01/2021-05 figures" in " ".join(rows[i + 1][1].split())


def test_the_page_stays_above_its_number(page):
    renderer = page.canvas.get_renderer()
    lowest = min(a.get_window_extent(renderer).y0
                 for a in [*page.texts, *(ax for ax in page.axes)])
    assert lowest / page.dpi > 0.5  # the page number sits at 0.35 in


def test_user_data_has_no_documents_block():
    import matplotlib.pyplot as plt

    frame = pd.DataFrame({"period": ["2022", "2023"], "flow": ["total", "total"],
                          "value_usd_bn": [70.0, 75.0]})
    fig = _draw(tp.Dataset.from_frame(frame))
    try:
        assert "Documents" not in [t.get_text() for t in fig.texts]
        obs = _cells(_tables(fig)[0])
        assert obs[(1, 5)] == "user"
    finally:
        plt.close(fig)


def test_fit_wraps_to_the_measured_width():
    import matplotlib.pyplot as plt

    text = "claim: imports 2021-01/2021-05 growth +19.2% on 2020-01/2020-05 " * 3
    wrapped = _fit(text.strip(), 2.0, 7.2)
    assert wrapped.replace("\n", " ") == text.strip()
    fig = plt.figure(figsize=(4, 4), dpi=100)
    try:
        widths = [fig.text(0, 0.5, line, fontsize=7.2).get_window_extent(
            fig.canvas.get_renderer()).width / 100 for line in wrapped.split("\n")]
    finally:
        plt.close(fig)
    assert max(widths) <= 2.0 and len(widths) > 1
    np.testing.assert_array_less(1.0, widths[:-1])  # full lines, not one word each
