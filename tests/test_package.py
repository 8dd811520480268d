from __future__ import annotations

import subprocess
import sys

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
