"""What both sources share: the request through the cache, the rows with their provenance,
and the Dataset built from them."""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

import pandas as pd

from .._validation import YEAR_MAX, YEAR_MIN, check_choice, fail
from ..data import Dataset
from ..data.countries import Country, country
from ..errors import SourceError, TradepathWarning
from ._http import HTTPStatus, with_retries
from .cache import CachedResponse, ResponseCache

__all__ = ["FETCH_COLUMNS", "Frequency", "Request", "prepare", "provenance", "to_dataset"]

Frequency = Literal["A", "M"]
#: Columns of a fetched table: one row per period, flow and reporter, with its provenance.
FETCH_COLUMNS = (
    "pair", "period", "flow", "value_usd_bn", "reporter", "basis", "direction", "source",
    "query", "url", "retrieved", "from_cache",
)
#: A cached response younger than this answers an online request without the network.
MAX_AGE = timedelta(days=1)
#: First year fetched when none are given (Vietnam and Korea set up ties in 1992); the last is
#: the last full calendar year, so next year's figures come with the same call.
FIRST_YEAR = 1992


def parse_years(years: str | tuple[int, int] | None, func: str) -> tuple[int, int]:
    """``"1992-2025"``, ``"2024"`` or ``(1992, 2025)`` as a checked (first, last) pair;
    None gives :data:`FIRST_YEAR` to the last full calendar year."""
    if years is None:
        return FIRST_YEAR, datetime.now(UTC).year - 1
    if isinstance(years, str):
        parts = years.strip().split("-")
        try:
            pair = (int(parts[0]), int(parts[-1])) if 1 <= len(parts) <= 2 else None
        except ValueError:
            pair = None
    elif isinstance(years, tuple) and len(years) == 2:
        pair = years
    else:
        pair = None
    if (pair is None or not all(isinstance(y, int) for y in pair)
            or not YEAR_MIN <= pair[0] <= pair[1] <= YEAR_MAX):
        raise fail("years", func, f"a range of years such as '1992-2025' within "
                   f"{YEAR_MIN}-{YEAR_MAX}, first before last", years)
    return pair


@dataclass(frozen=True, slots=True)
class Request:
    """A fetch's checked arguments: the two countries, the years, the frequency, the cache."""

    a: Country
    b: Country
    years: tuple[int, int]
    frequency: Frequency
    cache: ResponseCache
    offline: bool
    max_age: timedelta
    sleep: Callable[[float], None]


def prepare(source: str, reporter: str, partner: str, years: Any, frequency: str,
            cache_dir: Any, offline: bool, max_age: timedelta,
            sleep: Callable[[float], None]) -> Request:
    """Check a fetch's arguments; errors name the source and the argument."""
    func = f"fetch_{source}"
    a = country(reporter, what=f"{source} reporter")
    b = country(partner, what=f"{source} partner")
    if a.iso3 == b.iso3:
        raise fail("partner", func, "another country than the reporter", partner)
    span = parse_years(years, func)
    freq = check_choice("frequency", func, frequency, ("A", "M"))
    return Request(a, b, span, freq, ResponseCache(cache_dir), bool(offline),  # type: ignore[arg-type]
                   max_age, sleep)


def respond(source: str, query: dict[str, Any], url: str, download: Callable[[], str], *,
            asked: str, request: Request) -> CachedResponse:
    """The response to one request: from the cache (offline, or fresh enough) or the network.

    Offline, a :class:`TradepathWarning` says how old the cached response is.
    """
    cache, sleep = request.cache, request.sleep
    hit = cache.get(source, query)
    if request.offline:
        if hit is None:
            raise SourceError(
                f"{source}: no cached response for {asked} in {cache.folder}; fetch it once "
                "online (without offline / --offline), or point cache_dir at a cache that has it")
        warnings.warn(
            f"{source}: {asked} answered from the cache, retrieved "
            f"{hit.retrieved:%Y-%m-%d %H:%M} UTC ({hit.age()} old)",
            TradepathWarning, stacklevel=4)
        return hit
    if hit is not None and datetime.now(UTC) - hit.retrieved < request.max_age:
        return hit
    try:
        body = with_retries(download, source=source, asked=asked, sleep=sleep)
    except HTTPStatus as exc:
        first = " ".join(exc.body.split())[:200]
        raise SourceError(f"{source}: HTTP {exc.status} for {asked}: {first!r}; check the "
                          "codes and years asked, or try again later") from None
    except OSError as exc:
        raise SourceError(
            f"{source}: cannot reach the source for {asked} ({exc}); check the network "
            "connection, or use offline=True (--offline) to answer from the cache") from None
    response = CachedResponse(source, query, url, body, datetime.now(UTC).replace(microsecond=0),
                              False)
    cache.put(response)
    return response


