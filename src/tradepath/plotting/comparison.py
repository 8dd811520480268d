"""Models side by side: probability and crossing years (:func:`plot_comparison`)."""

from __future__ import annotations

import math
import re
import textwrap
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .._format import format_probability, model_label
from .._validation import fail
from ._parts import _axes, _integer_years, _new_figure
from .style import _A4_TEXT_WIDTH_IN, _FORECAST, _TARGET

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure, SubFigure


__all__ = ["comparison_figure", "plot_comparison"]


# -- model comparison ------------------------------------------------------------------------
def plot_comparison(
    frame: pd.DataFrame,
    *,
    ax: Axes | None = None,
    deadline: int | None = None,
    title: str | None = None,
    xlim: tuple[float, float] | None = None,
) -> Axes:
    """Per model: the probability of meeting a target and the 80 % crossing-year interval.

    Parameters
    ----------
    frame : DataFrame
        From :func:`tradepath.compare` (one row per model).
    ax : matplotlib Axes, optional
    deadline : int, optional
        Drawn as a dashed line (default: parsed from the target name, e.g. "150B by 2030").
    title : str, optional
        Default: the target.
    xlim : (float, float), optional
        First and last year of the axis (default: from the table); :func:`comparison_figure`
        gives every panel the same range.

    Returns
    -------
    matplotlib.axes.Axes

    Notes
    -----
    Each simulated model is a row: a line over its 80 % crossing-year interval (an arrow when
    the upper end is after the horizon), a dot at the median, and its own probability at the
    right (``p_inside`` where the table has it: the combined probability weighs every model
    against the same record of targets, so it would hide how much the models differ). Models
    that were refused keep their row, with the reason.

    Examples
    --------
    >>> import tradepath as tp
    >>> from tradepath.plotting import plot_comparison
    >>> ds = tp.load_dataset()
    >>> table = tp.compare_models(ds, ds.target("150B by 2030"), n_paths=500)
    >>> ax = plot_comparison(table)
    """
    func = "plot_comparison"
    if not isinstance(frame, pd.DataFrame) or "model" not in frame.columns:
        raise fail("frame", func, "a DataFrame from tradepath.compare", type(frame).__name__)
    need = ["status", "probability", "crossing_median", "crossing_lower_80",
            "crossing_upper_80"]
    frame = frame.reindex(columns=[*frame.columns,
                                   *[c for c in [*need, "horizon", "message", "target"]
                                     if c not in frame.columns]])
    ax = _axes(ax, func)
    n = len(frame)
    target = str(frame["target"].dropna().iloc[0]) if frame["target"].notna().any() else ""
    if deadline is None and " by " in target:
        try:
            deadline = int(target.rsplit(" by ", 1)[1].split()[0])
        except ValueError:
            deadline = None
    horizons = pd.to_numeric(frame["horizon"], errors="coerce").dropna()
    horizon = int(horizons.max()) if len(horizons) else None
    finite = pd.concat([pd.to_numeric(frame[c], errors="coerce") for c in need[2:]])
    finite = finite[np.isfinite(finite)]
    x_lo = float(finite.min()) if len(finite) else float(deadline or 2030)
    if deadline is not None:
        x_lo = min(x_lo, float(deadline))
    x_hi = float(horizon) if horizon is not None else float(finite.max() if len(finite) else
                                                               x_lo + 10)
    x_hi = max(x_hi, x_lo + 2)
    if xlim is not None:
        x_lo, x_hi = float(xlim[0]), float(xlim[1])
    # "after <horizon>": far enough right of the horizon's own tick to be read apart from it.
    after = x_hi + 1.5
    labels, right = [], []
    for i, row in enumerate(frame.itertuples(index=False)):
        y = n - 1 - i
        labels.append(re.sub(r" \([^)]*\)$", "", model_label(str(row.model))))
        status = str(row.status)
        if status == "simulated":
            _draw_interval(ax, row, y, after)
            own = row.p_inside if "p_inside" in frame.columns else row.probability
            right.append(f"P = {format_probability(float(own))}")
        elif status in ("met", "missed", "unknown"):
            msg = (f"{status} in the data" if status == "missed"
                   else "unknown: no data up to the deadline" if status == "unknown"
                   else f"met in {int(row.met_year)} (data)" if "met_year" in frame.columns
                   and pd.notna(row.met_year) else "met (data)")
            ax.text(x_lo, y, msg, va="center", ha="left", fontsize="small")
            right.append("P unknown" if status == "unknown"
                         else f"P = {format_probability(float(row.probability))}")
        else:
            msg = str(row.message).removeprefix(f"{row.model}: ")
            ax.text(x_lo - 0.8, y, textwrap.fill(f"not fitted: {msg}", width=80), va="center",
                    ha="left", fontsize="small", color="#222222", gid=f"refused-{row.model}",
                    zorder=5, bbox=dict(facecolor="white", edgecolor="none", pad=1.0))
            right.append("refused")
    if deadline is not None:
        ax.axvline(deadline + 0.5, color=_TARGET, ls="--", lw=1.4, zorder=2, gid="deadline")
    ax.set_yticks(range(n), labels[::-1])
    ax.set_ylim(-0.7, n - 0.3)
    ax.set_xlim(x_lo - 1, after + 1.0)
    sec = ax.secondary_yaxis("right")
    sec.set_yticks(range(n), right[::-1])
    sec.tick_params(length=0)
    sec.spines["right"].set_visible(False)
    sec.set_gid("probabilities")
    ax.tick_params(axis="y", length=0)
    ax.grid(axis="x", color="#e3e3e3", lw=0.6)
    ax.grid(axis="y", visible=False)
    _integer_years(ax)
    if horizon is not None:
        # Every fifth year before the horizon, then "after <horizon>" (a tick for the horizon
        # itself would sit against it and read as one label).
        ticks = [float(t) for t in range(math.ceil(x_lo / 5) * 5, int(x_hi), 5)
                 if t <= x_hi - 3]
        ax.set_xticks([*ticks, after], [f"{t:.0f}" for t in ticks] + [f"after {x_hi:.0f}"])
    ax.set_xlabel("year first met: median (dot) and 80% interval (bar)"
                  + ("; dashed: end of the deadline year" if deadline is not None else ""))
    ax.set_title(title if title is not None else target)
    return ax


