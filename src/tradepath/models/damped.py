"""The damped trend in logs: a level and a slope (the annual log growth) that decays
geometrically towards zero, the damping weighed on a fixed grid because a handful of points
cannot estimate it freely; its prior learned from the panel of trade pairs.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from .._validation import check_choice, check_int, check_real, fail
from ..errors import ModelError
from ._base import FitResult, GrowthModel
from .priors import (
    MAX_SIGMA,
    REFERENCE_TREND_PRIOR,
    TrendPosterior,
    TrendPrior,
    draw_bounded_sigma2,
    panel_series,
    trend_posterior,
)

__all__ = [
    "DEFAULT_DISCOUNT",
    "DEFAULT_PHI_GRID",
    "DEFAULT_WINDOW",
    "KAPPA_SCALES",
    "DampedTrend",
    "DampedTrendFit",
    "trend_panel_prior",
]

#: Damping values the damped trend weighs: 0.50, 0.54, ..., 0.98 and 1.0 (no damping, which
#: the synthetic backtests of docs/models.md showed to be needed for series whose growth does
#: not decay).
DEFAULT_PHI_GRID: tuple[float, ...] = (*(round(0.5 + 0.04 * i, 2) for i in range(13)), 1.0)


#: The strength of the trend prior is a discrete mixture: the panel's weights ``kappa0`` (of
#: the growth) and ``nu0`` (of the volatility), or a tenth, a hundredth or a thousandth of
#: them, a priori equally likely. A normal prior worth ``kappa0`` increments pulls every series
#: towards the panel's typical growth however clearly its own data speak; the mixture has
#: heavier tails (a scale mixture of normals, like a Student t), so a long, steady series far
#: from the panel moves the weight to the lighter components and keeps its own growth and
#: volatility, while a short or noisy one stays near the panel (the marginal likelihood decides,
#: per series). The equal probabilities are fixed, not learned: learned from the panel they put
#: 0.70 on the full strength and scored the same out of sample (docs/models.md).
KAPPA_SCALES: tuple[float, ...] = (1.0, 0.1, 0.01, 0.001)

#: Weight of an increment per year of its age (:class:`DampedTrend`'s ``discount``): 1.0,
#: every increment alike. The reference targets' stored inside views
#: (``reference_inside.csv``) were computed with it and are rewritten if it changes.
DEFAULT_DISCOUNT = 1.0

#: Years the damped trend reads (:class:`DampedTrend`'s ``window``): the figures of the last
#: 20 years, and at least the last four. Chosen by leave-one-pair-out scores on the reference
#: panel (docs/models.md); a series shorter than that is read whole. The reference targets'
#: stored inside views (``reference_inside.csv``) were computed with it.
DEFAULT_WINDOW: int | None = 20


def mixture_posterior(
    prior: TrendPrior, slope_hat: np.ndarray, rss: np.ndarray, s_xx: np.ndarray,
    m: int | np.ndarray, *, scales: Sequence[float] = KAPPA_SCALES,
) -> tuple[list[TrendPosterior], np.ndarray]:
    """:func:`trend_posterior` under each component of the :data:`KAPPA_SCALES` mixture.

    Returns the posteriors (one per component; a single one when ``prior.kappa0`` is 0) and
    their log marginal likelihoods stacked, shape ``(n_components, n)``, each including the
    component's prior probability.
    """
    scales = tuple(scales) if prior.kappa0 > 0 or prior.nu0 > 0 else (1.0,)
    posts = [trend_posterior(replace(prior, kappa0=prior.kappa0 * c, nu0=prior.nu0 * c),
                             slope_hat, rss, s_xx, m) for c in scales]
    return posts, np.vstack([p.log_ml for p in posts]) - np.log(len(scales))


def _damped_regression(
    t: np.ndarray, y: np.ndarray, phi: np.ndarray, discount: float = 1.0
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Weighted least squares of the increments on the damped growth, for every phi.

    Returns ``(slope_hat, rss, s_xx)``, each of shape ``(len(phi),)``: the estimated log growth
    in the last year, the weighted residual sum of squares and the weighted sum of squared
    regressors. An increment ending ``a`` years before the last one is weighted
    ``discount ** a`` (see :class:`DampedTrend`).
    """
    last = t[-1]
    years = np.arange(t[0] + 1, last + 1)
    # growth in year j is slope_T * phi^(j - T); an increment sums the growth of its years
    growth = phi[:, None] ** (years - last)[None, :]
    cum = np.concatenate([np.zeros((len(phi), 1)), np.cumsum(growth, axis=1)], axis=1)
    pos = (t - t[0]).astype(int)
    c = cum[:, pos[1:]] - cum[:, pos[:-1]]
    d = np.diff(y)
    w = _discounts(t, discount) / np.diff(t)
    s_xx = (w * c * c).sum(axis=1)
    slope = (w * c * d).sum(axis=1) / s_xx
    rss = (w * (d - slope[:, None] * c) ** 2).sum(axis=1)
    return slope, rss, s_xx


