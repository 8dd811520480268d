"""The TOML text of a scenario file: where each key is (for error messages) and typed access
that names the file, the key and the line."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from ...errors import ScenarioFileError, TradepathError

__all__ = []


KeyPath = tuple[str | int, ...]

_TOP = {
    "title": "a string", "description": "a string", "data": "a table", "defaults": "a table",
    "target": "an array of tables [[target]]", "scenario": "an array of tables [[scenario]]",
    "outputs": "a table", "simulation": "a table",
    "required": "an array of tables [[required]]", "feasible_region": "a table",
}
_SCENARIO_KEYS = ("name", "start", "end", "reporter", "base", "exports", "imports", "total",
                  "export_share", "deficit")
_FLOWS = ("exports", "imports", "total")


# -- locating keys in the text ----------------------------------------------------------------
class _Doc:
    """The file's text, for error messages that point at a line."""

    def __init__(self, path: Path, text: str):
        self.path = path
        self.lines = text.splitlines()

    def _header(self, name: str, nth: int | None, lo: int, hi: int) -> int | None:
        pat = (re.compile(rf"^\s*\[\[\s*{re.escape(name)}\s*\]\]") if nth is not None
               else re.compile(rf"^\s*\[\s*{re.escape(name)}\s*\]"))
        seen = -1
        for i in range(lo, hi):
            if pat.match(self.lines[i]):
                seen += 1
                if nth is None or seen == nth:
                    return i
        return None

    def _next_header(self, after: int) -> int:
        for i in range(after + 1, len(self.lines)):
            if re.match(r"^\s*\[", self.lines[i]):
                return i
        return len(self.lines)

    def line_of(self, keypath: KeyPath) -> int | None:
        """1-based line of ``keypath`` (e.g. ``("scenario", 1, "exports", "growth")``)."""
        lo, hi, found = 0, len(self.lines), None
        items = list(keypath)
        i = 0
        while i < len(items):
            key = items[i]
            if isinstance(key, int):
                i += 1
                continue
            nxt = items[i + 1] if i + 1 < len(items) else None
            nth = nxt if isinstance(nxt, int) else None
            if i == 0:
                h = self._header(str(key), nth, 0, len(self.lines))
                if h is not None:
                    lo, hi, found = h, self._next_header(h), h
                    i += 2 if nth is not None else 1
                    continue
            pat = re.compile(rf"(^|[\s{{,]){re.escape(str(key))}\s*=|\"{re.escape(str(key))}\"\s*=")
            hit = next((j for j in range(lo, hi) if pat.search(self.lines[j])), None)
            if hit is None:
                break
            lo, found = hit, hit
            i += 1
        return None if found is None else found + 1

    def error(self, keypath: KeyPath, message: str) -> ScenarioFileError:
        return ScenarioFileError(message, file=str(self.path), key=_dotted(keypath),
                                 line=self.line_of(keypath))


def _dotted(keypath: KeyPath) -> str:
    out = ""
    for k in keypath:
        out += f"[{k + 1}]" if isinstance(k, int) else (f".{k}" if out else str(k))
    return out


# -- typed access -----------------------------------------------------------------------------
def _type_name(v: Any) -> str:
    if isinstance(v, bool):
        return "a boolean"
    if isinstance(v, int):
        return "an integer"
    if isinstance(v, float):
        return "a number"
    if isinstance(v, str):
        return "a string"
    if isinstance(v, dict):
        return "a table"
    if isinstance(v, list):
        return "an array"
    return type(v).__name__


def _table(doc: _Doc, value: Any, kp: KeyPath, allowed: Iterable[str],
           required: Iterable[str] = ()) -> dict[str, Any]:
    allowed = tuple(allowed)
    if not isinstance(value, dict):
        raise doc.error(kp, f"must be a table; got {_type_name(value)} ({value!r})")
    for key in value:
        if key not in allowed:
            raise doc.error((*kp, key), f"unknown key {key!r}; allowed here: "
                                        f"{', '.join(allowed)}")
    for key in required:
        if key not in value:
            raise doc.error(kp, f"missing key {key!r} (required: {', '.join(required)})")
    return value


def _int(doc: _Doc, value: Any, kp: KeyPath) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise doc.error(kp, f"must be an integer; got {_type_name(value)} ({value!r})")
    return value


def _real(doc: _Doc, value: Any, kp: KeyPath) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise doc.error(kp, f"must be a number; got {_type_name(value)} ({value!r})")
    if not math.isfinite(value):
        raise doc.error(kp, f"must be a finite number; got {value!r}")
    return float(value)


def _str(doc: _Doc, value: Any, kp: KeyPath, choices: Sequence[str] | None = None) -> str:
    if not isinstance(value, str):
        raise doc.error(kp, f"must be a string; got {_type_name(value)} ({value!r})")
    if choices is not None and value not in choices:
        raise doc.error(kp, f"must be one of {', '.join(map(repr, choices))}; got {value!r}")
    return value


def _bool(doc: _Doc, value: Any, kp: KeyPath) -> bool:
    if not isinstance(value, bool):
        raise doc.error(kp, f"must be true or false; got {_type_name(value)} ({value!r})")
    return value


def _wrap(doc: _Doc, kp: KeyPath, make: Callable[[], Any],
          keys: Iterable[str] = ()) -> Any:
    """Call ``make``; a tradepath error becomes a ScenarioFileError at ``kp``.

    When the error names a parameter that is one of ``keys`` (the table's keys), the error
    points at that key.
    """
    try:
        return make()
    except ScenarioFileError:
        raise
    except TradepathError as exc:
        m = re.match(r"The '(\w+)' parameter", str(exc))
        if m and m.group(1) in set(keys):
            kp = (*kp, m.group(1))
        raise doc.error(kp, str(exc)) from None
