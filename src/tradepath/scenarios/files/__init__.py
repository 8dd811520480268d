"""Scenario files: scenarios, targets and the outputs wanted, in TOML.

A scenario file is read with the standard library's :mod:`tomllib` and checked key by key;
nothing in it is ever executed. :func:`run_file` (``tradepath scenario run FILE --out DIR``)
evaluates it and writes the results into a new directory, all at once: the files are written
into a temporary directory beside ``DIR`` and moved into place only when every one is
complete, so a failure leaves no ``DIR`` at all.

The format is documented in ``docs/scenarios.md``; ``examples/*.toml`` has one file per
common question. A short one::

    title = "12 % exports, 5 % imports"

    [defaults]
    start = 2024
    end = 2035

    [[target]]
    name = "150B by 2030, more balanced"
    value = 150
    by = 2030
    balance = "more_balanced"

    [[scenario]]
    name = "baseline"
    exports = { growth = 0.12 }
    imports = { growth = 0.05 }

Errors are :class:`~tradepath.errors.ScenarioFileError`: they name the file, the key (arrays of
tables numbered from 1, e.g. ``scenario[2].exports.ramp.from``) and, when it can be found in
the text, its line.
"""

from __future__ import annotations

from .evaluation import ScenarioResults, evaluate
from .read import (
    FeasibleQuestion,
    Outputs,
    RequiredQuestion,
    ScenarioFile,
    Simulation,
    read_scenario_file,
)
from .write import WRITERS, run_file  # noqa: F401 - WRITERS: the old path

__all__ = [
    "FeasibleQuestion",
    "Outputs",
    "RequiredQuestion",
    "ScenarioFile",
    "ScenarioResults",
    "Simulation",
    "evaluate",
    "read_scenario_file",
    "run_file",
]
