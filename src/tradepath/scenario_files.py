"""Scenario files: scenarios, targets and the outputs wanted, in TOML.

A scenario file is read with the standard library's :mod:`tomllib` and checked key by key;
nothing in it is ever executed. :func:`run_file` (``tradepath scenario run FILE --out DIR``)
evaluates it and writes the results into a new directory, all at once: the files are written
into a temporary directory beside ``DIR`` and moved into place only when every one is
complete, so a failure leaves no ``DIR`` at all.

The format is documented in ``docs/scenarios.md``; ``examples/*.toml`` has one file per
common question. A short one::

    title = "12 % exports, 5 % imports"

    [defaults]
    start = 2024
    end = 2035

    [[target]]
    name = "150B by 2030, more balanced"
    value = 150
    by = 2030
    balance = "more_balanced"

    [[scenario]]
    name = "baseline"
    exports = { growth = 0.12 }
    imports = { growth = 0.05 }

Errors are :class:`~tradepath.errors.ScenarioFileError`: they name the file, the key (arrays of
tables numbered from 1, e.g. ``scenario[2].exports.ramp.from``) and, when it can be found in
the text, its line.
"""

from __future__ import annotations

import dataclasses
import functools
import itertools
import math
import os
import re
import shutil
import tempfile
import tomllib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from . import balance as _balance
from . import scenarios as sc
from ._validation import fail
from .data import REPORTERS, Dataset, load_dataset
from .errors import ScenarioFileError, TradepathError
from .targets import Target

__all__ = [
    "FeasibleQuestion",
    "Outputs",
    "RequiredQuestion",
    "ScenarioFile",
    "ScenarioResults",
    "Simulation",
    "evaluate",
    "read_scenario_file",
    "run_file",
]

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


# -- specifications ---------------------------------------------------------------------------
def _ramp(doc: _Doc, value: Any, kp: KeyPath) -> sc.Ramp:
    t = _table(doc, value, kp, ("from", "to", "start", "end"), ("from", "to", "start", "end"))
    a, b = _real(doc, t["from"], (*kp, "from")), _real(doc, t["to"], (*kp, "to"))
    y0, y1 = _int(doc, t["start"], (*kp, "start")), _int(doc, t["end"], (*kp, "end"))
    return _wrap(doc, kp, lambda: sc.ramp(a, b, y0, y1))


def _path(doc: _Doc, value: Any, kp: KeyPath) -> sc.ByYear:
    if not isinstance(value, dict) or not value:
        raise doc.error(kp, "must be a non-empty table of year = rate, e.g. { 2025 = 0.1 }; "
                            f"got {value!r}")
    rates = {}
    for key, v in value.items():
        if not re.fullmatch(r"\d{4}", key):
            raise doc.error((*kp, key), f"keys must be years such as 2025; got {key!r}")
        rates[int(key)] = _real(doc, v, (*kp, key))
    return _wrap(doc, kp, lambda: sc.path(rates))


def _growth(doc: _Doc, value: Any, kp: KeyPath) -> sc.GrowthSpec:
    if not isinstance(value, dict):
        rate = _real(doc, value, kp)
        return _wrap(doc, kp, lambda: sc.growth(rate))
    t = _table(doc, value, kp, ("growth", "ramp", "path", "shocks"))
    kinds = [k for k in ("growth", "ramp", "path") if k in t]
    if len(kinds) != 1:
        raise doc.error(kp, "needs exactly one of 'growth', 'ramp' or 'path'; got "
                            f"{kinds or 'none'}")
    kind = kinds[0]
    spec: sc.GrowthSpec
    if kind == "growth":
        rate = _real(doc, t["growth"], (*kp, "growth"))
        spec = _wrap(doc, (*kp, "growth"), lambda: sc.growth(rate))
    elif kind == "ramp":
        spec = _ramp(doc, t["ramp"], (*kp, "ramp"))
    else:
        spec = _path(doc, t["path"], (*kp, "path"))
    shocks = t.get("shocks", [])
    if not isinstance(shocks, list):
        raise doc.error((*kp, "shocks"), f"must be an array of tables such as [{{ year = 2026, "
                                         f"size = -0.1 }}]; got {_type_name(shocks)}")
    for i, item in enumerate(shocks):
        skp = (*kp, "shocks", i)
        st = _table(doc, item, skp, ("year", "size", "recovery"), ("year", "size"))
        year = _int(doc, st["year"], (*skp, "year"))
        size = _real(doc, st["size"], (*skp, "size"))
        rec = _bool(doc, st.get("recovery", True), (*skp, "recovery"))
        spec = _wrap(doc, skp, functools.partial(sc.shock, spec, year=year, size=size,
                                                 recovery=rec))
    return spec


