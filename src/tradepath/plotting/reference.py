"""The reference-class figure: outcomes of historical trade targets against their ambition.

matplotlib is imported only inside :func:`plot_reference`, through :mod:`tradepath._lazy`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from .._validation import check_real, fail
from ._parts import _is

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from ..reference.rates import BaseRate

__all__ = ["plot_reference"]

# Okabe-Ito: bluish green for met, vermillion for missed, blue for the fit (grey-scale safe:
# the markers also differ in shape and fill).
_MET, _MISSED, _FIT = "#009E73", "#D55E00", "#0072B2"


def plot_reference(
    base: BaseRate,
    *,
    ax: Axes | None = None,
    level: float = 0.8,
    label_points: bool = False,
    **kwargs: Any,
) -> Axes:
    """Plot historical targets' outcomes against their ambition, with the fitted base rate.

    Each resolved target whose ambition is computable is a marker at its growth gap (required
    minus trailing annual growth, in percentage points) and at 1 (met: filled circle) or 0
    (missed: open square); the logistic fit of :func:`tradepath.reference.base_rate` is drawn
    as a line with its ``level`` band, and the overall base rate as a dotted line.

    Parameters
    ----------
    base : BaseRate
        The result of :func:`~tradepath.base_rate` (``tp.base_rate().plot()`` draws this
        figure too).
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; the current Axes by default.
    level : float, default 0.8
        Coverage of the band around the fitted curve (normal approximation on the logit scale).
    label_points : bool, default False
        Write the pair and target next to each marker.
    **kwargs
        Passed to the fitted line's ``ax.plot``.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import tradepath as tp
    >>> from tradepath.plotting import plot_reference
    >>> ax = plot_reference(tp.base_rate())
    >>> ax.get_ylabel()
    'P(target met by its deadline)'
    """
    from .._lazy import pyplot

    func = "plot_reference"
    check_real("level", func, level, lo=0.0, hi=1.0)
    if not 0.0 < level < 1.0:
        raise fail("level", func, "strictly between 0 and 1", level)
    if not _is(base, "tradepath.reference.rates", "BaseRate"):
        raise fail("base", func, "a BaseRate from base_rate()", type(base).__name__)
    plt = pyplot()
    if ax is None:
        ax = plt.gca()
    rows = base.resolved[base.resolved["growth_gap"].notna()]
    gap = 100.0 * rows["growth_gap"].to_numpy(float)
    met = (rows["outcome"] == "met").to_numpy()
    # spread markers that share an outcome vertically a little, so none hides another
    offset = np.zeros(len(rows))
    for flag in (True, False):
        idx = np.flatnonzero(met == flag)
        offset[idx[np.argsort(gap[idx])]] = 0.025 * (np.arange(idx.size) % 3 - 1)
    y = met.astype(float) + offset
    ax.scatter(gap[met], y[met], marker="o", color=_MET, zorder=3, label="met")
    ax.scatter(gap[~met], y[~met], marker="s", facecolors="none", edgecolors=_MISSED,
               zorder=3, label="missed")
    if label_points:
        for g, yy, r in zip(gap, y, rows.itertuples(), strict=True):
            ax.annotate(f"{r.pair} {r.target_usd_bn:g} by {r.deadline}", (g, yy),
                        xytext=(4, -10 if yy < 0.5 else 6), textcoords="offset points",
                        fontsize=6, rotation=30)
    lo = min(gap.min(initial=0.0), 0.0) - 5.0
    hi = max(gap.max(initial=0.0), 0.0) + 5.0
    if base.fit is not None:
        grid = np.linspace(lo, hi, 200)
        pred = base.fit.predict(grid / 100.0, level=level)
        ax.fill_between(grid, pred["lower"], pred["upper"], color=_FIT, alpha=0.2, lw=0,
                        label=f"{level:.0%} band")
        ax.plot(grid, pred["p"], color=_FIT, **{"label": "logistic fit", **kwargs})
    ax.axhline(base.rate, color="0.3", ls=":", lw=1,
               label=f"base rate {base.n_met}/{base.n_resolved}")
    ax.axvline(0.0, color="0.6", lw=0.8)
    ax.set_xlim(lo, hi)
    ax.set_ylim(-0.1, 1.1)
    ax.set_xlabel("ambition: required minus trailing annual growth (percentage points)")
    ax.set_ylabel("P(target met by its deadline)")
    ax.set_title(f"Historical bilateral trade targets ({len(rows)} with computable ambition)",
                 fontsize=9)
    ax.legend(fontsize=7, loc="center right")
    return ax
