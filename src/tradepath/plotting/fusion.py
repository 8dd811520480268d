"""The fused history: each basis's figures, the fused estimate with its band, the basis gap."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from .._validation import check_choice, fail
from ._parts import _axes, _integer_years, _tint
from .style import _FORECAST, OKABE_ITO

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes

    from ..fusion import FusedDataset

__all__ = ["plot_basis_gap", "plot_fused"]

_BASIS_STYLE: dict[str, dict[str, Any]] = {"VN": dict(marker="o", color=OKABE_ITO["black"]),
                "KR": dict(marker="^", color=OKABE_ITO["orange"])}


def _check(ds: Any, func: str) -> FusedDataset:
    from ..fusion import FusedDataset

    if not isinstance(ds, FusedDataset):
        raise fail("ds", func, "a FusedDataset (tp.fuse)", type(ds).__name__)
    return ds


def _fused_frame(ds: Any, flow: str, start: int | None, ax: Axes | None,
                 func: str) -> tuple[FusedDataset, str, Axes, pd.DataFrame]:
    """The checked history, flow and axes, and the history's frame of ``flow`` from
    ``start``."""
    ds = _check(ds, func)
    flow = check_choice("flow", func, flow, tuple(ds.flows))
    ax = _axes(ax, func)
    est = ds.to_frame().xs(flow, level="flow")
    if start is not None:
        est = est[est.index >= start]
    return ds, flow, ax, est


def plot_fused(ds: FusedDataset, *, flow: str = "total", start: int | None = None,
               ax: Axes | None = None) -> Axes:
    """Each basis's figures, and the fused estimate on the chosen basis with its 80 % band.

    Parameters
    ----------
    ds : FusedDataset
        From :func:`tradepath.fuse`.
    flow : {"total", "exports", "imports"}, default "total"
    start : int, optional
        First year drawn (default: the first year with a figure).
    ax : matplotlib Axes, optional

    Returns
    -------
    Axes
    """
    from ..fusion import BASIS_NAMES

    ds, flow, ax, est = _fused_frame(ds, flow, start, ax, "plot_fused")
    years = est.index.to_numpy()
    ax.fill_between(years, est["lower"], est["upper"], color=_tint(_FORECAST, 0.38),
                    lw=0, label="fused estimate, 80 % band")
    ax.plot(years, est["estimate"], color=_FORECAST, lw=1.6,
            label=f"fused estimate on {BASIS_NAMES[ds.basis]} basis")
    used = ds.used[(ds.used["flow"] == flow) & ds.used["year"].isin(years)]
    for basis in ("VN", "KR"):
        u = used[used["reporter"] == basis]
        if len(u):
            ax.plot(u["year"], u["value_usd_bn"], ls="none", ms=4.5, mfc="none", mew=1.1,
                    label=f"figures on {BASIS_NAMES[basis]} basis", **_BASIS_STYLE[basis])
    ax.set_yscale("log")
    ax.set_xlabel("year")
    ax.set_ylabel(f"{flow}, US$ bn (log scale)")
    _integer_years(ax)
    ax.legend(loc="upper left", fontsize=7.5, frameon=False)
    return ax


def plot_basis_gap(ds: FusedDataset, *, flow: str = "total", start: int | None = None,
                   ax: Axes | None = None) -> Axes:
    """The estimated gap between the bases over time (other / chosen), with its 80 % band,
    and the ratio in each year with a figure on both bases.

    Parameters and Returns as :func:`plot_fused`.
    """
    from ..fusion import BASIS_NAMES

    ds, flow, ax, est = _fused_frame(ds, flow, start, ax, "plot_basis_gap")
    years = est.index.to_numpy()
    other = "KR" if ds.basis == "VN" else "VN"
    pct = 100.0
    ax.fill_between(years, (est["gap_lower"] - 1) * pct, (est["gap_upper"] - 1) * pct,
                    color=_tint(_FORECAST, 0.38), lw=0, label="estimated gap, 80 % band")
    ax.plot(years, (est["gap"] - 1) * pct, color=_FORECAST, lw=1.4, label="estimated gap")
    seen = est[est["own_figure"].notna() & est["other_figure"].notna()]
    if len(seen):
        ax.plot(seen.index, (seen["other_figure"] / seen["own_figure"] - 1) * pct, ls="none",
                marker="D", ms=3.5, color=OKABE_ITO["black"], label="both bases published")
    ax.axhline(0, color="#888888", lw=0.6)
    ax.set_xlabel("year")
    ax.set_ylabel(f"{BASIS_NAMES[other]} over {BASIS_NAMES[ds.basis]}, %")
    _integer_years(ax)
    lo = float(np.nanmin((est["gap_lower"] - 1) * pct))
    hi = float(np.nanmax((est["gap_upper"] - 1) * pct))
    ax.set_ylim(min(lo, -2.0) - 1, max(hi, 2.0) + 1)
    ax.legend(loc="upper left", fontsize=7, frameon=False)
    return ax
