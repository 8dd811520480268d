"""The pool: the headline probability from the inside view and the outside view.

:func:`combine` pools the model's probability (the *inside view*) and the base rate of the
record (the *outside view*, :func:`tradepath.reference.views.outside_view`) on the logit scale
into the *combined* probability the library reports as its headline, with the model's weight
integrated over its posterior (:class:`Pool`): a prior centred on 0.5, updated by the resolved
reference targets' outcomes (each judged with the data published before its announcement,
:func:`reference_pool`). The pool is increasing in both views for every weight in [0, 1], so
a higher target never raises the headline and faster recent growth never lowers it.

Typical use (how :func:`tradepath.assess` reports the three numbers)::

    ov = outside_view(target, series)
    p = combine(p_inside, ov)
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .._validation import check_choice, check_int, check_real, fail
from .logistic import _expit
from .views import OutsideView, outside_view

__all__ = [
    "POOL_FEATURE",
    "POOL_FEATURES",
    "POOL_PRIOR_SD",
    "Pool",
    "combine",
    "growth_t_statistic",
    "learn_pool",
    "pool_feature",
    "reference_pool",
]

#: Prior standard deviation of the logit of the model's weight in the pool: a normal centred
#: on 0 (a weight of 0.5) with sd 1 puts 80 % of the prior between 0.22 and 0.78, so a weight
#: near 0 or 1 needs many resolved targets that speak clearly.
POOL_PRIOR_SD = 1.0

#: Features of the series the pool's weight may depend on (:func:`pool_feature`): its
#: ``"length"`` (doublings of the number of annual points beyond 4) or the ``"steadiness"``
#: of its growth (the t-statistic of its mean annual log growth, :func:`growth_t_statistic`).
POOL_FEATURES = ("length", "steadiness")

#: The feature the shipped pool's weight depends on (one of :data:`POOL_FEATURES`), or None
#: for one weight for every series. Chosen by nested leave-one-pair-out Brier and log score
#: on the resolved reference targets and on the panel's pseudo-targets
#: (``python benchmarks/accuracy.py --reference``: the rows ``pool, weight by ...``).
POOL_FEATURE: str | None = None

#: Years of the series before its last value that :func:`growth_t_statistic` reads.
STEADY_YEARS = 10

#: Probabilities are kept within [EPS, 1 - EPS] before pooling on the logit scale: a
#: simulated 0 or 1 is a Monte Carlo estimate, not certainty.
EPS = 0.01


def _logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, EPS, 1 - EPS)
    return np.log(p) - np.log1p(-p)


#: Grids of the pool's coefficients: ``logit(weight) = c0 + c1 * x``, ``x`` from
#: :func:`pool_feature`.
_C0_GRID = np.linspace(-5.0, 5.0, 101)
_C1_GRID = np.linspace(-4.0, 4.0, 81)


def growth_t_statistic(series: pd.Series, *, years: int = STEADY_YEARS) -> float:
    """How clearly a series has been growing: its mean annual log growth over its standard
    error, on the values of the last ``years`` years before the last one.

    Parameters
    ----------
    series : pandas.Series
        Annual values by year (gaps allowed).
    years : int, default :data:`STEADY_YEARS`

    Returns
    -------
    float
        :math:`t = \\hat\\mu / (s / \\sqrt{T})`, with :math:`\\hat\\mu` the log growth
        from the first to the last value over their span :math:`T`, and :math:`s^2` the
        variance of the annual log growth about it (the increments over gaps weighed by their
        length, as a random walk with drift), its estimate pooled with one degree of freedom
        at the panel's typical volatility (the damped trend's panel prior ``s0``) so that a
        series with no spread has a finite t. 0 for a single value.
    """
    from ..models.damped import trend_panel_prior

    years = check_int("years", "growth_t_statistic", years, lo=1)
    s = series.dropna().sort_index()
    s = s[s.index >= s.index[-1] - years] if len(s) else s
    if len(s) < 2:
        return 0.0
    t = s.index.to_numpy(dtype=float)
    y = np.log(s.to_numpy(dtype=float))
    d, g = np.diff(y), np.diff(t)
    mu = d.sum() / g.sum()
    s0 = trend_panel_prior().s0
    s2 = (s0 ** 2 + float(((d - mu * g) ** 2 / g).sum())) / len(d)
    return float(mu / math.sqrt(s2 / g.sum()))


def pool_feature(series: pd.Series, feature: str | None) -> float:
    """The series as the pool's weight sees it (``x`` in ``logit w = c0 + c1 * x``).

    Parameters
    ----------
    series : pandas.Series
        The annual values the model read.
    feature : {"length", "steadiness"} or None
        ``"length"``: doublings of the number of annual points beyond 4 (``log2(n / 4)``;
        0 for 4 points, 1 for 8); ``"steadiness"``: ``asinh(t / 2)`` of the
        :func:`growth_t_statistic` ``t`` (0 for no clear growth, about 0.9 at ``t = 2``,
        growing as ``log t`` beyond, so a long series' large t does not dominate); None: 0.

    Returns
    -------
    float
    """
    if feature is None:
        return 0.0
    feature = check_choice("feature", "pool_feature", feature, POOL_FEATURES)
    if feature == "length":
        return float(np.log2(max(len(series.dropna()), 1) / 4.0))
    return float(np.arcsinh(growth_t_statistic(series) / 2.0))


@dataclass(frozen=True, slots=True)
class Pool:
    """The posterior of the model's weight in the logit pool of :func:`combine`.

    The weight may depend on a feature of the series the model read:
    :math:`\\operatorname{logit} w = c_0 + c_1 x`, with :math:`x` its :func:`pool_feature`
    (``feature``); ``c1`` is 0 for a pool learned without one.

    Attributes
    ----------
    c0, c1, posterior : numpy.ndarray
        Grid points of the coefficients and their posterior probabilities.
    n, n_met : int
        Resolved targets it was learned from, and those met.
    prior_sd : float
        Standard deviation of the normal priors on ``c0`` and ``c1`` (centred on 0).
    source : str
        What it was learned from.
    feature : str or None
        The feature of :data:`POOL_FEATURES` the weight depends on (None: one weight).
    """

    c0: np.ndarray
    c1: np.ndarray
    posterior: np.ndarray
    n: int
    n_met: int
    prior_sd: float
    source: str
    feature: str | None = None

    def x_of(self, series: pd.Series) -> float | None:
        """The :func:`pool_feature` of ``series`` this pool reads (None without a feature)."""
        return None if self.feature is None else pool_feature(series, self.feature)

    def weights(self, x: float | None = None) -> np.ndarray:
        """The model's weight at every grid point for a series with feature ``x``."""
        return _expit(self.c0 + self.c1 * (0.0 if x is None else float(x)))

    def mean(self, x: float | None = None) -> float:
        """Posterior mean of the model's weight (for a series with feature ``x``)."""
        return float(self.posterior @ self.weights(x))

    def sd(self, x: float | None = None) -> float:
        """Posterior standard deviation of the model's weight."""
        w = self.weights(x)
        return float(np.sqrt(self.posterior @ (w - self.posterior @ w) ** 2))

    def interval(self, level: float = 0.8, x: float | None = None) -> tuple[float, float]:
        """Central posterior interval of the weight."""
        w = self.weights(x)
        order = np.argsort(w)
        cdf = np.cumsum(self.posterior[order])
        lo, hi = np.searchsorted(cdf, [(1 - level) / 2, (1 + level) / 2])
        return (float(w[order][min(lo, len(cdf) - 1)]),
                float(w[order][min(hi, len(cdf) - 1)]))

    def predict(self, p_inside: Any, p_outside: Any, x: Any = None) -> np.ndarray:
        """The pooled probability, averaged over the posterior (vectorised over targets)."""
        li = _logit(np.asarray(p_inside, dtype=float))[..., None]
        lo = _logit(np.asarray(p_outside, dtype=float))[..., None]
        f = (np.zeros(np.shape(li)) if x is None
             else np.asarray(x, dtype=float)[..., None] * np.ones(np.shape(li)))
        w = _expit(self.c0 + self.c1 * f)
        return _expit(w * li + (1 - w) * lo) @ self.posterior

    def describe(self, x: float | None = None) -> str:
        """One sentence: the weight, its uncertainty, what it was learned from."""
        lo, hi = self.interval(0.8, x)
        at = ("" if x is None or self.feature is None
              else f" for this series ({self.feature} {x:.2f})")
        return (f"model weight {self.mean(x):.2f}{at} (sd {self.sd(x):.2f}, "
                f"80 % interval {lo:.2f}-{hi:.2f}; prior centred on 0.5) learned from "
                f"the {self.n} resolved targets the model can judge ({self.n_met} met)")


def learn_pool(
    p_inside: Sequence[float], p_outside: Sequence[float], outcomes: Sequence[float], *,
    feature: str | None = None, x: Sequence[float] | None = None,
    prior_sd: float = POOL_PRIOR_SD, source: str = "given targets",
) -> Pool:
    """The posterior of the model's weight in the logit pool, from resolved targets.

    Parameters
    ----------
    p_inside, p_outside : sequence of float
        Each target's inside-view probability and outside view (judged without the target's
        own pair).
    outcomes : sequence of float
        1 where the target was met, else 0.
    feature : {"length", "steadiness"}, optional
        The weight then depends on this :func:`pool_feature` of the series (``c1``); None:
        one weight for every series.
    x : sequence of float, optional
        With ``feature``: each target's :func:`pool_feature` of the series its inside view
        read.
    prior_sd : float, default :data:`POOL_PRIOR_SD`
        Standard deviation of the normal priors on ``c0`` and ``c1``, centred on 0.
    source : str
        A label kept in :attr:`Pool.source`.

    Returns
    -------
    Pool

    Notes
    -----
    Likelihood :math:`\\prod_i p_i^{y_i}(1 - p_i)^{1 - y_i}` with
    :math:`p_i = \\operatorname{logit}^{-1}(w_i\\,\\operatorname{logit} p^{in}_i + (1 - w_i)
    \\operatorname{logit} p^{out}_i)` and :math:`\\operatorname{logit} w_i = c_0 + c_1 x_i`,
    times the normal priors (centred on no dependence), on a grid. With few targets the prior keeps
    the weight away from 0 and 1; a corner needs evidence whose posterior interval excludes
    the middle.

    Examples
    --------
    >>> pool = learn_pool([0.9, 0.2, 0.8], [0.3, 0.3, 0.3], [1, 0, 1])
    >>> 0.5 < pool.mean() < 1.0
    True
    """
    func = "learn_pool"
    p_in = np.asarray(p_inside, dtype=float)
    p_out = np.asarray(p_outside, dtype=float)
    y = np.asarray(outcomes, dtype=float)
    if not (p_in.shape == p_out.shape == y.shape):
        raise fail("outcomes", func, "as many as the probabilities", y.size)
    if not (np.all(np.isfinite(p_in)) and np.all(np.isfinite(p_out))):
        raise fail("p_inside", func, "finite probabilities", p_in.tolist())
    prior_sd = check_real("prior_sd", func, prior_sd, lo=0.0, lo_open=True)
    if feature is None:
        c0, c1 = _C0_GRID, np.zeros_like(_C0_GRID)
        f = np.zeros_like(y)
    else:
        feature = check_choice("feature", func, feature, POOL_FEATURES)
        f = np.asarray([] if x is None else x, dtype=float)
        if f.shape != y.shape or not np.all(np.isfinite(f)):
            raise fail("x", func, f"one finite {feature} per target",
                       None if x is None else f.tolist())
        c0, c1 = (g.ravel() for g in np.meshgrid(_C0_GRID, _C1_GRID))
    log_post = -0.5 * ((c0 / prior_sd) ** 2 + (c1 / prior_sd) ** 2)
    if y.size:
        w = _expit(c0[:, None] + c1[:, None] * f[None, :])
        p = _expit(w * _logit(p_in)[None, :] + (1 - w) * _logit(p_out)[None, :])
        log_post = log_post + (y * np.log(p) + (1 - y) * np.log1p(-p)).sum(axis=1)
    post = np.exp(log_post - log_post.max())
    return Pool(c0=c0, c1=c1, posterior=post / post.sum(), n=int(y.size), n_met=int(y.sum()),
                prior_sd=prior_sd, source=source, feature=feature)


#: Inside-view probabilities of the resolved reference targets (the default model, each on
#: the data dated before the announcement, panel priors leaving the pair out), written by
#: ``python benchmarks/accuracy.py --reference --write-pool``.
POOL_FILE = "reference_inside.csv"


#: :func:`pool_inputs` of the shipped files, stored with their hash (each outside view is a
#: fit with the target's pair left out: most of a second in all); written by
#: :func:`write_pool_inputs`.
POOL_INPUTS_FILE = "reference_pool_inputs.json"
_POOL_INPUTS = ("reference_targets.csv", "reference_series.csv", POOL_FILE)


def write_pool_inputs(folder: Any = None) -> Any:
    """Store :func:`pool_inputs` of the shipped files (:data:`POOL_INPUTS_FILE`, in
    ``folder``, default the package's data folder); returns the file's path."""
    from ..data.stored import write_stored

    inputs = pool_inputs()
    value = {c: [v.item() if hasattr(v, "item") else v for v in inputs[c]]
             for c in inputs.columns}
    return write_stored(POOL_INPUTS_FILE, _POOL_INPUTS, value, folder)


def reference_inside() -> pd.DataFrame:
    """The shipped inside views of the resolved reference targets (:data:`POOL_FILE`)."""
    from ..data.schema import data_file
    from ..errors import DataError

    try:
        return pd.read_csv(data_file(POOL_FILE))
    except DataError:
        return pd.DataFrame(columns=["pair", "target_usd_bn", "currency", "announced",
                                     "deadline", "met", "points", "p_inside"])


def pool_inputs(targets: pd.DataFrame | None = None) -> pd.DataFrame:
    """Each shipped inside view with the outside view of its target, the pair left out, and
    every :func:`pool_feature` of the series before the announcement (one column each)."""
    from ..data.reference import reference_panel, reference_targets

    ref = reference_targets() if targets is None else targets
    inside = reference_inside()
    key = ["pair", "target_usd_bn", "announced", "deadline"]
    columns = [*key, "met", "points", "p_inside", "p_outside", *POOL_FEATURES]
    if inside.empty:
        return pd.DataFrame(columns=columns)
    rows = []
    panels: dict[str, dict[str, pd.Series]] = {}
    for r in inside.itertuples(index=False):
        match = ref[(ref["pair"] == r.pair) & np.isclose(ref["target_usd_bn"], r.target_usd_bn)
                    & (ref["announced"] == r.announced) & (ref["deadline"] == r.deadline)]
        if match.empty:
            continue
        cur = str(match["currency"].iloc[0])
        panel = panels.setdefault(cur, reference_panel(currency=cur))
        s = panel[r.pair]
        before = s[s.index < int(r.announced)]
        same_pair = ref.index[ref["pair"] == r.pair]
        ov = outside_view(_Level(float(r.target_usd_bn), int(r.deadline)), before,
                          targets=ref, exclude=same_pair)
        rows.append({**{k: getattr(r, k) for k in key}, "met": float(r.met),
                     "points": int(r.points), "p_inside": float(r.p_inside),
                     "p_outside": ov.base_rate,
                     **{f: pool_feature(before, f) for f in POOL_FEATURES}})
    return pd.DataFrame(rows, columns=columns)


@dataclass(frozen=True, slots=True)
class _Level:
    value: float
    by: int


@functools.cache
def reference_pool() -> Pool:
    """The pool learned from every resolved reference target with a shipped inside view.

    Each target's outside view leaves its own pair out of the record; the inside views are
    those of :data:`POOL_FILE`. Without that file, the prior alone (weight 0.5 +- 0.21).
    Cached.
    """
    from ..data.stored import read_stored

    stored = read_stored(POOL_INPUTS_FILE, _POOL_INPUTS)
    inputs = pd.DataFrame(stored) if stored is not None else pool_inputs()
    return learn_pool(inputs["p_inside"], inputs["p_outside"], inputs["met"],
                      feature=POOL_FEATURE,
                      x=None if POOL_FEATURE is None else inputs[POOL_FEATURE],
                      source=f"{len(inputs)} resolved reference targets")


def combine(p_inside: float, outside: OutsideView | float, *,
            weight: float | None = None, pool: Pool | None = None,
            series: pd.Series | None = None) -> float:
    """Pool the inside view and the outside view on the logit scale.

    Parameters
    ----------
    p_inside : float
        The model's probability.
    outside : OutsideView or float
        The outside view (or its base rate).
    weight : float, optional
        A fixed weight of the inside view, in [0, 1]; by default the weight is integrated
        over the posterior of ``pool``.
    pool : Pool, optional
        The weight's posterior; default :func:`reference_pool`.
    series : pandas.Series, optional
        The annual values the model read, where the pool's weight depends on a feature of
        them (:attr:`Pool.feature`); without it the feature is 0.

    Returns
    -------
    float
        :math:`\\int \\operatorname{logit}^{-1}(w\\,\\operatorname{logit} p_{in} + (1 - w)
        \\operatorname{logit} p_{out})\\,p(w \\mid \\text{record})\\,dw`, both
        probabilities first kept within [:data:`EPS`, 1 - :data:`EPS`] (generalised
        logarithmic pooling; Genest and Zidek, 1986, Statistical Science 1(1)). Increasing
        in both probabilities for every weight.

    Examples
    --------
    >>> round(combine(0.8, 0.2, weight=0.5), 3)
    0.5
    """
    func = "combine"
    p_in = check_real("p_inside", func, p_inside, lo=0.0, hi=1.0)
    base = outside.base_rate if isinstance(outside, OutsideView) else outside
    p_out = check_real("outside", func, base, lo=0.0, hi=1.0)
    if weight is not None:
        w = check_real("weight", func, weight, lo=0.0, hi=1.0)
        z = w * _logit(np.array(p_in)) + (1 - w) * _logit(np.array(p_out))
        return float(_expit(z))
    pool = reference_pool() if pool is None else pool
    x = None if series is None else pool.x_of(series)
    return float(pool.predict([p_in], [p_out], None if x is None else [x])[0])
