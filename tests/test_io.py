from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
import weakref
from pathlib import Path

import pytest

import tradepath as tp
from tradepath._io import MANIFEST, check_destination, interruptible, output_dir, output_file
from tradepath.errors import Interrupted, OutputError, OutputExistsError


def _write(folder: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text)


def _tree(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*")}


def test_output_dir_writes_files_and_manifest(tmp_path):
    out = tmp_path / "results"
    with output_dir(out) as tmp:
        assert tmp.parent == tmp_path and tmp.name.startswith(".results.tmp-")
        _write(tmp, {"a.csv": "x\n1\n", "plots/b.png": "png"})
    assert _tree(out) == {"a.csv", "plots", "plots/b.png", MANIFEST}
    doc = json.loads((out / MANIFEST).read_text())
    assert doc["tool"] == "tradepath" and doc["version"] == tp.__version__
    files = {f["path"]: f for f in doc["files"]}
    assert set(files) == {"a.csv", "plots/b.png"}
    assert files["a.csv"]["bytes"] == 4
    import hashlib

    assert files["a.csv"]["sha256"] == hashlib.sha256(b"x\n1\n").hexdigest()
    assert _tree(tmp_path) == {"results", *(f"results/{p}" for p in _tree(out))}


def test_same_inputs_give_identical_manifests(tmp_path):
    for name in ("one", "two"):
        with output_dir(tmp_path / name) as tmp:
            _write(tmp, {"a.csv": "1\n"})
    assert (tmp_path / "one" / MANIFEST).read_bytes() == (tmp_path / "two" / MANIFEST).read_bytes()


def test_overwrite_replaces_only_tradepath_output(tmp_path):
    out = tmp_path / "r"
    with output_dir(out) as tmp:
        _write(tmp, {"old.csv": "1", "sub/old.txt": "2"})
    with pytest.raises(OutputExistsError, match="pass overwrite=True"):
        with output_dir(out) as tmp:
            pytest.fail("the block must not run")
    with output_dir(out, overwrite=True) as tmp:
        _write(tmp, {"new.csv": "3"})
    assert _tree(out) == {"new.csv", MANIFEST}
    assert _tree(tmp_path) == {"r", "r/new.csv", f"r/{MANIFEST}"}


def test_overwrite_refused_on_foreign_files(tmp_path):
    out = tmp_path / "r"
    with output_dir(out) as tmp:
        _write(tmp, {"report.pdf": "pdf"})
    _write(out, {"thesis.docx": "mine", "notes/a.txt": "mine too"})
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    with pytest.raises(OutputExistsError, match=r"'notes/'.*'thesis\.docx'") as info:
        with output_dir(out, overwrite=True) as tmp:
            _write(tmp, {"report.pdf": "new"})
    assert isinstance(info.value, FileExistsError) and isinstance(info.value, tp.TradepathError)
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r"]


def test_overwrite_refused_on_changed_file(tmp_path):
    out = tmp_path / "r"
    with output_dir(out) as tmp:
        _write(tmp, {"summary.md": "tradepath wrote this"})
    (out / "summary.md").write_text("the user edited this")
    with pytest.raises(OutputExistsError, match=r"summary\.md' .*changed since"):
        with output_dir(out, overwrite=True):
            pass
    assert (out / "summary.md").read_text() == "the user edited this"


@pytest.mark.parametrize("manifest", [None, "{not json", '{"tool": "other", "files": []}',
                                      '{"tool": "tradepath", "files": "x"}'])
def test_folder_without_valid_manifest_is_never_replaced(tmp_path, manifest):
    out = tmp_path / "r"
    _write(out, {"thesis.docx": "mine"})
    if manifest is not None:
        (out / MANIFEST).write_text(manifest)
    with pytest.raises(OutputExistsError, match=r"not written by tradepath.*thesis\.docx"):
        with output_dir(out, overwrite=True):
            pass
    assert (out / "thesis.docx").read_text() == "mine"


def test_empty_foreign_folder_and_file_in_the_way(tmp_path):
    (tmp_path / "empty").mkdir()
    with pytest.raises(OutputExistsError, match="empty folder tradepath did not create"):
        check_destination(tmp_path / "empty", overwrite=True)
    (tmp_path / "f").write_text("x")
    with pytest.raises(OutputExistsError, match="a file of that name is in the way"):
        check_destination(tmp_path / "f", overwrite=True)


def test_many_foreign_files_are_summarised(tmp_path):
    out = tmp_path / "r"
    with output_dir(out):
        pass
    _write(out, {f"f{i:02d}.txt": "x" for i in range(12)})
    with pytest.raises(OutputExistsError, match="and 7 more"):
        check_destination(out, overwrite=True)


def test_no_leftovers_after_an_exception(tmp_path):
    out = tmp_path / "r"
    for exc in (RuntimeError("boom"), KeyboardInterrupt(), Interrupted(signal.SIGTERM)):
        with pytest.raises(type(exc)):
            with output_dir(out) as tmp:
                _write(tmp, {"half.pdf": "..."})
                raise exc
        assert list(tmp_path.iterdir()) == []


def test_old_folder_kept_when_the_new_write_fails(tmp_path):
    out = tmp_path / "r"
    with output_dir(out) as tmp:
        _write(tmp, {"a.csv": "old"})
    with pytest.raises(RuntimeError):
        with output_dir(out, overwrite=True) as tmp:
            _write(tmp, {"a.csv": "new"})
            raise RuntimeError
    assert (out / "a.csv").read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r"]


def test_missing_parent_and_bad_paths_name_the_user_path(tmp_path):
    with pytest.raises(OutputError, match=r"no/such.*does not exist") as info:
        with output_dir(tmp_path / "no" / "such" / "out"):
            pass
    assert ".tmp-" not in str(info.value)
    with pytest.raises(tp.ParameterError, match="must be a path"):
        check_destination(None)  # type: ignore[arg-type]
    with pytest.raises(tp.ParameterError, match="'overwrite' parameter"):
        check_destination(tmp_path / "x", overwrite="yes")  # type: ignore[arg-type]
    with pytest.raises(OutputError, match="is not a folder"):
        (tmp_path / "file").write_text("x")
        check_destination(tmp_path / "file" / "out")


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0,
                    reason="needs POSIX permissions and a non-root user")
