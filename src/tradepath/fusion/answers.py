"""A target answered from each source of figures alone, beside the fused answer.

The fused history is the answer; these are what the answer would be with less evidence (the
documents alone, one basis of the official series alone), for a table and for "what would
change the answer".
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any, cast

import pandas as pd

from .._validation import fail
from ..data import Dataset
from ..data.schema import CLAIM_COLUMNS
from ..errors import DataError, ModelError
from ..targets.target import Target
from .history import BASIS_NAMES, FusedDataset

if TYPE_CHECKING:
    from ..assessment.results import Assessment
    from ..data import Reporter

__all__ = ["ANSWER_COLUMNS", "alternative_answers", "answer_sources"]

#: Columns of :func:`alternative_answers`.
ANSWER_COLUMNS = ("target", "data", "basis", "status", "answer", "probability", "p_combined",
                  "p_inside", "last_year", "last_value", "years", "detail")
_LABELS = {"documents": "the documents", "official": "the official series", "user": "your figures"}


def answer_sources(ds: FusedDataset) -> list[tuple[str, str, Dataset]]:
    """``(data, basis, dataset)`` for the fused history and each source and basis alone.

    The sources are the ``dataset`` column of the figures fused (documents, official series,
    a user's file), each on each basis with at least two annual figures.
    """
    if not isinstance(ds, FusedDataset):
        raise fail("ds", "answer_sources", "a FusedDataset (tp.fuse)", type(ds).__name__)
    # Built once per fused history (which never changes), so that every target asked reads
    # the same datasets, and the fits, paths and share models made for them.
    key = ("answer_sources",)
    if key not in ds._cache:
        ds._cache[key] = _sources(ds)
    return list(ds._cache[key])


def _sources(ds: FusedDataset) -> list[tuple[str, str, Dataset]]:
    out: list[tuple[str, str, Dataset]] = [("fused history", ds.basis, ds)]
    src = ds.source_dataset
    if src is None:
        return out
    stated = src._stated
    yearly = stated["period"].str.fullmatch(r"\d{4}") & (stated["kind"].isin(
        ("reported", "approximate", "derived")))
    no_claims = pd.DataFrame(columns=list(CLAIM_COLUMNS)).astype(
        {c: "str" for c in CLAIM_COLUMNS} | {"value": "float64"})
    for name in dict.fromkeys(stated["dataset"]):
        part = stated[stated["dataset"] == name].reset_index(drop=True)
        claims = src._claims if name == "documents" else no_claims
        part_ds = Dataset(part, claims, src.targets)
        for basis in ("VN", "KR"):
            n = int((yearly & (stated["dataset"] == name) & (stated["reporter"] == basis)
                     & (stated["flow"] == "total")).sum())
            if n >= 2:
                out.append((_LABELS.get(name, str(name)), basis, part_ds))
    return out


def _answer(a: Assessment) -> str:
    if a.status == "simulated":
        return f"{a.probability:.0%}"
    if a.status == "met" and a.met_year is not None:
        return f"met in {a.met_year}"
    return str(a.status)


def alternative_answers(ds: FusedDataset, target: Target, **kwargs: Any) -> pd.DataFrame:
    """``target`` answered from the fused history and from each source and basis alone.

    Parameters
    ----------
    ds : FusedDataset
        From :func:`tradepath.fuse`.
    target : Target
    **kwargs
        As for :func:`tradepath.assess` (model, n_paths, seed, horizon, pool, ...), the same
        for every row; ``reporter`` is each row's basis.

    Returns
    -------
    DataFrame
        One row per source (:data:`ANSWER_COLUMNS`): ``data`` and ``basis`` name it,
        ``status`` is the assessment's (or ``cannot answer``, with the reason in ``detail``),
        ``answer`` the headline in words (a probability, "missed", "met in 2012") and
        ``probability`` in numbers (NaN unless simulated),
        ``years`` the number of years with a figure of the target's flow.

    Examples
    --------
    >>> import tradepath as tp
    >>> from tradepath.fusion.answers import alternative_answers
    >>> ds = tp.fuse()
    >>> alternative_answers(ds, ds.target("100B by 2023"), n_paths=500)["answer"].iloc[0]
    'missed'
    """
    from ..assessment.core import assess

    if not isinstance(target, Target):
        raise fail("target", "alternative_answers", "a tradepath Target", target)
    kwargs.pop("reporter", None)
    rows: list[tuple[Any, ...]] = []
    for data, basis, source in answer_sources(ds):
        try:
            a = assess(source, target, reporter=cast("Reporter", basis), **kwargs)
        except (ModelError, DataError) as exc:
            rows.append((target.name, data, BASIS_NAMES[basis], "cannot answer", "—",
                         math.nan, math.nan, math.nan, None, math.nan, 0, str(exc)))
            continue
        years = int(a.history[target.flow].notna().sum())
        rows.append((target.name, data, BASIS_NAMES[basis], a.status, _answer(a),
                     a.probability if a.status == "simulated" else math.nan, a.p_combined,
                     a.p_inside, a.last_year, a.last_value, years, a.basis))
    return pd.DataFrame(rows, columns=list(ANSWER_COLUMNS))
