"""Words for readers: model names, probabilities, years, growth, balance conditions."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Literal

from .. import _format as _fmt
from .._format import MODEL_LABELS, model_label
from ..targets.balance import BalanceCondition, DeficitShareAtMost

if TYPE_CHECKING:
    pass

__all__ = ["MODEL_LABELS", "condition_words", "format_probability", "format_year", "model_label"]

VerdictKind = Literal["met", "missed", "unknown", "pending"]

#: Years of data before the last one over which the recent growth is measured (as in
#: :func:`tradepath.assess`).
RECENT_WINDOW = 5


def _finite(x: float) -> float | None:
    return float(x) if x is not None and math.isfinite(x) else None


def format_probability(p: float) -> str:
    """A probability as a whole per cent, as the text pages write it ("7 %", "<1 %", "–")."""
    if p is None or not math.isfinite(p):
        return "–"
    return _fmt.format_probability(p).replace("%", " %")


def format_year(year: float, horizon: int | None) -> str:
    """A year, or "after <horizon>" for a year beyond the simulation (``inf``); "–" if unknown."""
    if year is None or (isinstance(year, float) and math.isnan(year)):
        return "–"
    return _fmt.format_year(year, horizon)


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
            return f"{gap} {op} its latest level, {_pct1(cond.max)} of trade in {base}"
        return f"{gap} {op} {_pct1(cond.max)} of trade"
    return cond.describe()