def _share(doc: _Doc, value: Any, kp: KeyPath) -> Any:
    if not isinstance(value, dict):
        v = _real(doc, value, kp)
        return _wrap(doc, kp, lambda: sc.Constant(v))
    t = _table(doc, value, kp, ("ramp", "path", "to", "by", "how"))
    if "ramp" in t or "path" in t:
        if len(t) != 1:
            raise doc.error(kp, "give one of 'ramp', 'path', or 'to' and 'by'; got "
                                f"{sorted(t)}")
        return _ramp(doc, t["ramp"], (*kp, "ramp")) if "ramp" in t else \
            _path(doc, t["path"], (*kp, "path"))
    _table(doc, t, kp, ("to", "by", "how"), ("to", "by"))
    to = _real(doc, t["to"], (*kp, "to"))
    by = _int(doc, t["by"], (*kp, "by"))
    how = _str(doc, t.get("how", "linear"), (*kp, "how"), ("linear", "geometric"))
    return _wrap(doc, kp, lambda: sc.share_path(to, by, how))  # type: ignore[arg-type]


def _deficit(doc: _Doc, value: Any, kp: KeyPath) -> sc.DeficitPath:
    t = _table(doc, value, kp, ("to", "by", "how", "as_share"), ("to", "by"))
    to = _real(doc, t["to"], (*kp, "to"))
    by = _int(doc, t["by"], (*kp, "by"))
    how = _str(doc, t.get("how", "linear"), (*kp, "how"), ("linear", "geometric"))
    as_share = _bool(doc, t.get("as_share", False), (*kp, "as_share"))
    return _wrap(doc, kp, lambda: sc.deficit_path(to, by, how, as_share))  # type: ignore[arg-type]


def _base(doc: _Doc, value: Any, kp: KeyPath) -> sc.Base:
    t = _table(doc, value, kp, ("exports", "imports"), ("exports", "imports"))
    x, m = _real(doc, t["exports"], (*kp, "exports")), _real(doc, t["imports"], (*kp, "imports"))
    return _wrap(doc, kp, lambda: sc.Base(x, m))


def _scenario_fields(doc: _Doc, t: dict[str, Any], kp: KeyPath) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in t.items():
        k = (*kp, key)
        if key == "name":
            out[key] = _str(doc, value, k)
        elif key in ("start", "end"):
            out[key] = _int(doc, value, k)
        elif key == "reporter":
            out[key] = _str(doc, value, k, REPORTERS)
        elif key == "base":
            out[key] = _base(doc, value, k)
        elif key in _FLOWS:
            out[key] = _growth(doc, value, k)
        elif key == "export_share":
            out[key] = _share(doc, value, k)
        elif key == "deficit":
            out[key] = _deficit(doc, value, k)
    return out


def _target(doc: _Doc, value: Any, kp: KeyPath) -> Target:
    t = _table(doc, value, kp, ("name", "value", "by", "balance", "balance_base", "flow"))
    if "value" not in t:
        raise doc.error(kp, "a target needs 'value' (US$ bn)")
    if "by" not in t:
        raise doc.error(kp, "a target needs a deadline: add 'by = YEAR'")
    value_ = _real(doc, t["value"], (*kp, "value"))
    by = _int(doc, t["by"], (*kp, "by"))
    name = _str(doc, t.get("name", ""), (*kp, "name"))
    flow = _str(doc, t.get("flow", "total"), (*kp, "flow"), _FLOWS)
    bname = _str(doc, t.get("balance", "none"), (*kp, "balance"))
    bbase = _int(doc, t["balance_base"], (*kp, "balance_base")) if "balance_base" in t else None
    cond = _wrap(doc, (*kp, "balance"), lambda: _balance.from_name(bname, base=bbase))
    return _wrap(doc, kp, lambda: Target(value_, by=by, balance=cond, name=name,
                                         flow=flow))  # type: ignore[arg-type]


# -- the file ---------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Outputs:
    """Which files :func:`run_file` writes (``[outputs]``)."""

    paths: bool = True
    summary: bool = True
    bands: bool = False
    plots: bool = True


