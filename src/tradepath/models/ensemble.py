"""An ensemble of growth models weighted by out-of-sample skill, and the scoring it rests on.

The rolling-origin machinery and the sample CRPS live here, below the backtesting module,
because the ensemble needs them to set its weights; :mod:`tradepath.backtest` builds its
reports on the same functions.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal

import numpy as np
import pandas as pd

from .._validation import check_choice, check_int, fail
from ..errors import ModelError
from ._base import FitResult, GrowthModel

__all__ = [
    "DEFAULT_COMPONENTS",
    "Ensemble",
    "EnsembleFit",
    "RollingOrigin",
    "crps_sample",
    "rolling_origin",
]

#: Components of the default ensemble, by registry name: the two families whose mixture was
#: best calibrated in the synthetic backtests of docs/models.md (the damped trend includes the
#: undamped random walk as phi = 1).
DEFAULT_COMPONENTS: tuple[str, ...] = ("damped_trend", "logistic")


def crps_sample(samples: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Continuous ranked probability score of sampled forecasts, row by row.

    Parameters
    ----------
    samples : ndarray, shape (n_cases, n_samples)
        Draws from each forecast distribution.
    y : ndarray, shape (n_cases,)
        The outcomes.

    Returns
    -------
    ndarray, shape (n_cases,)
        :math:`\\mathrm{CRPS} = E|X - y| - \\tfrac12 E|X - X'|` under the empirical
        distribution of each row (lower is better; a point forecast scores its absolute error).
        Infinite when a draw is infinite (a level that overflowed), NaN when one is NaN.

    Notes
    -----
    With the row sorted, :math:`x_{(1)} \\le \\dots \\le x_{(n)}`,
    :math:`E|X - X'| = \\frac{2}{n^2}\\sum_{i=1}^n (2i - n - 1)\\, x_{(i)}`, which costs
    :math:`O(n \\log n)` instead of :math:`O(n^2)` (Gneiting and Raftery, 2007; Jordan,
    Krüger and Lerch, 2019, ``crps_sample``).

    Examples
    --------
    >>> import numpy as np
    >>> from tradepath.models.ensemble import crps_sample
    >>> float(crps_sample(np.array([[1.0, 1.0]]), np.array([3.0]))[0])
    2.0
    """
    x = np.sort(np.asarray(samples, dtype=float), axis=-1)
    y = np.asarray(y, dtype=float)
    n = x.shape[-1]
    i = np.arange(1, n + 1)
    with np.errstate(invalid="ignore", over="ignore"):
        spread = (2.0 / n**2) * (x @ (2 * i - n - 1))
        score = np.abs(x - y[..., None]).mean(axis=-1) - 0.5 * spread
    # A draw that overflowed to infinity makes the score infinite, not undefined.
    score = np.where(np.isfinite(x).all(axis=-1), score, np.inf)
    return np.where(np.isnan(x).any(axis=-1) | np.isnan(y), np.nan, score)


@dataclass(frozen=True, slots=True)
class RollingOrigin:
    """Forecasts made at past origins and the outcomes they are scored against.

    Attributes
    ----------
    cases : DataFrame
        One row per scored forecast: ``model`` (label), ``origin``, ``horizon``, ``year``,
        ``actual`` (level) and ``row`` (index into ``log_samples``).
    log_samples : ndarray, shape (n_cases, n_paths)
        Simulated log levels for each case.
    refusals : DataFrame
        One row per (model, origin) where the model refused: ``model``, ``origin``,
        ``message``.
    origins : tuple of int
        The origins that had at least one observed year to score.
    """

    cases: pd.DataFrame
    log_samples: np.ndarray
    refusals: pd.DataFrame
    origins: tuple[int, ...]


