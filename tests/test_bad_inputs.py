"""The catalogue of odd and hostile inputs: each one gets a named error or a correct result.

One list per area. A case is an id, a function of a :class:`Ctx` (``tmp``: an empty folder,
``mp``: pytest's monkeypatch) that feeds the input to tradepath, and the expected outcome:
an error class with a fragment of its message, or a check on the result of an accepted
(and fixed) input. Every error message must also be short (a huge input is never echoed
whole) and show no temporary file name. To add an area, write a list of :class:`Case` and
add it to ``AREAS``.
"""

from __future__ import annotations

import hashlib
import io
import json
import math
import signal
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

import tradepath as tp
from tradepath._io import MANIFEST, check_destination, output_dir
from tradepath._validation import check_rate, check_year, check_years, fail
from tradepath.errors import (
    DataError,
    Interrupted,
    ModelError,
    OutputError,
    OutputExistsError,
    ParameterError,
    ScenarioFileError,
)
from tradepath.reference.pooling import combine
from tradepath.targets import balance
from tradepath.targets.target import outcome_from_data

#: Longest message any error in the catalogue may have (characters).
MAX_MESSAGE = 600
HEADER = "period,flow,value_usd_bn\n"


@dataclass(frozen=True)
class Ctx:
    tmp: Path
    mp: pytest.MonkeyPatch


@dataclass(frozen=True)
class Case:
    id: str
    run: Callable[[Ctx], Any]
    error: type[BaseException] | None = None
    fragment: str = ""
    check: Callable[[Any], bool] | None = None


def refused(id: str, run: Callable[[Ctx], Any], error: type[BaseException],
            fragment: str) -> Case:
    return Case(id, run, error, fragment)


def accepted(id: str, run: Callable[[Ctx], Any], check: Callable[[Any], bool]) -> Case:
    return Case(id, run, check=check)


def csv(content: str | bytes, name: str = "obs.csv") -> Callable[[Ctx], tp.Dataset]:
    """Write ``content`` to a file and read it as observations."""

    def run(ctx: Ctx) -> tp.Dataset:
        path = ctx.tmp / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8", newline="")
        return tp.Dataset.from_csv(path)

    return run


def frame(**columns: Any) -> Callable[[Ctx], tp.Dataset]:
    return lambda ctx: tp.Dataset.from_frame(pd.DataFrame(columns))


def total(year: int) -> Callable[[tp.Dataset], float]:
    return lambda ds: float(ds.annual().loc[year, "total"])


_DS: list[tp.Dataset] = []


def embedded() -> tp.Dataset:
    if not _DS:
        _DS.append(tp.load_dataset())
    return _DS[0]


def _huge(ctx: Ctx) -> tp.Dataset:
    path = ctx.tmp / "huge.csv"
    with path.open("wb") as fh:  # a sparse file: large on paper, nothing written
        fh.write(HEADER.encode())
        fh.truncate(60 * 2**20)
    return tp.Dataset.from_csv(path)


def _dir(ctx: Ctx) -> tp.Dataset:
    (ctx.tmp / "data.csv").mkdir()
    return tp.Dataset.from_csv(ctx.tmp / "data.csv")


def _mixed_digits(period: str) -> Callable[[Ctx], tp.Dataset]:
    return csv(f"{HEADER}2020,total,60\n{period},total,61\n")


# -- observation files ---------------------------------------------------------------------
DATA_FILES = [
    refused("from_csv None", lambda c: tp.Dataset.from_csv(None), ParameterError,
            "'path' parameter of Dataset.from_csv must be a path"),
    refused("from_csv int", lambda c: tp.Dataset.from_csv(42), ParameterError, "got 42"),
    refused("from_csv bytes", lambda c: tp.Dataset.from_csv(b"obs.csv"), ParameterError,
            "must be a path"),
    refused("from_csv empty string", lambda c: tp.Dataset.from_csv(""), ParameterError,
            "must be a path"),
    refused("missing file", lambda c: tp.Dataset.from_csv(c.tmp / "nope.csv"), DataError,
            "not found"),
    refused("0-byte file", csv(""), DataError, "is empty (0 bytes)"),
    refused("whitespace-only file", csv(" \n\n\t \r\n"), DataError, "only white space"),
    refused("header only", csv(HEADER), DataError, "header but no observations"),
    refused("header and blank lines", csv(HEADER + "\n\n,,\n"), DataError,
            "header but no observations"),
    refused("duplicate column names", csv("period,flow,value_usd_bn,flow\n2020,total,60,x\n"),
            DataError, "duplicate column name(s) ['flow']"),
    refused("semicolon-separated (European Excel)", csv("period;flow;value_usd_bn\n"
                                                       "2020;total;60,5\n"),
            DataError, "delimiter looks like ';' (semicolon)"),
    refused("tab-separated", csv("period\tflow\tvalue_usd_bn\n2020\ttotal\t60\n"), DataError,
            "delimiter looks like a tab"),
    accepted("UTF-8 BOM (Excel 'CSV UTF-8')", csv(b"\xef\xbb\xbf" + HEADER.encode()
                                                  + b"2020,total,60.5\n"),
             lambda ds: total(2020)(ds) == 60.5),
    accepted("BOM and CRLF line ends (Excel on Windows)",
             csv(b"\xef\xbb\xbfperiod,flow,value_usd_bn\r\n2020,total,60\r\n2021,total,70\r\n"),
             lambda ds: total(2021)(ds) == 70.0),
    refused("unquoted decimal comma", csv(HEADER + "2020,total,60,5\n"), DataError,
            "line 2: the line has 4 fields where the header has 3: '60,5' in column "
            "'value_usd_bn' looks like a number written with a comma (a decimal comma)"),
    refused("unquoted thousands separator", csv(HEADER + "2020,total,1,234.5\n"), DataError,
            "'1,234.5' in column 'value_usd_bn' looks like a number written with a comma "
            "(a thousands separator)"),
    refused("quoted decimal comma", csv(HEADER + '2020,total,"60,5"\n'), DataError,
            "value '60,5' uses a comma (a decimal comma)"),
    refused("quoted thousands separator", csv(HEADER + '2020,total,"1,234.5"\n'), DataError,
            "uses a comma (a thousands separator)"),
    refused("ambiguous comma", csv(HEADER + '2020,total,"1,234"\n'), DataError,
            "a thousands separator or a decimal comma"),
    refused("NaN value", csv(HEADER + "2020,total,NaN\n"), DataError, "the value is NaN"),
    refused("inf value", csv(HEADER + "2020,total,inf\n"), DataError, "'inf' is not finite"),
    refused("-inf balance", csv(HEADER + "2020,balance,-inf\n"), DataError, "not finite"),
    refused("negative total", csv(HEADER + "2020,total,-5\n"), DataError, "negative"),
    refused("zero total (blank typed as 0)", csv(HEADER + "2020,total,0\n"), DataError,
            "value 0 for 'total' is not a trade figure"),
    refused("empty value", csv(HEADER + "2020,total,\n"), DataError, "the value is empty"),
    refused("short line", csv(HEADER + "2020,total\n"), DataError, "line 2, field "
            "'value_usd_bn': the value is empty"),
    refused("extra non-numeric field", csv(HEADER + "2020,total,60,oops\n"), DataError,
            "4 fields where the header has 3; quote fields"),
    refused("unclosed quote", csv(HEADER + '2019,total,5\n2020,"total,60\n2021,total,70\n'),
            DataError, "line 3, field 'flow': the field runs over several lines"),
    refused("full-width digits bypassing the duplicate check", _mixed_digits("２０２０"),
            DataError, "give different values [60.0, 61.0] for period '2020'"),
    refused("Arabic-Indic digits bypassing the duplicate check", _mixed_digits("٢٠٢٠"),
            DataError, "give different values"),
    accepted("full-width digits normalised", csv(HEADER + "２０２０,total,６０\n"),
             lambda ds: list(ds.observations["period"]) == ["2020"] and total(2020)(ds) == 60),
    refused("period 0000", csv(HEADER + "0000,total,1\n"), DataError,
            "period '0000' is outside the years tradepath accepts, 1900-2100"),
    refused("period 1800", csv(HEADER + "1800,total,1\n"), DataError, "outside the years"),
    refused("period 2500", csv(HEADER + "2500,total,1\n"), DataError, "outside the years"),
    refused("Excel date as period", csv(HEADER + "01/01/2020,total,1\n"), DataError,
            "period must be a year"),
    refused("fiscal-year label", csv(HEADER + "FY2021,total,1\n"), DataError,
            "got 'FY2021'"),
    refused("a folder given as the file", _dir, DataError, "is a folder, not a file"),
    refused("binary file", csv(b"\x00\x01\x02garbage\x00"), DataError, "binary, not text"),
    refused("Excel workbook renamed .csv", csv(b"PK\x03\x04rest-of-zip"), DataError,
            "Excel .xlsx workbook"),
    refused("old Excel .xls", csv(b"\xd0\xcf\x11\xe0\xa1\xb1"), DataError, "(.xls)"),
    refused("UTF-16 ('Unicode text' from Excel)", csv(HEADER.encode("utf-16")), DataError,
            "UTF-16"),
    refused("Windows-1252 file", csv((HEADER.strip() + ",note\n2020,total,60,").encode()
                                     + "Hà Nội\n".encode("cp1252", errors="replace")),
            DataError, "is not UTF-8 (byte 0xe0 on line 2"),
    refused("huge file", _huge, DataError, "is 60.0 MB; the limit is 50 MB"),
    refused("1 MB note (an unclosed quote?)", csv(HEADER.strip() + ",note\n2020,total,60,"
                                                  + "x" * 2**20 + "\n"),
            DataError, "line 2: a field is longer than 131,072 characters; an unclosed quote?"),
    refused("20,000-character note", csv(HEADER.strip() + ",note\n2020,total,60,"
                                         + "n" * 20_000 + "\n"),
            DataError, "line 2, field 'note': the field is 20,000 characters long (limit "
                       "10,000)"),
    refused("long junk in flow", csv(HEADER + "2020," + "y" * 5000 + ",60\n"), DataError,
            "unknown flow 'yyyy"),
    accepted("Vietnamese and emoji in note", csv(HEADER.strip() + ",note\n"
                                                 "2020,total,60,Kim ngạch thương mại 🇻🇳🇰🇷\n"),
             lambda ds: ds.observations["note"].iloc[0] == "Kim ngạch thương mại 🇻🇳🇰🇷"),
    accepted("Unicode minus in a balance", csv(HEADER + "2024,balance,−30.3\n"),
             lambda ds: float(ds.annual().loc[2024, "balance"]) == -30.3),
    accepted("blank lines and ',,,' rows from Excel", csv(HEADER + "2020,total,60\n\n,,\n"
                                                          "2021,total,70\n,,\n"),
             lambda ds: len(ds.observations) == 2),
    accepted("empty trailing columns from Excel", csv("period,flow,value_usd_bn,,\n"
                                                      "2020,total,60,,\n"),
             total(2020)),
    accepted("spaces around header names", csv(" period , flow ,value_usd_bn \n2020,total,60\n"),
             lambda ds: total(2020)(ds) == 60),
    refused("unnamed column in the middle", csv("period,,value_usd_bn\n2020,x,60\n"), DataError,
            "column 2 has no name"),
    refused("capitalised header", csv("Period,Flow,Value_usd_bn\n2020,total,60\n"), DataError,
            "rename 'Period' -> 'period'"),
    refused("currency sign in value", csv(HEADER + "2020,total,$81.5\n"), DataError,
            "value '$81.5' is not a number"),
    refused("unit in value", csv(HEADER + "2020,total,81.5 bn\n"), DataError, "not a number"),
    refused("percentage as value", csv(HEADER + "2020,total,7.3%\n"), DataError,
            "is a percentage"),
    refused("reporter spelled out", csv(HEADER.strip() + ",reporter\n2020,total,60,Vietnam\n"),
            DataError, "unknown reporter 'Vietnam'"),
    refused("an open file object", lambda c: tp.Dataset.from_csv(io.StringIO(HEADER)),
            ParameterError, "must be a path to a CSV file"),
    refused("a title row above the header (Excel)", csv("Vietnam-Korea trade,,\n" + HEADER
                                                       + "2020,total,60\n"),
            DataError, "line 1: the column names are on line 2, not on the first line"),
    refused("space as thousands separator", csv(HEADER + "2020,total,1 234.5\n"), DataError,
            "value '1 234.5' is not a number"),
    accepted("no-break space after a value", csv(HEADER + "2020,total,81.5\u00a0\n"),
             lambda ds: total(2020)(ds) == 81.5),
    accepted("year written as a float ('2020.0')", csv(HEADER + "2020.0,total,60\n"),
             lambda ds: list(ds.observations["period"]) == ["2020"]),
    refused("error lines count skipped blank lines", csv(HEADER + "\n\n2020,totl,60\n"),
            DataError, "line 4, field 'flow'"),
]

