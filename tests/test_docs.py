"""The documentation runs: every code example, every docstring example, and a strict build.

- Every page under ``docs/`` (and the README): its ```python blocks run in order, in one
  namespace per page, in a fresh temporary directory. A fenced block with ``title="name"``
  (```csv title="my.csv"```, ```toml title="scenario.toml"```) is written to that file first,
  so the examples that read files read the ones shown on the page. ```bash blocks run too,
  line by line as ``bash -euo pipefail`` would: a ``tradepath ...`` line (alone, redirected
  with ``>`` / ``2>``, piped into other commands, or as ``if tradepath ...; then exit 1; fi``)
  runs in this process through ``cli.main``, which saves starting Python and importing the
  library some twenty times; every other line runs in bash. A block with shell state or
  syntax beyond that runs whole in bash, with the ``tradepath`` command of this interpreter's
  environment on ``PATH``, and one test runs blocks that way to check the installed command.
  A block right after an HTML comment ``<!-- skip-test: reason -->`` is not run (installation
  commands).
- The site builds with ``mkdocs build --strict`` (warnings are errors).
"""

from __future__ import annotations

import os
import re
import shlex
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


# One line of a bash block that runs in this process: `tradepath ARGS [> out] [2> err]
# [| commands]`, or `if tradepath ARGS [2> err]; then exit 1; fi` (a refusal shown on purpose).
_CLI_LINE = re.compile(
    r"^(?P<refused>if )?tradepath(?P<args>(?: +[^\s<>|;&$`*?\\]+)*?)"
    r"(?: +> *(?P<out>[\w./-]+))?(?: +2> *(?P<err>[\w./-]+))?"
    r"(?(refused); then exit 1; fi|(?: +\| +(?P<pipe>[^`$;&]+))?)$")
# Lines that keep shell state from one line to the next, or span several lines.
_SHELL_STATE = re.compile(r"^\s*((cd|export|set|source|\.|for|while|until|if|case|function|"
                          r"\{|\()(\s|$)|\w+=)|\\$|<<")
_COMMAND = re.compile(r"(^|[\s|;&(])tradepath(\s|$)")


def _lines(code: str) -> list[str]:
    return [line.strip() for line in code.replace("\\\n", " ").splitlines()
            if line.strip() and not line.strip().startswith("#")]


def _in_process(code: str) -> bool:
    """Whether every line of a bash block is a `tradepath` line of `_CLI_LINE` or a line of
    its own, so that running them one by one is the same as running the block."""
    lines = _lines(code)
    return any(_CLI_LINE.match(line) for line in lines) and all(
        _CLI_LINE.match(line) or not (_COMMAND.search(line.split(" #")[0])
                                      or _SHELL_STATE.search(line))
        for line in lines)


def _bash(code: str, workdir: Path, stdin: str | None = None) -> subprocess.CompletedProcess:
    env = dict(os.environ, MPLBACKEND="Agg",
               PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}")
    return subprocess.run(["bash", "-euo", "pipefail", "-c", code], cwd=workdir, env=env,
                          input=stdin, capture_output=True, text=True, timeout=600)


def _run_lines(code: str, workdir: Path) -> tuple[int, str, str]:
    """Run a bash block line by line, the `tradepath` lines through `cli.main`; return the
    exit code, the failing line and its stderr (bash's `-e`: the first failure stops)."""
    from conftest import run_cli

    for line in _lines(code):
        m = _CLI_LINE.match(line)
        if m is None:
            proc = _bash(line, workdir)
            if proc.returncode != 0:
                return proc.returncode, line, proc.stderr
            continue
        try:
            r = run_cli(*shlex.split(m.group("args")), cwd=workdir)
        except Exception as exc:  # a bug: the real command would end with a traceback
            return 1, line, f"{type(exc).__name__}: {exc}"
        if m.group("out"):
            (workdir / m.group("out")).write_text(r.stdout, encoding="utf-8")
        if m.group("err"):
            (workdir / m.group("err")).write_text(r.stderr, encoding="utf-8")
        if m.group("refused"):
            if r.returncode == 0:
                return 1, line, "the command succeeded where the page shows a refusal"
            continue
        if r.returncode != 0:
            return r.returncode, line, r.stderr
        if m.group("pipe"):
            proc = _bash(m.group("pipe"), workdir, stdin=r.stdout)
            if proc.returncode != 0:
                return proc.returncode, line, proc.stderr
    return 0, "", ""


