from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import tradepath as tp


def test_import_is_light():
    code = ("import sys, tradepath; heavy = [m for m in sys.modules if m.split('.')[0] in "
            "('matplotlib', 'statsmodels', 'dask') or m.startswith(('scipy.stats', "
            "'scipy.optimize'))]; print(heavy)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_public_names_exist():
    for name in tp.__all__:
        assert hasattr(tp, name), name


def test_errors_inherit_builtins():
    assert issubclass(tp.DataError, ValueError) and issubclass(tp.DataError, tp.TradepathError)
    assert issubclass(tp.UnknownNameError, KeyError)
    assert issubclass(tp.TradepathWarning, UserWarning)


def test_all_lists_the_lazy_names_and_no_module():
    import types

    from tradepath import _EXPORTS

    assert sorted(tp.__all__) == sorted(_EXPORTS)
    assert not any(isinstance(getattr(tp, n), types.ModuleType) for n in tp.__all__)


def test_backtest_is_a_function_and_its_module_stays_importable():
    from tradepath.backtesting import calibration, event_backtest

    assert callable(tp.backtest) and tp.backtest.__name__ == "backtest"
    assert callable(calibration) and callable(event_backtest)
    assert callable(tp.assess)


def test_old_names_and_paths_fail_with_a_message_naming_the_new_one(ds):
    import importlib
    import re

    from tradepath.models import RandomWalk

    for old in ("compare",):
        with pytest.raises(AttributeError, match=f"no attribute '{old}'"):
            getattr(tp, old)
    with pytest.raises(AttributeError):
        tp.scenarios.compare  # noqa: B018 - the attribute access is the test
    with pytest.raises(AttributeError):
        RandomWalk().fit(ds.series("total")).summary_frame  # noqa: B018
    # a submodule of a moved package fails at the package, with the package's new home
    for old, new in [("tradepath.pool", "tradepath.assessment.pool"),
                     ("tradepath.assess", "tradepath.assessment.core"),
                     ("tradepath.scenario_files.read", "tradepath.scenarios.files"),
                     ("tradepath.bottom_line", "tradepath.verdict")]:
        with pytest.raises(ModuleNotFoundError, match=re.escape(f"it moved to '{new}'")):
            importlib.import_module(old)
    with pytest.raises(ModuleNotFoundError, match=r"moved to 'tradepath\.scenarios\.files'"):
        from tradepath import scenario_files  # noqa: F401
    with pytest.raises(ModuleNotFoundError, match=r"^No module named 'tradepath\.nothing'$"):
        importlib.import_module("tradepath.nothing")
    # The README's namespaces still read as before; the four names are functions.
    assert tp.balance.more_balanced is importlib.import_module(
        "tradepath.targets.balance").more_balanced
    from tradepath import outside_view

    assert all(callable(f) for f in (tp.assess, tp.backtest, tp.bottom_line, outside_view))


def test_every_result_object_has_the_result_protocol(ds):
    from tradepath.backtesting import EventBacktest
    from tradepath.scenarios import (
        FeasibleRegion,
        RequiredDeficit,
        RequiredGrowth,
        Scenario,
        ScenarioPaths,
        growth,
        required_deficit,
    )

    for cls in (tp.Assessment, tp.CrossingYear, ScenarioPaths, RequiredGrowth, RequiredDeficit,
                FeasibleRegion, EventBacktest, tp.models.FitResult):
        for name in ("to_frame", "summary", "_repr_html_"):
            assert callable(getattr(cls, name, None)), f"{cls.__name__}.{name}"
    target = ds.target("150B by 2030")
    sim = Scenario(2024, 2030, exports=growth(0.1), imports=growth(0.05)).simulate(
        ds, n_paths=50, seed=0)
    rd = required_deficit(ds, target, total=growth(0.09))
    cy = tp.assess(ds, target, model="random_walk", n_paths=200).crossing_year
    for obj in (sim, rd, cy):
        page = obj._repr_html_()
        assert html_escape(obj.summary().splitlines()[0]) in page and "<table" in page
    assert len(rd.to_frame()) == 1 and rd.to_frame()["feasible"].iloc[0] == rd.feasible


def html_escape(text: str) -> str:
    import html

    return html.escape(text)


# -- one dataset parameter, one simulate signature, plot() everywhere -------------------------
EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "export_shock_2026.toml"


def test_scenario_files_take_ds(ds):
    from tradepath.scenarios.files import evaluate, run_file

    with pytest.raises(TypeError, match="dataset"):
        evaluate(EXAMPLE, dataset=ds)
    with pytest.raises(TypeError, match="dataset"):
        run_file(EXAMPLE, "unused", dataset=ds)
    with pytest.raises(tp.ParameterError, match="'ds' parameter of evaluate"):
        evaluate(EXAMPLE, ds="documents")


def test_every_public_function_names_its_dataset_ds():
    """No public function or method takes a Dataset under another name than ``ds`` (two
    datasets with distinct roles, as in ``cross_check(documents, official)``, excepted)."""
    import inspect

    two_roles = {"cross_check", "merge_datasets", "merge", "__init__"}
    bad = []
    for qual, f in _public_callables():
        if qual.split(".")[-1] in two_roles or qual.split(".")[-1].startswith("_"):
            continue
        for p in inspect.signature(f).parameters.values():
            if ("Dataset" in str(p.annotation) or p.name in ("data", "dataset",
                                                              "history")) \
                    and p.name != "ds":
                bad.append(f"{qual}({p.name})")
    assert not bad, bad


def _public_callables():
    """(qualified name, function) of every public function and method of every module."""
    import dataclasses
    import importlib
    import inspect
    import pkgutil

    for info in pkgutil.walk_packages(tp.__path__, "tradepath."):
        if info.name.endswith("__main__"):
            continue
        mod = importlib.import_module(info.name)
        for name in getattr(mod, "__all__", []):
            obj = getattr(mod, name)
            if inspect.isfunction(obj):
                yield f"{info.name}.{name}", obj
            elif inspect.isclass(obj):
                # a results dataclass's __init__ records settings, it has none of its own
                for k, v in vars(obj).items():
                    if k == "__init__" and dataclasses.is_dataclass(obj):
                        continue
                    f = getattr(v, "__func__", v)
                    if inspect.isfunction(f) and (not k.startswith("_") or k == "__init__"):
                        yield f"{info.name}.{name}.{k}", f


def test_defaults_come_from_the_one_table():
    """Paths, seed and reporter defaults are the table's (tradepath._defaults), and every
    public function that takes a seed takes an int, a Generator or None."""
    import inspect

    import numpy as np

    from tradepath import _defaults as D

    paths = {D.DEFAULT_PATHS, D.BATCH_PATHS, D.FORECAST_PATHS, D.CALIBRATION_PATHS}
    bad = []
    for qual, f in _public_callables():
        params = inspect.signature(f).parameters
        if "n_paths" in params and params["n_paths"].default not in (*paths, inspect._empty):
            bad.append(f"{qual}: n_paths={params['n_paths'].default}")
        if "seed" in params and params["seed"].default not in (D.DEFAULT_SEED, inspect._empty):
            bad.append(f"{qual}: seed={params['seed'].default}")
        if "reporter" in params and params["reporter"].default not in (D.DEFAULT_REPORTER,
                                                                      inspect._empty):
            bad.append(f"{qual}: reporter={params['reporter'].default}")
    assert not bad, bad
    # write_report and assess_many record or derive an integer seed: a Generator gives one
    frame = pd.DataFrame({"pair": ["A"] * 4, "year": [2020, 2021, 2022, 2023],
                          "value": [1.0, 1.1, 1.3, 1.4]})
    from tradepath.batch import Multiple

    a = tp.assess_many(frame, Multiple(1.5, by=2030), n_paths=200,
                       seed=np.random.default_rng(3))
    b = tp.assess_many(frame, Multiple(1.5, by=2030), n_paths=200,
                       seed=np.random.default_rng(3))
    pd.testing.assert_frame_equal(a, b)
    assert tp.assess_many(frame, Multiple(1.5, by=2030), n_paths=200, seed=None)["status"] \
        .iloc[0] == "simulated"


def test_simulate_signatures_agree():
    import inspect

    from tradepath._defaults import DEFAULT_PATHS
    from tradepath.models import FitResult
    from tradepath.models.share import ShareModel
    from tradepath.scenarios import Scenario

    for func in (FitResult.simulate, FitResult.simulate_array, Scenario.simulate,
                 ShareModel.simulate):
        params = inspect.signature(func).parameters
        shared = [n for n in params if n in ("n_paths", "end", "seed")]
        assert shared in (["n_paths", "end", "seed"], ["n_paths", "seed"]), func.__qualname__
        for n in shared:
            assert params[n].kind is inspect.Parameter.KEYWORD_ONLY, (func.__qualname__, n)
        assert params["n_paths"].default == DEFAULT_PATHS and params["seed"].default == 0
        # Before them, by position, only the data the method needs.
        positional = [n for n, p in params.items()
                      if p.kind is inspect.Parameter.POSITIONAL_OR_KEYWORD]
        assert positional in (["self"], ["self", "ds"], ["self", "years"]), func.__qualname__


def test_simulate_takes_its_settings_by_keyword(ds):
    import numpy as np

    from tradepath.models import RandomWalk
    from tradepath.models.share import ShareModel
    from tradepath.scenarios import Scenario, growth

    fit = RandomWalk().fit(ds.series("total"))
    with pytest.raises(TypeError, match="positional"):
        fit.simulate(200, 2030, seed=4)
    with pytest.raises(TypeError, match="positional"):
        fit.simulate_array(200, end=2030, seed=4)
    # The default seed is 0, as everywhere: same call, same paths.
    np.testing.assert_array_equal(fit.simulate_array(n_paths=50, end=2027),
                                  fit.simulate_array(n_paths=50, end=2027, seed=0))
    sm = ShareModel.from_dataset(ds, "VN", tp.data.DEFAULT_KINDS)
    years = np.arange(2025, 2031)
    with pytest.raises(TypeError, match="positional"):
        sm.simulate(years, 100, np.random.default_rng(5))
    # Scenario.simulate takes end= like the others: the same as the scenario ending there.
    s = Scenario(2024, 2030, exports=growth(0.1), imports=growth(0.05), name="s")
    longer = s.simulate(ds, n_paths=100, end=2033, seed=2)
    again = Scenario(2024, 2033, exports=growth(0.1), imports=growth(0.05), name="s").simulate(
        ds, n_paths=100, seed=2)
    np.testing.assert_array_equal(longer.years, np.arange(2024, 2034))
    np.testing.assert_array_equal(longer.total, again.total)
    assert longer.scenario.end == 2033 and s.simulate(ds, n_paths=10, end=2030).scenario is s
    with pytest.raises(tp.ParameterError, match=r"'end' parameter of Scenario\.simulate"):
        s.simulate(ds, n_paths=10, end=2024)


def test_scenario_results_table_summary_and_plot(ds):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from tradepath.scenarios.files import evaluate

    res = evaluate(EXAMPLE, ds=ds)
    text = res.summary()
    assert text.splitlines()[0].startswith(res.file.title) and "4 scenario(s)" in text
    last = res.paths[res.paths["scenario"] == "no shock"].iloc[-1]
    assert f"total {last['total']:,.2f} bn" in text
    assert res.to_frame() is res.table and "<table" in res._repr_html_()
    fig, ax = plt.subplots()
    assert res.plot(ax=ax) is ax
    lines = {ln.get_gid(): ln for ln in ax.get_lines()}
    for name, proj in res.projections().items():
        import numpy as np

        np.testing.assert_allclose(lines[f"scenario-{name}"].get_ydata(), proj["total"])
    plt.close(fig)


def test_every_result_object_has_plot():
    from tradepath.backtesting import EventBacktest
    from tradepath.reference import BaseRate
    from tradepath.scenarios import FeasibleRegion, RequiredDeficit, RequiredGrowth, ScenarioPaths
    from tradepath.scenarios.files import ScenarioResults

    for cls in (tp.Assessment, tp.CrossingYear, ScenarioPaths, RequiredGrowth, RequiredDeficit,
                FeasibleRegion, EventBacktest, tp.models.FitResult, ScenarioResults, BaseRate):
        assert callable(getattr(cls, "plot", None)), cls.__name__
    assert callable(ScenarioResults.to_frame) and callable(ScenarioResults._repr_html_)
    assert callable(ScenarioResults.summary)


def test_the_oldest_tested_versions_are_the_declared_floors():
    """CI runs the suite a second time with .ci/oldest-versions.txt as constraints: each pin
    there is the floor pyproject.toml declares, and every run-time dependency has one."""
    import re
    import tomllib

    root = Path(__file__).resolve().parents[1]
    deps = tomllib.loads((root / "pyproject.toml").read_text())["project"]["dependencies"]
    floors = {}
    for dep in deps:
        m = re.fullmatch(r"([A-Za-z0-9_.-]+)>=([0-9.]+)", dep)
        assert m, f"{dep!r}: a run-time dependency is declared as name>=floor"
        floors[m[1].lower()] = m[2]
    pins = {}
    for line in (root / ".ci" / "oldest-versions.txt").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, version = line.split("==")
            pins[name.strip().lower()] = version.strip()
    assert pins.keys() == floors.keys()

    def release(v: str) -> tuple[int, ...]:
        parts = tuple(int(x) for x in v.split("."))
        return parts + (0,) * (3 - len(parts))

    for name, floor in floors.items():
        assert release(pins[name]) == release(floor), (name, pins[name], floor)