def rolling_origin(
    s: pd.Series,
    models: Sequence[GrowthModel],
    labels: Sequence[str],
    *,
    origins: Sequence[int],
    horizons: Sequence[int],
    n_paths: int,
    rng: np.random.Generator,
) -> RollingOrigin:
    """Refit every model at every origin on the data up to it and simulate the next years.

    ``s`` is a validated series (int years, increasing). A forecast for ``origin + h`` is kept
    only where that year is observed. Models raising :class:`ModelError` at an origin are
    recorded in ``refusals`` and skipped there. Each (origin, model) pair gets its own child
    generator spawned from ``rng`` in a fixed order, so results are reproducible.
    """
    observed = {int(y): float(v) for y, v in s.items()}
    cases: list[dict[str, Any]] = []
    blocks: list[np.ndarray] = []
    refusals: list[dict[str, Any]] = []
    used: list[int] = []
    for origin in origins:
        targets = [(h, origin + h) for h in horizons if origin + h in observed]
        if not targets:
            continue
        used.append(int(origin))
        train = s[s.index <= origin]
        end = origin + max(h for h, _ in targets)
        streams = rng.spawn(len(models))
        for model, label, stream in zip(models, labels, streams, strict=True):
            try:
                fit = model.fit(train)
                log_paths = fit._simulate_log(n_paths, end - fit.last_year, stream)
            except ModelError as exc:
                refusals.append({"model": label, "origin": int(origin), "message": str(exc)})
                continue
            for h, year in targets:
                cases.append({"model": label, "origin": int(origin), "horizon": int(h),
                              "year": int(year), "actual": observed[year],
                              "row": len(blocks)})
                blocks.append(log_paths[:, h - 1])
    frame = pd.DataFrame(cases, columns=["model", "origin", "horizon", "year", "actual", "row"])
    samples = np.vstack(blocks) if blocks else np.empty((0, n_paths))
    ref = pd.DataFrame(refusals, columns=["model", "origin", "message"])
    return RollingOrigin(cases=frame, log_samples=samples, refusals=ref, origins=tuple(used))


def _allocate(n: int, weights: np.ndarray) -> np.ndarray:
    """Split ``n`` paths by ``weights`` (largest remainder): counts summing to ``n``."""
    raw = n * weights
    counts = np.floor(raw).astype(int)
    short = n - counts.sum()
    if short:
        counts[np.argsort(-(raw - counts), kind="stable")[:short]] += 1
    return counts


@dataclass(frozen=True, slots=True, kw_only=True)
class EnsembleFit(FitResult):
    """A fitted :class:`Ensemble`.

    ``params``: ``weight_<component>`` for every component kept; ``growth`` is the weighted
    mean of the components' fitted growth. ``extras``: ``components``
    (label -> the component's :class:`FitResult`), ``weighting`` (``"crps"`` or ``"equal"``,
    what was applied), ``scores`` (a frame by component: ``mean_crps_log``, ``n_cases``,
    ``n_origins``, ``weight``), ``dropped`` (label -> reason).
    """

    components: dict[str, FitResult] = field(default_factory=dict, repr=False)

    def _simulate_log(self, n_paths: int, steps: int, rng: np.random.Generator) -> np.ndarray:
        labels = list(self.components)
        weights = np.array([self.params[f"weight_{k}"] for k in labels])
        counts = _allocate(n_paths, weights / weights.sum())
        streams = rng.spawn(len(labels))
        parts = [self.components[k]._simulate_log(int(c), steps, g)
                 for k, c, g in zip(labels, counts, streams, strict=True) if c > 0]
        # A mixture: each component contributes its share of paths; the rows are shuffled so
        # that any subset of paths is itself a draw from the mixture.
        return rng.permutation(np.vstack(parts), axis=0)


