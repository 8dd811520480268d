"""Scenario paths against targets (:func:`plot_scenarios`)."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .._validation import check_choice, check_real, fail
from ..targets.target import Target
from ._parts import _axes, _draw_points, _history_points, _integer_years, _is, _target_line, _tint
from .style import _SERIES, LINESTYLES

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from ..data import Dataset

__all__ = ["plot_scenario_paths", "plot_scenarios", "scenario_figure"]


# -- scenarios and the feasible region -------------------------------------------------------
def _is_scenario(obj: Any) -> bool:
    return _is(obj, "tradepath.scenarios.scenario", "Scenario")


def _scenario_frames(obj: Any, ds: Dataset | None, func: str) -> dict[str, pd.DataFrame]:
    """Projections by scenario name from Scenario objects (projected on ``ds``), a mapping
    name -> projection, or a long frame with a ``scenario`` column."""
    if _is_scenario(obj):
        obj = [obj]
    if isinstance(obj, Mapping):
        out = {}
        for k, v in obj.items():
            if _is_scenario(v):
                v = v.project(ds)
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
            and all(_is_scenario(s) for s in obj):
        names = [s.name or s.describe() for s in obj]
        if len(set(names)) != len(names):
            raise fail("scenarios", func, "scenarios with different names", names)
        return {n: s.project(ds) for n, s in zip(names, obj, strict=True)}
    raise fail("scenarios", func, "Scenario objects, a mapping of names to projections or a "
               "frame with a 'scenario' column", type(obj).__name__)


def plot_scenarios(
    scenarios: Sequence[Any] | Mapping[str, Any] | pd.DataFrame,
    *,
    ax: Axes | None = None,
    flow: str = "total",
    targets: Sequence[Target] = (),
    ds: Dataset | pd.DataFrame | None = None,
    mark_crossing: bool = True,
    legend: bool = True,
    title: str | None = None,
) -> Axes:
    """Several scenarios' projections of one flow side by side, with the targets.

    Parameters
    ----------
    scenarios : sequence of Scenario, mapping of str to DataFrame, or DataFrame
        :class:`tradepath.scenarios.Scenario` objects (projected on ``ds``); projections
        indexed by year (as :meth:`~tradepath.scenarios.Scenario.project` returns) keyed by
        name; or one long frame with ``scenario`` and ``year`` columns.
    ax : matplotlib Axes, optional
    flow : str, default "total"
        Any column of the projections: "total", "exports", "imports", "balance",
        "export_share", "deficit_share".
    targets : sequence of Target
        Drawn (for the flow they are on) as lines to their deadlines.
    ds : Dataset or annual DataFrame, optional
        Observed values of the flow, marked by kind; a Dataset also projects Scenario objects
        (an annual frame draws the history only, so Scenario objects then need a ``base``).
    mark_crossing : bool, default True
        Mark where each scenario first meets each target level (level only).
    legend : bool, default True
    title : str, optional

    Returns
    -------
    matplotlib.axes.Axes
    """
    func = "plot_scenarios"
    frames = _scenario_frames(scenarios, None if isinstance(ds, pd.DataFrame) else ds, func)
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
    if ds is not None and flow in ("total", "exports", "imports", "balance"):
        hist = ds if isinstance(ds, pd.DataFrame) else ds.annual()
        kinds = None if isinstance(ds, pd.DataFrame) else ds.annual_kinds()
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
        # One label per diamond: the shared level and deadline when several targets meet there.
        text = group[0].name if len(group) == 1 else f"{t.value:g}B by {t.by}"
        ax.annotate(text, xy=(t.by, t.value), xytext=(-4, 5),
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


#: The quantities of :class:`~tradepath.scenarios.ScenarioPaths` that can be drawn.
_PATH_FLOWS = ("total", "exports", "imports", "balance", "deficit_share")


def plot_scenario_paths(
    paths: Any,
    *,
    ax: Axes | None = None,
    flow: str = "total",
    level: float = 0.8,
    targets: Sequence[Target] = (),
    legend: bool = True,
    title: str | None = None,
) -> Axes:
    """Simulated paths around a scenario: the observed values, the median and a central band.

    Parameters
    ----------
    paths : ScenarioPaths
        From :meth:`tradepath.scenarios.Scenario.simulate`.
    ax : matplotlib Axes, optional
    flow : {"total", "exports", "imports", "balance", "deficit_share"}, default "total"
    level : float, default 0.8
        The central band shaded around the median (0.8: from the 10th to the 90th
        percentile of the paths, by year).
    targets : sequence of Target
        Drawn (for the flow they are on) as lines to their deadlines.
    legend : bool, default True
    title : str, optional
        Default: the scenario's name.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import tradepath as tp
    >>> from tradepath.plotting import plot_scenario_paths
    >>> from tradepath.scenarios import Scenario, growth
    >>> ds = tp.load_dataset()
    >>> s = Scenario(2024, 2030, exports=growth(0.1), imports=growth(0.05))
    >>> ax = plot_scenario_paths(s.simulate(ds, n_paths=500), targets=[ds.target("150B by 2030")])
    >>> ax.get_xlabel()
    'year'
    """
    func = "plot_scenario_paths"
    if not _is(paths, "tradepath.scenarios.simulation", "ScenarioPaths"):
        raise fail("paths", func, "a ScenarioPaths (from Scenario.simulate)", type(paths).__name__)
    check_choice("flow", func, flow, _PATH_FLOWS)
    level = check_real("level", func, level, lo=0.0, hi=1.0, lo_open=True)
    if level == 1.0:
        raise fail("level", func, "a number in (0, 1)", level, "E.g. 0.8 for an 80 % band.")
    ax = _axes(ax, func)
    bands = paths.summary_frame(alpha=1.0 - level)
    name = f"{paths.scenario.name}: median of {paths.n_paths:,} paths"
    median = pd.DataFrame({flow: bands[f"{flow}_median"]})
    history = paths.annual if flow in paths.annual.columns else None
    plot_scenarios({name: median}, ax=ax, flow=flow, targets=targets, ds=history,
                   legend=False, title=title if title is not None else paths.scenario.name)
    scale = 100 if flow == "deficit_share" else 1
    ax.fill_between(bands.index.to_numpy(dtype=float), bands[f"{flow}_lower"] * scale,
                    bands[f"{flow}_upper"] * scale, color=_tint(_SERIES[0], 0.3), lw=0,
                    zorder=1, gid="band", label=f"central {level:.0%} of the paths")
    if legend:
        ax.legend(loc="upper left", fontsize="small")
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
            # Each band as its two edges, thin and dotted in its scenario's colour: filled,
            # overlapping bands mix into one grey.
            yrs = b["year"].to_numpy(dtype=float)
            for k, edge in enumerate((lo, hi)):
                ax.plot(yrs, edge * scale, ls=(0, (1, 1.5)), lw=1.1,
                        color=_SERIES[j % len(_SERIES)], zorder=1,
                        gid=f"band-{flow}-{name}" + ("" if k == 0 else "-upper"))
        ax.relim()
        ax.autoscale(axis="y")
        if flow == "total":
            ax.set_ylim(bottom=0)
    if bands is not None:
        axes[0].set_title("Scenarios: medians (thick lines) and the bands of the simulated paths "
                          "(dotted)", loc="left")
    return fig
