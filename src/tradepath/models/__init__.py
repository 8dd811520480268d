"""Growth models for short, sparse, irregularly spaced annual series.

Every model is a :class:`GrowthModel`: keyword-only settings, ``fit(series)`` returning an
immutable :class:`FitResult` whose ``simulate`` draws the model's parameters afresh on every
path. The registry :data:`MODELS` lists them by name, from the spreadsheet baseline to the
ensemble; :data:`DEFAULT_MODEL` is the one best calibrated in backtests on synthetic series
(see ``docs/models.md``).

=======================  ==================================================================
name                     model
=======================  ==================================================================
``cagr``                 compound growth between two endpoints; deterministic baseline
``random_walk``          random walk with drift in logs
``loglinear``            OLS trend of the log level on the year
``local_linear_trend``   level and growth both random walks (statsmodels state space)
``damped_trend``         growth decaying geometrically; damping weighed on a grid
``logistic``             saturating growth towards a capacity (logistic or Gompertz)
``stochastic_growth``    growth that takes shocks and reverts to a long-run rate; priors
                         learned from a panel of trade pairs
``ensemble``             mixture of the above, weighted by out-of-sample CRPS
=======================  ==================================================================
"""

from __future__ import annotations

from typing import Any

from .._validation import fail
from ..errors import ParameterError, UnknownNameError
from ._base import FitResult, GrowthModel
from .cagr import CAGR, CAGRFit
from .damped import DampedTrend, DampedTrendFit
from .ensemble import COMPONENT_CLASSES, Ensemble, EnsembleFit
from .loglinear import LogLinear, LogLinearFit
from .priors import WEAK_PRIOR, GrowthPrior, panel_prior
from .random_walk import RandomWalk, RandomWalkFit
from .saturating import Logistic, LogisticFit
from .statespace import LocalLinearTrend, LocalLinearTrendFit
from .stochastic_growth import StochasticGrowth, StochasticGrowthFit

__all__ = [
    "CAGR",
    "DEFAULT_MODEL",
    "MODELS",
    "WEAK_PRIOR",
    "CAGRFit",
    "DampedTrend",
    "DampedTrendFit",
    "Ensemble",
    "EnsembleFit",
    "FitResult",
    "GrowthModel",
    "GrowthPrior",
    "LocalLinearTrend",
    "LocalLinearTrendFit",
    "LogLinear",
    "LogLinearFit",
    "Logistic",
    "LogisticFit",
    "RandomWalk",
    "RandomWalkFit",
    "StochasticGrowth",
    "StochasticGrowthFit",
    "get_model",
    "panel_prior",
]

#: Every model by registry name, from the spreadsheet baseline to the ensemble.
MODELS: dict[str, type[GrowthModel]] = {
    "cagr": CAGR,
    "random_walk": RandomWalk,
    "loglinear": LogLinear,
    "local_linear_trend": LocalLinearTrend,
    "damped_trend": DampedTrend,
    "logistic": Logistic,
    "stochastic_growth": StochasticGrowth,
    "ensemble": Ensemble,
}

COMPONENT_CLASSES.update({k: v for k, v in MODELS.items() if v is not Ensemble})

#: The model used when none is named: the best calibrated in the synthetic backtests of
#: ``docs/models.md`` (80 % intervals covering close to 80 % on series whose growth decays and
#: on series whose growth does not), not the best in-sample fit.
DEFAULT_MODEL: str = "ensemble"


def get_model(name_or_instance: str | GrowthModel, **settings: Any) -> GrowthModel:
    """Return a configured model from a registry name, or pass a model through.

    Parameters
    ----------
    name_or_instance : str or GrowthModel
        A name in :data:`MODELS` or an already configured model.
    **settings
        Keyword settings of the model (only with a name).

    Returns
    -------
    GrowthModel

    Raises
    ------
    UnknownNameError
        The name is not in the registry; the message lists the names.
    ParameterError
        Settings given with a model instance, or a setting the model does not have.

    Examples
    --------
    >>> from tradepath.models import get_model
    >>> get_model("cagr", window=5)
    CAGR(window=5)
    """
    if isinstance(name_or_instance, GrowthModel):
        if settings:
            raise fail("settings", "get_model", "empty when a configured model is given",
                       settings, "Configure the model itself instead.")
        return name_or_instance
    if not isinstance(name_or_instance, str):
        raise fail("name_or_instance", "get_model", "a model name or a GrowthModel",
                   name_or_instance)
    if name_or_instance not in MODELS:
        raise UnknownNameError(
            f"Unknown model {name_or_instance!r}; the models are: {', '.join(MODELS)}."
        )
    cls = MODELS[name_or_instance]
    try:
        return cls(**settings)
    except TypeError as exc:
        raise ParameterError(
            f"{cls.__name__} got a setting it does not have ({exc}); see "
            f"help(tradepath.models.{cls.__name__})."
        ) from None
