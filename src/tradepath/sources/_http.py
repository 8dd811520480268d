"""The network boundary of the IMF source, and the retry rule shared by both sources.

:func:`http_get` is the one function that opens a connection for :mod:`.imf` (tests replace
it); UN Comtrade's client, :mod:`comtradeapicall`, opens its own through ``urllib3``.
"""

from __future__ import annotations

import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from typing import TypeVar

from ..errors import SourceError

__all__ = ["RETRIES", "HTTPStatus", "http_get", "with_retries"]

#: Tries after the first when a source answers HTTP 429 (too many requests).
RETRIES = 4
#: Seconds before the first retry; doubled at each one (2, 4, 8, 16 s).
FIRST_WAIT = 2.0
_TIMEOUT = 120

T = TypeVar("T")


class HTTPStatus(Exception):
    """A response with another status than 200 (internal: turned into a SourceError)."""

    def __init__(self, status: int, body: str) -> None:
        super().__init__(status, body)
        self.status, self.body = status, body


def http_get(url: str, params: dict[str, str], *, headers: dict[str, str] | None = None) -> str:
    """GET ``url`` with ``params``; the body as text.

    Raises
    ------
    HTTPStatus
        For any status other than 200.
    OSError
        When the host cannot be reached (``urllib.error.URLError``).
    """
    full = f"{url}?{urllib.parse.urlencode(params)}" if params else url
    req = urllib.request.Request(full, headers={"User-Agent": "tradepath", **(headers or {})})
    try:
        with urllib.request.urlopen(req, timeout=_TIMEOUT) as resp:
            return resp.read().decode("utf-8")
    except urllib.error.HTTPError as exc:
        raise HTTPStatus(exc.code, exc.read().decode("utf-8", "replace")) from None


def with_retries(call: Callable[[], T], *, source: str, asked: str,
                 sleep: Callable[[float], None] = time.sleep, retries: int = RETRIES) -> T:
    """``call()``, retried with exponential backoff while it raises HTTP 429.

    Raises
    ------
    SourceError
        One line, after ``retries`` retries still answered 429.
    """
    wait = FIRST_WAIT
    for attempt in range(retries + 1):
        try:
            return call()
        except HTTPStatus as exc:
            if exc.status != 429:
                raise
            if attempt == retries:
                break
            sleep(wait)
            wait *= 2
    raise SourceError(
        f"{source}: rate limit (HTTP 429) for {asked} after {retries} retries over "
        f"{FIRST_WAIT * (2 ** retries - 1):g} s; wait a few minutes and try again, or use "
        "offline=True to answer from the cache")
