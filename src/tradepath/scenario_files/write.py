"""Writing a scenario file's results: tables, a summary and figures, into a folder at once
(:func:`run_file`)."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

from .._validation import fail
from ..data import Dataset
from ..errors import ScenarioFileError
from .evaluation import ScenarioResults, evaluate
from .read import read_scenario_file

__all__ = ["run_file"]


# -- writing ----------------------------------------------------------------------------------
def _csv(frame: pd.DataFrame, path: Path, *, index: bool = False) -> None:
    frame.to_csv(path, index=index, float_format="%.12g", encoding="utf-8")


def _write_paths(res: ScenarioResults, d: Path) -> list[Path]:
    if not res.file.outputs.paths or res.paths.empty:
        return []
    _csv(res.paths, d / "paths.csv")
    return [d / "paths.csv"]


def _write_summary(res: ScenarioResults, d: Path) -> list[Path]:
    if not res.file.outputs.summary:
        return []
    out = []
    if not res.summary.empty:
        _csv(res.summary, d / "summary.csv", index=True)
        out.append(d / "summary.csv")
    (d / "summary.md").write_text(res.to_markdown(), encoding="utf-8")
    return [*out, d / "summary.md"]


def _write_required(res: ScenarioResults, d: Path) -> list[Path]:
    if res.required is None:
        return []
    _csv(res.required, d / "required.csv")
    return [d / "required.csv"]


def _write_feasible(res: ScenarioResults, d: Path) -> list[Path]:
    if res.feasible is None:
        return []
    b = res.feasible.boundary().reset_index()
    _csv(b, d / "feasible_region.csv")
    return [d / "feasible_region.csv"]


def _write_bands(res: ScenarioResults, d: Path) -> list[Path]:
    if res.bands is None:
        return []
    _csv(res.bands, d / "bands.csv")
    return [d / "bands.csv"]


def _write_figures(res: ScenarioResults, d: Path) -> list[Path]:
    """``scenarios.png`` (total, balance and export share per scenario, with the targets and
    the simulated bands) and ``feasible.png``."""
    if not res.file.outputs.plots:
        return []
    from .. import plotting
    from .._lazy import pyplot

    figures: list[tuple[str, tuple[float, float], Callable[[Any], Any]]] = []
    plt = pyplot()
    out = []
    if not res.paths.empty:
        # Total, balance and export share per scenario, with the bands of bands.csv.
        frames = {name: g.set_index("year")
                  for name, g in res.paths.groupby("scenario", sort=False)}
        with plotting.report_style():
            fig = plt.figure(figsize=(8, 10), layout="constrained")
            try:
                plotting.scenario_figure(frames, targets=res.targets, bands=res.bands, fig=fig)
                plotting.source_note(fig)
                fig.savefig(d / "scenarios.png", dpi=150, bbox_inches="tight")
            finally:
                plt.close(fig)
        out.append(d / "scenarios.png")
    if res.feasible is not None:
        region = res.feasible
        figures.append(("feasible.png", (8, 6),
                        lambda ax: plotting.plot_feasible(region, ax=ax)))
    with plotting.report_style():
        for name, size, draw in figures:
            fig, ax = plt.subplots(figsize=size)
            draw(ax)
            plotting.source_note(fig)
            fig.savefig(d / name, dpi=150, bbox_inches="tight")
            plt.close(fig)
            out.append(d / name)
    return out


#: The writers :func:`run_file` calls in order; each writes its files into the directory it
#: is given and returns their paths.
WRITERS: tuple[Callable[[ScenarioResults, Path], list[Path]], ...] = (
    _write_paths, _write_summary, _write_required, _write_feasible, _write_bands, _write_figures,
)


def run_file(path: str | os.PathLike[str], out_dir: str | os.PathLike[str], *,
             overwrite: bool = False, dataset: Dataset | None = None) -> list[Path]:
    """Run a scenario file and write its outputs into ``out_dir``.

    This is ``tradepath scenario run FILE --out DIR``.

    Parameters
    ----------
    path : str or path-like
        The scenario file (TOML).
    out_dir : str or path-like
        Directory to create. Its parent is created if needed.
    overwrite : bool, default False
        Replace an existing ``out_dir`` (only once the new results are complete).
    dataset : Dataset, optional
        Overrides the file's ``[data]``.

    Returns
    -------
    list of Path
        The files written, inside ``out_dir``: ``paths.csv`` (every scenario's path),
        ``summary.csv`` and ``summary.md`` (the comparison, probabilities, answers),
        ``required.csv``, ``feasible_region.csv`` and ``bands.csv`` when asked for.

    Raises
    ------
    ScenarioFileError
        A problem in the file (naming the key and line), or the output cannot be written.
    ParameterError
        ``out_dir`` exists and ``overwrite`` is False.

    Notes
    -----
    Everything is computed first, then written into a temporary directory next to
    ``out_dir`` and renamed into place in one step; on any failure the temporary directory is
    removed and ``out_dir`` is left as it was (absent, or the previous results).
    """
    func = "run_file"
    out = Path(out_dir)
    if not isinstance(overwrite, bool):
        raise fail("overwrite", func, "True or False", overwrite)
    if out.exists() and not overwrite:
        raise fail("out_dir", func, "a directory that does not exist yet", str(out),
                   "Choose a new directory or pass overwrite=True (--overwrite).")
    if out.exists() and not out.is_dir():
        raise fail("out_dir", func, "a directory", str(out))
    results = evaluate(read_scenario_file(path), dataset)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".partial", dir=out.parent))
    except OSError as exc:
        raise ScenarioFileError(f"cannot write the output to {out}: {exc}",
                                file=str(path)) from None
    try:
        names = [f.name for w in WRITERS for f in w(results, tmp)]
        if out.exists():
            old = out.parent / f"{tmp.name[:-len('.partial')]}.old"
            os.replace(out, old)
            try:
                os.replace(tmp, out)
            except BaseException:
                os.replace(old, out)
                raise
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(tmp, out)
    except OSError as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        raise ScenarioFileError(f"cannot write the output to {out}: {exc}",
                                file=str(path)) from None
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return [out / n for n in names]
