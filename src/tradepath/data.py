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
"""

from __future__ import annotations

import csv
import dataclasses
import io
import math
import os
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from ._io import output_file
from ._validation import (
    YEAR_MAX,
    YEAR_MIN,
    check_choice,
    check_rate,
    check_real,
    check_year,
    check_years,
    echo,
    fail,
)
from .errors import DataError, UnknownNameError
from .targets import Target, read_targets

__all__ = [
    "COLUMNS",
    "DATASETS",
    "DEFAULT_KINDS",
    "FLOWS",
    "KINDS",
    "MAX_FIELD_CHARS",
    "MAX_FILE_BYTES",
    "MIRROR_CIF_FOB",
    "REPORTERS",
    "Dataset",
    "load_dataset",
    "parse_period",
]

COLUMNS = (
    "pair", "period", "flow", "value_usd_bn", "reporter", "kind", "source", "note", "formula",
    "release", "dataset",
)
REQUIRED = ("period", "flow", "value_usd_bn")
DEFAULTS = {
    "pair": "VNM-KOR", "reporter": "VN", "kind": "reported", "source": "user", "note": "",
    "formula": "", "release": "", "dataset": "user",
}
FLOWS = ("total", "exports", "imports", "balance")
REPORTERS = ("VN", "KR", "unstated")
KINDS = ("reported", "approximate", "lower_bound", "derived", "ambiguous", "forecast", "estimate")
#: Kinds used by :meth:`Dataset.annual` and the models unless the caller says otherwise.
DEFAULT_KINDS = ("reported", "approximate", "derived")
# When several rows give the same year and flow, the first kind here wins.
_PRIORITY = ("reported", "approximate", "derived", "converted", "lower_bound", "ambiguous",
             "forecast", "estimate")
#: Ratio of CIF-valued imports to FOB-valued exports of the same goods (IMF DOTS convention);
#: used by ``annual(mirror=True)`` only for a flow with no year on both bases
#: (see :func:`tradepath.mirror.mirror_ratios`).
MIRROR_CIF_FOB = 1.06
CLAIM_COLUMNS = (
    "claim_id", "pair", "period", "flow", "claim", "value", "reference_period", "reporter",
    "source", "note",
)

Reporter = Literal["VN", "KR", "unstated"]
_PERIOD = re.compile(r"^(\d{4})(?:-(\d{2})/(\d{4})-(\d{2}))?$")


def parse_period(text: str) -> tuple[int, int, int]:
    """Parse a period into ``(year, first_month, last_month)``.

    ``"2024"`` gives ``(2024, 1, 12)``; ``"2021-01/2021-05"`` gives ``(2021, 1, 5)``.

    Any Unicode decimal digits are read (full-width ``"２０２０"`` is 2020); the year must lie
    in the library's range (:data:`tradepath._validation.CONSTRAINTS`, 1900-2100).

    Raises
    ------
    DataError
        If the text is not a year or a run of months within one year, or the year is outside
        the range.
    """
    m = _PERIOD.match(str(text).strip())
    if m is None:
        raise DataError(
            f"period must be a year such as '2024' or months within one year such as "
            f"'2021-01/2021-05'; got {echo(text)}",
            field="period",
        )
    year = int(m.group(1))
    if not YEAR_MIN <= year <= YEAR_MAX:
        raise DataError(
            f"period {echo(text)} is outside the years tradepath accepts, {YEAR_MIN}-{YEAR_MAX}"
            " (a typo?)", field="period",
        )
    if m.group(2) is None:
        return year, 1, 12
    m1, y2, m2 = int(m.group(2)), int(m.group(3)), int(m.group(4))
    if y2 != year or not 1 <= m1 <= m2 <= 12:
        raise DataError(
            f"period {text!r} must run forwards within one calendar year (months 01-12)",
            field="period",
        )
    return year, m1, m2


def _data_dir() -> Path:
    """Where the embedded data files are: inside the wheel, or ``data/`` in a source checkout."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "_data", here.parents[1] / "data"):
        if (candidate / "observations.csv").is_file():
            return candidate
    raise DataError(
        "the embedded data files are missing from this installation; reinstall tradepath"
    )


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
            if reporter not in REPORTERS:
                raise DataError(
                    f"unknown reporter {echo(reporter)}; use one of {REPORTERS}",
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


def _derive(stated: pd.DataFrame, claims: pd.DataFrame) -> pd.DataFrame:
    """Rows implied by growth claims for periods that no stated figure covers."""
    rows = []
    have = set(zip(stated["pair"], stated["period"], stated["flow"], stated["reporter"],
                   strict=True))
    for c in claims[claims["claim"] == "growth"].itertuples(index=False):
        if (c.pair, c.reference_period, c.flow, c.reporter) in have:
            continue  # the claim is testable instead; see Dataset.check
        base = stated[
            (stated["pair"] == c.pair) & (stated["period"] == c.period)
            & (stated["flow"] == c.flow) & (stated["reporter"] == c.reporter)
            & (stated["kind"].isin(("reported", "approximate")))
        ]
        if base.empty:
            continue
        v = float(base["value_usd_bn"].iloc[0])
        rows.append({
            "pair": c.pair, "period": c.reference_period, "flow": c.flow,
            "value_usd_bn": v / (1.0 + c.value), "reporter": c.reporter, "kind": "derived",
            "source": f"{base['source'].iloc[0]}; {c.source}",
            "note": f"Implied by {c.period} {c.flow} of {v:g} and growth of {c.value:+.1%}.",
            "formula": f"{v:g} / (1 + {c.value:g})", "release": base["release"].iloc[0],
            "dataset": base["dataset"].iloc[0],
        })
    return pd.DataFrame(rows, columns=list(COLUMNS)).astype(stated.dtypes.to_dict())


def _check_targets(targets: Any, func: str) -> tuple[Target, ...]:
    if isinstance(targets, Target):
        return (targets,)
    if isinstance(targets, str | bytes) or not isinstance(targets, Iterable):
        raise fail("targets", func, "an iterable of tradepath.Target", targets)
    out = tuple(targets)
    for t in out:
        if not isinstance(t, Target):
            raise fail("targets", func, "an iterable of tradepath.Target", t)
    return out


@dataclass(frozen=True, slots=True, eq=False)
class Dataset:
    """Observations with provenance, the claims that check them, and targets.

    Build one with :func:`load_dataset`, :meth:`from_csv` or :meth:`from_frame`; never mutated.
    Accessors return fresh frames, so changing them leaves the dataset as it was.

    Examples
    --------
    >>> import tradepath as tp
    >>> ds = tp.load_dataset()
    >>> float(ds.annual().loc[2024, "total"])
    81.5
    """

    _stated: pd.DataFrame
    _claims: pd.DataFrame
    targets: tuple[Target, ...] = ()
    _derived: pd.DataFrame = dataclasses.field(init=False, repr=False)
    _cache: dict[tuple[Any, ...], tuple[pd.DataFrame, pd.DataFrame]] = dataclasses.field(
        init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_derived", _derive(self._stated, self._claims))
        object.__setattr__(self, "_cache", {})

    # -- construction --------------------------------------------------------------------
    @classmethod
    def from_frame(
        cls,
        df: pd.DataFrame,
        *,
        claims: pd.DataFrame | None = None,
        targets: Iterable[Target] = (),
    ) -> Dataset:
        """A dataset from a DataFrame of observations (see the module docs for columns).

        Only ``period``, ``flow`` and ``value_usd_bn`` are required; ``pair`` defaults to
        ``"VNM-KOR"``, ``reporter`` to ``"VN"``, ``kind`` to ``"reported"``, ``source`` to
        ``"user"``. Rows are numbered from 1 in error messages.

        Periods may be strings or whole numbers (``2024`` or ``2024.0``); any Unicode
        digits are stored as ASCII, so ``"２０２０"`` and ``"2020"`` are the same period.
        Categorical and string columns are read like object columns.

        Raises
        ------
        ParameterError
            ``df`` is not a DataFrame, or ``targets`` holds something else than Targets.
        DataError
            Naming the row and the field, for no rows, duplicate or multi-level columns, a
            missing column, an unknown flow, reporter or kind, a missing, NaN, boolean,
            non-numeric, infinite, zero or (except for ``balance``) negative value, a number
            written with a comma, an unparsable period or one outside 1900-2100, a text
            field over :data:`MAX_FIELD_CHARS` characters, or conflicting duplicates.
            Nothing partial is returned.
        """
        stated = _validate(df, "observations", row_base=1)
        targets = _check_targets(targets, "Dataset.from_frame")
        claims_frame = (
            pd.DataFrame(columns=list(CLAIM_COLUMNS)).astype(
                {c: "str" for c in CLAIM_COLUMNS} | {"value": "float64"})
            if claims is None else claims.copy()
        )
        return cls(stated, claims_frame, tuple(targets))

    @classmethod
    def from_csv(cls, path: str | Path, *, targets: Iterable[Target] = ()) -> Dataset:
        """A dataset from a CSV file of observations; errors give the file and line number.

        The file is UTF-8 text, comma-separated, with a header line naming the columns
        (see the module docs), at most :data:`MAX_FILE_BYTES` (50 MB; read whole, not
        streamed). Accepted and fixed: the byte-order mark Excel writes, blank lines and
        lines of empty fields, empty trailing columns, full-width or other Unicode digits
        (stored as ASCII), and ``−`` (U+2212) as a minus sign.

        Raises
        ------
        ParameterError
            ``path`` is not a path.
        DataError
            With the file and line: a missing, empty, header-only, binary, non-UTF-8 or too
            large file, a folder; a ';' or tab delimiter; duplicate or unnamed columns; a
            line with more fields than the header (an unquoted ``1,234.5`` or ``81,5`` is
            named as such); every row problem listed in :meth:`from_frame`.
        """
        frame, lines = _read_csv(path, "observations")
        targets = _check_targets(targets, "Dataset.from_csv")
        stated = _validate(frame, str(path), row_base=2, row_label="line", row_numbers=lines)
        empty = pd.DataFrame(columns=list(CLAIM_COLUMNS)).astype(
            {c: "str" for c in CLAIM_COLUMNS} | {"value": "float64"})
        return cls(stated, empty, tuple(targets))

    def with_observations(self, df: pd.DataFrame) -> Dataset:
        """A new dataset with the rows of ``df`` added; this one is unchanged."""
        extra = _validate(df, "added observations", row_base=1)
        both = pd.concat([self._stated, extra], ignore_index=True)
        # The official series keeps disagreeing publications side by side (see check()).
        _check_duplicates(both, "observations", row_base=1,
                          by_publication=bool((self._stated["dataset"] == "official").any()))
        return Dataset(both.drop_duplicates(ignore_index=True), self._claims, self.targets)

    def to_csv(self, path: str | Path, *, overwrite: bool = False) -> Path:
        """Write the stated observations (not the derived rows, which are recomputed).

        Written to a temporary file and moved into place, so a failure leaves no partial file.

        Parameters
        ----------
        path : str or path-like
            The file to write; its folder must exist.
        overwrite : bool, default False
            Replace an existing file.

        Raises
        ------
        OutputError
            The folder is missing or not writable (the message names ``path``).
        OutputExistsError
            ``path`` exists and ``overwrite`` is False, or is a folder.
        """
        with output_file(path, overwrite=overwrite, func="Dataset.to_csv") as fh:
            self._stated.to_csv(fh, index=False, float_format="%.15g")
        return Path(path).expanduser()

    # -- views ---------------------------------------------------------------------------
    @property
    def observations(self) -> pd.DataFrame:
        """Every figure, stated and derived, one row each with its provenance (a copy)."""
        return pd.concat([self._stated, self._derived], ignore_index=True)

    @property
    def claims(self) -> pd.DataFrame:
        """Growth-rate and ratio claims in the documents, as stated (a copy)."""
        return self._claims.copy()

    @property
    def pairs(self) -> tuple[str, ...]:
        """The trade pairs in the dataset."""
        return tuple(dict.fromkeys(self._stated["pair"]))

    def target(self, name: str) -> Target:
        """The dataset's target called ``name`` (e.g. ``"150B by 2030"``)."""
        for t in self.targets:
            if t.name == name:
                return t
        raise UnknownNameError(
            f"no target named {name!r}; the dataset has {[t.name for t in self.targets]}"
        )

    def targets_frame(self) -> pd.DataFrame:
        """The targets as a table: name, value, deadline, condition, announced, outcome, source."""
        return pd.DataFrame(
            [
                {
                    "name": t.name, "value_usd_bn": t.value, "by": t.by, "flow": t.flow,
                    "balance": t.balance.describe() if t.balance is not None else "none",
                    "announced": t.announced, "outcome": t.outcome, "source": t.source,
                }
                for t in self.targets
            ],
            columns=["name", "value_usd_bn", "by", "flow", "balance", "announced", "outcome",
                     "source"],
        )

    def _pair(self, pair: str | None) -> str:
        pairs = self.pairs
        if pair is None:
            if len(pairs) > 1:
                raise fail("pair", "Dataset.annual", f"one of {pairs}", pair,
                           "The dataset holds several pairs; name one.")
            return pairs[0] if pairs else DEFAULTS["pair"]
        return check_choice("pair", "Dataset.annual", pair, pairs)

    def _annual(
        self, reporter: str, kinds: Sequence[str], mirror: bool, pair: str | None
    ) -> tuple[pd.DataFrame, pd.DataFrame]:
        # The dataset never changes, so each view is built once; callers get copies.
        key = (reporter, tuple(kinds), mirror, pair)
        if key not in self._cache:
            self._cache[key] = self._build_annual(reporter, kinds, mirror, pair)
        values, kind = self._cache[key]
        return values.copy(), kind.copy()

    def _build_annual(
        self, reporter: str, kinds: Sequence[str], mirror: bool, pair: str | None
    ) -> tuple[pd.DataFrame, pd.DataFrame]:
        check_choice("reporter", "Dataset.annual", reporter, REPORTERS)
        kinds = tuple(kinds)
        for k in kinds:
            check_choice("kinds", "Dataset.annual", k, KINDS)
        obs = self.observations
        obs = obs[(obs["pair"] == self._pair(pair)) & obs["period"].str.fullmatch(r"\d{4}")]
        own = obs[(obs["reporter"] == reporter) & obs["kind"].isin(kinds)]
        if mirror and reporter in ("VN", "KR"):
            from .mirror import mirror_factors

            partner = "KR" if reporter == "VN" else "VN"
            other = obs[(obs["reporter"] == partner) & obs["kind"].isin(kinds)
                        & obs["flow"].isin(("exports", "imports"))].copy()
            # factor = KR / VN per flow, estimated from the years with both bases.
            factor = other["flow"].map(mirror_factors(self, kinds=kinds, pair=pair)).astype(float)
            other["value_usd_bn"] = (other["value_usd_bn"] / factor if reporter == "VN"
                                     else other["value_usd_bn"] * factor)
            other["kind"] = "converted"
            own = pd.concat([own, other], ignore_index=True)
        if own.empty:
            raise DataError(self._why_empty(reporter, kinds, mirror, obs), field="reporter")
        best = _preferred(own.assign(year=own["period"].astype(int)), ["year", "flow"])
        values = best.pivot(index="year", columns="flow", values="value_usd_bn")
        kind = best.pivot(index="year", columns="flow", values="kind")
        values = values.reindex(columns=list(FLOWS)).astype(float)
        kind = kind.reindex(columns=list(FLOWS)).astype(object)
        # Fill the identities total = x + m and balance = x - m where both flows are known.
        x, m = values["exports"], values["imports"]
        for flow, implied in (("total", x + m), ("balance", x - m)):
            gap = values[flow].isna() & implied.notna()
            values.loc[gap, flow] = implied[gap]
            kind.loc[gap, flow] = "derived"
        if not values.empty:
            full = range(int(values.index.min()), int(values.index.max()) + 1)
            values, kind = values.reindex(full), kind.reindex(full)
        values.index.name = kind.index.name = "year"
        values.columns.name = kind.columns.name = None
        return values, kind.where(values.notna(), None)

    def _why_empty(self, reporter: str, kinds: tuple[str, ...], mirror: bool,
                   yearly: pd.DataFrame) -> str:
        """Why an annual view has no values, and what to pass instead."""
        obs = self.observations
        mine = obs[obs["reporter"] == reporter]
        if mine.empty:
            have = sorted(set(obs["reporter"]))
            return (f"no observations from reporter {reporter!r} (no figures on the "
                    f"{reporter!r} basis); the dataset has reporter(s) "
                    f"{have}: pass reporter={have[0]!r}"
                    + ("" if mirror or reporter == "unstated" else
                       ", or mirror=True to use the partner's figures, or "
                       "load_dataset('official') for the series on both bases"))
        mine_yearly = yearly[yearly["reporter"] == reporter]
        if mine_yearly.empty:
            return (f"reporter {reporter!r} has only part-year figures "
                    f"({sorted(set(mine['period']))[:5]}); annual views need whole years")
        have = sorted(set(mine_yearly["kind"]))
        wider = tuple(dict.fromkeys([*kinds, *have]))
        return (f"no yearly figures on the {reporter!r} basis of kind(s) {list(kinds)}; "
                f"reporter {reporter!r} has {have}: pass kinds={wider}"
                + ("" if mirror or reporter not in ("VN", "KR") else
                   ", or mirror=True to convert the partner's figures, or use "
                   "load_dataset('official') for the series on both bases"))

    def annual(
        self,
        reporter: Reporter = "VN",
        *,
        kinds: Sequence[str] = DEFAULT_KINDS,
        mirror: bool = False,
        pair: str | None = None,
    ) -> pd.DataFrame:
        """Annual values by year: ``total``, ``exports``, ``imports``, ``balance``.

        Parameters
        ----------
        reporter : {"VN", "KR", "unstated"}, default "VN"
            Whose statistics. The basis is a choice: figures on different bases are never mixed
            unless ``mirror`` is set.
        kinds : sequence of str, default ("reported", "approximate", "derived")
            Which kinds of figure to use; add ``"lower_bound"`` or ``"ambiguous"`` to use
            bounds and figures of unclear basis as if they were values.
        mirror : bool, default False
            Fill gaps in ``exports``/``imports`` from the partner's statistics, converted with
            the ratio between the bases estimated from the years this dataset has on both
            (:func:`tradepath.mirror.mirror_ratios`: geometric mean of Korea's figure over
            Vietnam's, per flow). A flow with no such year falls back on the CIF/FOB factor
            :data:`MIRROR_CIF_FOB` (1.06, the IMF DOTS convention): an importer's figure is
            divided by 1.06 to stand for the exporter's. Such values have kind ``converted``.
        pair : str, optional
            Needed only when the dataset holds several pairs.

        Returns
        -------
        DataFrame
            Indexed by ``year`` (every year from the first to the last, NaN where unknown).
            Partial-year figures are not included. Where several figures exist for one year,
            flow and basis, the preferred one is chosen by kind (reported, approximate,
            derived, converted, ...), then the latest ``release`` (rows without one last), then
            the order of the rows. Missing totals and balances are filled from ``exports``
            and ``imports`` where both are known (kind ``derived``); see
            :meth:`annual_kinds` for the kind of every value.

        Raises
        ------
        DataError
            If the dataset has no figure of these kinds from ``reporter`` (``"VN"`` or
            ``"KR"``) and ``mirror`` is not set; the message says what there is instead.
        """
        return self._annual(reporter, kinds, mirror, pair)[0]

    def merge(self, other: Dataset) -> Dataset:
        """This dataset and ``other`` in one, every row kept with the dataset it came from.

        Nothing is averaged: where the two give different figures for one year, flow and
        basis, :meth:`check` lists the disagreement and :meth:`annual` picks one by its rule
        (this dataset's row first among equals). Claims and targets are combined (targets by
        name, this dataset's first).

        Examples
        --------
        >>> import tradepath as tp
        >>> both = tp.load_dataset().merge(tp.load_dataset("official"))
        >>> sorted(set(both.observations["dataset"]))
        ['documents', 'official']
        """
        from .official import merge_datasets

        return merge_datasets(self, other)

    def annual_kinds(
        self,
        reporter: Reporter = "VN",
        *,
        kinds: Sequence[str] = DEFAULT_KINDS,
        mirror: bool = False,
        pair: str | None = None,
    ) -> pd.DataFrame:
        """The kind of every value in :meth:`annual` with the same arguments (None: no value)."""
        return self._annual(reporter, kinds, mirror, pair)[1]

    def series(
        self,
        flow: str = "total",
        reporter: Reporter = "VN",
        *,
        kinds: Sequence[str] = DEFAULT_KINDS,
        start: int | None = None,
        end: int | None = None,
        exclude: Iterable[int] = (),
        pair: str | None = None,
    ) -> pd.Series:
        """One flow's known annual values as a Series indexed by year (gaps dropped).

        ``start``/``end`` set the fit window and ``exclude`` drops years (e.g. ``(2020,)``).
        """
        check_choice("flow", "Dataset.series", flow, FLOWS)
        s = self.annual(reporter, kinds=kinds, pair=pair)[flow].dropna()
        if start is not None:
            s = s[s.index >= check_year("start", "Dataset.series", start)]
        if end is not None:
            s = s[s.index <= check_year("end", "Dataset.series", end)]
        s = s[~s.index.isin(check_years("exclude", "Dataset.series", exclude))]
        s.name = flow
        return s

    # -- checks --------------------------------------------------------------------------
    def check(self, *, rtol: float = 0.01) -> pd.DataFrame:
        """Test every identity and claim the figures allow.

        Identities ``total = exports + imports`` and ``balance = exports - imports`` for every
        period and reporter with the three figures; ratio and growth claims where both periods
        have figures; figures for the same period and flow on different bases or of unclear
        basis; lower bounds against point values.

        Parameters
        ----------
        rtol : float, default 0.01
            Relative tolerance for "pass": the documents round to 0.1 bn, which on figures of
            8 bn or more is an error of at most 0.6 % per figure.

        Returns
        -------
        DataFrame
            Also, for every year, flow and basis with several figures, each alternative
            against the preferred one (see :meth:`annual`), with the gap.
            One row per test: ``check``, ``status`` (``pass``, ``fail`` or ``untestable``),
            ``period``, ``flow``, ``reporter``, ``expected``, ``observed``, ``gap``
            (observed - expected), ``rel_gap``, ``detail``, ``sources``.
        """
        rtol = check_real("rtol", "Dataset.check", rtol, lo=0.0, hi=1.0)
        from ._checks import run_checks
        from .official import disagreements

        obs = _preferred(self.observations, None)  # identities use the preferred figures
        return pd.concat([run_checks(obs, self._claims, rtol), disagreements(obs, rtol)],
                         ignore_index=True)

    # -- display -------------------------------------------------------------------------
    def __repr__(self) -> str:
        obs = self.observations
        periods = obs["period"].str[:4].astype(int) if len(obs) else pd.Series([], dtype=int)
        span = f"{periods.min()}–{periods.max()}" if len(obs) else "empty"
        return (
            f"<Dataset {', '.join(self.pairs) or 'no pair'}: {len(self._stated)} stated and "
            f"{len(self._derived)} derived figures, {span}; {len(self.targets)} targets>"
        )

    def _repr_html_(self) -> str:
        cols = ["period", "flow", "value_usd_bn", "reporter", "kind", "source"]
        return (
            f"<p><b>{repr(self)[1:-1]}</b></p>"
            + self.observations[cols].to_html(index=False, float_format="{:g}".format)
        )


DATASETS = ("documents", "official")


def load_dataset(name: Literal["documents", "official"] = "documents") -> Dataset:
    """An embedded dataset: the documents' figures (the default) or the official series.

    ``"documents"``: every Vietnam–Korea trade figure and target in the documents, in
    ``data/observations.csv`` (each with its document and line), the growth and ratio claims in
    ``data/claims.csv`` and the targets in ``data/targets.toml``.

    ``"official"``: the published series on both bases (Vietnam's and Korea's statistics),
    1992–2025, in ``data/official.csv``, each row with the URL it was taken from
    (see :mod:`tradepath.official`); the same targets.

    Raises
    ------
    UnknownNameError
        If ``name`` is not one of the embedded datasets.

    Examples
    --------
    >>> import tradepath as tp
    >>> ds = tp.load_dataset()
    >>> row = ds.observations.iloc[0]
    >>> row["period"], float(row["value_usd_bn"]), row["source"]
    ('2009', 9.52, '003_52f2d3f700705abe.txt:29')
    """
    check_choice("name", "load_dataset", name, DATASETS)
    root = _data_dir()
    targets = read_targets(root / "targets.toml")
    if name == "official":
        from .official import read_official

        return read_official(root / "official.csv", targets=targets)
    frame, lines = _read_csv(root / "observations.csv", "observations", "load_dataset")
    stated = _validate(frame.assign(dataset="documents"), "observations.csv", row_base=2,
                       row_label="line", row_numbers=lines)
    return Dataset(stated, _read_claims(root / "claims.csv"), targets)


def _preferred(obs: pd.DataFrame, by: list[str] | None) -> pd.DataFrame:
    """Rows in order of preference (kind, then latest release, then row order); with ``by``,
    only the preferred row of each group."""
    rank = obs["kind"].map({k: i for i, k in enumerate(_PRIORITY)})
    # "" (no release) sorts before every month, so descending puts unknown releases last.
    out = obs.assign(_rank=rank, _order=np.arange(len(obs)))
    out = out.sort_values(["_rank", "release", "_order"], ascending=[True, False, True],
                          kind="stable")
    if by is not None:
        out = out.sort_values(by, kind="stable").drop_duplicates(by)
    return out.drop(columns=["_rank", "_order"])

