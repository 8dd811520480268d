"""The report read as a reader reads it: no code in its prose (every page of the PDF and
summary.md), and one answer per target wherever it is given (page 1, summary.md, the command
line and :meth:`Assessment.finding`)."""

from __future__ import annotations

import json
import re

import pytest
from conftest import run_cli

import tradepath as tp
from tradepath import report as R
from tradepath._format import format_probability

pytestmark = pytest.mark.slow

N, SEED = 1000, 0

#: What code looks like in prose: a bracketed Python list, a snake_case identifier, "(s)",
#: and a file name (allowed only for a file the report folder holds).
LEAKS = {
    "a Python list": r"\[\s*['\"\d][^\]\n]*,[^\]\n]*\]",
    "a snake_case name": r"(?<![\w.`-])[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?![\w.`])",
    "“(s)”": r"\w\(s\)",
}
FILE_NAME = r"(?<![\w.])[\w-]+\.(?:csv|md|json|png|svg|pdf|txt|toml)\b"


@pytest.fixture(scope="module")
def content():
    return R.build_report(None, n_paths=N, seed=SEED)  # the default data, as the CLI's


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    # The default report (the PDF), written by write_report from its own computation: the
    # content above is computed again here, so every comparison below is also a check that
    # the two computations agree.
    return tp.write_report(None, tmp_path_factory.mktemp("default") / "report", n_paths=N,
                           seed=SEED, formats=("pdf",))


@pytest.fixture(scope="module")
def pages(written):
    from pypdf import PdfReader

    return [p.extract_text() for p in PdfReader(written / "report.pdf").pages]


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def leaks(text: str, files: set[str]) -> list[str]:
    """Every piece of code in ``text``: what, and the words around it."""
    found = []
    for what, pattern in LEAKS.items():
        found += [f"{what}: …{text[max(0, m.start() - 30):m.end() + 10]!r}…"
                  for m in re.finditer(pattern, text)]
    found += [f"a file not in the folder: {m[0]!r}" for m in re.finditer(FILE_NAME, text)
              if m[0] not in files]
    return found


def test_the_leak_finder_finds_each_kind_of_leak():
    files = {"summary.md"}
    assert leaks("got 5 ([2009, 2012, 2021])", files)
    assert leaks("weight_damped_trend = 0.5", files)
    assert leaks("only 0 origin(s)", files)
    assert leaks("see documents.csv", files)
    assert not leaks("see summary.md; 2021–2023, deficit share < 37.2 % (its 2024 level)", files)


#: The data page (read on its own below).
_DATA_PAGE = "The data: every figure, on both bases, read as one history"


def test_no_code_in_the_prose(written, pages):
    files = {p.name for p in written.iterdir()}
    texts = {f"page {i}": t for i, t in enumerate(pages, start=1) if _DATA_PAGE not in t}
    texts["summary.md"] = (written / "summary.md").read_text(encoding="utf-8")
    # The list of files in summary.md names files the folder holds (in `code` quotes).
    found = {where: leaks(re.sub(r"`[^`]+`", "", t), files) for where, t in texts.items()}
    assert not {k: v for k, v in found.items() if v}


def test_no_number_is_parted_from_its_unit(written, pages):
    """No line of any page or of summary.md starts with the unit of the number that ends the
    line before it ("25" then "% not by 2050")."""
    texts = [*pages, (written / "summary.md").read_text(encoding="utf-8")]
    unit_first = r"\S*\d[ \t\u00a0]*\n[ \t]*(?:%|points?\b)\S*"
    parted = [m[0] for t in texts for m in re.finditer(unit_first, t)]
    assert not parted


def test_the_detail_and_method_pages_say_what_the_damped_trend_read(content, pages):
    """On the fused history the damped trend reads the last 20 years: page 2 says which of the
    fitted years, the method page why the others were left out."""
    damped = content.main.fit.components["damped_trend"]
    assert damped.extras["read"]
    assert "the damped trend on the last 17 of them (2009–2025)" in _flat(pages[1])
    assert _flat(damped.extras["read"]) in _flat(pages[-1])


