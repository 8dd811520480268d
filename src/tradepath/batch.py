"""Many series at once: every pair of a trade matrix assessed against its target.

:func:`assess_many` takes one long table (``pair``, ``year``, ``value``) of many series and
answers, for each series, the questions :func:`tradepath.assess` answers for one: how likely is
the target met by its deadline, in which year is it first met, what growth does it need and is
the series on track. The series are held as one sorted array plus offsets (as statsforecast
does); for the random walk every step is vectorised across series, and other models run one
:func:`tradepath.assess` per series, optionally in a process pool. :func:`assess_many_dask` runs
the same on a Dask DataFrame partitioned by pair.
"""

from __future__ import annotations

import hashlib
import math
import os
import warnings
from collections.abc import Callable, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import KW_ONLY, dataclass
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

from ._validation import check_choice, check_int, check_real, fail
from .errors import DataError, TradepathError, TradepathWarning
from .progress import OBSERVED_WINDOW, data_status, observed_growth, on_track, required_growth
from .targets import Target

if TYPE_CHECKING:
    from .models import GrowthModel

__all__ = [
    "RESULT_COLUMNS",
    "Multiple",
    "assess_many",
    "assess_many_dask",
    "series_seed",
]

Method = Literal["auto", "vectorised", "per_series"]

#: The columns of :func:`assess_many`'s result after the id column, in order.
RESULT_COLUMNS: tuple[str, ...] = (
    "n_obs", "first_year", "last_year", "last_value", "target", "by", "horizon", "model",
    "status", "probability", "crossing_q10", "crossing_q50", "crossing_q90",
    "p_not_by_horizon", "met_year", "required_growth", "fitted_growth", "observed_growth",
    "on_track_ratio", "on_track", "error",
)
_INT_COLUMNS = ("first_year", "last_year", "by", "horizon", "met_year")
_STR_COLUMNS = ("model", "status", "on_track", "error")
_CROSSING_LEVELS = (0.1, 0.5, 0.9)
#: Years a row may carry (four digits, as periods are written in tradepath datasets).
_YEAR_RANGE = (1000, 9999)
#: Deadlines a target may have (as :class:`tradepath.Target`).
_BY_RANGE = (1950, 2200)
#: Farthest horizon past the last observation (as ``FitResult.simulate``).
_MAX_STEPS = 200
#: Series per block of the vectorised random walk: small enough to stay in cache.
_CHUNK = 32
#: Bound on standardised drifts and distances (a volatility near 0 makes them huge).
_BIG = 1e30


@dataclass(frozen=True, slots=True)
class Multiple:
    """A target rule: ``factor`` times a series' own value, by the deadline ``by``.

    ``Multiple(2.0, by=2030)`` is "double the last observed value by 2030": every series gets
    its own target level.

    Parameters
    ----------
    factor : float
        Multiple of the base value (> 0).
    by : int
        Deadline year.
    base : int, optional
        Year whose value is multiplied; None (default) uses each series' last observation. A
        series with no value in ``base`` is reported as an error row.

    Examples
    --------
    >>> from tradepath.batch import Multiple
    >>> Multiple(2.0, by=2030).describe()
    '2x the last value by 2030'
    """

    factor: float
    _: KW_ONLY
    by: int
    base: int | None = None

    def __post_init__(self) -> None:
        factor = check_real("factor", "Multiple", self.factor, lo=0.0, lo_open=True)
        by = check_int("by", "Multiple", self.by, lo=_BY_RANGE[0], hi=_BY_RANGE[1])
        if self.base is not None:
            check_int("base", "Multiple", self.base, lo=_YEAR_RANGE[0], hi=by)
        object.__setattr__(self, "factor", factor)
        object.__setattr__(self, "by", by)

    def describe(self) -> str:
        """The rule in words."""
        of = "the last value" if self.base is None else f"the {self.base} value"
        return f"{self.factor:g}x {of} by {self.by}"


