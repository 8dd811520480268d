"""Noisy paths around a scenario (:class:`ScenarioPaths`) and the volatility they use."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .._display import ResultDisplay
from .._validation import check_choice, check_real, fail
from ..data import Dataset
from ..errors import ModelError
from ..targets import balance as _balance
from ..targets.target import Target
from .specs import Reading

if TYPE_CHECKING:
    from .scenario import Scenario

__all__ = ["ScenarioPaths"]


def _bind(cond: _balance.BalanceCondition | None,
          annual: pd.DataFrame) -> _balance.BalanceCondition | None:
    return None if cond is None else cond.bind(annual)


def _check_target(target: Any, func: str) -> Target:
    if not isinstance(target, Target):
        raise fail("target", func, "a tradepath Target", target,
                   "E.g. tp.Target(150, by=2030, balance=tp.balance.balanced()).")
    return target


def _level(flow: str, x: Any, m: Any) -> Any:
    return x + m if flow == "total" else (x if flow == "exports" else m)


def _met(target: Target, cond: _balance.BalanceCondition | None, x: Any, m: Any) -> np.ndarray:
    """Where ``target`` is met: its flow at least its value and the condition holds."""
    ok = np.asarray(_level(target.flow, x, m) >= target.value)
    if cond is not None:
        ok = ok & np.asarray(cond.holds(x, m), dtype=bool)
    return ok


def _sigmas(sigma: Any, ds: Dataset | None, reporter: str,
            func: str) -> tuple[dict[str, float], tuple[str, ...]]:
    if sigma is not None:
        if isinstance(sigma, Mapping):
            if set(sigma) != {"exports", "imports"}:
                raise fail("sigma", func, "a number or {'exports': ..., 'imports': ...}", sigma)
            out = {k: check_real(f"sigma[{k!r}]", func, sigma[k], lo=0.0)
                   for k in ("exports", "imports")}
        else:
            s = check_real("sigma", func, sigma, lo=0.0)
            out = {"exports": s, "imports": s}
        return out, (f"Volatility given: exports {out['exports']:.4f}, imports "
                     f"{out['imports']:.4f} a year (log growth).",)
    if ds is None:
        raise fail("sigma", func, "a number when no dataset is given", sigma,
                   "Pass the dataset to estimate it, or sigma=0.1.")
    from ..models.random_walk import RandomWalk

    def fit(flow: str) -> tuple[float | None, pd.Series]:
        s = ds.series(flow, reporter)  # type: ignore[arg-type]
        if len(s) < RandomWalk.min_points:
            return None, s
        return float(RandomWalk().fit(s).params["sigma"]), s

    total_sigma, total_series = fit("total")
    out, notes = {}, []
    for flow in ("exports", "imports"):
        value, s = fit(flow)
        if value is None:
            if total_sigma is None:
                raise ModelError(
                    f"cannot estimate the volatility: {flow} and total have fewer than "
                    f"{RandomWalk.min_points} annual observations on the {reporter!r} basis; "
                    "give sigma= (e.g. 0.1)"
                )
            value = total_sigma
            years = ", ".join(str(int(y)) for y in s.index) or "none"
            notes.append(
                f"{flow.capitalize()} has {len(s)} annual observation(s) ({years}), too few for "
                f"a volatility; used the total's, {total_sigma:.4f} a year (random walk on "
                f"the {len(total_series)} totals of "
                f"{', '.join(str(int(y)) for y in total_series.index)})."
            )
        else:
            notes.append(f"{flow.capitalize()} volatility {value:.4f} a year (random walk on "
                         f"the {len(s)} {flow} figures of "
                         f"{', '.join(str(int(y)) for y in s.index)}).")
        out[flow] = value
    return out, tuple(notes)


@dataclass(frozen=True, slots=True, eq=False)
class ScenarioPaths(ResultDisplay):
    """Simulated paths around a scenario; from :meth:`Scenario.simulate`.

    Attributes
    ----------
    scenario : Scenario
    years : ndarray of int, shape (n_years,)
        Base year to ``end``.
    exports, imports : ndarray, shape (n_paths, n_years)
    sigma : dict
        Volatility used for each flow.
    correlation : float
    notes : tuple of str
        Where the volatility came from.
    """

    scenario: Scenario
    years: np.ndarray
    exports: np.ndarray
    imports: np.ndarray
    sigma: dict[str, float]
    correlation: float
    notes: tuple[str, ...]
    annual: pd.DataFrame = field(repr=False)
    base_year: int = 0

    @property
    def total(self) -> np.ndarray:
        return self.exports + self.imports

    @property
    def balance(self) -> np.ndarray:
        return self.exports - self.imports

    @property
    def n_paths(self) -> int:
        return int(self.exports.shape[0])

    def met(self, target: Target) -> np.ndarray:
        """Boolean array (n_paths, n_years): where ``target`` is met."""
        _check_target(target, "ScenarioPaths.met")
        return _met(target, _bind(target.balance, self.annual), self.exports, self.imports)

    def first_year_met(self, target: Target) -> np.ndarray:
        """First year each path meets ``target`` (NaN: not by the end), shape (n_paths,)."""
        hit = self.met(target)
        return np.where(hit.any(axis=1), self.years[hit.argmax(axis=1)].astype(float), np.nan)

    def probability(self, target: Target, *, reading: Reading = "by") -> float:
        """Share of paths meeting ``target`` by its deadline (``"by"``) or in it (``"in"``)."""
        check_choice("reading", "ScenarioPaths.probability", reading, ("by", "in"))
        if not self.years[0] <= target.by <= self.years[-1]:
            raise fail("target", "ScenarioPaths.probability",
                       f"a target with a deadline in {self.years[0]}–{self.years[-1]}", target.name)
        hit = self.met(target)
        window = self.years == target.by if reading == "in" else self.years <= target.by
        return float(hit[:, window].any(axis=1).mean())

    def summary_frame(self, alpha: float = 0.2) -> pd.DataFrame:
        """Median and central ``1 - alpha`` interval of each quantity by year.

        Returns
        -------
        DataFrame
            Indexed by ``year``; columns ``<q>_median``, ``<q>_lower``, ``<q>_upper`` for
            ``exports``, ``imports``, ``total``, ``balance`` and ``deficit_share``.
        """
        alpha = check_real("alpha", "ScenarioPaths.summary_frame", alpha, lo=0.0, hi=1.0,
                           lo_open=True)
        qs = [0.5, alpha / 2, 1 - alpha / 2]
        total = self.total
        data = {"exports": self.exports, "imports": self.imports, "total": total,
                "balance": self.balance, "deficit_share": (self.imports - self.exports) / total}
        cols: dict[str, np.ndarray] = {}
        for name, arr in data.items():
            med, lo, hi = np.quantile(arr, qs, axis=0)
            cols |= {f"{name}_median": med, f"{name}_lower": lo, f"{name}_upper": hi}
        return pd.DataFrame(cols, index=pd.Index(self.years, name="year"))

    def plot(self, *, ax: Any = None, **kwargs: Any) -> Any:
        """The median and a central band of the paths, with the observed values (see
        :func:`tradepath.plotting.plot_scenario_paths`; keyword arguments go to it)."""
        from ..plotting import plot_scenario_paths

        return plot_scenario_paths(self, ax=ax, **kwargs)

    def summary(self) -> str:
        """Paths, years and the volatility used, with the notes."""
        years = self.years
        head = (f"{self.n_paths:,} simulated paths, {int(years[0])}–{int(years[-1])}; "
                f"volatility exports {self.sigma['exports']:.4f}, imports "
                f"{self.sigma['imports']:.4f} a year (log growth)")
        return "\n".join([head, *self.notes])

    def to_frame(self) -> pd.DataFrame:
        """Long table: ``path``, ``year``, ``exports``, ``imports``, ``total``, ``balance``."""
        n, k = self.exports.shape
        return pd.DataFrame({
            "path": np.repeat(np.arange(n), k), "year": np.tile(self.years, n),
            "exports": self.exports.ravel(), "imports": self.imports.ravel(),
            "total": self.total.ravel(), "balance": self.balance.ravel(),
        })
