"""Fits and simulated paths shared between assessments: :class:`SimulationPool`.

Several targets on the same series (100B and 150B by 2030), the pages, tables and figures of a
report, and the model comparison all ask for the same thing: a model fitted to one series and
simulated with one seed. A pool computes each fit and each set of paths once and hands the
same (read-only) arrays to every assessment that asks; an assessment made through a pool has
exactly the numbers of one made alone with the same seed.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from ..data import Dataset
    from ..models import FitResult, GrowthModel
    from ..models.share import ShareModel
    from ..targets.target import Target

__all__ = ["SimulationPool", "by_identity"]


class by_identity:
    """An object as part of a pool key, by identity: the key keeps it alive, so a key never
    matches another object that later takes the same id. For immutable inputs (a Dataset)."""

    __slots__ = ("obj",)

    def __init__(self, obj: Any) -> None:
        self.obj = obj

    def __hash__(self) -> int:
        return id(self.obj)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, by_identity) and other.obj is self.obj


def _frozen(a: np.ndarray) -> np.ndarray:
    """The array, read-only: the same paths serve several results, so none may change them."""
    a.flags.writeable = False
    return a


def _series_key(s: pd.Series) -> tuple[Any, ...]:
    return (str(s.name), tuple(int(y) for y in s.index), s.to_numpy(dtype=float).tobytes())


def model_key(gm: GrowthModel) -> tuple[str, str]:
    """A model by its class and settings (two models with the same settings fit alike)."""
    return (f"{type(gm).__module__}.{type(gm).__qualname__}", repr(gm))


def _share_key(sm: ShareModel) -> tuple[Any, ...]:
    return (np.asarray(sm.times, dtype=float).tobytes(),
            np.asarray(sm.logits, dtype=float).tobytes(), sm.prior_sigma, sm.prior_df,
            sm.prior_drift_sd)


@dataclass(slots=True, eq=False)
class _Simulation:
    """One set of simulated totals, and the export share drawn after them on the same
    generator (one per share model), as :func:`tradepath.assess` draws them."""

    total: np.ndarray
    years: np.ndarray
    rng_after_total: np.random.Generator
    shared: bool
    flows: dict[tuple[Any, ...], tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)
    bands: dict[tuple[float, ...], pd.DataFrame] = field(default_factory=dict)

    def exports_imports(self, share_model: ShareModel) -> tuple[np.ndarray, np.ndarray]:
        key = _share_key(share_model)
        if key not in self.flows:
            # Pooled: a copy of the generator as it stood after the totals, so every share
            # model gets the draws an assessment made alone would give it. Not pooled: the
            # caller's generator itself, which moves on as it would in an assessment alone.
            rng = copy.deepcopy(self.rng_after_total) if self.shared else self.rng_after_total
            share = share_model.simulate(self.years, n_paths=self.total.shape[0], seed=rng)
            self.flows[key] = (_frozen(self.total * share), _frozen(self.total * (1 - share)))
        return self.flows[key]

    def quantiles(self, levels: tuple[float, ...]) -> pd.DataFrame:
        """Quantiles of the totals by year (rows years, columns ``levels``)."""
        if levels not in self.bands:
            self.bands[levels] = pd.DataFrame(
                np.quantile(self.total, levels, axis=0).T,
                index=pd.Index(self.years, name="year"),
                columns=pd.Index(levels, name="quantile"))
        return self.bands[levels].copy()


class SimulationPool:
    """Fits and simulated paths computed once and reused by every assessment that asks.

    Pass one pool to several :func:`tradepath.assess` calls (or use
    :func:`~tradepath.assessment.assess_targets`): a model fitted to the same series is fitted once,
    and simulated once per number of paths, horizon and seed; each target then reads its
    probability, crossing years and balance off the same paths. The results are exactly those
    of assessing each target alone with the same seed.

    Notes
    -----
    Keys are contents, not names: the model's class and settings, the fitted series (years,
    values), the number of paths, the horizon and the integer seed; for the export share, the
    observations of the share model. A pool therefore never answers with paths of other data
    or settings. Only integer seeds are pooled: a generator moves on with every draw (two
    assessments with one generator are not meant to share draws) and no seed means fresh
    draws. The arrays handed out are
    read-only. A pool holds every set of paths it made: keep one for a piece of work (a
    report) and let it go.

    Examples
    --------
    >>> import tradepath as tp
    >>> from tradepath.assessment.pool import SimulationPool
    >>> ds = tp.load_dataset()
    >>> pool = SimulationPool()
    >>> a = tp.assess(ds, tp.Target(100, by=2030), n_paths=2000, pool=pool)
    >>> b = tp.assess(ds, tp.Target(150, by=2030), n_paths=2000, pool=pool)
    >>> a.paths["total"] is b.paths["total"], len(pool)
    (True, 1)
    """

    def __init__(self) -> None:
        self._fits: dict[tuple[Any, ...], FitResult] = {}
        self._sims: dict[tuple[Any, ...], _Simulation] = {}
        self._shares: dict[tuple[Any, ...], ShareModel] = {}
        self._views: dict[tuple[Any, ...], Any] = {}
        self._other: dict[tuple[Any, ...], Any] = {}
        self._reference: pd.DataFrame | None = None

    def __len__(self) -> int:
        """The number of simulations held."""
        return len(self._sims)

    def __repr__(self) -> str:
        return f"<SimulationPool: {len(self._fits)} fits, {len(self._sims)} simulations>"

    def fit(self, gm: GrowthModel, s: pd.Series) -> FitResult:
        """``gm.fit(s)``, once per model settings and series."""
        key = (model_key(gm), _series_key(s))
        if key not in self._fits:
            self._fits[key] = gm.fit(s)
        return self._fits[key]

    def simulate(self, gm: GrowthModel, fit: FitResult, n_paths: int, horizon: int,
                 seed: int) -> _Simulation:
        """The totals of ``fit`` simulated to ``horizon`` with ``seed``, once per key."""
        key = (model_key(gm), _series_key(fit.series), n_paths, horizon, int(seed))
        if key not in self._sims:
            self._sims[key] = simulate(fit, n_paths, horizon, np.random.default_rng(seed),
                                       shared=True)
        return self._sims[key]

    def share_model(self, ds: Dataset, reporter: str, kinds: Sequence[str],
                    last_year: int) -> ShareModel:
        """:meth:`ShareModel.from_dataset`, once per dataset and settings."""
        from ..models.share import ShareModel

        key = (by_identity(ds), reporter, tuple(kinds), last_year)  # a Dataset is immutable
        if key not in self._shares:
            self._shares[key] = ShareModel.from_dataset(ds, reporter, kinds, last_year=last_year)
        return self._shares[key]

    def outside_view(self, target: Target, s: pd.Series) -> Any:
        """:func:`tradepath.reference.views.outside_view` of a target's level and deadline on a
        series, once (a :class:`~tradepath.errors.ModelError` is kept and raised again)."""
        from ..errors import ModelError
        from ..reference.views import outside_view

        key = (float(target.value), int(target.by), _series_key(s))
        if key not in self._views:
            try:
                self._views[key] = outside_view(target, s, targets=self.reference_targets())
            except ModelError as exc:
                self._views[key] = exc
        out = self._views[key]
        if isinstance(out, ModelError):
            raise out
        return out

    def memo(self, key: tuple[Any, ...], make: Callable[[], Any]) -> Any:
        """``make()``, once per ``key``: another input several assessments share (e.g. a
        dataset with one more figure). The key must name everything ``make`` reads."""
        if key not in self._other:
            self._other[key] = make()
        return self._other[key]

    def reference_targets(self) -> pd.DataFrame:
        """:func:`tradepath.reference.reference_targets` (the outside view's class), once."""
        if self._reference is None:
            from ..data.reference import reference_targets

            self._reference = reference_targets()
        return self._reference


def simulate(fit: FitResult, n_paths: int, horizon: int, rng: np.random.Generator, *,
             shared: bool = False) -> _Simulation:
    """Simulate ``fit``'s totals to ``horizon`` with ``rng`` (``shared``: for a pool)."""
    total = _frozen(fit.simulate_array(n_paths=n_paths, end=horizon, seed=rng))
    years = np.arange(fit.last_year + 1, horizon + 1)
    return _Simulation(total=total, years=years, shared=shared,
                       rng_after_total=copy.deepcopy(rng) if shared else rng)
