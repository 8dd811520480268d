"""The defaults shared by every public function, the command line and the report, declared
once so that a notebook, the report and the CLI cannot give three answers.

One number of paths answers a question (:data:`DEFAULT_PATHS`); the three lower ones are for
work that repeats a simulation many times and says so in its name.
"""

from __future__ import annotations

from collections.abc import Iterable

__all__ = [
    "BATCH_PATHS",
    "CALIBRATION_PATHS",
    "DEFAULT_PATHS",
    "DEFAULT_REPORTER",
    "DEFAULT_SEED",
    "FORECAST_PATHS",
    "HORIZON",
    "default_horizon",
]

#: Paths per assessment or simulation (``assess``, the report, the CLI, ``simulate``): the
#: Monte Carlo standard error of a probability is at most 0.5 / sqrt(20 000) = 0.35
#: percentage points, below the whole per cent shown.
DEFAULT_PATHS = 20_000
#: Paths per series when many series are assessed at once (``assess_many``, the dashboard,
#: the rolling-origin ``backtest``): at most 1.1 percentage points of Monte Carlo error each.
BATCH_PATHS = 2_000
#: Paths behind a forecast's bands and an event backtest's probabilities (``forecast``,
#: ``plot_forecast``, ``event_backtest``): quantiles to about 1 % of the level.
FORECAST_PATHS = 4_000
#: Paths per fit in loops that fit hundreds of times (``calibration``, the ensemble's weights).
CALIBRATION_PATHS = 400
#: The seed every stochastic function uses unless given one: same call, same numbers.
DEFAULT_SEED = 0
#: Last simulated year: far enough that "not met by the horizon" is rare for the targets asked
#: (a later deadline moves it out with it); years beyond it read "after 2050".
HORIZON = 2050
#: The reporting country whose figures are fitted (Vietnam's basis, the documents').
DEFAULT_REPORTER = "VN"


def default_horizon(deadlines: Iterable[int]) -> int:
    """The last simulated year for targets with these deadlines: :data:`HORIZON`, or the
    latest deadline if later.

    Examples
    --------
    >>> default_horizon([2030]), default_horizon([2030, 2060])
    (2050, 2060)
    """
    return max(HORIZON, *(int(y) for y in deadlines))
