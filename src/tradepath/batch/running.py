"""Assessing many series at once (:func:`assess_many`)."""

from __future__ import annotations

import math
import os
from concurrent.futures import Executor, ProcessPoolExecutor
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .._defaults import BATCH_PATHS, DEFAULT_SEED, HORIZON
from .._validation import check_cells, check_choice, check_int, check_seed, check_year, fail
from ..assessment.progress import (
    OBSERVED_WINDOW,
    data_status,
    observed_growth,
    on_track,
    required_rate,
)
from ..targets.target import Target
from .kernel import _assess_chunk, _random_walk_fit, _rw_crossing_counts
from .rules import _no_error, _resolve_targets
from .table import (
    _CROSSING_LEVELS,
    _INT_COLUMNS,
    _MAX_STEPS,
    _STR_COLUMNS,
    RESULT_COLUMNS,
    Method,
    Multiple,
    _prepare,
    _Table,
)

if TYPE_CHECKING:
    from ..models import GrowthModel

__all__ = ["assess_many"]


# -- the batch --------------------------------------------------------------------------------


def _check_targets_type(targets: Any, id_col: str) -> None:
    if not isinstance(targets, Target | Multiple | pd.DataFrame):
        raise fail("targets", "assess_many",
                   "a tradepath Target, a batch rule such as Multiple(2.0, by=2030), or a "
                   f"DataFrame with columns {id_col!r}, 'target' and 'by'", targets)


def _resolve_model(model: Any, method: str) -> tuple[GrowthModel, bool]:
    from ..models import GrowthModel, RandomWalk, get_model

    if not isinstance(model, str | GrowthModel):
        raise fail("model", "assess_many", "a model name or a GrowthModel", model,
                   "E.g. model='random_walk'; see tradepath.models.MODELS.")
    gm = get_model(model)
    vectorised = type(gm) is RandomWalk
    if method == "vectorised" and not vectorised:
        raise fail("method", "assess_many", "'auto' or 'per_series' for this model", method,
                   f"Only the random walk has a vectorised path; {gm.name!r} runs per series.")
    return gm, vectorised and method != "per_series"


def _empty(ids: pd.Index, id_col: str) -> dict[str, Any]:
    n = len(ids)
    cols: dict[str, Any] = {id_col: ids.to_numpy() if n else ids[:0].to_numpy()}
    for c in RESULT_COLUMNS:
        if c in _STR_COLUMNS:
            cols[c] = np.full(n, "", dtype=object)
        elif c == "n_obs":
            cols[c] = np.zeros(n, dtype=np.int64)
        else:
            cols[c] = np.full(n, np.nan)
    return cols


def _frame(cols: dict[str, Any], id_col: str, id_dtype: Any) -> pd.DataFrame:
    out = pd.DataFrame({id_col: pd.Series(cols[id_col], dtype=id_dtype)})
    for c in RESULT_COLUMNS:
        if c in _INT_COLUMNS:
            v = np.asarray(cols[c], dtype=float)
            gone = ~np.isfinite(v)
            out[c] = pd.arrays.IntegerArray(np.where(gone, 0, v).astype(np.int64), gone)
        elif c in _STR_COLUMNS:
            out[c] = pd.Series(cols[c], dtype="str")
        elif c == "n_obs":
            out[c] = np.asarray(cols[c], dtype=np.int64)
        else:
            out[c] = np.asarray(cols[c], dtype=float)
    return out


