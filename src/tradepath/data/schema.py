"""The observation table's columns, flows, reporters and kinds; periods; the preferred figure.

See :mod:`tradepath.data` for the meaning of every column.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

from .._validation import YEAR_MAX, YEAR_MIN, echo
from ..errors import DataError

__all__ = [
    "CLAIM_COLUMNS",
    "COLUMNS",
    "DEFAULTS",
    "DEFAULT_KINDS",
    "FLOWS",
    "KINDS",
    "MIRROR_CIF_FOB",
    "REPORTERS",
    "REQUIRED",
    "Reporter",
    "data_dir",
    "data_file",
    "parse_period",
    "preferred",
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
#: (see :func:`tradepath.data.mirror.mirror_ratios`).
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


def data_dir() -> Path:
    """Where the embedded data files are: inside the wheel, or ``data/`` in a source checkout."""
    package = Path(__file__).resolve().parents[1]
    for candidate in (package / "_data", package.parents[1] / "data"):
        if (candidate / "observations.csv").is_file():
            return candidate
    raise DataError(
        "the embedded data files are missing from this installation; reinstall tradepath"
    )


def data_file(name: str) -> Path:
    """The path of one embedded data file (``official.csv``, ``reference_targets.csv``, ...)."""
    path = data_dir() / name
    if not path.is_file():
        raise DataError(f"the embedded data file {name} is missing; reinstall tradepath")
    return path


def preferred(obs: pd.DataFrame, by: list[str] | None) -> pd.DataFrame:
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


