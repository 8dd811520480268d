"""The IMF's International Trade in Goods statistics (IMTS, the successor of the Direction
of Trade statistics), through its SDMX 2.1 web service.

No key is needed. One request per reporter asks for its exports to the partner (FOB) and its
imports from it (CIF), both in US dollars, annual or monthly:
``data/IMF.STA,IMTS/VNM.XG_FOB_USD+MG_CIF_USD.KOR.A?startPeriod=1992&endPeriod=2025``. The
response is an SDMX-ML data message (generic or structure-specific), read with the ``sdmx1``
package (``pip install 'tradepath[imf]'``).
"""

from __future__ import annotations

import io
import logging
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from ..data import Dataset
from ..data.countries import Country
from ..errors import SourceError
from . import _http
from ._fetching import MAX_AGE, Frequency, prepare, respond, rows, to_dataset

__all__ = ["BASE_URL", "DATAFLOW", "INDICATORS", "fetch_imf", "read_imts"]

#: The IMF's SDMX 2.1 data service (sdmx1's source ``IMF_DATA``).
BASE_URL = "https://api.imf.org/external/sdmx/2.1"
#: Agency and dataflow of the International Trade in Goods statistics.
DATAFLOW = "IMF.STA,IMTS"
#: IMTS indicators: a reporter's exports valued FOB, its imports valued CIF, in US dollars.
INDICATORS = {"XG_FOB_USD": ("exports", "FOB"), "MG_CIF_USD": ("imports", "CIF")}
_SOURCE = "imf"
_ACCEPT = "application/vnd.sdmx.genericdata+xml;version=2.1"


def _sdmx() -> Any:
    try:
        import sdmx
    except ImportError:
        raise SourceError(
            "imf: reading the IMF's SDMX messages needs the sdmx1 package; install it with "
            "pip install 'tradepath[imf]'") from None
    return sdmx


def _period(text: str, frequency: str) -> str | None:
    """An SDMX time period as a tradepath period ("2024", "2024-03/2024-03"); None if the
    frequency is another one."""
    t = text.strip()
    if frequency == "A":
        return t[:4] if t[:4].isdigit() and (len(t) == 4 or t[4:] in ("-A1", "-01-01")) else None
    month = t[5:].lstrip("M")
    if len(t) >= 7 and t[:4].isdigit() and month.isdigit() and 1 <= int(month) <= 12:
        m = f"{t[:4]}-{int(month):02d}"
        return f"{m}/{m}"
    return None


def read_imts(body: str | bytes, frequency: Frequency = "A") -> list[dict[str, Any]]:
    """The observations of an IMTS SDMX-ML data message, generic or structure-specific.

    Returns
    -------
    list of dict
        ``reporter`` (ISO alpha-3), ``partner``, ``direction`` ("exports" or "imports"),
        ``basis`` ("FOB" or "CIF"), ``period`` (tradepath form) and ``value_usd`` (US$, the
        value times ``10 ** UNIT_MULT`` when the message gives a unit multiplier).
    """
    sdmx = _sdmx()
    raw = body.encode("utf-8") if isinstance(body, str) else body
    if not raw.strip():  # the service's "no results" (HTTP 404), cached as such
        return []
    log = logging.getLogger("sdmx")
    level = log.level
    # Without the data structure sdmx1 logs that it guesses it: expected here, not news.
    log.setLevel(logging.ERROR)
    try:
        msg = sdmx.read_sdmx(io.BytesIO(raw))
    except Exception as exc:  # sdmx1 raises many kinds on a message it cannot read
        why = " ".join(str(exc).split())[:160]
        raise SourceError(f"imf: the answer is not an SDMX-ML data message ({why}); the "
                          "service may be down: try again later") from None
    finally:
        log.setLevel(level)
    out = []
    for ds in getattr(msg, "data", []):
        for obs in ds.obs:
            key = {k: v.value for k, v in obs.key.values.items()}
            attrs: dict[str, Any] = {}
            if obs.series_key is not None:
                key |= {k: v.value for k, v in obs.series_key.values.items()}
                attrs |= {k: v.value for k, v in obs.series_key.attrib.items()}
            attrs |= {k: v.value for k, v in obs.attached_attribute.items()}
            every = key | attrs
            indicator = every.get("INDICATOR")
            if indicator not in INDICATORS or obs.value in (None, "", "NaN"):
                continue
            period = _period(str(every.get("TIME_PERIOD", "")), frequency)
            if period is None:
                continue
            direction, basis = INDICATORS[indicator]
            mult = int(str(every.get("UNIT_MULT", "0")) or 0)
            out.append({"reporter": every.get("COUNTRY"),
                        "partner": every.get("COUNTERPART_COUNTRY"),
                        "direction": direction, "basis": basis, "period": period,
                        "value_usd": float(obs.value) * 10.0 ** mult})
    return out


