"""The shape of the package: no cycle at import time, no upward import, the figures a leaf,
no function longer than a screen, no name that is both a function and a module.

``LAYERS`` is the one declaration of the layer order, lowest first. A module may import
modules of its own layer or below; the only upward edge allowed is a function-level import in
a result object's ``plot`` method (the result hands itself to :mod:`tradepath.plotting`). A new
module gets a line here (patterns are ``fnmatch`` patterns on the dotted name).
"""

from __future__ import annotations

import ast
import fnmatch
from pathlib import Path

import pytest

import tradepath

PACKAGE = Path(tradepath.__file__).resolve().parent

#: Layers, lowest first: a module imports only from its layer and the layers below.
LAYERS: list[tuple[str, ...]] = [
    ("tradepath.errors", "tradepath._version", "tradepath._lazy", "tradepath._format",
     "tradepath._defaults",
     "tradepath._display"),
    ("tradepath._validation", "tradepath._moved"),
    ("tradepath.targets.balance", "tradepath._io", "tradepath.reference.logistic"),
    ("tradepath.targets", "tradepath.targets.target"),
    ("tradepath.data.checks",),
    ("tradepath.data", "tradepath.data.*"),
    ("tradepath.reference.rates",),
    ("tradepath.assessment.progress", "tradepath.assessment.crossing"),
    ("tradepath.assessment.results",),
    ("tradepath.models._base",),
    ("tradepath.models.priors", "tradepath.models.stochastic_growth"),
    ("tradepath.models.random_walk", "tradepath.models.cagr", "tradepath.models.loglinear",
     "tradepath.models.statespace", "tradepath.models.damped", "tradepath.models.saturating"),
    ("tradepath.models.scoring", "tradepath.models.share"),
    ("tradepath.models.ensemble",),
    ("tradepath.models",),
    ("tradepath.fusion", "tradepath.fusion.*"),
    ("tradepath.reference", "tradepath.reference.views", "tradepath.reference.pooling",
     "tradepath.assessment.pool"),
    ("tradepath.scenarios", "tradepath.scenarios.*"),
    ("tradepath.assessment", "tradepath.assessment.core", "tradepath.backtesting",
     "tradepath.backtesting.*"),
    ("tradepath.batch", "tradepath.batch.*", "tradepath.verdict", "tradepath.verdict.*"),
    ("tradepath.fusion.answers",),
    ("tradepath.plotting.style", "tradepath.plotting._parts"),
    ("tradepath.plotting", "tradepath.plotting.*"),
    ("tradepath.sources", "tradepath.sources.*"),
    ("tradepath.report", "tradepath.report.*", "tradepath.scenarios.files",
     "tradepath.scenarios.files.*"),
    ("tradepath.cli", "tradepath.__main__"),
    ("tradepath",),
]

#: Methods whose function-level import may point up (to the plotting layer).
UPWARD_ALLOWED_IN = frozenset({"plot"})


def _module_name(path: Path) -> str:
    parts = ["tradepath", *path.relative_to(PACKAGE).with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def layer(name: str) -> int:
    # The most specific pattern wins: "tradepath.models.ensemble" before "tradepath.models".
    best: tuple[int, int] | None = None
    for i, patterns in enumerate(LAYERS):
        for pat in patterns:
            if fnmatch.fnmatchcase(name, pat) and (best is None or len(pat) > best[1]):
                best = (i, len(pat))
    if best is None:
        raise AssertionError(f"{name} is in no layer: add it to LAYERS in {__file__}")
    return best[0]


def _resolve(module: str, is_package: bool, node: ast.ImportFrom | ast.Import) -> list[str]:
    """The tradepath modules an import statement loads."""
    if isinstance(node, ast.Import):
        return [a.name for a in node.names if a.name.split(".")[0] == "tradepath"]
    base = module.split(".") if is_package else module.split(".")[:-1]
    if node.level:
        base = base[: len(base) - (node.level - 1)]
        target = ".".join([*base, node.module] if node.module else base)
    else:
        target = node.module or ""
    if target.split(".")[0] != "tradepath":
        return []
    subs = [f"{target}.{a.name}" for a in node.names if f"{target}.{a.name}" in MODULES]
    # "from . import balance" imports the submodule; its package is already loaded
    return subs if len(subs) == len(node.names) else [target, *subs]


def _imports(name: str) -> list[tuple[str, bool, str | None]]:
    """(imported module, at import time?, enclosing function name) for every import."""
    path = MODULES[name]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out: list[tuple[str, bool, str | None]] = []

    def visit(node: ast.AST, func: str | None, type_checking: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
                for sub in child.body:
                    visit(sub, func, True)
                continue
            if isinstance(child, ast.Import | ast.ImportFrom):
                if not type_checking:
                    for target in _resolve(name, path.name == "__init__.py", child):
                        out.append((target, func is None, func))
                continue
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                visit(child, child.name if func is None else func, type_checking)
            else:
                visit(child, func, type_checking)

    visit(tree, None, False)
    return out


def _known(target: str) -> str:
    # "from tradepath.models import X" loads tradepath.models; trim to a real module.
    while target not in MODULES and "." in target:
        target = target.rsplit(".", 1)[0]
    return target


def test_every_module_has_a_layer():
    for name in MODULES:
        layer(name)


def test_no_upward_import():
    bad = []
    for name in MODULES:
        for target, _, func in _imports(name):
            target = _known(target)
            if target == name or target.startswith(name + "."):
                continue  # a package importing its own modules
            if layer(target) > layer(name) and func not in UPWARD_ALLOWED_IN:
                bad.append(f"{name} -> {target}" + (f" (in {func})" if func else ""))
    assert not bad, "upward imports:\n" + "\n".join(bad)


def test_no_cycle_at_import_time():
    graph: dict[str, set[str]] = {name: set() for name in MODULES}
    for name in MODULES:
        for target, at_import, _ in _imports(name):
            target = _known(target)
            if at_import and target != name:
                graph[name].add(target)
                # importing a submodule first imports its parent packages
                # importing a submodule first runs its parent packages, unless one of them
                # is (an ancestor of) the importer, which is already loading
                parent = target.rsplit(".", 1)[0]
                while "." in parent and not (name == parent or name.startswith(parent + ".")):
                    graph[name].add(parent)
                    parent = parent.rsplit(".", 1)[0]
    state: dict[str, int] = {}
    stack: list[str] = []

    def dfs(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt):], nxt]
            if nxt not in state and (cycle := dfs(nxt)):
                return cycle
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (cycle := dfs(node)):
            pytest.fail("import cycle: " + " -> ".join(cycle))


