"""Reading and checking observation files and frames: every bad cell is a named error.

Files are read as text (UTF-8, with or without a byte-order mark), delimiters, decimal commas,
thousands separators, non-ASCII digits and oversized fields are recognised and named, and
every row is validated against the schema of :mod:`tradepath.data.schema`.
"""

from __future__ import annotations

import csv
import io
import math
import os
import re
import unicodedata
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .._validation import (
    check_rate,
    echo,
    fail,
)
from ..errors import DataError
from .countries import pair_reporters
from .schema import (
    CLAIM_COLUMNS,
    COLUMNS,
    DEFAULTS,
    FLOWS,
    KINDS,
    REPORTERS,
    REQUIRED,
    parse_period,
)

__all__ = ["MAX_FIELD_CHARS", "MAX_FILE_BYTES"]

#: Largest observations file read (bytes). A file of yearly figures is a few kilobytes; one
#: of 50 MB (about a million rows) is a different kind of data, or not a CSV at all.
MAX_FILE_BYTES = 50 * 2**20
#: Longest text field accepted (characters): longer ones are usually an unclosed quote.
MAX_FIELD_CHARS = 10_000
_MAGIC = {b"PK\x03\x04": "a zip archive (an Excel .xlsx workbook?)",
          b"\xd0\xcf\x11\xe0": "an old Excel/Office file (.xls)", b"%PDF": "a PDF",
          b"\x89PNG": "a PNG image", b"\x1f\x8b": "a gzip archive"}
_FIX_EXCEL = "In Excel use File > Save As > 'CSV UTF-8 (comma delimited)'."


def _read_bytes(path: Any, what: str, func: str) -> tuple[Path, str]:
    """Read a user's text file with every check a real file needs; return (path, text)."""
    if not isinstance(path, str | os.PathLike) or (isinstance(path, str) and not path.strip()):
        raise fail("path", func, "a path to a CSV file (str or pathlib.Path)", path)
    p = Path(path).expanduser()
    shown = repr(str(path))
    if p.is_dir():
        raise DataError(f"{what} file {shown} is a folder, not a file; give the CSV file in it")
    try:
        size = p.stat().st_size
        if size > MAX_FILE_BYTES:
            raise DataError(
                f"{what} file {shown} is {size / 2**20:,.1f} MB; the limit is "
                f"{MAX_FILE_BYTES // 2**20} MB (files are read whole, not streamed). Keep only "
                "the observations tradepath needs: one row per period and flow"
            )
        raw = p.read_bytes()
    except FileNotFoundError:
        raise DataError(f"{what} file not found: {shown}") from None
    except OSError as exc:
        raise DataError(f"cannot read {what} file {shown}: {exc.strerror or exc}") from None
    for magic, kind in _MAGIC.items():
        if raw.startswith(magic):
            raise DataError(f"{what} file {shown} is {kind}, not a CSV text file. {_FIX_EXCEL}")
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in raw[:65536]:
        kind = ("UTF-16 text" if raw.startswith((b"\xff\xfe", b"\xfe\xff"))
                else "binary, not text (it contains NUL bytes)")
        raise DataError(f"{what} file {shown} is {kind}; tradepath reads UTF-8 CSV. {_FIX_EXCEL}")
    try:
        text = raw.decode("utf-8-sig")  # accepts the byte-order mark Excel writes
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        raise DataError(
            f"{what} file {shown} is not UTF-8 (byte 0x{raw[exc.start]:02x} on line {line}; "
            f"Windows-1252 or Latin-1?). {_FIX_EXCEL}"
        ) from None
    if not text.strip():
        raise DataError(f"{what} file {shown} is empty ({size} bytes"
                        + (", only white space" if size else "") + "); it needs a header line "
                        "'period,flow,value_usd_bn' and one line per observation")
    return p, text


