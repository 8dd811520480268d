"""Drawing parts shared by the figures: axes, titles, observed points, bounds, target lines."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, cast

import numpy as np
import pandas as pd

from .._format import format_probability, format_year
from .._lazy import pyplot
from .._validation import fail
from ..targets.target import Target
from .style import _TARGET

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure, SubFigure

    from ..assessment.results import Assessment
    from ..data import Dataset

__all__ = []


def _is(obj: Any, module: str, cls: str) -> bool:
    """Whether ``obj`` is an instance of ``module.cls``, without importing ``module``: an
    object of that class exists only once its module is loaded, so the figures never load
    (or import) the domain to check what they were given."""
    mod = sys.modules.get(module)
    return mod is not None and isinstance(obj, getattr(mod, cls))


def _is_assessment(obj: Any) -> bool:
    return _is(obj, "tradepath.assessment.results", "Assessment")


# -- formatting ------------------------------------------------------------------------------
def _target_caption(a: Assessment) -> list[str]:
    """Two lines that annotate a target: its name and condition; P and the crossing year."""
    t = a.target
    head = t.name + ("" if a.condition == "none" else f", {a.condition}")
    if a.status == "met":
        return [head, f"met in {a.met_year} (data)"]
    if a.status == "missed":
        return [head, f"missed: not reached by {t.by} (data)"]
    if a.status == "unknown":
        return [head, f"unknown: the data cannot show a miss by {t.by}"]
    cy = a.crossing_year
    assert cy is not None
    word = "by" if a.reading == "by" else "in"
    return [head, f"P(met {word} {t.by}) = {format_probability(a.probability)} · first met: "
                  f"median {format_year(cy.median, cy.horizon)}, 80% interval "
                  f"{cy.interval_text(0.8)}"]


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
    if not _is_assessment(obj):
        raise fail(name, func, "a tradepath Assessment (from tp.assess)", type(obj).__name__)
    return obj


def _quantiles(a: Assessment, flow: str, qs: Sequence[float]) -> pd.DataFrame:
    """Quantiles by year of the simulated ``flow`` (from ``bands`` when they hold them).

    ``flow`` is a key of ``a.paths`` or "deficit" (imports - exports), "balance" (exports -
    imports) or "deficit_share".
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
    elif flow == "balance":
        arr = a.paths["exports"] - a.paths["imports"]
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
    "fused": dict(marker="o", mfc="black", mec="black", ms=4, label="fused estimate "
                  "(every figure, both bases)"),
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

                proxy = {k: v for k, v in _KIND_STYLE.get(str(kind), _KIND_STYLE["reported"])
                         .items() if k != "label"}
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
        if _is_assessment(o) and o.status in ("missed", "unknown") \
                and o.target.flow == t.flow \
                and o.target.value == t.value and o.target.by < t.by:
            return o.target
    return None
