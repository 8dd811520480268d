"""The source documents: title, publisher, date and URL of every file the dataset cites.

The embedded dataset cites each figure as ``<file>:<line>`` (a document of the collection and
the line the figure stands on). ``data/documents.csv`` holds one row per document:

==============  ==============================================================================
column          meaning
==============  ==============================================================================
file            the document's file name, as cited in ``source``
title           the title in English: a translation of the document's own title, or, in
                square brackets, a description where the document states none
title_original  the document's own title (Vietnamese), empty where it states none
publisher       empty where the document does not name it
author          empty where the document does not name one
date            publication date, ``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY``
date_stated     ``True`` if the document states the date, ``False`` if it is inferred from
                the text (the note says from what)
url             the document's address where it is stated (empty otherwise)
note            where each of the above was found, line by line
==============  ==============================================================================

Machines keep the file name (``Dataset.observations["source"]``); people read the title and
the date (:func:`cite`, the report's data page, ``tradepath data``).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from .._validation import echo
from ..errors import DataError
from .schema import data_file

__all__ = ["DOCUMENT_COLUMNS", "cite", "cited_files", "document_key", "load_documents"]

DOCUMENT_COLUMNS = ("file", "title", "title_original", "publisher", "author", "date",
                    "date_stated", "url", "note")
_DATE = re.compile(r"^(\d{4})(?:-(0[1-9]|1[0-2])(?:-(0[1-9]|[12]\d|3[01]))?)?$")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
# A citation "<file>:<line>"; files end in .txt in the documents' collection.
_CITATION = re.compile(r"^(?P<file>[^\s:;]+\.txt):(?P<line>\d+)$")


def _read_documents(path: Path) -> pd.DataFrame:
    """Read and check a documents table; every problem is a DataError naming line and field."""
    from .files import _read_csv

    frame, lines = _read_csv(path, "documents", "load_documents")
    missing = [c for c in DOCUMENT_COLUMNS if c not in frame.columns]
    if missing:
        raise DataError(f"missing column(s) {missing}; the documents table needs "
                        f"{list(DOCUMENT_COLUMNS)}", origin=str(path), field=missing[0])
    frame = frame.loc[:, list(DOCUMENT_COLUMNS)].fillna("").astype("str")
    frame = frame.apply(lambda col: col.str.strip())
    for line, r in zip(lines, frame.itertuples(index=False), strict=True):
        problem = None
        if not r.file:
            problem = ("file", "the file name is empty")
        elif not r.title:
            problem = ("title", f"document {r.file!r} has no title; describe it in [brackets] "
                                "if it states none")
        elif not _DATE.match(r.date):
            problem = ("date", f"date {echo(r.date)} of {r.file!r} is not YYYY-MM-DD, YYYY-MM "
                               "or YYYY")
        elif r.date_stated not in ("yes", "no"):
            problem = ("date_stated", f"date_stated {echo(r.date_stated)} of {r.file!r} must "
                                      "be 'yes' or 'no'")
        if problem is not None:
            raise DataError(problem[1], origin=str(path), row=line, field=problem[0],
                            row_label="line")
    dups = sorted(set(frame["file"][frame["file"].duplicated()]))
    if dups:
        raise DataError(f"document(s) {dups} listed more than once; one row per document",
                        origin=str(path), field="file")
    return frame.assign(date_stated=frame["date_stated"] == "yes")


@functools.cache
def _documents() -> pd.DataFrame:
    docs = _read_documents(data_file("documents.csv"))
    refs = [f"[{i}]" for i in range(1, len(docs) + 1)]
    labels = [_label(r.title, r.publisher, r.date, r.date_stated)
              for r in docs.itertuples(index=False)]
    return docs.assign(ref=refs, label=labels)


@functools.cache
def _by_file() -> dict[str, tuple[str, str]]:
    """File name -> (reference number, label), for citing many cells quickly."""
    docs = _documents()
    return dict(zip(docs["file"], zip(docs["ref"], docs["label"], strict=True), strict=True))


def load_documents() -> pd.DataFrame:
    """The documents the embedded dataset cites: one row each, with title, publisher and date.

    Returns
    -------
    DataFrame
        Columns ``file``, ``title``, ``title_original``, ``publisher``, ``author``, ``date``,
        ``date_stated`` (bool), ``url``, ``note`` (see the module docs), plus ``ref``, the
        reference number used on the report's data page and in ``tradepath data`` (``"[1]"``
        for the first document), and ``label``, the title with publisher and date as people
        read it. A copy: changing it changes nothing else.

    Raises
    ------
    DataError
        If the embedded file is missing or malformed (reinstall tradepath).

    Examples
    --------
    >>> import tradepath as tp
    >>> docs = tp.data.load_documents()
    >>> docs.set_index("file").loc["002_3316c04a18ef4a96.txt", "date"]
    '2025-08-07'
    """
    return _documents().copy()


def _date_text(date: str, stated: bool) -> str:
    """'7 Aug 2025' for a stated date; 'c. Jun 2021' or 'c. 2023' for an inferred one."""
    year, month, day = _DATE.match(date).groups()  # type: ignore[union-attr]
    text = " ".join(p for p in (str(int(day)) if day else "",
                                _MONTHS[int(month) - 1] if month else "", year) if p)
    return text if stated else f"c. {text}"


def _label(title: str, publisher: str, date: str, stated: bool) -> str:
    where = ", ".join(p for p in (publisher, _date_text(date, stated)) if p)
    return f"{title} ({where})"


def _parts(source: str) -> list[str]:
    return list(dict.fromkeys(p.strip() for p in str(source).split(";") if p.strip()))


def cited_files(sources: Iterable[str]) -> list[str]:
    """The document files named in ``source`` cells (``"<file>:<line>; ..."``), in order."""
    out: dict[str, None] = {}
    for s in sources:
        for p in _parts(s):
            m = _CITATION.match(p)
            if m:
                out[m["file"]] = None
    return list(out)


def cite(source: str, *, short: bool = False) -> str:
    """A ``source`` cell as people read it: the document's title and date, and the line(s).

    Parameters
    ----------
    source : str
        ``"<file>:<line>"``, several separated by ``;`` (derived figures cite two), a URL, or
        ``"user"``. Parts that are not a document of the collection are kept as they are.
    short : bool, default False
        ``"[4] line 29"`` (the document's reference number, see :func:`document_key`)
        instead of the title and date.

    Examples
    --------
    >>> from tradepath.data import cite
    >>> cite("002_3316c04a18ef4a96.txt:3; 002_3316c04a18ef4a96.txt:5", short=True)
    '[3] lines 3, 5'
    """
    docs = _by_file()
    lines: dict[str, list[str]] = {}
    out: list[str] = []
    for p in _parts(source):
        m = _CITATION.match(p)
        if m and m["file"] in docs:
            if m["file"] not in lines:
                lines[m["file"]] = []
                out.append(m["file"])
            lines[m["file"]].append(m["line"])
        else:
            out.append(p)
    texts = []
    for item in out:
        if item not in lines:
            texts.append(item)
            continue
        ls = lines[item]
        where = f"line{'s' if len(ls) > 1 else ''} {', '.join(ls)}"
        head = docs[item][0] if short else docs[item][1]
        texts.append(f"{head} {where}" if short else f"{head}, {where}")
    return "; ".join(texts)


def document_key(sources: Iterable[str]) -> pd.DataFrame:
    """The documents cited in ``sources``, as a key to :func:`cite` with ``short=True``.

    Returns
    -------
    DataFrame
        Columns ``ref``, ``label``, ``file``: one row per cited document of the collection,
        in the collection's order (empty when none is cited, e.g. for user data).
    """
    docs = load_documents()
    cited = set(cited_files(sources))
    return docs.loc[docs["file"].isin(cited), ["ref", "label", "file"]].reset_index(drop=True)