def _discounts(t: np.ndarray, discount: float) -> np.ndarray:
    """The weight of each increment: ``discount`` to the power of its end's age."""
    return discount ** (t[-1] - t[1:])


# -- the damped trend's prior, learned from the panel -------------------------------------------

#: Bounds of the trend prior's hyperparameters: log nu0, log s0, b0, log kappa0.
_TREND_BOUNDS = ((np.log(0.2), np.log(50.0)), (np.log(0.005), np.log(MAX_SIGMA)),
                 (-0.3, 0.4), (np.log(0.01), np.log(100.0)))
#: Centre and scale of the weak hyperprior (one pseudo-pair's worth): 2 degrees of freedom
#: around a 10 % volatility, growth 5 % a year worth one increment, each within a factor e.
_TREND_START = np.array([np.log(2.0), np.log(0.1), 0.05, np.log(1.0)])
_TREND_SCALE = np.array([1.0, 1.0, 0.1, 1.0])


def _trend_stats(series: Mapping[str, pd.Series]) -> list[tuple[np.ndarray, ...]]:
    """Per series with 4 or more points: the damped regression on the default grid, each
    series read whole (not through :data:`DEFAULT_WINDOW`: the window was chosen, and its
    scores measured, with the prior learned this way)."""
    grid = np.asarray(DEFAULT_PHI_GRID)
    out = []
    for s in series.values():
        if len(s) < 4:
            continue
        t = s.index.to_numpy(dtype=float)
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            slope, rss, s_xx = _damped_regression(t, np.log(s.to_numpy(dtype=float)), grid)
        ok = np.isfinite(slope) & np.isfinite(rss) & np.isfinite(s_xx) & (s_xx > 0)
        if not ok.any():
            continue
        out.append((slope[ok], np.maximum(rss[ok], np.finfo(float).tiny), s_xx[ok],
                    np.full(ok.sum(), len(s) - 1)))
    return out


@functools.lru_cache(maxsize=64)
def _trend_prior_cached(key: tuple[tuple[str, tuple[int, ...], tuple[float, ...]], ...],
                        slope: bool, source: str, mixture: bool = True) -> TrendPrior:
    from scipy import optimize

    series = {k: pd.Series(v, index=pd.Index(y, name="year")) for k, y, v in key}
    stats = _trend_stats(series)
    if len(stats) < 3:
        raise ModelError(f"trend_panel_prior: needs at least 3 pairs with 4 or more annual "
                         f"points; got {len(stats)}.")

    n_h = 4 if slope else 2

    def prior_of(h: np.ndarray) -> TrendPrior:
        return TrendPrior(nu0=float(np.exp(h[0])), s0=float(np.exp(h[1])),
                          b0=float(h[2]) if slope else 0.0,
                          kappa0=float(np.exp(h[3])) if slope else 0.0, source=source)

    # All pairs at once: their grid values side by side, each pair a segment.
    sl, rss, sxx, m = (np.concatenate(a) for a in zip(*stats, strict=True))
    sizes = np.array([len(st[0]) for st in stats])
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])

    def neg(h: np.ndarray) -> float:
        # the kappa mixture summed out (its prior probabilities are in the log marginals)
        lm = _logsumexp0(mixture_posterior(prior_of(h), sl, rss, sxx, m,
                                           scales=KAPPA_SCALES if mixture else (1.0,))[1])
        # uniform prior on the grid values that fit: log mean of the marginals, per pair
        top = np.maximum.reduceat(lm, starts)
        per_pair = top + np.log(np.add.reduceat(np.exp(lm - np.repeat(top, sizes)), starts))
        total = float(np.sum(per_pair - np.log(sizes)))
        penalty = 0.5 * np.sum(((h - _TREND_START[:n_h]) / _TREND_SCALE[:n_h]) ** 2)
        return -total + float(penalty)

    start = _TREND_START[:n_h]
    bounds = _TREND_BOUNDS[:n_h]
    res = optimize.minimize(neg, start, method="L-BFGS-B", bounds=bounds)
    return prior_of(res.x)


