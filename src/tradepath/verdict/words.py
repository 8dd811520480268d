"""Words for readers: model names, probabilities, years, growth, balance conditions."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Literal

from .._format import MODEL_LABELS, model_label
from ..targets.balance import BalanceCondition, DeficitShareAtMost

if TYPE_CHECKING:
    pass

__all__ = ["MODEL_LABELS", "condition_words", "model_label"]

VerdictKind = Literal["met", "missed", "unknown", "pending"]

#: Years of data before the last one over which the recent growth is measured (as in
#: :func:`tradepath.assess`).
RECENT_WINDOW = 5


def _finite(x: float) -> float | None:
    return float(x) if x is not None and math.isfinite(x) else None


def _growth(g: float) -> str:
    return "–" if g is None or not math.isfinite(g) else f"{g:+.1%}".replace("%", " %")


def _pct1(x: float) -> str:
    return f"{x:.1%}".replace("%", " %")


def condition_words(cond: BalanceCondition | None) -> str:
    """A balance condition in plain words, without nested brackets ("none" for None)."""
    if cond is None:
        return "none"
    if isinstance(cond, DeficitShareAtMost):
        gap = "deficit or surplus" if cond.two_sided else "deficit"
        op = "below" if cond.strict else "at most"
        base = getattr(cond, "base_year", None)
        if base:
            level = {"set": "its level when the target was set",
                     "after set": "its first level after the target was set",
                     "given": f"its {base} level"}.get(getattr(cond, "when", ""),
                                                       "its latest level")
            return f"{gap} {op} {level}, {_pct1(cond.max)} of trade in {base}"
        return f"{gap} {op} {_pct1(cond.max)} of trade"
    return cond.describe()


