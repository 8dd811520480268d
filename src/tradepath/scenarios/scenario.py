"""The :class:`Scenario`: a base year and one specification per flow, projected by year."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from dataclasses import KW_ONLY, dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from .._defaults import DEFAULT_PATHS, DEFAULT_REPORTER, DEFAULT_SEED
from .._validation import check_cells, check_choice, check_int, check_real, check_rng, fail
from ..data import REPORTERS, Dataset
from ..errors import DataError, ParameterError
from ..targets.target import Target
from .simulation import ScenarioPaths, _bind, _check_target, _met, _sigmas
from .specs import (
    _YEAR_HI,
    _YEAR_LO,
    Constant,
    DeficitPath,
    GrowthSpec,
    Reading,
    SharePath,
    Shocked,
    _check_rate,
)

__all__ = ["Base", "Scenario"]


# -- scenarios --------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Base:
    """Base-year values given by the user, US$ bn."""

    exports: float
    imports: float

    def __post_init__(self) -> None:
        for name in ("exports", "imports"):
            v = check_real(f"base[{name!r}]", "Scenario", getattr(self, name), lo=0.0,
                           lo_open=True)
            object.__setattr__(self, name, v)


@dataclass(frozen=True, slots=True)
class _Resolved:
    """A scenario's base, resolved against the data."""

    year: int
    exports: float
    imports: float
    annual: pd.DataFrame  # what balance conditions bind against
    source: str


def _as_spec(value: Any, name: str, func: str) -> GrowthSpec | None:
    if value is None or isinstance(value, GrowthSpec):
        return value
    if isinstance(value, int | float | np.integer | np.floating) and not isinstance(value, bool):
        return Constant(_check_rate(name, func, value))
    raise fail(name, func, "a growth specification (growth, ramp, path, shock) or a number",
               value)


def _as_base(value: Any, func: str) -> Base | None:
    if value is None or isinstance(value, Base):
        return value
    if isinstance(value, Mapping):
        keys = set(value)
        if keys != {"exports", "imports"}:
            raise fail("base", func, "a mapping with the keys 'exports' and 'imports'", value,
                       "E.g. base={'exports': 25.6, 'imports': 55.9}.")
        return Base(value["exports"], value["imports"])
    raise fail("base", func, "None or a mapping {'exports': ..., 'imports': ...}", value)


def _resolve_base(ds: Dataset | None, *, start: int | None, reporter: str, base: Base | None,
                  func: str) -> _Resolved:
    if ds is not None and not isinstance(ds, Dataset):
        raise fail("ds", func, "a tradepath Dataset or None", type(ds).__name__,
                   "Use tp.load_dataset().")
    check_choice("reporter", func, reporter, REPORTERS)
    if base is not None:
        if start is None:
            raise fail("start", func, "the base year when a base is given", start)
        year = start
        row = pd.DataFrame({"total": [base.exports + base.imports], "exports": [base.exports],
                            "imports": [base.imports], "balance": [base.exports - base.imports]},
                           index=pd.Index([year], name="year"))
        annual = _annual_of(ds, reporter)[0] if ds is not None else row
        if annual[["exports", "imports"]].dropna().empty:
            annual = row
        return _Resolved(year, base.exports, base.imports, annual, "given")
    if ds is None:
        raise fail("ds", func, "a Dataset when the scenario has no base", ds,
                   "Pass tp.load_dataset(), or give base={'exports': ..., 'imports': ...}.")
    annual, kinds_frame = _annual_of(ds, reporter)
    both = annual[["exports", "imports"]].dropna()
    if start is not None:
        both = both[both.index <= start]
    if both.empty:
        where = f" at or before {start}" if start is not None else ""
        raise DataError(
            f"no year{where} has both exports and imports on the {reporter!r} basis, so the "
            "scenario has no base; give base={'exports': ..., 'imports': ...} or another "
            "reporter", field="base",
        )
    year = int(both.index.max())
    kinds = kinds_frame.loc[year]
    src = f"{reporter} {year} (exports {kinds['exports']}, imports {kinds['imports']})"
    return _Resolved(year, float(both.loc[year, "exports"]), float(both.loc[year, "imports"]),
                     annual, src)