def test_no_code_on_the_data_page(written, pages):
    files = {p.name for p in written.iterdir()}
    page = next(t for t in pages if _DATA_PAGE in t)
    assert not leaks(page, files)


def _readme_names(*names: str) -> dict:
    """The values the README's Python example gives ``names`` (its assignments to them run,
    in order, and nothing else)."""
    import ast
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    code = re.search(r"```python\n(.*?)```", readme, re.S)[1]
    tree = ast.parse(code)
    tree.body = [n for n in tree.body if isinstance(n, ast.Assign)
                 and {getattr(t, "id", None) for t in n.targets} & set(names)]
    ns: dict = {"tp": tp}
    exec(compile(tree, "README.md", "exec"), ns)
    return ns


def test_one_answer_per_target_everywhere(content, written, pages):
    """Page 1, summary.md, ``tradepath assess`` and ``Assessment.finding()`` give the same
    probability and the same median year (with its Monte Carlo precision) per target."""
    page1 = _flat(pages[0])
    md = _flat((written / "summary.md").read_text(encoding="utf-8"))
    r = run_cli("assess", "--paths", str(N), "--seed", str(SEED), "--format", "json")
    assert r.returncode == 0, r.stderr
    cli = {row["target"]: row for row in json.loads(r.stdout)}
    sims = content.simulated
    assert len(sims) == 2
    for a in sims:
        name, by, cy = a.target.name, a.target.by, a.crossing_year
        row = cli[name]
        assert row["probability"] == pytest.approx(a.probability, abs=1e-9)  # JSON: 10 digits
        assert row["median_year"] == cy.median_text()
        p = format_probability(a.probability)
        finding = a.finding()
        assert f"probability {a.probability:.0%} by {by}" in finding
        assert cy.when() in finding
        for text in (page1, md):
            assert f"{p} chance by {by}" in text
            assert cy.when()[1:] in text  # the sentence capitalises its first letter
        line = next(x for x in content.bottom.lines
                    if x.target == a.target or (x.followup and x.followup.target == a.target))
        row1 = line.table_row()
        assert row1[4] == cy.median_text()
        assert "| " + " | ".join(row1) + " |" in md
        assert " ".join(row1[2:5]) in page1
    # The README's example, as written there, asks about the report's target and gets its
    # number.
    ns = _readme_names("ds", "target")
    readme = tp.assess(ns["ds"], ns["target"], n_paths=N, seed=SEED, horizon=2050)
    assert readme.target == content.main.target
    assert readme.probability == content.main.probability
    # 100B by 2023 is answered from data everywhere, not "unknown".
    assert re.search(r"100B by 2023 \([^)]*\): missed", page1)
    assert "| 100B by 2023 | missed; " in md


def test_page1_says_what_each_source_alone_would_answer(content, written, pages):
    """On the fused history, "what would change the answer" weighs the documents alone and
    each basis of the official series alone against the other changes, each line with the
    probabilities of the data page's table."""
    from tradepath.report.pages import changes

    moves = changes(content)
    assert 1 <= len(moves) <= 3
    alone = [m for m in moves if "from one source alone" in m]
    assert alone  # the default report: the documents alone move 100B by 2030 most
    page1 = _flat(pages[0]).replace("\u00a0", " ")
    md = _flat((written / "summary.md").read_text(encoding="utf-8"))
    alt = content.alternatives
    for m in moves:
        assert m in md and _flat(m) in page1
    for m in alone:
        name = m.split(": from one source alone")[0]
        line = next(x for x in content.bottom.lines if x.name == name)
        target = (line.followup or line).target.name
        rows = alt[(alt["target"] == target) & (alt["data"] != "fused history")]
        assert len(rows) >= 2
        for r in rows.itertuples():
            said = format_probability(r.probability) if r.status == "simulated" else r.answer
            assert f"{said} from {r.data} ({r.basis} basis)" in m
