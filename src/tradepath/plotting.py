"""Report-quality figures: one function per figure kind, ``ax=`` in, Axes out.

Every ``plot_*`` function draws on the Axes it is given (or the current one), returns it and
never calls ``show()``. Functions that build a multi-panel figure (``*_figure``) take
``fig=None`` (a Figure or SubFigure) and return it. Nothing here changes matplotlib's global
state on import; :func:`report_style` is a context manager.

Conventions shared by the figures, chosen to survive print and grey-scale copies:

* observed figures are black and marked by kind: a filled circle is *reported*, an open
  circle *approximate*, an open square *derived* (computed from a stated growth rate or an
  identity), an upward caret on a stem a *lower bound* ("more than 60"), a grey cross a figure
  of unstated basis;
* the forecast is a blue median line with nested 50 / 80 / 95 % bands, darker inside;
* a target is a dashed vermillion line ending in a diamond at its deadline;
* colours come from the Okabe–Ito palette and are paired with distinct line styles.

Examples
--------
>>> import tradepath as tp
>>> from tradepath.plotting import plot_fan, report_style
>>> ds = tp.load_dataset()
>>> a = tp.assess(ds, ds.target("150B by 2030"), n_paths=500)
>>> with report_style():
...     ax = plot_fan(a, data=ds)
>>> ax.get_xlabel()
'year'
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, Literal, cast

import numpy as np
import pandas as pd

from ._format import format_probability, format_year
from ._lazy import pyplot
from ._validation import check_choice, check_real, fail
from .assess import Assessment, CrossingYear
from .balance import BalanceCondition
from .errors import ParameterError
from .targets import Target

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure, SubFigure

    from .data import Dataset

__all__ = [
    "BAND_LEVELS",
    "COLORS",
    "LINESTYLES",
    "OKABE_ITO",
    "balance_figure",
    "comparison_figure",
    "crossing_figure",
    "format_probability",
    "format_year",
    "max_deficit",
    "plot_balance",
    "plot_comparison",
    "plot_crossing",
    "plot_fan",
    "plot_feasible",
    "plot_scenarios",
    "report_rc",
    "report_style",
    "source_note",
]

#: The Okabe–Ito palette, distinguishable with the common colour-vision deficiencies.
OKABE_ITO: dict[str, str] = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
}
#: Series colours in order of use (yellow is left out: too light on white paper).
COLORS: tuple[str, ...] = tuple(OKABE_ITO[k] for k in (
    "blue", "vermillion", "bluish_green", "reddish_purple", "orange", "sky_blue", "black"))
#: Line styles paired with :data:`COLORS`, so that series differ in grey-scale too.
LINESTYLES: tuple[Any, ...] = ("-", "--", "-.", ":", (0, (5, 1, 1, 1, 1, 1)), (0, (1, 1)),
                               (0, (8, 2)))
#: Central band levels of the fan chart, outermost first.
BAND_LEVELS: tuple[float, ...] = (0.95, 0.8, 0.5)

_FORECAST = OKABE_ITO["blue"]
# Series next to targets skip the target colour.
_SERIES = tuple(c for c in COLORS if c != OKABE_ITO["vermillion"])
_TARGET = OKABE_ITO["vermillion"]
_EXPORTS = OKABE_ITO["bluish_green"]
_IMPORTS = OKABE_ITO["vermillion"]
_DEFICIT = OKABE_ITO["black"]
# Share of the band colour mixed with white, by band level (inner bands darker).
_BAND_TINT = {0.95: 0.2, 0.8: 0.38, 0.5: 0.62}
_A4_TEXT_WIDTH_IN = 6.7


# -- style -----------------------------------------------------------------------------------
def report_rc(*, font_scale: float = 1.0) -> dict[str, Any]:
    """The matplotlib settings of :func:`report_style` as a dict.

    Parameters
    ----------
    font_scale : float, default 1.0
        Multiplies every font size (base 9 pt, readable when a 6.7-inch figure is printed at
        A4 text width).
    """
    from cycler import cycler

    font_scale = check_real("font_scale", "report_rc", font_scale, lo=0.0, lo_open=True)
    base = 9.0 * font_scale
    return {
        "figure.figsize": (_A4_TEXT_WIDTH_IN, 4.2),
        "figure.dpi": 100,
        "savefig.dpi": 200,
        "savefig.bbox": None,
        "font.size": base,
        "axes.titlesize": base + 1.5,
        "axes.titleweight": "bold",
        "axes.titlelocation": "left",
        "axes.labelsize": base,
        "xtick.labelsize": base - 0.5,
        "ytick.labelsize": base - 0.5,
        "legend.fontsize": base - 0.5,
        "legend.frameon": False,
        "axes.prop_cycle": cycler(color=list(COLORS)) + cycler(linestyle=list(LINESTYLES)),
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.grid": True,
        "axes.grid.axis": "y",
        "grid.color": "#d9d9d9",
        "grid.linewidth": 0.6,
        "axes.axisbelow": True,
        "axes.edgecolor": "#333333",
        "axes.linewidth": 0.8,
        "lines.linewidth": 1.6,
        "lines.markersize": 5.5,
        "hatch.linewidth": 0.6,
        "pdf.fonttype": 42,  # embed TrueType: text stays selectable and editable
        "svg.fonttype": "none",
        "image.cmap": "cividis",
    }


@contextmanager
def report_style(*, font_scale: float = 1.0) -> Iterator[dict[str, Any]]:
    """Context manager: the report look (palette, fonts, grid) for the figures made inside.

    Nothing changes outside the ``with`` block; save figures inside it, since some settings
    are read when a figure is drawn.

    Parameters
    ----------
    font_scale : float, default 1.0
        See :func:`report_rc`.

    Yields
    ------
    dict
        The settings in force.

    Examples
    --------
    >>> from tradepath.plotting import report_style
    >>> import matplotlib as mpl
    >>> with report_style():
    ...     mpl.rcParams["font.size"]
    9.0
    """
    import matplotlib as mpl

    pyplot()  # select a backend first, so the context does not record an unset one
    rc = report_rc(font_scale=font_scale)
    with mpl.rc_context(cast(Any, rc)):
        yield rc


def source_note(fig: Figure | SubFigure, text: str | None = None) -> Any:
    """Write the source note under a figure ("Source: figures from the documents; tradepath
    <version>") and reserve room for it.

    Parameters
    ----------
    fig : Figure or SubFigure
    text : str, optional
        Replaces the default note.

    Returns
    -------
    matplotlib.text.Text
    """
    if text is None:
        from ._version import __version__

        text = f"Source: figures from the documents; tradepath {__version__}"
    engine = getattr(fig, "get_layout_engine", lambda: None)()
    if engine is not None and type(engine).__name__ == "ConstrainedLayoutEngine":
        # A figure-level x label is laid out below everything else, legends included.
        return fig.supxlabel(text, x=0.01, ha="left", fontsize="small", color="#444444",
                             gid="source-note")
    return fig.text(0.01, 0.008, text, ha="left", va="bottom", fontsize="small",
                    color="#444444", gid="source-note")


# -- formatting ------------------------------------------------------------------------------
def _target_caption(a: Assessment) -> list[str]:
    """Two lines that annotate a target: its name and condition; P and the crossing year."""
    t = a.target
    head = t.name + ("" if a.condition == "none" else f", {a.condition}")
    if a.status == "met":
        return [head, f"met in {a.met_year} (data)"]
    if a.status == "missed":
        return [head, f"missed: not reached by {t.by} (data)"]
    cy = a.crossing_year
    assert cy is not None
    word = "by" if a.reading == "by" else "in"
    lo, hi = cy.interval(0.8)
    return [head, f"P(met {word} {t.by}) = {format_probability(a.probability)} · first met: "
                  f"median {format_year(cy.median, cy.horizon)}, 80% interval "
                  f"{format_year(lo, cy.horizon)}–{format_year(hi, cy.horizon)}"]


# -- helpers ---------------------------------------------------------------------------------
def _axes(ax: Axes | None, func: str = "plot") -> Axes:
    plt = pyplot()
    if ax is None:
        return plt.gca()
    from matplotlib.axes import Axes as _Axes

    if not isinstance(ax, _Axes):
        raise fail("ax", func, "a matplotlib Axes or None", type(ax).__name__)
    return ax


def _new_figure(fig: Figure | SubFigure | None, size: tuple[float, float]) -> Any:
    plt = pyplot()
    if fig is None:
        return plt.figure(figsize=size, layout="constrained")
    from matplotlib.figure import FigureBase

    if not isinstance(fig, FigureBase):
        raise fail("fig", "figure", "a matplotlib Figure, SubFigure or None", type(fig).__name__)
    return fig


def _tint(color: str, share: float) -> tuple[float, float, float]:
    from matplotlib.colors import to_rgb

    rgb = np.array(to_rgb(color))
    return tuple(float(c) for c in 1 - share * (1 - rgb))  # type: ignore[return-value]


def _integer_years(ax: Axes, axis: str = "x") -> None:
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    a = ax.xaxis if axis == "x" else ax.yaxis
    a.set_major_locator(MaxNLocator(integer=True, nbins="auto", min_n_ticks=3))
    a.set_major_formatter(FuncFormatter(lambda v, _pos: f"{v:.0f}"))


def _titles(ax: Axes, title: str | None, lines: Sequence[str], gid: str = "subtitle") -> None:
    """A bold title with smaller lines under it (the numbers), both left-aligned."""
    fs = float(ax.title.get_fontsize()) if title else 0.0
    if lines:
        sub = ax.text(0, 1, "\n".join(lines), transform=ax.transAxes, ha="left", va="bottom",
                      fontsize="small", gid=gid)
        sub_pts = len(lines) * float(sub.get_fontsize()) * 1.25
    else:
        sub_pts = 0.0
    if title:
        ax.set_title(title, loc="left", pad=6 + sub_pts if lines else 6, fontsize=fs or None)
    if lines:
        from matplotlib.transforms import offset_copy

        sub.set_transform(offset_copy(ax.transAxes, fig=cast(Any, ax.figure), y=4,
                                      units="points"))


def _check_assessment(obj: Any, func: str, name: str = "assessment") -> Assessment:
    if not isinstance(obj, Assessment):
        raise fail(name, func, "a tradepath Assessment (from tp.assess)", type(obj).__name__)
    return obj


def _quantiles(a: Assessment, flow: str, qs: Sequence[float]) -> pd.DataFrame:
    """Quantiles by year of the simulated ``flow`` (from ``bands`` when they hold them).

    ``flow`` is a key of ``a.paths`` or "deficit" (imports - exports) or "deficit_share".
    """
    qs = [round(float(q), 6) for q in qs]
    years = pd.Index(range(a.last_year + 1, a.last_year + 1 + _n_years(a)), name="year")
    if flow == a.target.flow and not a.bands.empty and all(q in a.bands.columns for q in qs):
        return a.bands.loc[:, qs]
    if flow == "deficit_share":
        x, m = a.paths["exports"], a.paths["imports"]
        arr = (m - x) / (x + m)
    elif flow == "deficit":
        arr = a.paths["imports"] - a.paths["exports"]
    else:
        arr = a.paths[flow]
    return pd.DataFrame(np.quantile(arr, qs, axis=0).T, index=years,
                        columns=pd.Index(qs, name="quantile"))


def _n_years(a: Assessment) -> int:
    return next(iter(a.paths.values())).shape[1] if a.paths else 0


_KIND_STYLE: dict[str, dict[str, Any]] = {
    "reported": dict(marker="o", mfc="black", mec="black", ms=5.5, label="reported"),
    "approximate": dict(marker="o", mfc="white", mec="black", ms=5.5, mew=1.2,
                        label="approximate"),
    "derived": dict(marker="s", mfc="white", mec="black", ms=5, mew=1.2,
                    label="derived (from a growth rate or identity)"),
    "converted": dict(marker="v", mfc="white", mec="black", ms=5, mew=1.2,
                      label="partner's statistics, converted"),
    "ambiguous": dict(marker="x", mfc="none", mec="#555555", ms=6, mew=1.4,
                      label="basis unstated"),
}


def _draw_points(ax: Axes, years: Any, values: Any, kinds: Any, *, color: str = "black",
                 labelled: set[str], zorder: float = 5) -> list[Any]:
    """Observed values marked by kind; returns the legend handles not yet in ``labelled``."""
    handles = []
    frame = pd.DataFrame({"y": np.asarray(years, dtype=float),
                          "v": np.asarray(values, dtype=float),
                          "k": [str(k) for k in kinds]}).dropna(subset=["v"])
    for kind, grp in frame.groupby("k", sort=False):
        if kind == "lower_bound":
            handles += _draw_bounds(ax, grp["y"], grp["v"], color=color, labelled=labelled,
                                    zorder=zorder)
            continue
        style = dict(_KIND_STYLE.get(str(kind), _KIND_STYLE["reported"]))
        label = style.pop("label")
        if color != "black":
            style["mec"] = color
            if style["mfc"] == "black":
                style["mfc"] = color
        (line,) = ax.plot(grp["y"], grp["v"], ls="none", zorder=zorder, gid=f"obs-{kind}",
                          **style)
        if label not in labelled:
            labelled.add(label)
            if color == "black":
                line.set_label(label)
                handles.append(line)
            else:  # the legend explains the marker, in black, whatever the series colour
                from matplotlib.lines import Line2D

                proxy = {k: v for k, v in _KIND_STYLE[str(kind)].items() if k != "label"}
                handles.append(Line2D([], [], ls="none", label=label, **proxy))
    return handles


def _draw_bounds(ax: Axes, years: Any, values: Any, *, color: str, labelled: set[str],
                 zorder: float) -> list[Any]:
    """A lower bound: a tick at the value, a stem upwards and a caret at its top."""
    from matplotlib.lines import Line2D
    from matplotlib.transforms import offset_copy

    handles = []
    for y, v in zip(years, values, strict=True):
        ax.plot([y], [v], ls="none", marker="_", ms=9, mew=1.6, color=color, zorder=zorder,
                gid="obs-lower_bound")
        # The stem is a fixed 14 points long, so it reads the same on linear and log axes.
        tr = offset_copy(ax.transData, fig=cast(Any, ax.figure), x=0, y=14, units="points")
        ax.annotate("", xy=(y, v), xycoords=tr, xytext=(y, v), textcoords="data",
                    arrowprops=dict(arrowstyle="-|>", color=color, lw=1.3,
                                    shrinkA=0, shrinkB=0, mutation_scale=9),
                    zorder=zorder, annotation_clip=False)
    label = "lower bound (\u201cmore than\u201d)"
    if label not in labelled:
        labelled.add(label)
        handles.append(Line2D([], [], color=color, marker="^", ms=6, mfc="white", lw=1.3,
                              label=label))
    return handles


def _history_points(history: pd.DataFrame, kinds: pd.DataFrame | None,
                    flow: str) -> tuple[pd.Series, pd.Series]:
    s = history[flow].dropna()
    if kinds is not None and not kinds.empty and flow in kinds.columns:
        k = kinds[flow].reindex(s.index).fillna("reported")
    else:
        k = pd.Series("reported", index=s.index)
    return s, k


def _extra_observations(data: Dataset | pd.DataFrame | None, flow: str, used: pd.Series,
                        kinds: pd.Series) -> pd.DataFrame:
    """Annual figures of ``flow`` not in the fitted series: bounds and figures on another
    basis, so the chart shows them (marked) rather than hiding them."""
    if data is None:
        return pd.DataFrame(columns=["year", "value", "kind"])
    obs = data if isinstance(data, pd.DataFrame) else data.observations
    obs = obs[(obs["flow"] == flow) & obs["period"].astype(str).str.fullmatch(r"\d{4}")]
    rows = []
    for r in obs.itertuples(index=False):
        year, value, kind = int(r.period), float(r.value_usd_bn), str(r.kind)
        if year in used.index and abs(float(used.loc[year]) - value) < 1e-9 \
                and kinds.get(year) == kind:
            continue
        if kind not in ("lower_bound", "ambiguous") and r.reporter == "VN":
            continue  # a point of the fitted basis, already drawn (or superseded)
        rows.append({"year": year, "value": value,
                     "kind": kind if kind == "lower_bound" else "ambiguous"})
    return pd.DataFrame(rows, columns=["year", "value", "kind"])


def _target_line(ax: Axes, t: Target, *, start: float, color: str = _TARGET,
                 label: str | None = None, gid: str = "target") -> list[Any]:
    x0 = min(float(t.announced) if t.announced is not None else start, float(t.by))
    (line,) = ax.plot([x0, t.by], [t.value, t.value], ls="--", lw=1.5, color=color,
                      zorder=4, gid=f"{gid}-line")
    (mark,) = ax.plot([t.by], [t.value], ls="none", marker="D", ms=6.5, mfc=color,
                      mec="black", mew=0.8, zorder=6, gid=f"{gid}-deadline")
    if label is not None:
        line.set_label(label)
    return [line, mark]


def _missed_same_level(t: Target, items: Sequence[Target | Assessment]) -> Target | None:
    """A missed target with the same level and flow as ``t`` and an earlier deadline."""
    for o in items:
        if isinstance(o, Assessment) and o.status == "missed" and o.target.flow == t.flow \
                and o.target.value == t.value and o.target.by < t.by:
            return o.target
    return None


# -- fan chart -------------------------------------------------------------------------------
def plot_fan(
    assessment: Assessment,
    *,
    ax: Axes | None = None,
    targets: Sequence[Target | Assessment] = (),
    data: Dataset | pd.DataFrame | None = None,
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
    data : Dataset or DataFrame of observations, optional
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
    labelled: set[str] = set()
    handles: list[Any] = []
    first_year = float(hist.index.min()) if len(hist) else float(a.last_year)

    # Fan: the bands start at the last observation, so the forecast visibly leaves the data.
    horizon = a.last_year + _n_years(a)
    all_targets = [a, *targets]
    deadlines = [(x.target if isinstance(x, Assessment) else x).by for x in all_targets]
    if end is None and a.paths:
        end = min(max(max(deadlines) + 5, a.last_year + 1), horizon)
    elif end is None:  # answered from the data: nothing to forecast
        end = max(max(deadlines), a.last_year) + 1
    top_clipped = False
    if a.status == "simulated" and a.paths:
        qs = sorted({q for lv in levels for q in ((1 - lv) / 2, (1 + lv) / 2)} | {0.5})
        qs = [round(q, 6) for q in qs]
        try:
            qf = _quantiles(a, flow, qs)
        except KeyError as exc:
            raise fail("levels", func, "levels whose quantiles the assessment holds",
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
                         label=f"median ({a.model})")
        handles.insert(0, med)
        outer_hi = qf[round((1 + levels[0]) / 2, 6)].max()
    else:
        outer_hi = -math.inf

    # Observations, then the ones not used in the fit (bounds, other bases).
    handles += _draw_points(ax, hist.index, hist.to_numpy(), kinds.to_numpy(),
                            labelled=labelled)
    extra = _extra_observations(data, flow, hist, kinds)
    if len(extra):
        handles += _draw_points(ax, extra["year"], extra["value"], extra["kind"],
                                labelled=labelled)

    # Targets: a dashed line from announcement to deadline, a diamond at the deadline. The
    # label at the diamond says what the data say; the box says what the model says.
    captions = []
    for i, obj in enumerate(all_targets):
        t = obj.target if isinstance(obj, Assessment) else obj
        earlier = _missed_same_level(t, all_targets)
        if earlier is not None:
            # The same level asked again after a missed deadline: continue its line, dotted,
            # to the new deadline; the box gives the numbers.
            ax.plot([earlier.by, t.by], [t.value, t.value], ls=":", lw=1.5, color=_TARGET,
                    zorder=4, gid=f"target{i}-line")
            ax.plot([t.by], [t.value], ls="none", marker="D", ms=6.5, mfc="white", mec=_TARGET,
                    mew=1.3, zorder=6, gid=f"target{i}-deadline")
        else:
            lab = "target (to its deadline)" if i == 0 else None
            parts = _target_line(ax, t, start=first_year, label=lab, gid=f"target{i}")
            if lab:
                handles.append(parts[0])
            name = t.name
            if isinstance(obj, Assessment) and obj.status == "met":
                name += f": met in {obj.met_year}"
            elif isinstance(obj, Assessment) and obj.status == "missed":
                name += ": missed"
            ax.annotate(name, xy=(t.by, t.value), xytext=(-5, 5), textcoords="offset points",
                        ha="right", va="bottom", fontsize="small", color="#8a3c00",
                        gid=f"target{i}-name")
        if isinstance(obj, Assessment) and obj.status == "simulated":
            captions.append(_target_caption(obj))

    # Axes, limits and the annotation box.
    ax.set_xlim(min(first_year, *deadlines) - 0.8, end + 0.8)
    values_max = max([float(hist.max()) if len(hist) else 0.0]
                     + [float(v) for v in extra["value"]]
                     + [(o.target if isinstance(o, Assessment) else o).value
                        for o in all_targets])
    if log:
        ax.set_yscale("log")
        from matplotlib.ticker import FuncFormatter, LogLocator

        ax.yaxis.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _p: f"{v:g}"))
        ax.yaxis.set_minor_formatter(FuncFormatter(lambda v, _p: ""))
        if ylim is None:
            lo = max(min(float(hist.min()) if len(hist) else values_max, values_max) / 1.6, 1e-3)
            if a.status == "simulated" and a.paths:
                lo = min(lo, float(qf[round((1 - levels[0]) / 2, 6)].min()) / 1.2)
            hi = max(values_max * 2.5, outer_hi * 1.1 if math.isfinite(outer_hi) else 0)
            ylim = (lo, hi)
    elif ylim is None:
        ylim = (0, values_max * 1.5)
    ax.set_ylim(*ylim)
    if math.isfinite(outer_hi) and outer_hi > ax.get_ylim()[1]:
        top_clipped = True
    _integer_years(ax)
    ax.set_xlabel("year")
    ax.set_ylabel(f"{flow} trade, US$ bn" if flow == "total" else f"{flow}, US$ bn")
    # The numbers go above the axes, under the title: they never cover the data.
    lines = [ln for c in captions for ln in c] if annotate else []
    _titles(ax, title, lines, gid="annotation")
    if top_clipped:
        for h in handles:
            if h.get_gid() == f"band-{levels[0]:g}":
                h.set_label(f"{levels[0]:.0%} band (runs above the chart)")
    if legend:
        ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.14),
                  ncol=3 if len(handles) > 4 else 2, fontsize="small",
                  handlelength=2.2, columnspacing=1.2)
    return ax


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
    color : str
        Bar colour.
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
    func = "plot_crossing"
    a = None
    if isinstance(obj, Assessment):
        a = obj
        if obj.crossing_year is None:
            raise fail("obj", func, "a simulated assessment (status 'simulated')",
                       f"an assessment with status {obj.status!r}",
                       "A target answered from the data has no crossing-year distribution; "
                       "assess the same level with a later deadline to ask when it is met.")
        cy = obj.crossing_year
        deadline = obj.target.by if deadline is None else deadline
    elif isinstance(obj, CrossingYear):
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
    lines.append(f"first met: median {format_year(cy.median, cy.horizon)}; {interval:.0%} "
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
    ticks = [y for y in years if int(y) % step == 0 and y < xnot - 2.5] if n else []
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


# -- exports, imports and balance ------------------------------------------------------------
def max_deficit(condition: BalanceCondition, total: Any, *, iterations: int = 60) -> np.ndarray:
    """The largest deficit ``m - x`` that meets ``condition`` at a given two-way ``total``.

    Found by bisection on ``d`` in ``[-total, total]`` with ``x = (total - d) / 2`` and
    ``m = (total + d) / 2``; every condition in :mod:`tradepath.balance` gets easier as the
    deficit shrinks, so the set of deficits that meet it is an interval below this value.
    NaN where even a balanced-trade surplus of ``total`` fails.

    Parameters
    ----------
    condition : BalanceCondition
        Bound to the data (see :meth:`BalanceCondition.bind`).
    total : float or array
        Two-way trade, US$ bn.

    Returns
    -------
    numpy.ndarray
    """
    t = np.asarray(total, dtype=float)
    lo, hi = -t.copy(), t.copy()

    def ok(d: np.ndarray) -> np.ndarray:
        return np.asarray(condition.holds((t - d) / 2, (t + d) / 2), dtype=bool)

    out_ok = ok(hi)
    feasible = ok(lo)
    for _ in range(iterations):
        mid = (lo + hi) / 2
        good = ok(mid)
        lo = np.where(good, mid, lo)
        hi = np.where(good, hi, mid)
    return np.where(out_ok, t, np.where(feasible, lo, np.nan))


def _balance_source(obj: Any, func: str) -> tuple[pd.DataFrame | None, Assessment | None,
                                                 BalanceCondition | None, str]:
    if isinstance(obj, Assessment):
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
        proj["total"] = proj["exports"] + proj["imports"]
        proj["deficit_share"] = proj["deficit"] / proj["total"]
        return proj, None, None, str(obj.attrs.get("name", "projection"))
    raise fail("obj", func, "an Assessment or a projection DataFrame", type(obj).__name__)


def plot_balance(
    obj: Assessment | pd.DataFrame,
    *,
    ax: Axes | None = None,
    show: Literal["flows", "share"] = "flows",
    history: Dataset | pd.DataFrame | None = None,
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
        "flows": exports, imports and the deficit in US$ bn, with the largest deficit the
        balance condition allows at the median total. "share": the deficit as a share of
        two-way trade, with the condition's threshold and, for an assessment, the probability
        that the condition holds in the deadline year.
    history : Dataset or annual DataFrame, optional
        Observed values (default: the assessment's history).
    history_kinds : DataFrame, optional
        Kinds of the history values (default: the assessment's, or the Dataset's).
    condition : BalanceCondition, optional
        Default: the assessment's target condition, bound to the data. Drawn where it applies:
        over the forecast years.
    level : float, optional
        Central band drawn around each median (assessments only); default 0.5 for "flows"
        (three overlapping bands stay readable) and 0.8 for "share".
    end : int, optional
        Last year shown; default five years after the target's deadline (assessments) or the
        projection's last year.
    label : str, optional
        Name of the forecast in the legend (default: the model, or the projection's
        ``attrs["name"]``).
    legend : bool or dict, default True
        Legend below the axes; a dict gives options for ``Axes.legend`` (e.g. ``ncol``).
    title : str, optional

    Returns
    -------
    matplotlib.axes.Axes

    Notes
    -----
    The deficit is ``imports - exports`` (Vietnam's side, so a positive value is Vietnam's
    deficit) and the deficit share ``(m - x) / (x + m)``. The condition's threshold is
    computed by :func:`max_deficit` at the median total, so a condition on the absolute
    deficit shows as a falling share.

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
    if condition is not None:
        cond = condition
    hk = history_kinds
    if history is None and a is not None:
        hist = a.history
        hk = a.history_kinds if hk is None else hk
    elif history is not None and not isinstance(history, pd.DataFrame):
        hist = history.annual()
        hk = history.annual_kinds() if hk is None else hk
    else:
        hist = history
    if cond is not None and hist is not None:
        cond = cond.bind(hist)
    if hist is not None:
        hist = hist.assign(deficit=hist["imports"] - hist["exports"])
        hist["deficit_share"] = hist["deficit"] / (hist["exports"] + hist["imports"])

    # The forecast frame: median and band edges by year (or the projection's one line).
    lo_q, hi_q = round((1 - level) / 2, 6), round((1 + level) / 2, 6)
    flows = ("exports", "imports", "deficit", "deficit_share", "total")
    if a is not None:
        fc = {f: _quantiles(a, f, (lo_q, 0.5, hi_q)) for f in flows}
        if end is None:
            end = a.target.by + 5
        fc = {f: q.loc[q.index <= end] for f, q in fc.items()}
    else:
        assert proj is not None
        if end is not None:
            proj = proj.loc[proj.index <= end]
        fc = {f: pd.DataFrame({lo_q: proj[f], 0.5: proj[f], hi_q: proj[f]}) for f in flows}
    years = fc["total"].index.to_numpy(dtype=float)
    labelled: set[str] = set()
    handles: list[Any] = []
    scale = 100.0 if show == "share" else 1.0

    def series(flow: str, color: str, ls: Any, text: str, tint: float) -> None:
        anchor: tuple[float, float] | None = None
        if hist is not None:
            s = hist[flow].dropna()
            if len(s):
                kind_col = "balance" if flow in ("deficit", "deficit_share") else flow
                kk = (hk[kind_col].reindex(s.index).fillna("reported")
                      if hk is not None and kind_col in hk.columns
                      else pd.Series("reported", index=s.index))
                handles.extend(_draw_points(ax, s.index, s.to_numpy() * scale, kk.to_numpy(),
                                            color=color if flow != "deficit_share" else "black",
                                            labelled=labelled))
                if s.index[-1] < years[0]:
                    anchor = (float(s.index[-1]), float(s.iloc[-1]) * scale)
        f = fc[flow] * scale
        x = years
        y_med, y_lo, y_hi = f[0.5].to_numpy(), f[lo_q].to_numpy(), f[hi_q].to_numpy()
        if anchor is not None:
            x = np.r_[anchor[0], x]
            y_med, y_lo, y_hi = (np.r_[anchor[1], y] for y in (y_med, y_lo, y_hi))
        band = None
        if a is not None and tint > 0:
            band = ax.fill_between(x, y_lo, y_hi, color=_tint(color, tint), lw=0, zorder=1,
                                   gid=f"band-{flow}", label=f"{text}: {level:.0%} band")
        (ln,) = ax.plot(x, y_med, color=color, ls=ls, lw=1.9, zorder=3, gid=f"line-{flow}",
                        label=f"{text}: median" if a is not None else text)
        handles.append(ln)
        if band is not None:
            handles.append(band)

    if show == "flows":
        series("imports", _IMPORTS, "--", "imports", 0.25)
        series("exports", _EXPORTS, "-", "exports", 0.25)
        series("deficit", _DEFICIT, "-.", "deficit", 0.0)
        if cond is not None:
            allowed = max_deficit(cond, fc["total"][0.5].to_numpy())
            (cl,) = ax.plot(years, allowed, color=_FORECAST, ls=":", lw=2.2, zorder=4,
                            gid="condition",
                            label="largest deficit the condition allows ("
                                  + ("median total)" if a is not None else "at that total)"))
            handles.append(cl)
        ax.set_ylabel("US$ bn")
        ax.axhline(0, color="#777777", lw=0.6, zorder=0)
    else:
        series("deficit_share", _DEFICIT, "-", "deficit share", 0.2)
        subtitle: list[str] = []
        if cond is not None:
            t_med = fc["total"][0.5].to_numpy()
            share = max_deficit(cond, t_med) / t_med * 100
            (cl,) = ax.plot(years, share, color=_TARGET, ls="--", lw=1.7, zorder=4,
                            gid="condition", label=f"condition: {cond.describe()}")
            handles.append(cl)
            top = max(float(np.nanmax(fc["deficit_share"][hi_q])) * 100, float(np.nanmax(share)))
            ax.fill_between(years, share, top * 1.2 + 5, facecolor="none", hatch="//",
                            edgecolor="none", hatchcolor=_tint(_TARGET, 0.6), lw=0, zorder=0,
                            gid="condition-fails", label="condition fails")
            handles.append(ax.collections[-1])
            if a is not None and a.target.by in fc["total"].index:
                k = a.target.by - a.last_year - 1
                p = float(np.mean(cond.holds(a.paths["exports"][:, k], a.paths["imports"][:, k])))
                subtitle.append(f"P(condition holds in {a.target.by}) = "
                                f"{format_probability(p)}")
        ax.set_ylabel("deficit, % of two-way trade")
        ax.axhline(0, color="#777777", lw=0.6, zorder=0)
    _integer_years(ax)
    ax.set_xlabel("year")
    if show == "flows":
        subtitle = [f"medians and {level:.0%} bands ({label} model)" if a is not None
                    else str(label)]
    _titles(ax, title, subtitle)
    if legend:
        opts: dict[str, Any] = dict(loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=2,
                                    fontsize="small")
        ax.legend(handles=handles, **(opts | (legend if isinstance(legend, dict) else {})))
    return ax


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
    plot_balance(obj, ax=left, show="flows", title="Exports, imports and deficit", **kwargs)
    plot_balance(obj, ax=right, show="share", title="Deficit share of two-way trade", **kwargs)
    return fig


# -- model comparison ------------------------------------------------------------------------
def plot_comparison(
    frame: pd.DataFrame,
    *,
    ax: Axes | None = None,
    deadline: int | None = None,
    title: str | None = None,
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

    Returns
    -------
    matplotlib.axes.Axes

    Notes
    -----
    Each simulated model is a row: a line over its 80 % crossing-year interval (an arrow when
    the upper end is after the horizon), a dot at the median, and its probability at the
    right. Models that were refused keep their row, with the reason.

    Examples
    --------
    >>> import tradepath as tp
    >>> from tradepath.plotting import plot_comparison
    >>> ds = tp.load_dataset()
    >>> table = tp.compare(ds, ds.target("150B by 2030"), n_paths=500)
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
    labels, right = [], []
    for i, row in enumerate(frame.itertuples(index=False)):
        y = n - 1 - i
        labels.append(str(row.model))
        status = str(row.status)
        if status == "simulated":
            lo, med, hi = (float(v) for v in (row.crossing_lower_80, row.crossing_median,
                                              row.crossing_upper_80))
            color = _FORECAST
            hi_end = hi if math.isfinite(hi) else x_hi + 0.6
            lo_end = lo if math.isfinite(lo) else x_hi + 0.6
            ax.plot([lo_end, hi_end], [y, y], ls="-", color=color, lw=3.2, solid_capstyle="butt",
                    zorder=3, gid=f"interval-{row.model}")
            if not math.isfinite(hi):
                ax.annotate("", xy=(x_hi + 0.9, y), xytext=(hi_end - 0.1, y),
                            arrowprops=dict(arrowstyle="-|>", color=color, lw=1.6,
                                            mutation_scale=10), zorder=3)
            if not math.isnan(med):  # a median after the horizon sits on the "after" tick
                ax.plot([med if math.isfinite(med) else x_hi + 0.9], [y], ls="none",
                        marker="o", ms=7, mfc="white", mec="black", mew=1.3, zorder=4,
                        gid=f"median-{row.model}")
            right.append(f"P = {format_probability(float(row.probability))}")
        elif status in ("met", "missed"):
            msg = (f"{status} in the data" if status == "missed"
                   else f"met in {int(row.met_year)} (data)" if "met_year" in frame.columns
                   and pd.notna(row.met_year) else "met (data)")
            ax.text(x_lo, y, msg, va="center", ha="left", fontsize="small")
            right.append(f"P = {format_probability(float(row.probability))}")
        else:
            msg = textwrap.shorten(str(row.message), width=80, placeholder=" …")
            ax.text(x_lo, y, f"refused: {msg}", va="center", ha="left", fontsize="x-small",
                    color="#555555", style="italic", gid=f"refused-{row.model}")
            right.append("refused")
    if deadline is not None:
        ax.axvline(deadline + 0.5, color=_TARGET, ls="--", lw=1.4, zorder=2, gid="deadline")
    ax.set_yticks(range(n), labels[::-1])
    ax.set_ylim(-0.7, n - 0.3)
    ax.set_xlim(x_lo - 1, x_hi + 1.2)
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
        ticks = [t for t in ax.get_xticks() if x_lo - 1 <= t <= horizon - 1.5]
        ax.set_xticks([*ticks, x_hi + 0.9], [f"{t:.0f}" for t in ticks] + [f"after\n{horizon}"])
    ax.set_xlabel("year first met: median (dot) and 80% interval (bar)"
                  + ("; dashed: end of the deadline year" if deadline is not None else ""))
    ax.set_title(title if title is not None else target)
    return ax


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
    for f, ax, d in zip(frames, axes, deadlines, strict=True):
        plot_comparison(f, ax=ax, deadline=d)
    return fig


# -- scenarios and the feasible region -------------------------------------------------------
def _scenario_frames(obj: Any, data: Dataset | None, func: str) -> dict[str, pd.DataFrame]:
    """Projections by scenario name from Scenario objects (projected on ``data``), a mapping
    name -> projection, or a long frame with a ``scenario`` column."""
    from .scenarios import Scenario

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


def plot_feasible(
    region: Any,
    *,
    ax: Axes | None = None,
    legend: bool = True,
    title: str | None = None,
) -> Axes:
    """Export x import growth rates, shaded where the target is met by its deadline.

    Parameters
    ----------
    region : FeasibleRegion
        From :func:`tradepath.scenarios.feasible_region`: a boolean grid ``met`` (import
        rates x export rates), its ``export_rates`` and ``import_rates``, and the historical
        rates.
    ax : matplotlib Axes, optional
    legend : bool, default True
    title : str, optional
        Default: the region's target.

    Returns
    -------
    matplotlib.axes.Axes
    """
    func = "plot_feasible"
    grid, xr, mr, hist = _region_parts(region, func)
    ax = _axes(ax, func)
    from matplotlib.colors import ListedColormap
    from matplotlib.patches import Patch

    xs, ms = np.asarray(xr, float) * 100, np.asarray(mr, float) * 100
    met_color = _tint(OKABE_ITO["bluish_green"], 0.55)
    ex, em = _edges(xs), _edges(ms)
    if grid.any() and not grid.all() and len(xs) > 1 and len(ms) > 1:
        # Filled contours, not a mesh: a few vector polygons however fine the grid.
        ax.contourf(xs, ms, grid.astype(float), levels=[0.5, 1.5], colors=[met_color],
                    zorder=1)
        ax.contour(xs, ms, grid.astype(float), levels=[0.5], colors="black", linewidths=1.2,
                   zorder=3)
        # Not met: a sparse grey hatch, so the two areas differ without colour.
        cs = ax.contourf(xs, ms, (~grid).astype(float), levels=[0.5, 1.5], colors="none",
                         hatches=["\\\\"], zorder=2)
        cs.set_hatchcolor("#a0a0a0")
        cs.set_hatch_linewidth(0.5)
    else:
        ax.pcolormesh(ex, em, grid.astype(float),
                      cmap=ListedColormap(cast(Any, ["white", met_color])),
                      vmin=0, vmax=1, shading="flat", zorder=1, rasterized=grid.size > 10_000)
    lo, hi = max(xs.min(), ms.min()), min(xs.max(), ms.max())
    if lo < hi:
        (eq,) = ax.plot([lo, hi], [lo, hi], color="#555555", lw=0.9, ls=(0, (4, 3)), zorder=3,
                        gid="equal-growth", label="exports and imports grow alike")
    handles: list[Any] = [
               Patch(fc=met_color, ec="black", lw=0.6, label="target met by its deadline"),
               Patch(fc="white", ec="black", lw=0.6, hatch="\\\\", hatchcolor="#a0a0a0",
                     label="not met")]
    if lo < hi:
        handles.append(eq)
    sub = []
    for i, (name, (gx, gm)) in enumerate(hist.items()):
        (pt,) = ax.plot([gx * 100], [gm * 100], ls="none",
                        marker=("*", "P", "X", "o")[i % 4], ms=13 if i == 0 else 9,
                        mfc=(OKABE_ITO["orange"], OKABE_ITO["sky_blue"], "white", "black")[i % 4],
                        mec="black", mew=1.0, zorder=5, gid=f"historical-{i}",
                        label=f"{name}: exports {gx:+.1%}, imports {gm:+.1%}")
        handles.append(pt)
        contains = getattr(region, "contains", None)
        if callable(contains):
            verdict = "meets" if contains(gx, gm) else "does not meet"
            sub.append(f"{name} {verdict} the target")
    ax.set_xlim(xs.min(), xs.max()) if len(xs) > 1 else ax.set_xlim(ex[0], ex[-1])
    ax.set_ylim(ms.min(), ms.max()) if len(ms) > 1 else ax.set_ylim(em[0], em[-1])
    ax.set_xlabel("export growth, % a year (constant)")
    ax.set_ylabel("import growth, % a year (constant)")
    ax.grid(False)
    t = getattr(region, "target", None)
    if title is None and t is not None:
        title = t.name if isinstance(t, Target) else str(t)
    cond = getattr(region, "condition", None)
    lines = []
    if cond and cond != "none":
        lines.append(f"with {cond}")
    base_year = getattr(region, "base_year", None)
    if base_year is not None:
        lines.append(f"both flows growing at constant rates from {base_year}; "
                     f"{grid.mean():.0%} of the grid meets it")
    lines += sub
    _titles(ax, title, lines)
    if legend:
        ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=2,
                  fontsize="small")
    return ax


def _edges(c: np.ndarray) -> np.ndarray:
    if len(c) == 1:
        return np.array([c[0] - 0.5, c[0] + 0.5])
    mid = (c[1:] + c[:-1]) / 2
    return np.r_[c[0] - (mid[0] - c[0]), mid, c[-1] + (c[-1] - mid[-1])]


def _region_parts(region: Any, func: str) -> tuple[np.ndarray, np.ndarray, np.ndarray,
                                                   dict[str, tuple[float, float]]]:
    try:
        xr = np.asarray(region.export_rates, dtype=float)
        mr = np.asarray(region.import_rates, dtype=float)
        grid = np.asarray(region.met, dtype=bool)
    except AttributeError:
        raise fail("region", func, "a result of tradepath.scenarios.feasible_region",
                   type(region).__name__) from None
    if grid.shape != (len(mr), len(xr)):
        if grid.shape == (len(xr), len(mr)):
            grid = grid.T
        else:
            raise ParameterError(
                f"{func}: the grid has shape {grid.shape}; expected (import rates, export "
                f"rates) = ({len(mr)}, {len(xr)})"
            )
    hist = getattr(region, "historical", None)
    out: dict[str, tuple[float, float]] = {}
    if isinstance(hist, Mapping) and "exports" in hist and "imports" in hist:
        span = (f" {int(hist['from'])}–{int(hist['to'])}" if "from" in hist and "to" in hist
                else "")
        out[f"observed growth{span}"] = (float(hist["exports"]), float(hist["imports"]))
    elif isinstance(hist, Mapping):
        for k, v in hist.items():
            out[str(k)] = (float(v[0]), float(v[1]))
    return grid, xr, mr, out