def series_seed(seed: int, series_id: Any) -> np.random.SeedSequence:
    """The seed of one series in :func:`assess_many`, from the batch seed and the series id.

    The id is hashed by its text (``str(series_id)``, BLAKE2b), so a series gets the same
    random numbers whatever else is in the batch, however the batch is split into processes
    or Dask partitions. ``numpy.random.default_rng(series_seed(seed, id))`` passed to
    :func:`tradepath.assess` reproduces that series' row exactly.

    Parameters
    ----------
    seed : int
        The batch seed (>= 0).
    series_id : object
        The series id (e.g. ``"VNM-KOR"``).

    Returns
    -------
    numpy.random.SeedSequence

    Examples
    --------
    >>> import numpy as np
    >>> from tradepath.batch import series_seed
    >>> a = np.random.default_rng(series_seed(0, "VNM-KOR")).random()
    >>> b = np.random.default_rng(series_seed(0, "VNM-KOR")).random()
    >>> a == b
    True
    """
    seed = check_int("seed", "series_seed", seed, lo=0)
    digest = hashlib.blake2b(str(series_id).encode("utf-8"), digest_size=8).digest()
    return np.random.SeedSequence(seed, spawn_key=(int.from_bytes(digest, "little"),))


# -- input: one long table -> sorted arrays plus offsets --------------------------------------


@dataclass(frozen=True, slots=True)
class _Table:
    """The usable observations of every series, sorted by (series, year)."""

    ids: pd.Index  # one per series, sorted when the ids can be sorted
    code: np.ndarray  # series of each usable row
    year: np.ndarray  # float years of each usable row
    value: np.ndarray
    errors: np.ndarray  # object array: a message per series, or None
    n_obs: np.ndarray
    starts: np.ndarray  # first usable row of each series (meaningful where n_obs > 0)