# -- frames --------------------------------------------------------------------------------
_CAT = dict(period=pd.Categorical(["2020", "2021"]), flow=pd.Categorical(["total", "total"]),
            value_usd_bn=[60.0, 70.0])


def _dup_columns(ctx: Ctx) -> tp.Dataset:
    df = pd.DataFrame([["2020", "total", 60.0, "x"]],
                      columns=["period", "flow", "value_usd_bn", "flow"])
    return tp.Dataset.from_frame(df)


def _multiindex(ctx: Ctx) -> tp.Dataset:
    df = pd.DataFrame([[2020, "total", 60.0]],
                      columns=pd.MultiIndex.from_tuples([("a", "period"), ("a", "flow"),
                                                         ("a", "value_usd_bn")]))
    return tp.Dataset.from_frame(df)


FRAMES = [
    refused("from_frame None", lambda c: tp.Dataset.from_frame(None), ParameterError,
            "must be a pandas DataFrame"),
    refused("from_frame dict", lambda c: tp.Dataset.from_frame({"period": [2020]}),
            ParameterError, "must be a pandas DataFrame"),
    refused("frame with no rows", frame(period=[], flow=[], value_usd_bn=[]), DataError,
            "no observations"),
    refused("duplicate columns in a frame", _dup_columns, DataError,
            "duplicate column name(s) ['flow']"),
    refused("multi-level columns", _multiindex, DataError, "multi-level columns"),
    accepted("categorical columns", lambda c: tp.Dataset.from_frame(pd.DataFrame(_CAT)),
             total(2021)),
    accepted("string dtype columns", lambda c: tp.Dataset.from_frame(
        pd.DataFrame(_CAT).astype({"period": "string", "flow": "string"})), total(2020)),
    accepted("integer periods", frame(period=[2020, 2021], flow=["total"] * 2,
                                      value_usd_bn=[60, 70]), total(2021)),
    accepted("float periods (an int column with gaps)", frame(
        period=[2020.0, 2021.0], flow=["total"] * 2, value_usd_bn=[60, 70]),
        lambda ds: list(ds.observations["period"]) == ["2020", "2021"]),
    accepted("Decimal values", frame(period=["2020"], flow=["total"],
                                     value_usd_bn=[Decimal("60.25")]),
             lambda ds: total(2020)(ds) == 60.25),
    refused("pd.NA value", frame(period=["2020"], flow=["total"],
                                 value_usd_bn=pd.array([pd.NA], dtype="Float64")),
            DataError, "the value is missing"),
    refused("NaN value in a float column", frame(period=["2020"], flow=["total"],
                                                 value_usd_bn=[np.nan]),
            DataError, "row 1, field 'value_usd_bn': the value is missing"),
    refused("inf value in a float column", frame(period=["2020"], flow=["total"],
                                                 value_usd_bn=[np.inf]),
            DataError, "not finite"),
    refused("boolean value", frame(period=["2020"], flow=["total"], value_usd_bn=[True]),
            DataError, "is a boolean"),
    refused("None period", frame(period=[None], flow=["total"], value_usd_bn=[1.0]),
            DataError, "period must be a year"),
    refused("Timestamp period", frame(period=[pd.Timestamp("2020-01-01")], flow=["total"],
                                      value_usd_bn=[1.0]), DataError, "period must be a year"),
    refused("full-width duplicate in a frame", frame(period=["2020", "２０２０"],
                                                     flow=["total"] * 2, value_usd_bn=[60, 61]),
            DataError, "rows [1, 2] give different values"),
    refused("1 MB string in flow", frame(period=["2020"], flow=["z" * 2**20],
                                         value_usd_bn=[1.0]),
            DataError, "characters long (limit 10,000)"),
    refused("unknown column echoes a short name", lambda c: tp.Dataset.from_frame(
        pd.DataFrame({"period": ["2020"], "flow": ["total"], "value_usd_bn": [1.0],
                      "w" * 10**5: [1]})), DataError, "unknown column(s)"),
    refused("targets not Targets", lambda c: tp.Dataset.from_frame(
        pd.DataFrame(_CAT), targets=["150B by 2030"]), ParameterError,
        "'targets' parameter of Dataset.from_frame"),
]