def _annual_of(ds: Dataset, reporter: Any) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``ds.annual(reporter)`` and its kinds (the dataset builds each view once)."""
    return ds.annual(reporter), ds.annual_kinds(reporter)


def _frame(years: np.ndarray, x: np.ndarray, m: np.ndarray) -> pd.DataFrame:
    total = x + m
    return pd.DataFrame(
        {"exports": x, "imports": m, "total": total, "balance": x - m,
         "export_share": x / total, "deficit_share": (m - x) / total},
        index=pd.Index(years, name="year"),
    )


@dataclass(frozen=True, slots=True)
class Scenario:
    """A "what if" path for Vietnam's exports to and imports from Korea.

    State it in one of three ways: a growth specification for each flow (``exports`` and
    ``imports``); total growth plus the export share (:meth:`from_mix`); or total growth plus
    a deficit path (:meth:`from_deficit`). "The same scenario, except…" is
    ``dataclasses.replace(s, exports=growth(0.15))``.

    Parameters
    ----------
    start : int
        The base year: flows compound from the last year with both exports and imports on the
        ``reporter`` basis at or before ``start`` (normally ``start`` itself).
    end : int
        Last projected year, after ``start``.
    exports, imports : GrowthSpec or float, optional
        Growth of each flow (a number is shorthand for :func:`growth`).
    reporter : {"VN", "KR", "unstated"}, default "VN"
        Whose statistics give the base (and the base of "more balanced" conditions).
    base : mapping, optional
        ``{"exports": 25.6, "imports": 55.9}``: base values in ``start`` instead of the data.
    name : str, optional
        Label; defaults to a description of the specifications.
    total : GrowthSpec or float, optional
        Growth of two-way trade (with ``export_share`` or ``deficit``).
    export_share : GrowthSpec, SharePath or float, optional
        The export share ``x / (x + m)`` by year: a number (constant), :func:`ramp` or
        :func:`path` of share values, or :func:`share_path` (from the base-year share).
    deficit : DeficitPath, optional
        :func:`deficit_path`: the deficit from its base-year level to a value by a year.

    Raises
    ------
    ParameterError
        ``end`` not after ``start``, a growth rate of -100 % or less, an unknown reporter, or
        not exactly one of the three parameterisations.

    Notes
    -----
    With a total and an export share ``s``: ``x = s T`` and ``m = (1 - s) T``. With a total
    and a deficit ``D``: ``x = (T - D) / 2`` and ``m = (T + D) / 2`` (a deficit share ``d``
    gives ``D = d T``); a path that would make a flow non-positive is an error naming the year.
    In every case ``total = x + m`` and ``balance = x - m`` exactly.

    Examples
    --------
    >>> import tradepath as tp
    >>> from tradepath.scenarios import Scenario, growth
    >>> s = Scenario(2024, 2035, exports=growth(0.12), imports=growth(0.05))
    >>> f = s.project(tp.load_dataset())
    >>> list(f.columns)
    ['exports', 'imports', 'total', 'balance', 'export_share', 'deficit_share']
    >>> round(float(f.loc[2035, "balance"]), 1)
    -6.6
    """

    start: int
    end: int
    _: KW_ONLY
    exports: GrowthSpec | None = None
    imports: GrowthSpec | None = None
    reporter: str = DEFAULT_REPORTER
    base: Base | None = None
    name: str = ""
    total: GrowthSpec | None = None
    export_share: GrowthSpec | SharePath | None = None
    deficit: DeficitPath | None = None

    def __post_init__(self) -> None:
        f = "Scenario"
        start = check_int("start", f, self.start, lo=_YEAR_LO, hi=_YEAR_HI)
        end = check_int("end", f, self.end, lo=_YEAR_LO, hi=_YEAR_HI)
        if end <= start:
            raise fail("end", f, f"after start ({start})", end,
                       "A scenario runs from its base year 'start' to 'end'.")
        check_choice("reporter", f, self.reporter, REPORTERS)
        for name in ("exports", "imports", "total"):
            object.__setattr__(self, name, _as_spec(getattr(self, name), name, f))
        share = self.export_share
        if share is not None and not isinstance(share, SharePath):
            share = _as_spec(share, "export_share", f)
            if isinstance(share, Shocked):
                raise fail("export_share", f, "a number, ramp, path or share_path", share)
            object.__setattr__(self, "export_share", share)
        if self.deficit is not None and not isinstance(self.deficit, DeficitPath):
            raise fail("deficit", f, "a deficit_path(to=..., by=...)", self.deficit)
        object.__setattr__(self, "base", _as_base(self.base, f))
        object.__setattr__(self, "start", start)
        object.__setattr__(self, "end", end)
        given = {k for k in ("exports", "imports", "total", "export_share", "deficit")
                 if getattr(self, k) is not None}
        if given not in ({"exports", "imports"}, {"total", "export_share"}, {"total", "deficit"}):
            raise ParameterError(
                f"A scenario needs exports and imports, or total and export_share, or total and "
                f"deficit; got {sorted(given) or 'none of them'}. Use Scenario(..., exports=..., "
                "imports=...), Scenario.from_mix or Scenario.from_deficit."
            )
        if not isinstance(self.name, str):
            raise fail("name", f, "a string", self.name)
        if not self.name:
            object.__setattr__(self, "name", self.describe())

    # -- construction ----------------------------------------------------------------------
    @classmethod
    def from_mix(cls, start: int, end: int, *, total: GrowthSpec | float,
                 export_share: GrowthSpec | SharePath | float, reporter: str = DEFAULT_REPORTER,
                 base: Mapping[str, float] | Base | None = None, name: str = "") -> Scenario:
        """Total growth plus the export share path.

        Parameters
        ----------
        start, end : int
        total : GrowthSpec or float
            Growth of two-way trade.
        export_share : GrowthSpec, SharePath or float
            ``x / (x + m)``: a constant, a :func:`ramp` or :func:`path` of share values, or
            :func:`share_path` (a glide from the base-year share).
        reporter, base, name
            As for :class:`Scenario`.

        Returns
        -------
        Scenario

        Examples
        --------
        >>> import tradepath as tp
        >>> from tradepath.scenarios import Scenario, growth, share_path
        >>> s = Scenario.from_mix(2024, 2030, total=growth(0.07),
        ...                       export_share=share_path(0.40, by=2030))
        >>> round(float(s.project(tp.load_dataset()).loc[2030, "export_share"]), 3)
        0.4
        """
        return cls(start, end, total=total, export_share=export_share,  # type: ignore[arg-type]
                   reporter=reporter, base=base, name=name)  # type: ignore[arg-type]

    @classmethod
    def from_deficit(cls, start: int, end: int, *, total: GrowthSpec | float,
                     deficit: DeficitPath, reporter: str = DEFAULT_REPORTER,
                     base: Mapping[str, float] | Base | None = None, name: str = "") -> Scenario:
        """Total growth plus a deficit path ("the deficit shrinks to X by year Y").

        Parameters
        ----------
        start, end : int
        total : GrowthSpec or float
            Growth of two-way trade.
        deficit : DeficitPath
            :func:`deficit_path`, absolute (US$ bn) or as a share of total.
        reporter, base, name
            As for :class:`Scenario`.

        Returns
        -------
        Scenario

        Examples
        --------
        >>> import tradepath as tp
        >>> from tradepath.scenarios import Scenario, deficit_path, growth
        >>> s = Scenario.from_deficit(2024, 2030, total=growth(0.09),
        ...                           deficit=deficit_path(to=15, by=2030))
        >>> round(float(s.project(tp.load_dataset()).loc[2030, "balance"]), 6)
        -15.0
        """
        return cls(start, end, total=total, deficit=deficit,  # type: ignore[arg-type]
                   reporter=reporter, base=base, name=name)  # type: ignore[arg-type]

    @property
    def kind(self) -> Literal["flows", "mix", "deficit"]:
        """Which parameterisation: ``"flows"``, ``"mix"`` or ``"deficit"``."""
        if self.exports is not None:
            return "flows"
        return "mix" if self.export_share is not None else "deficit"

    def describe(self) -> str:
        """The specifications in one line."""
        if self.exports is not None and self.imports is not None:
            return f"exports {self.exports.describe()}, imports {self.imports.describe()}"
        assert self.total is not None
        head = f"total {self.total.describe()}"
        if self.export_share is not None:
            return f"{head}, export share {self.export_share.describe('share')}"
        assert self.deficit is not None
        return f"{head}, {self.deficit.describe()}"

    # -- projection ------------------------------------------------------------------------
    def _resolve(self, ds: Dataset | None, func: str) -> _Resolved:
        return _resolve_base(ds, start=self.start, reporter=self.reporter, base=self.base,
                             func=func)

    def _flows(self, b: _Resolved) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Years ``b.year .. end`` and the exports and imports in them."""
        years = np.arange(b.year, self.end + 1)
        if self.exports is not None and self.imports is not None:
            x = b.exports * self.exports.cumulative(b.year, self.end)
            m = b.imports * self.imports.cumulative(b.year, self.end)
            return years, x, m
        assert self.total is not None
        t0 = b.exports + b.imports
        total = t0 * self.total.cumulative(b.year, self.end)
        later = years[1:]
        if self.export_share is not None:
            s0 = b.exports / t0
            if isinstance(self.export_share, SharePath):
                s = self.export_share.values(s0, b.year, later)
            else:
                s = self.export_share.rates(later)
            bad = ~((s > 0) & (s < 1))
            if np.any(bad):
                y = int(later[bad][0])
                raise ParameterError(
                    f"The export share must stay strictly between 0 and 1; it is "
                    f"{float(s[bad][0]):.4g} in {y}. Shares are fractions: 0.4 is 40 %."
                )
            x = np.concatenate(([b.exports], s * total[1:]))
            m = np.concatenate(([b.imports], (1.0 - s) * total[1:]))
            return years, x, m
        assert self.deficit is not None
        if self.deficit.as_share:
            d = self.deficit.values((b.imports - b.exports) / t0, b.year, later) * total[1:]
        else:
            d = self.deficit.values(b.imports - b.exports, b.year, later)
        x = (total[1:] - d) / 2.0
        m = (total[1:] + d) / 2.0
        bad = (x <= 0) | (m <= 0)
        if np.any(bad):
            i = int(np.argmax(bad))
            raise ParameterError(
                f"The deficit path makes a flow non-positive in {int(later[i])}: total "
                f"{total[1:][i]:.4g} bn with a deficit of {d[i]:.4g} bn gives exports "
                f"{x[i]:.4g} and imports {m[i]:.4g}. A deficit must be smaller than the total."
            )
        return years, np.concatenate(([b.exports], x)), np.concatenate(([b.imports], m))

    def plot(self, ds: Dataset | None = None, *, ax: Any = None, **kwargs: Any) -> Any:
        """This scenario's path with the targets (see :func:`tradepath.plotting.plot_scenarios`)."""
        from ..plotting import plot_scenarios

        return plot_scenarios([self], ax=ax, ds=ds, **kwargs)

    def project(self, ds: Dataset | None = None) -> pd.DataFrame:
        """The scenario's path by year.

        Parameters
        ----------
        ds : Dataset, optional
            Gives the base (the last year with both flows at or before ``start`` on the
            ``reporter`` basis). Not needed when the scenario has a ``base``.

        Returns
        -------
        DataFrame
            Indexed by ``year`` from the base year to ``end`` (the first row is the base),
            with columns ``exports``, ``imports``, ``total``, ``balance`` (exports − imports),
            ``export_share`` (exports / total) and ``deficit_share`` ((imports − exports) /
            total). ``attrs`` holds ``scenario``, ``base_year`` and ``base_source``.

        Raises
        ------
        DataError
            No year with both flows at or before ``start`` on the reporter basis.
        ParameterError
            A year-by-year path that does not cover the horizon (naming the missing years),
            or a mix or deficit path that makes a flow non-positive (naming the year).
        """
        b = self._resolve(ds, "Scenario.project")
        years, x, m = self._flows(b)
        out = _frame(years, x, m)
        out.attrs.update(scenario=self.name, base_year=b.year, base_source=b.source)
        return out

    def first_year_met(self, ds: Dataset | None, target: Target) -> int | None:
        """First year of the projection in which ``target`` is met (None: not by ``end``).

        "Met" means the target's flow is at least its value and its balance condition, bound
        against the data (or the scenario's base), holds in the same year.
        """
        _check_target(target, "Scenario.first_year_met")
        b = self._resolve(ds, "Scenario.first_year_met")
        years, x, m = self._flows(b)
        ok = _met(target, _bind(target.balance, b.annual), x, m)
        return int(years[np.argmax(ok)]) if ok.any() else None

    # -- uncertainty -----------------------------------------------------------------------
    def simulate(self, ds: Dataset | None = None, *, n_paths: int = DEFAULT_PATHS,
                 end: int | None = None, seed: Any = DEFAULT_SEED,
                 sigma: float | Mapping[str, float] | None = None,
                 correlation: float = 0.0) -> ScenarioPaths:
        """Paths around the scenario with log-normal noise on each flow's annual growth.

        Parameters
        ----------
        ds : Dataset, optional
            Gives the base and, when ``sigma`` is None, the volatility.
        n_paths : int, default 20000
        end : int, optional
            Last year simulated; default the scenario's ``end``. Another year simulates
            ``dataclasses.replace(self, end=end)`` (a year-by-year path must cover it).
        seed : int, numpy.random.Generator or None, default 0
            Same seed, same paths.
        sigma : float or mapping, optional
            Annual volatility of the log growth of each flow: one number for both, or
            ``{"exports": s_x, "imports": s_m}``. None estimates it from the data with
            :class:`tradepath.models.random_walk.RandomWalk` (see Notes).
        correlation : float, default 0
            Correlation of the two flows' annual shocks, in [-1, 1]. The documents give both
            flows for two years only, too few to estimate it; 0 treats them as independent.

        Returns
        -------
        ScenarioPaths

        Raises
        ------
        ModelError
            ``sigma`` is None and the data cannot give a volatility (fewer than 4 totals).
        ParameterError
            Bad arguments, or a simulation too large for memory.

        Notes
        -----
        Each flow on each path is the scenario's value times
        ``exp(sigma * (e_1 + ... + e_t))`` with standard normal annual shocks ``e``: the
        scenario is the median path (not the mean, which is higher by ``exp(sigma^2 t / 2)``).
        The volatility of a flow is the random walk's ``sigma`` fitted on that flow's annual
        series when it has at least 3 observations, else the total's (the notes say which);
        it is the point estimate, so the spread is conditional on it.

        ``n_paths``, ``end`` and ``seed`` are keyword-only with the defaults of
        :meth:`tradepath.models.FitResult.simulate`, as in every ``simulate`` of tradepath.
        """
        func = "Scenario.simulate"
        n_paths = check_int("n_paths", func, n_paths, lo=1)
        scenario = self
        if end is not None:
            end = check_int("end", func, end, lo=self.start + 1, hi=_YEAR_HI)
            scenario = dataclasses.replace(self, end=end) if end != self.end else self
        rng = check_rng("seed", func, seed)
        rho = check_real("correlation", func, correlation, lo=-1.0, hi=1.0)
        b = scenario._resolve(ds, func)
        years, x, m = scenario._flows(b)
        sig, notes = _sigmas(sigma, ds, self.reporter, func)
        steps = len(years) - 1
        check_cells(func, n_paths, steps + 1, n_arrays=6)
        z = rng.standard_normal((2, n_paths, steps))
        zx = z[0]
        zm = rho * z[0] + math.sqrt(1.0 - rho * rho) * z[1]
        zeros = np.zeros((n_paths, 1))
        lx = np.concatenate((zeros, np.cumsum(sig["exports"] * zx, axis=1)), axis=1)
        lm = np.concatenate((zeros, np.cumsum(sig["imports"] * zm, axis=1)), axis=1)
        return ScenarioPaths(
            scenario=scenario, years=years, exports=x * np.exp(lx), imports=m * np.exp(lm),
            sigma=sig, correlation=rho, notes=notes, annual=b.annual, base_year=b.year,
        )

    def probability(self, ds: Dataset | None, target: Target, *, reading: Reading = "by",
                    n_paths: int = DEFAULT_PATHS, seed: Any = DEFAULT_SEED,
                    sigma: float | Mapping[str, float] | None = None,
                    correlation: float = 0.0) -> float:
        """P(``target`` met by its deadline) under the noise of :meth:`simulate`.

        Parameters
        ----------
        ds, n_paths, seed, sigma, correlation
            As for :meth:`simulate`.
        target : Target
        reading : {"by", "in"}, default "by"
            "by": met in some year up to and including the deadline; "in": in the deadline
            year itself.

        Returns
        -------
        float

        Examples
        --------
        >>> import tradepath as tp
        >>> from tradepath.scenarios import Scenario, growth
        >>> ds = tp.load_dataset()
        >>> s = Scenario(2024, 2032, exports=growth(0.12), imports=growth(0.05))
        >>> p = s.probability(ds, tp.Target(150, by=2030), n_paths=2000, seed=1)
        >>> 0 < p < 0.5
        True
        """
        _check_target(target, "Scenario.probability")
        sim = self.simulate(ds, n_paths=n_paths, seed=seed, sigma=sigma,
                            correlation=correlation)
        return sim.probability(target, reading=reading)