@dataclass(frozen=True, slots=True)
class Simulation:
    """Noise around every scenario (``[simulation]``); see :meth:`Scenario.simulate`."""

    n_paths: int = 10_000
    seed: int = 0
    sigma: float | dict[str, float] | None = None
    correlation: float = 0.0
    alpha: float = 0.2
    reading: str = "by"


@dataclass(frozen=True, slots=True, eq=False)
class RequiredQuestion:
    """One ``[[required]]`` question, after expanding lists of targets and ``other`` specs."""

    target: Target | str
    flow: Any  # "exports", "imports" or "total"
    other: sc.GrowthSpec | None
    export_share: Any
    deficit: sc.DeficitPath | None
    reading: Any  # "by" or "in"
    keypath: KeyPath


@dataclass(frozen=True, slots=True, eq=False)
class FeasibleQuestion:
    """The ``[feasible_region]`` question."""

    target: Target | str
    export_rates: np.ndarray
    import_rates: np.ndarray
    reading: str


@dataclass(frozen=True, slots=True, eq=False)
class ScenarioFile:
    """A scenario file, read and checked; see :func:`read_scenario_file`.

    Attributes
    ----------
    path : Path
    title, description : str
    observations : Path or None
        ``[data] observations``: a CSV of observations (relative paths are relative to the
        file); None uses the embedded dataset.
    start : int or None
        ``[defaults] start``: base year of the inverse questions (None: the latest year).
    reporter : str
    base : Base or None
    scenarios : tuple of Scenario
    targets : tuple of Target or None
        None: the dataset's targets.
    outputs : Outputs
    simulation : Simulation or None
    required : tuple of RequiredQuestion
    feasible : FeasibleQuestion or None
    """

    path: Path
    title: str
    description: str
    observations: Path | None
    start: int | None
    reporter: str
    base: sc.Base | None
    scenarios: tuple[sc.Scenario, ...]
    targets: tuple[Target, ...] | None
    outputs: Outputs
    simulation: Simulation | None
    required: tuple[RequiredQuestion, ...]
    feasible: FeasibleQuestion | None
    _doc: _Doc = dataclasses.field(repr=False, default=None)  # type: ignore[assignment]


def _array_of_tables(doc: _Doc, raw: dict[str, Any], key: str) -> list[Any]:
    value = raw.get(key, [])
    if not isinstance(value, list):
        raise doc.error((key,), f"must be an array of tables ([[{key}]]); got "
                                f"{_type_name(value)}")
    return value


def _rate_grid(doc: _Doc, value: Any, kp: KeyPath) -> np.ndarray:
    t = _table(doc, value, kp, ("from", "to", "n"), ("from", "to", "n"))
    a, b = _real(doc, t["from"], (*kp, "from")), _real(doc, t["to"], (*kp, "to"))
    n = _int(doc, t["n"], (*kp, "n"))
    if not 2 <= n <= 5000 or b <= a:
        raise doc.error(kp, f"needs from < to and 2 <= n <= 5000; got from={a}, to={b}, n={n}")
    return np.linspace(a, b, n)