class Ensemble(GrowthModel):
    """A mixture of growth models with weights from out-of-sample skill.

    Parameters
    ----------
    components : sequence of str or GrowthModel, default :data:`DEFAULT_COMPONENTS`
        The models to combine: registry names or configured models (not ``"ensemble"``).
    weighting : {"crps", "equal"}, default "crps"
        ``"crps"``: weights proportional to 1 / mean CRPS of the log forecasts over a rolling
        origin; ``"equal"``: equal weights without scoring.
    horizons : sequence of int, default (1, 2, 3)
        Horizons (years after an origin) scored for the weights.
    min_origins : int, default 3
        Fewest origins, scored for every component, needed to use skill weights; with fewer
        the ensemble falls back to equal weights and says so.
    min_train : int, default 4
        Fewest observations up to an origin.
    n_paths : int, default 400
        Paths per component and origin when scoring.
    seed : int, default 0
        Seed of the scoring simulations, so that the same data give the same weights.

    Notes
    -----
    Every component is fitted on the whole series; those that refuse (raise
    :class:`~tradepath.errors.ModelError`) are dropped, with a note. The weights come from
    **out-of-sample** skill, not in-sample fit: at every observed year with at least
    ``min_train`` observations up to it (an *origin*), each component is refitted on the data
    up to the origin, simulated, and scored by the CRPS of its log forecast against every
    observed year ``origin + h``, ``h`` in ``horizons`` (the log scale makes the score a
    relative error, comparable across years). Only the (origin, horizon) cases that every
    component could forecast are used, so no component is judged on easier cases than
    another. With :math:`\\bar c_k` the mean CRPS of component :math:`k`,

    .. math:: w_k = \\frac{1 / \\bar c_k}{\\sum_j 1 / \\bar c_j}.

    With fewer than ``min_origins`` common origins the weights are equal (the *fallback*;
    a short series cannot rank the models).

    **Uncertainty.** The forecast is the mixture :math:`\\sum_k w_k p_k`: the paths are split
    between the components in proportion to the weights (largest remainder) and each
    component simulates its share with its own parameter uncertainty. Disagreement between
    the models therefore widens the intervals, which a single model cannot do.

    Examples
    --------
    >>> import pandas as pd
    >>> from tradepath.models import Ensemble
    >>> s = pd.Series({2009: 9.5, 2012: 20.0, 2015: 30.0, 2018: 62.0, 2021: 78.0, 2024: 81.5})
    >>> fit = Ensemble(weighting="equal").fit(s)
    >>> fit.params
    {'weight_damped_trend': 0.5, 'weight_logistic': 0.5}
    """

    name: ClassVar[str] = "ensemble"
    min_points: ClassVar[int] = 3

    def __init__(
        self,
        *,
        components: Sequence[str | GrowthModel] = DEFAULT_COMPONENTS,
        weighting: Literal["crps", "equal"] = "crps",
        horizons: Sequence[int] = (1, 2, 3),
        min_origins: int = 3,
        min_train: int = 4,
        n_paths: int = 400,
        seed: int = 0,
    ) -> None:
        from . import get_model  # the registry imports this module

        func = "Ensemble"
        if isinstance(components, str | GrowthModel) or not isinstance(components, Sequence):
            raise fail("components", func, "a sequence of model names or models", components)
        if len(components) == 0:
            raise fail("components", func, "a non-empty sequence of models", components)
        models = []
        for c in components:
            if c == "ensemble" or isinstance(c, Ensemble):
                raise fail("components", func, "models other than the ensemble itself",
                           components)
            models.append(get_model(c))
        self.components: tuple[GrowthModel, ...] = tuple(models)
        self.weighting = check_choice("weighting", func, weighting, ("crps", "equal"))
        if isinstance(horizons, str) or not isinstance(horizons, Sequence) or not horizons:
            raise fail("horizons", func, "a non-empty sequence of positive integers", horizons)
        self.horizons = tuple(sorted({check_int("horizons", func, h, lo=1, hi=50)
                                      for h in horizons}))
        self.min_origins = check_int("min_origins", func, min_origins, lo=1)
        self.min_train = check_int("min_train", func, min_train, lo=2)
        self.n_paths = check_int("n_paths", func, n_paths, lo=10, hi=100_000)
        self.seed = check_int("seed", func, seed, lo=0)

    def _labels(self) -> list[str]:
        names = [m.name for m in self.components]
        return [n if names.count(n) == 1 else f"{n}_{i + 1}" for i, n in enumerate(names)]

    def _fit(self, s: pd.Series) -> EnsembleFit:
        labels = self._labels()
        fits: dict[str, FitResult] = {}
        kept: list[GrowthModel] = []
        dropped: dict[str, str] = {}
        for model, label in zip(self.components, labels, strict=True):
            try:
                fits[label] = model.fit(s)
                kept.append(model)
            except ModelError as exc:
                dropped[label] = str(exc)
        if not fits:
            reasons = "; ".join(f"{k}: {v}" for k, v in dropped.items())
            raise ModelError(f"ensemble: every component refused ({reasons})")
        notes = [f"Dropped {k}: {v}" for k, v in dropped.items()]
        kept_labels = list(fits)
        scores = pd.DataFrame(index=pd.Index(kept_labels, name="component"),
                              columns=["mean_crps_log", "n_cases", "n_origins"], dtype=float)
        weighting = "equal"
        years = [int(y) for y in s.index]
        # Origins where every kept component has enough points and a later year is observed;
        # when there are too few, nothing is fitted and the fallback applies at once.
        need = max([self.min_train, *(m.min_points for m in kept)])
        possible = [y for i, y in enumerate(years) if i + 1 >= need
                    and any(y + h in years for h in self.horizons)]
        if self.weighting == "crps" and len(fits) > 1 and len(possible) < self.min_origins:
            notes.append(
                f"Equal weights (fallback): only {len(possible)} origin(s) with at least {need} "
                f"observations and an observed year {min(self.horizons)}–{max(self.horizons)} "
                f"years later; {self.min_origins} are needed to rank the components."
            )
        elif self.weighting == "crps" and len(fits) > 1:
            origins = [y for i, y in enumerate(years) if i + 1 >= self.min_train]
            ro = rolling_origin(s, kept, kept_labels, origins=origins, horizons=self.horizons,
                                n_paths=self.n_paths, rng=np.random.default_rng(self.seed))
            cases = ro.cases
            crps = crps_sample(ro.log_samples, np.log(cases["actual"].to_numpy(dtype=float)))
            cases = cases.assign(crps=crps)
            # Keep the (origin, horizon) cases every kept component forecast.
            counts = cases.groupby(["origin", "horizon"])["model"].nunique()
            common = counts[counts == len(kept_labels)].index
            key = pd.MultiIndex.from_frame(cases[["origin", "horizon"]])
            cases = cases[key.isin(common)]
            n_origins = cases["origin"].nunique()
            by = cases.groupby("model")["crps"]
            scores["mean_crps_log"] = by.mean().reindex(kept_labels)
            scores["n_cases"] = by.size().reindex(kept_labels).fillna(0)
            scores["n_origins"] = n_origins
            if n_origins >= self.min_origins and np.all(scores["mean_crps_log"] > 0):
                weighting = "crps"
            else:
                notes.append(
                    f"Equal weights (fallback): only {n_origins} origin(s) where every "
                    f"component could be scored; {self.min_origins} are needed to rank them."
                )
        if weighting == "crps":
            inv = 1.0 / scores["mean_crps_log"].to_numpy(dtype=float)
            w = inv / inv.sum()
            notes.append(
                "Weights proportional to 1 / mean CRPS of log forecasts over "
                f"{int(scores['n_origins'].iloc[0])} rolling origins (horizons "
                f"{', '.join(map(str, self.horizons))}): out-of-sample skill."
            )
        else:
            w = np.full(len(kept_labels), 1.0 / len(kept_labels))
            if self.weighting == "equal":
                notes.append("Equal weights, as requested (no scoring).")
            elif len(kept_labels) == 1:
                notes.append(f"Only {kept_labels[0]} could be fitted: the ensemble is that "
                             "model alone.")
        scores["weight"] = w
        growth = float(np.dot(w, [fits[k].growth for k in kept_labels]))
        notes.append("Forecast = mixture of the components' paths in proportion to the weights; "
                     "model disagreement widens the intervals.")
        return EnsembleFit(
            model=self.name, series=s,
            params={f"weight_{k}": float(v) for k, v in zip(kept_labels, w, strict=True)},
            growth=growth, notes=tuple(notes), components=fits,
            extras={"weighting": weighting, "scores": scores, "dropped": dropped},
        )
