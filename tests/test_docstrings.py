"""Every module's docstring ``Examples`` run as doctests (in the quick run too: they are the
first code a reader of the API reference copies)."""

from __future__ import annotations

import doctest
import importlib
import pkgutil
from pathlib import Path

import pytest


@pytest.fixture
def in_tmp(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("MPLBACKEND", "Agg")
    return tmp_path


def _modules() -> list[str]:
    import tradepath

    names = ["tradepath"]
    for info in pkgutil.walk_packages(tradepath.__path__, prefix="tradepath."):
        if info.name.endswith("__main__"):
            continue
        names.append(info.name)
    return names


@pytest.mark.parametrize("name", _modules())
def test_docstring_examples(name: str, in_tmp: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    module = importlib.import_module(name)
    try:
        result = doctest.testmod(
            module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE, report=True,
            verbose=False,
        )
    finally:
        plt.close("all")
    assert result.failed == 0, f"{result.failed} docstring example(s) in {name} fail (see above)"
