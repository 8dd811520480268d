"""The probability each model gave to targets with a known outcome (:func:`plot_event_backtest`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .._validation import fail
from ._parts import _axes, _is
from .style import _SERIES, _TARGET

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from ..backtesting import EventBacktest

__all__ = ["plot_event_backtest"]

_MARKERS = ("o", "s", "D", "^", "v", "P", "X", "h")


def plot_event_backtest(
    backtest: EventBacktest,
    *,
    ax: Axes | None = None,
    legend: bool = True,
    title: str | None = None,
) -> Axes:
    """Each model's probability at announcement for each target, against the outcome.

    One column per target (in the order of :attr:`EventBacktest.events`), one marker per
    model at the probability it gave; the outcome is a vermillion bar at 1 (met) or 0
    (missed). The legend gives each model's Brier score. Refused models and unknown outcomes
    draw nothing (they are in :attr:`EventBacktest.notes`).

    Parameters
    ----------
    backtest : EventBacktest
        From :func:`tradepath.event_backtest`.
    ax : matplotlib Axes, optional
    legend : bool, default True
    title : str, optional

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import tradepath as tp
    >>> from tradepath.plotting import plot_event_backtest
    >>> ds = tp.load_dataset()
    >>> eb = tp.event_backtest(ds.series("total"), [ds.target("100B by 2023")], ["cagr"])
    >>> ax = plot_event_backtest(eb)
    >>> ax.get_ylabel()
    'P(met) at announcement'
    """
    func = "plot_event_backtest"
    if not _is(backtest, "tradepath.backtesting.events", "EventBacktest"):
        raise fail("backtest", func, "an EventBacktest (from tp.event_backtest)",
                   type(backtest).__name__)
    ax = _axes(ax, func)
    ev = backtest.events
    names = list(dict.fromkeys(ev["target"]))
    x_of = {n: i for i, n in enumerate(names)}
    models = list(backtest.scores["model"])
    width = 0.6 / max(len(models), 1)
    outcome = ev.drop_duplicates("target").set_index("target")["outcome"]
    known = outcome.dropna()
    if len(known):
        ax.plot([x_of[n] for n in known.index], known.to_numpy(dtype=float), ls="none",
                marker="_", ms=22, mew=3, color=_TARGET, zorder=2, gid="outcome",
                label="outcome (1 met, 0 missed)")
    for i, model in enumerate(models):
        ok = ev[(ev["model"] == model) & (ev["status"] == "scored")]
        brier = backtest.scores.loc[backtest.scores["model"] == model, "brier"].iloc[0]
        offset = (i - (len(models) - 1) / 2) * width
        ax.plot(np.array([x_of[n] for n in ok["target"]], dtype=float) + offset,
                ok["probability"].to_numpy(dtype=float), ls="none",
                marker=_MARKERS[i % len(_MARKERS)], ms=7, mec="black", mew=0.6,
                color=_SERIES[i % len(_SERIES)], zorder=3, gid=f"model-{model}",
                label=f"{model} (Brier {brier:.3f}, {len(ok)} scored)"
                if np.isfinite(brier) else f"{model} (none scored)")
    ax.set_xticks(range(len(names)), names, rotation=30, ha="right")
    ax.set_xlim(-0.6, len(names) - 0.4)
    ax.set_ylim(-0.05, 1.05)
    ax.set_ylabel("P(met) at announcement")
    if title:
        ax.set_title(title)
    if legend:
        ax.legend(loc="center left", bbox_to_anchor=(1.01, 0.5), fontsize="small")
    return ax
