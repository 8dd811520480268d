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

from .dask import assess_many_dask
from .kernel import _random_walk_fit, _rw_crossing_counts  # noqa: F401 - old paths
from .running import assess_many
from .table import RESULT_COLUMNS, Multiple, series_seed

__all__ = ["RESULT_COLUMNS", "Multiple", "assess_many", "assess_many_dask", "series_seed"]