def assess_many(
    frame: pd.DataFrame,
    targets: Target | Multiple | pd.DataFrame,
    *,
    id_col: str = "pair",
    time_col: str = "year",
    value_col: str = "value",
    model: str | GrowthModel = "random_walk",
    n_paths: int = BATCH_PATHS,
    seed: Any = DEFAULT_SEED,
    horizon: int | None = None,
    n_jobs: int = 1,
    method: Method = "auto",
) -> pd.DataFrame:
    """Assess many series against their targets at once: one row per series.

    Parameters
    ----------
    frame : DataFrame
        A long table, one row per series and year: ``id_col`` (the series), ``time_col``
        (whole years or dates) and ``value_col`` (US$ bn); any order; a missing value is a gap.
    targets : Target, Multiple or DataFrame
        One :class:`tradepath.Target` for every series; a rule such as
        ``Multiple(2.0, by=2030)`` (double the last value by 2030); or a DataFrame with
        columns ``id_col``, ``target`` (level) and ``by`` (deadline).
    id_col, time_col, value_col : str, default "pair", "year", "value"
    model : str or GrowthModel, default "random_walk"
        A registry name (:data:`tradepath.models.MODELS`) or a configured model.
    n_paths : int, default 2000
        Simulated paths per series.
    seed : int, numpy.random.Generator or None, default 0
        Same seed, same numbers, whatever the batch around a series or ``n_jobs`` (a
        Generator or None gives one integer seed, drawn once).
    horizon : int, optional
        Last simulated year; default 2050 or each target's deadline if later.
    n_jobs : int, default 1
        Workers (threads on the vectorised path, processes on the per-series path); -1 uses
        every core. Results do not depend on it.
    method : {"auto", "vectorised", "per_series"}, default "auto"
        "auto": vectorised when the model has such a path (the random walk); "per_series"
        calls :func:`tradepath.assess` once per series (rows then equal ``tp.assess``).

    Returns
    -------
    DataFrame
        One row per series, sorted by id (when ids can be sorted): ``id_col`` and
        :data:`RESULT_COLUMNS` (``status``, ``probability``, crossing-year quantiles, growth
        needed and observed, ``on_track``, ``error``; see the guide's "What comes back").

    Raises
    ------
    DataError, ParameterError, UnknownNameError
        A missing column; a bad argument (the message names it); an unknown model name.

    Notes
    -----
    A series that cannot be assessed gets status "error" and the reason in ``error``; the
    batch goes on. The random walk runs vectorised with shared draws (within Monte Carlo
    error of ``tp.assess``); other models call ``tp.assess`` per series with the seed
    ``series_seed(seed, id)``. The method is in the guide's "Many pairs at once".

    Examples
    --------
    >>> import pandas as pd
    >>> from tradepath.batch import Multiple, assess_many
    >>> frame = pd.DataFrame({
    ...     "pair": ["A"] * 4 + ["B"] * 4,
    ...     "year": [2020, 2021, 2022, 2023] * 2,
    ...     "value": [10.0, 11.0, 12.5, 13.0, 5.0, 5.2, 5.1, 5.3],
    ... })
    >>> out = assess_many(frame, Multiple(1.5, by=2030), n_paths=500)
    >>> out[["pair", "target", "status"]].round(2).to_dict("list")
    {'pair': ['A', 'B'], 'target': [19.5, 7.95], 'status': ['simulated', 'simulated']}
    """
    func = "assess_many"
    n_paths, seed, horizon, n_jobs = _check_settings(func, n_paths, seed, horizon, n_jobs,
                                                     method)
    _check_targets_type(targets, id_col)
    gm, vectorised = _resolve_model(model, method)

    tab = _prepare(frame, id_col, time_col, value_col, gm.min_points, gm.name)
    id_dtype = frame[id_col].dtype
    n = len(tab.ids)
    cols = _empty(tab.ids, id_col)
    if n == 0:
        return _frame(cols, id_col, id_dtype)
    tgt_value, tgt_by, tgt_errors = _resolve_targets(targets, tab, id_col)

    has = tab.n_obs > 0
    # Every value unusable ("n/a" throughout): one NaN row keeps the gathers below in bounds;
    # those series are errors already (tab.errors).
    year, value = (tab.year, tab.value) if tab.year.size else (np.full(1, np.nan),) * 2
    first = tab.starts
    last = tab.starts + np.maximum(tab.n_obs, 1) - 1
    last_year = np.where(has, year[last], np.nan)
    last_value = np.where(has, value[last], np.nan)
    hz = np.fmax(tgt_by, HORIZON) if horizon is None else np.full(n, float(horizon))
    errors = _horizon_errors(np.where(_no_error(tab.errors), tgt_errors, tab.errors), hz,
                             tgt_by, last_year)
    ok = _no_error(errors)

    cols.update(
        n_obs=tab.n_obs, first_year=np.where(has, year[first], np.nan),
        last_year=last_year, last_value=last_value,
        target=tgt_value, by=tgt_by, horizon=np.where(np.isfinite(tgt_by), hz, np.nan),
    )

    _progress(cols, tab, ok, tgt_value, tgt_by, last, last_year, last_value)
    need = _answered_from_data(cols, tab, ok, errors, tgt_value, tgt_by, last_year)
    todo = np.flatnonzero(need)
    if len(todo):  # refuse a run too large for memory before allocating anything
        k_max = int(np.max(hz[todo] - last_year[todo]))
        check_cells(func, n_paths, k_max, n_arrays=2 if vectorised else 3)
    if len(todo) and vectorised:
        _vectorised_random_walk(cols, tab, todo, gm, tgt_value, tgt_by, hz, last_year,
                                last_value, n_paths=n_paths, seed=seed, n_jobs=n_jobs)
    elif len(todo):
        _per_series(cols, tab, todo, model, tgt_value, tgt_by, hz, n_paths=n_paths, seed=seed,
                    n_jobs=n_jobs)
    return _frame(cols, id_col, id_dtype)