def test_read_only_parent(tmp_path):
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o555)
    try:
        with pytest.raises(OutputError, match=r"ro/out'.*not writable"):
            with output_dir(ro / "out"):
                pass
        with pytest.raises(OutputError, match=r"ro/x\.csv'.*not writable"):
            with output_file(ro / "x.csv"):
                pass
    finally:
        ro.chmod(0o755)


def test_output_file(tmp_path):
    path = tmp_path / "x.csv"
    with output_file(path) as fh:
        fh.write("a\n")
    assert path.read_text() == "a\n"
    with pytest.raises(OutputExistsError, match="already exists"):
        with output_file(path):
            pass
    with output_file(path, overwrite=True) as fh:
        fh.write("b\n")
    assert path.read_text() == "b\n"
    with pytest.raises(ValueError):
        with output_file(path, overwrite=True) as fh:
            fh.write("half")
            raise ValueError
    assert path.read_text() == "b\n" and sorted(p.name for p in tmp_path.iterdir()) == ["x.csv"]
    with output_file(tmp_path / "b.bin", binary=True) as fh:
        fh.write(b"\x00\x01")
    assert (tmp_path / "b.bin").read_bytes() == b"\x00\x01"
    with pytest.raises(OutputExistsError, match="a folder of that name"):
        with output_file(tmp_path, overwrite=True):
            pass


def test_dataset_to_csv_errors_name_the_user_path(ds, tmp_path):
    with pytest.raises(OutputError, match=r"no/such/dir/x\.csv.*does not exist") as info:
        ds.to_csv(tmp_path / "no" / "such" / "dir" / "x.csv")
    assert ".tmp-" not in str(info.value) and ".tradepath-" not in str(info.value)
    ds.to_csv(tmp_path / "x.csv")
    with pytest.raises(OutputExistsError):
        ds.to_csv(tmp_path / "x.csv")
    ds.to_csv(tmp_path / "x.csv", overwrite=True)