def _read_csv(
    path: Any, what: str, func: str = "Dataset.from_csv"
) -> tuple[pd.DataFrame, list[int]]:
    """A CSV file as a frame of strings, and the file line number of each row.

    Blank lines and lines whose fields are all empty (Excel writes these) are skipped.
    """
    _, text = _read_bytes(path, what, func)
    origin = str(path)
    reader = csv.reader(io.StringIO(text, newline=""))
    rows: list[tuple[int, list[str]]] = []
    start = 1
    try:
        for r in reader:  # a quoted field may span lines: number each row by its first line
            rows.append((start, r))
            start = reader.line_num + 1
    except csv.Error as exc:
        msg = f"cannot parse the file: {exc}"
        if "field limit" in str(exc):
            msg = (f"a field is longer than {csv.field_size_limit():,} characters; an "
                   "unclosed quote?")
        raise DataError(msg, origin=origin, row=start, row_label="line") from None
    rows = [(n, r) for n, r in rows if any(f.strip() for f in r)]
    header_line, header = rows[0]
    header = [unicodedata.normalize("NFKC", h).strip() for h in header]
    if len(header) == 1 and len(rows) > 0:
        for sep, label in ((";", "';' (semicolon)"), ("\t", "a tab"), ("|", "'|'")):
            if sep in header[0]:
                raise DataError(
                    f"the header {echo(header[0])} has one column; the delimiter looks like "
                    f"{label}, not ','. Save the file as comma-separated, or read it with "
                    f"pandas.read_csv(path, sep={sep!r}, decimal=',') and pass the frame to "
                    "Dataset.from_frame",
                    origin=origin, row=header_line, row_label="line",
                )
    if "period" not in header:  # a title row above the column names?
        for n, r in rows[1:10]:
            if "period" in (f.strip() for f in r):
                raise DataError(
                    f"the column names are on line {n}, not on the first line; delete the "
                    f"line(s) above them (a title row?)", origin=origin, row=header_line,
                    row_label="line")
    # Excel exports trailing empty columns; drop them when they hold nothing.
    while header and not header[-1] and all(
            len(r) < len(header) or not r[len(header) - 1].strip() for _, r in rows[1:]):
        header.pop()
    if "" in header:
        raise DataError(f"column {header.index('') + 1} has no name in the header",
                        origin=origin, row=header_line, row_label="line")
    dups = sorted({h for h in header if header.count(h) > 1})
    if dups:
        raise DataError(f"the header has duplicate column name(s) {dups}; each column "
                        "must appear once", origin=origin, row=header_line, row_label="line")
    body = rows[1:]
    if not body:
        raise DataError("the file has a header but no observations; add one line per period "
                        "and flow, e.g. '2024,total,81.5'", origin=origin,
                        row=header_line, row_label="line")
    out = []
    for n, r in body:
        r = r + [""] * (len(header) - len(r)) if len(r) < len(header) else r
        if len(r) > len(header):
            extra = r[len(header):]
            if any(f.strip() for f in extra):
                raise DataError(_extra_fields_message(r, header), origin=origin, row=n,
                                row_label="line")
            r = r[:len(header)]
        for h, f in zip(header, r, strict=True):
            if "\n" in f and h not in ("note", "source", "formula"):
                raise DataError(
                    f"the field runs over several lines ({echo(f[:30])}...): a quote '\"' "
                    "opened on this line is never closed", origin=origin, row=n, field=h,
                    row_label="line")
            if len(f) > MAX_FIELD_CHARS:
                raise DataError(
                    f"the field is {len(f):,} characters long (limit {MAX_FIELD_CHARS:,}); "
                    f"it starts {echo(f[:40])}" + ("; an unclosed quote?" if "\n" in f else ""),
                    origin=origin, row=n, field=h, row_label="line")
        out.append(r)
    return pd.DataFrame(out, columns=header, dtype=object), [n for n, _ in body]


_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")
_DECIMAL_COMMA = re.compile(r"^[+-]?\d+,\d+$")


def _extra_fields_message(fields: list[str], header: list[str]) -> str:
    """Explain a line with more fields than the header, e.g. an unquoted '1,234.5'."""
    base = f"the line has {len(fields)} fields where the header has {len(header)}"
    for i in range(len(fields) - 1):
        joined = f"{fields[i].strip()},{fields[i + 1].strip()}"
        col = header[i] if i < len(header) else f"column {i + 1}"
        if _THOUSANDS.match(joined) or _DECIMAL_COMMA.match(joined):
            return (f"{base}: {joined!r} in column {col!r} looks like a number written with a "
                    "comma (" + _comma_meaning(joined) + "). Write it without the comma, "
                    "e.g. 81.5, or quote it")
    return f"{base}; quote fields that contain commas"


def _comma_meaning(text: str) -> str:
    if _THOUSANDS.match(text) and not _DECIMAL_COMMA.match(text):
        return "a thousands separator"
    if _DECIMAL_COMMA.match(text) and not _THOUSANDS.match(text):
        return "a decimal comma"
    return "a thousands separator or a decimal comma"