def _check_settings(func: str, n_paths: Any, seed: Any, horizon: Any, n_jobs: Any,
                    method: Any) -> tuple[int, int, int | None, int]:
    """:func:`assess_many`'s settings checked: paths, the integer seed, horizon, workers."""
    n_paths = check_int("n_paths", func, n_paths, lo=1)
    seed = check_seed("seed", func, seed)
    if horizon is not None:
        horizon = check_year("horizon", func, horizon)
    n_jobs = check_int("n_jobs", func, n_jobs, lo=-1)
    if n_jobs == 0:
        raise fail("n_jobs", func, "a positive number of workers, or -1 for every core", n_jobs)
    n_jobs = (os.cpu_count() or 1) if n_jobs == -1 else n_jobs
    check_choice("method", func, method, ("auto", "vectorised", "per_series"))
    return n_paths, seed, horizon, n_jobs


def _horizon_errors(errors: np.ndarray, hz: np.ndarray, tgt_by: np.ndarray,
                    last_year: np.ndarray) -> np.ndarray:
    """``errors`` with a reason for each series whose horizon is before its deadline or too
    far after its last observation."""
    free = _no_error(errors)
    early = free & (hz < tgt_by)
    far = free & ~early & (hz - last_year > _MAX_STEPS)
    for s in np.flatnonzero(early):
        errors[s] = (f"the horizon {int(hz[s])} is before the deadline {int(tgt_by[s])}; "
                     "give a horizon at or after every deadline")
    for s in np.flatnonzero(far):
        errors[s] = (f"the horizon {int(hz[s])} is more than {_MAX_STEPS} years after the "
                     f"last observation ({int(last_year[s])})")
    return errors


def _progress(cols: dict[str, Any], tab: _Table, ok: np.ndarray, tgt_value: np.ndarray,
              tgt_by: np.ndarray, last: np.ndarray, last_year: np.ndarray,
              last_value: np.ndarray) -> None:
    """Required and observed growth, and the on-track label, as tp.assess computes them."""
    n = len(tab.ids)
    has = tab.n_obs > 0
    year, value = (tab.year, tab.value) if tab.year.size else (np.full(1, np.nan),) * 2
    ahead = np.where(ok, tgt_by - last_year, 0.0)
    required = required_rate(tgt_value, last_value, ahead)
    # Observed growth from the first observation in the last OBSERVED_WINDOW years (at least
    # the second-to-last observation) to the last one.
    key = tab.code * 10_000.0 + tab.year
    lo = np.searchsorted(key, np.arange(n) * 10_000.0 + (last_year - OBSERVED_WINDOW),
                         side="left")
    lo = np.where(has, np.minimum(lo, last - 1), 0)
    observed = np.where(tab.n_obs > 1, observed_growth(value[lo], year[lo], last_value,
                                                       last_year), np.nan)
    ratio = np.full(n, np.nan)
    label = np.full(n, "", dtype=object)
    judged = ok & (ahead > 0)
    ratio[judged], label[judged] = on_track(observed[judged], required[judged])
    cols.update(required_growth=np.where(ok, required, np.nan),
                observed_growth=np.where(ok, observed, np.nan),
                on_track_ratio=ratio, on_track=label)