def _logsumexp0(a: np.ndarray) -> np.ndarray:
    top = a.max(axis=0)
    return top + np.log(np.exp(a - top).sum(axis=0))


def trend_panel_prior(
    panel: Any = None, *, exclude: Iterable[str] = (), slope: bool = True,
    strength_mixture: bool = True,
) -> TrendPrior:
    """The damped trend's prior learned from a panel of trade pairs by empirical Bayes.

    Parameters
    ----------
    panel : mapping or DataFrame, optional
        The pairs' annual series (see :func:`panel_series`). Default: the shipped reference
        panel, :func:`tradepath.reference.reference_panel`.
    exclude : iterable of str, default ()
        Pairs to leave out (leave-one-pair-out validation).
    slope : bool, default True
        Learn the growth part (``b0``, ``kappa0``) too; False: the volatility part only,
        with a flat prior on the growth (``kappa0 = 0``).
    strength_mixture : bool, default True
        Learn the prior as :class:`DampedTrend` uses it, inside the :data:`KAPPA_SCALES`
        mixture of strengths; False: a single strength.

    Returns
    -------
    TrendPrior
        The hyperparameters maximising the panel's marginal likelihood under the damped trend,
        :math:`\\prod_i \\frac{1}{|G|}\\sum_{\\phi \\in G} p(d_i \\mid \\phi)` over the pairs with
        4 or more points and the default grid :math:`G` (each term in closed form, see
        :func:`trend_posterior`), with a weak hyperprior (normal, sd 1 on the log scale of
        ``nu0``, ``s0``, ``kappa0`` centred on 2, 0.1 and 1; sd 0.1 on ``b0`` around 0.05).
        Cached: the same panel gives the same prior at no cost.

    Raises
    ------
    ModelError
        Fewer than three pairs with four or more points remain.
    """
    check_choice("slope", "trend_panel_prior", slope, (True, False))
    check_choice("strength_mixture", "trend_panel_prior", strength_mixture, (True, False))
    if panel is None:
        if (isinstance(exclude, tuple | list | set | frozenset) and not exclude
                and strength_mixture):
            return _shipped_trend_prior(slope)  # the default: every fit asks for it
        from ..data.reference import reference_panel

        panel = reference_panel(min_points=2)
    series = panel_series(panel)
    drop = {str(e) for e in ([exclude] if isinstance(exclude, str) else exclude)}
    series = {k: v for k, v in series.items() if k not in drop}
    key = tuple((k, tuple(int(y) for y in s.index), tuple(float(v) for v in s.to_numpy()))
                for k, s in sorted(series.items()))
    n = sum(len(s) >= 4 for s in series.values())
    src = f"empirical Bayes on {n} pairs" + ("" if slope else ", volatility only")
    if drop:
        src += f" (leaving out {', '.join(sorted(drop))})"
    return _trend_prior_cached(key, slope, src, strength_mixture)


#: The shipped panel's priors as learned by :func:`trend_panel_prior`, stored with the hash of
#: the panel's file (:mod:`tradepath.data.stored`; :func:`write_shipped_trend_prior` writes it).
PRIOR_FILE = "damped_panel_prior.json"
_PRIOR_INPUTS = ("reference_series.csv",)


