"""Exports, imports and the balance, with the deficit a condition allows (:func:`plot_balance`)."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

from .._format import format_probability, model_label
from .._validation import check_choice, check_real, fail
from ._parts import (
    _axes,
    _draw_points,
    _integer_years,
    _is_assessment,
    _new_figure,
    _quantiles,
    _tint,
    _titles,
)
from .style import _A4_TEXT_WIDTH_IN, _DEFICIT, _EXPORTS, _IMPORTS, _TARGET

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure, SubFigure

    from ..assessment.results import Assessment
    from ..data import Dataset
    from ..targets.balance import BalanceCondition

__all__ = ["balance_figure", "plot_balance"]


# -- exports, imports and balance ------------------------------------------------------------
def _balance_source(obj: Any, func: str) -> tuple[pd.DataFrame | None, Assessment | None,
                                                 BalanceCondition | None, str]:
    if _is_assessment(obj):
        if "exports" not in obj.paths or "imports" not in obj.paths:
            raise fail("obj", func, "an assessment of a target with a balance condition "
                       "(it simulates exports and imports)",
                       f"the assessment of {obj.target.name!r} (status {obj.status!r})",
                       "Assess a target with a balance condition, or pass a scenario "
                       "projection.")
        cond = obj.target.balance.bind(obj.history) if obj.target.balance is not None else None
        return None, obj, cond, obj.model
    if isinstance(obj, pd.DataFrame):
        missing = [c for c in ("exports", "imports") if c not in obj.columns]
        if missing:
            raise fail("obj", func, "a projection with 'exports' and 'imports' columns",
                       list(obj.columns))
        proj = obj.loc[:, ["exports", "imports"]].astype(float).copy()
        proj.index = pd.Index(np.asarray(obj.index, dtype=int), name="year")
        proj["deficit"] = proj["imports"] - proj["exports"]
        proj["balance"] = proj["exports"] - proj["imports"]
        proj["total"] = proj["exports"] + proj["imports"]
        proj["deficit_share"] = proj["deficit"] / proj["total"]
        return proj, None, None, str(obj.attrs.get("name", "projection"))
    raise fail("obj", func, "an Assessment or a projection DataFrame", type(obj).__name__)


def plot_balance(
    obj: Assessment | pd.DataFrame,
    *,
    ax: Axes | None = None,
    show: Literal["flows", "share"] = "flows",
    ds: Dataset | pd.DataFrame | None = None,
    history_kinds: pd.DataFrame | None = None,
    condition: BalanceCondition | None = None,
    level: float | None = None,
    end: int | None = None,
    label: str | None = None,
    legend: bool | dict[str, Any] = True,
    title: str | None = None,
) -> Axes:
    """Exports, imports and the deficit (or the deficit share) over history and a forecast.

    Parameters
    ----------
    obj : Assessment or DataFrame
        An assessment of a target with a balance condition (its simulated exports and
        imports: median and a central band) or a projection indexed by year with ``exports``
        and ``imports`` columns (a scenario: one line each).
    ax : matplotlib Axes, optional
    show : {"flows", "share"}, default "flows"
        "flows": exports, imports and the balance in US$ bn. "share": the deficit as a share
        of two-way trade, with the condition's threshold and, for an assessment, how often
        the condition holds in the deadline year.
    ds : Dataset or annual DataFrame, optional
        Observed values (default: the assessment's history).
    history_kinds : DataFrame, optional
        Kinds of the observed values (default: the assessment's, or the Dataset's).
    condition : BalanceCondition, optional
        Default: the assessment's target condition, bound to the data; drawn over the
        forecast years.
    level : float, optional
        Central band around each median (assessments only); default 0.5 for "flows" (three
        overlapping bands stay readable) and 0.8 for "share".
    end : int, optional
        Last year shown; default five years after the target's deadline (assessments) or the
        projection's last year.
    label : str, optional
        The forecast's name in the legend (default: the model, or ``attrs["name"]``).
    legend : bool or dict, default True
        Legend below the axes; a dict gives options for ``Axes.legend`` (e.g. ``ncol``).
    title : str, optional

    Returns
    -------
    matplotlib.axes.Axes

    Notes
    -----
    The deficit is ``imports - exports`` (positive: Vietnam's deficit), its share
    ``(m - x) / (x + m)``; the condition's threshold is :func:`max_deficit` at the median
    total (a bound on the absolute deficit shows as a falling share).

    Examples
    --------
    >>> import tradepath as tp
    >>> from tradepath.plotting import plot_balance
    >>> ds = tp.load_dataset()
    >>> a = tp.assess(ds, ds.target("150B by 2030"), n_paths=500)
    >>> ax = plot_balance(a, show="share")
    """
    func = "plot_balance"
    check_choice("show", func, show, ("flows", "share"))
    proj, a, cond, name = _balance_source(obj, func)
    if level is None:
        level = 0.5 if show == "flows" else 0.8
    level = check_real("level", func, level, lo=0.0, hi=1.0, lo_open=True)
    ax = _axes(ax, func)
    label = name if label is None else label
    cond = condition if condition is not None else cond
    hist, hk = _history(ds, a, history_kinds)
    if cond is not None and hist is not None:
        cond = cond.bind(hist)
    lo_q, hi_q = round((1 - level) / 2, 6), round((1 + level) / 2, 6)
    fc = _forecast(a, proj, (lo_q, 0.5, hi_q), end)
    years = fc["total"].index.to_numpy(dtype=float)
    labelled: set[str] = set()
    handles: list[Any] = []
    scale = 100.0 if show == "share" else 1.0

    def series(flow: str, color: str, ls: Any, text: str, tint: float) -> None:
        anchor = _draw_observed(ax, hist, hk, flow, scale, color, years[0], labelled, handles)
        x, f = years, fc[flow] * scale
        y_med, y_lo, y_hi = f[0.5].to_numpy(), f[lo_q].to_numpy(), f[hi_q].to_numpy()
        if anchor is not None:
            x = np.r_[anchor[0], x]
            y_med, y_lo, y_hi = (np.r_[anchor[1], y] for y in (y_med, y_lo, y_hi))
        (ln,) = ax.plot(x, y_med, color=color, ls=ls, lw=1.9, zorder=3, gid=f"line-{flow}",
                        label=f"{text}: median" if a is not None else text)
        handles.append(ln)
        if a is not None and tint > 0:
            handles.append(ax.fill_between(x, y_lo, y_hi, color=_tint(color, tint), lw=0,
                                           zorder=1, gid=f"band-{flow}",
                                           label=f"{text}: {level:.0%} band"))

    if show == "flows":
        series("imports", _IMPORTS, "--", "imports", 0.25)
        series("exports", _EXPORTS, "-", "exports", 0.25)
        series("balance", _DEFICIT, "-.", "balance (exports − imports)", 0.25)
        # The condition is drawn on the share panel: in US$ it would sit on the median deficit.
        ax.set_ylabel("US$ bn")
        subtitle = [f"medians and {level:.0%} bands ({model_label(label)})" if a is not None
                    else str(label)]
    else:
        series("deficit_share", _DEFICIT, "-", "deficit share", 0.2)
        subtitle = [] if cond is None else _draw_condition(ax, cond, a, fc, years, hi_q,
                                                           handles)
        ax.set_ylabel("deficit, % of two-way trade")
    ax.axhline(0, color="#777777", lw=0.6, zorder=0)
    _integer_years(ax)
    ax.set_xlabel("year")
    _titles(ax, title, subtitle)
    if legend:
        opts: dict[str, Any] = dict(loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=2,
                                    fontsize="small", handlelength=3.2)
        ax.legend(handles=handles, **(opts | (legend if isinstance(legend, dict) else {})))
    return ax


def _draw_observed(ax: Axes, hist: pd.DataFrame | None, hk: Any, flow: str, scale: float,
                   color: str, first_forecast: float, labelled: set[str],
                   handles: list[Any]) -> tuple[float, float] | None:
    """The observed values of ``flow`` by kind; returns the last one when it precedes the
    forecast (the forecast line then starts from it)."""
    if hist is None or not len(s := hist[flow].dropna()):
        return None
    kind_col = "balance" if flow in ("balance", "deficit_share") else flow
    kk = (hk[kind_col].reindex(s.index).fillna("reported")
          if hk is not None and kind_col in hk.columns
          else pd.Series("reported", index=s.index))
    handles.extend(_draw_points(ax, s.index, s.to_numpy() * scale, kk.to_numpy(),
                                color=color if flow != "deficit_share" else "black",
                                labelled=labelled))
    if s.index[-1] < first_forecast:
        return (float(s.index[-1]), float(s.iloc[-1]) * scale)
    return None


def _history(ds: Any, a: Assessment | None,
             history_kinds: pd.DataFrame | None) -> tuple[pd.DataFrame | None, Any]:
    """The observed flows with their deficit, balance and deficit share, and their kinds."""
    hk = history_kinds
    if ds is None and a is not None:
        hist = a.history
        hk = a.history_kinds if hk is None else hk
    elif ds is not None and not isinstance(ds, pd.DataFrame):
        hist = ds.annual()
        hk = ds.annual_kinds() if hk is None else hk
    else:
        hist = ds
    if hist is not None:
        hist = hist.assign(deficit=hist["imports"] - hist["exports"],
                           balance=hist["exports"] - hist["imports"])
        hist["deficit_share"] = hist["deficit"] / (hist["exports"] + hist["imports"])
    return hist, hk


def _forecast(a: Assessment | None, proj: pd.DataFrame | None, qs: tuple[float, float, float],
              end: int | None) -> dict[str, pd.DataFrame]:
    """Median and band edges by year for each flow (or the projection's one line)."""
    flows = ("exports", "imports", "balance", "deficit_share", "total")
    if a is not None:
        end = a.target.by + 5 if end is None else end
        return {f: (q := _quantiles(a, f, qs)).loc[q.index <= end] for f in flows}
    assert proj is not None
    if end is not None:
        proj = proj.loc[proj.index <= end]
    return {f: pd.DataFrame({qs[0]: proj[f], 0.5: proj[f], qs[2]: proj[f]}) for f in flows}


def _draw_condition(ax: Axes, cond: BalanceCondition, a: Assessment | None,
                    fc: dict[str, pd.DataFrame], years: np.ndarray, hi_q: float,
                    handles: list[Any]) -> list[str]:
    """The condition's bound on the deficit share at the median total, hatched where it
    fails; returns the subtitle lines (how often it holds on the paths)."""
    subtitle: list[str] = []
    t_med = fc["total"][0.5].to_numpy()
    share = cond.max_deficit(t_med) / t_med * 100
    (cl,) = ax.plot(years, share, color=_TARGET, ls="--", lw=1.7, zorder=4,
                    gid="condition", label=f"condition: {cond.describe()}")
    handles.append(cl)
    top = max(float(np.nanmax(fc["deficit_share"][hi_q])) * 100, float(np.nanmax(share)))
    # Over the band (zorder 1), under the median line: the hatching stays visible.
    ax.fill_between(years, share, top * 1.2 + 5, facecolor="none", hatch="//",
                    edgecolor=_tint(_TARGET, 0.6), lw=0, zorder=2,
                    gid="condition-fails", label="condition fails (hatched)")
    handles.append(ax.collections[-1])
    if a is not None and a.target.by in fc["total"].index:
        p = a.condition_share(cond)
        subtitle.append(f"the condition holds in {a.target.by} on "
                        f"{format_probability(p)} of all paths")
        reach = a.level_share()
        if reach > 0 and math.isfinite(a.p_inside):
            subtitle.append(f"{format_probability(a.p_inside / reach)} of the paths "
                            f"that reach {a.target.value:g}B meet it too")
    return subtitle


def balance_figure(
    obj: Assessment | pd.DataFrame,
    *,
    fig: Figure | SubFigure | None = None,
    **kwargs: Any,
) -> Any:
    """Two panels: exports, imports and deficit (left); the deficit share and the balance
    condition (right). Keyword arguments go to :func:`plot_balance`.

    Returns
    -------
    Figure or SubFigure
    """
    fig = _new_figure(fig, (_A4_TEXT_WIDTH_IN, 4.4))
    left, right = fig.subplots(1, 2)
    kwargs.setdefault("legend", {"ncol": 1, "fontsize": "x-small"})
    kwargs.setdefault("level", 0.8)  # the same bands on both panels
    plot_balance(obj, ax=left, show="flows", title="Exports, imports and balance", **kwargs)
    plot_balance(obj, ax=right, show="share", title="Deficit share of two-way trade", **kwargs)
    return fig
