"""An ensemble of growth models weighted by out-of-sample skill (scores from
:mod:`tradepath.models.scoring`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import ClassVar, Literal

import numpy as np
import pandas as pd

from .._defaults import CALIBRATION_PATHS, DEFAULT_SEED
from .._validation import check_choice, check_int, fail
from ..errors import ModelError, UnknownNameError
from ._base import FitResult, GrowthModel
from .scoring import RollingOrigin, crps_sample, rolling_origin  # noqa: F401 - old path

__all__ = [
    "DEFAULT_COMPONENTS",
    "DEFAULT_FALLBACK",
    "Ensemble",
    "EnsembleFit",
]

#: Components of the default ensemble, by registry name: the two families whose mixture was
#: best calibrated in the synthetic backtests of docs/models.md (the damped trend includes the
#: undamped random walk as phi = 1).
DEFAULT_COMPONENTS: tuple[str, ...] = ("damped_trend", "logistic")

#: The model that answers when every component refuses (2 or 3 points): growth that takes
#: shocks, with a prior learned from the panel. Not a member of the mixture otherwise: added
#: to it on 5-8 point synthetic series, it widened the 80 % intervals beyond 0.90 coverage on
#: trend series (docs/models.md).
DEFAULT_FALLBACK = "stochastic_growth"


#: The component models by registry name, given by :mod:`tradepath.models` (which sits above
#: this module and holds the registry) when it is imported.
COMPONENT_CLASSES: dict[str, type[GrowthModel]] = {}


def _component(c: str | GrowthModel) -> GrowthModel:
    """A configured component from a model or a registry name (default settings)."""
    if isinstance(c, GrowthModel):
        return c
    if not isinstance(c, str):
        raise fail("components", "Ensemble", "a sequence of model names or models", c)
    if c not in COMPONENT_CLASSES:
        raise UnknownNameError(
            f"Unknown model {c!r}; the models are: {', '.join(COMPONENT_CLASSES)}."
        )
    return COMPONENT_CLASSES[c]()


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
    fallback : str, GrowthModel or None, default :data:`DEFAULT_FALLBACK`
        The model that answers alone when every component refuses; None: refuse then.
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
    :class:`~tradepath.errors.ModelError`) are dropped, with a note. When every component
    refuses (2 or 3 points for the default ones), the ``fallback`` answers alone, by default
    :class:`~tradepath.models.StochasticGrowth`, whose panel prior carries a short series: the
    default ensemble never refuses a series of 2 or more positive values. The weights come from
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
    >>> {k: round(v, 3) for k, v in fit.params.items()}
    {'weight_damped_trend': 0.5, 'weight_logistic': 0.5}
    >>> list(Ensemble().fit(s.iloc[-2:]).params)  # 2 points: the fallback answers
    ['weight_stochastic_growth']
    """

    name: ClassVar[str] = "ensemble"
    #: The fewest points any default component needs (stochastic_growth's 2); components that
    #: need more are dropped with a note.
    min_points: ClassVar[int] = 2

    def __init__(
        self,
        *,
        components: Sequence[str | GrowthModel] = DEFAULT_COMPONENTS,
        weighting: Literal["crps", "equal"] = "crps",
        fallback: str | GrowthModel | None = DEFAULT_FALLBACK,
        horizons: Sequence[int] = (1, 2, 3),
        min_origins: int = 3,
        min_train: int = 4,
        n_paths: int = CALIBRATION_PATHS,
        seed: int = DEFAULT_SEED,
    ) -> None:
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
            models.append(_component(c))
        self.components: tuple[GrowthModel, ...] = tuple(models)
        if fallback == "ensemble" or isinstance(fallback, Ensemble):
            raise fail("fallback", func, "a model other than the ensemble itself, or None",
                       fallback)
        self.fallback = None if fallback is None else _component(fallback)
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
        if not fits and self.fallback is not None:
            label = self.fallback.name
            try:
                fits[label] = self.fallback.fit(s)
                kept.append(self.fallback)
                notes_first = [f"Every component refused; the fallback {label} answers alone "
                               f"({len(s)} observations)."]
            except ModelError as exc:
                dropped[label] = str(exc)
                notes_first = []
        else:
            notes_first = []
        if not fits:
            reasons = "; ".join(f"{k}: {v}" for k, v in dropped.items())
            raise ModelError(f"ensemble: every component refused ({reasons})")
        notes = [f"Dropped {k}: {v}" for k, v in dropped.items()] + notes_first
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
        notes += [fits[k].extras["read"] for k in kept_labels if fits[k].extras.get("read")]
        return EnsembleFit(
            model=self.name, series=s,
            params={f"weight_{k}": float(v) for k, v in zip(kept_labels, w, strict=True)},
            growth=growth, notes=tuple(notes), components=fits,
            extras={"weighting": weighting, "scores": scores, "dropped": dropped},
        )
