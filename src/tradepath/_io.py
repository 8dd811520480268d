"""The one way tradepath writes output: into a temporary sibling, then moved into place.

Every folder tradepath writes carries a manifest, :data:`MANIFEST`, listing the files it wrote
with their sizes and SHA-256 hashes. An existing folder is replaced only when the caller asks
(``overwrite=True``) *and* the manifest is there *and* the folder holds exactly the files it
lists, unchanged. Anything else raises :class:`~tradepath.errors.OutputExistsError` naming what
is in the way; tradepath never deletes a file it did not write.

The temporary sibling (``.<name>.tmp-XXXX``) is removed on any exception, including
:class:`KeyboardInterrupt` and SIGTERM (see :func:`interruptible`), so a stopped write leaves
the destination as it was.

Examples
--------
>>> import tempfile, pathlib
>>> from tradepath._io import output_dir
>>> root = pathlib.Path(tempfile.mkdtemp())
>>> with output_dir(root / "results") as tmp:
...     _ = (tmp / "table.csv").write_text("a,b\\n1,2\\n")
>>> sorted(p.name for p in (root / "results").iterdir())
['.tradepath-manifest.json', 'table.csv']
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import shutil
import signal
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator
from pathlib import Path, PureWindowsPath
from typing import IO, Any, Literal

from ._validation import echo, fail
from .errors import Interrupted, OutputError, OutputExistsError

__all__ = [
    "MANIFEST",
    "STOP_SIGNALS",
    "check_destination",
    "hold_signals",
    "interruptible",
    "output_dir",
    "output_file",
    "raise_if_interrupted",
    "read_manifest",
]

#: File name of the manifest in every folder tradepath writes.
MANIFEST = ".tradepath-manifest.json"
_TOOL = "tradepath"
_SHOW = 5  # foreign files named in a message


def _user_path(path: Any, func: str, name: str) -> Path:
    if not isinstance(path, str | os.PathLike) or (isinstance(path, str) and not path.strip()):
        raise fail(name, func, "a path (str or pathlib.Path)", path)
    out = Path(path).expanduser()
    if not out.name or out.name in (".", ".."):
        raise fail(name, func, "a path that ends in a file or folder name", str(path))
    return out


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def read_manifest(folder: str | os.PathLike[str]) -> dict[str, Any] | None:
    """The manifest of a folder tradepath wrote, or None if it has none (or not a valid one)."""
    path = Path(folder) / MANIFEST
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return None
    if not isinstance(doc, dict) or doc.get("tool") != _TOOL or not isinstance(
            doc.get("files"), list):
        return None
    if not all(isinstance(f, dict) and isinstance(f.get("path"), str) for f in doc["files"]):
        return None
    return doc


def _unsafe_entry(folder: Path, rel: str) -> str | None:
    """Why a manifest entry may not be touched, or None if it names a file inside ``folder``.

    An entry is honoured only as a plain relative path (``a/b.csv``: no ``..``, ``.``, empty
    part, backslash or drive) none of whose parts, below ``folder``, is a symbolic link: a
    manifest in a folder someone sent or edited must never point tradepath at another file.
    """
    if (not rel or "\\" in rel or "\0" in rel or rel.startswith("/")
            or any(part in ("", ".", "..") for part in rel.split("/"))
            or PureWindowsPath(rel).drive):
        return "is not a plain relative path inside the folder"
    here = folder
    for part in rel.split("/"):
        here = here / part
        if here.is_symlink():
            return "goes through a symbolic link"
    return None


def _bad_entries(folder: Path, manifest: dict[str, Any]) -> list[str]:
    """The manifest's entries tradepath will not follow, each quoted with the reason."""
    return [f"{f['path']!r} {why}" for f in manifest["files"]
            if (why := _unsafe_entry(folder, f["path"])) is not None]


def _foreign(folder: Path, manifest: dict[str, Any]) -> list[str]:
    """Entries of ``folder`` tradepath did not write, or changed since (quoted, relative)."""
    listed = {f["path"]: f for f in manifest["files"]}
    parents = {p.as_posix() for f in listed for p in Path(f).parents} - {"."}
    out = []
    for root, dirs, files in os.walk(folder):
        rel_root = Path(root).relative_to(folder)
        for d in sorted(dirs):
            rel = (rel_root / d).as_posix()
            if rel not in parents or (Path(root) / d).is_symlink():
                out.append(repr(rel + "/"))
        dirs[:] = [d for d in sorted(dirs) if (rel_root / d).as_posix() in parents
                   and not (Path(root) / d).is_symlink()]
        for f in sorted(files):
            rel = (rel_root / f).as_posix()
            if rel == MANIFEST:
                continue
            entry = listed.get(rel)
            p = Path(root) / f
            if entry is None or p.is_symlink():
                out.append(repr(rel))
            elif p.stat().st_size != entry.get("bytes") or _sha256(p) != entry.get("sha256"):
                out.append(f"{rel!r} (changed since tradepath wrote it)")
    return out


