"""The region of export and import growth that meets a target (:func:`plot_feasible`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, cast

import numpy as np

from .._validation import fail
from ..errors import ParameterError
from ..targets.target import Target
from ._parts import _axes, _tint, _titles
from .style import OKABE_ITO

if TYPE_CHECKING:
    from matplotlib.axes import Axes


__all__ = ["plot_feasible"]


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
        # Filled contours, not a mesh: a few vector polygons however fine the grid. The 2-D
        # coordinates made once for the three contour sets.
        gx, gy = np.meshgrid(xs, ms)
        z = grid.astype(float)
        ax.contourf(gx, gy, z, levels=[0.5, 1.5], colors=[met_color], zorder=1)
        ax.contour(gx, gy, z, levels=[0.5], colors="black", linewidths=1.2, zorder=3)
        # Not met: a sparse grey hatch, so the two areas differ without colour.
        cs = ax.contourf(gx, gy, 1.0 - z, levels=[0.5, 1.5], colors="none",
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
        lines.append(f"both flows growing at constant rates from {base_year}")
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