def read_scenario_file(path: str | os.PathLike[str]) -> ScenarioFile:
    """Read and check a scenario file.

    Parameters
    ----------
    path : str or path-like

    Returns
    -------
    ScenarioFile

    Raises
    ------
    ScenarioFileError
        The file cannot be read or parsed, or has an unknown key, a value of the wrong type,
        a missing required key, or a value the scenario functions refuse (growth of -100 % or
        less, ``end`` not after ``start``, overlapping shocks that make a flow non-positive, a
        target without ``by``, …). The error names the file, the key and its line.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from tradepath.scenario_files import read_scenario_file
    >>> p = Path(tempfile.mkdtemp()) / "s.toml"
    >>> _ = p.write_text('''
    ... [[scenario]]
    ... start = 2024
    ... end = 2035
    ... exports = { growth = 0.12 }
    ... imports = { ramp = { from = 0.05, to = 0.03, start = 2025, end = 2030 } }
    ... ''')
    >>> read_scenario_file(p).scenarios[0].name
    'exports +12.0 %/yr, imports +5.0 %/yr (2025) → +3.0 %/yr (2030)'
    """
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioFileError(f"cannot read the scenario file: {exc}", file=str(p)) from None
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        m = re.search(r"line (\d+)", str(exc))
        raise ScenarioFileError(f"not valid TOML: {exc}", file=str(p),
                                line=int(m.group(1)) if m else None) from None
    doc = _Doc(p, text)
    for key in raw:
        if key not in _TOP:
            raise doc.error((key,), f"unknown key {key!r}; a scenario file has: "
                                    f"{', '.join(_TOP)}")
    title = _str(doc, raw.get("title", p.stem), ("title",))
    description = _str(doc, raw.get("description", ""), ("description",))

    data = _table(doc, raw.get("data", {}), ("data",), ("observations",))
    observations = None
    if "observations" in data:
        obs = Path(_str(doc, data["observations"], ("data", "observations")))
        observations = obs if obs.is_absolute() else p.parent / obs

    defaults = _scenario_fields(doc, _table(doc, raw.get("defaults", {}), ("defaults",),
                                            _SCENARIO_KEYS[1:]), ("defaults",))
    scenarios = []
    names: set[str] = set()
    for i, item in enumerate(_array_of_tables(doc, raw, "scenario")):
        kp: KeyPath = ("scenario", i)
        fields = defaults | _scenario_fields(doc, _table(doc, item, kp, _SCENARIO_KEYS), kp)
        # A scenario stated one way replaces the defaults' flows stated another.
        if "exports" in item or "imports" in item:
            for k in ("total", "export_share", "deficit"):
                if k not in item:
                    fields.pop(k, None)
        elif "total" in item or "export_share" in item or "deficit" in item:
            for k in ("exports", "imports"):
                fields.pop(k, None)
            if "export_share" in item:
                fields.pop("deficit", None)
            if "deficit" in item:
                fields.pop("export_share", None)
        for req in ("start", "end"):
            if req not in fields:
                raise doc.error(kp, f"missing key {req!r} (give it here or in [defaults])")
        scen = _wrap(doc, kp, functools.partial(sc.Scenario, **fields), keys=item)
        if scen.name in names:
            raise doc.error((*kp, "name"), f"the name {scen.name!r} is used twice; names must "
                                           "differ")
        names.add(scen.name)
        scenarios.append(scen)

    targets = None
    if "target" in raw:
        targets = tuple(_target(doc, t, ("target", i))
                        for i, t in enumerate(_array_of_tables(doc, raw, "target")))
    known: dict[str, Target] = {}
    for i, tg in enumerate(targets or ()):
        if tg.name in known:
            raise doc.error(("target", i, "name"), f"the name {tg.name!r} is used twice; give "
                                                   "each target its own name")
        known[tg.name] = tg

    def target_ref(value: Any, kp: KeyPath) -> Target | str:
        name = _str(doc, value, kp)
        return known.get(name, name)

    o = _table(doc, raw.get("outputs", {}), ("outputs",), ("paths", "summary", "bands", "plots"))
    outputs = Outputs(**{k: _bool(doc, v, ("outputs", k)) for k, v in o.items()})

    simulation = None
    if "simulation" in raw:
        s = _table(doc, raw["simulation"], ("simulation",),
                   ("n_paths", "seed", "sigma", "correlation", "alpha", "reading"))
        kw: dict[str, Any] = {}
        for k in ("n_paths", "seed"):
            if k in s:
                kw[k] = _int(doc, s[k], ("simulation", k))
        for k in ("correlation", "alpha"):
            if k in s:
                kw[k] = _real(doc, s[k], ("simulation", k))
        if "sigma" in s:
            if isinstance(s["sigma"], dict):
                st = _table(doc, s["sigma"], ("simulation", "sigma"), ("exports", "imports"),
                            ("exports", "imports"))
                kw["sigma"] = {k: _real(doc, v, ("simulation", "sigma", k))
                               for k, v in st.items()}
            else:
                kw["sigma"] = _real(doc, s["sigma"], ("simulation", "sigma"))
        if "reading" in s:
            kw["reading"] = _str(doc, s["reading"], ("simulation", "reading"), ("by", "in"))
        simulation = Simulation(**kw)
        if simulation.n_paths < 1 or not 0 < simulation.alpha < 1 or \
                not -1 <= simulation.correlation <= 1 or simulation.seed < 0:
            raise doc.error(("simulation",), "needs n_paths >= 1, seed >= 0, 0 < alpha < 1 and "
                                             "-1 <= correlation <= 1")
    elif outputs.bands:
        raise doc.error(("outputs", "bands"), "bands need a [simulation] table")

    required = []
    for i, item in enumerate(_array_of_tables(doc, raw, "required")):
        kp = ("required", i)
        t = _table(doc, item, kp, ("target", "flow", "other", "export_share", "deficit",
                                   "reading"), ("target",))
        tlist = t["target"] if isinstance(t["target"], list) else [t["target"]]
        refs = [target_ref(v, (*kp, "target")) for v in tlist]
        flow = _str(doc, t.get("flow", "exports"), (*kp, "flow"), _FLOWS)
        others_raw = t.get("other")
        if flow == "total":
            if others_raw is not None:
                raise doc.error((*kp, "other"), "not used with flow = 'total' (give "
                                                "export_share or deficit)")
            others: list[Any] = [None]
        else:
            if others_raw is None:
                raise doc.error(kp, f"flow = {flow!r} needs 'other': the growth of the other "
                                    "flow (a rate, a table, or an array of them)")
            others = [_growth(doc, v, (*kp, "other"))
                      for v in (others_raw if isinstance(others_raw, list) else [others_raw])]
        share = _share(doc, t["export_share"], (*kp, "export_share")) \
            if "export_share" in t else None
        deficit = _deficit(doc, t["deficit"], (*kp, "deficit")) if "deficit" in t else None
        reading = _str(doc, t.get("reading", "by"), (*kp, "reading"), ("by", "in"))
        for ref, other in itertools.product(refs, others):
            required.append(RequiredQuestion(ref, flow, other, share, deficit, reading, kp))

    feasible = None
    if "feasible_region" in raw:
        kp = ("feasible_region",)
        t = _table(doc, raw["feasible_region"], kp, ("target", "exports", "imports", "reading"),
                   ("target",))
        feasible = FeasibleQuestion(
            target_ref(t["target"], (*kp, "target")),
            _rate_grid(doc, t["exports"], (*kp, "exports")) if "exports" in t
            else np.linspace(-0.05, 0.25, 1000),
            _rate_grid(doc, t["imports"], (*kp, "imports")) if "imports" in t
            else np.linspace(-0.05, 0.20, 1000),
            _str(doc, t.get("reading", "by"), (*kp, "reading"), ("by", "in")),
        )
    if not scenarios and not required and feasible is None:
        raise doc.error(("scenario",), "nothing to do: give at least one [[scenario]], "
                                       "[[required]] or [feasible_region]")
    return ScenarioFile(
        path=p, title=title, description=description, observations=observations,
        start=defaults.get("start"), reporter=defaults.get("reporter", "VN"),
        base=defaults.get("base"), scenarios=tuple(scenarios), targets=targets,
        outputs=outputs, simulation=simulation, required=tuple(required), feasible=feasible,
        _doc=doc,
    )


