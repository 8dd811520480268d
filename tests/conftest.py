from __future__ import annotations

import contextlib
import io
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import settings

import tradepath as tp

# Property tests are deterministic by default (the same examples on every run and machine);
# `HYPOTHESIS_PROFILE=long python -m pytest tests/test_models.py` runs a long randomised search.
settings.register_profile("ci", derandomize=True, max_examples=300, deadline=None,
                          print_blob=True)
settings.register_profile("long", max_examples=5000, deadline=None, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The slow tests first (in their order), then the rest: with pytest-xdist's work
    stealing the long tests start early and the quick ones fill in at the end, so no worker
    is left with a long test while the other has finished."""
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)


@pytest.fixture(scope="session")
def ds() -> tp.Dataset:
    return tp.load_dataset()


@pytest.fixture
def user_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "period": ["2019", "2020", "2021", "2022", "2022", "2022"],
            "flow": ["total", "total", "total", "total", "exports", "imports"],
            "value_usd_bn": [60.0, 62.0, 70.0, 80.0, 25.0, 55.0],
        }
    )


@pytest.fixture(scope="session")
def output_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where tests keep figures and reports worth looking at: a temporary folder, never the
    tree (pytest keeps the last few runs' folders; ``--basetemp`` chooses the place)."""
    return tmp_path_factory.mktemp("output")


def run_cli(*args: str, cwd: Path | None = None,
            subprocess_: bool = False) -> subprocess.CompletedProcess[str]:
    """Run the command line on ``args``: in this process through ``cli.main`` (the default),
    or as a user would, in a subprocess (``subprocess_=True``)."""
    if subprocess_:
        return subprocess.run(
            [sys.executable, "-m", "tradepath", *args],
            capture_output=True, text=True, cwd=cwd, timeout=600,
        )
    from tradepath import cli

    out, err = io.StringIO(), io.StringIO()
    before = os.getcwd()
    try:
        if cwd is not None:
            os.chdir(cwd)
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = cli.main(list(args))
            except SystemExit as exc:  # argparse: --help, --version, usage errors
                code = exc.code if isinstance(exc.code, int) else int(exc.code is not None)
    finally:
        os.chdir(before)
    return subprocess.CompletedProcess(["tradepath", *args], code, out.getvalue(),
                                       err.getvalue())


@pytest.fixture
def render_only(monkeypatch):
    """``render_only(content)``: write_report then renders ``content`` (computed once, and
    complete) instead of computing it again."""
    from tradepath.report import writing

    def use(content):
        monkeypatch.setattr(writing, "_chart_content", lambda *a, **k: (content, {}))
        monkeypatch.setattr(writing, "_complete", lambda c, kw: c)

    return use