def _answered_from_data(cols: dict[str, Any], tab: _Table, ok: np.ndarray, errors: np.ndarray,
                        tgt_value: np.ndarray, tgt_by: np.ndarray,
                        last_year: np.ndarray) -> np.ndarray:
    """Status from the data (met in an observed year up to the deadline, or the deadline
    past); returns which series are left to simulate."""
    n = len(tab.ids)
    has = tab.n_obs > 0
    year = tab.year if tab.year.size else np.full(1, np.nan)
    first = tab.starts
    row_by = tgt_by[tab.code]
    hit_row = (tab.year <= row_by) & (tab.value >= tgt_value[tab.code])
    met_year = np.full(n, np.inf)
    np.minimum.at(met_year, tab.code[hit_row], tab.year[hit_row])
    status = np.where(ok, data_status(met_year, tgt_by, last_year), "error").astype(object)
    # The one past-deadline rule (targets.outcome_from_data, without an announcement year):
    # "missed" only when every year from the first figure to the deadline has a figure.
    first_year = np.where(has, year[first], np.nan)
    in_window = tab.year <= tgt_by[tab.code]
    counted = np.bincount(tab.code[in_window], minlength=n)
    gaps = (counted < tgt_by - first_year + 1) | (tgt_by < first_year)
    status = np.where((status == "missed") & gaps, "unknown", status).astype(object)
    met, missed = status == "met", status == "missed"
    need = ok & (status == "")
    cols.update(
        status=status, model=np.where(met | missed | (status == "unknown"), "data",
                                      "").astype(object),
        probability=np.where(met, 1.0, np.where(missed, 0.0, np.nan)),
        met_year=np.where(met, met_year, np.nan),
        error=np.where(ok, "", errors).astype(object),
    )
    return need


def _vectorised_random_walk(cols: dict[str, Any], tab: _Table, todo: np.ndarray,
                            gm: GrowthModel, tgt_value: np.ndarray, tgt_by: np.ndarray,
                            hz: np.ndarray, last_year: np.ndarray, last_value: np.ndarray, *,
                            n_paths: int, seed: int, n_jobs: int) -> None:
    # The rows of the series to simulate, contiguous, with their own offsets.
    counts = tab.n_obs[todo]
    rows = np.repeat(tab.starts[todo] - np.concatenate([[0], np.cumsum(counts)[:-1]]),
                     counts) + np.arange(counts.sum())
    t, y = tab.year[rows], np.log(tab.value[rows])
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(np.int64)
    mu, sigma, span = _random_walk_fit(t, y, starts, counts)
    steps = (hz[todo] - last_year[todo]).astype(np.int64)
    deadline = (tgt_by[todo] - last_year[todo]).astype(np.int64)
    barrier = np.log(tgt_value[todo] / last_value[todo])
    hits = _rw_crossing_counts(
        mu, sigma, span, counts - 2, barrier, steps, n_paths=n_paths, seed=seed,
        uncertainty=bool(getattr(gm, "parameter_uncertainty", True)), n_jobs=n_jobs)
    m = len(todo)
    cdf = hits / n_paths
    k_max = cdf.shape[1]
    beyond = np.arange(k_max)[None, :] >= steps[:, None]
    cdf[beyond] = -1.0
    for q, name in zip(_CROSSING_LEVELS, ("crossing_q10", "crossing_q50", "crossing_q90"),
                       strict=True):
        reached = cdf >= q - 1e-12
        idx = reached.argmax(axis=1)
        cols[name][todo] = np.where(reached.any(axis=1), last_year[todo] + idx + 1, np.inf)
    cols["probability"][todo] = hits[np.arange(m), deadline - 1] / n_paths
    cols["p_not_by_horizon"][todo] = (n_paths - hits[np.arange(m), steps - 1]) / n_paths
    cols["fitted_growth"][todo] = np.expm1(mu)
    cols["status"][todo] = "simulated"
    cols["model"][todo] = gm.name


def _per_series(cols: dict[str, Any], tab: _Table, todo: np.ndarray, model: Any,
                tgt_value: np.ndarray, tgt_by: np.ndarray, hz: np.ndarray, *, n_paths: int,
                seed: int, n_jobs: int) -> None:
    tasks = []
    for s in todo:
        sl = slice(tab.starts[s], tab.starts[s] + tab.n_obs[s])
        tasks.append((tab.ids[s], tab.year[sl], tab.value[sl], tgt_value[s], tgt_by[s], hz[s],
                      model, n_paths, seed))
    if n_jobs > 1 and len(tasks) > 1:
        size = max(1, math.ceil(len(tasks) / (4 * n_jobs)))
        chunks = [tasks[i:i + size] for i in range(0, len(tasks), size)]
        pool: Executor
        with ProcessPoolExecutor(max_workers=n_jobs) as pool:
            results = [r for part in pool.map(_assess_chunk, chunks) for r in part]
    else:
        results = _assess_chunk(tasks)
    for s, res in zip(todo, results, strict=True):
        for c, v in res.items():
            cols[c][s] = v
        if res["status"] == "error":
            cols["model"][s] = ""