def check_destination(path: str | os.PathLike[str], *, overwrite: bool = False,
                      func: str = "write", name: str = "out_dir",
                      kind: Literal["folder", "file"] = "folder") -> Path:
    """Check that ``path`` may be written; return it as a Path. Writes nothing.

    Call it before a long computation so a refusal comes at once; :func:`output_dir` and
    :func:`output_file` call it again before they move anything into place.

    Raises
    ------
    ParameterError
        ``path`` is not a path, or ``overwrite`` is not a bool.
    OutputError
        The parent folder is missing, is not a folder, or is not writable.
    OutputExistsError
        ``path`` exists and may not be replaced (see the module docs).
    """
    out = _user_path(path, func, name)
    if not isinstance(overwrite, bool):
        raise fail("overwrite", func, "True or False", overwrite)
    parent = out.parent
    if not parent.exists():
        raise OutputError(f"cannot write {str(out)!r}: the folder {str(parent)!r} does not "
                          "exist; create it first or choose another path")
    if not parent.is_dir():
        raise OutputError(f"cannot write {str(out)!r}: {str(parent)!r} is not a folder")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise OutputError(f"cannot write {str(out)!r}: the folder {str(parent)!r} is not "
                          "writable (permission denied); choose another path")
    if not (out.exists() or out.is_symlink()):
        return out
    flag = "pass overwrite=True (--overwrite on the command line)"
    if kind == "file":
        if out.is_dir() and not out.is_symlink():
            raise OutputExistsError(f"cannot write the file {str(out)!r}: a folder of that "
                                    "name is in the way; choose another path")
        if not overwrite:
            raise OutputExistsError(f"{str(out)!r} already exists; {flag} to replace it, "
                                    "or choose another path")
        return out
    if not out.is_dir() or out.is_symlink():
        raise OutputExistsError(f"cannot write the folder {str(out)!r}: a file of that name "
                                "is in the way; choose another path")
    manifest = read_manifest(out)
    if manifest is None:
        entries = sorted(p.name for p in out.iterdir())
        if not entries:
            what = "it is an empty folder tradepath did not create"
        else:
            shown = ", ".join(repr(e) for e in entries[:_SHOW])
            more = f" and {len(entries) - _SHOW} more" if len(entries) > _SHOW else ""
            why = ("its manifest is not one tradepath wrote" if (out / MANIFEST).exists()
                   else f"no {MANIFEST}")
            what = f"it was not written by tradepath ({why}) and holds {shown}{more}"
        raise OutputExistsError(f"will not replace the folder {str(out)!r}: {what}; choose "
                                "a new folder (tradepath never deletes files it did not write)")
    if not overwrite:
        raise OutputExistsError(f"the folder {str(out)!r} already holds tradepath output; "
                                f"{flag} to replace it, or choose a new folder")
    bad = _bad_entries(out, manifest)
    if bad:
        raise OutputExistsError(
            f"will not touch the folder {str(out)!r}: its {MANIFEST} lists the entry "
            f"{bad[0]}; tradepath only replaces files it wrote inside the folder (move the "
            "folder away or choose a new one)")
    foreign = _foreign(out, manifest)
    if foreign:
        shown = ", ".join(foreign[:_SHOW])
        more = f" and {len(foreign) - _SHOW} more" if len(foreign) > _SHOW else ""
        raise OutputExistsError(
            f"will not replace the folder {str(out)!r}: it holds files tradepath did not "
            f"write (or that changed since): {shown}{more}; move them away or choose a new "
            "folder"
        )
    return out


# -- signals -------------------------------------------------------------------------------
_received: list[int] = []  # signals caught inside interruptible(), in order


def _interrupt(signum: int) -> BaseException:
    return KeyboardInterrupt() if signum == signal.SIGINT else Interrupted(signum)


_holding: list[int] = []  # one entry per hold_signals() not yet released


def _on_signal(signum: int, frame: Any) -> None:
    _received.append(signum)
    if not _holding:  # else raised when the hold is released
        raise _interrupt(signum)


def _quiet_unraisable(hook: Any, unraisable: Any) -> None:
    # The swallowed exception is raised again by raise_if_interrupted: no "ignored" message.
    if not (_received and isinstance(unraisable.exc_value, (Interrupted, KeyboardInterrupt))):
        hook(unraisable)


