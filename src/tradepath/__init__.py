"""tradepath: Vietnam–South Korea bilateral trade, growth models and honest target assessment.

The public names are re-exported here; heavy dependencies (matplotlib, statsmodels) load only
when a function needs them.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from . import backtest, balance, models, plotting, report, scenario_files, scenarios
from .assess import Assessment, CrossingYear, assess, compare
from .backtest import calibration, event_backtest
from .batch import assess_many
from .data import Dataset, load_dataset
from .errors import (
    DataError,
    ModelError,
    ParameterError,
    ScenarioFileError,
    TradepathError,
    TradepathWarning,
    UnknownNameError,
)
from .models import DEFAULT_MODEL, MODELS, get_model
from .report import write_report
from .scenarios import Scenario, deficit_path, growth, ramp, share_path, shock
from .targets import Target

try:
    __version__ = version("tradepath")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0+unknown"

__all__ = [
    "DEFAULT_MODEL",
    "MODELS",
    "Assessment",
    "CrossingYear",
    "DataError",
    "Dataset",
    "ModelError",
    "ParameterError",
    "Scenario",
    "ScenarioFileError",
    "Target",
    "TradepathError",
    "TradepathWarning",
    "UnknownNameError",
    "__version__",
    "assess",
    "assess_many",
    "backtest",
    "balance",
    "calibration",
    "compare",
    "deficit_path",
    "event_backtest",
    "get_model",
    "growth",
    "load_dataset",
    "models",
    "plotting",
    "ramp",
    "report",
    "scenario_files",
    "scenarios",
    "share_path",
    "shock",
    "write_report",
]