def run_page(page: Path, workdir: Path, *, in_process: bool = True) -> int:
    """Run the examples of ``page`` in ``workdir``; return how many blocks ran.

    With ``in_process`` (the default) the ``tradepath`` lines of bash blocks run through
    ``cli.main`` where that is the same as running the block (see the module docstring);
    without it every bash block runs in bash with the installed ``tradepath`` command.
    Raises :class:`ExampleFailed` naming the page and line of the first failing block.
    """
    import matplotlib.pyplot as plt

    namespace: dict[str, object] = {"__name__": "__docs__"}
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
                if in_process and _in_process(b.code):
                    code, line, err = _run_lines(b.code, workdir)
                else:
                    proc = _bash(b.code, workdir)
                    code, line, err = proc.returncode, b.code, proc.stderr
                if code != 0:
                    raise ExampleFailed(
                        f"the commands at {where} fail (exit {code}):\n{line}\n"
                        f"stderr:\n{err[-3000:]}")
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



def test_tradepath_lines_run_in_process_as_bash_would_run_them(in_tmp: Path) -> None:
    """In-process `tradepath` lines keep bash's rules: a failure stops the block with its
    line, redirections write the files the next lines read, a pipe feeds the next command,
    and `if tradepath ...; then exit 1; fi` fails when the refusal does not come."""
    page = in_tmp / "page.md"
    page.write_text("# x\n\n```bash\ntradepath data --format csv > obs.csv\n"
                    "tradepath data --format csv | head -2 > two.csv\n"
                    "if tradepath data --data missing.csv 2> err.txt; then exit 1; fi\n```\n",
                    encoding="utf-8")
    assert _in_process(blocks(page)[0].code)
    assert run_page(page, in_tmp) == 1
    assert (in_tmp / "obs.csv").read_text(encoding="utf-8").startswith("pair,period,")
    assert (in_tmp / "two.csv").read_text(encoding="utf-8").splitlines() == \
        (in_tmp / "obs.csv").read_text(encoding="utf-8").splitlines()[:2]
    assert (in_tmp / "err.txt").read_text(encoding="utf-8").startswith("tradepath: error:")
    page.write_text("# x\n\n```bash\nls\ntradepath data --data missing.csv\nls\n```\n",
                    encoding="utf-8")
    with pytest.raises(ExampleFailed, match=r"line 3 fail \(exit 1\):\ntradepath data --data "
                                            r"missing.csv\nstderr:\ntradepath: error:"):
        run_page(page, in_tmp)
    page.write_text("# x\n\n```bash\nif tradepath --version; then exit 1; fi\n```\n",
                    encoding="utf-8")
    with pytest.raises(ExampleFailed, match="succeeded where the page shows a refusal"):
        run_page(page, in_tmp)
    # Shell state or syntax beyond single lines: the whole block runs in bash.
    for code in ("cd sub\ntradepath data", "x=1\ntradepath data", "tradepath data && ls",
                 "for f in a b; do tradepath data; done", "tradepath data; ls"):
        assert not _in_process(code), code
    assert _lines("tradepath data \\\n  --format csv\n# a comment\n") == [
        "tradepath data    --format csv"]


def test_bash_blocks_run_with_the_installed_command(in_tmp: Path) -> None:
    """The pages' commands as a user types them: the `tradepath` script of this environment,
    in bash, without the in-process shortcut, gives what the page's CLI gives in process."""
    page = in_tmp / "page.md"
    page.write_text("# x\n\n```bash\ntradepath --version > version.txt\n"
                    "tradepath data --format csv | head -3 > head.csv\n"
                    "if tradepath data --data missing.csv 2> err.txt; then exit 1; fi\n```\n",
                    encoding="utf-8")
    assert run_page(page, in_tmp, in_process=False) == 1
    real = {n: (in_tmp / n).read_text(encoding="utf-8") for n in ("version.txt", "head.csv",
                                                                  "err.txt")}
    assert run_page(page, in_tmp) == 1
    assert {n: (in_tmp / n).read_text(encoding="utf-8") for n in real} == real
    assert real["version.txt"].startswith("tradepath ") and real["err.txt"].count("\n") == 1
