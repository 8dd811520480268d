"""Every notebook in notebooks/ runs headlessly, top to bottom, without an error.

The notebooks are committed without outputs; this test executes them with nbclient in a
kernel of this very environment (the ``python3`` kernel of ipykernel, which runs
``sys.executable``), in a temporary working directory, with the Agg backend.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))

nbformat = pytest.importorskip("nbformat", reason="nbformat is not installed: pip install -e "
                                                  "'.[test]'")
nbclient = pytest.importorskip("nbclient", reason="nbclient is not installed: pip install -e "
                                                  "'.[test]'")


def _ids(p: Path) -> str:
    return p.name


def _execute(nb, workdir: Path):  # type: ignore[no-untyped-def]
    client = nbclient.NotebookClient(
        nb, kernel_name="python3", timeout=600, resources={"metadata": {"path": str(workdir)}}
    )
    return client.execute()


def test_there_are_notebooks() -> None:
    names = [p.name for p in NOTEBOOKS]
    for expected in ("01_quickstart.ipynb", "02_scenarios.ipynb",
                     "03_models_and_backtests.ipynb"):
        assert expected in names


def test_kernel_is_this_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("ipykernel", reason="ipykernel is not installed: pip install -e '.[test]'")
    monkeypatch.setenv("MPLBACKEND", "Agg")
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("import sys, tradepath; print(sys.prefix)")]
    out = _execute(nb, tmp_path)
    printed = "".join(o.get("text", "") for o in out.cells[0].outputs).strip()
    assert printed == sys.prefix


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_ids)
def test_notebook_is_stripped(path: Path) -> None:
    """Outputs are not committed: every code cell is empty of outputs and counts."""
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "code":
            assert cell.outputs == [], f"{path.name}: cell {i} has committed outputs"
            assert cell.execution_count is None, f"{path.name}: cell {i} has an execution count"
    kinds = [c.cell_type for c in nb.cells]
    # Narrative between the cells: prose leads, and code never runs long without it.
    assert kinds[0] == "markdown"
    assert kinds.count("markdown") * 2 >= kinds.count("code"), path.name


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_ids)
def test_notebook_runs(path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("ipykernel", reason="ipykernel is not installed: pip install -e '.[test]'")
    monkeypatch.setenv("MPLBACKEND", "Agg")
    nb = nbformat.read(path, as_version=4)
    start = time.perf_counter()
    try:
        out = _execute(nb, tmp_path)
    except nbclient.exceptions.CellExecutionError as exc:
        pytest.fail(f"{path.name} fails:\n{exc}", pytrace=False)
    elapsed = time.perf_counter() - start
    errors = [o for c in out.cells if c.cell_type == "code" for o in c.get("outputs", [])
              if o.get("output_type") == "error"]
    assert not errors, f"{path.name}: {errors[0]['ename']}: {errors[0]['evalue']}"
    print(f"\n{path.name} ran in {elapsed:.1f} s")