# -- evaluation -------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True, eq=False)
class ScenarioResults:
    """Everything a scenario file asks for, in memory; from :func:`evaluate`.

    Attributes
    ----------
    file : ScenarioFile
    targets : tuple of Target
    paths : DataFrame
        Long table: ``scenario``, ``year``, ``exports``, ``imports``, ``total``, ``balance``,
        ``export_share``, ``deficit_share``.
    summary : DataFrame
        :func:`tradepath.scenarios.compare` of the scenarios, plus ``T: P(met by <by>)``
        columns when the file has ``[simulation]``.
    required : DataFrame or None
        One row per inverse question (see :meth:`RequiredGrowth.to_dict`).
    feasible : FeasibleRegion or None
    bands : DataFrame or None
        Median and interval by scenario and year (``[outputs] bands``).
    notes : tuple of str
    """

    file: ScenarioFile
    targets: tuple[Target, ...]
    paths: pd.DataFrame
    summary: pd.DataFrame
    required: pd.DataFrame | None
    feasible: sc.FeasibleRegion | None
    bands: pd.DataFrame | None
    notes: tuple[str, ...]

    def to_markdown(self) -> str:
        """The summary as a Markdown document."""
        return _summary_markdown(self)


def _dataset_for(spec: ScenarioFile, dataset: Dataset | None) -> Dataset:
    if dataset is not None:
        if not isinstance(dataset, Dataset):
            raise fail("dataset", "evaluate", "a tradepath Dataset or None",
                       type(dataset).__name__)
        return dataset
    if spec.observations is None:
        return load_dataset()
    return _wrap(spec._doc, ("data", "observations"), lambda: Dataset.from_csv(
        spec.observations, targets=load_dataset().targets))  # type: ignore[arg-type]