@functools.cache
def _shipped_trend_prior(slope: bool) -> TrendPrior:
    """:func:`trend_panel_prior` of the shipped panel, once per process (stored when it was
    learned from the same panel)."""
    from ..data.stored import read_stored

    stored = read_stored(PRIOR_FILE, _PRIOR_INPUTS)
    if stored is not None and ("slope" if slope else "volatility") in stored:
        return TrendPrior(**stored["slope" if slope else "volatility"])
    return _learn_shipped_trend_prior(slope)


def _learn_shipped_trend_prior(slope: bool) -> TrendPrior:
    from ..data.reference import reference_panel

    return trend_panel_prior(reference_panel(min_points=2), slope=slope)


def write_shipped_trend_prior(folder: Any = None) -> Any:
    """Learn the shipped panel's priors and store them (:data:`PRIOR_FILE`, in ``folder``,
    default the package's data folder); returns the file's path."""
    import dataclasses

    from ..data.stored import write_stored

    value = {name: dataclasses.asdict(_learn_shipped_trend_prior(slope))
             for name, slope in (("slope", True), ("volatility", False))}
    return write_stored(PRIOR_FILE, _PRIOR_INPUTS, value, folder)


@dataclass(frozen=True, slots=True, kw_only=True)
class DampedTrendFit(FitResult):
    """A fitted :class:`DampedTrend`.

    ``params``: ``phi`` (posterior mean of the damping), ``phi_map`` (most probable grid
    value), ``slope`` (log growth in the last year, posterior mean), ``sigma`` (annual log
    volatility, root of the posterior-weighted :math:`s_n^2`). ``extras``: the grid and, per
    grid value, ``weights``, ``slope_hat``, ``rss`` and ``s_xx`` (the least-squares fit) and
    ``post_mean``, ``post_kappa``, ``post_nu``, ``post_scale`` (the posterior, see
    :class:`~tradepath.models.priors.TrendPosterior`, stacked per component of the
    :data:`KAPPA_SCALES` mixture), ``mix_weights`` and ``mix_phi`` (the posterior weight and
    damping of each stacked entry; ``weights`` sums the mixture out); ``n_increments`` (of
    the figures read), ``prior`` (the :class:`~tradepath.models.priors.TrendPrior` as a
    dict), ``parameter_uncertainty``, ``read`` (the note saying which figures the ``window``
    left out; empty when none).
    """

    def _simulate_log(self, n_paths: int, steps: int, rng: np.random.Generator) -> np.ndarray:
        # per (kappa component, damping) pair: the posterior arrays are stacked that way
        grid = np.asarray(self.extras["mix_phi"])
        weights = np.asarray(self.extras["mix_weights"])
        nu = np.asarray(self.extras["post_nu"])
        scale = np.asarray(self.extras["post_scale"])
        mean = np.asarray(self.extras["post_mean"])
        if self.extras["parameter_uncertainty"]:
            idx = rng.choice(len(grid), size=n_paths, p=weights)
            # sigma^2 | phi ~ scale / chi2(nu) truncated at MAX_SIGMA^2 (finite means);
            # slope | sigma^2, phi ~ N(mean, sigma^2 / kappa)
            sigma = np.sqrt(draw_bounded_sigma2(rng, scale[idx], nu[idx], n_paths))
            slope = (mean[idx] + sigma / np.sqrt(np.asarray(self.extras["post_kappa"])[idx])
                     * rng.standard_normal(n_paths))
        else:
            idx = np.full(n_paths, int(np.argmax(weights)))
            sigma = np.minimum(np.sqrt(scale[idx] / nu[idx]), MAX_SIGMA)
            slope = mean[idx]
        phi = grid[idx][:, None]
        h = np.arange(1, steps + 1, dtype=float)
        drift = slope[:, None] * np.cumsum(phi ** h, axis=1)
        noise = np.cumsum(sigma[:, None] * rng.standard_normal((n_paths, steps)), axis=1)
        return np.log(self.last_value) + drift + noise


