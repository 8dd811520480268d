"""UN Comtrade, through its own client, ``comtradeapicall`` (``pip install 'tradepath[comtrade]'``).

Each reporter's total goods trade (``cmdCode=TOTAL``) with the partner, exports (``X``, valued
FOB) and imports (``M``, valued CIF), in US dollars, annual or monthly. Without a key the
public preview answers (at most 500 rows per request, plenty for two flows of twelve periods);
with a key (``key=`` or the ``COMTRADE_API_KEY`` variable) the full API does.

``comtradeapicall`` prints an error and returns None instead of raising; :func:`fetch_comtrade`
reads what it printed and raises one :class:`tradepath.SourceError` instead. Its reporter and
partner codes are Comtrade's own (the United States are 842, not M49's 840): see
:data:`tradepath.data.countries.COUNTRIES`.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

from ..data import Dataset
from ..data.countries import Country
from ..errors import SourceError
from ._fetching import MAX_AGE, Frequency, Request, prepare, respond, rows, to_dataset
from ._http import HTTPStatus

__all__ = ["KEY_VARIABLE", "PREVIEW_URL", "fetch_comtrade", "read_comtrade"]

#: The environment variable holding a UN Comtrade subscription key.
KEY_VARIABLE = "COMTRADE_API_KEY"
#: The public preview's address (what a request without a key asks; recorded as provenance).
PREVIEW_URL = "https://comtradeapi.un.org/public/v1/preview/C/{freq}/HS"
_DATA_URL = "https://comtradeapi.un.org/data/v1/get/C/{freq}/HS"
#: Periods per request (the API's limit on a list of periods).
PERIODS_PER_REQUEST = 12
PREVIEW_ROWS = 500
_BASIS = {"X": ("exports", "FOB"), "M": ("imports", "CIF")}
_SOURCE = "comtrade"


def _client() -> Any:
    try:
        import comtradeapicall
    except ImportError:
        raise SourceError(
            "comtrade: fetching from UN Comtrade needs the comtradeapicall package; install "
            "it with pip install 'tradepath[comtrade]'") from None
    return comtradeapicall


def read_comtrade(records: list[dict[str, Any]], frequency: Frequency = "A"
                  ) -> list[dict[str, Any]]:
    """Observations from Comtrade's ``data`` records (its documented columns).

    Only totals (``cmdCode`` TOTAL) of exports and imports with no second partner, all customs
    procedures and modes of transport are kept; the value is ``primaryValue`` (US$).
    """
    out = []
    for r in records:
        if (str(r.get("cmdCode", "TOTAL")) != "TOTAL" or r.get("flowCode") not in _BASIS
                or str(r.get("partner2Code", 0)) not in ("0", "None")
                or str(r.get("customsCode", "C00")) != "C00"
                or str(r.get("motCode", 0)) != "0" or r.get("primaryValue") is None):
            continue
        p = str(r.get("period", r.get("refYear", "")))
        if frequency == "A":
            period = p[:4]
        else:
            period = f"{p[:4]}-{p[4:6]}/{p[:4]}-{p[4:6]}" if len(p) == 6 else ""
        if not period:
            continue
        direction, basis = _BASIS[r["flowCode"]]
        out.append({"reporter_code": int(r["reporterCode"]),
                    "partner_code": int(r["partnerCode"]), "direction": direction,
                    "basis": basis, "period": period, "value_usd": float(r["primaryValue"])})
    return out


def _periods(span: tuple[int, int], frequency: str) -> list[str]:
    if frequency == "A":
        return [str(y) for y in range(span[0], span[1] + 1)]
    return [f"{y}{m:02d}" for y in range(span[0], span[1] + 1) for m in range(1, 13)]


def _call(key: str | None, freq: str, period: str, r: Country, p: Country,
          asked: str) -> str:
    """One request through comtradeapicall; the records as JSON text."""
    client = _client()
    args = dict(typeCode="C", freqCode=freq, clCode="HS", period=period,
                reporterCode=str(r.comtrade), cmdCode="TOTAL", flowCode="X,M",
                partnerCode=str(p.comtrade), partner2Code="0", customsCode="C00", motCode="0",
                format_output="JSON", aggregateBy=None, breakdownMode="classic",
                countOnly=None, includeDesc=True)
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        if key:
            df = client.getFinalData(key, maxRecords=250000, **args)
        else:
            df = client.previewFinalData(maxRecords=PREVIEW_ROWS, **args)
    said = " ".join(printed.getvalue().split())
    if df is None:
        low = said.lower()
        if "429" in said or "rate limit" in low:
            raise HTTPStatus(429, said)
        if "request error" in low:
            raise SourceError(
                f"comtrade: cannot reach UN Comtrade for {asked} ({said[:160]}); check the "
                "network connection, or use offline=True (--offline) to answer from the cache")
        if "401" in said or "subscription key" in low or "access denied" in low:
            raise SourceError(
                f"comtrade: the key was refused for {asked} ({said[:160]}); check "
                f"{KEY_VARIABLE} or the key= argument, or leave both unset for the preview")
        raise SourceError(f"comtrade: no data for {asked}; UN Comtrade said: "
                          f"{said[:200] or 'nothing'}; check the codes and periods")
    records = df.to_dict("records") if len(df.columns) else []
    if not key and len(records) >= PREVIEW_ROWS:
        raise SourceError(
            f"comtrade: the preview without a key stops at {PREVIEW_ROWS} rows and {asked} "
            f"has more; set {KEY_VARIABLE} (a free key from UN Comtrade) or pass key=")
    return json.dumps({"count": len(records), "data": records}, default=str)


def fetch_comtrade(
    reporter: str,
    partner: str,
    *,
    years: str | tuple[int, int] | None = None,
    frequency: Frequency = "A",
    key: str | None = None,
    cache_dir: str | Path | None = None,
    offline: bool = False,
    max_age: timedelta = MAX_AGE,
    sleep: Callable[[float], None] = time.sleep,
) -> Dataset:
    """A pair's trade on both reporters' statistics from UN Comtrade, as a Dataset.

    Parameters
    ----------
    reporter, partner : str
        ISO 3166 alpha-3 codes (``"VNM"``, ``"KOR"``), mapped to Comtrade's codes.
    years, frequency, cache_dir, offline, max_age, sleep
        As for :func:`tradepath.sources.fetch_imf`.
    key : str, optional
        A UN Comtrade subscription key; default the ``COMTRADE_API_KEY`` variable, else the
        public preview.

    Returns
    -------
    Dataset
        As :func:`tradepath.sources.fetch_imf`, with ``dataset`` "comtrade".

    Raises
    ------
    SourceError
        No network, a refused key, a preview too small without a key, repeated rate limits,
        no cached response offline, no figures, or comtradeapicall missing; the message names
        the source, what was asked and what to do.
    UnknownNameError
        A country code with no Comtrade code in the table.
    """
    req = prepare(_SOURCE, reporter, partner, years, frequency, cache_dir, offline, max_age,
                  sleep)
    key = key or os.environ.get(KEY_VARIABLE) or None
    if not offline:
        _client()  # say what to install before any request
    periods = _periods(req.years, req.frequency)
    out: list[dict[str, Any]] = []
    for r, p in ((req.a, req.b), (req.b, req.a)):
        for i in range(0, len(periods), PERIODS_PER_REQUEST):
            out += _chunk(req, r, p, periods[i:i + PERIODS_PER_REQUEST], key)
    return to_dataset(out, _SOURCE, req)


def _chunk(req: Request, r: Country, p: Country, periods: list[str],
           key: str | None) -> list[dict[str, Any]]:
    """The rows of one request: reporter ``r``, partner ``p``, up to twelve periods."""
    chunk = ",".join(periods)
    freq = req.frequency
    # The key never enters the cache: the same request with or without it is one entry.
    query = {"typeCode": "C", "freqCode": freq, "clCode": "HS", "period": chunk,
             "reporterCode": r.comtrade, "partnerCode": p.comtrade, "cmdCode": "TOTAL",
             "flowCode": "X,M", "partner2Code": 0, "customsCode": "C00", "motCode": 0}
    url = (_DATA_URL if key else PREVIEW_URL).format(freq=freq)
    params = (f"reporterCode={r.comtrade} partnerCode={p.comtrade} freqCode={freq} "
              f"period={chunk} cmdCode=TOTAL flowCode=X,M")
    asked = (f"{r.iso3} (Comtrade {r.comtrade}) with {p.iso3} (Comtrade {p.comtrade}), "
             f"periods {periods[0]}-{periods[-1]}")
    response = respond(_SOURCE, query, f"{url}?{params.replace(' ', '&')}",
                       lambda: _call(key, freq, chunk, r, p, asked), asked=asked, request=req)
    doc = json.loads(response.body)
    records = [{"reporter": r.iso3, **x} for x in read_comtrade(doc.get("data") or [], freq)
               if x["reporter_code"] == r.comtrade and x["partner_code"] == p.comtrade]
    return rows(records, a=req.a, b=req.b, source=_SOURCE, response=response, query=params)
