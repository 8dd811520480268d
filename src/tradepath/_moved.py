"""Module paths of earlier versions and where their contents live now.

``import tradepath.pool`` (or ``from tradepath import scenario_files``) fails with a message
that names the new module, instead of a bare "No module named".
"""

from __future__ import annotations

import sys
from typing import Any

__all__ = ["MOVED", "install_moved_finder", "moved_message"]

#: Old module -> its new home (a package's submodules moved with it).
MOVED: dict[str, str] = {
    "tradepath.assess": "tradepath.assessment.core",
    "tradepath.crossing": "tradepath.assessment.crossing",
    "tradepath.progress": "tradepath.assessment.progress",
    "tradepath.pool": "tradepath.assessment.pool",
    "tradepath.outside_view": "tradepath.reference.views",
    "tradepath.logistic": "tradepath.reference.logistic",
    "tradepath.balance": "tradepath.targets.balance",
    "tradepath._checks": "tradepath.data.checks",
    "tradepath.scenario_files": "tradepath.scenarios.files",
    "tradepath.bottom_line": "tradepath.verdict",
    "tradepath.backtest": "tradepath.backtesting",
    "tradepath.sources.dashboard": "tradepath.sources.monitoring",
}


def moved_message(name: str) -> str:
    """The error message for ``name``, a module path of an earlier version."""
    old = next(m for m in sorted(MOVED, key=len, reverse=True)
               if name == m or name.startswith(m + "."))
    return f"No module named {name!r}: it moved to {MOVED[old] + name[len(old):]!r}."


class _MovedFinder:
    """Last on ``sys.meta_path``: asked only for names no other finder found (a finder needs
    only ``find_spec``; importlib.abc's base class would cost 20 ms of every import)."""

    def find_spec(self, fullname: str, path: Any = None, target: Any = None) -> None:
        if any(fullname == m or fullname.startswith(m + ".") for m in MOVED):
            # name=None: ``from tradepath import x`` passes the message on, not a generic one
            raise ModuleNotFoundError(moved_message(fullname))
        return None


def install_moved_finder() -> None:
    if not any(isinstance(f, _MovedFinder) for f in sys.meta_path):
        sys.meta_path.append(_MovedFinder())
