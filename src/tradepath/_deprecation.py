"""Deprecated names: the warning they raise and the one helper that raises it."""

from __future__ import annotations

import warnings

from .errors import TradepathWarning

__all__ = ["TradepathDeprecationWarning", "warn_deprecated"]


class TradepathDeprecationWarning(TradepathWarning, DeprecationWarning):
    """A name or keyword of tradepath that is renamed; the old one still works for now."""


def warn_deprecated(old: str, new: str, *, stacklevel: int = 3) -> None:
    """Warn that ``old`` is deprecated in favour of ``new`` (pointing at the caller's line)."""
    warnings.warn(f"{old} is deprecated; use {new} instead.", TradepathDeprecationWarning,
                  stacklevel=stacklevel)
