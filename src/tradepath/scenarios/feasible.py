"""Which pairs of export and import growth rates meet a target (:func:`feasible_region`)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .._defaults import DEFAULT_REPORTER
from .._format import format_pct
from .._validation import check_cells, check_choice, check_int, check_real, fail
from ..data import Dataset
from ..targets import balance as _balance
from ..targets.target import Target
from .required import _window_checks
from .scenario import Base, _as_base, _resolve_base
from .simulation import _bind, _level, _met
from .solve import _target_from
from .specs import _YEAR_HI, _YEAR_LO, Reading

if TYPE_CHECKING:
    from numpy.typing import ArrayLike

__all__ = ["FeasibleRegion", "feasible_region"]


# -- feasible region --------------------------------------------------------------------------
@dataclass(frozen=True, slots=True, eq=False)
class FeasibleRegion:
    """Which constant export and import growth rates meet a target; from
    :func:`feasible_region`.

    Attributes
    ----------
    target : Target
    condition : str
    reading : {"by", "in"}
    base_year : int
    base : tuple of float
        Base-year exports and imports.
    export_rates : ndarray, shape (n_x,)
    import_rates : ndarray, shape (n_m,)
    met : ndarray of bool, shape (n_m, n_x)
        ``met[i, j]``: imports growing at ``import_rates[i]`` and exports at
        ``export_rates[j]`` meet the target (rows: import rates, as ``contourf(export_rates,
        import_rates, met)`` expects).
    historical : dict or None
        The latest observed annual growth of each flow (``exports``, ``imports``, ``from``,
        ``to`` years), for plotting; None when the data have no two consecutive years with
        both flows.
    """

    target: Target
    condition: str
    reading: str
    base_year: int
    base: tuple[float, float]
    export_rates: np.ndarray
    import_rates: np.ndarray
    met: np.ndarray
    historical: dict[str, float] | None
    _cond: _balance.BalanceCondition | None = field(default=None, repr=False)

    @property
    def share(self) -> float:
        """Fraction of the grid that meets the target."""
        return float(self.met.mean())

    def plot(self, *, ax: Any = None, **kwargs: Any) -> Any:
        """The region as a figure (see :func:`tradepath.plotting.plot_feasible`)."""
        from ..plotting import plot_feasible

        return plot_feasible(self, ax=ax, **kwargs)

    def to_frame(self) -> pd.DataFrame:
        """The grid as a long table: ``import_rate``, ``export_rate``, ``met``."""
        m, x = np.meshgrid(self.import_rates, self.export_rates, indexing="ij")
        return pd.DataFrame({"import_rate": m.ravel(), "export_rate": x.ravel(),
                             "met": self.met.ravel()})

    def boundary(self) -> pd.Series:
        """The smallest export rate on the grid meeting the target, by import rate (NaN: none).

        For the built-in balance conditions every faster export rate meets it too.
        """
        any_ = self.met.any(axis=1)
        first = np.where(any_, self.export_rates[self.met.argmax(axis=1)], np.nan)
        return pd.Series(first, index=pd.Index(self.import_rates, name="import_rate"),
                         name="min_export_rate")

    def _deadline_flows(self) -> tuple[np.ndarray, np.ndarray]:
        k = self.target.by - self.base_year
        x = self.base[0] * (1.0 + self.export_rates) ** k
        m = self.base[1] * (1.0 + self.import_rates) ** k
        return x[None, :], m[:, None]

    def total(self) -> np.ndarray:
        """Total trade in the deadline year on the grid, shape (n_m, n_x)."""
        x, m = self._deadline_flows()
        return x + m

    def deficit_share(self) -> np.ndarray:
        """Deficit share of total in the deadline year on the grid, shape (n_m, n_x)."""
        x, m = self._deadline_flows()
        return (m - x) / (x + m)

    def contains(self, export_rate: float, import_rate: float) -> bool:
        """Whether that pair of rates meets the target (computed exactly, not from the grid)."""
        k = np.arange(0, self.target.by - self.base_year + 1)
        x = self.base[0] * (1.0 + check_real("export_rate", "contains", export_rate)) ** k
        m = self.base[1] * (1.0 + check_real("import_rate", "contains", import_rate)) ** k
        ok = _met(self.target, self._cond, x, m)
        return bool(ok[-1] if self.reading == "in" else ok.any())

    def _repr_html_(self) -> str:
        import html

        return f"<pre>{html.escape(self.summary())}</pre>"

    def summary(self) -> str:
        """The region in a few lines."""
        b = self.boundary()
        lines = [
            f"Feasible region for {self.target.name} ({self.condition}), reading "
            f"{self.reading!r}, base {self.base_year}: {self.share:.1%} of "
            f"{self.met.size:,} combinations meet it.",
        ]
        for g in (0.03, 0.05, 0.07):
            if self.import_rates[0] <= g <= self.import_rates[-1]:
                v = float(b.iloc[int(np.argmin(np.abs(self.import_rates - g)))])
                lines.append(f"  imports {format_pct(g)}/yr: exports need at least "
                             + (f"{format_pct(v, 2)}/yr (grid)" if math.isfinite(v) else
                                "more than the grid's top rate"))
        if self.historical is not None:
            h = self.historical
            ok = self.contains(h["exports"], h["imports"])
            lines.append(f"  latest observed growth {int(h['from'])}→{int(h['to'])}: exports "
                         f"{format_pct(h['exports'])}, imports {format_pct(h['imports'])}: "
                         + ("meets it" if ok else "does not meet it"))
        return "\n".join(lines)


def _rates_array(values: Any, name: str, func: str) -> np.ndarray:
    try:
        a = np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        raise fail(name, func, "a 1-D array of rates", values) from None
    if a.ndim != 1 or a.size == 0 or not np.all(np.isfinite(a)):
        raise fail(name, func, "a non-empty 1-D array of finite rates", values)
    if np.any(a <= -1.0):
        raise fail(name, func, "rates greater than -1", float(a.min()))
    return a


def _historical(annual: pd.DataFrame) -> dict[str, float] | None:
    both = annual[["exports", "imports"]].dropna()
    years = both.index.to_numpy()
    pairs = [i for i in range(1, len(years)) if years[i] == years[i - 1] + 1]
    if not pairs:
        return None
    i = pairs[-1]
    prev, last = both.iloc[i - 1], both.iloc[i]
    return {"exports": float(last["exports"] / prev["exports"] - 1),
            "imports": float(last["imports"] / prev["imports"] - 1),
            "from": float(years[i - 1]), "to": float(years[i])}


def feasible_region(
    ds: Dataset | None,
    target: Target | str,
    export_rates: ArrayLike | None = None,
    import_rates: ArrayLike | None = None,
    *,
    start: int | None = None,
    reading: Reading = "by",
    reporter: str = DEFAULT_REPORTER,
    base: Mapping[str, float] | Base | None = None,
) -> FeasibleRegion:
    """Which pairs of constant export and import growth rates meet ``target``.

    Parameters
    ----------
    ds : Dataset or None
        Gives the base, the "more balanced" reference and the historical growth rates.
    target : Target or str
    export_rates : array_like, default ``np.linspace(-0.05, 0.25, 1000)``
    import_rates : array_like, default ``np.linspace(-0.05, 0.20, 1000)``
    start, reading, reporter, base
        As for :func:`required_growth`.

    Returns
    -------
    FeasibleRegion
        ``met`` has shape ``(len(import_rates), len(export_rates))``.

    Notes
    -----
    Vectorised with broadcasting: for each year of the window the flows are two vectors,
    and the total and the balance condition are evaluated on their outer combination (a 1,000
    x 1,000 grid over six years takes a few tens of milliseconds; see
    ``benchmarks/scenario_grid.py``).

    Examples
    --------
    >>> import tradepath as tp
    >>> from tradepath.scenarios import feasible_region
    >>> t = tp.Target(150, by=2030, balance=tp.balance.balanced())
    >>> r = feasible_region(tp.load_dataset(), t)
    >>> r.met.shape
    (1000, 1000)
    """
    func = "feasible_region"
    target = _target_from(ds, target, func)
    check_choice("reading", func, reading, ("by", "in"))
    gx = _rates_array(np.linspace(-0.05, 0.25, 1000) if export_rates is None else export_rates,
                      "export_rates", func)
    gm = _rates_array(np.linspace(-0.05, 0.20, 1000) if import_rates is None else import_rates,
                      "import_rates", func)
    check_cells(func, gx.size, gm.size, n_arrays=4)
    base_obj = _as_base(base, func)
    if start is not None:
        start = check_int("start", func, start, lo=_YEAR_LO, hi=_YEAR_HI)
    b = _resolve_base(ds, start=start, reporter=reporter, base=base_obj, func=func)
    _window_checks(target, b.year, func)
    cond = _bind(target.balance, b.annual)
    ks = [target.by - b.year] if reading == "in" else range(0, target.by - b.year + 1)
    met = np.zeros((gm.size, gx.size), dtype=bool)
    for k in ks:  # a loop over years; every cell of a year is one broadcast operation
        x = (b.exports * (1.0 + gx) ** k)[None, :]
        m = (b.imports * (1.0 + gm) ** k)[:, None]
        if _level(target.flow, x.max(), m.max()) < target.value:
            continue  # the level grows with both flows: no cell can meet it this year
        met |= _met(target, cond, x, m)
    return FeasibleRegion(
        target=target, condition=cond.describe() if cond is not None else "none",
        reading=reading, base_year=b.year, base=(b.exports, b.imports), export_rates=gx,
        import_rates=gm, met=met, historical=_historical(b.annual) if base_obj is None
        else None, _cond=cond,
    )
