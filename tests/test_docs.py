"""The documentation runs: every code example, every docstring example, and a strict build.

- Every page under ``docs/`` (and the README): its ```python blocks run in order, in one
  namespace per page, in a fresh temporary directory. A fenced block with ``title="name"``
  (```csv title="my.csv"```, ```toml title="scenario.toml"```) is written to that file first,
  so the examples that read files read the ones shown on the page. ```bash blocks run too,
  with the ``tradepath`` command of this interpreter's environment on ``PATH``. A block right
  after an HTML comment ``<!-- skip-test: reason -->`` is not run (installation commands).
- The site builds with ``mkdocs build --strict`` (warnings are errors).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
PAGES = [*sorted(DOCS.rglob("*.md")), ROOT / "README.md"]

_FENCE = re.compile(
    r"(?P<skip><!--\s*skip-test:[^>]*-->\s*\n)?"
    r"^(?P<indent>[ \t]*)```(?P<lang>[\w+-]*)(?P<attrs>[^\n]*)\n"
    r"(?P<body>.*?)^(?P=indent)```[ \t]*$",
    re.MULTILINE | re.DOTALL,
)
_TITLE = re.compile(r'title="([^"]+)"')


@dataclass(frozen=True)
class Block:
    lang: str
    code: str
    line: int
    title: str | None
    skip: bool


def blocks(page: Path) -> list[Block]:
    """The fenced code blocks of a page, in order, dedented."""
    text = page.read_text(encoding="utf-8")
    out = []
    for m in _FENCE.finditer(text):
        indent = m.group("indent")
        body = "".join(
            line[len(indent):] if line.startswith(indent) else line
            for line in m.group("body").splitlines(keepends=True)
        )
        title = _TITLE.search(m.group("attrs"))
        out.append(Block(
            lang=m.group("lang").lower(), code=body,
            line=text.count("\n", 0, m.start("lang")) + 1,
            title=title.group(1) if title else None, skip=m.group("skip") is not None,
        ))
    return out


def _rel(page: Path) -> str:
    return str(page.relative_to(ROOT))


def _has_examples(page: Path) -> bool:
    return any(b.lang in ("python", "py", "bash") or b.title for b in blocks(page))


@pytest.fixture
def in_tmp(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("MPLBACKEND", "Agg")
    return tmp_path


class ExampleFailed(AssertionError):
    """A code example in the docs failed; the message gives the page and line."""


def run_page(page: Path, workdir: Path) -> int:
    """Run the examples of ``page`` in ``workdir``; return how many blocks ran.

    Raises :class:`ExampleFailed` naming the page and line of the first failing block.
    """
    import matplotlib.pyplot as plt

    namespace: dict[str, object] = {"__name__": "__docs__"}
    env = dict(os.environ, MPLBACKEND="Agg",
               PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}")
    ran = 0
    try:
        for b in blocks(page):
            where = f"{page.name}, line {b.line}"
            if b.skip:
                continue
            if b.title:
                (workdir / b.title).write_text(b.code, encoding="utf-8")
            if b.lang in ("python", "py"):
                try:
                    exec(compile(b.code, where, "exec"), namespace)
                except Exception as exc:
                    raise ExampleFailed(f"the example at {where} fails: "
                                        f"{type(exc).__name__}: {exc}\n\n{b.code}") from exc
                ran += 1
            elif b.lang == "bash" and not b.title and page.name != "README.md":
                # The README's commands install into a fresh venv: CI runs them verbatim.
                proc = subprocess.run(["bash", "-euo", "pipefail", "-c", b.code], cwd=workdir,
                                      env=env, capture_output=True, text=True, timeout=600)
                if proc.returncode != 0:
                    raise ExampleFailed(
                        f"the commands at {where} fail (exit {proc.returncode}):\n{b.code}\n"
                        f"stderr:\n{proc.stderr[-3000:]}")
                ran += 1
    finally:
        plt.close("all")
    return ran


@pytest.mark.parametrize("page", [p for p in PAGES if _has_examples(p)], ids=_rel)
def test_page_examples_run(page: Path, in_tmp: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    # Examples may read the repository's example files, as they would from a checkout.
    if (ROOT / "examples").is_dir():
        shutil.copytree(ROOT / "examples", in_tmp / "examples")
    failure = None
    try:
        run_page(page, in_tmp)
    except ExampleFailed as exc:
        failure = f"{_rel(page)}: {exc}"
    if failure:
        pytest.fail(failure, pytrace=False)


def test_pages_have_examples_that_run() -> None:
    # A page whose blocks were all mislabelled (```py3, ```pycon) would silently test nothing.
    langs = {b.lang for p in PAGES for b in blocks(p)}
    assert langs <= {"python", "bash", "csv", "toml", "text", "json", ""}, langs


def test_getting_started_has_the_readme_commands() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    commands = re.findall(r"```bash\n(.+?)\n```", readme)[:2]
    assert len(commands) == 2
    page = (DOCS / "getting-started.md").read_text(encoding="utf-8")
    for command in commands:
        assert command in page, f"docs/getting-started.md lacks the README command {command!r}"


def test_docs_build_strictly(tmp_path: Path) -> None:
    pytest.importorskip("mkdocs", reason="mkdocs is not installed: pip install -e '.[docs]'")
    pytest.importorskip("mkdocstrings", reason="mkdocstrings is not installed: "
                                               "pip install -e '.[docs]'")
    pytest.importorskip("material", reason="mkdocs-material is not installed: "
                                           "pip install -e '.[docs]'")
    site = tmp_path / "site"
    env = dict(os.environ, MPLBACKEND="Agg", NO_MKDOCS_2_WARNING="1")
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=900,
    )
    elapsed = time.perf_counter() - start
    assert proc.returncode == 0, f"mkdocs build --strict failed:\n{proc.stderr[-6000:]}"
    assert (site / "index.html").is_file()
    # The figures are drawn by the library during the build.
    figures = sorted(p.name for p in (site / "figures").glob("*.png"))
    assert figures, "no figures were generated by docs/gen_figures.py"
    for png in (site / "figures").glob("*.png"):
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    print(f"\ndocs built in {elapsed:.1f} s with figures {figures}")


def test_strict_build_fails_on_a_broken_link(tmp_path: Path) -> None:
    """Strictness is real: a page with a dead link fails the build."""
    pytest.importorskip("mkdocs", reason="mkdocs is not installed: pip install -e '.[docs]'")
    pytest.importorskip("material", reason="mkdocs-material is not installed")
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "index.md").write_text("# x\n\nSee [nowhere](missing.md).\n", encoding="utf-8")
    (tmp_path / "mkdocs.yml").write_text("site_name: x\nstrict: true\n", encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir",
         str(tmp_path / "site")],
        cwd=tmp_path, capture_output=True, text=True, timeout=300,
        env=dict(os.environ, NO_MKDOCS_2_WARNING="1"),
    )
    assert proc.returncode != 0


def test_a_broken_example_fails(in_tmp: Path) -> None:
    """The runner reports a failing example with its page and line; earlier blocks share a
    namespace with later ones, and titled blocks become files."""
    page = in_tmp / "page.md"
    page.write_text(
        '# x\n\n```text title="n.txt"\n2\n```\n\n```python\nx = 1\n```\n\n'
        '```python\nassert x == int(open("n.txt").read())\n```\n', encoding="utf-8")
    assert [b.line for b in blocks(page)] == [3, 7, 11]
    with pytest.raises(ExampleFailed, match=r"page.md, line 11"):
        run_page(page, in_tmp)
    page.write_text("# x\n\n```bash\nfalse\n```\n", encoding="utf-8")
    with pytest.raises(ExampleFailed, match=r"line 3"):
        run_page(page, in_tmp)
    page.write_text("# x\n\n<!-- skip-test: demo -->\n```bash\nfalse\n```\n", encoding="utf-8")
    assert run_page(page, in_tmp) == 0
