"""Targets with a known outcome: the probability each model gave at announcement
(:func:`event_backtest`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .._defaults import DEFAULT_SEED, FORECAST_PATHS
from .._display import ResultDisplay
from .._validation import check_cells, check_int, check_rng, fail
from ..errors import ModelError
from ..models import GrowthModel
from ..targets.target import Target
from .rolling import _resolve_models, _series

__all__ = ["EventBacktest", "event_backtest"]


@dataclass(frozen=True, slots=True)
class EventBacktest(ResultDisplay):
    """Result of :func:`event_backtest`.

    Attributes
    ----------
    events : DataFrame
        One row per (target, model): ``target``, ``announced``, ``by``, ``value``,
        ``outcome`` (1.0 met, 0.0 missed, NaN unknown), ``outcome_detail`` (e.g. "met in
        2012 (20)"), ``model``, ``status`` (``"scored"``, ``"refused"`` or
        ``"unknown outcome"``), ``n_train`` (observations up to the announcement),
        ``probability``, ``brier`` and ``message`` (why a model refused).
    scores : DataFrame
        One row per model: ``model``, ``n_events`` (scored), ``n_refused``, ``brier`` (mean
        over scored events; NaN if none).
    notes : tuple of str
        What could not be scored and why.
    """

    events: pd.DataFrame
    scores: pd.DataFrame
    notes: tuple[str, ...] = ()

    def to_frame(self) -> pd.DataFrame:
        """The per-event table (:attr:`events`)."""
        return self.events

    def summary(self) -> str:
        """The Brier score of each model, with the notes."""
        return "\n".join([f"Brier score by model ({len(self.events)} target x model rows):",
                          self.scores.to_string(index=False), *self.notes])

    def plot(self, *, ax: Any = None, **kwargs: Any) -> Any:
        """Each model's probability against the outcome (see
        :func:`tradepath.plotting.plot_event_backtest`; keyword arguments go to it)."""
        from ..plotting import plot_event_backtest

        return plot_event_backtest(self, ax=ax, **kwargs)

    def __repr__(self) -> str:
        return f"<EventBacktest: {len(self.events)} target x model rows>\n{self.scores}"


def _outcome(s: pd.Series, target: Target, announced: int) -> tuple[float, str]:
    window = s[(s.index > announced) & (s.index <= target.by)]
    met = window[window >= target.value]
    if len(met):
        return 1.0, f"met in {int(met.index[0])} ({met.iloc[0]:g})"
    missing = sorted(set(range(announced + 1, target.by + 1)) - {int(y) for y in window.index})
    if missing:
        return np.nan, f"not met in the observed years; years {missing} are unobserved"
    return 0.0, f"not met by {target.by}"


def event_backtest(
    series: pd.Series,
    targets: Sequence[Target] | Target,
    models: Sequence[str | GrowthModel] | None = None,
    *,
    n_paths: int = FORECAST_PATHS,
    seed: Any = DEFAULT_SEED,
) -> EventBacktest:
    """Score the probabilities models gave, at announcement, for targets with known outcome.

    Parameters
    ----------
    series : pandas.Series
        The annual levels of the target's flow, indexed by year.
    targets : Target or sequence of Target
        Each needs ``announced``. The outcome is computed from ``series``: met if the level
        reaches ``value`` in an observed year after ``announced`` and up to ``by``; missed if
        every one of those years is observed and none does; otherwise unknown (not scored).
    models : sequence of str or GrowthModel, optional
        Default: every model in :data:`tradepath.models.MODELS`.
    n_paths : int, default 4000
    seed : int, numpy.random.Generator or None, default 0

    Returns
    -------
    EventBacktest
        Per-event probabilities and per-model Brier scores.

    Raises
    ------
    ParameterError
        A target without ``announced``, or a bad argument.

    Notes
    -----
    Each model is fitted on the observations up to and including the announcement year and
    simulated to ``by``; the probability is the share of paths reaching ``value`` in some
    year after the announcement and up to ``by``. The Brier score is
    :math:`(p - o)^2`, :math:`o \\in \\{0, 1\\}`; lower is better, 0.25 is what a constant
    50 % earns. Models that refuse (for example with too few observations before the
    announcement) are listed as refused, not scored. A balance condition on a target is
    ignored here: only the level is scored.

    Examples
    --------
    >>> import tradepath as tp
    >>> ds = tp.load_dataset()
    >>> from tradepath.backtesting import event_backtest
    >>> eb = event_backtest(ds.series("total"), ds.target("20B by 2015"), ["random_walk"])
    >>> eb.events.loc[0, "status"]
    'refused'
    """
    func = "event_backtest"
    s = _series(series, func, 1)
    if isinstance(targets, Target):
        targets = [targets]
    if not isinstance(targets, Sequence) or not targets:
        raise fail("targets", func, "a Target or a non-empty sequence of Target", targets)
    for t in targets:
        if not isinstance(t, Target):
            raise fail("targets", func, "Target objects", t)
        if t.announced is None:
            raise fail("targets", func, "targets with an announcement year ('announced')", t,
                       "Set Target(..., announced=year).")
    resolved, labels = _resolve_models(models, func)
    n_paths = check_int("n_paths", func, n_paths, lo=10)
    rng = check_rng("seed", func, seed)
    rows: list[dict[str, Any]] = []
    notes: list[str] = []
    for target in targets:
        announced = int(target.announced)  # type: ignore[arg-type]
        outcome, how = _outcome(s, target, announced)
        train = s[s.index <= announced]
        if target.balance is not None:
            notes.append(f"{target.name}: the balance condition is ignored; the level is scored.")
        base = {"target": target.name, "announced": announced, "by": target.by,
                "value": target.value, "outcome": outcome, "outcome_detail": how,
                "n_train": len(train)}
        streams = rng.spawn(len(resolved))
        for model, label, stream in zip(resolved, labels, streams, strict=True):
            row = base | {"model": label, "probability": np.nan, "brier": np.nan}
            if np.isnan(outcome):
                rows.append(row | {"status": "unknown outcome", "message": ""})
                continue
            try:
                if target.by <= announced:
                    raise ModelError("the deadline is not after the announcement")
                fit = model.fit(train)
                check_cells(func, n_paths, target.by - fit.last_year, n_arrays=4)
                paths = fit.simulate_array(n_paths=n_paths, end=target.by, seed=stream)
            except ModelError as exc:
                rows.append(row | {"status": "refused", "message": str(exc)})
                continue
            after = np.arange(fit.last_year + 1, target.by + 1) > announced
            p = float(np.mean(np.any(paths[:, after] >= target.value, axis=1)))
            rows.append(row | {"status": "scored", "probability": p,
                               "brier": (p - outcome) ** 2, "message": ""})
        scored = sum(r["status"] == "scored" for r in rows[-len(resolved):])
        if scored == 0 and not np.isnan(outcome):
            notes.append(
                f"{target.name}: no model could be fitted on the {len(train)} observation(s) "
                f"up to {announced}; nothing to score."
            )
        if np.isnan(outcome):
            notes.append(f"{target.name}: outcome unknown ({how}); not scored.")
    cols = ["target", "announced", "by", "value", "outcome", "outcome_detail", "model",
            "status", "n_train", "probability", "brier", "message"]
    events = pd.DataFrame(rows, columns=cols)
    score_rows = []
    for label in labels:
        sub = events[events["model"] == label]
        ok = sub[sub["status"] == "scored"]
        score_rows.append({"model": label, "n_events": len(ok),
                           "n_refused": int((sub["status"] == "refused").sum()),
                           "brier": float(ok["brier"].mean()) if len(ok) else np.nan})
    scores = pd.DataFrame(score_rows, columns=["model", "n_events", "n_refused", "brier"])
    return EventBacktest(events=events, scores=scores, notes=tuple(dict.fromkeys(notes)))
