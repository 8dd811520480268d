"""tradepath: Vietnam–South Korea bilateral trade, growth models and honest target assessment.

The public names are re-exported here and load on first use (PEP 562), so ``import tradepath``
costs little more than ``import pandas``; matplotlib and statsmodels load only when a function
needs them. Submodules stay importable as ``tradepath.<name>``.
"""

from __future__ import annotations

import importlib
from typing import Any

from ._moved import MOVED, install_moved_finder, moved_message

#: The public API, kept once: each public name and the module that defines it (relative to
#: this package). ``__all__`` is its keys; a name loads on first use.
_EXPORTS: dict[str, str] = {
    "__version__": "._version",
    # errors and warnings
    "DataError": ".errors",
    "Interrupted": ".errors",
    "ModelError": ".errors",
    "OutputError": ".errors",
    "OutputExistsError": ".errors",
    "ParameterError": ".errors",
    "ScenarioFileError": ".errors",
    "SourceError": ".errors",
    "TradepathError": ".errors",
    "TradepathWarning": ".errors",
    "UnknownNameError": ".errors",
    # data
    "Dataset": ".data",
    "cross_check": ".data",
    "load_dataset": ".data",
    "mirror_ratios": ".data",
    "FusedDataset": ".fusion",
    "alternative_answers": ".fusion.answers",
    "fuse": ".fusion",
    # targets, models, scenarios
    "Target": ".targets",
    "DEFAULT_MODEL": ".models",
    "MODELS": ".models",
    "get_model": ".models",
    "Scenario": ".scenarios",
    "compare_scenarios": ".scenarios",
    "deficit_path": ".scenarios",
    "growth": ".scenarios",
    "ramp": ".scenarios",
    "share_path": ".scenarios",
    "shock": ".scenarios",
    # the reference class and the outside view
    "base_rate": ".reference",
    "outside_view": ".reference",
    "reference_series": ".data.reference",
    "reference_summary": ".reference",
    "reference_targets": ".data.reference",
    # the assessment, its evaluation and the verdict
    "Assessment": ".assessment",
    "CrossingYear": ".assessment",
    "assess": ".assessment",
    "compare_models": ".assessment",
    "assess_many": ".batch",
    "backtest": ".backtesting",
    "calibration": ".backtesting",
    "event_backtest": ".backtesting",
    "bottom_line": ".verdict",
    "write_report": ".report",
}

#: Modules reachable as attributes without an import (``tp.balance.more_balanced``,
#: ``tp.plotting``); they are namespaces, not public names.
_NAMESPACES: dict[str, str] = {
    "balance": ".targets.balance",
    **{m: f".{m}" for m in ("assessment", "backtesting", "batch", "data", "errors", "fusion",
                            "models", "plotting", "reference", "report", "scenarios", "sources",
                            "targets", "verdict")},
}

__all__ = sorted(_EXPORTS)

install_moved_finder()


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        value = getattr(importlib.import_module(_EXPORTS[name], __name__), name)
        globals()[name] = value  # later look-ups skip this function
        return value
    if name in _NAMESPACES:
        return importlib.import_module(_NAMESPACES[name], __name__)
    if f"{__name__}.{name}" in MOVED:
        raise AttributeError(moved_message(f"{__name__}.{name}"))
    raise AttributeError(f"module 'tradepath' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *_EXPORTS, *_NAMESPACES})