def _query(r: Country, p: Country, frequency: str, years: tuple[int, int]
           ) -> tuple[dict[str, Any], str, dict[str, str]]:
    key = f"{r.iso3}.{'+'.join(INDICATORS)}.{p.iso3}.{frequency}"
    params = {"startPeriod": str(years[0]), "endPeriod": str(years[1])}
    url = f"{BASE_URL}/data/{DATAFLOW}/{key}"
    return {"dataflow": DATAFLOW, "key": key, **params}, url, params


def fetch_imf(
    reporter: str,
    partner: str,
    *,
    years: str | tuple[int, int] | None = None,
    frequency: Frequency = "A",
    cache_dir: str | Path | None = None,
    offline: bool = False,
    max_age: timedelta = MAX_AGE,
    sleep: Callable[[float], None] = time.sleep,
) -> Dataset:
    """A pair's trade on both reporters' statistics from the IMF (IMTS), as a Dataset.

    Parameters
    ----------
    reporter, partner : str
        ISO 3166 alpha-3 codes (``"VNM"``, ``"KOR"``); alpha-2 codes and common names work.
        The pair is ``"{reporter}-{partner}"``: ``exports`` are the reporter's exports to the
        partner (on the reporter's statistics, FOB; on the partner's, its imports, CIF).
    years : str or (int, int), optional
        ``"1992-2025"`` or ``(first, last)``; default 1992 to the last full calendar year.
    frequency : {"A", "M"}, default "A"
        Annual, or monthly (periods ``"2024-03/2024-03"``, left out of annual views).
    cache_dir : path-like, optional
        Where responses are kept (default :func:`tradepath.sources.default_cache_dir`).
    offline : bool, default False
        Answer from the cache only; a warning says how old the response is.
    max_age : timedelta, default one day
        Online, a cached response younger than this is used without asking again.
    sleep : callable, default time.sleep
        Waits between retries after HTTP 429 (tests pass a function that does not wait).

    Returns
    -------
    Dataset
        Rows ``exports`` and ``imports`` for each reporter (two-letter codes, e.g. ``VN`` and
        ``KR``), kind ``reported``, ``dataset`` "imf", ``source`` the request's URL, ``note``
        the direction, basis, query and retrieval time; totals and balances are derived by
        :meth:`tradepath.Dataset.annual`.

    Raises
    ------
    SourceError
        No network, no cached response offline, repeated rate limits, a service error, or no
        figures; the message names the source, what was asked and what to do. Also when the
        ``sdmx1`` package is missing.
    UnknownNameError
        An unknown country code.
    """
    req = prepare(_SOURCE, reporter, partner, years, frequency, cache_dir, offline, max_age,
                  sleep)
    _sdmx()  # say what to install before any request
    out: list[dict[str, Any]] = []
    for r, p in ((req.a, req.b), (req.b, req.a)):
        query, url, params = _query(r, p, req.frequency, req.years)
        span = f"{req.years[0]}-{req.years[1]}"
        asked = (f"{r.iso3}'s trade with {p.iso3}, "
                 f"{'annual' if req.frequency == 'A' else 'monthly'} {span} "
                 f"(IMTS key {query['key']})")

        def download(url: str = url, params: dict[str, str] = params) -> str:
            try:
                body = _http.http_get(url, params, headers={"Accept": _ACCEPT})
            except _http.HTTPStatus as exc:
                if exc.status == 404:  # SDMX REST's "no results": this side has no figures
                    return ""
                raise
            read_imts(body, req.frequency)  # an answer that is not data is never cached
            return body

        response = respond(_SOURCE, query, f"{url}?{urlencode(params)}", download,
                           asked=asked, request=req)
        records = [x for x in read_imts(response.body, req.frequency)
                   if x["reporter"] == r.iso3 and x["partner"] == p.iso3]
        out += rows(records, a=req.a, b=req.b, source=_SOURCE, response=response,
                    query=f"{DATAFLOW.replace(',', ':')}/{query['key']}")
    return to_dataset(out, _SOURCE, req)
