"""Reading a scenario file into a :class:`ScenarioFile` (:func:`read_scenario_file`)."""

from __future__ import annotations

import dataclasses
import functools
import itertools
import os
import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ... import scenarios as sc
from ..._defaults import DEFAULT_PATHS, DEFAULT_REPORTER, DEFAULT_SEED
from ...data import REPORTERS
from ...errors import ScenarioFileError
from ...targets import balance as _balance
from ...targets.target import Target
from ._doc import (
    _FLOWS,
    _SCENARIO_KEYS,
    _TOP,
    KeyPath,
    _bool,
    _Doc,
    _int,
    _real,
    _str,
    _table,
    _type_name,
    _wrap,
)

__all__ = [
    "FeasibleQuestion",
    "Outputs",
    "RequiredQuestion",
    "ScenarioFile",
    "Simulation",
    "read_scenario_file",
]


#: Deepest nesting of arrays and inline tables a scenario file may have (the format needs 3).
MAX_NESTING = 32
_KEY = re.compile(r'\s*([A-Za-z0-9_\-."\' ]+?)\s*=')


def _check_nesting(text: str, path: Path) -> None:
    """Refuse arrays or inline tables nested deeper than :data:`MAX_NESTING`, before parsing.

    The TOML parser recurses once per level, so thousands of ``[`` end in a RecursionError;
    this scan counts brackets outside strings and comments and names the key and line.
    """
    depth, key, key_line, quote = 0, None, 0, ""
    for number, line in enumerate(text.splitlines(), start=1):
        if depth == 0 and not quote:
            m = _KEY.match(line)
            if m:
                key, key_line = m.group(1).strip().strip("\"'"), number
        i = 0
        while i < len(line):
            ch = line[i]
            if quote:
                if ch == "\\" and quote[0] == '"':
                    i += 1
                elif line.startswith(quote, i):
                    i += len(quote) - 1
                    quote = ""
            elif ch == "#":
                break
            elif ch in "\"'":
                quote = ch * 3 if line.startswith(ch * 3, i) else ch
                i += len(quote) - 1
            elif ch in "[{":
                depth += 1
                if depth > MAX_NESTING:
                    raise ScenarioFileError(
                        f"arrays or tables nested more than {MAX_NESTING} deep (at line "
                        f"{number}); a scenario file needs at most 3 levels",
                        file=str(path), key=key, line=key_line or number)
            elif ch in "]}":
                depth = max(depth - 1, 0)
            i += 1
        if quote and len(quote) == 1:
            quote = ""  # a one-line string does not run over lines (the parser will say so)


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

    n_paths: int = DEFAULT_PATHS
    seed: int = DEFAULT_SEED
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
        file); None uses the fused history of the embedded figures (:func:`tradepath.fuse`).
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


def _scenarios(doc: _Doc, raw: dict[str, Any], defaults: dict[str, Any]) -> list[sc.Scenario]:
    """The ``[[scenario]]`` tables, each with the ``[defaults]`` it does not restate."""
    scenarios: list[sc.Scenario] = []
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
    return scenarios


def _simulation(doc: _Doc, raw: dict[str, Any], outputs: Outputs) -> Simulation | None:
    """The ``[simulation]`` table (None without one; bands then cannot be asked for)."""
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
    return simulation


def _required(doc: _Doc, raw: dict[str, Any],
              target_ref: Callable[[Any, KeyPath], Target | str]) -> list[RequiredQuestion]:
    """The ``[[required]]`` questions, one per target and growth of the other flow."""
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
    return required


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
    >>> from tradepath.scenarios.files import read_scenario_file
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
        text = p.read_text(encoding="utf-8-sig")  # Windows editors add a BOM
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioFileError(f"cannot read the scenario file: {exc}", file=str(p)) from None
    _check_nesting(text, p)
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
    scenarios = _scenarios(doc, raw, defaults)

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

    simulation = _simulation(doc, raw, outputs)

    required = _required(doc, raw, target_ref)

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
        start=defaults.get("start"), reporter=defaults.get("reporter", DEFAULT_REPORTER),
        base=defaults.get("base"), scenarios=tuple(scenarios), targets=targets,
        outputs=outputs, simulation=simulation, required=tuple(required), feasible=feasible,
        _doc=doc,
    )
