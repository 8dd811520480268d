"""Results learned from the shipped data files, stored beside them with the hash of the files
they were learned from.

Learning the damped trend's panel prior or the pool's outside views takes most of a second,
and every process would do it. A stored result is read only when the files it was learned
from are byte for byte the ones shipped; otherwise the caller learns it afresh, so a changed
file is never answered from a stale result. Tests check every stored result against a fresh
learning.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from .schema import data_dir, data_file

__all__ = ["data_hash", "read_stored", "write_stored"]


def data_hash(inputs: tuple[str, ...]) -> str:
    """SHA-256 of the named embedded data files, in order."""
    h = hashlib.sha256()
    for name in inputs:
        h.update(name.encode())
        h.update(data_file(name).read_bytes())
    return h.hexdigest()


def _path(name: str) -> Path:
    return data_dir() / name


def read_stored(name: str, inputs: tuple[str, ...]) -> Any:
    """The value stored in ``name``, or None if it is missing or was learned from other
    versions of ``inputs``."""
    path = _path(name)
    if not path.is_file():
        return None
    doc = json.loads(path.read_text(encoding="utf-8"))
    return doc.get("value") if doc.get("inputs_sha256") == data_hash(inputs) else None


def write_stored(name: str, inputs: tuple[str, ...], value: Any,
                 folder: str | Path | None = None) -> Path:
    """Store ``value`` (JSON) as learned from ``inputs``; returns the file's path."""
    path = Path(data_dir() if folder is None else folder) / name
    doc = {"inputs": list(inputs), "inputs_sha256": data_hash(inputs), "value": value}
    path.write_text(json.dumps(doc, indent=1) + "\n", encoding="utf-8")
    return path