def _draw_interval(ax: Axes, row: Any, y: float, after: float) -> None:
    """A model's 80 % interval of the first year met (an arrow past the horizon when it runs
    beyond) and its median."""
    lo, med, hi = (float(v) for v in (row.crossing_lower_80, row.crossing_median,
                                      row.crossing_upper_80))
    hi_end = hi if math.isfinite(hi) else after - 0.3
    lo_end = lo if math.isfinite(lo) else after - 0.3
    ax.plot([lo_end, hi_end], [y, y], ls="-", color=_FORECAST, lw=3.2, solid_capstyle="butt",
            zorder=3, gid=f"interval-{row.model}")
    if not math.isfinite(hi):
        ax.annotate("", xy=(after, y), xytext=(hi_end - 0.1, y),
                    arrowprops=dict(arrowstyle="-|>", color=_FORECAST, lw=1.6,
                                    mutation_scale=10), zorder=3)
    if not math.isnan(med):  # a median after the horizon sits on the "after" tick
        ax.plot([med if math.isfinite(med) else after], [y], ls="none", marker="o", ms=7,
                mfc="white", mec="black", mew=1.3, zorder=4, gid=f"median-{row.model}")


def _common_range(frames: Sequence[pd.DataFrame], deadlines: Sequence[int | None]
                  ) -> tuple[float, float] | None:
    """One year range for every panel: the earliest finite crossing year or deadline to the
    latest horizon."""
    cols = ["crossing_median", "crossing_lower_80", "crossing_upper_80"]
    values = [pd.to_numeric(f[c], errors="coerce") for f in frames for c in cols if c in f]
    years = pd.concat(values) if values else pd.Series(dtype=float)
    years = years[np.isfinite(years)]
    horizons = pd.concat([pd.to_numeric(f["horizon"], errors="coerce") for f in frames
                          if "horizon" in f] or [pd.Series(dtype=float)]).dropna()
    if not len(years) or not len(horizons):
        return None
    lo = min([float(years.min()), *(float(d) for d in deadlines if d is not None)])
    return lo, max(float(horizons.max()), lo + 2)


def comparison_figure(
    frames: Sequence[pd.DataFrame],
    *,
    fig: Figure | SubFigure | None = None,
    deadlines: Sequence[int | None] | None = None,
) -> Any:
    """One :func:`plot_comparison` panel per target, stacked.

    Parameters
    ----------
    frames : sequence of DataFrame
        From :func:`tradepath.compare`, one per target.
    fig : Figure or SubFigure, optional
    deadlines : sequence of int or None, optional
        Deadline of each panel (default: read from the target names).

    Returns
    -------
    Figure or SubFigure
    """
    frames = list(frames)
    if not frames:
        raise fail("frames", "comparison_figure", "at least one comparison table", frames)
    rows = [max(len(f), 1) for f in frames]
    fig = _new_figure(fig, (_A4_TEXT_WIDTH_IN, 1.0 + 0.55 * sum(rows) + 0.8 * len(frames)))
    axes = fig.subplots(len(frames), 1, squeeze=False,
                        gridspec_kw={"height_ratios": [r + 1.2 for r in rows]})[:, 0]
    deadlines = list(deadlines) if deadlines is not None else [None] * len(frames)
    xlim = _common_range(frames, deadlines)
    for f, ax, d in zip(frames, axes, deadlines, strict=True):
        plot_comparison(f, ax=ax, deadline=d, xlim=xlim)
    return fig
