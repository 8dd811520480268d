"""Backtesting: how good were the models' forecasts and probabilities, out of sample?

Three tools:

- :func:`backtest` — rolling origin over an observed (irregular) series: point accuracy
  (MASE, MAPE), interval coverage and CRPS per model;
- :func:`event_backtest` — targets with a known outcome: the probability each model gave when
  the target was announced, and its Brier score;
- :func:`calibration` — the same questions on synthetic series from known processes
  (:func:`synthetic_series`), many at once: the evidence behind the default model.
"""

from __future__ import annotations

from ..models.scoring import crps_sample
from .events import EventBacktest, event_backtest
from .rolling import backtest
from .synthetic import PROCESSES, calibration, synthetic_series

__all__ = [
    "PROCESSES",
    "EventBacktest",
    "backtest",
    "calibration",
    "crps_sample",
    "event_backtest",
    "synthetic_series",
]
