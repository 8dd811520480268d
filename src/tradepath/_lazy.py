"""The one place heavy optional modules are imported, on first use.

``import tradepath`` must stay light: matplotlib and statsmodels load only inside the
functions that need them, through these helpers.
"""

from __future__ import annotations

import importlib
import os
import sys
from types import ModuleType

__all__ = ["lazy_import", "pyplot"]


def lazy_import(name: str) -> ModuleType:
    """Import module ``name`` on demand (e.g. ``"statsmodels.api"``)."""
    return importlib.import_module(name)


def pyplot() -> ModuleType:
    """Return ``matplotlib.pyplot``, selecting the non-interactive Agg backend if none is set."""
    import matplotlib

    if "matplotlib.pyplot" not in sys.modules and not os.environ.get("MPLBACKEND"):
        if "ipykernel" not in sys.modules:  # keep inline plots in Jupyter
            matplotlib.use("Agg")
    return importlib.import_module("matplotlib.pyplot")
