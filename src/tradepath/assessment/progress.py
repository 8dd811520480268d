"""Progress towards a target from the data alone: required and observed growth, the on-track
ratio and its label, and whether the data already answer (met or missed).

One copy, used by :func:`tradepath.assess` (one series) and :func:`tradepath.assess_many`
(many series as arrays).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

__all__ = [
    "OBSERVED_WINDOW",
    "ON_TRACK_BANDS",
    "data_status",
    "observed_growth",
    "on_track",
    "on_track_label",
    "on_track_labels",
    "required_rate",
]

#: Eurostat's bands for the ratio of observed to required growth (SDG progress assessment).
ON_TRACK_BANDS = (
    (0.95, "on track"),
    (0.60, "moderate progress"),
    (0.0, "insufficient progress"),
    (-math.inf, "moving away"),
)

#: Observed growth runs from the first observation in the last this many years (at least the
#: second-to-last observation) to the last one.
OBSERVED_WINDOW = 5


def required_rate(target: Any, last_value: Any, years_ahead: Any) -> np.ndarray:
    """Constant annual growth from ``last_value`` that reaches ``target`` in ``years_ahead``
    years: ``(target / last_value) ** (1 / years_ahead) - 1``; NaN where no year is ahead."""
    ahead = np.asarray(years_ahead, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(ahead > 0, (np.asarray(target, dtype=float)
                                    / np.asarray(last_value, dtype=float)) ** (1 / ahead) - 1,
                        np.nan)


def observed_growth(first_value: Any, first_year: Any, last_value: Any,
                    last_year: Any) -> np.ndarray:
    """Compound annual growth between two observations (the window is the caller's: see
    :data:`OBSERVED_WINDOW`)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return ((np.asarray(last_value, dtype=float) / np.asarray(first_value, dtype=float))
                ** (1 / (np.asarray(last_year, dtype=float) - np.asarray(first_year, dtype=float)))
                - 1)


def on_track_labels(ratio: np.ndarray) -> np.ndarray:
    """The :data:`ON_TRACK_BANDS` label of each observed/required growth ratio (vectorised)."""
    ratio = np.asarray(ratio, dtype=float)
    return np.select([ratio >= lo for lo, _ in ON_TRACK_BANDS[:-1]],
                     [name for _, name in ON_TRACK_BANDS[:-1]], ON_TRACK_BANDS[-1][1])


def on_track(observed: Any, required: Any) -> tuple[np.ndarray, np.ndarray]:
    """Ratio of observed to required growth and its label, element by element.

    A required growth <= 0 (the target is already at or below the last value) gives ratio
    ``inf`` and "on track" when growth is not below it, else ``-inf`` and "moving away".
    """
    observed = np.asarray(observed, dtype=float)
    required = np.asarray(required, dtype=float)
    pos = required > 0
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(pos, observed / np.where(pos, required, 1.0),
                         np.where(observed >= required, np.inf, -np.inf))
    ratio = np.where(np.isnan(required), np.nan, ratio)
    return ratio, on_track_labels(ratio)


def on_track_label(observed: float, required: float) -> tuple[float, str]:
    """Ratio of observed to required growth and its label, as in Eurostat's SDG assessment.

    Bands: ratio >= 0.95 "on track"; 0.60-0.95 "moderate progress"; 0-0.60 "insufficient
    progress"; below 0 "moving away". A required growth <= 0 (the target is already at or
    below the last value) gives ratio ``inf`` and "on track" when growth is not negative.

    References
    ----------
    Eurostat (2023), "Sustainable development in the European Union — Monitoring report",
    methodological annex: assessment of progress towards quantitative targets.
    """
    ratio, label = on_track(observed, required)
    return float(ratio), str(label)


def data_status(met_year: Any, by: Any, last_year: Any) -> np.ndarray:
    """What the data say without a model: "met" (met in an observed year up to the deadline,
    ``met_year`` finite), "missed" (deadline at or before the last observation, not met), or
    "" (open: a model must answer)."""
    met_year = np.asarray(met_year, dtype=float)
    met = np.isfinite(met_year)
    missed = ~met & (np.asarray(by) <= np.asarray(last_year))
    return np.where(met, "met", np.where(missed, "missed", "")).astype(object)