# -- dataset views -------------------------------------------------------------------------
_USER = pd.DataFrame({"period": ["2019", "2020", "2021"], "flow": ["total"] * 3,
                      "value_usd_bn": [50.0, 60.0, 70.0]})

VIEWS = [
    refused("annual for a reporter with no rows", lambda c: embedded().annual("KR"), DataError,
            "no yearly figures on the 'KR' basis of kind(s)"),
    refused("annual with kinds the data lack", lambda c: tp.Dataset.from_frame(_USER).annual(
        kinds=("lower_bound",)), DataError,
        "no yearly figures on the 'VN' basis of kind(s) ['lower_bound']"),
    refused("annual with only part-year rows", lambda c: tp.Dataset.from_frame(pd.DataFrame(
        {"period": ["2021-01/2021-05"], "flow": ["total"], "value_usd_bn": [24.9]})).annual(),
        DataError, "only part-year figures"),
    refused("exclude='2023' (a string)", lambda c: embedded().series(exclude="2023"),
            ParameterError, "Write exclude=[2023]"),
    accepted("exclude=None", lambda c: embedded().series(exclude=None),
             lambda s: len(s) == len(embedded().series())),
    accepted("exclude=2021 (one year)", lambda c: embedded().series(exclude=2021),
             lambda s: 2021 not in s.index and 2024 in s.index),
    refused("series start=1800", lambda c: embedded().series(start=1800), ParameterError,
            "between 1900 and 2100"),
    refused("series end='2024'", lambda c: embedded().series(end="2024"), ParameterError,
            "Write it as a number: end=2024"),
]

# -- targets -------------------------------------------------------------------------------
TARGETS = [
    refused("Target name=5", lambda c: tp.Target(150, by=2030, name=5), ParameterError,
            "'name' parameter of Target must be a string; got 5"),
    refused("Target value 0", lambda c: tp.Target(0, by=2030), ParameterError,
            "greater than 0.0"),
    refused("Target value negative", lambda c: tp.Target(-150, by=2030), ParameterError,
            "greater than 0.0"),
    refused("Target value NaN", lambda c: tp.Target(math.nan, by=2030), ParameterError,
            "a finite number"),
    refused("Target value as a string", lambda c: tp.Target("150", by=2030), ParameterError,
            "a real number"),
    refused("Target by 2500", lambda c: tp.Target(150, by=2500), ParameterError,
            "a year between 1900 and 2100"),
    refused("Target by 1800", lambda c: tp.Target(150, by=1800), ParameterError,
            "between 1900 and 2100"),
    refused("Target by '2030'", lambda c: tp.Target(150, by="2030"), ParameterError,
            "Write it as a number: by=2030"),
    refused("Target by True", lambda c: tp.Target(150, by=True), ParameterError,
            "a year (a whole number)"),
    refused("Target announced after by", lambda c: tp.Target(150, by=2030, announced=2031),
            ParameterError, "'announced' parameter of Target must be at most the deadline"),
    refused("Target announced 1800", lambda c: tp.Target(150, by=2030, announced=1800),
            ParameterError, "between 1900 and 2100"),
    refused("Target flow typo", lambda c: tp.Target(150, by=2030, flow="export"),
            ParameterError, "one of 'total', 'exports', 'imports'"),
    refused("Target balance as a string", lambda c: tp.Target(150, by=2030, balance="balanced"),
            ParameterError, "a tradepath.balance condition"),
    refused("Target note as a number", lambda c: tp.Target(150, by=2030, note=1.5),
            ParameterError, "'note' parameter of Target must be a string"),
    accepted("Target by 2030.0", lambda c: tp.Target(150, by=2030.0),
             lambda t: t.by == 2030 and isinstance(t.by, int) and t.name == "150B by 2030"),
    accepted("deadline before the first data point is unknown, not missed",
             lambda c: outcome_from_data(tp.Target(5, by=1990), embedded().annual()),
             lambda o: o.status == "unknown" and "before the first observed" in o.reason),
    accepted("a passed deadline with a year of no figure is unknown, not missed",
             lambda c: outcome_from_data(embedded().target("100B by 2023"), embedded().annual()),
             lambda o: o.status == "unknown" and o.unobserved == (2022,)),
    accepted("a passed deadline with every year below the level is missed",
             lambda c: outcome_from_data(tp.Target(90, by=2024, announced=2023),
                                         embedded().annual()),
             lambda o: o.status == "missed" and "2023–2024" in o.reason),
    accepted("a met target gives its year",
             lambda c: outcome_from_data(embedded().target("20B by 2015"), embedded().annual()),
             lambda o: o.status == "met" and o.met_year == 2012),
    accepted("a future deadline is open",
             lambda c: outcome_from_data(embedded().target("150B by 2030"), embedded().annual()),
             lambda o: o.status == "open"),
]

# -- balance conditions --------------------------------------------------------------------
BALANCE = [
    refused("from_name(5)", lambda c: balance.from_name(5), ParameterError,
            "'balance' parameter of from_name must be a string"),
    refused("from_name(None)", lambda c: balance.from_name(None), ParameterError,
            "got None"),
    refused("from_name ratio:abc", lambda c: balance.from_name("ratio:abc"), ParameterError,
            "a number after the colon"),
    refused("from_name unknown", lambda c: balance.from_name("fair"), ParameterError,
            "'none', 'balanced', 'balanced_one_sided', 'more_balanced'"),
    refused("from_name base 2500", lambda c: balance.from_name("more_balanced", base=2500),
            ParameterError, "between 1900 and 2100"),
    accepted("from_name with spaces", lambda c: balance.from_name(" balanced "),
             lambda b: b == balance.balanced()),
    refused("balanced() & 'x'", lambda c: balance.balanced() & "x", ParameterError,
            "must be another balance condition to combine with '&'; got 'x'"),
    refused("'x' | balanced()", lambda c: "x" | balance.balanced(), ParameterError,
            "to combine with '|'"),
    refused("balanced() & None", lambda c: balance.balanced() & None, ParameterError,
            "got None"),
    refused("deficit share 2", lambda c: balance.deficit_share(max=2), ParameterError,
            "Did you mean 0.02 (2 per cent)?"),
    refused("deficit share 5 meant as 5 %", lambda c: balance.deficit_share(5),
            ParameterError, "a fraction of two-way trade in [-1, 1); got 5.0 instead. Did you "
                            "mean 0.05"),
    refused("deficit share 1 (no condition at all)", lambda c: balance.deficit_share(1),
            ParameterError, "Did you mean 0.01"),
    refused("deficit share -3", lambda c: balance.deficit_share(-3), ParameterError,
            "at least -1.0"),
    refused("balanced 10 meant as 10 %", lambda c: balance.balanced(10), ParameterError,
            "Did you mean 0.1 (10 per cent)?"),
    refused("balanced negative tolerance", lambda c: balance.balanced(-0.05), ParameterError,
            "'max' parameter of balanced must be at least 0.0; got -0.05"),
    refused("ratio 50 meant as 50 %", lambda c: balance.ratio(50), ParameterError,
            "Did you mean 0.5 (50 per cent)?"),
    refused("ratio negative", lambda c: balance.ratio(-0.5), ParameterError,
            "greater than 0.0"),
    refused("from_name balanced:5", lambda c: balance.from_name("balanced:5"),
            ParameterError, "Did you mean 0.05"),
    refused("more_balanced base 1800", lambda c: balance.more_balanced(base=1800),
            ParameterError, "between 1900 and 2100"),
]

