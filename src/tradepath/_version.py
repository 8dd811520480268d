"""The installed version of tradepath, in a module of its own so that any module can read it
without importing the package ``__init__``."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

__all__ = ["__version__"]

try:
    __version__: str = version("tradepath")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0+unknown"