def test_interruptible_restores_the_handler():
    before = signal.getsignal(signal.SIGTERM)
    with pytest.raises(Interrupted) as info:
        with interruptible():
            inside = signal.getsignal(signal.SIGTERM)
            os.kill(os.getpid(), signal.SIGTERM)
            time.sleep(30)  # the handler raises as soon as the signal is delivered
    assert signal.getsignal(signal.SIGTERM) == before
    if before == signal.SIG_DFL:
        assert inside != before
    assert info.value.exit_code == 143 and info.value.signum == signal.SIGTERM
    assert "SIGTERM" in str(info.value)
    assert not isinstance(info.value, Exception)


def test_a_swallowed_signal_still_stops_the_write(tmp_path, monkeypatch):
    """A signal that lands in a callback Python guards (an import-lock or weakref callback)
    has its exception printed as "ignored"; the write must still stop before the move."""
    if signal.getsignal(signal.SIGTERM) != signal.SIG_DFL:
        pytest.skip("the test runner installed its own SIGTERM handler")
    printed: list[object] = []
    monkeypatch.setattr(sys, "unraisablehook", printed.append)
    with pytest.raises(Interrupted):
        with output_dir(tmp_path / "out") as tmp:
            (tmp / "a.csv").write_text("x")
            handler = signal.getsignal(signal.SIGTERM)

            class Box:
                pass

            box = Box()
            ref = weakref.ref(box, lambda _: handler(signal.SIGTERM, None))
            del box  # the callback raises; Python prints "Exception ignored" and goes on
            assert ref() is None
    assert list(tmp_path.iterdir()) == []
    assert printed == []  # no "Exception ignored" message either
    with output_dir(tmp_path / "out") as tmp:  # the next write starts afresh
        (tmp / "a.csv").write_text("x")
    assert (tmp_path / "out" / "a.csv").exists()


_SLOW_WRITER = textwrap.dedent("""
    import signal, sys, time
    # As in an interactive shell (a background job inherits SIGINT ignored).
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    from pathlib import Path
    from tradepath._io import output_dir
    from tradepath.errors import Interrupted
    out = Path(sys.argv[1]) / "report"
    try:
        with output_dir(out) as tmp:
            (tmp / "report.pdf").write_text("partial")
            print("writing", flush=True)
            time.sleep(60)
    except Interrupted as exc:
        print(exc, file=sys.stderr)
        sys.exit(exc.exit_code)
""")


