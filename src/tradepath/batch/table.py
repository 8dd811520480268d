"""The long table (id, year, value) as sorted arrays plus offsets, checked row by row; the
result columns and the per-series seeds."""

from __future__ import annotations

import hashlib
import warnings
from collections.abc import Callable, Sequence
from dataclasses import KW_ONLY, dataclass
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

from .._validation import YEAR_MAX, YEAR_MIN, check_int, check_real, fail
from ..errors import DataError, TradepathWarning

if TYPE_CHECKING:
    pass

__all__ = ["RESULT_COLUMNS", "Multiple", "series_seed"]


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
#: Years a row may carry (the library's one year range, as for datasets).
_YEAR_RANGE = (YEAR_MIN, YEAR_MAX)
#: Deadlines a target may have (as :class:`tradepath.Target`).
_BY_RANGE = (YEAR_MIN, YEAR_MAX)
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