def flow_of(is_first: bool, direction: Literal["exports", "imports"]) -> str:
    """The pair's flow that a reporter's own exports or imports stand for.

    The pair ``A-B`` counts A's exports to B as ``exports``; B's imports from A are the same
    goods on B's statistics, so they are ``exports`` too.
    """
    if is_first:
        return direction
    return "imports" if direction == "exports" else "exports"


def rows(records: Iterable[dict[str, Any]], *, a: Country, b: Country, source: str,
         response: CachedResponse, query: str) -> list[dict[str, Any]]:
    """Table rows from parsed records (``reporter``, ``direction``, ``basis``, ``period``,
    ``value_usd``)."""
    out = []
    for r in records:
        is_first = r["reporter"] == a.iso3
        out.append({
            "pair": f"{a.iso3}-{b.iso3}", "period": r["period"],
            "flow": flow_of(is_first, r["direction"]),
            "value_usd_bn": r["value_usd"] / 1e9,
            "reporter": (a if is_first else b).iso2, "basis": r["basis"],
            "direction": (f"{(a if is_first else b).name}'s {r['direction']} "
                          f"{'to' if r['direction'] == 'exports' else 'from'} "
                          f"{(b if is_first else a).name}"),
            "source": source, "query": query, "url": response.url,
            "retrieved": response.retrieved.isoformat(), "from_cache": response.from_cache,
        })
    return out


def to_dataset(rows_: list[dict[str, Any]], source: str, request: Request) -> Dataset:
    """A :class:`tradepath.Dataset` from fetched rows, each with its provenance.

    ``source`` is the request's URL, ``dataset`` the source's name, ``release`` the month it
    was retrieved, and ``note`` says whose flow it is, on which basis (FOB or CIF), the query
    and the retrieval time (read back by :func:`provenance`).

    Raises
    ------
    SourceError
        No rows: the source had no figure for what was asked.
    """
    if not rows_:
        a, b, (y0, y1) = request.a, request.b, request.years
        raise SourceError(f"{source}: no figures for {a.iso3}-{b.iso3} in {y0}-{y1} on "
                          "either side; check the years and the pair (some reporters "
                          "publish late or not at all)")
    fetched = pd.DataFrame(rows_, columns=list(FETCH_COLUMNS)).sort_values(
        ["reporter", "flow", "period"], kind="stable", ignore_index=True)
    notes = [f"{r.direction}, valued {r.basis}; {r.source} query {r.query}; retrieved "
             f"{r.retrieved}{_FROM_CACHE if r.from_cache else ''}"
             for r in fetched.itertuples(index=False)]
    frame = pd.DataFrame({
        "pair": fetched["pair"], "period": fetched["period"], "flow": fetched["flow"],
        "value_usd_bn": fetched["value_usd_bn"], "reporter": fetched["reporter"],
        "kind": "reported", "source": fetched["url"], "note": notes, "formula": "",
        "release": fetched["retrieved"].str[:7], "dataset": fetched["source"],
    })
    return Dataset.from_frame(frame)


_FROM_CACHE = " (from the cache)"
_NOTE = re.compile(r"^(?P<direction>.+), valued (?P<basis>FOB|CIF); (?P<source>\w+) query "
                   r"(?P<query>.+); retrieved (?P<retrieved>\S+?)(?P<cached> \(from the cache\))?$")


def provenance(ds: Dataset) -> pd.DataFrame:
    """The provenance of every fetched figure of ``ds``, one row each.

    Works on what :func:`tradepath.sources.fetch_imf` and
    :func:`tradepath.sources.fetch_comtrade` return, also after a round trip through a CSV
    file (``tradepath data fetch --out``); other rows of ``ds`` are left out.

    Returns
    -------
    DataFrame
        :data:`FETCH_COLUMNS`: ``pair``, ``period``, ``flow``, ``value_usd_bn``, ``reporter``,
        ``basis`` ("FOB" or "CIF"), ``direction`` (whose exports or imports), ``source``
        ("imf" or "comtrade"), ``query`` (dataflow and key, or the request's parameters),
        ``url``, ``retrieved`` (ISO time, UTC) and ``from_cache``.
    """
    obs = ds.observations
    found = obs["note"].str.extract(_NOTE)
    keep = found["basis"].notna() & obs["dataset"].isin(("imf", "comtrade"))
    obs, found = obs[keep], found[keep]
    return pd.DataFrame({
        "pair": obs["pair"], "period": obs["period"], "flow": obs["flow"],
        "value_usd_bn": obs["value_usd_bn"], "reporter": obs["reporter"],
        "basis": found["basis"], "direction": found["direction"], "source": found["source"],
        "query": found["query"], "url": obs["source"], "retrieved": found["retrieved"],
        "from_cache": found["cached"].notna(),
    }, columns=list(FETCH_COLUMNS)).reset_index(drop=True)
