"""Writing a scenario file's results: tables, a summary and figures, into a folder at once
(:func:`run_file`)."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

from ..._io import check_destination, output_dir
from ...data import Dataset
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
    if not res.table.empty:
        _csv(res.table, d / "summary.csv", index=True)
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
    from ... import plotting
    from ..._lazy import pyplot

    figures: list[tuple[str, tuple[float, float], Callable[[Any], Any]]] = []
    plt = pyplot()
    out = []
    if not res.paths.empty:
        # Total, balance and export share per scenario, with the bands of bands.csv.
        frames = res.projections()
        with plotting.report_style():
            fig = plt.figure(figsize=(8, 10), layout="constrained")
            try:
                plotting.scenario_figure(frames, targets=res.targets, bands=res.bands, fig=fig)
                plotting.source_note(fig, ds=res.data)
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
            plotting.source_note(fig, ds=res.data)
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
             overwrite: bool = False, ds: Dataset | None = None) -> list[Path]:
    """Run a scenario file and write its outputs into ``out_dir``.

    This is ``tradepath scenario run FILE --out DIR``.

    Parameters
    ----------
    path : str or path-like
        The scenario file (TOML).
    out_dir : str or path-like
        Folder to create; its parent must exist.
    overwrite : bool, default False
        Replace an existing ``out_dir`` (only once the new results are complete), and only if
        it is earlier tradepath output holding nothing tradepath did not write.
    ds : Dataset, optional
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
        A problem in the file (naming the key and line).
    OutputError, OutputExistsError
        ``out_dir`` cannot be written, or exists and may not be replaced: ``overwrite`` is
        False, or the folder holds files tradepath did not write (named in the message).
        Checked before any computation.

    Notes
    -----
    Everything is computed first, then written through :func:`tradepath._io.output_dir`:
    into a temporary folder next to ``out_dir``, renamed into place in one step; on any
    failure (including Ctrl-C and SIGTERM) the temporary folder is removed and ``out_dir`` is
    left as it was (absent, or the previous results). Tradepath never deletes a file it did
    not write.
    """
    func = "run_file"
    out = check_destination(out_dir, overwrite=overwrite, func=func, name="out_dir")
    results = evaluate(read_scenario_file(path), ds)
    with output_dir(out, overwrite=overwrite, func=func, name="out_dir") as tmp:
        names = [f.relative_to(tmp).as_posix() for w in WRITERS for f in w(results, tmp)]
    return [out / n for n in names]
