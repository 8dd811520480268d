"""The fan chart of a forecast against its targets (:func:`plot_fan`)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .._defaults import DEFAULT_SEED, FORECAST_PATHS
from .._format import model_label
from .._validation import check_real, fail
from ..targets.target import Target
from ._parts import (
    _axes,
    _check_assessment,
    _draw_points,
    _extra_observations,
    _history_points,
    _integer_years,
    _is,
    _is_assessment,
    _missed_same_level,
    _n_years,
    _quantiles,
    _target_caption,
    _target_line,
    _tint,
    _titles,
)
from .style import _BAND_TINT, _FORECAST, _TARGET, BAND_LEVELS

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from ..assessment.results import Assessment
    from ..data import Dataset
    from ..models import FitResult

__all__ = ["plot_fan", "plot_forecast"]


# -- fan chart -------------------------------------------------------------------------------
def plot_fan(
    assessment: Assessment,
    *,
    ax: Axes | None = None,
    targets: Sequence[Target | Assessment] = (),
    ds: Dataset | pd.DataFrame | None = None,
    levels: Sequence[float] = BAND_LEVELS,
    log: bool = False,
    end: int | None = None,
    ylim: tuple[float, float] | None = None,
    annotate: bool = True,
    legend: bool = True,
    title: str | None = None,
) -> Axes:
    """Forecast fan chart: observed values by kind, the median path, bands and the targets.

    Parameters
    ----------
    assessment : Assessment
        From :func:`tradepath.assess`. A target answered from the data ("met" or "missed")
        gives the history and the target without a fan.
    ax : matplotlib Axes, optional
        Drawn on; default the current Axes.
    targets : sequence of Target or Assessment, optional
        More targets to draw. An Assessment is annotated with its status, probability and
        crossing year; a bare Target only with its name.
    ds : Dataset or DataFrame of observations, optional
        Also draw the annual figures the fit did not use: lower bounds (a caret on a stem) and
        figures of unstated basis (a grey cross).
    levels : sequence of float, default (0.95, 0.8, 0.5)
        Central bands to shade; each must be one whose quantiles the assessment holds
        (0.5, 0.8, 0.95) or the paths must be present.
    log : bool, default False
        Logarithmic value axis (growth at a constant rate is a straight line).
    end : int, optional
        Last year shown; default five years after the latest deadline drawn, at most the
        simulation horizon.
    ylim : (float, float), optional
        Value-axis limits. By default the axis reaches 1.5 times the largest target: the
        outer band may run off the top, which its legend entry says.
    annotate : bool, default True
        Write each simulated target's probability and crossing year above the axes.
    legend : bool, default True
        Legend below the axes.
    title : str, optional

    Returns
    -------
    matplotlib.axes.Axes

    Raises
    ------
    ParameterError
        For an object that is not an Assessment, or a band level it cannot draw.

    Examples
    --------
    >>> import tradepath as tp
    >>> from tradepath.plotting import plot_fan
    >>> ds = tp.load_dataset()
    >>> a = tp.assess(ds, ds.target("150B by 2030"), n_paths=500)
    >>> ax = plot_fan(a, targets=[ds.target("100B by 2023")], log=True)
    >>> ax.get_yscale()
    'log'
    """
    func = "plot_fan"
    a = _check_assessment(assessment, func)
    ax = _axes(ax, func)
    flow = a.target.flow
    levels = sorted({float(check_real("levels", func, lv, lo=0.0, hi=1.0, lo_open=True))
                     for lv in levels}, reverse=True)
    hist, kinds = _history_points(a.history, a.history_kinds, flow)
    handles: list[Any] = []
    first_year = float(hist.index.min()) if len(hist) else float(a.last_year)

    # Fan: the bands start at the last observation, so the forecast visibly leaves the data.
    horizon = a.last_year + _n_years(a)
    all_targets = [a, *targets]
    deadlines = [(x.target if _is_assessment(x) else x).by for x in all_targets]
    if end is None and a.paths:
        end = min(max(max(deadlines) + 5, a.last_year + 1), horizon)
    elif end is None:  # answered from the data: nothing to forecast
        end = max(max(deadlines), a.last_year) + 1
    qf, outer_hi = _draw_bands(ax, a, flow, levels, end, handles)

    extra = _draw_observations(ax, hist, kinds, ds, flow, handles)

    x0, x1 = min(first_year, *deadlines) - 0.8, end + 0.8
    captions = _draw_targets(ax, all_targets, first_year, x0, x1, handles)

    # Axes, limits and the annotation box.
    ax.set_xlim(x0, x1)
    values_max = max([float(hist.max()) if len(hist) else 0.0]
                     + [float(v) for v in extra["value"]]
                     + [(o.target if _is_assessment(o) else o).value
                        for o in all_targets])
    if ylim is None:
        ylim = _fan_ylim(a, hist, values_max, qf, levels, outer_hi, log)
    if log:
        _log_axis(ax)
    ax.set_ylim(*ylim)
    _integer_years(ax)
    ax.set_xlabel("year")
    ax.set_ylabel(f"{flow} trade, US$ bn" if flow == "total" else f"{flow}, US$ bn")
    # The numbers go above the axes, under the title: they never cover the data.
    lines = [ln for c in captions for ln in c] if annotate else []
    _titles(ax, title, lines, gid="annotation")
    if math.isfinite(outer_hi) and outer_hi > ax.get_ylim()[1]:  # the outer band is cut
        for h in handles:
            if h.get_gid() == f"band-{levels[0]:g}":
                h.set_label(f"{levels[0]:.0%} band (runs above the chart)")
    if legend:
        ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.14),
                  ncol=3 if len(handles) > 4 else 2, fontsize="small",
                  handlelength=2.2, columnspacing=1.2)
    return ax


def _draw_observations(ax: Axes, hist: pd.Series, kinds: pd.Series, ds: Any, flow: str,
                       handles: list[Any]) -> pd.DataFrame:
    """Observations by kind, then the ones not used in the fit (bounds, other bases), which
    are returned."""
    labelled: set[str] = set()
    handles += _draw_points(ax, hist.index, hist.to_numpy(), kinds.to_numpy(),
                            labelled=labelled)
    extra = _extra_observations(ds, flow, hist, kinds)
    if len(extra):
        # A figure beside a fitted one of the same year (another basis) is set a little to
        # the right, so the two markers do not overlap.
        shift = np.where(np.isin(extra["year"].to_numpy(dtype=float),
                                 hist.index.to_numpy(dtype=float)), 0.35, 0.0)
        handles += _draw_points(ax, extra["year"] + shift, extra["value"], extra["kind"],
                                labelled=labelled)
    return extra


def _draw_bands(ax: Axes, a: Assessment, flow: str, levels: list[float], end: float,
                handles: list[Any]) -> tuple[pd.DataFrame | None, float]:
    """The fan: bands from the last observation and the median path. Returns the quantiles
    drawn (None when nothing is simulated) and the top of the outer band."""
    if a.status == "simulated" and a.paths:
        qs = sorted({q for lv in levels for q in ((1 - lv) / 2, (1 + lv) / 2)} | {0.5})
        qs = [round(q, 6) for q in qs]
        try:
            qf = _quantiles(a, flow, qs)
        except KeyError as exc:
            raise fail("levels", "plot_fan", "levels whose quantiles the assessment holds",
                       list(levels)) from exc
        qf = qf.loc[qf.index <= end]
        anchor = pd.DataFrame([[a.last_value] * len(qs)], index=[a.last_year], columns=qf.columns)
        qf = pd.concat([anchor, qf])
        x = qf.index.to_numpy(dtype=float)
        for lv in levels:
            lo, hi = round((1 - lv) / 2, 6), round((1 + lv) / 2, 6)
            poly = ax.fill_between(x, qf[lo], qf[hi], color=_tint(_FORECAST, _BAND_TINT.get(
                lv, 0.3 + 0.4 * (1 - lv))), lw=0, zorder=1, label=f"{lv:.0%} band",
                gid=f"band-{lv:g}")
            handles.append(poly)
        (med,) = ax.plot(x, qf[0.5], ls="-", color=_FORECAST, lw=2, zorder=3, gid="median",
                         label=f"median ({model_label(a.model)})")
        handles.insert(0, med)
        return qf, float(qf[round((1 + levels[0]) / 2, 6)].max())
    return None, -math.inf


def _draw_targets(ax: Axes, all_targets: Sequence[Target | Assessment], first_year: float,
                  x0: float, x1: float, handles: list[Any]) -> list[list[str]]:
    """Targets: a dashed line from announcement to deadline, a diamond at the deadline. The
    label at the diamond says what the data say; the captions (returned) what the model says."""
    captions = []
    moved = False
    for i, obj in enumerate(all_targets):
        t = obj.target if _is_assessment(obj) else obj
        earlier = _missed_same_level(t, all_targets)
        if earlier is not None:
            # The same level asked again after a missed deadline: continue its line, dotted,
            # to the new deadline; the box gives the numbers.
            ax.plot([earlier.by, t.by], [t.value, t.value], ls=":", lw=1.5, color=_TARGET,
                    zorder=4, gid=f"target{i}-line")
            (mark,) = ax.plot([t.by], [t.value], ls=":", lw=1.5, marker="D", ms=6.5,
                              mfc="white", mec=_TARGET, mew=1.3, color=_TARGET, zorder=6,
                              gid=f"target{i}-deadline")
            if not moved:
                # The legend shows the line and the open diamond together.
                mark.set_data([t.by], [t.value])
                mark.set_label("the same target, given until a later year")
                handles.append(mark)
                moved = True
        else:
            lab = "target (to its deadline)" if i == 0 else None
            parts = _target_line(ax, t, start=first_year, label=lab, gid=f"target{i}")
            if lab:
                handles.append(parts[0])
            name = t.name
            if _is_assessment(obj) and obj.status == "met":
                name += f": met in {obj.met_year}"
            elif _is_assessment(obj) and obj.status in ("missed", "unknown"):
                name += f": {obj.status}"
            # Near the left edge the name goes to the right of its diamond, clear of the axis.
            left = (t.by - x0) / (x1 - x0) < 0.3
            ax.annotate(name, xy=(t.by, t.value), xytext=(6 if left else -5, 5),
                        textcoords="offset points", ha="left" if left else "right",
                        va="bottom", fontsize="small", color="#8a3c00", gid=f"target{i}-name")
        if _is_assessment(obj) and obj.status == "simulated":
            captions.append(_target_caption(obj))
    return captions


def _fan_ylim(a: Assessment, hist: pd.Series, values_max: float, qf: pd.DataFrame | None,
              levels: list[float], outer_hi: float, log: bool) -> tuple[float, float]:
    """Default y limits: room above the highest value or target; on a log axis, the bands."""
    if not log:
        return (0, values_max * 1.5)
    lo = max(min(float(hist.min()) if len(hist) else values_max, values_max) / 1.6, 1e-3)
    if qf is not None:
        lo = min(lo, float(qf[round((1 - levels[0]) / 2, 6)].min()) / 1.2)
    hi = max(values_max * 2.5, outer_hi * 1.1 if math.isfinite(outer_hi) else 0)
    return (lo, hi)


def _log_axis(ax: Axes) -> None:
    from matplotlib.ticker import FuncFormatter, LogLocator

    ax.set_yscale("log")
    ax.yaxis.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _p: f"{v:g}"))
    ax.yaxis.set_minor_formatter(FuncFormatter(lambda v, _p: ""))


# -- a fitted model's forecast ---------------------------------------------------------------
def plot_forecast(
    fit: FitResult,
    *,
    ax: Axes | None = None,
    end: int | None = None,
    level: float = 0.8,
    n_paths: int = FORECAST_PATHS,
    seed: Any = DEFAULT_SEED,
    legend: bool = True,
    title: str | None = None,
) -> Axes:
    """A fitted model's series, its median forecast and a central band.

    Parameters
    ----------
    fit : FitResult
        From ``model.fit(series)``.
    ax : matplotlib Axes, optional
    end : int, optional
        Last year forecast; default six years after the last observation.
    level : float, default 0.8
        The central band (from :meth:`FitResult.forecast` with ``alpha = 1 - level``).
    n_paths : int, default 4000
    seed : int, numpy.random.Generator or None, default 0
        As for :meth:`FitResult.forecast`.
    legend : bool, default True
    title : str, optional
        Default: the model's name.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import tradepath as tp
    >>> from tradepath.plotting import plot_forecast
    >>> fit = tp.get_model("random_walk").fit(tp.load_dataset().series("total"))
    >>> ax = plot_forecast(fit, end=2030)
    >>> ax.get_ylabel()
    'US$ bn'
    """
    func = "plot_forecast"
    if not _is(fit, "tradepath.models._base", "FitResult"):
        raise fail("fit", func, "a fitted model (a FitResult, from model.fit(series))",
                   type(fit).__name__)
    level = check_real("level", func, level, lo=0.0, hi=1.0, lo_open=True)
    if level == 1.0:
        raise fail("level", func, "a number in (0, 1)", level, "E.g. 0.8 for an 80 % band.")
    ax = _axes(ax, func)
    end = fit.last_year + 6 if end is None else end
    fc = fit.forecast(end, alpha=1.0 - level, n_paths=n_paths, seed=seed)
    s = fit.series
    # The forecast starts at the last observation, so it visibly leaves the data.
    x = np.r_[float(fit.last_year), fc.index.to_numpy(dtype=float)]
    lo, med, hi = (np.r_[fit.last_value, fc[c].to_numpy()] for c in ("lower", "median", "upper"))
    ax.fill_between(x, lo, hi, color=_tint(_FORECAST, _BAND_TINT.get(level, 0.38)), lw=0,
                    zorder=1, gid="band", label=f"{level:.0%} band")
    ax.plot(x, med, color=_FORECAST, lw=2, zorder=3, gid="median",
            label=f"median ({model_label(fit.model)})")
    _draw_points(ax, s.index, s.to_numpy(), ["reported"] * len(s), labelled=set())
    _integer_years(ax)
    ax.set_xlabel("year")
    ax.set_ylabel("US$ bn")
    ax.set_title(model_label(fit.model) if title is None else title)
    if legend:
        ax.legend(loc="upper left", fontsize="small")
    return ax
