"""Scenario paths against targets (:func:`plot_scenarios`)."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .._validation import fail
from ..targets import Target
from ._parts import _axes, _draw_points, _history_points, _integer_years, _target_line
from .style import _SERIES, LINESTYLES

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from ..data import Dataset

__all__ = ["plot_scenarios", "scenario_figure"]


# -- scenarios and the feasible region -------------------------------------------------------
def _scenario_frames(obj: Any, data: Dataset | None, func: str) -> dict[str, pd.DataFrame]:
    """Projections by scenario name from Scenario objects (projected on ``data``), a mapping
    name -> projection, or a long frame with a ``scenario`` column."""
    from ..scenarios import Scenario

    if isinstance(obj, Scenario):
        obj = [obj]
    if isinstance(obj, Mapping):
        out = {}
        for k, v in obj.items():
            if isinstance(v, Scenario):
                v = v.project(data)
            if not isinstance(v, pd.DataFrame):
                raise fail("scenarios", func, "a mapping of names to projection DataFrames",
                           {k: type(v).__name__})
            out[str(k)] = v
        return out
    if isinstance(obj, pd.DataFrame):
        if "scenario" in obj.columns:
            frames = {}
            for name, grp in obj.groupby("scenario", sort=False):
                g = grp.set_index("year") if "year" in grp.columns else grp
                frames[str(name)] = g.drop(columns=["scenario"])
            return frames
        return {str(obj.attrs.get("scenario") or "scenario"): obj}
    if isinstance(obj, Sequence) and not isinstance(obj, str) and obj \
            and all(isinstance(s, Scenario) for s in obj):
        names = [s.name or s.describe() for s in obj]
        if len(set(names)) != len(names):
            raise fail("scenarios", func, "scenarios with different names", names)
        return {n: s.project(data) for n, s in zip(names, obj, strict=True)}
    raise fail("scenarios", func, "Scenario objects, a mapping of names to projections or a "
               "frame with a 'scenario' column", type(obj).__name__)


def plot_scenarios(
    scenarios: Sequence[Any] | Mapping[str, Any] | pd.DataFrame,
    *,
    ax: Axes | None = None,
    flow: str = "total",
    targets: Sequence[Target] = (),
    data: Dataset | None = None,
    history: Dataset | pd.DataFrame | None = None,
    mark_crossing: bool = True,
    legend: bool = True,
    title: str | None = None,
) -> Axes:
    """Several scenarios' projections of one flow side by side, with the targets.

    Parameters
    ----------
    scenarios : sequence of Scenario, mapping of str to DataFrame, or DataFrame
        :class:`tradepath.scenarios.Scenario` objects (projected on ``data``); projections
        indexed by year (as :meth:`~tradepath.scenarios.Scenario.project` returns) keyed by
        name; or one long frame with ``scenario`` and ``year`` columns.
    ax : matplotlib Axes, optional
    flow : str, default "total"
        Any column of the projections: "total", "exports", "imports", "balance",
        "export_share", "deficit_share".
    targets : sequence of Target
        Drawn (for the flow they are on) as lines to their deadlines.
    data : Dataset, optional
        Projects Scenario objects; also the default ``history``.
    history : Dataset or annual DataFrame, optional
        Observed values of the flow, marked by kind.
    mark_crossing : bool, default True
        Mark where each scenario first meets each target level (level only).
    legend : bool, default True
    title : str, optional

    Returns
    -------
    matplotlib.axes.Axes
    """
    func = "plot_scenarios"
    frames = _scenario_frames(scenarios, data, func)
    if history is None:
        history = data
    if not frames:
        raise fail("scenarios", func, "at least one scenario", scenarios)
    for name, f in frames.items():
        if flow not in f.columns:
            raise fail("flow", func, f"a column of the projections ({list(f.columns)})", flow,
                       f"Scenario {name!r} has no such column.")
    ax = _axes(ax, func)
    labelled: set[str] = set()
    handles: list[Any] = []
    share = flow in ("export_share", "deficit_share")
    scale = 100 if share else 1
    start = math.inf
    if history is not None and flow in ("total", "exports", "imports", "balance"):
        hist = history if isinstance(history, pd.DataFrame) else history.annual()
        kinds = None if isinstance(history, pd.DataFrame) else history.annual_kinds()
        s, k = _history_points(hist, kinds, flow)
        handles += _draw_points(ax, s.index, s.to_numpy(), k.to_numpy(), labelled=labelled)
        if len(s):
            start = float(s.index.min())
    for i, (name, f) in enumerate(frames.items()):
        years = np.asarray(f.index, dtype=float)
        y = f[flow].to_numpy(dtype=float) * scale
        start = min(start, float(years.min()))
        (ln,) = ax.plot(years, y, color=_SERIES[i % len(_SERIES)],
                        ls=LINESTYLES[i % len(LINESTYLES)], lw=1.8, label=name, zorder=3,
                        gid=f"scenario-{name}")
        handles.append(ln)
        if mark_crossing and not share:
            for t in targets:
                if t.flow != flow:
                    continue
                hit = np.nonzero(y >= t.value)[0]
                if len(hit):
                    ax.plot([years[hit[0]]], [y[hit[0]]], ls="none", marker="o", ms=6,
                            mfc="white",
                            mec=ln.get_color(), mew=1.5, zorder=5,
                            gid=f"crossing-{name}-{t.name}")
    # Targets at the same level and deadline share one line and one stacked label.
    same: dict[tuple[float, int], list[Target]] = {}
    for t in targets:
        if t.flow == flow:
            same.setdefault((t.value, t.by), []).append(t)
    for i, group in enumerate(same.values()):
        t = group[0]
        parts = _target_line(ax, t, start=start, label="target (to its deadline)" if i == 0
                             else None, gid=f"target{i}")
        if i == 0:
            handles.append(parts[0])
        ax.annotate("\n".join(g.name for g in group), xy=(t.by, t.value), xytext=(-4, 5),
                    textcoords="offset points", ha="right", va="bottom", fontsize="small",
                    color="#8a3c00")
    _integer_years(ax)
    ax.set_xlabel("year")
    ax.set_ylabel(f"{flow.replace('_', ' ')}, %" if share else f"{flow}, US$ bn")
    if not share:
        ax.set_ylim(bottom=0 if flow != "balance" else None)
    if mark_crossing and targets and not share:
        from matplotlib.lines import Line2D

        handles.append(Line2D([], [], ls="none", marker="o", mfc="white", mec="black",
                              label="first year at the target level"))
    if title:
        ax.set_title(title)
    if legend:
        ax.legend(handles=handles, loc="upper left", fontsize="small")
    return ax


#: The panels of :func:`scenario_figure`: column of the projections, its bands, axis label.
_PANELS = (("total", "total", "total, US$ bn"),
           ("balance", "balance", "balance (exports − imports), US$ bn"),
           ("export_share", "deficit_share", "export share of two-way trade, %"))


def scenario_figure(
    scenarios: Mapping[str, pd.DataFrame],
    *,
    targets: Sequence[Target] = (),
    bands: pd.DataFrame | None = None,
    fig: Any = None,
) -> Any:
    """Three panels per scenario run: total, balance and export share, with the simulated bands.

    Parameters
    ----------
    scenarios : mapping of str to DataFrame
        Projections by name (columns ``total``, ``balance``, ``export_share``), as for
        :func:`plot_scenarios`.
    targets : sequence of Target
        Drawn on the total panel.
    bands : DataFrame, optional
        The ``bands.csv`` table of a scenario file (``scenario``, ``year`` and
        ``<flow>_lower`` / ``_upper`` columns): shaded around each scenario's line. The export
        share's band is the deficit share's, mapped by ``(1 - deficit share) / 2`` (exact:
        the map is monotone).
    fig : Figure, optional

    Returns
    -------
    Figure
    """
    from ._parts import _new_figure
    from .style import _A4_TEXT_WIDTH_IN

    fig = _new_figure(fig, (_A4_TEXT_WIDTH_IN, 8.6))
    axes = fig.subplots(3, 1, sharex=True)
    for i, (ax, (flow, band_flow, label)) in enumerate(zip(axes, _PANELS, strict=True)):
        plot_scenarios(scenarios, ax=ax, flow=flow, targets=targets if flow == "total" else (),
                       legend=i == 0, mark_crossing=flow == "total")
        ax.set_ylabel(label)
        if i < 2:
            ax.set_xlabel("")
        if bands is None or f"{band_flow}_lower" not in bands.columns:
            continue
        for j, name in enumerate(scenarios):
            b = bands[bands["scenario"] == name].sort_values("year")
            if b.empty:
                continue
            lo, hi = b[f"{band_flow}_lower"], b[f"{band_flow}_upper"]
            scale = 1.0
            if flow == "export_share":
                lo, hi, scale = (1 - hi) / 2, (1 - lo) / 2, 100.0
            ax.fill_between(b["year"].to_numpy(dtype=float), lo * scale, hi * scale, lw=0.8,
                            facecolor=_SERIES[j % len(_SERIES)], alpha=0.12,
                            edgecolor=_SERIES[j % len(_SERIES)], zorder=1,
                            gid=f"band-{flow}-{name}")
        ax.relim()
        ax.autoscale(axis="y")
        if flow == "total":
            ax.set_ylim(bottom=0)
    if bands is not None:
        axes[0].set_title("Scenarios: medians and simulated bands (bands.csv)", loc="left")
    return fig
