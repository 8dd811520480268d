"""Writing the report: PDF, figures, tables and a summary, into a folder at once."""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import signal
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .._defaults import DEFAULT_SEED
from .._io import STOP_SIGNALS, check_destination, hold_signals, output_dir
from .._lazy import pyplot
from .._validation import check_choice, check_int, fail
from ..data import Dataset
from ..targets.balance import BalanceCondition
from ..targets.target import Target
from .content import (
    _GENERATOR,
    _MANIFEST,
    DEFAULT_PATHS,
    FORMATS,
    ReportContent,
    _chart_content,
    _complete,
    fused_alternatives,
)
from .pages import (
    ANSWER_COLUMNS,
    ANSWER_KEY,
    _Page,
    _pages,
    _render_page,
    _settings_line,
    answer_sentences,
    changes,
    chart_box,
    page_texts,
)

if TYPE_CHECKING:
    from ..models import GrowthModel

__all__ = ["without_inf", "write_report"]


# -- writing ---------------------------------------------------------------------------------
def _tables(c: ReportContent) -> dict[str, pd.DataFrame]:
    ds = c.dataset
    annual = ds.annual()
    kinds = ds.annual_kinds().add_suffix("_kind")
    out = {
        "observations": ds.observations,
        "annual": pd.concat([annual, kinds], axis=1).reset_index(),
        "checks": c.consistency(),
        "targets": ds.targets_frame() if ds.targets else pd.DataFrame(),
        "assessments": c.table(),
    }
    if c.comparisons:
        out["comparison"] = pd.concat(c.comparisons.values(), ignore_index=True)
    rows = []
    for a in c.simulated:
        cy = a.crossing_year
        assert cy is not None
        f = cy.to_frame().reset_index()
        f.insert(0, "target", a.target.name)
        rows.append(f)
        rows.append(pd.DataFrame([{"target": a.target.name, "year": f"after {cy.horizon}",
                                   "p_first": cy.p_not_by_horizon, "p_cumulative": 1.0}]))
    if rows:
        cross = pd.concat(rows, ignore_index=True)
        cross["year"] = cross["year"].astype(str)
        out["crossing_years"] = cross
    if c.main is not None:
        bands = c.main.bands.copy()
        bands.columns = [f"q{q:g}" for q in bands.columns]
        bands.insert(0, "target", c.main.target.name)
        bands.insert(1, "model", c.main.model)
        out["forecast_bands"] = bands.reset_index()
    if c.official is not None:
        out["official_comparison"] = c.official
    if c.alternatives is not None:
        from ..fusion import FusedDataset

        assert isinstance(ds, FusedDataset)
        out["fused"] = ds.to_frame().reset_index()
        out["fused_used"] = ds.used
        out["fused_left_out"] = ds.left_out
    if c.region is not None:
        b = c.region.boundary().reset_index()
        b.insert(0, "target", c.region.target.name)
        out["feasible_region"] = b
    return out


