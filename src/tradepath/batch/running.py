"""Assessing many series at once (:func:`assess_many`)."""

from __future__ import annotations

import math
import os
from concurrent.futures import Executor, ProcessPoolExecutor
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .._defaults import HORIZON
from .._validation import check_cells, check_choice, check_int, check_year, fail
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
    n_paths: int = 2000,
    seed: int = 0,
    horizon: int | None = None,
    n_jobs: int = 1,
    method: Method = "auto",
) -> pd.DataFrame:
    """Assess many series against their targets at once: one row per series.

    Parameters
    ----------
    frame : DataFrame
        A long table with one row per series and year: ``id_col`` (the series, e.g. a trade
        pair ``"VNM-KOR"``), ``time_col`` (whole years, numbers, numeric text or dates) and
        ``value_col`` (the annual level, US$ bn). Rows may come in any order; a missing value
        is a gap. Other columns are ignored.
    targets : Target, Multiple or DataFrame
        One :class:`tradepath.Target` applied to every series (its level and deadline; the
        value column is the flow it applies to); a rule such as ``Multiple(2.0, by=2030)``
        ("double the last value by 2030"), which gives every series its own level; or a
        DataFrame with columns ``id_col``, ``target`` (level) and ``by`` (deadline), one row per
        series.
    id_col, time_col, value_col : str, default "pair", "year", "value"
        Column names in ``frame``.
    model : str or GrowthModel, default "random_walk"
        A registry name (:data:`tradepath.models.MODELS`) or a configured model.
    n_paths : int, default 2000
        Simulated paths per series.
    seed : int, default 0
        Same seed, same numbers; a series' numbers do not depend on the rest of the batch, on
        ``n_jobs`` or on how the batch is partitioned (see Notes).
    horizon : int, optional
        Last simulated year; default 2050 or each target's deadline if later (the one default
        of :func:`tradepath.assess`, the command line and the report).
    n_jobs : int, default 1
        Workers: threads on the random walk's vectorised path, processes (a
        ``concurrent.futures.ProcessPoolExecutor``) on the per-series path; -1 uses every
        core. Results do not depend on it.
    method : {"auto", "vectorised", "per_series"}, default "auto"
        "auto" takes the vectorised path when the model has one (the random walk) and the
        per-series path otherwise; "per_series" always calls :func:`tradepath.assess` once per
        series (the random walk's rows then equal ``tp.assess`` exactly, see Notes).

    Returns
    -------
    DataFrame
        One row per series, sorted by id (when ids can be sorted), with columns ``id_col`` and
        :data:`RESULT_COLUMNS`: ``n_obs`` (observed years used), ``first_year``,
        ``last_year``, ``last_value``, ``target`` (level), ``by``, ``horizon``, ``model``
        (``"data"`` when the data answer), ``status`` ("simulated"; "met" or "missed" when
        the data answer, as in :func:`tradepath.assess`; "error"), ``probability`` (met by
        the deadline: the model's own probability, the inside view of
        :class:`~tradepath.assessment.core.Assessment`), ``crossing_q10``, ``crossing_q50``,
        ``crossing_q90`` (quantiles of the first year met; ``inf`` = not by the horizon),
        ``p_not_by_horizon``, ``met_year`` (observed), ``required_growth``,
        ``fitted_growth``, ``observed_growth``, ``on_track_ratio``, ``on_track``
        (:func:`tradepath.assessment.core.on_track_label`; "" when the deadline has passed) and
        ``error`` ("" or why the series could not be assessed).

    Raises
    ------
    DataError
        A column named in ``id_col``, ``time_col`` or ``value_col`` (or a column of the
        targets frame) is missing.
    ParameterError, UnknownNameError
        A bad argument (the message names it), or an unknown model name.

    Notes
    -----
    **Bad series do not fail the batch.** Years that are not whole numbers, values that are
    not numbers or not positive, duplicate years, fewer observations than the model needs
    (3 for the random walk), a missing or invalid target, or a horizon before the deadline
    give the series status "error" and the reason in ``error``; the other series are
    assessed. Rows without an id are left out with a :class:`TradepathWarning`.

    **Answered from the data** as in :func:`tradepath.assess`: a target met in an observed
    year up to its deadline is "met" (probability 1, ``met_year``); a deadline at or before
    the last observation without it is "missed" (probability 0).

    **The random walk, vectorised.** The rows are sorted by (id, year) once; drift and
    volatility come from per-series sums (``numpy.add.reduceat`` over the offsets), with
    exactly the estimator of :class:`tradepath.models.RandomWalk`. Each series then draws
    ``n_paths`` paths from the same posterior as ``RandomWalk`` (``sigma^2 ~ (k-1) s^2 /
    chi2(k-1)``, ``drift ~ N(mu_hat, sigma^2 / span)``, normal annual shocks in logs), and the
    target counts as met in a year when that year's simulated level reaches it (annual
    monitoring, as in :func:`tradepath.assess`). The standardised draws are shared by all
    series (common random numbers): the uniform behind each path's volatility, the normal
    behind its drift and its shocks, all from ``seed``. The work is a few passes over
    ``n_series x n_paths x years`` numbers in blocks of 32 series, with no Python loop over
    series or paths. The numbers are those of the same model simulated with other random
    draws than :func:`tradepath.assess` uses: within Monte Carlo error of ``tp.assess``
    (standard error at most ``0.5 / sqrt(n_paths)``, 0.011 at 2000 paths), not equal to it.
    Shared draws make comparisons between series sharper, but Monte Carlo errors of
    different series are correlated, so they do not average out in totals over series.

    *Why simulation and not the closed form.* The first-passage probability of the random
    walk has a closed form only under continuous monitoring
    (:func:`tradepath.models.random_walk.first_passage_probability`); its annual-monitoring
    version rests on the Broadie–Glasserman–Kou shift, an expansion for many monitoring dates
    per unit of volatility. Annual trade series with steady growth are the opposite case
    (drift per year comparable to or larger than the yearly volatility), and there the
    shifted closed form, even integrated exactly over the posterior, misses the probability
    of meeting a target within ten years by a median of 0.008 and up to 0.04 on synthetic
    20-year series, and the crossing-year distribution by up to 0.07 (``python
    benchmarks/accuracy.py``, table ``batch_closed_form``). Simulation has no such bias, and
    the vectorised kernel meets the speed goal.

    **Other models** run one :func:`tradepath.assess` per series on a
    :class:`tradepath.Dataset` of that series, with the series' own seed
    ``numpy.random.default_rng(series_seed(seed, id))``, so every row equals ``tp.assess``
    with that seed, whatever ``n_jobs``.

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
    n_paths = check_int("n_paths", func, n_paths, lo=1)
    if isinstance(seed, np.random.Generator):
        raise fail("seed", func, "a non-negative integer", seed,
                   "A Generator would tie each series' numbers to the order of the batch; "
                   "pass an int.")
    seed = check_int("seed", func, seed, lo=0)
    if horizon is not None:
        horizon = check_year("horizon", func, horizon)
    n_jobs = check_int("n_jobs", func, n_jobs, lo=-1)
    if n_jobs == 0:
        raise fail("n_jobs", func, "a positive number of workers, or -1 for every core", n_jobs)
    n_jobs = (os.cpu_count() or 1) if n_jobs == -1 else n_jobs
    check_choice("method", func, method, ("auto", "vectorised", "per_series"))
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
    errors = np.where(_no_error(tab.errors), tgt_errors, tab.errors)
    free = _no_error(errors)
    early = free & (hz < tgt_by)
    far = free & ~early & (hz - last_year > _MAX_STEPS)
    for s in np.flatnonzero(early):
        errors[s] = (f"the horizon {int(hz[s])} is before the deadline {int(tgt_by[s])}; "
                     "give a horizon at or after every deadline")
    for s in np.flatnonzero(far):
        errors[s] = (f"the horizon {int(hz[s])} is more than {_MAX_STEPS} years after the "
                     f"last observation ({int(last_year[s])})")
    ok = _no_error(errors)

    cols.update(
        n_obs=tab.n_obs, first_year=np.where(has, year[first], np.nan),
        last_year=last_year, last_value=last_value,
        target=tgt_value, by=tgt_by, horizon=np.where(np.isfinite(tgt_by), hz, np.nan),
    )

    # Required and observed growth, and the on-track label, as tp.assess computes them.
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

    # Answered from the data: met in an observed year up to the deadline, or deadline past.
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
