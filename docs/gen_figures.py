"""The documentation's figures, drawn by tradepath itself at build time.

Used two ways:

- as an MkDocs hook (``hooks:`` in ``mkdocs.yml``): every build draws the figures afresh and
  adds them to the site under ``figures/``, so the pictures in the docs always come from the
  current code and data, never from a file pasted in by hand;
- as a script, to look at them: ``python docs/gen_figures.py OUTDIR`` writes the PNG files.

Each figure is a function returning a matplotlib Figure, registered in :data:`FIGURES` under
the file name the pages link to. Figures use few paths and fixed seeds: they are
illustrations, reproducible exactly, and the build stays fast.
"""

from __future__ import annotations

import functools
import io
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

os.environ.setdefault("MPLBACKEND", "Agg")

N_PATHS = 2000
SEED = 2030

FIGURES: dict[str, Callable[[], Any]] = {}


def figure(name: str) -> Callable[[Callable[[], Any]], Callable[[], Any]]:
    """Register a function drawing the figure saved as ``figures/<name>``."""

    def register(func: Callable[[], Any]) -> Callable[[], Any]:
        FIGURES[name] = func
        return func

    return register


@functools.cache
def _assessment() -> Any:
    """The fused history (every figure held, as the report answers from) and its assessment
    of 150B by 2030 (computed once per build)."""
    import tradepath as tp

    ds = tp.fuse()
    return ds, tp.assess(ds, ds.target("150B by 2030"), n_paths=N_PATHS, seed=SEED)


@figure("fan_150b.png")
def fan_150b() -> Any:
    import matplotlib.pyplot as plt

    from tradepath.plotting import plot_fan, report_style, source_note

    ds, a = _assessment()
    with report_style():
        fig, ax = plt.subplots(figsize=(7.5, 4.5), layout="constrained")
        plot_fan(a, ax=ax, ds=ds, targets=[ds.target("100B by 2023")])
        source_note(fig, ds=ds)
    return fig


@figure("crossing_150b.png")
def crossing_150b() -> Any:
    import matplotlib.pyplot as plt

    from tradepath.plotting import plot_crossing, report_style

    _, a = _assessment()
    with report_style():
        fig, ax = plt.subplots(figsize=(7.5, 4.0))
        plot_crossing(a, ax=ax)
    return fig


@figure("balance_150b.png")
def balance_150b() -> Any:
    import matplotlib.pyplot as plt

    from tradepath.plotting import balance_figure, report_style

    _, a = _assessment()
    with report_style():
        fig = balance_figure(a, fig=plt.figure(figsize=(11, 4.8), layout="constrained"))
    return fig


@figure("comparison_150b.png")
def comparison_150b() -> Any:
    import matplotlib.pyplot as plt

    import tradepath as tp
    from tradepath.plotting import plot_comparison, report_style

    ds, _ = _assessment()
    frame = tp.compare_models(ds, ds.target("150B by 2030"), n_paths=N_PATHS, seed=SEED)
    with report_style():
        fig, ax = plt.subplots(figsize=(7.5, 4.5))
        plot_comparison(frame, ax=ax)
    return fig


@figure("scenarios_150b.png")
def scenarios_150b() -> Any:
    import matplotlib.pyplot as plt

    from tradepath.plotting import plot_feasible, plot_scenarios, report_style
    from tradepath.scenarios import Scenario, feasible_region, growth

    ds, _ = _assessment()
    target = ds.target("150B by 2030")
    scenarios = {
        f"exports +{x:.0%}, imports +{m:.0%}": Scenario(
            2025, 2035, exports=growth(x), imports=growth(m)).project(ds)
        for x, m in ((0.12, 0.05), (0.18, 0.05))
    }
    with report_style():
        fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4.5), layout="constrained")
        plot_scenarios(scenarios, ax=left, targets=[target], ds=ds)
        plot_feasible(feasible_region(ds, target), ax=right)
    return fig


def render(name: str, dpi: int = 110) -> bytes:
    """Draw one registered figure and return it as PNG bytes."""
    import matplotlib.pyplot as plt

    fig = FIGURES[name]()
    buf = io.BytesIO()
    try:
        fig.savefig(buf, format="png", dpi=dpi, bbox_inches="tight")
    finally:
        plt.close(fig)
    return buf.getvalue()


# -- MkDocs hook ---------------------------------------------------------------------------


def on_files(files: Any, config: Any, **kwargs: Any) -> Any:
    """Add every figure to the site as ``figures/<name>``, drawn by the current library."""
    from mkdocs.structure.files import File

    for name in FIGURES:
        files.append(File.generated(config, f"figures/{name}", content=render(name)))
    return files


def main(argv: list[str]) -> int:
    """``python docs/gen_figures.py OUTDIR``: write the figures as PNG files."""
    if len(argv) != 1:
        sys.stderr.write("usage: python docs/gen_figures.py OUTDIR\n")
        return 2
    out = Path(argv[0])
    out.mkdir(parents=True, exist_ok=True)
    for name in FIGURES:
        (out / name).write_bytes(render(name))
        print(out / name)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