def _numeric(col: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Values as floats, and which were given but are not numbers."""
    given = col.notna().to_numpy()
    if pd.api.types.is_bool_dtype(col.dtype):
        return np.full(len(col), np.nan), given
    if pd.api.types.is_numeric_dtype(col.dtype):
        return col.to_numpy(dtype=float, na_value=np.nan), np.zeros(len(col), dtype=bool)
    num = pd.to_numeric(col, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    return num, given & np.isnan(num)


def _years(col: pd.Series) -> np.ndarray:
    if pd.api.types.is_datetime64_any_dtype(col.dtype):
        return col.dt.year.to_numpy(dtype=float, na_value=np.nan)
    return _numeric(col)[0]


def _listing(items: Sequence[Any], limit: int = 5) -> str:
    shown = ", ".join(str(x) for x in items[:limit])
    return f"[{shown}{', ...' if len(items) > limit else ''}]"


def _fmt_year(y: float) -> str:
    return str(int(y)) if np.isfinite(y) and y == round(y) else repr(float(y))


def _prepare(frame: pd.DataFrame, id_col: str, time_col: str, value_col: str,
             min_points: int, model_name: str) -> _Table:
    func = "assess_many"
    if not isinstance(frame, pd.DataFrame):
        raise fail("frame", func, "a pandas DataFrame (one row per series and year)",
                   type(frame).__name__, "Use assess_many_dask for a Dask DataFrame.")
    for name, col in (("id_col", id_col), ("time_col", time_col), ("value_col", value_col)):
        if not isinstance(col, str) or col not in frame.columns:
            raise DataError(
                f"the {name} column {col!r} is not in the frame; its columns are "
                f"{list(map(str, frame.columns))}. Name the columns with id_col=, time_col= "
                "and value_col=.",
                field=str(col), origin="frame",
            )
    ids = frame[id_col]
    keep = ids.notna().to_numpy()
    if not keep.all():
        warnings.warn(
            f"assess_many: {int((~keep).sum())} row(s) have no {id_col!r} and are left out "
            f"(rows {_listing(np.flatnonzero(~keep).tolist())}, counted from 0).",
            TradepathWarning, stacklevel=3,
        )
        frame = frame.loc[keep]
        ids = frame[id_col]
    try:
        codes, uniques = pd.factorize(ids, sort=True)
    except TypeError:  # ids of mixed types cannot be sorted: keep their order of appearance
        codes, uniques = pd.factorize(ids, sort=False)
    uniques = pd.Index(uniques, name=id_col)
    n_series = len(uniques)
    year = _years(frame[time_col])
    value, bad_text = _numeric(frame[value_col])
    order = np.lexsort((np.where(np.isnan(year), np.inf, year), codes))
    code, year, value, bad_text = codes[order], year[order], value[order], bad_text[order]

    bad_year = ~((year == np.round(year)) & (year >= _YEAR_RANGE[0]) & (year <= _YEAR_RANGE[1]))
    bad_value = bad_text | np.isinf(value)
    usable = ~bad_year & ~bad_value & ~np.isnan(value)
    nonpos = usable & (value <= 0)
    ucode, uyear, uvalue = code[usable], year[usable], value[usable]
    dup = np.zeros(len(ucode), dtype=bool)
    dup[1:] = (ucode[1:] == ucode[:-1]) & (uyear[1:] == uyear[:-1])
    n_obs = np.bincount(ucode, minlength=n_series)
    starts = np.concatenate([[0], np.cumsum(n_obs)[:-1]]).astype(np.int64)

    errors = np.full(n_series, None, dtype=object)
    raw_year = frame[time_col].to_numpy()[order]
    raw_value = frame[value_col].to_numpy()[order]
    checks: list[tuple[np.ndarray, np.ndarray, Callable[[np.ndarray], str]]] = [
        (bad_year, code, lambda rows: (
            f"years must be whole numbers between {_YEAR_RANGE[0]} and {_YEAR_RANGE[1]}; got "
            f"{_listing([repr(v) for v in raw_year[rows].tolist()])}")),
        (bad_value, code, lambda rows: (
            f"values must be finite numbers; got "
            f"{_listing([repr(v) for v in raw_value[rows].tolist()])}"
        )),
        (nonpos, code, lambda rows: (
            f"values must be positive ({model_name} works on logs); got "
            + _listing([f"{_fmt_year(y)}: {v:g}" for y, v in zip(year[rows], value[rows],
                                                                 strict=True)])
            + ". Assess exports and imports (or totals), not balances.")),
        (dup, ucode, lambda rows: (
            f"each year may appear once per series; got duplicate years "
            f"{_listing(sorted({_fmt_year(y) for y in uyear[rows]}))}")),
    ]
    for flag, owner, message in checks:
        rows = np.flatnonzero(flag)  # rows are sorted by series: split them into runs
        if not len(rows):
            continue
        bad, begin = np.unique(owner[rows], return_index=True)
        for s, run in zip(bad, np.split(rows, begin[1:]), strict=True):
            if errors[s] is None:
                errors[s] = message(run)
    few = np.flatnonzero(n_obs < min_points)
    for s in few:
        if errors[s] is None:
            got = uyear[starts[s]:starts[s] + n_obs[s]]
            errors[s] = (f"{model_name} needs at least {min_points} observations; got "
                         f"{n_obs[s]} {_listing([_fmt_year(y) for y in got])}")
    return _Table(ids=uniques, code=ucode, year=uyear, value=uvalue, errors=errors,
                  n_obs=n_obs, starts=starts)


# -- targets ----------------------------------------------------------------------------------


def _resolve_targets(targets: Any, tab: _Table, id_col: str
                     ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Target level, deadline and error message (or None) per series."""
    n = len(tab.ids)
    value = np.full(n, np.nan)
    by = np.full(n, np.nan)
    errors = np.full(n, None, dtype=object)
    has = tab.n_obs > 0
    last = np.full(n, np.nan)
    last[has] = tab.value[tab.starts[has] + tab.n_obs[has] - 1]
    if isinstance(targets, Target):
        if targets.balance is not None:
            raise fail("targets", "assess_many", "a Target without a balance condition",
                       targets, "A balance condition needs exports and imports together; use "
                       "tp.assess on a Dataset for balanced targets.")
        value[:] = targets.value
        by[:] = targets.by
    elif isinstance(targets, Multiple):
        by[:] = targets.by
        if targets.base is None:
            value = targets.factor * last
        else:
            at = tab.year == targets.base
            base = np.full(n, np.nan)
            base[tab.code[at]] = tab.value[at]
            value = targets.factor * base
            for s in np.flatnonzero(np.isnan(base) & has):
                errors[s] = (f"no value in the base year {targets.base} of the rule "
                             f"{targets.describe()!r}")
    elif isinstance(targets, pd.DataFrame):
        missing = [c for c in (id_col, "target", "by") if c not in targets.columns]
        if missing:
            raise DataError(
                f"missing column(s) {missing}; a targets frame has one row per series with "
                f"columns {[id_col, 'target', 'by']}; its columns are "
                f"{list(map(str, targets.columns))}",
                field=missing[0], origin="targets",
            )
        pos = tab.ids.get_indexer(pd.Index(targets[id_col]))
        unknown = (pos < 0) & targets[id_col].notna().to_numpy()
        if unknown.any():
            names = targets[id_col].to_numpy()[unknown].tolist()
            warnings.warn(
                f"assess_many: {int(unknown.sum())} target row(s) name series that are not in "
                f"the frame: {_listing([repr(x) for x in names])}.",
                TradepathWarning, stacklevel=3,
            )
        t_value, t_value_bad = _numeric(targets["target"])
        t_by, t_by_bad = _numeric(targets["by"])
        found = pos >= 0
        count = np.bincount(pos[found], minlength=n)
        value[pos[found]] = t_value[found]
        by[pos[found]] = t_by[found]
        raw_v, raw_b = targets["target"].to_numpy(), targets["by"].to_numpy()
        for i in np.flatnonzero(found & (t_value_bad | t_by_bad)):
            bad = raw_v[i] if t_value_bad[i] else raw_b[i]
            errors[pos[i]] = f"the target row has a value that is not a number: {bad!r}"
        for s in np.flatnonzero(count > 1):
            errors[s] = (f"{count[s]} rows of the targets frame name this series; give one "
                         "target per series")
        for s in np.flatnonzero(count == 0):
            errors[s] = "no target for this series in the targets frame"
    else:
        raise fail("targets", "assess_many",
                   "a tradepath Target, a batch rule such as Multiple(2.0, by=2030), or a "
                   f"DataFrame with columns {id_col!r}, 'target' and 'by'", targets)
    free = _no_error(errors) & has  # a series without observations has its data error
    with np.errstate(invalid="ignore"):
        bad_value = free & ~(np.isfinite(value) & (value > 0))
        bad_by = free & ~bad_value & ~(np.isfinite(by) & (by == np.round(by))
                                       & (by >= _BY_RANGE[0]) & (by <= _BY_RANGE[1]))
    for s in np.flatnonzero(bad_value):
        errors[s] = f"the target must be a positive number; got {float(value[s])!r}"
    for s in np.flatnonzero(bad_by):
        errors[s] = (f"the deadline 'by' must be a whole year between {_BY_RANGE[0]} and "
                     f"{_BY_RANGE[1]}; got {float(by[s])!r}")
    return value, by, errors


def _no_error(errors: np.ndarray) -> np.ndarray:
    """Which entries of an object array of messages are None."""
    return np.asarray(pd.isna(errors), dtype=bool)


# -- the random walk, vectorised across series ------------------------------------------------


def _random_walk_fit(t: np.ndarray, y: np.ndarray, starts: np.ndarray, counts: np.ndarray
                     ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Drift, volatility and span of every series, exactly as :class:`RandomWalk` fits one."""
    from .models.random_walk import random_walk_estimates

    mu, ss, span = random_walk_estimates(t, y, starts, counts)
    return mu, np.sqrt(ss / (counts - 2)), span


def _rw_crossing_counts(
    mu: np.ndarray, sigma: np.ndarray, span: np.ndarray, dof: np.ndarray, barrier: np.ndarray,
    steps: np.ndarray, *, n_paths: int, seed: int, uncertainty: bool, n_jobs: int,
) -> np.ndarray:
    """Paths (of ``n_paths``) that have met the target by each step: ``(n, max(steps))``.

    Every series uses the same standardised draws (common random numbers): the uniform
    behind the volatility draw, the normal behind the drift draw and the annual shocks, all
    from ``seed``. Row ``k`` of the shocks is the same whatever the longest horizon, so a
    series' counts do not depend on the other series in the batch.
    """
    from scipy import special

    n, k_max = len(mu), int(steps.max())
    rng = np.random.default_rng(seed)
    u = rng.random(n_paths)
    z0 = rng.standard_normal(n_paths)
    walk = np.cumsum(rng.standard_normal((k_max, n_paths)), axis=0).astype(np.float32)
    # sigma^2 = dof s^2 / chi2(dof): the chi-square from the shared uniform by its inverse
    # CDF, so the same uniform serves every number of degrees of freedom.
    u = np.clip(u, 1e-300, 1.0 - 2.0**-53)
    nus, nu_index = np.unique(dof, return_inverse=True)
    scale = np.sqrt(nus[:, None] / special.chdtri(nus[:, None], 1.0 - u[None, :]))
    counts = np.zeros((n, k_max), dtype=np.int64)

    deterministic = sigma == 0
    for i in np.flatnonzero(deterministic):  # a perfectly smooth series: one path for all
        level = np.cumsum(np.full(steps[i], mu[i]))
        counts[i, :steps[i]] = np.where(np.maximum.accumulate(level) >= barrier[i], n_paths, 0)
    todo = np.flatnonzero(~deterministic)
    todo = todo[np.argsort(steps[todo], kind="stable")]
    blocks = [todo[i:i + _CHUNK] for i in range(0, len(todo), _CHUNK)]

    def block(idx: np.ndarray) -> None:
        kb = int(steps[idx].max())
        if uncertainty:
            sig = sigma[idx, None] * scale[nu_index[idx]]
            theta = mu[idx, None] / sig + z0[None, :] / np.sqrt(span[idx, None])
        else:
            sig = np.broadcast_to(sigma[idx, None], (len(idx), n_paths))
            theta = np.broadcast_to(mu[idx, None] / sigma[idx, None], (len(idx), n_paths))
        # In units of each path's volatility the target is met by step k iff
        # max_{j<=k} (j * theta + W_j) >= beta. Single precision halves the memory traffic;
        # its rounding moves a decision only for a path within 1e-7 of the target.
        theta = np.clip(theta, -_BIG, _BIG).astype(np.float32)
        beta = np.clip(barrier[idx, None] / sig, -_BIG, _BIG).astype(np.float32)
        running = np.full((len(idx), n_paths), -np.inf, dtype=np.float32)
        x = np.empty((len(idx), n_paths), dtype=np.float32)
        met = np.empty((len(idx), n_paths), dtype=bool)
        for k in range(kb):
            np.multiply(theta, np.float32(k + 1), out=x)
            x += walk[k]
            np.maximum(running, x, out=running)
            np.greater_equal(running, beta, out=met)
            counts[idx, k] = met.view(np.uint8).sum(axis=1, dtype=np.int64)

    if n_jobs > 1 and len(blocks) > 1:
        with ThreadPoolExecutor(max_workers=n_jobs) as pool:
            list(pool.map(block, blocks))
    else:
        for b in blocks:
            block(b)
    return counts


# -- one series at a time, through tradepath.assess -------------------------------------------


def _assess_series(task: tuple[Any, ...]) -> dict[str, Any]:
    """One series through :func:`tradepath.assess` (also run in worker processes)."""
    from .assess import assess
    from .data import Dataset
    from .errors import TradepathError

    sid, years, values, value, by, horizon, model, n_paths, seed = task
    try:
        ds = Dataset.from_frame(pd.DataFrame({
            "period": [str(int(y)) for y in years], "flow": "total", "value_usd_bn": values,
        }))
        a = assess(ds, Target(float(value), by=int(by)), model=model, n_paths=n_paths,
                   seed=np.random.default_rng(series_seed(seed, sid)), horizon=int(horizon))
    except (TradepathError, ValueError, ArithmeticError) as exc:
        return {"status": "error", "error": f"{type(exc).__name__}: {exc}"}
    cy = a.crossing_year
    return {
        "model": a.model, "status": a.status, "probability": a.probability,
        "crossing_q10": cy.quantile(0.1) if cy is not None else np.nan,
        "crossing_q50": cy.quantile(0.5) if cy is not None else np.nan,
        "crossing_q90": cy.quantile(0.9) if cy is not None else np.nan,
        "p_not_by_horizon": cy.p_not_by_horizon if cy is not None else np.nan,
        "met_year": a.met_year if a.met_year is not None else np.nan,
        "fitted_growth": a.fitted_growth,
    }


def _assess_chunk(tasks: list[tuple[Any, ...]]) -> list[dict[str, Any]]:
    return [_assess_series(t) for t in tasks]


# -- the batch --------------------------------------------------------------------------------


def _check_targets_type(targets: Any, id_col: str) -> None:
    if not isinstance(targets, Target | Multiple | pd.DataFrame):
        raise fail("targets", "assess_many",
                   "a tradepath Target, a batch rule such as Multiple(2.0, by=2030), or a "
                   f"DataFrame with columns {id_col!r}, 'target' and 'by'", targets)


def _resolve_model(model: Any, method: str) -> tuple[GrowthModel, bool]:
    from .models import GrowthModel, RandomWalk, get_model

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
        Last simulated year; default each target's deadline + 10 (as :func:`tradepath.assess`).
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
        the deadline), ``crossing_q10``, ``crossing_q50``, ``crossing_q90`` (quantiles of the
        first year met; ``inf`` = not by the horizon), ``p_not_by_horizon``, ``met_year``
        (observed), ``required_growth``, ``fitted_growth``, ``observed_growth``,
        ``on_track_ratio``, ``on_track`` (:func:`tradepath.assess.on_track_label`; "" when
        the deadline has passed) and ``error`` ("" or why the series could not be assessed).

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
        horizon = check_int("horizon", func, horizon, lo=_BY_RANGE[0], hi=_BY_RANGE[1] + 200)
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
    first = tab.starts
    last = tab.starts + np.maximum(tab.n_obs, 1) - 1
    last_year = np.where(has, tab.year[last], np.nan)
    last_value = np.where(has, tab.value[last], np.nan)
    hz = tgt_by + 10 if horizon is None else np.full(n, float(horizon))
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
        n_obs=tab.n_obs, first_year=np.where(has, tab.year[first], np.nan),
        last_year=last_year, last_value=last_value,
        target=tgt_value, by=tgt_by, horizon=np.where(np.isfinite(tgt_by), hz, np.nan),
    )

    # Required and observed growth, and the on-track label, as tp.assess computes them.
    ahead = np.where(ok, tgt_by - last_year, 0.0)
    required = required_growth(tgt_value, last_value, ahead)
    # Observed growth from the first observation in the last OBSERVED_WINDOW years (at least
    # the second-to-last observation) to the last one.
    key = tab.code * 10_000.0 + tab.year
    lo = np.searchsorted(key, np.arange(n) * 10_000.0 + (last_year - OBSERVED_WINDOW),
                         side="left")
    lo = np.where(has, np.minimum(lo, last - 1), 0)
    observed = np.where(tab.n_obs > 1, observed_growth(tab.value[lo], tab.year[lo], last_value,
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
    met, missed = status == "met", status == "missed"
    need = ok & (status == "")
    cols.update(
        status=status, model=np.where(met | missed, "data", "").astype(object),
        probability=np.where(met, 1.0, np.where(missed, 0.0, np.nan)),
        met_year=np.where(met, met_year, np.nan),
        error=np.where(ok, "", errors).astype(object),
    )

    todo = np.flatnonzero(need)
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


# -- Dask -------------------------------------------------------------------------------------


def _assess_partition(part: pd.DataFrame, targets: Any, id_col: str, kwargs: dict[str, Any]
                      ) -> pd.DataFrame:
    if isinstance(targets, pd.DataFrame):
        targets = targets[targets[id_col].isin(part[id_col].unique())]
    return assess_many(part, targets, id_col=id_col, **kwargs)


def assess_many_dask(ddf: Any, targets: Target | Multiple | pd.DataFrame, *,
                     id_col: str = "pair", **kwargs: Any) -> Any:
    """:func:`assess_many` on a Dask DataFrame, one partition at a time.

    The rows are first shuffled so that every partition holds whole series
    (``ddf.shuffle(on=id_col)``), unless ``ddf`` is already indexed by ``id_col`` with known
    divisions; then each partition goes through :func:`assess_many`. Dask's scheduler (or a
    ``distributed`` cluster) runs the partitions; nothing else is scheduled here.

    Parameters
    ----------
    ddf : dask.dataframe.DataFrame
        The long table, as for :func:`assess_many` (or indexed by ``id_col``).
    targets : Target, Multiple or DataFrame
        As for :func:`assess_many`; a targets DataFrame is a pandas frame, sent to every
        partition (each uses the rows of its own series).
    id_col : str, default "pair"
    **kwargs
        ``time_col``, ``value_col``, ``model``, ``n_paths``, ``seed``, ``horizon``, ``method``
        (and ``n_jobs``, usually left at 1: Dask runs the partitions in parallel).

    Returns
    -------
    dask.dataframe.DataFrame
        Lazy; ``.compute()`` gives the rows of :func:`assess_many` on the whole frame, sorted
        by id within each partition (sort by ``id_col`` for the pandas order). Every series
        gets the numbers it gets in the pandas call, whatever the partitioning.

    Raises
    ------
    ParameterError
        ``ddf`` is not a Dask DataFrame, or a bad argument (checked before any work).
    DataError
        A named column is missing.

    Notes
    -----
    Needs the ``dask`` extra: ``pip install "tradepath[dask]"``. Rows without an id are
    dropped by the shuffle's grouping rules of Dask; target rows naming series absent from
    the frame are ignored without a warning.
    """
    func = "assess_many_dask"
    dd = _import_dask()
    if not isinstance(ddf, dd.DataFrame):
        raise fail("ddf", func, "a dask.dataframe.DataFrame", type(ddf).__name__,
                   "Use assess_many for a pandas DataFrame.")
    unknown = set(kwargs) - {"time_col", "value_col", "model", "n_paths", "seed", "horizon",
                             "n_jobs", "method"}
    if unknown:
        raise fail("kwargs", func, "arguments of assess_many", sorted(unknown))
    _check_targets_type(targets, id_col)
    time_col = kwargs.get("time_col", "year")
    value_col = kwargs.get("value_col", "value")
    indexed = ddf.index.name == id_col and id_col not in ddf.columns
    columns = [*([] if indexed else [id_col]), time_col, value_col]
    missing = [c for c in columns if c not in ddf.columns]
    if missing:
        raise DataError(f"missing column(s) {missing}; the columns are {list(ddf.columns)}",
                        field=missing[0], origin="ddf")
    # Check every argument on an empty frame first: errors surface here, not inside a task.
    sample = ddf._meta.reset_index() if indexed else ddf._meta
    meta = assess_many(sample, targets, id_col=id_col, **kwargs)
    if indexed:
        if not ddf.known_divisions:
            ddf = ddf.reset_index().shuffle(on=id_col)
        else:
            ddf = ddf.map_partitions(pd.DataFrame.reset_index, meta=sample)
    else:
        ddf = ddf.shuffle(on=id_col)
    return ddf.map_partitions(_assess_partition, targets, id_col, kwargs, meta=meta,
                              align_dataframes=False)


def _import_dask() -> Any:
    from ._lazy import lazy_import

    try:
        return lazy_import("dask.dataframe")
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise TradepathError(
            f"assess_many_dask needs Dask ({exc}); install it with: pip install "
            "'tradepath[dask]'"
        ) from None
