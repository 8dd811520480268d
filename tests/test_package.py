from __future__ import annotations

import subprocess
import sys

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
    from tradepath.backtest import calibration, event_backtest

    assert callable(tp.backtest) and tp.backtest.__name__ == "backtest"
    assert callable(calibration) and callable(event_backtest)
    assert callable(tp.assess)


def test_renamed_names_warn_and_give_the_same_result(ds):
    from tradepath.models import RandomWalk
    from tradepath.scenarios import Scenario, growth

    target = ds.target("150B by 2030")
    with pytest.warns(tp.TradepathDeprecationWarning, match="compare_models"):
        old = tp.compare(ds, target, models=["cagr"], n_paths=100)
    pd.testing.assert_frame_equal(old, tp.compare_models(ds, target, models=["cagr"],
                                                         n_paths=100))
    s = [Scenario(2024, 2030, exports=growth(0.1), imports=growth(0.05))]
    with pytest.warns(DeprecationWarning, match="compare_scenarios"):
        old = tp.scenarios.compare(s, ds)
    pd.testing.assert_frame_equal(old, tp.compare_scenarios(s, ds))
    fit = RandomWalk().fit(ds.series("total"))
    with pytest.warns(tp.TradepathDeprecationWarning, match="forecast"):
        old = fit.summary_frame(2030, n_paths=200)
    pd.testing.assert_frame_equal(old, fit.forecast(2030, n_paths=200))
    assert issubclass(tp.TradepathDeprecationWarning, tp.TradepathWarning)


def test_every_result_object_has_the_result_protocol(ds):
    from tradepath.backtest import EventBacktest
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