def _resolve_target(spec: ScenarioFile, ds: Dataset, ref: Target | str, kp: KeyPath) -> Target:
    if isinstance(ref, Target):
        return ref
    names = [t.name for t in spec.targets or ()] + [t.name for t in ds.targets]
    for t in (*(spec.targets or ()), *ds.targets):
        if t.name == ref:
            return t
    raise spec._doc.error(kp, f"no target named {ref!r}; known: {names}")


def evaluate(spec: ScenarioFile | str | os.PathLike[str],
             dataset: Dataset | None = None) -> ScenarioResults:
    """Evaluate a scenario file in memory (what :func:`run_file` writes).

    Parameters
    ----------
    spec : ScenarioFile or path
    dataset : Dataset, optional
        Overrides the file's ``[data]``; default the embedded dataset.

    Returns
    -------
    ScenarioResults

    Raises
    ------
    ScenarioFileError
        Any error, with the key (and line) of the part of the file that caused it.
    """
    if not isinstance(spec, ScenarioFile):
        spec = read_scenario_file(spec)
    doc = spec._doc
    ds = _dataset_for(spec, dataset)
    notes: list[str] = []

    frames, bases = [], {}
    for i, s in enumerate(spec.scenarios):
        f = _wrap(doc, ("scenario", i), functools.partial(s.project, ds))
        bases[s.name] = f.attrs["base_source"]
        frames.append(f.reset_index().assign(scenario=s.name))
    if len(set(bases.values())) == 1:
        notes.append(f"Base of every scenario: {next(iter(bases.values()))}.")
    else:
        notes += [f"Base of {name!r}: {src}." for name, src in bases.items()]
    cols = ["scenario", "year", "exports", "imports", "total", "balance", "export_share",
            "deficit_share"]
    paths = (pd.concat(frames, ignore_index=True)[cols] if frames
             else pd.DataFrame(columns=cols))

    if spec.targets is not None:
        targets = spec.targets
    else:
        first = min((int(f["year"].iloc[0]) for f in frames), default=0)
        targets = tuple(t for t in ds.targets if t.by >= first)
    summary = (_wrap(doc, ("scenario",), lambda: sc.compare(spec.scenarios, ds,
                                                               targets=targets))
               if spec.scenarios else pd.DataFrame())

    bands = None
    if spec.simulation is not None and spec.scenarios:
        sim = spec.simulation
        band_frames = []
        for i, s in enumerate(spec.scenarios):
            paths_i = _wrap(doc, ("simulation",), functools.partial(
                s.simulate, ds, n_paths=sim.n_paths, seed=sim.seed, sigma=sim.sigma,
                correlation=sim.correlation))
            if i == 0:
                notes.extend(paths_i.notes)
            for t in targets:
                col = f"{t.name}: P(met {sim.reading} {t.by})"
                inside = paths_i.years[0] <= t.by <= paths_i.years[-1]
                summary.loc[s.name, col] = (paths_i.probability(t, reading=sim.reading)  # type: ignore[arg-type]
                                            if inside else math.nan)
            if spec.outputs.bands:
                band_frames.append(paths_i.summary_frame(sim.alpha).reset_index()
                                   .assign(scenario=s.name))
        notes.append(
            f"Probabilities from {sim.n_paths:,} simulated paths per scenario (seed "
            f"{sim.seed}), log-normal noise on each flow's growth, correlation "
            f"{sim.correlation:g}; the scenario is the median path."
        )
        if band_frames:
            bands = pd.concat(band_frames, ignore_index=True)
            bands = bands[["scenario", *[c for c in bands.columns if c != "scenario"]]]

    required = None
    if spec.required:
        rows = []
        for q in spec.required:
            target = _resolve_target(spec, ds, q.target, (*q.keypath, "target"))
            r = _wrap(doc, q.keypath, functools.partial(
                sc.required_growth, ds, target, q.flow, other=q.other,
                export_share=q.export_share, deficit=q.deficit, start=spec.start,
                reading=q.reading, reporter=spec.reporter, base=spec.base))
            mate = "imports" if q.flow == "exports" else "exports"
            given = (f"{mate} {q.other.describe()}" if q.other is not None else
                     q.deficit.describe() if q.deficit is not None else
                     f"export share {q.export_share.describe('share')}"
                     if q.export_share is not None else "export share unchanged")
            rows.append({**r.to_dict(), "given": given})
        required = pd.DataFrame(rows).astype({"year_met": "Int64"})
        required = required[["target", "condition", "flow", "given", "reading", "feasible",
                             "rate", "max_rate", "year_met", "base_year", "message"]]

    feasible = None
    if spec.feasible is not None:
        fq = spec.feasible
        target = _resolve_target(spec, ds, fq.target, ("feasible_region", "target"))
        feasible = _wrap(doc, ("feasible_region",), lambda: sc.feasible_region(
            ds, target, fq.export_rates, fq.import_rates, start=spec.start,
            reading=fq.reading, reporter=spec.reporter, base=spec.base))  # type: ignore[arg-type]

    return ScenarioResults(spec, tuple(targets), paths, summary, required, feasible, bands,
                           tuple(notes))