def without_inf(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with every infinite year or value as an empty cell, and for each column that
    had one a column ``<name>_after_horizon`` (True where the cell means "after the last
    simulated year", e.g. "after 2050"): no ``inf`` in a CSV."""
    out = frame.copy()
    for col in list(out.columns):
        values = pd.to_numeric(out[col], errors="coerce") if out[col].dtype == object else None
        s = out[col] if values is None else values
        if not pd.api.types.is_float_dtype(s):
            continue
        inf = np.isinf(s.to_numpy(dtype=float))
        if inf.any():
            out[col] = s.where(~inf)
            out.insert(out.columns.get_loc(col) + 1, f"{col}_after_horizon", inf)
    return out


def _summary_md(c: ReportContent, pages: list[_Page], files: list[str]) -> str:
    lines = ["# Vietnam–Korea trade targets: if and when", "", _settings_line(c), "",
             "## The answer", ""]
    lines += [x for text in answer_sentences(c) for x in (text, "")]
    if c.bottom is not None:
        lines += ["## Key numbers", "", "| " + " | ".join(ANSWER_COLUMNS) + " |",
                  "|" + "---|" * len(ANSWER_COLUMNS)]
        lines += ["| " + " | ".join(r) + " |" for r in (x.table_row() for x in c.bottom.lines)]
        lines += ["", ANSWER_KEY, ""]
        moves = changes(c)
        if moves:
            lines += ["## What would change the answer", ""] + [f"- {m}" for m in moves] + [""]
    lines += ["## Findings", ""]
    for a in c.assessments:
        lines += [f"### {a.target.name}", "", c.findings[a.target.name], ""]
    lines += ["", "## Pages of report.pdf", ""]
    lines += [f"{i}. {p.title}" for i, p in enumerate(pages, start=1)]
    if c.skipped:
        lines += ["", "## Left out", ""] + [f"- {k}: {v}" for k, v in c.skipped.items()]
    lines += ["", "## Files", ""] + [f"- `{f}`" for f in sorted(files)]
    lines += ["", c.source, ""]
    return "\n".join(lines)


def _check_formats(formats: Any, func: str) -> tuple[str, ...]:
    if isinstance(formats, str):
        formats = [f.strip() for f in formats.split(",") if f.strip()]
    try:
        items = tuple(dict.fromkeys(formats))
    except TypeError:
        raise fail("formats", func, f"a sequence drawn from {FORMATS}", formats) from None
    if not items:
        raise fail("formats", func, f"at least one of {FORMATS}", formats)
    for f in items:
        check_choice("formats", func, f, FORMATS)
    return items


def write_report(
    ds: Dataset | None = None,
    out_dir: str | os.PathLike[str] = "report",
    *,
    targets: Sequence[Target] | None = None,
    balance: BalanceCondition | None = None,
    model: str | GrowthModel | None = None,
    n_paths: int = DEFAULT_PATHS,
    seed: Any = DEFAULT_SEED,
    formats: Iterable[str] = FORMATS,
    source: str | None = None,
    overwrite: bool = False,
    n_jobs: int | None = None,
) -> Path:
    """Write the report (PDF, figures, tables, summary) into ``out_dir``.

    Parameters
    ----------
    ds : Dataset, optional
        Default: the embedded dataset.
    out_dir : path, default "report"
        The folder to create; its parent must exist.
    targets, balance, model, n_paths, seed, source
        As for :func:`build_report`.
    formats : iterable of {"pdf", "png", "svg"}, default all three
        Which renderings to write ("pdf": report.pdf; "png"/"svg": one file per figure). The
        tables (CSV), summary.md and manifest.json are always written.
    n_jobs : {None, 1, 2}, default None
        Processes that draw: with 2 a second process (forked) draws the chart pages but the
        model comparison (each PDF page, PNG and SVG) and the data page while this one
        computes every model, the bottom line and the official series and draws the other
        pages; 1 draws everything here. None: 2 where a process can be forked and two CPUs
        are available, else 1. The files are byte for byte the same either way.

    Returns
    -------
    pathlib.Path
        ``out_dir``.

    Raises
    ------
    ParameterError
        Bad settings (checked before any computation).
    OutputError, OutputExistsError
        ``out_dir`` cannot be written or may not be replaced (checked before any
        computation, and again before the report is moved into place).
    TradepathError
        Anything that stops the report; nothing is left behind.

    Notes
    -----
    The report is written through :func:`tradepath._io.output_dir`: built in a temporary
    folder beside ``out_dir`` and renamed into place in one step, so readers never see a
    half-written report, and a stopped run (an error, Ctrl-C, SIGTERM) leaves nothing behind.
    Figures are drawn inside :func:`tradepath.plotting.report_style`. Every page is drawn
    once and each chart cut out of its page; report.pdf is put together from the pages of
    the two processes (pypdf). The files carry no date, so the same settings give the same
    bytes.

    Examples
    --------
    >>> import tempfile, tradepath as tp
    >>> from tradepath.report import write_report
    >>> ds = tp.load_dataset()
    >>> out = write_report(ds, tempfile.mkdtemp() + "/r", targets=[ds.target("150B by 2030")],
    ...                    n_paths=500, formats=("png",))
    >>> sorted(p.name for p in out.glob("*.png"))
    ['balance.png', 'comparison.png', 'crossing.png', 'fan.png', 'feasible.png']
    """
    func = "write_report"
    fmts = _check_formats(formats, func)
    if n_jobs is not None:
        n_jobs = check_int("n_jobs", func, n_jobs, lo=1, hi=2)
    out = check_destination(out_dir, overwrite=overwrite, func=func, name="out_dir")
    # The charts' content first: most figures can be drawn (in a second process) while this
    # one computes the rest (every model, the bottom line's re-runs, the official series).
    charts, kw = _chart_content(ds, targets=targets, balance=balance, model=model,
                                n_paths=n_paths, seed=seed, source=source)
    with output_dir(out, overwrite=overwrite, func=func, name="out_dir") as tmp:
        _write_all(charts, tmp, fmts, n_jobs, finish=lambda: _complete(charts, kw))
    return out


def _freeze_layout(fig: Any) -> None:
    """Keep the layout computed for the first rendering (no second constrained-layout pass)."""
    try:
        fig.set_layout_engine("none")
    except RuntimeError:  # a colorbar ties the figure to its layout engine
        pass


def _jobs(n_jobs: int | None) -> int:
    """Processes for the drawing: 2 where a second one can be forked and the process may run
    on two CPUs, else 1."""
    import multiprocessing

    if (n_jobs == 1 or "fork" not in multiprocessing.get_all_start_methods()
            or not hasattr(signal, "pthread_sigmask")):
        return 1
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cpus = os.cpu_count() or 1
    return 2 if n_jobs is not None or cpus > 1 else 1


def _split(pages: list[_Page]) -> tuple[list[int], list[int]]:
    """The pages drawn here and those a second process can draw (by index).

    The second process draws what the charts' content already holds: the fan, crossing and
    balance charts and the data page (with each source's answers). This one computes every
    model for the comparison, the bottom line and the official series, draws the pages that
    show them (summary, detail, official series, model comparison), the feasible-region
    chart and the method page. Measured on the fused report (CPU seconds): before the fork
    about 4 (imports, the charts' content, matplotlib); then here 2.6 for the rest of the
    content and 3.1 for its pages, 0.9 for the feasible region; there 2.2 for the data page
    and 4.5 for the three charts. With the feasible region there too, the second process
    finished a second after this one; with the data page here, this one waited. The split
    is the same whether or not a second process runs, so report.pdf is made of the same two
    parts.
    """
    there = [i for i, p in enumerate(pages)
             if (p.figure is not None and p.key not in ("comparison", "feasible"))
             or p.key == "data"]
    return [i for i in range(len(pages)) if i not in there], there


def _draw_pages(c: ReportContent, tmp: Path, part: Path | None, pages: list[_Page],
                which: Sequence[int], exts: Sequence[str], meta: dict[str, str]) -> list[str]:
    """The pages ``which`` of ``pages``, each drawn once: its PDF page into ``part`` (when
    given), then its chart cut out in each of ``exts``. The names of the figure files."""
    from ..plotting import report_style

    plt = pyplot()
    files: list[str] = []
    with report_style(), contextlib.ExitStack() as stack:
        pdf = None
        if part is not None:
            from matplotlib.backends.backend_pdf import PdfPages

            pdf = stack.enter_context(PdfPages(part))
        for i in which:
            page = pages[i]
            if pdf is None and (page.figure is None or not exts):
                continue
            fig = _render_page(page, c, i + 1, len(pages))
            try:
                if pdf is not None:
                    pdf.savefig(fig)
                    _freeze_layout(fig)
                if page.figure is not None:
                    files += _cut_out(fig, page, tmp, exts, meta)
            finally:
                plt.close(fig)
    return files


def _merge(parts: Sequence[tuple[Path, Sequence[int]]], out: Path, meta: dict[str, str]) -> int:
    """report.pdf from its parts (each a PDF of the pages whose indexes it lists), in page
    order. The number of pages."""
    from pypdf import PdfReader, PdfWriter

    at = {}
    for path, which in parts:
        if which:
            at.update(zip(which, PdfReader(path).pages, strict=True))
    writer = PdfWriter()
    for i in sorted(at):
        writer.add_page(at[i])
    writer.add_metadata({"/Title": "Vietnam–Korea trade targets: if and when",
                         **{f"/{k}": v for k, v in meta.items()}})
    with open(out, "wb") as f:
        writer.write(f)
    return len(at)


def _cut_out(fig: Any, page: _Page, tmp: Path, exts: Sequence[str],
             meta: dict[str, str]) -> list[str]:
    """Save the chart of a drawn page on its own in each format; the file names."""
    for t in page_texts(fig):
        t.set_visible(False)  # outside the cut-out chart: not drawn again
    files = []
    for ext in exts:
        # No date in an SVG: the same inputs give the same bytes (as for the PNG and PDF).
        # PNG lightly compressed: a tenth larger, written in a fifth less time.
        fig.savefig(tmp / f"{page.figure}.{ext}", bbox_inches=chart_box(page),
                    **({"metadata": meta | {"Date": None}} if ext == "svg" else
                       {"metadata": meta, "pil_kwargs": {"compress_level": 1}}))
        _freeze_layout(fig)
        files.append(f"{page.figure}.{ext}")
    return files


def _second_process(c: ReportContent, tmp: Path, part: Path | None, pages: list[_Page],
                    which: Sequence[int], exts: Sequence[str], meta: dict[str, str],
                    send: Any) -> None:
    """Body of the second process: on a fused history, first each target from each source
    alone (sent to the parent, whose first page lists them), then :func:`_draw_pages`. It
    exits 0 when its pages are all written; on any failure it exits 1 quietly and the parent
    does the work again itself (so an error is raised there, with its own type and
    message)."""
    # Forked with SIGINT and SIGTERM blocked (see _start): the parent's handlers would raise
    # into the copy of its stack. Here SIGTERM ends the process, and Ctrl-C is for the
    # parent, which stops this one.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)
    try:
        if c.alternatives is not None:
            c = dataclasses.replace(c, alternatives=fused_alternatives(c))
            send.send(c.alternatives)
            pages = _pages(c)
        send.close()
        _draw_pages(c, tmp, part, pages, which, exts, meta)
    except BaseException:
        os._exit(1)


def _start(c: ReportContent, tmp: Path, part: Path | None, pages: list[_Page],
           which: Sequence[int], exts: Sequence[str], meta: dict[str, str]) -> Any:
    """Start the second process that draws the pages ``which``.

    A fork (nothing copied or pickled) draws them while this process finishes the content
    and draws the other pages. SIGINT and SIGTERM are blocked across the fork so that neither
    reaches the new process before it has its own handlers; here they are delivered as soon
    as it is started.
    """
    import multiprocessing

    ctx = multiprocessing.get_context("fork")
    receive, send = ctx.Pipe(duplex=False)
    worker = ctx.Process(target=_second_process,
                         args=(c, tmp, part, pages, which, exts, meta, send), daemon=True)
    release = hold_signals()
    try:
        worker.start()
        send.close()  # the second process holds the only sending end: its exit ends the pipe
    finally:
        try:
            # A signal that came during the fork is raised here: its exception must not
            # leave the new process drawing into a folder that is being removed.
            release()
        except BaseException:
            if worker.pid is not None:
                worker.terminate()
                worker.join()
            raise
    return worker, receive


def _with_alternatives(c: ReportContent, receive: Any) -> ReportContent:
    """``c`` with each target from each source alone (on a fused history): as the second
    process sent them, or computed here if it did not."""
    if c.alternatives is None or len(c.alternatives):
        return c
    alt = None
    if receive is not None:
        with contextlib.suppress(EOFError, OSError):
            alt = receive.recv()
        receive.close()
    return dataclasses.replace(c, alternatives=alt if alt is not None else
                               fused_alternatives(c))


def _write_all(c: ReportContent, tmp: Path, fmts: tuple[str, ...], n_jobs: int | None = None,
               finish: Callable[[], ReportContent] | None = None) -> None:
    """Write the report's files into ``tmp``.

    Every page is drawn once, its chart cut out of it as PNG and SVG. The pages are split in
    two (:func:`_split`); where two CPUs are available a second process draws its share from
    the charts' content while this one runs ``finish`` (which turns ``c`` into the whole
    content) and draws the other. report.pdf is put together from the two parts.
    """
    import shutil

    from .._version import __version__

    files: list[str] = []
    exts = [e for e in ("png", "svg") if e in fmts]
    meta = {"Creator": f"tradepath {__version__}"}
    parts = tmp / ".pdf-parts" if "pdf" in fmts else None
    if parts is not None:
        parts.mkdir()
    ours, theirs_pdf = (None, None) if parts is None else (parts / "a.pdf", parts / "b.pdf")
    pages = _pages(c)  # the same pages before and after finish(): only their text changes
    here, there = _split(pages)
    worker = receive = None
    try:
        if there and (parts is not None or exts) and _jobs(n_jobs) > 1:
            # Loaded before the fork, which inherits them: both processes draw, and loading
            # them twice cost the second one most of a CPU second.
            pyplot()
            if parts is not None:
                import matplotlib.backends.backend_pdf  # noqa: F401
            worker, receive = _start(c, tmp, theirs_pdf, pages, there, exts, meta)
        if finish is not None:
            c = finish()
        c = _with_alternatives(c, receive)
        if [p.title for p in _pages(c)] != [p.title for p in pages]:
            raise RuntimeError("the report's pages changed when its content was finished")
        pages = _pages(c)
        files += _draw_pages(c, tmp, ours, pages, here, exts, meta)
        theirs = [f"{pages[i].figure}.{e}" for i in there if pages[i].figure for e in exts]
        done = False
        if worker is not None:
            worker.join()
            done = (worker.exitcode == 0 and all((tmp / f).is_file() for f in theirs)
                    and (theirs_pdf is None or theirs_pdf.is_file()))
        if not done and there:  # no second process, or it failed: drawn here (errors raise)
            theirs = _draw_pages(c, tmp, theirs_pdf, pages, there, exts, meta)
        files += theirs
        n_pages = 0
        if parts is not None:
            n_pages = _merge([(ours, here), (theirs_pdf, there)],
                             tmp / "report.pdf", meta)
            shutil.rmtree(parts)
            files.append("report.pdf")
        for name, frame in _tables(c).items():
            without_inf(frame).to_csv(tmp / f"{name}.csv", index=False, float_format="%.10g")
            files.append(f"{name}.csv")
    finally:
        if worker is not None and worker.is_alive():
            worker.terminate()
            worker.join()
    files += ["summary.md", _MANIFEST]
    (tmp / "summary.md").write_text(_summary_md(c, pages, files), encoding="utf-8")
    manifest = {
        "generator": _GENERATOR, "version": __version__, "model": c.model,
        "n_paths": c.n_paths, "seed": c.seed, "formats": list(fmts),
        "targets": [t.describe() for t in c.targets],
        "pages": [p.title for p in pages] if "pdf" in fmts else [],
        "page_count": n_pages, "files": sorted(files), "skipped": c.skipped,
    }
    (tmp / _MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n",
                                 encoding="utf-8")