def _number(raw: Any, flow: str) -> float:
    """A value cell as a float, or a DataError saying what was found."""
    field = "value_usd_bn"
    if raw is None or raw is pd.NA or raw is pd.NaT or (isinstance(raw, float) and math.isnan(raw)):
        raise DataError("the value is missing; leave out observations that are not known",
                        field=field)
    if isinstance(raw, bool | np.bool_):
        raise DataError(f"value {raw!r} is a boolean, not a number", field=field)
    if isinstance(raw, int | float | np.integer | np.floating):
        value = float(raw)
    else:
        text = unicodedata.normalize("NFKC", str(raw)).strip().replace("\u2212", "-")
        if not text:
            raise DataError("the value is empty; leave out observations that are not known",
                            field=field)
        if "," in text and (_THOUSANDS.match(text) or _DECIMAL_COMMA.match(text)):
            raise DataError(f"value {echo(text)} uses a comma ({_comma_meaning(text)}); write "
                            "numbers with a decimal point and no separators, e.g. 81.5",
                            field=field)
        if text.endswith("%"):
            raise DataError(f"value {echo(text)} is a percentage; give US$ billion",
                            field=field)
        try:
            value = float(text)
        except ValueError:
            raise DataError(f"value {echo(raw)} is not a number (US$ billion, e.g. 81.5)",
                            field=field) from None
        if "_" in text:
            raise DataError(f"value {echo(raw)} is not a plain number", field=field)
    if math.isnan(value):
        raise DataError("the value is NaN; leave out observations that are not known",
                        field=field)
    if not math.isfinite(value):
        raise DataError(f"value {echo(raw)} is not finite", field=field)
    if flow != "balance" and value < 0:
        raise DataError(f"value {value!r} is negative; only 'balance' may be negative",
                        field=field)
    if flow != "balance" and value == 0:
        raise DataError(
            f"value 0 for {flow!r} is not a trade figure; if it is unknown, leave the row out "
            "(growth models and required growth divide by it)", field=field)
    return value


def _text_cell(v: Any, col: str) -> str:
    if v is None or v is pd.NA or v is pd.NaT or (isinstance(v, float) and math.isnan(v)):
        return ""
    if col == "period" and isinstance(v, float | np.floating) and float(v).is_integer():
        v = int(v)  # a year column read as float (e.g. with gaps) gives 2024.0
    text = str(v).strip()
    if col == "period" and re.fullmatch(r"\d{4}\.0+", text):
        text = text.split(".")[0]  # a year column written as float by pandas or Excel
    if len(text) > MAX_FIELD_CHARS:
        raise DataError(f"the text is {len(text):,} characters long (limit "
                        f"{MAX_FIELD_CHARS:,}); it starts {echo(text[:40])}", field=col)
    return text


def _validate(
    frame: pd.DataFrame, origin: str, row_base: int, row_label: str = "row",
    row_numbers: Sequence[int] | None = None,
    by_publication: bool = False,
) -> pd.DataFrame:
    """Check a user frame of observations and fill defaults; return it in canonical form."""
    if not isinstance(frame, pd.DataFrame):
        raise fail("df", "Dataset.from_frame", "a pandas DataFrame", type(frame).__name__)
    if isinstance(frame.columns, pd.MultiIndex):
        raise DataError("the frame has multi-level columns; flatten them to "
                        f"{list(REQUIRED)} first", origin=origin)
    dups = sorted({str(c) for c in frame.columns[frame.columns.duplicated()]})
    if dups:
        raise DataError(f"duplicate column name(s) {dups}; each column must appear once",
                        field=dups[0], origin=origin)
    missing = [c for c in REQUIRED if c not in frame.columns]
    if missing:
        near = {str(c).strip().lower().replace(" ", "_"): c for c in frame.columns}
        hint = [f"{near[m]!r} -> {m!r}" for m in missing if m in near]
        raise DataError(
            f"missing column(s) {missing}; observations need at least "
            f"{list(REQUIRED)} (optional: {[c for c in COLUMNS if c not in REQUIRED]})"
            + (f"; rename {', '.join(hint)}" if hint else ""),
            field=missing[0], origin=origin,
        )
    unknown = [c for c in frame.columns if c not in COLUMNS]
    if unknown:
        raise DataError(
            f"unknown column(s) {echo(unknown)}; the columns are {list(COLUMNS)} "
            "(put free text in 'note')",
            field=echo(str(unknown[0]), 40), origin=origin,
        )
    if frame.empty:
        raise DataError("no observations (the frame has no rows)", origin=origin)
    out: dict[str, list[Any]] = {c: [] for c in COLUMNS}
    numbers = list(row_numbers) if row_numbers is not None else None
    for i, row in enumerate(frame.to_dict("records")):

        def text(col: str, row: dict[str, Any] = row) -> str:
            v = _text_cell(row.get(col, DEFAULTS.get(col, "")), col)
            return v if v or col not in DEFAULTS else DEFAULTS[col]

        try:
            period = _canonical_period(text("period"))
            flow = text("flow")
            if flow not in FLOWS:
                raise DataError(f"unknown flow {echo(flow)}; use one of {FLOWS}", field="flow")
            reporter = text("reporter")
            if reporter not in REPORTERS + (pair_reporters(text("pair")) or ()):
                raise DataError(
                    f"unknown reporter {echo(reporter)}; use one of {REPORTERS} (or, for a "
                    "pair of ISO codes such as 'VNM-JPN', either country's two-letter code)",
                    field="reporter"
                )
            kind = text("kind")
            if kind not in KINDS:
                raise DataError(f"unknown kind {echo(kind)}; use one of {KINDS}", field="kind")
            value = _number(row.get("value_usd_bn"), flow)
            pair = text("pair")
            rest = (text("source"), text("note"), text("formula"))
            release = text("release")
            if release and not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", release):
                raise DataError(f"release {release!r} must be a month 'YYYY-MM'", field="release")
        except DataError as exc:
            where = numbers[i] if numbers is not None else i + row_base
            raise DataError(exc.message, field=exc.field, origin=origin, row=where,
                            row_label=row_label) from None
        for col, v in zip(
            COLUMNS, (pair, period, flow, value, reporter, kind, *rest, release, text("dataset")),
            strict=True,
        ):
            out[col].append(v)
    result = pd.DataFrame(out, columns=list(COLUMNS)).astype(
        {c: "str" for c in COLUMNS if c != "value_usd_bn"} | {"value_usd_bn": "float64"}
    )
    _check_duplicates(result, origin, row_base, row_label, numbers, by_publication)
    return result