def test_the_checker_sees_an_upward_import(tmp_path):
    """The parser finds function-level and module-level imports (a check of the check)."""
    names = {t for t, _, _ in _imports("tradepath.report.pages")}
    assert "tradepath.plotting" in names or any(n.startswith("tradepath.plotting") for n in names)
    assert layer("tradepath.plotting") > layer("tradepath.assessment.core")


def test_plotting_is_a_leaf():
    """No module below the report imports the figures at import time (a result's ``plot``
    method imports them when called), and the figures load at most a third of the package."""
    import subprocess
    import sys

    above = ("tradepath.report", "tradepath.scenarios.files", "tradepath.cli")
    bad = [f"{name} -> {target}" for name in MODULES
           if not name.startswith(("tradepath.plotting", *above))
           for target, at_import, _ in _imports(name)
           if at_import and _known(target).startswith("tradepath.plotting")]
    assert not bad, "modules importing the figures at import time:\n" + "\n".join(bad)
    # The figures check what they are given without importing it (plotting._parts._is); they
    # import only the low layers, the targets and, for the fused history's basis names, fusion.
    allowed = ("tradepath.plotting", "tradepath._", "tradepath.errors", "tradepath.targets",
               "tradepath.fusion")
    bad = [f"{name} -> {target}" for name in MODULES if name.startswith("tradepath.plotting")
           for target, _, _ in _imports(name) if not _known(target).startswith(allowed)]
    assert not bad, "the figures import the domain:\n" + "\n".join(bad)
    code = ("import sys, tradepath.plotting; "
            "print(sum(m == 'tradepath' or m.startswith('tradepath.') for m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert int(out.stdout) <= len(MODULES) / 3, (int(out.stdout), len(MODULES))


#: The longest a function may be, from its ``def`` to its last line, docstring included.
MAX_FUNCTION_LINES = 120
#: Functions still longer, each with the reason it waits (the list only shrinks; empty now).
LONG_FUNCTIONS: dict[str, str] = {}


def test_no_function_is_longer_than_a_screen():
    long = {}
    for name, path in MODULES.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                n = node.end_lineno - node.lineno + 1
                if n > MAX_FUNCTION_LINES:
                    long[f"{name}.{node.name}"] = n
    assert set(long) <= set(LONG_FUNCTIONS), f"functions over {MAX_FUNCTION_LINES} lines: " \
        + ", ".join(f"{k} ({v})" for k, v in sorted(long.items()) if k not in LONG_FUNCTIONS)
    assert set(LONG_FUNCTIONS) <= set(long), "now short enough, strike from LONG_FUNCTIONS: " \
        + ", ".join(sorted(set(LONG_FUNCTIONS) - set(long)))


def test_no_public_name_is_both_a_function_and_a_module():
    """``tradepath.x.y`` is a module or a name of ``tradepath.x``, never both (importing the
    module would rebind the name to it)."""
    import importlib

    bad = []
    for name in MODULES:
        if name.endswith("__main__"):
            continue  # importing it runs the command line
        mod = importlib.import_module(name)
        for public in getattr(mod, "__all__", []):
            if f"{name}.{public}" in MODULES:
                bad.append(f"{name}.{public}")
    assert not bad, bad
    for public in tradepath.__all__:  # the lazy names, as a user reaches them
        assert not isinstance(getattr(tradepath, public), type(tradepath)), public