# -- the datasets, the official series and the record of targets -------------------------
_GOOD_TARGET = {"pair": ["A-B"], "target_usd_bn": [10.0], "deadline": [2020],
                "announced": [2015], "outcome": ["met"]}


def _targets(**change: Any) -> Callable[[Ctx], Any]:
    return lambda ctx: tp.reference_targets(pd.DataFrame(_GOOD_TARGET | change))


def _targets_csv(text: str) -> Callable[[Ctx], Any]:
    def run(ctx: Ctx) -> Any:
        (ctx.tmp / "t.csv").write_text(text, encoding="utf-8")
        return tp.reference_targets(ctx.tmp / "t.csv")

    return run


_OFFICIAL: list[tp.Dataset] = []


def official() -> tp.Dataset:
    if not _OFFICIAL:
        _OFFICIAL.append(tp.load_dataset("official"))
    return _OFFICIAL[0]


RECORD = [
    refused("load_dataset unknown name", lambda c: tp.load_dataset("oficial"), ParameterError,
            "one of 'documents', 'official'; got 'oficial'"),
    refused("load_dataset a number", lambda c: tp.load_dataset(3), ParameterError, "got 3"),
    refused("load_dataset bytes", lambda c: tp.load_dataset(b"official"), ParameterError,
            "got b'official'"),
    refused("load_dataset None", lambda c: tp.load_dataset(None), ParameterError, "got None"),
    refused("official, unknown reporter", lambda c: official().annual(reporter="JP"),
            ParameterError, "one of 'VN', 'KR'"),
    refused("official, lower-case reporter", lambda c: official().annual(reporter="kr"),
            ParameterError, "got 'kr'"),
    refused("assess official, lower-case reporter", lambda c: tp.assess(
        official(), tp.Target(100, by=2030), reporter="vn", n_paths=100), ParameterError,
            "got 'vn'"),
    refused("extra targets missing a column", lambda c: tp.reference_targets(pd.DataFrame(
        {k: v for k, v in _GOOD_TARGET.items() if k != "deadline"})), DataError,
            "missing required column(s) ['deadline']"),
    refused("extra targets, text in a number", _targets(target_usd_bn=["ten"]), DataError,
            "field 'target_usd_bn': expected a number; got 'ten'"),
    refused("extra targets, deadline before announcement", _targets(deadline=[2010]),
            DataError, "announced year 2015 is after the deadline 2010"),
    refused("extra targets, negative target", _targets(target_usd_bn=[-5.0]), DataError,
            "must be positive"),
    refused("extra targets, an empty frame", lambda c: tp.reference_targets(pd.DataFrame(
        {k: [] for k in _GOOD_TARGET})), DataError, "hold no rows"),
    refused("extra targets file, header only", _targets_csv(
        "pair,target_usd_bn,announced,deadline,outcome\n"), DataError, "hold no rows"),
    refused("extra targets file missing", lambda c: tp.reference_targets(c.tmp / "no.csv"),
            DataError, "not found"),
    refused("extra targets, a list", lambda c: tp.reference_targets([1, 2]), ParameterError,
            "a pandas DataFrame or a CSV path"),
    refused("pool: model probability above 1", lambda c: combine(1.2, 0.2), ParameterError,
            "'p_inside' parameter of combine must be between 0.0 and 1.0; got 1.2"),
    refused("pool: model probability NaN", lambda c: combine(math.nan, 0.2), ParameterError,
            "'p_inside' parameter of combine"),
    refused("pool: record below 0", lambda c: combine(0.5, -0.1), ParameterError,
            "'outside' parameter of combine must be between 0.0 and 1.0; got -0.1"),
    refused("pool: record NaN", lambda c: combine(0.5, math.nan), ParameterError,
            "'outside' parameter of combine"),
    refused("pool: weight above 1", lambda c: combine(0.5, 0.2, weight=1.5), ParameterError,
            "'weight' parameter of combine must be between 0.0 and 1.0; got 1.5"),
    refused("pool: weight negative", lambda c: combine(0.5, 0.2, weight=-0.1),
            ParameterError, "'weight' parameter of combine"),
    refused("pool: weight NaN", lambda c: combine(0.5, 0.2, weight=math.nan),
            ParameterError, "'weight' parameter of combine"),
    refused("base rate of an empty selection", lambda c: tp.base_rate(
        tp.reference_targets().iloc[:0]), ParameterError, "at least one resolved"),
    refused("base rate of unresolved targets only", lambda c: tp.base_rate(
        (t := tp.reference_targets())[~t["outcome"].isin(["met", "missed"])]),
            ParameterError, "none resolved"),
]

# -- the shared constraints (part of every public check) ----------------------------------
CONSTRAINTS = [
    refused("rate 12 meant as 12 %", lambda c: check_rate("growth", "growth", 12),
            ParameterError, "Did you mean 0.12 (12 %)?"),
    refused("rate -15 meant as -15 %", lambda c: check_rate("growth", "growth", -15),
            ParameterError, "Did you mean -0.15"),
    refused("rate 150 (no fraction to suggest)", lambda c: check_rate("growth", "g", 150),
            ParameterError, "between -1 and 1"),
    refused("rate NaN", lambda c: check_rate("growth", "growth", math.nan), ParameterError,
            "a finite number"),
    refused("rate '12' string", lambda c: check_rate("growth", "growth", "12"), ParameterError,
            "percentage string such as '12%'"),
    refused("rate '12%%'", lambda c: check_rate("growth", "growth", "12%%"), ParameterError,
            "got '12%%'"),
    refused("rate True", lambda c: check_rate("growth", "growth", True), ParameterError,
            "a real number"),
    accepted("rate '12%' string", lambda c: check_rate("growth", "growth", "12%"),
             lambda x: x == pytest.approx(0.12)),
    accepted("rate 1.0 (doubling) is allowed", lambda c: check_rate("growth", "growth", 1.0),
             lambda x: x == 1.0),
    refused("year 2101", lambda c: check_year("horizon", "assess", 2101), ParameterError,
            "The 'horizon' parameter of assess must be a year between 1900 and 2100"),
    refused("year as float 2030.5", lambda c: check_year("by", "f", 2030.5), ParameterError,
            "a year (a whole number)"),
    refused("years as a string", lambda c: check_years("exclude", "assess", "2023"),
            ParameterError, "Write exclude=[2023]"),
    accepted("years from a numpy array", lambda c: check_years("exclude", "f",
                                                               np.array([2020, 2021])),
             lambda t: t == (2020, 2021)),
    refused("1 MB value is not echoed whole",
            lambda c: (_ for _ in ()).throw(fail("x", "f", "short", "a" * 2**20)),
            ParameterError, "characters)"),
]

# -- fitting ---------------------------------------------------------------------------------
_YEARS = [2015, 2016, 2017, 2018, 2019, 2020]
_BT = [50.0, 55.0, 58.0, 63.0, 67.0, 69.0, 75.0, 80.0, 85.0, 90.0]
_VALUES = [50.0, 55.0, 58.0, 63.0, 67.0, 69.0]


def _fit(index: Any) -> Callable[[Ctx], Any]:
    return lambda c: tp.models.CAGR().fit(pd.Series(_VALUES, index=index))


def _same_growth(fit: Any) -> bool:
    ref = tp.models.CAGR().fit(pd.Series(_VALUES, index=_YEARS))
    return fit.growth == pytest.approx(ref.growth) and list(fit.series.index) == _YEARS


FITS = [
    accepted("fit on a DatetimeIndex (year starts)",
             _fit(pd.to_datetime([f"{y}-01-01" for y in _YEARS])), _same_growth),
    accepted("fit on a DatetimeIndex (year ends)",
             _fit(pd.date_range("2015-12-31", periods=6, freq="YE")), _same_growth),
    accepted("fit on an annual PeriodIndex", _fit(pd.period_range("2015", periods=6, freq="Y")),
             _same_growth),
    refused("fit on monthly dates", _fit(pd.date_range("2015-01-31", periods=6, freq="ME")),
            ModelError, "several dates in 2015; the models take annual data"),
    refused("fit on quarterly periods", _fit(pd.period_range("2015Q1", periods=6, freq="Q")),
            ModelError, "periods; the models take annual data"),
    refused("fit on time spans", _fit(pd.to_timedelta(range(6), unit="D")), ModelError,
            "indexed by time spans"),
]