def _canonical_period(text: str) -> str:
    """The period in ASCII canonical form, so '２０２０' and '2020' are the same period."""
    year, m1, m2 = parse_period(unicodedata.normalize("NFKC", text))
    return str(year) if (m1, m2) == (1, 12) and "/" not in text else \
        f"{year}-{m1:02d}/{year}-{m2:02d}"


def _check_duplicates(
    obs: pd.DataFrame, origin: str, row_base: int, row_label: str = "row",
    row_numbers: Sequence[int] | None = None,
    by_publication: bool = False,
) -> None:
    key = ["pair", "period", "flow", "reporter", "kind"]
    if by_publication:
        # Figures from different publications may disagree: check() lists them and annual()
        # picks one by the rule in its docs; only one publication contradicting itself is an error.
        key += ["source", "release", "dataset"]
    keys = list(zip(*(obs[k].tolist() for k in key), strict=True))
    if len(set(keys)) == len(keys):
        return  # no two rows share a key (the common case, checked without pandas' groupby)
    dup = obs[obs.duplicated(key, keep=False)]
    for _, group in dup.groupby(key, sort=False):
        if group["value_usd_bn"].nunique() > 1:
            rows = [row_numbers[int(i)] if row_numbers is not None else int(i) + row_base
                    for i in group.index]
            first = group.iloc[0]
            raise DataError(
                f"{row_label}s {rows} give different values "
                f"{group['value_usd_bn'].tolist()} for period {first['period']!r}, flow "
                f"{first['flow']!r}, reporter {first['reporter']!r}, kind {first['kind']!r}; "
                "keep one, or mark the other with a different kind or reporter",
                row=rows[1], field="value_usd_bn", origin=origin, row_label=row_label,
            )


def _read_claims(path: Path) -> pd.DataFrame:
    claims, lines = _read_csv(path, "claims", "load_dataset")
    missing = [c for c in CLAIM_COLUMNS if c not in claims.columns]
    if missing:
        raise DataError(f"{path}: missing claim column(s) {missing}")
    claims = claims.loc[:, list(CLAIM_COLUMNS)].astype("str")
    values = []
    for line, c in zip(lines, claims.itertuples(index=False), strict=True):
        try:
            v = float(c.value)
            if c.claim == "growth":  # growth claims are fractions: 0.073 is +7.3 %
                v = check_rate("value", "claims", v)
        except ValueError as exc:
            raise DataError(f"claim {c.claim_id!r}: {exc}", origin=str(path), row=line,
                            field="value", row_label="line") from None
        values.append(v)
    claims["value"] = pd.Series(values, index=claims.index, dtype="float64")
    return claims


