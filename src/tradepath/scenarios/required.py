"""The inverse questions: the growth (:func:`required_growth`) or the deficit
(:func:`required_deficit`) a target needs."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .._defaults import DEFAULT_REPORTER
from .._display import ResultDisplay
from .._format import format_pct
from .._validation import check_choice, check_int, fail
from ..data import Dataset
from ..errors import ModelError
from ..targets.target import Target
from .scenario import Base, Scenario, _as_base, _as_spec, _resolve_base
from .simulation import _bind, _met
from .solve import _check_bounds, _solve, _target_from
from .specs import (
    _YEAR_HI,
    _YEAR_LO,
    DEFAULT_BOUNDS,
    Constant,
    DeficitPath,
    FlowName,
    GrowthSpec,
    How,
    Reading,
    SharePath,
)

__all__ = [
    "RequiredDeficit",
    "RequiredGrowth",
    "required_deficit",
    "required_growth",
    "required_total_growth",
]


@dataclass(frozen=True, slots=True, eq=False)
class RequiredGrowth(ResultDisplay):
    """The constant growth rate a target needs; from :func:`required_growth`.

    Attributes
    ----------
    target : Target
    condition : str
        The balance condition as bound against the data, in words.
    flow : {"exports", "imports", "total"}
        The flow whose growth was solved for.
    reading : {"by", "in"}
    rate : float
        The smallest constant rate (to within 1e-12) at which the target is met; NaN when
        none in ``bounds`` is (see ``message``).
    max_rate : float or None
        The largest rate that still meets it when one exists below the top of ``bounds``
        (faster import growth can break a balance condition); None otherwise.
    feasible : bool
    message : str
        The answer in words, or why there is none.
    year : int or None
        The year the target is first met at ``rate``.
    base_year : int
    bounds : tuple of float
        The range of rates searched.
    scenario : Scenario or None
        The scenario at ``rate``.
    path : DataFrame or None
        Its projection (see :meth:`Scenario.project`).
    """

    target: Target
    condition: str
    flow: str
    reading: str
    rate: float
    max_rate: float | None
    feasible: bool
    message: str
    year: int | None
    base_year: int
    bounds: tuple[float, float]
    scenario: Scenario | None
    path: pd.DataFrame | None

    @property
    def deficit(self) -> pd.Series | None:
        """The deficit path implied (imports − exports, US$ bn, by year); None if infeasible."""
        if self.path is None:
            return None
        return (self.path["imports"] - self.path["exports"]).rename("deficit")

    def to_dict(self) -> dict[str, Any]:
        """One row for a table."""
        return {"target": self.target.name, "condition": self.condition, "flow": self.flow,
                "reading": self.reading, "feasible": self.feasible, "rate": self.rate,
                "max_rate": self.max_rate if self.max_rate is not None else math.nan,
                "year_met": self.year, "base_year": self.base_year, "message": self.message}

    def to_frame(self) -> pd.DataFrame:
        """The answer as a one-row table (:meth:`to_dict`)."""
        return pd.DataFrame([self.to_dict()])

    def summary(self) -> str:
        """The answer in words."""
        return self.message

    def plot(self, *, ax: Any = None, **kwargs: Any) -> Any:
        """The path at the required rate against the target (see
        :func:`tradepath.plotting.plot_scenarios`; keyword arguments go to it).

        Raises
        ------
        ModelError
            The answer is infeasible: there is no path to draw (the message says why).
        """
        from ..plotting import plot_scenarios

        path = _path_to_plot(self, "RequiredGrowth.plot")
        kwargs.setdefault("flow", self.target.flow)
        label = f"{self.flow} growth {format_pct(self.rate)} a year"
        kwargs.setdefault("title", f"{self.target.name}: {label} from {self.base_year}")
        return plot_scenarios({label: path}, ax=ax, targets=[self.target], **kwargs)

    def __str__(self) -> str:
        return self.message

    def _repr_html_(self) -> str:
        import html

        table = "" if self.path is None else self.path.to_html(float_format="{:.2f}".format)
        return f"<p>{html.escape(self.message)}</p>{table}"


def _path_to_plot(result: RequiredGrowth | RequiredDeficit, func: str) -> pd.DataFrame:
    if result.path is None:
        raise ModelError(f"{func}: no path to draw, the answer is infeasible: {result.message}")
    return result.path


def _window_checks(target: Target, base_year: int, func: str) -> None:
    if target.by <= base_year:
        raise fail("target", func, f"a target with a deadline after the base year {base_year}",
                   target.name, "Its deadline has passed in the data; see tp.assess.")


def _deficit_floor(deficit: Any, b: Any, years: np.ndarray, lo: float) -> float:
    """The lowest total growth worth searching: slower, the deficit would exceed the total
    and make a flow negative, which is outside the question."""
    k = years[1:] - b.year
    d = np.abs(deficit.values(b.imports - b.exports, b.year, years[1:]))
    floor = float(np.max((d / (b.exports + b.imports)) ** (1.0 / k) - 1.0))
    return max(lo, floor + 1e-9 * max(1.0, abs(floor)))


def _found(sol: Any, base_year: int, frame: pd.DataFrame, meets: str, any_rate: str,
           lo: float, max_rate: float | None) -> str:
    """The answer in words: the rate, the first year met and what the path looks like then."""
    if sol.lower_open and base_year == sol.year:
        msg = f"Already met in the base year {base_year}: {any_rate}."
    else:
        row = frame.loc[sol.year]
        msg = (f"{meets}; at that rate it is first met in {sol.year} (total "
               f"{row['total']:.1f} bn, balance {row['balance']:+.1f} bn, deficit share "
               f"{row['deficit_share']:.1%}).")
        if sol.lower_open:
            msg += f" Any rate down to the bottom of the range ({format_pct(lo, 0)}) does."
    if max_rate is not None:
        msg += (f" Growth above {format_pct(max_rate, 2)} a year no longer meets it (the balance "
                "condition fails).")
    if sol.gaps:
        msg += " The rates that meet it are not one interval: check the path year by year."
    return msg


def _template(flow: str, other: Any, export_share: Any, deficit: Any, kw: dict[str, Any],
              b: Any, by: int, func: str) -> tuple[Scenario, str]:
    """The scenario whose ``flow`` rate is solved for (set to 0 here), and the other flows'
    specification in words."""
    kw = {**kw, "total": None, "exports": None, "imports": None}
    if flow == "total":
        if other is not None:
            raise fail("other", func, "None for flow='total' (use export_share or deficit)",
                       other)
        if export_share is not None and deficit is not None:
            raise fail("deficit", func, "None when export_share is given", deficit)
        kw["total"] = Constant(0.0)
        if deficit is not None:
            kw["deficit"] = deficit
        else:
            kw["export_share"] = export_share if export_share is not None else \
                Constant(b.exports / (b.exports + b.imports))
        template = Scenario(b.year, by, **kw)
        given = template.describe().split(", ", 1)[1]
    else:
        if other is None:
            mate = "imports" if flow == "exports" else "exports"
            raise fail("other", func, f"the {mate}' growth specification", other,
                       f"E.g. other=tp.growth(0.05): the answer depends on the {mate}.")
        if export_share is not None or deficit is not None:
            raise fail("export_share", func, "None unless flow='total'", export_share or deficit)
        spec: Any = _as_spec(other, "other", func)
        mate = "imports" if flow == "exports" else "exports"
        kw |= {flow: Constant(0.0), mate: spec}
        template = Scenario(b.year, by, **kw)
        given = f"{mate} {spec.describe()}"
    return template, given


def required_growth(
    ds: Dataset | None,
    target: Target | str,
    flow: FlowName = "exports",
    *,
    other: GrowthSpec | float | None = None,
    export_share: GrowthSpec | SharePath | float | None = None,
    deficit: DeficitPath | None = None,
    start: int | None = None,
    reading: Reading = "by",
    reporter: str = DEFAULT_REPORTER,
    base: Mapping[str, float] | Base | None = None,
    bounds: tuple[float, float] = DEFAULT_BOUNDS,
) -> RequiredGrowth:
    """The constant annual growth of ``flow`` that meets ``target`` by its deadline.

    Parameters
    ----------
    ds : Dataset or None
        Gives the base and binds "more balanced"; None needs ``base``.
    target : Target or str
        A target, or the name of one of the dataset's targets.
    flow : {"exports", "imports", "total"}, default "exports"
        The flow whose constant growth is solved for.
    other : GrowthSpec or float
        For ``flow="exports"`` the imports' specification, for ``"imports"`` the exports'
        (required: the answer depends on it).
    export_share, deficit : optional
        For ``flow="total"``: the mix, as for :meth:`Scenario.from_mix` or
        :meth:`Scenario.from_deficit`. Default: the export share stays at its base-year level.
    start : int, optional
        Base year (the last year with both flows at or before it); default the latest.
    reading : {"by", "in"}, default "by"
        "by" (as :func:`tradepath.assess`): met in some year up to the deadline; "in": met in
        the deadline year itself.
    reporter : {"VN", "KR", "unstated"}, default "VN"
    base : mapping, optional
        ``{"exports": ..., "imports": ...}`` in ``start`` instead of the data.
    bounds : (float, float), default (-0.5, 1.0)
        Range of rates searched: -50 % to +100 % a year.

    Returns
    -------
    RequiredGrowth
        ``rate`` is the smallest rate that meets the target; ``feasible`` False with a
        ``message`` saying why when no rate in ``bounds`` does.

    Raises
    ------
    ParameterError
        Bad arguments, ``other`` missing, or a deadline not after the base year.

    Notes
    -----
    For imports the answer may be a range (``rate`` .. ``max_rate``): the total needs at
    least one rate, the balance condition allows at most another. The method is in the
    scenarios guide, "Required growth".

    Examples
    --------
    >>> import tradepath as tp
    >>> from tradepath.scenarios import growth, required_growth
    >>> ds = tp.load_dataset()
    >>> t = tp.Target(150, by=2030, balance=tp.balance.balanced())
    >>> r = required_growth(ds, t, "exports", other=growth(0.05))
    >>> round(r.rate, 4), r.year
    (0.1964, 2030)
    """
    func = "required_growth"
    target = _target_from(ds, target, func)
    check_choice("flow", func, flow, ("exports", "imports", "total"))
    check_choice("reading", func, reading, ("by", "in"))
    lo, hi = _check_bounds(bounds, func)
    base_obj = _as_base(base, func)
    start = None if start is None else check_int("start", func, start, lo=_YEAR_LO, hi=_YEAR_HI)
    b = _resolve_base(ds, start=start, reporter=reporter, base=base_obj, func=func)
    _window_checks(target, b.year, func)
    cond = _bind(target.balance, b.annual)
    template, given = _template(flow, other, export_share, deficit,
                                {"reporter": reporter, "base": base_obj}, b, target.by, func)

    def evaluate(p: float) -> tuple[np.ndarray, np.ndarray]:
        return dataclasses.replace(template, **{flow: Constant(p)})._flows(b)[1:]

    years = np.arange(b.year, target.by + 1)
    cond_text = cond.describe() if cond is not None else "none"
    search_lo = lo
    if flow == "total" and deficit is not None and not deficit.as_share:
        search_lo = _deficit_floor(deficit, b, years, lo)
        if search_lo >= hi:
            msg = (f"Not feasible: with {given}, total growth would need to exceed "
                   f"{format_pct(hi, 0)} a year just to keep the deficit below the total.")
            return RequiredGrowth(target, cond_text, flow, reading, math.nan, None, False, msg,
                                  None, b.year, (lo, hi), None, None)
    sol = _solve(evaluate, years, target, cond, search_lo, hi, reading, lambda r: format_pct(r, 2))
    what = f"{target.name} ({cond_text})" if cond is not None else target.name
    when = f"by {target.by}" if reading == "by" else f"in {target.by}"
    if isinstance(sol, str):
        msg = (f"Not feasible: no constant {flow} growth between {format_pct(lo, 0)} and "
               f"{format_pct(hi, 0)} a year meets {what} {when}, given {given}"
               + (f" ({sol})." if sol else ".")
               + (" The export share stays at its base-year level here; give export_share= "
                  "or deficit= to let the mix change." if flow == "total" and export_share is None
                  and deficit is None and cond is not None else ""))
        return RequiredGrowth(target, cond_text, flow, reading, math.nan, None, False, msg,
                              None, b.year, (lo, hi), None, None)
    rate = sol.lower
    change: dict[str, Any] = {flow: Constant(rate), "name": f"required {flow}"}
    scen = dataclasses.replace(template, **change)
    frame = scen.project(ds)
    x, m = frame["exports"].to_numpy(), frame["imports"].to_numpy()
    window = years == target.by if reading == "in" else years <= target.by
    if not _met(target, cond, x, m)[window].any():  # pragma: no cover - a solver failure
        raise ModelError(f"{func}: the solved rate {rate!r} does not meet {target.name}")
    max_rate = None if sol.upper_open else sol.upper
    msg = _found(sol, b.year, frame, f"{flow.capitalize()} growth from {b.year} of at least "
                 f"{format_pct(rate, 2)} a year meets {what} {when}, given {given}",
                 f"any {flow} growth in the range meets {what} {when}", lo, max_rate)
    return RequiredGrowth(target, cond_text, flow, reading, rate, max_rate, True, msg,
                          sol.year, b.year, (lo, hi), scen, frame)


def required_total_growth(ds: Dataset | None, target: Target | str, **kwargs: Any
                          ) -> RequiredGrowth:
    """The constant growth of two-way trade that meets ``target``, for a given mix.

    Shorthand for ``required_growth(ds, target, "total", **kwargs)``: pass ``export_share``
    (as for :meth:`Scenario.from_mix`) or ``deficit`` (as for :meth:`Scenario.from_deficit`);
    by default the export share stays at its base-year level, so a balance condition that
    fails in the base year fails at every rate (the message says so).

    Examples
    --------
    >>> import tradepath as tp
    >>> from tradepath.scenarios import required_total_growth
    >>> r = required_total_growth(tp.load_dataset(), tp.Target(150, by=2030))
    >>> round(r.rate, 4)
    0.107
    """
    return required_growth(ds, target, "total", **kwargs)


@dataclass(frozen=True, slots=True, eq=False)
class RequiredDeficit(ResultDisplay):
    """The largest deficit at the deadline compatible with a target; from
    :func:`required_deficit`.

    Attributes
    ----------
    target : Target
    condition : str
    value : float
        The deficit in the deadline year (US$ bn, or a share of total with ``as_share``):
        the path glides to it from the base year; NaN when infeasible.
    as_share : bool
    how : {"linear", "geometric"}
    feasible : bool
    message : str
    year : int or None
        The year the target is first met on that path.
    scenario, path
        The scenario on that deficit path and its projection (its ``balance`` column is the
        implied deficit path, negated).
    """

    target: Target
    condition: str
    value: float
    as_share: bool
    how: str
    feasible: bool
    message: str
    year: int | None
    base_year: int
    scenario: Scenario | None
    path: pd.DataFrame | None

    @property
    def deficit(self) -> pd.Series | None:
        """The deficit path implied (imports − exports, US$ bn, by year)."""
        if self.path is None:
            return None
        return (self.path["imports"] - self.path["exports"]).rename("deficit")

    def to_frame(self) -> pd.DataFrame:
        """The answer as a one-row table."""
        return pd.DataFrame([{
            "target": self.target.name, "condition": self.condition, "feasible": self.feasible,
            "value": self.value, "as_share": self.as_share, "how": self.how,
            "year_met": self.year, "base_year": self.base_year, "message": self.message,
        }])

    def summary(self) -> str:
        """The answer in words."""
        return str(self)

    def plot(self, *, ax: Any = None, **kwargs: Any) -> Any:
        """Exports, imports and the balance on the deficit path found (see
        :func:`tradepath.plotting.plot_balance`; keyword arguments go to it).

        Raises
        ------
        ModelError
            The answer is infeasible: there is no path to draw (the message says why).
        """
        from ..plotting import plot_balance

        path = _path_to_plot(self, "RequiredDeficit.plot")
        value = (f"{self.value:.1%} of total" if self.as_share else f"{self.value:.2f} bn")
        kwargs.setdefault("title", f"{self.target.name}: a deficit of at most {value} in "
                                   f"{self.target.by}")
        kwargs.setdefault("label", f"{self.how} deficit path")
        return plot_balance(path, ax=ax, **kwargs)

    def __str__(self) -> str:
        return self.message


def required_deficit(
    ds: Dataset | None,
    target: Target | str,
    *,
    total: GrowthSpec | float,
    how: How = "linear",
    as_share: bool = False,
    start: int | None = None,
    reading: Reading = "by",
    reporter: str = DEFAULT_REPORTER,
    base: Mapping[str, float] | Base | None = None,
) -> RequiredDeficit:
    """The deficit path implied by a target: how far the deficit must fall, given total growth.

    Parameters
    ----------
    ds, target, start, reading, reporter, base
        As for :func:`required_growth`.
    total : GrowthSpec or float
        Growth of two-way trade.
    how : {"linear", "geometric"}, default "linear"
        Shape of the path from the base-year deficit to the deadline (see
        :func:`deficit_path`).
    as_share : bool, default False
        Solve for the deficit share of total instead of the deficit in US$ bn.

    Returns
    -------
    RequiredDeficit
        ``value``: the largest deficit in the deadline year such that, on a path gliding to
        it, the target is met (by or in the deadline).

    Examples
    --------
    >>> import tradepath as tp
    >>> from tradepath.scenarios import growth, required_deficit
    >>> t = tp.Target(150, by=2030, balance=tp.balance.balanced())
    >>> r = required_deficit(tp.load_dataset(), t, total=growth(0.11))
    >>> round(r.value, 2)
    15.24
    """
    func = "required_deficit"
    target = _target_from(ds, target, func)
    check_choice("how", func, how, ("linear", "geometric"))
    check_choice("as_share", func, as_share, (True, False))
    check_choice("reading", func, reading, ("by", "in"))
    base_obj = _as_base(base, func)
    if start is not None:
        start = check_int("start", func, start, lo=_YEAR_LO, hi=_YEAR_HI)
    b = _resolve_base(ds, start=start, reporter=reporter, base=base_obj, func=func)
    _window_checks(target, b.year, func)
    cond = _bind(target.balance, b.annual)
    tspec = _as_spec(total, "total", func)
    years = np.arange(b.year, target.by + 1)
    t0 = b.exports + b.imports
    tot = t0 * tspec.cumulative(b.year, target.by)  # type: ignore[union-attr]
    d0 = (b.imports - b.exports) / (t0 if as_share else 1.0)
    # Range of end values keeping both flows positive in every year: |D_t| < T_t.
    frac = (years[1:] - b.year) / (target.by - b.year)
    cap = np.ones_like(frac) if as_share else tot[1:]
    shrink = 1.0 - 1e-9
    if how == "linear":
        lo = float(np.max(d0 + (-cap * shrink - d0) / frac))
        hi = float(np.min(d0 + (cap * shrink - d0) / frac))
    else:
        if d0 == 0:
            raise fail("how", func, "'linear' when the base-year deficit is zero", how)
        bound = float(np.min(abs(d0) * (cap * shrink / abs(d0)) ** (1 / frac)))
        lo, hi = (1e-9 * abs(d0), bound) if d0 > 0 else (-bound, -1e-9 * abs(d0))
    template = Scenario(b.year, target.by, total=tspec,
                        deficit=DeficitPath(d0 if d0 else 0.0, target.by, how, as_share),
                        reporter=reporter, base=base_obj)

    def evaluate(p: float) -> tuple[np.ndarray, np.ndarray]:
        s = dataclasses.replace(template, deficit=DeficitPath(p, target.by, how, as_share))
        return s._flows(b)[1:]

    unit = (lambda v: f"{v:.2%}") if as_share else (lambda v: f"{v:.2f} bn")
    sol = _solve(evaluate, years, target, cond, lo, hi, reading, unit, "deficit")
    cond_text = cond.describe() if cond is not None else "none"
    when = f"by {target.by}" if reading == "by" else f"in {target.by}"
    what = f"{target.name} ({cond_text})" if cond is not None else target.name
    given = f"total {tspec.describe()}"  # type: ignore[union-attr]
    if isinstance(sol, str):
        msg = (f"Not feasible: no deficit path ({how}) meets {what} {when} with {given}; the "
               f"total reaches {tot[-1]:.1f} bn in {target.by}" + (f" ({sol})." if sol else "."))
        return RequiredDeficit(target, cond_text, math.nan, as_share, how, False, msg, None,
                               b.year, None, None)
    value = sol.upper
    scen = dataclasses.replace(template, deficit=DeficitPath(value, target.by, how, as_share),
                               name="required deficit")
    frame = scen.project(ds)
    row = frame.loc[sol.upper_year]
    if sol.upper_open:
        msg = (f"With {given}, {what} is met {when} whatever the deficit path; even a deficit "
               f"of {unit(value)} in {target.by} meets it.")
    else:
        verb = "must fall" if value < d0 else "may rise"
        msg = (f"With {given}, the deficit {verb} from {unit(d0)} in {b.year} to at most "
               f"{unit(value)} in {target.by} ({how} path) to meet {what} {when}; the target "
               f"is then met in {sol.upper_year} (total {row['total']:.1f} bn, deficit share "
               f"{row['deficit_share']:.1%}).")
    return RequiredDeficit(target, cond_text, value, as_share, how, True, msg,
                           sol.upper_year, b.year, scen, frame)
