"""The distribution of the year a target is first met (:func:`plot_crossing`)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from .._format import format_probability, format_year
from .._validation import check_real, fail
from ._parts import _axes, _is, _is_assessment, _new_figure, _titles
from .style import _A4_TEXT_WIDTH_IN, _FORECAST, _TARGET

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure, SubFigure

    from ..assessment.crossing import CrossingYear
    from ..assessment.results import Assessment


__all__ = ["crossing_figure", "plot_crossing"]


# -- crossing-year distribution --------------------------------------------------------------
def plot_crossing(
    obj: Assessment | CrossingYear,
    *,
    ax: Axes | None = None,
    deadline: int | None = None,
    cumulative: bool = True,
    interval: float = 0.8,
    color: str = _FORECAST,
    title: str | None = None,
    legend: bool = True,
) -> Axes:
    """Distribution of the first year a target is met.

    Bars give P(first met in year); a step line the cumulative probability; a hatched bar at
    the right P(not met by the horizon). The deadline is a dashed line; the median and the
    central ``interval`` of the crossing year are written on the chart.

    Parameters
    ----------
    obj : Assessment or CrossingYear
        A simulated assessment (or its ``crossing_year``).
    ax : matplotlib Axes, optional
    deadline : int, optional
        Default: the assessment's target deadline.
    cumulative : bool, default True
        Draw the cumulative probability.
    interval : float, default 0.8
        Level of the crossing-year interval written on the chart.
    color : str, the forecast's blue
    title : str, optional
        Default: the target's name for an Assessment.
    legend : bool, default True

    Returns
    -------
    matplotlib.axes.Axes

    Raises
    ------
    ParameterError
        For an assessment answered from the data (it has no distribution).

    Examples
    --------
    >>> import tradepath as tp
    >>> from tradepath.plotting import plot_crossing
    >>> ds = tp.load_dataset()
    >>> ax = plot_crossing(tp.assess(ds, ds.target("150B by 2030"), n_paths=500))
    """
    func, a = "plot_crossing", None
    if _is_assessment(obj):
        a = obj
        if obj.crossing_year is None:
            raise fail("obj", func, "a simulated assessment (status 'simulated')",
                       f"an assessment with status {obj.status!r}",
                       "A target answered from the data has no crossing-year distribution; "
                       "assess the same level with a later deadline to ask when it is met.")
        cy = obj.crossing_year
        deadline = obj.target.by if deadline is None else deadline
    elif _is(obj, "tradepath.assessment.crossing", "CrossingYear"):
        cy = obj
    else:
        raise fail("obj", func, "an Assessment or a CrossingYear", type(obj).__name__)
    interval = check_real("interval", func, interval, lo=0.0, hi=1.0, lo_open=True)
    ax = _axes(ax, func)
    dist = cy.distribution
    years = dist.index.to_numpy(dtype=float)
    p = dist.to_numpy(dtype=float) * 100
    ax.bar(years, p, width=0.75, color=color, edgecolor="black", lw=0.4, zorder=2,
           label="P(first met in the year)", gid="bars")
    xnot = years[-1] + 1.6 if len(years) else float(cy.horizon) + 1.6
    ax.bar([xnot], [cy.p_not_by_horizon * 100], width=0.9, color="white", edgecolor="black",
           hatch="////", lw=0.6, zorder=2, label=f"not met by {cy.horizon}",
           gid="not-by-horizon")
    ax.annotate(format_probability(cy.p_not_by_horizon), (xnot, cy.p_not_by_horizon * 100),
                xytext=(0, 2), textcoords="offset points", ha="center", va="bottom",
                fontsize="small", gid="not-by-horizon-label")
    top = max([*p.tolist(), cy.p_not_by_horizon * 100, 1e-9])
    if cumulative and len(years):
        cum = np.cumsum(p)
        # Cumulative probability by the end of each year: a step over the year's bar.
        ax.step(np.r_[years - 0.5, years[-1] + 0.5], np.r_[cum, cum[-1]], where="post", ls="-",
                color="black", lw=1.3, zorder=3, label="P(met by the year), cumulative",
                gid="cumulative")
        top = max(top, float(cum.max()))
    if deadline is not None:
        ax.axvline(deadline + 0.5, color=_TARGET, ls="--", lw=1.4, zorder=4, gid="deadline",
                   label=f"end of the deadline year {deadline}")
    lo, hi = cy.interval(interval)
    lines = []
    if a is not None:
        word = "by" if a.reading == "by" else "in"
        lines.append(f"P(met {word} {deadline}) = {format_probability(a.probability)}")
        if a.headline == "combined" and math.isfinite(a.p_inside):
            # The headline weighs in the base rate; the bars and the line are the model's
            # paths: say what they add up to by the deadline.
            lines[-1] += " with the base rate"
            lines.append(f"the model's paths (shown): {format_probability(a.p_inside)}")
    lines.append(f"first met: median {cy.median_text()}; {interval:.0%} "
                 f"interval {format_year(lo, cy.horizon)}–{format_year(hi, cy.horizon)}")
    if title is None and a is not None:
        title = a.target.name
    _titles(ax, title, lines)
    ax.set_ylim(0, min(100, top * 1.08 + 2))
    ax.set_ylabel("probability, %")
    ax.set_xlabel("year first met")
    left = min(years[0] if len(years) else xnot,
               deadline + 0.5 if deadline is not None else math.inf)
    ax.set_xlim(left - 0.8, xnot + 0.9)
    n = len(years)
    step = 1 if n <= 8 else 2 if n <= 14 else 5
    # No tick at the very left edge: beside another panel's "after <horizon>" it would read
    # as one label ("after 2050 2025").
    ticks = [y for y in years if int(y) % step == 0 and left + 1 <= y < xnot - 2.5] if n else []
    ax.set_xticks([*ticks, xnot], [f"{y:.0f}" for y in ticks] + [f"after\n{cy.horizon}"])
    if legend:
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.22), ncol=2, fontsize="small")
    return ax


def crossing_figure(
    assessments: Sequence[Assessment],
    *,
    fig: Figure | SubFigure | None = None,
    titles: Sequence[str] | None = None,
) -> Any:
    """Crossing-year distributions side by side, one panel per assessment.

    Parameters
    ----------
    assessments : sequence of Assessment
        Simulated assessments.
    fig : Figure or SubFigure, optional
        Drawn in; default a new figure at A4 text width.
    titles : sequence of str, optional
        Panel titles (default the target names).

    Returns
    -------
    Figure or SubFigure
    """
    assessments = list(assessments)
    if not assessments:
        raise fail("assessments", "crossing_figure", "at least one Assessment", assessments)
    n = len(assessments)
    ncols = min(n, 2)
    nrows = math.ceil(n / ncols)
    fig = _new_figure(fig, (_A4_TEXT_WIDTH_IN, 0.6 + 3.6 * nrows))
    axes = fig.subplots(nrows, ncols, sharey=True, squeeze=False).ravel()
    for i, a in enumerate(assessments):
        plot_crossing(a, ax=axes[i], legend=False, title=None if titles is None else titles[i])
        if i % ncols:
            axes[i].set_ylabel("")
    for ax in axes[n:]:
        ax.set_visible(False)
    # Shared axis: the tallest panel sets the scale (each plot set its own limit).
    top = max(max(float(a.crossing_year.distribution.cumsum().max()), a.crossing_year.
                  p_not_by_horizon) * 100 for a in assessments if a.crossing_year is not None)
    axes[0].set_ylim(0, min(100, top * 1.08 + 2))
    handles, labels = axes[0].get_legend_handles_labels()
    labels = [lab.replace(f"year {assessments[0].target.by}", "year") for lab in labels]
    # Half the legend under each of the first two panels: no figure-level legend to collide
    # with the source note, and no empty margin.
    holders = [axes[n - 1]] if n % ncols else list(axes[n - ncols:n])
    split = math.ceil(len(handles) / len(holders))
    for j, ax in enumerate(holders):
        part = slice(j * split, (j + 1) * split)
        ax.legend(handles[part], labels[part], loc="upper center", bbox_to_anchor=(0.5, -0.22),
                  ncol=1 if ncols > 1 else 2, fontsize="small")
    return fig