class DampedTrend(GrowthModel):
    """Damped trend in logs: growth decays geometrically towards zero; damping on a grid.

    Parameters
    ----------
    phi_grid : sequence of float, default :data:`DEFAULT_PHI_GRID` (0.50, 0.54, ..., 0.98, 1)
        Damping values to weigh, each in (0, 1]. The value 1.0 admits undamped growth (the
        random walk with drift), so the data decide between decay and none.
    parameter_uncertainty : bool, default True
        Draw the damping, slope and volatility per path (see Notes); False holds them at the
        most probable damping and its estimates: for checks only, too narrow for decisions.
    prior : TrendPrior, "panel", "reference" or None, default "panel"
        The prior of the last year's growth and the volatility (see Notes): ``"panel"``, the
        one learned from the shipped panel (:func:`~tradepath.models.damped.trend_panel_prior`,
        computed at the first fit and cached); a :class:`~tradepath.models.priors.TrendPrior`
        (for instance ``trend_panel_prior(exclude=[pair])``); ``"reference"`` or None, the
        improper reference prior.
    strength_mixture : bool, default True
        Weigh the prior at its full strength and at a tenth, a hundredth and a thousandth of
        it (:data:`KAPPA_SCALES`, a heavy-tailed prior: see Notes); False: the prior as given.
    discount : float, default :data:`DEFAULT_DISCOUNT` (1.0)
        Weight of an increment per year of its age, in (0, 1]: an increment ending ``a``
        years before the last year counts ``discount ** a`` times (see Notes); 1.0 weighs
        every increment alike.
    window : int or None, default :data:`DEFAULT_WINDOW` (20)
        Read only the figures of the last ``window`` years (after ``last_year - window``),
        and at least the last four (see Notes); None reads them all.

    Notes
    -----
    Between consecutive years the log level moves by the year's growth plus a shock, and the
    growth decays by the factor :math:`\\phi` every year:

    .. math::

        \\log y_t = \\log y_{t-1} + \\beta_t + \\eta_t, \\qquad
        \\beta_t = \\phi\\,\\beta_{t-1}, \\qquad \\eta_t \\sim N(0, \\sigma^2).

    This is the damped-trend exponential smoothing model (Gardner and McKenzie, 1985) in
    state-space form with the level smoothing at 1 and the trend smoothing at 0: the level is
    the last observation and the growth path is :math:`\\beta_t = \\beta_T \\phi^{t-T}`. The
    full model has five parameters (two smoothing weights, the damping and two initial
    states), too many for five to eight points; this one has three, and :math:`\\phi` is not
    optimised but weighed on a fixed grid. The expected remaining growth is finite,
    :math:`\\beta_T \\phi/(1-\\phi)`, so the median path levels off (a ceiling that the shocks
    move).

    Gaps are exact: an increment over :math:`k` years,
    :math:`d_i = \\log y_{t_i} - \\log y_{t_{i-1}}`, has mean
    :math:`\\beta_T c_i(\\phi)` with :math:`c_i(\\phi) = \\sum_{j=t_{i-1}+1}^{t_i}
    \\phi^{j-T}` and variance :math:`k\\sigma^2`. Given :math:`\\phi` this is a weighted
    regression through the origin with weights :math:`1/k`: :math:`\\hat\\beta_T`,
    :math:`RSS` and :math:`S_{xx} = \\sum c_i^2/k_i` in closed form.

    **Prior** (``prior=``). A uniform prior on the grid and, given :math:`\\phi`, the
    conjugate normal–scaled-inverse-chi-square prior of
    :class:`~tradepath.models.priors.TrendPrior`:
    :math:`\\sigma^2 \\sim \\text{Scaled-Inv-}\\chi^2(\\nu_0, s_0^2)`,
    :math:`\\beta_T \\mid \\sigma^2 \\sim N(b_0, \\sigma^2/\\kappa_0)`. By default its
    hyperparameters are learned from the shipped panel of trade pairs by empirical Bayes
    (:func:`~tradepath.models.damped.trend_panel_prior`): the typical volatility of a pair's
    annual log growth and the typical growth in its last year. A pair's own series is part of
    that panel when it is one of the shipped pairs (Korea–Vietnam is): its data then count
    twice, once in the prior (one pair of ten, a mild pull) and once in the likelihood; pass
    ``trend_panel_prior(exclude=[pair])`` to avoid it, as the backtests do.
    **Heavy tails** (``strength_mixture=True``). The prior is weighed at its full strength
    and at a tenth, a hundredth and a thousandth of it (``nu0`` and ``kappa0`` scaled
    together, :data:`KAPPA_SCALES`), a priori equally likely; the posterior weights each
    strength by its marginal likelihood. A short or noisy series stays near the panel; a
    long, steady one far from it (20-35 % a year for years) keeps its own growth.
    ``prior="reference"`` (or None) keeps the improper reference prior
    :math:`p(\\beta_T, \\sigma^2) \\propto 1/\\sigma^2` (the limit
    :math:`\\nu_0, \\kappa_0 \\to 0`) for checks: with four increments its volatility has
    a :math:`1/\\chi^2_3` tail and its growth a Student-t tail with 3 degrees of freedom,
    which, compounded over decades with :math:`\\phi` near 1, gave upper bands of thousands of
    bn.

    **Uncertainty** (exact posterior). With :math:`\\kappa_n = \\kappa_0 + S_{xx}`,
    :math:`b_n = (\\kappa_0 b_0 + S_{xx}\\hat\\beta_T)/\\kappa_n`,
    :math:`\\nu_n = \\nu_0 + m` (:math:`\\nu_0 + m - 1` when :math:`\\kappa_0 = 0`: a flat
    prior on the growth) and :math:`\\nu_n s_n^2 = \\nu_0 s_0^2 + RSS + \\kappa_0 S_{xx}
    (\\hat\\beta_T - b_0)^2/\\kappa_n`, the grid weights are the marginal likelihood over the
    :math:`m` increments,

    .. math::

        w(\\phi) \\propto \\kappa_n^{-1/2}\\,(\\nu_n s_n^2)^{-\\nu_n/2}

    (under the reference prior :math:`S_{xx}^{-1/2} RSS^{-(m-1)/2}`: the profile likelihood
    corrected for the information about :math:`\\beta_T`). Each path draws :math:`\\phi` by
    these weights, then :math:`\\sigma^2 \\sim \\nu_n s_n^2/\\chi^2_{\\nu_n}` truncated at
    ``MAX_SIGMA ** 2``, then :math:`\\beta_T \\sim N(b_n, \\sigma^2/\\kappa_n)`, then its
    shocks. With :math:`\\phi = 1` and the reference prior this is exactly the ``random_walk``
    model. The prior is on the growth of the *last* year, which means the same whatever
    :math:`\\phi`; statsmodels' diffuse start puts it on the first year instead, which
    multiplies the weights by :math:`\\phi^{-(T - t_1)}` and would favour weak damping.

    **Discounting** (``discount=`` :math:`\\delta < 1`). The growth path
    :math:`\beta_T \\phi^{t-T}` is deterministic, so an increment decades back is read as
    evidence on today's growth and damping as strongly as last year's: one early figure
    followed by a long gap (1992, then 2004) pins :math:`\\phi` near 1. Weighting the
    likelihood of increment :math:`i` by :math:`\\delta^{T - t_i}` (exponential forgetting,
    the discount factor of West and Harrison, 1997, ch. 6) lets old increments count less:
    :math:`S_{xx}`, :math:`RSS` and the slope use weights :math:`\\delta^{T-t_i}/k_i` and
    :math:`m` becomes the effective count :math:`\\sum_i \\delta^{T - t_i}`.

    **Window** (``window=``, default 20 years). The same reason, with a hard edge: the fit
    reads the figures of the last ``window`` years only (at least the last four), so a figure
    from decades back (the 1992 value of the Korea–Vietnam series, twelve years before the
    next) cannot hold :math:`\\phi` near 1. Unlike the discount it leaves a series shorter than
    the window as it is, so a short, steady, fast-growing series keeps all its evidence. The
    length was chosen by leave-one-pair-out scores on the reference panel, the Korea–Vietnam
    pair left out (docs/models.md).

    Needs at least 4 observations (3 increments).

    References
    ----------
    Gardner, E. S. and McKenzie, E. (1985), "Forecasting trends in time series", Management
    Science 31(10). Hyndman, R. J. et al. (2008), *Forecasting with Exponential Smoothing: the
    State Space Approach*, Springer, ch. 2. West, M. and Harrison, J. (1997), *Bayesian
    Forecasting and Dynamic Models*, 2nd ed., Springer, ch. 6.

    Examples
    --------
    >>> import pandas as pd
    >>> from tradepath.models import DampedTrend
    >>> s = pd.Series({2010: 50.0, 2012: 62.0, 2015: 75.0, 2018: 83.0, 2019: 85.0})
    >>> fit = DampedTrend().fit(s)
    >>> 0.0 < fit.growth < 0.1 and 0.5 <= fit.params["phi"] <= 0.98
    True
    """

    name: ClassVar[str] = "damped_trend"
    min_points: ClassVar[int] = 4

    def __init__(
        self,
        *,
        phi_grid: Sequence[float] = DEFAULT_PHI_GRID,
        parameter_uncertainty: bool = True,
        prior: TrendPrior | str | None = "panel",
        strength_mixture: bool = True,
        discount: float = DEFAULT_DISCOUNT,
        window: int | None = DEFAULT_WINDOW,
    ) -> None:
        try:
            grid = np.asarray(phi_grid, dtype=float)
        except (TypeError, ValueError):
            raise fail("phi_grid", "DampedTrend", "a sequence of numbers in (0, 1]",
                       phi_grid) from None
        if (grid.ndim != 1 or len(grid) == 0 or not np.all(np.isfinite(grid))
                or np.any(grid <= 0) or np.any(grid > 1) or len(np.unique(grid)) != len(grid)):
            raise fail("phi_grid", "DampedTrend", "a non-empty sequence of distinct numbers in "
                       "(0, 1]", phi_grid)
        self.phi_grid: tuple[float, ...] = tuple(float(g) for g in np.sort(grid))
        self.parameter_uncertainty = check_choice(
            "parameter_uncertainty", "DampedTrend", parameter_uncertainty, (True, False))
        if prior is None:
            prior = "reference"
        if not isinstance(prior, TrendPrior) and (
                not isinstance(prior, str) or prior not in ("panel", "reference")):
            raise fail("prior", "DampedTrend", "a TrendPrior, 'panel', 'reference' or None",
                       prior)
        self.prior: TrendPrior | str = prior
        self.strength_mixture = check_choice("strength_mixture", "DampedTrend",
                                             strength_mixture, (True, False))
        self.discount = check_real("discount", "DampedTrend", discount, lo=0.0, hi=1.0,
                                   lo_open=True)
        self.window = None if window is None else check_int("window", "DampedTrend", window,
                                                             lo=1)

    def _prior(self) -> TrendPrior:
        if isinstance(self.prior, TrendPrior):
            return self.prior
        return trend_panel_prior() if self.prior == "panel" else REFERENCE_TREND_PRIOR

    def _read(self, s: pd.Series) -> tuple[pd.Series, str]:
        """The figures the fit reads (see ``window``) and a note when some are left out."""
        if self.window is None:
            return s, ""
        keep = s.index.to_numpy() > s.index[-1] - self.window
        keep[-self.min_points:] = True
        if keep.all():
            return s, ""
        read, out = s[keep], s.index[~keep]
        left = (f"the figure of {out[0]}" if len(out) == 1 else
                f"{len(out)} figures, {out[0]}–{out[-1]},")
        return read, (f"The damped trend reads the last {self.window} years only "
                      f"({read.index[0]}–{read.index[-1]}, {len(read)} figures): {left} left "
                      "out, as a growth rate from that far back says little about today's "
                      "damping.")

    def _fit(self, s: pd.Series) -> DampedTrendFit:
        full = s
        s, windowed = self._read(s)
        t = s.index.to_numpy(dtype=float)
        y = np.log(s.to_numpy(dtype=float))
        grid = np.asarray(self.phi_grid)
        m = float(_discounts(t, self.discount).sum())  # len(y) - 1 without a discount
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            slope, rss, s_xx = _damped_regression(t, y, grid, self.discount)
            ok = np.isfinite(slope) & np.isfinite(rss) & np.isfinite(s_xx) & (s_xx > 0)
            rss = np.maximum(rss, np.finfo(float).tiny)
        prior = self._prior()
        slope, rss = np.where(ok, slope, 0.0), np.where(ok, rss, 1.0)
        s_xx = np.where(ok, s_xx, 1.0)
        posts, log_ml = mixture_posterior(
            prior, slope, rss, s_xx, m, scales=KAPPA_SCALES if self.strength_mixture else (1.0,))
        if not ok.any():
            raise ModelError(
                f"damped_trend: no damping value in {self.phi_grid} gives a usable fit over "
                f"{int(t[0])}–{int(t[-1])} (the span is too long for the smallest values)."
            )
        logw = np.where(ok[None, :], log_ml, -np.inf)
        w_mix = np.exp(logw - logw.max())
        w_mix /= w_mix.sum()
        w = w_mix.sum(axis=0)  # the damping's weights, the mixture summed out
        post = TrendPosterior(*(np.concatenate([getattr(p, f) for p in posts]) for f in (
            "mean", "kappa", "nu", "scale", "log_ml")))
        flat = w_mix.ravel()
        phi_mean = float(w @ grid)
        slope_mean = float(flat @ post.mean)
        sigma = float(np.sqrt(flat @ (post.scale / post.nu)))
        small = float(w_mix[1:].sum())
        phi_map = float(grid[w.argmax()])
        lo, hi = grid[np.minimum(np.searchsorted(np.cumsum(w), [0.1, 0.9]), len(grid) - 1)]
        if phi_mean < 0.999:
            half_life = np.log(0.5) / np.log(phi_mean)
            ceiling = s.iloc[-1] * np.exp(slope_mean * phi_mean / (1 - phi_mean))
            decay = (f"Growth decays by the factor phi each year: phi {phi_mean:.2f} on average "
                     f"over the grid (80 % of the weight between {lo:g} and {hi:g}), a "
                     f"half-life of {half_life:.1f} years; the median path levels off near "
                     f"{ceiling:.4g}.")
        else:
            decay = ("The data put almost all the weight on phi = 1: growth does not decay, "
                     "as in random_walk.")
        if prior.is_reference:
            said = "Reference prior 1/sigma^2 on the growth and volatility."
        else:
            said = (f"Prior on the growth and volatility ({prior.source}): volatility "
                    f"{prior.s0:.3f} worth {prior.nu0:.1f} increments"
                    + (f", last-year growth {prior.b0:+.3f} worth {prior.kappa0:.1f} increments"
                       if prior.kappa0 > 0 else ", flat on the growth")
                    + ("; or a tenth, a hundredth or a thousandth of that strength (a "
                       f"heavy-tailed mixture: the data put {small:.0%} of the weight on the "
                       "lighter ones)." if len(posts) > 1 else "."))
        notes = (
            *((windowed,) if windowed else ()),
            decay,
            f"Damping weighed on a fixed grid, not optimised: {m:.3g} increments"
            + (f" (discounted by {self.discount:g} a year)" if self.discount < 1 else "")
            + " cannot estimate it freely.",
            said,
        )
        extras: dict[str, Any] = {
            "phi_grid": grid.tolist(), "weights": w.tolist(), "slope_hat": slope.tolist(),
            "rss": rss.tolist(), "s_xx": s_xx.tolist(), "post_mean": post.mean.tolist(),
            "post_kappa": post.kappa.tolist(), "post_nu": post.nu.tolist(),
            "post_scale": post.scale.tolist(), "n_increments": len(y) - 1, "prior": prior.to_dict(),
            "parameter_uncertainty": self.parameter_uncertainty,
            "mix_weights": flat.tolist(), "mix_phi": np.tile(grid, len(posts)).tolist(),
            "read": windowed,
        }
        return DampedTrendFit(
            model=self.name, series=full,
            params={"phi": phi_mean, "phi_map": phi_map, "slope": slope_mean, "sigma": sigma},
            growth=float(np.expm1(slope_mean)), notes=notes, extras=extras,
        )
