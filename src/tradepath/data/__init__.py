"""Observations with provenance: the documents' dataset, user datasets, annual views, checks.

Every figure is one row of a long table with these columns:

============  ================================================================================
column        meaning
============  ================================================================================
pair          trade pair, ``"VNM-KOR"`` (default for user files)
period        a year (``"2024"``) or a run of months within one (``"2021-01/2021-05"``)
flow          ``total``, ``exports``, ``imports`` or ``balance``, always from Vietnam's side
value_usd_bn  US$ billion; ``balance`` is exports minus imports (negative: Vietnam's deficit)
reporter      ``VN``, ``KR`` or ``unstated``: whose statistics (default ``VN``)
kind          ``reported``, ``approximate``, ``lower_bound``, ``derived``, ``ambiguous``
              (default ``reported``); :meth:`Dataset.annual` may add ``converted``
source        document file name and line (default ``"user"``)
note          free text (default empty)
formula       for ``derived`` rows, how the value was computed (default empty)
release       when the figure was published, ``YYYY-MM`` (default empty: unknown); ranks
              several figures for one year and basis, see :meth:`Dataset.annual`
dataset       which dataset the row came from: ``documents``, ``official`` or ``user``
============  ================================================================================

In the official dataset (``load_dataset("official")``) ``source`` is the URL of the page the
figure was taken from.

Derived rows are never typed in: they are computed when a dataset is built, from the stated
figures and the growth claims in ``claims.csv`` (for example 2023 = 81.5 / (1 + 0.073)).

The package: :mod:`~tradepath.data.schema` (columns, flows, kinds, periods, the preferred
figure), :mod:`~tradepath.data.files` (reading and checking files and frames),
:mod:`~tradepath.data.dataset` (:class:`Dataset` and :func:`load_dataset`),
:mod:`~tradepath.data.documents` (title, publisher and date of every source document),
:mod:`~tradepath.data.official` (the official series, the cross-check of the documents, merges)
and :mod:`~tradepath.data.mirror` (the ratio between the two reporting bases).
"""

from __future__ import annotations

from .dataset import DATASETS, Dataset, load_dataset
from .documents import DOCUMENT_COLUMNS, cite, cited_files, document_key, load_documents
from .files import MAX_FIELD_CHARS, MAX_FILE_BYTES
from .mirror import mirror_factors, mirror_pairs, mirror_ratios
from .official import cross_check, read_official
from .schema import (
    COLUMNS,
    DEFAULT_KINDS,
    FLOWS,
    KINDS,
    MIRROR_CIF_FOB,
    REPORTERS,
    Reporter,
    parse_period,
)

__all__ = [
    "COLUMNS",
    "DATASETS",
    "DEFAULT_KINDS",
    "DOCUMENT_COLUMNS",
    "FLOWS",
    "KINDS",
    "MAX_FIELD_CHARS",
    "MAX_FILE_BYTES",
    "MIRROR_CIF_FOB",
    "REPORTERS",
    "Dataset",
    "Reporter",
    "cite",
    "cited_files",
    "cross_check",
    "document_key",
    "load_dataset",
    "load_documents",
    "mirror_factors",
    "mirror_pairs",
    "mirror_ratios",
    "parse_period",
    "read_official",
]