def raise_if_interrupted() -> None:
    """Raise again for a signal whose exception Python swallowed.

    A signal that lands while Python runs a callback it guards (a weakref or import-lock
    callback, a ``__del__``) has its exception printed as "ignored" and the program goes on.
    Writers call this before moving output into place, so such a signal still stops the write.
    """
    if _received:
        raise _interrupt(_received[-1])


@contextlib.contextmanager
def interruptible() -> Iterator[None]:
    """Turn SIGTERM into :class:`~tradepath.errors.Interrupted` while the block runs.

    With the default SIGTERM action the process dies at once and ``finally`` blocks never run,
    so temporary output would stay behind. Inside this block SIGTERM raises
    :class:`~tradepath.errors.Interrupted` and SIGINT :class:`KeyboardInterrupt`, the caller's
    clean-up runs, and a signal whose exception Python swallowed is raised again on leaving the
    block (see :func:`raise_if_interrupted`). The previous handlers are restored afterwards. A
    handler the program installed itself is left alone, and outside the main thread (where
    Python cannot install handlers) this does nothing.

    Examples
    --------
    >>> from tradepath._io import interruptible
    >>> with interruptible():
    ...     pass
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    defaults = {signal.SIGTERM: (signal.SIG_DFL, None),
                signal.SIGINT: (signal.default_int_handler, None)}
    previous = {s: signal.getsignal(s) for s in defaults}
    ours = [s for s, h in previous.items() if h in defaults[s]]
    outermost = not any(h is _on_signal for h in previous.values())
    hook = sys.unraisablehook
    if outermost:
        _received.clear()
        sys.unraisablehook = functools.partial(_quiet_unraisable, hook)
    for s in ours:
        signal.signal(s, _on_signal)
    try:
        yield
        if outermost:
            raise_if_interrupted()
    finally:
        for s in ours:
            signal.signal(s, previous[s])
        sys.unraisablehook = hook


# -- writers -------------------------------------------------------------------------------
#: The signals that stop a write (see :func:`interruptible`).
STOP_SIGNALS = frozenset({signal.SIGINT, signal.SIGTERM})


def hold_signals() -> Callable[[], None]:
    """Hold :data:`STOP_SIGNALS` back until the returned function is called.

    Creating a temporary file (or forking a process that writes into it) and entering the
    block that removes it are two steps; a signal between them would leave it behind. Do the
    first with the signals held, then call the function inside that block: a signal that came
    meanwhile is raised there. Inside :func:`interruptible` the handler records the signal and
    waits for the release (it runs in the main thread whichever thread the signal reached);
    the calling thread also blocks them, so that a process forked meanwhile starts with them
    blocked. Outside the main thread this does nothing.
    """
    if threading.current_thread() is not threading.main_thread():
        return lambda: None
    seen = len(_received)
    _holding.append(1)
    old = (signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
           if hasattr(signal, "pthread_sigmask") else None)

    def release() -> None:
        try:
            if old is not None:
                signal.pthread_sigmask(signal.SIG_SETMASK, old)  # delivers a blocked one
        finally:
            _holding.pop()
        if len(_received) > seen and not _holding:
            raise _interrupt(_received[-1])

    return release


def _mkdtemp(out: Path) -> Path:
    try:
        return Path(tempfile.mkdtemp(prefix=f".{out.name}.tmp-", dir=out.parent))
    except OSError as exc:
        raise OutputError(f"cannot write {str(out)!r}: {exc.strerror or exc}") from None


def _write_manifest(tmp: Path) -> None:
    from ._version import __version__

    files = []
    for p in sorted(tmp.rglob("*")):
        if p.is_file() and p.name != MANIFEST:
            files.append({"path": p.relative_to(tmp).as_posix(), "bytes": p.stat().st_size,
                          "sha256": _sha256(p)})
    # No timestamp: the same inputs give a byte-identical folder.
    doc = {"tool": _TOOL, "version": __version__, "files": files}
    (tmp / MANIFEST).write_text(json.dumps(doc, indent=1) + "\n", encoding="utf-8")


def _remove_written(folder: Path, manifest: dict[str, Any]) -> None:
    """Delete the files a manifest lists, the manifest, then the emptied folders."""
    for f in manifest["files"]:
        if _unsafe_entry(folder, f["path"]) is None:  # checked before; again, as a guard
            (folder / f["path"]).unlink(missing_ok=True)
    (folder / MANIFEST).unlink(missing_ok=True)
    for d in sorted((p for p in folder.rglob("*") if p.is_dir()), key=lambda p: -len(p.parts)):
        with contextlib.suppress(OSError):
            d.rmdir()
    with contextlib.suppress(OSError):
        folder.rmdir()  # stays if anything appeared meanwhile: it is not ours to delete


@contextlib.contextmanager
def output_dir(path: str | os.PathLike[str], *, overwrite: bool = False,
               func: str = "write", name: str = "out_dir") -> Iterator[Path]:
    """Write a folder atomically: yield a temporary folder, then move it to ``path``.

    Parameters
    ----------
    path : str or path-like
        The folder to create. Its parent must exist.
    overwrite : bool, default False
        Replace an existing folder, only if tradepath wrote it and it holds nothing else.
    func, name : str
        The public function and parameter, for error messages.

    Yields
    ------
    pathlib.Path
        A temporary sibling folder (``.<name>.tmp-XXXX``) to write the files into.

    Raises
    ------
    OutputError, OutputExistsError, ParameterError
        See :func:`check_destination`; raised before the block runs.
    Interrupted
        SIGTERM arrived during the write (see :func:`interruptible`).

    Notes
    -----
    An :class:`OSError` raised in the block (a full disk, say) becomes an
    :class:`~tradepath.errors.OutputError` naming ``path``.

    On leaving the block normally, the manifest is written, the destination is checked again
    and the temporary folder renamed into place (the old folder, if replaced, is first renamed
    aside and then only the files its manifest lists are deleted). On any exception the
    temporary folder is removed and the destination is untouched.
    """
    out = check_destination(path, overwrite=overwrite, func=func, name=name)
    with interruptible():
        release = hold_signals()
        try:
            tmp = _mkdtemp(out)
        except BaseException:
            release()
            raise
        try:
            release()  # a signal that came while the folder was made is raised here
            yield tmp
            raise_if_interrupted()
            _write_manifest(tmp)
            check_destination(out, overwrite=overwrite, func=func, name=name)
            _move_into_place(tmp, out)
        except OSError as exc:  # a full disk while writing: name the user's path, not tmp
            shutil.rmtree(tmp, ignore_errors=True)
            if isinstance(exc, OutputError):
                raise
            raise OutputError(f"cannot write {str(out)!r}: {exc.strerror or echo(exc)}") from exc
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise


def _move_into_place(tmp: Path, out: Path) -> None:
    try:
        if not out.exists():
            os.replace(tmp, out)
            return
        old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=out.parent))
        old.rmdir()
        os.replace(out, old)
        try:
            os.replace(tmp, out)
        except BaseException:
            os.replace(old, out)
            raise
    except OSError as exc:
        raise OutputError(f"cannot write {str(out)!r}: {exc.strerror or exc}") from None
    manifest = read_manifest(old)
    if manifest is not None:
        _remove_written(old, manifest)


@contextlib.contextmanager
def output_file(path: str | os.PathLike[str], *, overwrite: bool = False, binary: bool = False,
                func: str = "write", name: str = "path") -> Iterator[IO[Any]]:
    """Write one file atomically: yield an open temporary file, then move it to ``path``.

    Text files are UTF-8 with ``newline=""`` (the csv module's convention). Errors name
    ``path``, never the temporary file; on any exception the temporary file is removed and
    ``path`` is untouched.

    Raises
    ------
    OutputError, OutputExistsError, ParameterError
        See :func:`check_destination` (``overwrite`` is needed to replace an existing file).
    """
    out = check_destination(path, overwrite=overwrite, func=func, name=name, kind="file")
    with interruptible():
        release = hold_signals()
        try:
            fd, tmp_name = tempfile.mkstemp(prefix=f".{out.name}.tmp-", dir=out.parent)
        except OSError as exc:
            release()
            raise OutputError(f"cannot write {str(out)!r}: {exc.strerror or exc}") from None
        except BaseException:
            release()
            raise
        tmp = Path(tmp_name)
        try:
            with (os.fdopen(fd, "wb") if binary
                  else os.fdopen(fd, "w", encoding="utf-8", newline="")) as fh:
                release()  # a signal that came while the file was made is raised here
                yield fh
            raise_if_interrupted()
            check_destination(out, overwrite=overwrite, func=func, name=name, kind="file")
            try:
                os.replace(tmp, out)
            except OSError as exc:
                raise OutputError(f"cannot write {str(out)!r}: {exc.strerror or exc}") from None
        except OSError as exc:
            tmp.unlink(missing_ok=True)
            if isinstance(exc, OutputError):
                raise
            raise OutputError(f"cannot write {str(out)!r}: {exc.strerror or echo(exc)}") from exc
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