# -- output ----------------------------------------------------------------------------------
def _foreign_folder(ctx: Ctx) -> None:
    out = ctx.tmp / "out"
    out.mkdir()
    (out / "thesis.docx").write_text("two years of work")
    with output_dir(out, overwrite=True):
        pass


def _tradepath_folder_plus_user_file(ctx: Ctx) -> None:
    out = ctx.tmp / "out"
    with output_dir(out) as tmp:
        (tmp / "report.pdf").write_text("pdf")
    (out / "my notes.txt").write_text("mine")
    with output_dir(out, overwrite=True):
        pass


def _no_permission(ctx: Ctx) -> None:
    def denied(*args: Any, **kwargs: Any) -> str:
        raise PermissionError(13, "Permission denied")

    ctx.mp.setattr("tempfile.mkdtemp", denied)
    with output_dir(ctx.tmp / "out"):
        pass


def _interrupted(ctx: Ctx) -> None:
    with output_dir(ctx.tmp / "out") as tmp:
        (tmp / "report.pdf").write_text("half")
        raise Interrupted(signal.SIGTERM)


OUTPUT = [
    refused("to_csv into a missing folder", lambda c: embedded().to_csv("no/such/dir/x.csv"),
            OutputError, "cannot write 'no/such/dir/x.csv': the folder 'no/such/dir' does not "
                         "exist"),
    refused("to_csv over an existing file", lambda c: [embedded().to_csv(c.tmp / "x.csv")
                                                      for _ in range(2)],
            OutputExistsError, "already exists; pass overwrite=True"),
    refused("to_csv onto a folder", lambda c: embedded().to_csv(c.tmp, overwrite=True),
            OutputExistsError, "a folder of that name is in the way"),
    refused("to_csv path None", lambda c: embedded().to_csv(None), ParameterError,
            "must be a path"),
    refused("output over a folder tradepath did not write", _foreign_folder, OutputExistsError,
            "not written by tradepath (no .tradepath-manifest.json) and holds 'thesis.docx'"),
    refused("output over tradepath output plus a user file", _tradepath_folder_plus_user_file,
            OutputExistsError, "did not write (or that changed since): 'my notes.txt'"),
    refused("output without overwrite", lambda c: [check_destination(
        output_dir_once(c.tmp / "o")), None], OutputExistsError, "pass overwrite=True"),
    refused("output folder not writable", _no_permission, OutputError,
            "out': Permission denied"),
    refused("output folder in a missing folder", lambda c: check_destination(
        c.tmp / "missing" / "out"), OutputError, "does not exist; create it first"),
    refused("output interrupted by SIGTERM", _interrupted, Interrupted,
            "interrupted by SIGTERM"),
]


# -- assess, compare, batch ------------------------------------------------------------------
_T150 = tp.Target(150, by=2030)
_PAIRS = pd.DataFrame({"pair": ["A"] * 4 + ["B"] * 4, "year": [2020, 2021, 2022, 2023] * 2,
                       "value": [10.0, 11.0, 12.5, 13.0, 5.0, 5.2, 5.1, 5.3]})


def _assess(**kwargs: Any) -> Callable[[Ctx], Any]:
    return lambda c: tp.assess(embedded(), kwargs.pop("target", _T150), **kwargs)


def _many(frame: pd.DataFrame, **kwargs: Any) -> Callable[[Ctx], pd.DataFrame]:
    from tradepath.batch import Multiple, assess_many

    return lambda c: assess_many(frame, Multiple(2.0, by=2030), **kwargs)


ASSESS = [
    accepted("assess exclude=None", _assess(exclude=None, n_paths=200, seed=1),
             lambda a: a.probability == tp.assess(embedded(), _T150, n_paths=200,
                                                  seed=1).probability),
    refused("assess exclude='2023' (a string, not ignored)", _assess(exclude="2023"),
            ParameterError, "'exclude' parameter of assess must be a year or a list of years; "
                            "got '2023' instead. Write exclude=[2023]"),
    refused("assess exclude=[1800]", _assess(exclude=[1800]), ParameterError,
            "between 1900 and 2100"),
    refused("assess horizon=2500 names 'horizon'", _assess(horizon=2500), ParameterError,
            "The 'horizon' parameter of assess must be a year between 1900 and 2100"),
    refused("assess horizon='2040'", _assess(horizon="2040"), ParameterError,
            "Write it as a number: horizon=2040"),
    refused("assess horizon=2040.5", _assess(horizon=2040.5), ParameterError,
            "a year (a whole number)"),
    refused("assess horizon before the deadline", _assess(horizon=2029), ParameterError,
            "at least the deadline 2030"),
    accepted("assess horizon=2100 (the end of the year range)",
             _assess(horizon=2100, n_paths=50), lambda a: a.crossing_year.horizon == 2100),
    refused("assess start=1800", _assess(start=1800), ParameterError,
            "'start' parameter of assess must be a year between 1900 and 2100"),
    refused("assess n_paths=10**9 (memory estimated first)", _assess(n_paths=10**9),
            ParameterError, "GiB (1,000,000,000 paths x 26 years x 3 arrays)"),
    refused("assess n_paths=0", _assess(n_paths=0), ParameterError, "at least 1"),
    refused("assess n_paths=1e4 (a float)", _assess(n_paths=1e4), ParameterError,
            "an integer"),
    accepted("assess a deadline before the data: unknown, not 'missed, P=0'",
             _assess(target=tp.Target(5, by=1990)),
             lambda a: a.status == "unknown" and math.isnan(a.probability)
             and "unknown" in a.finding()),
    refused("compare_models models=[]", lambda c: tp.compare_models(embedded(), _T150,
                                                                     models=[]),
            ParameterError, "'models' parameter of compare_models must be None (every model) "
                            "or at least one model name; got []"),
    accepted("compare_models models='cagr' (a string)", lambda c: tp.compare_models(
        embedded(), _T150, models="cagr", n_paths=200),
        lambda f: list(f["model"]) == ["cagr"] and f["status"].iloc[0] == "simulated"),
    refused("compare (the old name of compare_models)", lambda c: tp.compare(
        embedded(), _T150, models="cagr"), AttributeError, "has no attribute 'compare'"),
    refused("compare_models models='cgar' (typo)", lambda c: tp.compare_models(
        embedded(), _T150, models="cgar"), tp.UnknownNameError, "cgar"),
    accepted("assess_many where every value is 'n/a'", _many(_PAIRS.assign(value="n/a")),
             lambda f: list(f["status"]) == ["error", "error"]
             and f["error"].str.contains("finite numbers").all()),
    refused("assess_many n_paths=10**9 (memory estimated first)", _many(_PAIRS,
                                                                        n_paths=10**9),
            ParameterError, "The 'n_paths' parameter of assess_many must be small enough"),
    refused("assess_many n_paths=10**9, per-series model", _many(_PAIRS, n_paths=10**9,
                                                                 model="cagr"),
            ParameterError, "GiB"),
    refused("assess_many horizon=2500", _many(_PAIRS, horizon=2500), ParameterError,
            "'horizon' parameter of assess_many must be a year between 1900 and 2100"),
    refused("zero as the last total (required growth would divide by it)",
            frame(period=["2019", "2020"], flow=["total"] * 2, value_usd_bn=[5.0, 0.0]),
            DataError, "value 0 for 'total' is not a trade figure"),
    accepted("backtest on a DatetimeIndex equals the year index", lambda c: tp.backtest(
        pd.Series(_BT, index=pd.to_datetime([f"{y}-06-30" for y in range(2011, 2021)])),
        models=["cagr"], horizons=(1, 2), n_paths=100),
        lambda f: f.equals(tp.backtest(pd.Series(_BT, index=range(2011, 2021)),
                                       models=["cagr"], horizons=(1, 2), n_paths=100))),
    refused("assess horizon=True", _assess(horizon=True), ParameterError,
            "a year (a whole number); got True"),
    accepted("assess horizon=np.int64(2040)", _assess(horizon=np.int64(2040), n_paths=50),
             lambda a: a.crossing_year.horizon == 2040),
    refused("simulate 10**9 paths (memory estimated first)", lambda c: tp.models.CAGR().fit(
        pd.Series(_VALUES, index=_YEARS)).simulate(n_paths=10**9, end=2030), ParameterError,
        "would need about"),
    refused("simulate to end=2500 names 'end' and the year range", lambda c: tp.models.CAGR(
    ).fit(pd.Series(_VALUES, index=_YEARS)).simulate(n_paths=10, end=2500), ParameterError,
        "'end' parameter of CAGRFit.simulate must be between 2021 and 2100"),
    refused("backtest on monthly dates", lambda c: tp.backtest(
        pd.Series(_BT, index=pd.date_range("2011-01-31", periods=10, freq="ME")),
        models=["cagr"]), ParameterError, "the models take annual data"),
]