@pytest.mark.skipif(os.name != "posix", reason="POSIX signals")
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_signal_to_a_writing_process_leaves_no_temporary_folder(tmp_path, sig):
    work = tmp_path / "work"
    work.mkdir()
    proc = subprocess.Popen([sys.executable, "-c", _SLOW_WRITER, str(work)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "writing"
    assert any(p.name.startswith(".report.tmp-") for p in work.iterdir())
    proc.send_signal(sig)
    try:
        _, err = proc.communicate(timeout=60)
    finally:
        proc.kill()
    assert list(work.iterdir()) == []
    if sig == signal.SIGTERM:
        assert proc.returncode == 143
        assert err.strip().splitlines() == ["interrupted by SIGTERM; no output was written"]
    else:
        assert proc.returncode != 0 and "KeyboardInterrupt" in err


@pytest.mark.parametrize("kind", ["folder", "file"])
def test_a_signal_while_the_temporary_output_is_made_leaves_nothing(kind, tmp_path,
                                                                    monkeypatch):
    """The temporary folder (or file) exists a moment before the block that removes it
    begins: a signal in that moment is held back and raised inside the block."""
    import tempfile

    from tradepath import _io

    name = "mkdtemp" if kind == "folder" else "mkstemp"
    make = getattr(tempfile, name)

    def and_a_signal(*args, **kwargs):
        made = make(*args, **kwargs)
        os.kill(os.getpid(), signal.SIGTERM)  # just after the temporary output exists
        return made

    monkeypatch.setattr(_io.tempfile, name, and_a_signal)
    writer = output_dir if kind == "folder" else output_file
    with pytest.raises(Interrupted), writer(tmp_path / "out"):
        pass
    assert list(tmp_path.iterdir()) == []


# -- a manifest never points tradepath outside its folder ----------------------------------


def _forge(out: Path, *paths: str) -> None:
    """Add entries to ``out``'s manifest as someone editing it by hand would, each with the
    size and hash of the file the path names (so only the path check can stop it)."""
    doc = json.loads((out / MANIFEST).read_text())
    for rel in paths:
        target = Path(rel) if Path(rel).is_absolute() else out / rel
        data = target.read_bytes()
        import hashlib

        doc["files"].append({"path": rel, "bytes": len(data),
                             "sha256": hashlib.sha256(data).hexdigest()})
    (out / MANIFEST).write_text(json.dumps(doc))


@pytest.mark.parametrize("entry", ["../victim.txt", "ABS", "a/../../victim.txt",
                                   "./../victim.txt", "a//b.txt", "..\\victim.txt"])
def test_manifest_entry_outside_the_folder_is_refused(tmp_path, entry):
    victim = tmp_path / "victim.txt"
    victim.write_text("the user's file")
    out = tmp_path / "rep"
    with output_dir(out) as tmp:
        (tmp / "a").mkdir()
        (tmp / "a" / "t.csv").write_text("x")
    rel = str(victim) if entry == "ABS" else entry
    doc = json.loads((out / MANIFEST).read_text())
    doc["files"].append({"path": rel, "bytes": 15,
                         "sha256": __import__("hashlib").sha256(b"the user's file").hexdigest()})
    (out / MANIFEST).write_text(json.dumps(doc))
    with pytest.raises(OutputExistsError, match=r"will not touch .*lists the entry") as info:
        with output_dir(out, overwrite=True) as tmp:
            (tmp / "new.csv").write_text("y")
    assert "\n" not in str(info.value) and repr(rel) in str(info.value)
    assert victim.read_text() == "the user's file"
    assert (out / "a" / "t.csv").read_text() == "x" and not (out / "new.csv").exists()


def test_manifest_entry_through_a_symlinked_folder_is_refused(tmp_path):
    # out/sub/a.txt written by tradepath; then out/sub is replaced by a link to a folder of
    # the user's holding an identical a.txt: overwriting must not delete the user's file.
    out = tmp_path / "out"
    with output_dir(out) as tmp:
        (tmp / "sub").mkdir()
        (tmp / "sub" / "a.txt").write_text("same")
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "a.txt").write_text("same")
    for p in (out / "sub").iterdir():
        p.unlink()
    (out / "sub").rmdir()
    (out / "sub").symlink_to(mine, target_is_directory=True)
    with pytest.raises(OutputExistsError, match="symbolic link"):
        with output_dir(out, overwrite=True):
            pass
    assert (mine / "a.txt").read_text() == "same"


def test_manifest_entry_that_is_a_symlink_is_refused(tmp_path):
    out = tmp_path / "out"
    with output_dir(out) as tmp:
        (tmp / "a.txt").write_text("same")
    mine = tmp_path / "mine.txt"
    mine.write_text("same")
    (out / "a.txt").unlink()
    (out / "a.txt").symlink_to(mine)
    with pytest.raises(OutputExistsError, match="symbolic link"):
        with output_dir(out, overwrite=True):
            pass
    assert mine.read_text() == "same"


@pytest.mark.parametrize("doc", ["[]", '"text"', "3", '{"tool": "tradepath", "files": [3]}',
                                 '{"tool": "tradepath", "files": [{"path": 3}]}'])
def test_manifest_that_is_not_an_object_of_entries_is_refused(tmp_path, doc):
    out = tmp_path / "out"
    with output_dir(out) as tmp:
        (tmp / "a.txt").write_text("x")
    (out / MANIFEST).write_text(doc)
    with pytest.raises(OutputExistsError, match="manifest is not one tradepath wrote"):
        with output_dir(out, overwrite=True):
            pass
    assert (out / "a.txt").read_text() == "x"


def test_report_overwrite_refuses_a_forged_manifest_from_the_command_line(tmp_path):
    out = tmp_path / "rep"
    with output_dir(out) as tmp:
        (tmp / "summary.md").write_text("x")
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    _forge(out, "../victim.txt")
    proc = subprocess.run([sys.executable, "-m", "tradepath", "report", "--out", str(out),
                           "--overwrite"], capture_output=True, text=True, cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1 and "../victim.txt" in proc.stderr
    assert victim.read_text() == "keep me" and (out / "summary.md").read_text() == "x"
