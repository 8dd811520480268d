"""Scenarios: explicit, composable "what if" paths for exports and imports, and the inverse
questions (what growth does a target need?).

A :class:`Scenario` compounds Vietnam's exports to and imports from Korea from a base year
(the last year with both flows on the chosen reporter basis, or a base you give) with one
growth specification per flow, and reports exports, imports, total, balance, export share
and deficit share by year.

Growth specifications (the annual growth rate of a flow, as a fraction):

=============================================  ===============================================
``growth(0.12)``                               12 % a year, every year
``ramp(0.05, 0.03, 2025, 2030)``               5 % up to 2025, 3 % from 2030, linear between
``path({2025: 0.10, 2026: 0.08, ...})``        given year by year (must cover the horizon)
``shock(spec, year=2026, size=-0.10)``         level 10 % below ``spec``'s path in 2026 only
                                               (``recovery=False``: 10 % below from 2026 on)
=============================================  ===============================================

Two other ways analysts state a scenario: total growth plus the export share
(:meth:`Scenario.from_mix`), and total growth plus a deficit path ("the deficit shrinks to X
by year Y", :meth:`Scenario.from_deficit`).

The inverse questions are solved, not searched: :func:`required_growth` (constant export,
import or total growth that meets a target), :func:`required_deficit` (the largest deficit
at the deadline compatible with a target), :func:`feasible_region` (which pairs of export and
import growth rates meet a target, over a grid).

Examples
--------
>>> import tradepath as tp
>>> from tradepath.scenarios import Scenario, growth
>>> ds = tp.load_dataset()
>>> s = Scenario(2024, 2030, exports=growth(0.12), imports=growth(0.05))
>>> round(float(s.project(ds).loc[2030, "total"]), 2)
125.44
"""

from __future__ import annotations

from ..targets.balance import max_deficit
from .comparison import compare_scenarios
from .feasible import FeasibleRegion, feasible_region
from .required import (
    RequiredDeficit,
    RequiredGrowth,
    required_deficit,
    required_growth,
    required_total_growth,
)
from .scenario import Base, Scenario
from .simulation import ScenarioPaths
from .specs import (
    ByYear,
    Constant,
    DeficitPath,
    GrowthSpec,
    Ramp,
    SharePath,
    Shock,
    Shocked,
    deficit_path,
    growth,
    path,
    ramp,
    share_path,
    shock,
)

__all__ = [
    "Base",
    "ByYear",
    "Constant",
    "DeficitPath",
    "FeasibleRegion",
    "GrowthSpec",
    "Ramp",
    "RequiredDeficit",
    "RequiredGrowth",
    "Scenario",
    "ScenarioPaths",
    "SharePath",
    "Shock",
    "Shocked",
    "compare_scenarios",
    "deficit_path",
    "feasible_region",
    "growth",
    "max_deficit",
    "path",
    "ramp",
    "required_deficit",
    "required_growth",
    "required_total_growth",
    "share_path",
    "shock",
]