# -- growth rates --------------------------------------------------------------------------
RATES = [
    refused("tp.growth(12) meant as 12 %", lambda c: tp.growth(12), ParameterError,
            "'rate' parameter of growth must be between -1 and 1 (an annual growth rate as a "
            "fraction (0.12 for 12 %)); got 12 instead. Did you mean 0.12 (12 %)?"),
    accepted("tp.growth('12%')", lambda c: tp.growth("12%").rate,
             lambda r: r == pytest.approx(0.12)),
    refused("tp.growth(-1.0) (trade vanishes)", lambda c: tp.growth(-1.0), ParameterError,
            "greater than -1"),
    refused("tp.ramp(5, 0.03, ...)", lambda c: tp.ramp(5, 0.03, 2025, 2030), ParameterError,
            "'from_rate' parameter of ramp must be between -1 and 1"),
    refused("Scenario exports=12", lambda c: tp.Scenario(2024, 2035, exports=12,
                                                         imports=0.05),
            ParameterError, "Did you mean 0.12"),
    refused("Scenario end=2500 (one year range)", lambda c: tp.Scenario(2024, 2500,
                                                                        exports=0.1,
                                                                        imports=0.05),
            ParameterError, "'end' parameter of Scenario must be between 1900 and 2100"),
]

# -- scenario files ------------------------------------------------------------------------
_TOML = ("[[scenario]]\nstart = 2024\nend = 2035\nexports = {{ growth = {g} }}\n"
         "imports = {{ growth = 0.05 }}\n")


def toml(content: str | bytes, name: str = "s.toml") -> Callable[[Ctx], Any]:
    """Write ``content`` to a scenario file and read it."""
    from tradepath.scenarios.files import read_scenario_file

    def run(ctx: Ctx) -> Any:
        path = ctx.tmp / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        return read_scenario_file(path)

    return run


def _scenario_data(data: str) -> Callable[[Ctx], Any]:
    from tradepath.scenarios.files import run_file

    def run(ctx: Ctx) -> Any:
        (ctx.tmp / "obs.csv").write_text(data, encoding="utf-8")
        (ctx.tmp / "s.toml").write_text('[data]\nobservations = "obs.csv"\n'
                                        + _TOML.format(g=0.1), encoding="utf-8")
        return run_file(ctx.tmp / "s.toml", ctx.tmp / "out")

    return run


SCENARIO_FILES = [
    refused("TOML growth = 12", toml(_TOML.format(g=12)), ScenarioFileError,
            "line 4: key 'scenario[1].exports.growth': The 'rate' parameter of growth must "
            "be between -1 and 1"),
    refused("TOML growth = nan", toml(_TOML.format(g="nan")), ScenarioFileError,
            "must be a finite number"),
    refused("TOML growth = inf", toml(_TOML.format(g="inf")), ScenarioFileError, "finite"),
    refused("TOML growth = '12%' (a string)", toml(_TOML.format(g="'12%'")),
            ScenarioFileError, "must be a number; got a string"),
    refused("TOML arrays nested 5,000 deep", toml(_TOML.format(g=0.1) + "note = "
                                                  + "[" * 5000 + "]" * 5000 + "\n"),
            ScenarioFileError, "line 6: key 'note': arrays or tables nested more than 32 deep"),
    refused("TOML inline tables nested 3,000 deep", toml("x = " + "{a=" * 3000 + "1"
                                                         + "}" * 3000 + "\n"),
            ScenarioFileError, "key 'x': arrays or tables nested more than 32 deep"),
    accepted("TOML brackets inside a string are not nesting",
             toml('title = "' + "[" * 100 + '"\n' + _TOML.format(g=0.1)),
             lambda f: f.title == "[" * 100),
    accepted("TOML with a UTF-8 BOM (Windows Notepad)",
             toml(b"\xef\xbb\xbf" + _TOML.format(g=0.1).encode()),
             lambda f: len(f.scenarios) == 1),
    refused("TOML end = 2500", toml(_TOML.format(g=0.1).replace("2035", "2500")),
            ScenarioFileError, "between 1900 and 2100"),
    refused("TOML duplicate key", toml(_TOML.format(g=0.1) + "start = 2025\n"),
            ScenarioFileError, "not valid TOML"),
    refused("TOML binary file", toml(b"\x00\xff\xfe garbage"), ScenarioFileError,
            "cannot read the scenario file"),
    refused("TOML file missing", lambda c: __import__(
        "tradepath.scenarios.files", fromlist=["x"]).read_scenario_file(c.tmp / "no.toml"),
        ScenarioFileError, "cannot read the scenario file"),
    refused("[data] observations = an empty file", _scenario_data(""), ScenarioFileError,
            "obs.csv' is empty (0 bytes)"),
    refused("[data] observations = whitespace only", _scenario_data(" \n\t\n"),
            ScenarioFileError, "only white space"),
]


def _read_only(write: Callable[[Path], Any]) -> Callable[[Ctx], Any]:
    """``write`` into a folder the user may not write to (as root, access is faked)."""

    def run(ctx: Ctx) -> Any:
        folder = ctx.tmp / "locked"
        folder.mkdir()
        folder.chmod(0o555)
        ctx.mp.setattr("os.access", lambda path, mode, **kw: Path(path) != folder)
        return write(folder / "out")

    return run


def _report(out: Path, **kwargs: Any) -> Any:
    from tradepath.report import write_report

    return write_report(None, out, n_paths=10, **kwargs)


def _scenario_run(out: Path, **kwargs: Any) -> Any:
    from tradepath.scenarios.files import run_file

    (out.parent.parent / "s.toml").write_text(_TOML.format(g=0.1), encoding="utf-8")
    return run_file(out.parent.parent / "s.toml", out, **kwargs)


WRITERS = [
    refused("write_report into a read-only folder", _read_only(_report), OutputError,
            "locked' is not writable (permission denied)"),
    refused("run_file into a read-only folder", _read_only(_scenario_run), OutputError,
            "is not writable"),
    refused("to_csv into a read-only folder", _read_only(lambda p: embedded().to_csv(p)),
            OutputError, "is not writable"),
    refused("write_report into a missing folder", lambda c: _report(c.tmp / "a" / "b"),
            OutputError, "the folder"),
    refused("write_report overwrite='yes'", lambda c: _report(c.tmp / "r", overwrite="yes"),
            ParameterError, "'overwrite' parameter of write_report must be True or False"),
    refused("write_report out_dir=None", lambda c: _report(None), ParameterError,
            "'out_dir' parameter of write_report must be a path"),
    refused("write_report out_dir='..'", lambda c: _report(".."), ParameterError,
            "a path that ends in a file or folder name"),
    refused("run_file over a user's folder with overwrite=True", lambda c: [
        (c.tmp / "sub" / "out").mkdir(parents=True), (c.tmp / "sub" / "out" / "x.docx")
        .write_text("mine"), _scenario_run(c.tmp / "sub" / "out", overwrite=True)],
        OutputExistsError, "holds 'x.docx'"),
]


def output_dir_once(path: Path) -> Path:
    with output_dir(path) as tmp:
        (tmp / "a.csv").write_text("1\n")
    return path


