"""Assessing a Dask DataFrame partition by partition (:func:`assess_many_dask`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd

from .._validation import fail
from ..errors import DataError, TradepathError
from ..targets.target import Target
from .running import _check_targets_type, assess_many
from .table import Multiple

if TYPE_CHECKING:
    pass

__all__ = ["assess_many_dask"]


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
    from .._lazy import lazy_import

    try:
        return lazy_import("dask.dataframe")
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise TradepathError(
            f"assess_many_dask needs Dask ({exc}); install it with: pip install "
            "'tradepath[dask]'"
        ) from None
