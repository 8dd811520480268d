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
...     ax = plot_fan(a, ds=ds)
>>> ax.get_xlabel()
'year'
"""

from __future__ import annotations

from .backtest import plot_event_backtest
from .balance import balance_figure, plot_balance
from .comparison import comparison_figure, plot_comparison
from .crossing import crossing_figure, plot_crossing
from .fan import plot_fan, plot_forecast
from .feasible import plot_feasible
from .fusion import plot_basis_gap, plot_fused
from .reference import plot_reference
from .scenarios import plot_scenario_paths, plot_scenarios, scenario_figure
from .style import BAND_LEVELS, COLORS, LINESTYLES, OKABE_ITO, report_rc, report_style, source_note

__all__ = [
    "BAND_LEVELS",
    "COLORS",
    "LINESTYLES",
    "OKABE_ITO",
    "balance_figure",
    "comparison_figure",
    "crossing_figure",
    "plot_balance",
    "plot_basis_gap",
    "plot_comparison",
    "plot_crossing",
    "plot_event_backtest",
    "plot_fan",
    "plot_feasible",
    "plot_forecast",
    "plot_fused",
    "plot_reference",
    "plot_scenario_paths",
    "plot_scenarios",
    "report_rc",
    "report_style",
    "scenario_figure",
    "source_note",
]
