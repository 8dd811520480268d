"""The disk cache of the sources' responses: one JSON file per request, written atomically.

The folder is ``$XDG_CACHE_HOME/tradepath/sources`` (``~/.cache/tradepath/sources`` when the
variable is unset), or the ``cache_dir`` a caller gives. Each entry is written to a temporary
sibling and moved into place (:func:`tradepath._io.output_file`), so a stopped write leaves
the previous entry. :meth:`ResponseCache.clear` removes only entries this module wrote (their
names and their ``tradepath-source-cache`` marker), never anything else in the folder.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .._io import output_file
from ..errors import OutputError

__all__ = ["CachedResponse", "ResponseCache", "default_cache_dir"]

_MARK = "tradepath-source-cache"
_PREFIX = "response-"


def default_cache_dir() -> Path:
    """``$XDG_CACHE_HOME/tradepath/sources``, or ``~/.cache/tradepath/sources``."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base).expanduser() / "tradepath" / "sources"


@dataclass(frozen=True, slots=True)
class CachedResponse:
    """A stored response: the body as received, the request and when it was retrieved."""

    source: str
    query: dict[str, Any]
    url: str
    body: str
    retrieved: datetime
    from_cache: bool

    def age(self, now: datetime | None = None) -> str:
        """How old the response is, in words ("3 days", "5 hours", "12 minutes")."""
        seconds = ((now or datetime.now(UTC)) - self.retrieved).total_seconds()
        for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
            if seconds >= size:
                n = int(seconds // size)
                return f"{n} {unit}{'s' if n != 1 else ''}"
        return "less than a minute"


class ResponseCache:
    """Responses on disk, keyed by source and request.

    Parameters
    ----------
    cache_dir : path-like, optional
        The folder; default :func:`default_cache_dir`. Created on the first write.
    """

    def __init__(self, cache_dir: str | os.PathLike[str] | None = None) -> None:
        self.folder = Path(cache_dir).expanduser() if cache_dir is not None \
            else default_cache_dir()

    def path(self, source: str, query: dict[str, Any]) -> Path:
        """The file of one request (a hash of the source and the canonical request)."""
        text = json.dumps({"source": source, "query": query}, sort_keys=True)
        digest = hashlib.sha256(text.encode()).hexdigest()[:24]
        return self.folder / f"{_PREFIX}{source}-{digest}.json"

    def get(self, source: str, query: dict[str, Any]) -> CachedResponse | None:
        """The stored response to this request, or None."""
        path = self.path(source, query)
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if doc.get("mark") != _MARK:
            return None
        return CachedResponse(source, doc["query"], doc["url"], doc["body"],
                              datetime.fromisoformat(doc["retrieved"]), True)

    def put(self, response: CachedResponse) -> Path:
        """Store ``response`` (replacing an older one for the same request); return its path."""
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise OutputError(f"cannot create the cache folder {str(self.folder)!r}: "
                              f"{exc.strerror or exc}") from None
        path = self.path(response.source, response.query)
        doc = {"mark": _MARK, "source": response.source, "query": response.query,
               "url": response.url, "retrieved": response.retrieved.isoformat(),
               "body": response.body}
        with output_file(path, overwrite=True, func="ResponseCache.put") as fh:
            json.dump(doc, fh, ensure_ascii=False)
        return path

    def entries(self) -> list[Path]:
        """The files this cache wrote (others in the folder are not its own)."""
        if not self.folder.is_dir():
            return []
        out = []
        for p in sorted(self.folder.glob(f"{_PREFIX}*.json")):
            try:
                if json.loads(p.read_text(encoding="utf-8")).get("mark") == _MARK:
                    out.append(p)
            except (OSError, ValueError):
                continue
        return out

    def clear(self) -> int:
        """Remove this cache's entries (nothing else in the folder); return how many."""
        entries = self.entries()
        for p in entries:
            p.unlink(missing_ok=True)
        return len(entries)