AREAS = {
    "data_files": DATA_FILES,
    "frames": FRAMES,
    "views": VIEWS,
    "targets": TARGETS,
    "balance": BALANCE,
    "record": RECORD,
    "constraints": CONSTRAINTS,
    "fits": FITS,
    "output": OUTPUT,
    "assess": ASSESS,
    "rates": RATES,
    "scenario_files": SCENARIO_FILES,
    "writers": WRITERS,
}
CATALOGUE = [pytest.param(case, id=f"{area}: {case.id}")
             for area, cases in AREAS.items() for case in cases]


def _snapshot(folder: Path) -> dict[str, bytes | None]:
    return {p.relative_to(folder).as_posix(): (p.read_bytes() if p.is_file() else None)
            for p in folder.rglob("*")}


@pytest.mark.parametrize("case", CATALOGUE)
def test_catalogue(case: Case, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # relative paths in the cases land in tmp_path
    ctx = Ctx(tmp_path, monkeypatch)
    if case.error is None:
        result = case.run(ctx)
        assert case.check is not None and case.check(result), result
        return
    before = _snapshot(tmp_path)
    with pytest.raises(case.error) as info:
        case.run(ctx)
    message = str(info.value)
    assert case.fragment in message
    assert len(message) <= MAX_MESSAGE, f"{len(message)} characters"
    assert ".tmp-" not in message and "Traceback" not in message
    if isinstance(info.value, tp.TradepathError):
        assert isinstance(info.value, ValueError | OSError | KeyError)
    # No temporary folder or file is left behind by a refused write.
    leftovers = [p for p in _snapshot(tmp_path) if ".tmp-" in p or ".old-" in p]
    assert leftovers == []
    assert all(before[p] == v for p, v in _snapshot(tmp_path).items() if p in before)


def test_catalogue_size() -> None:
    # The issue asks for every listed case plus at least 30 more.
    assert len(CATALOGUE) >= 100
    assert len(CLI) >= 25
    assert len({p.id for p in CATALOGUE}) == len(CATALOGUE)




# -- the command line ------------------------------------------------------------------------
# A CLI case: files to create (relative path -> text, or None for a folder; a tradepath output
# folder is made with ``output_dir``), the argv, the exit code and a fragment of stderr. Every
# refusal is one line on stderr with no traceback, and leaves every file as it was: no new file,
# no temporary folder, nothing changed or deleted in the output folder.
@dataclass(frozen=True)
class CliCase:
    id: str
    argv: tuple[str, ...]
    code: int
    fragment: str
    files: tuple[tuple[str, str | None], ...] = ()
    tradepath_dirs: tuple[str, ...] = ()


_SCENARIO = _TOML.format(g=0.1)
_FOREIGN = (("out", None), ("out/thesis.docx", "two years of work"), ("out/drafts", None),
            ("out/drafts/ch1.txt", "chapter one"))

CLI = [
    CliCase("data --data an empty file", ("data", "--data", "e.csv"), 1,
            "is empty (0 bytes)", (("e.csv", ""),)),
    CliCase("data --data whitespace only", ("data", "--data", "w.csv"), 1, "only white space",
            (("w.csv", " \n\n"),)),
    CliCase("data --data header only", ("data", "--data", "h.csv"), 1,
            "header but no observations", (("h.csv", HEADER),)),
    CliCase("data --data semicolons", ("data", "--data", "s.csv"), 1,
            "delimiter looks like ';'", (("s.csv", "period;flow;value_usd_bn\n2020;total;6\n"),)),
    CliCase("data --data missing file", ("data", "--data", "nope.csv"), 1, "not found"),
    CliCase("data --data a folder", ("data", "--data", "d"), 1, "is a folder",
            (("d", None),)),
    CliCase("report --data an empty file", ("report", "--data", "e.csv", "--out", "rep"), 1,
            "is empty (0 bytes)", (("e.csv", ""),)),
    CliCase("report over an earlier report, no --overwrite", ("report", "--out", "rep"), 1,
            "already holds tradepath output; pass overwrite=True (--overwrite on the command "
            "line)", tradepath_dirs=("rep",)),
    CliCase("report --overwrite over a folder of the user's", ("report", "--out", "out",
                                                              "--overwrite"), 1,
            "not written by tradepath (no .tradepath-manifest.json) and holds 'drafts', "
            "'thesis.docx'", _FOREIGN),
    CliCase("report over a folder of the user's", ("report", "--out", "out"), 1,
            "tradepath never deletes files it did not write", _FOREIGN),
    CliCase("report --overwrite, tradepath output plus a user file",
            ("report", "--out", "rep", "--overwrite"), 1,
            "holds files tradepath did not write (or that changed since): 'mine.txt'",
            (("rep/mine.txt", "keep"),), ("rep",)),
    CliCase("report --out in a missing folder", ("report", "--out", "no/such/rep"), 1,
            "the folder 'no/such' does not exist; create it first"),
    CliCase("report --out onto a file", ("report", "--out", "f"), 1,
            "a file of that name is in the way", (("f", "x"),)),
    CliCase("report --out ''", ("report", "--out", ""), 1,
            "'out_dir' parameter of write_report must be a path"),
    CliCase("report --paths 10**9", ("report", "--out", "rep", "--paths", "1000000000",
                                     "--target", "150", "--by", "2030"), 1, "GiB"),
    CliCase("scenario run --overwrite over a folder of the user's",
            ("scenario", "run", "s.toml", "--out", "out", "--overwrite"), 1,
            "will not replace the folder 'out': it was not written by tradepath",
            (("s.toml", _SCENARIO), *_FOREIGN)),
    CliCase("scenario run over earlier results, no --overwrite",
            ("scenario", "run", "s.toml", "--out", "res"), 1, "pass overwrite=True",
            (("s.toml", _SCENARIO),), ("res",)),
    CliCase("scenario run, results plus a changed file",
            ("scenario", "run", "s.toml", "--out", "res", "--overwrite"), 1,
            "'a.csv' (changed since tradepath wrote it)",
            (("s.toml", _SCENARIO), ("res/a.csv", "edited\n")), ("res",)),
    CliCase("scenario run, TOML growth = 12", ("scenario", "run", "s.toml", "--out", "res"),
            1, "Did you mean 0.12", (("s.toml", _TOML.format(g=12)),)),
    CliCase("scenario run, TOML nested 5,000 deep", ("scenario", "run", "s.toml", "--out",
                                                     "res"), 1, "nested more than 32 deep",
            (("s.toml", "x = " + "[" * 5000 + "]" * 5000 + "\n"),)),
    CliCase("scenario run, [data] an empty file", ("scenario", "run", "s.toml", "--out",
                                                   "res"), 1, "is empty (0 bytes)",
            (("s.toml", '[data]\nobservations = "e.csv"\n' + _SCENARIO), ("e.csv", ""))),
    CliCase("scenario run, file missing", ("scenario", "run", "no.toml", "--out", "res"), 1,
            "cannot read the scenario file"),
    CliCase("assess --horizon 2500", ("assess", "--horizon", "2500"), 1,
            "'horizon' parameter of assess must be a year between 1900 and 2100"),
    CliCase("assess --by 2500", ("assess", "--target", "150", "--by", "2500"), 1,
            "between 1900 and 2100"),
    CliCase("assess --paths 10**9", ("assess", "--name", "150B by 2030", "--paths",
                                     "1000000000"), 1, "GiB"),
    CliCase("assess --paths 0", ("assess", "--paths", "0"), 1, "at least 1"),
    CliCase("compare --data totals with a 1 MB note", ("compare", "--data", "big.csv"), 1,
            "line 2: a field is longer than",
            (("big.csv", HEADER.strip() + ",note\n2020,total,60," + "x" * 2**20 + "\n"),)),
    CliCase("report --paths 0", ("report", "--out", "rep", "--paths", "0"), 1,
            "'n_paths' parameter of build_report must be at least 1; got 0"),
    CliCase("report --out through a file", ("report", "--out", "f/rep"), 1,
            "'f' is not a folder", (("f", "x"),)),
    CliCase("report --overwrite, a manifest entry outside the folder",
            ("report", "--out", "rep", "--overwrite"), 1,
            "lists the entry '../victim.txt' is not a plain relative path",
            (("victim.txt", "mine"),), ("rep:../victim.txt",)),
    CliCase("report --overwrite, an absolute manifest entry",
            ("report", "--out", "rep", "--overwrite"), 1,
            "is not a plain relative path", (("victim.txt", "mine"),), ("rep:ABS:victim.txt",)),
    CliCase("assess --horizon before the deadline", ("assess", "--target", "150", "--by",
                                                     "2030", "--horizon", "2025"), 1,
            "'horizon' parameter of assess must be at least the deadline 2030; got 2025"),
    CliCase("--horizon not a number (usage)", ("assess", "--horizon", "soon"), 2,
            "invalid int value: 'soon'"),
]


def _make(tmp: Path, case: CliCase) -> None:
    for rel, text in case.files:
        path = tmp / rel
        if text is None:
            path.mkdir(parents=True, exist_ok=True)
        elif rel.split("/")[0] not in case.tradepath_dirs:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
    for spec in case.tradepath_dirs:
        # "rep:../x" forges a manifest entry "../x" ("rep:ABS:x": the absolute path of x)
        # carrying the size and hash of that file, as a hand-edited manifest would.
        d, _, forged = spec.partition(":")
        with output_dir(tmp / d) as out:
            (out / "a.csv").write_text("1\n")
        for rel, text in case.files:  # the user's additions and edits, after tradepath wrote
            if rel.split("/")[0] == d and text is not None:
                (tmp / rel).write_text(text, encoding="utf-8")
        if forged:
            entry = (str(tmp / forged.removeprefix("ABS:")) if forged.startswith("ABS:")
                     else forged)
            data = (tmp / d / entry).read_bytes()
            doc = json.loads((tmp / d / MANIFEST).read_text(encoding="utf-8"))
            doc["files"].append({"path": entry, "bytes": len(data),
                                 "sha256": hashlib.sha256(data).hexdigest()})
            (tmp / d / MANIFEST).write_text(json.dumps(doc), encoding="utf-8")


@pytest.mark.parametrize("case", [pytest.param(c, id=c.id) for c in CLI])
def test_cli_refusals(case: CliCase, tmp_path: Path) -> None:
    from conftest import run_cli

    _make(tmp_path, case)
    before = _snapshot(tmp_path)
    r = run_cli(*case.argv, cwd=tmp_path)
    assert r.returncode == case.code, r.stderr
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1, r.stderr
    assert "Traceback" not in r.stderr and ".tmp-" not in r.stderr
    assert case.fragment in lines[0]
    assert len(lines[0]) <= 2 * MAX_MESSAGE
    assert _snapshot(tmp_path) == before  # nothing new, nothing changed, nothing deleted


@pytest.mark.slow  # a full report
def test_cli_totals_only_file_gives_a_full_report_and_overwrite_replaces_it(
        tmp_path: Path) -> None:
    """The most common user file (yearly totals only) gives the whole report; the balance
    pages are left out with the reason. ``--overwrite`` replaces it, keeping nothing stale."""
    from conftest import run_cli

    (tmp_path / "totals.csv").write_text(HEADER + "".join(
        f"{y},total,{v}\n" for y, v in zip(range(2015, 2024), _BT[1:], strict=True)))
    argv = ("report", "--data", "totals.csv", "--target", "100", "--by", "2030", "--out",
            "rep", "--format", "pdf", "--paths", "200", "--model", "random_walk")
    r = run_cli(*argv, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    rep = tmp_path / "rep"
    summary = (rep / "summary.md").read_text(encoding="utf-8")
    assert "## Left out" in summary and "- balance:" in summary
    assert {"report.pdf", "checks.csv", "assessments.csv"} <= {p.name for p in rep.iterdir()}
    first = (rep / "report.pdf").read_bytes()
    r = run_cli(*argv, cwd=tmp_path)
    assert r.returncode == 1 and "pass overwrite=True" in r.stderr
    assert (rep / "report.pdf").read_bytes() == first
    r = run_cli(*argv[:-4], "--paths", "300", "--model", "random_walk", "--overwrite",
                cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["rep", "totals.csv"]


@pytest.mark.slow  # a report, in a process of its own
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_cli_signal_during_report_writing_leaves_nothing(sig: int, tmp_path: Path) -> None:
    """A real process stopped while it writes the report: exit 128 + signal, one line on
    stderr, and the temporary folder removed."""
    import subprocess
    import sys
    import time

    (tmp_path / "mine.txt").write_text("keep")
    proc = subprocess.Popen(
        [sys.executable, "-m", "tradepath", "report", "--out", "rep", "--paths", "200",
         "--model", "random_walk"], cwd=tmp_path, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True,
        # As from a terminal: a suite started in the background (where the shell ignores
        # SIGINT, and Python keeps an ignored SIGINT ignored) must not pass that on.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        while proc.poll() is None and not list(tmp_path.glob(".rep.tmp-*")):
            time.sleep(0.02)  # wait for the writing to start (not a timing assertion)
        assert proc.poll() is None, "the report finished before the signal could be sent"
        proc.send_signal(sig)
        _, err = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 128 + sig, err
    assert err.strip() == f"tradepath: interrupted by {signal.Signals(sig).name}; no partial " \
                          "output was left"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mine.txt"]


def test_cli_a_bug_still_shows_its_traceback(monkeypatch: pytest.MonkeyPatch) -> None:
    """Only tradepath errors (and the environment's OSErrors) become one line; anything else
    is a bug and must keep its traceback."""
    from tradepath import cli

    def bug(args: Any) -> int:
        raise RuntimeError("a bug")

    monkeypatch.setattr(cli, "_cmd_data", bug)
    with pytest.raises(RuntimeError, match="a bug"):
        cli.main(["data"])


def test_target_announced_before_the_first_figure_is_unknown_not_missed():
    # Totals 2010-15 of 50-75; 100 by 2014 announced in 2005: 2005-2009 have no figure and
    # may have been above 100, so a miss in every year of 2005-2014 cannot be shown. The
    # verdict, its basis text and the status agree.
    from tradepath.verdict import past_verdict

    years = list(range(2010, 2016))
    ds = tp.Dataset.from_frame(pd.DataFrame({"period": years, "flow": "total",
                                             "value_usd_bn": [50, 55, 60, 65, 70, 75]}))
    target = tp.Target(100, by=2014, announced=2005)
    out = outcome_from_data(target, ds.annual())
    assert out.status == "unknown"
    assert out.unobserved == (2005, 2006, 2007, 2008, 2009)
    assert "2005–2009" in out.reason and "[" not in out.reason
    v = past_verdict(target, ds.annual())
    assert v.verdict == "unknown" and "cannot be shown" in v.basis
    # Announced in the first year with a figure: every year is seen, so it is missed.
    later = tp.Target(100, by=2014, announced=2010)
    assert outcome_from_data(later, ds.annual()).status == "missed"
    assert past_verdict(later, ds.annual()).verdict == "missed"


def _whole(folder: Path) -> bool:
    """Every file the folder's manifest lists is there with its hash, and nothing else."""
    doc = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    listed = {f["path"]: f["sha256"] for f in doc["files"]}
    present = {p.relative_to(folder).as_posix() for p in folder.rglob("*")
               if p.is_file() and p.name != MANIFEST}
    return present == set(listed) and all(
        hashlib.sha256((folder / p).read_bytes()).hexdigest() == h for p, h in listed.items())


@pytest.mark.slow  # a full report
def test_cli_two_reports_racing_for_one_folder(tmp_path: Path) -> None:
    import subprocess
    import sys

    # Two real processes on one folder; the cheapest whole report (its drawing dominates: the
    # figures without the PDF's text pages, one target, one source).
    argv = [sys.executable, "-m", "tradepath", "report", "--out", "rep", "--paths", "100",
            "--model", "random_walk", "--format", "png", "--dataset", "documents",
            "--name", "150B by 2030"]
    procs = [subprocess.Popen(argv, cwd=tmp_path, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for _ in range(2)]
    results = [(p.wait(timeout=600), p.stderr.read()) for p in procs]
    codes = sorted(code for code, _ in results)
    # One report wins; the other is refused with one line (before it starts, or when it
    # finds the folder taken as it moves its own into place), never a mix of the two.
    assert codes == [0, 1], results
    for code, err in results:
        if code:
            assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert _whole(tmp_path / "rep") and (tmp_path / "rep" / "fan.png").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["rep"]  # no temporary folder left