# -- Markdown ---------------------------------------------------------------------------------
def _cell(v: Any, col: str) -> str:
    if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)):
        return "–"
    if isinstance(v, bool | np.bool_):
        return "yes" if v else "no"
    if isinstance(v, float | np.floating):
        if "share" in col or col.endswith("rate") or "P(" in col:
            return f"{v:.1%}" if "P(" in col or "share" in col else f"{v * 100:+.2f} %"
        return f"{v:,.2f}"
    return str(v).replace("|", "\\|").replace("\n", " ")


def _md_table(frame: pd.DataFrame, index: str | None = None) -> str:
    cols = list(frame.columns)
    head = ([index] if index else []) + cols
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for idx, row in frame.iterrows():
        cells = ([str(idx)] if index else []) + [_cell(row[c], c) for c in cols]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _summary_markdown(res: ScenarioResults) -> str:
    spec = res.file
    out = [f"# {spec.title}", ""]
    if spec.description:
        out += [spec.description.strip(), ""]
    out += [f"Scenario file: `{spec.path.name}`. Values in US$ billion, Vietnam's side "
            "(balance = exports − imports; deficit share = (imports − exports) / total).", ""]
    if spec.scenarios:
        s = res.summary
        out += ["## Scenarios", ""]
        ends = [c for c in s.columns if c.startswith(("total ", "balance "))]
        out += [_md_table(s[["description", "base year", *ends]], "scenario"), ""]
        conditions = s.attrs.get("conditions", {})
        for t in res.targets:
            cols = [c for c in s.columns if c.startswith(f"{t.name}: ")]
            if not cols:
                continue
            out += [f"### {t.name}", "", f"Condition: {conditions.get(t.name, 'none')}.", ""]
            part = s[cols].rename(columns=lambda c, n=t.name: c[len(n) + 2:])
            out += [_md_table(part, "scenario"), ""]
    if res.required is not None:
        out += ["## Required growth", ""]
        r = res.required
        out += [_md_table(r[["target", "flow", "given", "reading", "feasible", "rate",
                             "max_rate", "year_met"]]), ""]
        out += [f"- {m}" for m in r["message"]] + [""]
    if res.feasible is not None:
        fr = res.feasible
        out += ["## Feasible region", "", "```", fr.summary(), "```", ""]
    if res.notes:
        out += ["## Notes", ""] + [f"- {n}" for n in res.notes] + [""]
    return "\n".join(out)


# -- writing ----------------------------------------------------------------------------------
def _csv(frame: pd.DataFrame, path: Path, *, index: bool = False) -> None:
    frame.to_csv(path, index=index, float_format="%.12g", encoding="utf-8")


def _write_paths(res: ScenarioResults, d: Path) -> list[Path]:
    if not res.file.outputs.paths or res.paths.empty:
        return []
    _csv(res.paths, d / "paths.csv")
    return [d / "paths.csv"]


def _write_summary(res: ScenarioResults, d: Path) -> list[Path]:
    if not res.file.outputs.summary:
        return []
    out = []
    if not res.summary.empty:
        _csv(res.summary, d / "summary.csv", index=True)
        out.append(d / "summary.csv")
    (d / "summary.md").write_text(res.to_markdown(), encoding="utf-8")
    return [*out, d / "summary.md"]


def _write_required(res: ScenarioResults, d: Path) -> list[Path]:
    if res.required is None:
        return []
    _csv(res.required, d / "required.csv")
    return [d / "required.csv"]


