"""tradepath: Vietnam–South Korea bilateral trade, growth models and honest target assessment.

The public names are re-exported here and load on first use (PEP 562), so ``import tradepath``
costs little more than ``import pandas``; matplotlib and statsmodels load only when a function
needs them. Submodules stay importable as ``tradepath.<name>``.
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import TYPE_CHECKING, Any

#: Public name -> the module that defines it (relative to this package).
_EXPORTS: dict[str, str] = {
    "__version__": "._version",
    "Assessment": ".assessment",
    "CrossingYear": ".assessment",
    "assess": ".assessment",
    "compare": ".assessment",
    "compare_models": ".assessment",
    "compare_scenarios": ".scenarios",
    "TradepathDeprecationWarning": "._deprecation",
    "backtest": ".backtesting",
    "calibration": ".backtesting",
    "event_backtest": ".backtesting",
    "assess_many": ".batch",
    "Dataset": ".data",
    "load_dataset": ".data",
    "FusedDataset": ".fusion",
    "fuse": ".fusion",
    "alternative_answers": ".fusion.answers",
    "DataError": ".errors",
    "ModelError": ".errors",
    "ParameterError": ".errors",
    "ScenarioFileError": ".errors",
    "SourceError": ".errors",
    "TradepathError": ".errors",
    "TradepathWarning": ".errors",
    "UnknownNameError": ".errors",
    "DEFAULT_MODEL": ".models",
    "MODELS": ".models",
    "get_model": ".models",
    "write_report": ".report",
    "Scenario": ".scenarios",
    "deficit_path": ".scenarios",
    "growth": ".scenarios",
    "ramp": ".scenarios",
    "share_path": ".scenarios",
    "shock": ".scenarios",
    "Target": ".targets",
    "OutputError": ".errors",
    "OutputExistsError": ".errors",
    "Interrupted": ".errors",
    "cross_check": ".data",
    "mirror_ratios": ".data",
    "reference_targets": ".reference",
    "reference_series": ".reference",
    "reference_summary": ".reference",
    "base_rate": ".reference",
    "outside_view": ".reference",
    "bottom_line": ".verdict",
}

#: Submodules reachable as attributes (``tp.balance``) for code written before the lazy
#: package; they are not public names of the package itself.
_SUBMODULES = {"balance": ".targets.balance",
               **{m: f".{m}" for m in ("assessment", "backtesting", "batch", "data", "errors",
                                       "models", "plotting", "reference", "report", "scenarios",
                                       "targets", "verdict")}}

#: The public names (the keys of _EXPORTS; a test checks that the two agree).
__all__ = [
    "DEFAULT_MODEL",
    "MODELS",
    "Assessment",
    "CrossingYear",
    "DataError",
    "Dataset",
    "FusedDataset",
    "Interrupted",
    "ModelError",
    "OutputError",
    "OutputExistsError",
    "ParameterError",
    "Scenario",
    "ScenarioFileError",
    "SourceError",
    "Target",
    "TradepathDeprecationWarning",
    "TradepathError",
    "TradepathWarning",
    "UnknownNameError",
    "__version__",
    "alternative_answers",
    "assess",
    "assess_many",
    "backtest",
    "base_rate",
    "bottom_line",
    "calibration",
    "compare",
    "compare_models",
    "compare_scenarios",
    "cross_check",
    "deficit_path",
    "event_backtest",
    "fuse",
    "get_model",
    "growth",
    "load_dataset",
    "mirror_ratios",
    "outside_view",
    "ramp",
    "reference_series",
    "reference_summary",
    "reference_targets",
    "share_path",
    "shock",
    "write_report",
]


class _Package(types.ModuleType):
    """The package module; a submodule named like a public function (``tradepath.assess``)
    must not replace that function when the import system binds the submodule here."""

    def __setattr__(self, name: str, value: Any) -> None:
        if isinstance(value, types.ModuleType) and _EXPORTS.get(name) == f".{name}":
            value = getattr(value, name)
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        value = getattr(importlib.import_module(_EXPORTS[name], __name__), name)
    elif name in _SUBMODULES:
        value = importlib.import_module(_SUBMODULES[name], __name__)
    else:
        raise AttributeError(f"module 'tradepath' has no attribute {name!r}")
    if name not in _SUBMODULES:
        globals()[name] = value  # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_EXPORTS, *_SUBMODULES})


if TYPE_CHECKING:  # static analysers and IDEs see the names directly
    from ._deprecation import TradepathDeprecationWarning
    from ._version import __version__
    from .assessment.core import Assessment, assess, compare, compare_models
    from .assessment.crossing import CrossingYear
    from .backtesting import backtest, calibration, event_backtest
    from .batch import assess_many
    from .data import Dataset, cross_check, load_dataset, mirror_ratios
    from .errors import (
        DataError,
        Interrupted,
        ModelError,
        OutputError,
        OutputExistsError,
        ParameterError,
        ScenarioFileError,
        SourceError,
        TradepathError,
        TradepathWarning,
        UnknownNameError,
    )
    from .fusion import FusedDataset, fuse
    from .fusion.answers import alternative_answers
    from .models import DEFAULT_MODEL, MODELS, get_model
    from .reference.rates import base_rate, reference_series, reference_summary, reference_targets
    from .reference.views import outside_view
    from .report import write_report
    from .scenarios import (
        Scenario,
        compare_scenarios,
        deficit_path,
        growth,
        ramp,
        share_path,
        shock,
    )
    from .targets.target import Target
    from .verdict import bottom_line