def _write_feasible(res: ScenarioResults, d: Path) -> list[Path]:
    if res.feasible is None:
        return []
    b = res.feasible.boundary().reset_index()
    _csv(b, d / "feasible_region.csv")
    return [d / "feasible_region.csv"]


def _write_bands(res: ScenarioResults, d: Path) -> list[Path]:
    if res.bands is None:
        return []
    _csv(res.bands, d / "bands.csv")
    return [d / "bands.csv"]


def _write_figures(res: ScenarioResults, d: Path) -> list[Path]:
    """``scenarios.png`` (totals side by side, with the targets) and ``feasible.png``."""
    if not res.file.outputs.plots:
        return []
    from . import plotting
    from ._lazy import pyplot

    figures: list[tuple[str, tuple[float, float], Callable[[Any], Any]]] = []
    if not res.paths.empty:
        frames = {name: g.set_index("year")
                  for name, g in res.paths.groupby("scenario", sort=False)}
        figures.append(("scenarios.png", (8, 5), lambda ax: plotting.plot_scenarios(
            frames, ax=ax, targets=res.targets)))
    if res.feasible is not None:
        region = res.feasible
        figures.append(("feasible.png", (8, 6),
                        lambda ax: plotting.plot_feasible(region, ax=ax)))
    plt = pyplot()
    out = []
    with plotting.report_style():
        for name, size, draw in figures:
            fig, ax = plt.subplots(figsize=size)
            draw(ax)
            plotting.source_note(fig)
            fig.savefig(d / name, dpi=150, bbox_inches="tight")
            plt.close(fig)
            out.append(d / name)
    return out


#: The writers :func:`run_file` calls in order; each writes its files into the directory it
#: is given and returns their paths.
WRITERS: tuple[Callable[[ScenarioResults, Path], list[Path]], ...] = (
    _write_paths, _write_summary, _write_required, _write_feasible, _write_bands, _write_figures,
)


def run_file(path: str | os.PathLike[str], out_dir: str | os.PathLike[str], *,
             overwrite: bool = False, dataset: Dataset | None = None) -> list[Path]:
    """Run a scenario file and write its outputs into ``out_dir``.

    This is ``tradepath scenario run FILE --out DIR``.

    Parameters
    ----------
    path : str or path-like
        The scenario file (TOML).
    out_dir : str or path-like
        Directory to create. Its parent is created if needed.
    overwrite : bool, default False
        Replace an existing ``out_dir`` (only once the new results are complete).
    dataset : Dataset, optional
        Overrides the file's ``[data]``.

    Returns
    -------
    list of Path
        The files written, inside ``out_dir``: ``paths.csv`` (every scenario's path),
        ``summary.csv`` and ``summary.md`` (the comparison, probabilities, answers),
        ``required.csv``, ``feasible_region.csv`` and ``bands.csv`` when asked for.

    Raises
    ------
    ScenarioFileError
        A problem in the file (naming the key and line), or the output cannot be written.
    ParameterError
        ``out_dir`` exists and ``overwrite`` is False.

    Notes
    -----
    Everything is computed first, then written into a temporary directory next to
    ``out_dir`` and renamed into place in one step; on any failure the temporary directory is
    removed and ``out_dir`` is left as it was (absent, or the previous results).
    """
    func = "run_file"
    out = Path(out_dir)
    if not isinstance(overwrite, bool):
        raise fail("overwrite", func, "True or False", overwrite)
    if out.exists() and not overwrite:
        raise fail("out_dir", func, "a directory that does not exist yet", str(out),
                   "Choose a new directory or pass overwrite=True (--overwrite).")
    if out.exists() and not out.is_dir():
        raise fail("out_dir", func, "a directory", str(out))
    results = evaluate(read_scenario_file(path), dataset)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".partial", dir=out.parent))
    except OSError as exc:
        raise ScenarioFileError(f"cannot write the output to {out}: {exc}",
                                file=str(path)) from None
    try:
        names = [f.name for w in WRITERS for f in w(results, tmp)]
        if out.exists():
            old = out.parent / f"{tmp.name[:-len('.partial')]}.old"
            os.replace(out, old)
            try:
                os.replace(tmp, out)
            except BaseException:
                os.replace(old, out)
                raise
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(tmp, out)
    except OSError as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        raise ScenarioFileError(f"cannot write the output to {out}: {exc}",
                                file=str(path)) from None
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return [out / n for n in names]
