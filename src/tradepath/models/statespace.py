"""The local linear trend in logs: a level and a slope (the annual log growth) that wanders
as a random walk, estimated as statsmodels' ``UnobservedComponents`` does, on a NumPy Kalman
filter. Its sibling that lets the slope decay towards zero is :mod:`tradepath.models.damped`.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from .._validation import check_choice, check_real
from ..errors import ModelError
from ._base import FitResult, GrowthModel

__all__ = [
    "LocalLinearTrend",
    "LocalLinearTrendFit",
    "filter_trend",
    "trend_loglike",
]

_LOG2PI = float(np.log(2 * np.pi))
#: Variance of the approximate diffuse prior on the initial level and slope (statsmodels'
#: default for ``UnobservedComponents``).
DIFFUSE_VARIANCE = 1e6


def _run_filter(y: np.ndarray, *variances: np.ndarray, phi: np.ndarray | float = 1.0,
                diffuse: float = DIFFUSE_VARIANCE, burn: int | None = None
                ) -> tuple[np.ndarray, ...]:
    """The filter of :func:`filter_trend` (``variances``: irregular, level, slope) vectorised
    over parameter sets: the last year's state (``a0, a1, p00, p01, p11``) and, with ``burn``,
    the log-likelihood of the years from index ``burn`` on (else zeros)."""
    h, q_level, q_slope = (np.asarray(v, dtype=float) for v in variances)
    n = q_level.shape[0]
    phi = np.broadcast_to(np.asarray(phi, dtype=float), (n,))
    start = (np.zeros(n), np.zeros(n), np.full(n, diffuse), np.zeros(n), np.full(n, diffuse))
    obs = [None if np.isnan(v) else v for v in y]
    return _kalman(obs, h, q_level, q_slope, phi, start, np.log, burn)


def _kalman(y: list[Any], h: Any, q_level: Any, q_slope: Any, phi: Any,
            start: tuple[Any, ...], log: Any, burn: int | None) -> tuple[Any, ...]:
    """The Kalman recursions of a (damped) local linear trend on arrays (one element per
    parameter set) or on Python floats (one set, ten times faster for the optimiser);
    ``y`` holds None for a year without an observation."""
    a0, a1, p00, p01, p11 = start
    llf = 0.0 * h
    last = len(y) - 1
    for t, obs in enumerate(y):
        if obs is not None:
            f = p00 + h
            v = obs - a0
            if burn is not None and t >= burn:
                llf = llf - 0.5 * (_LOG2PI + log(f) + v * v / f)
            k0, k1 = p00 / f, p01 / f
            a0, a1 = a0 + k0 * v, a1 + k1 * v
            p00, p01, p11 = p00 * h / f, p01 * h / f, p11 - p01 * p01 / f
        if t == last:
            break
        a0, a1 = a0 + a1, phi * a1
        p00, p01, p11 = (p00 + 2 * p01 + p11 + q_level, phi * (p01 + p11),
                         phi * phi * p11 + q_slope)
    return a0, a1, p00, p01, p11, llf


def trend_loglike(y: np.ndarray, variances: np.ndarray, *,
                  diffuse: float = DIFFUSE_VARIANCE) -> np.ndarray:
    """Log-likelihood of a local linear trend for each row of ``variances``.

    Parameters
    ----------
    y : ndarray, shape (n_years,)
        Log levels on a complete annual index (NaN: no observation).
    variances : ndarray, shape (n_sets, 3)
        ``(irregular, level, slope)`` variances.
    diffuse : float, default 1e6
        Variance of the approximate diffuse prior on the initial state.

    Returns
    -------
    ndarray, shape (n_sets,)

    Notes
    -----
    statsmodels' ``UnobservedComponents(y, "local linear trend").loglike``: the prediction
    error decomposition after an approximate diffuse start, leaving out the first two years
    (one per state) as statsmodels does.
    """
    v = np.atleast_2d(np.asarray(variances, dtype=float))
    return _run_filter(y, v[:, 0], v[:, 1], v[:, 2], diffuse=diffuse, burn=2)[-1]


def filter_trend(
    y: np.ndarray,
    var_irregular: np.ndarray,
    var_level: np.ndarray,
    var_slope: np.ndarray,
    phi: np.ndarray | float = 1.0,
    *,
    diffuse: float = DIFFUSE_VARIANCE,
) -> tuple[np.ndarray, np.ndarray]:
    """Kalman filter of a (damped) local linear trend, vectorised over parameter sets.

    Parameters
    ----------
    y : ndarray, shape (n_years,)
        Log levels on a complete annual index; NaN marks a year without an observation.
    var_irregular, var_level, var_slope : ndarray, shape (n_sets,)
        Variances of the observation noise, the level and the slope disturbances.
    phi : float or ndarray of shape (n_sets,), default 1.0
        Damping of the slope (1: local linear trend).
    diffuse : float, default 1e6
        Variance of the approximate diffuse prior on the initial state (mean zero).

    Returns
    -------
    mean : ndarray, shape (n_sets, 2)
        Filtered (level, slope) in the last year.
    cov : ndarray, shape (n_sets, 2, 2)
        Its covariance.

    Notes
    -----
    The state :math:`(\\mu_t, \\beta_t)` moves as :math:`\\mu_{t+1} = \\mu_t + \\beta_t +
    \\eta_t`, :math:`\\beta_{t+1} = \\phi\\beta_t + \\zeta_t`, and :math:`y_t = \\mu_t +
    \\varepsilon_t` is observed in the years that are not NaN (the filter only predicts through
    the others, which is how gaps are handled exactly). The loop runs over years; every
    operation is vectorised over parameter sets. The update uses
    :math:`P_{00} H / F` instead of :math:`P_{00} - P_{00}^2 / F` to avoid cancellation after a
    diffuse start.
    """
    a0, a1, p00, p01, p11, _ = _run_filter(y, var_irregular, var_level, var_slope, phi=phi,
                                           diffuse=diffuse)
    mean = np.column_stack([a0, a1])
    cov = np.stack([np.column_stack([p00, p01]), np.column_stack([p01, p11])], axis=1)
    return mean, cov


def _draw_state(mean: np.ndarray, cov: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """One draw of a 2-vector per row from N(mean, cov), by a clipped 2 x 2 Cholesky."""
    p00 = np.maximum(cov[:, 0, 0], 0.0)
    l00 = np.sqrt(p00)
    l10 = np.divide(cov[:, 1, 0], l00, out=np.zeros_like(l00), where=l00 > 0)
    l11 = np.sqrt(np.maximum(cov[:, 1, 1] - l10**2, 0.0))
    z = rng.standard_normal((len(mean), 2))
    return mean + np.column_stack([l00 * z[:, 0], l10 * z[:, 0] + l11 * z[:, 1]])


def _simulate_trend(
    state: np.ndarray,
    var_irregular: np.ndarray,
    var_level: np.ndarray,
    var_slope: np.ndarray,
    steps: int,
    rng: np.random.Generator,
) -> np.ndarray:
    """Observed log levels of a local linear trend for ``steps`` years after ``state``.

    ``level_{T+h} = level_T + sum_{j<h} (slope_{T+j} + eta_{j+1})`` with
    ``slope_{T+j} = slope_T + zeta_1 + ... + zeta_j``; one row per path.
    """
    n = len(state)
    zeta = np.sqrt(var_slope)[:, None] * rng.standard_normal((n, steps))
    walk = np.concatenate([np.zeros((n, 1)), np.cumsum(zeta, axis=1)[:, :-1]], axis=1)
    eta = np.sqrt(var_level)[:, None] * rng.standard_normal((n, steps))
    level = state[:, :1] + np.cumsum(state[:, 1:2] + walk + eta, axis=1)
    return level + np.sqrt(var_irregular)[:, None] * rng.standard_normal((n, steps))


def _complete_log(s: pd.Series) -> np.ndarray:
    years = s.index.to_numpy(dtype=int)
    full = s.reindex(range(int(years[0]), int(years[-1]) + 1))
    return np.log(full.to_numpy(dtype=float))


def _hp_filter(x: np.ndarray, lamb: float = 1600.0) -> tuple[np.ndarray, np.ndarray]:
    """Hodrick-Prescott cycle and trend of ``x`` (statsmodels' ``hpfilter``, dense)."""
    n = len(x)
    k = np.diff(np.eye(n), n=2, axis=0)  # second differences, shape (n - 2, n)
    trend = np.linalg.solve(np.eye(n) + lamb * k.T @ k, x)
    return x - trend, trend


def _start_params(y_obs: np.ndarray) -> np.ndarray:
    """statsmodels' starting variances for a local linear trend (irregular, level, slope),
    from two passes of the Hodrick-Prescott filter over the observed log levels."""
    resid, trend1 = _hp_filter(y_obs)
    cycle2, trend2 = _hp_filter(trend1)
    return np.array([np.var(resid), np.std(cycle2) ** 2, np.std(trend2) ** 2])


def _maximise(y: np.ndarray, y_obs: np.ndarray) -> tuple[np.ndarray, float, bool]:
    """Maximum likelihood of the square roots of the three variances: (estimate,
    log-likelihood, converged).

    The steps of statsmodels' ``UnobservedComponents.fit``, on :func:`trend_loglike`: its
    starting values; L-BFGS on minus the mean log-likelihood over the square roots (its
    unconstrained parameters) with forward differences of step 1e-5; then Powell from
    there if L-BFGS stops short (often in its line search next to the optimum, where the
    numerical gradient is noise; Powell needs none).
    """
    from scipy import optimize

    nobs = len(y)
    obs = [None if math.isnan(v) else float(v) for v in y]
    start = (0.0, 0.0, DIFFUSE_VARIANCE, 0.0, DIFFUSE_VARIANCE)

    def neg(u: np.ndarray) -> float:
        h, q_level, q_slope = (float(v) for v in u**2)
        return -_kalman(obs, h, q_level, q_slope, 1.0, start, math.log, 2)[-1] / nobs

    u = np.sqrt(_start_params(y_obs))
    u, fun, info = optimize.fmin_l_bfgs_b(neg, u, approx_grad=True, epsilon=1e-5,
                                          bounds=[(None, None)] * len(u), maxiter=500)
    converged = info["warnflag"] == 0
    if not converged:
        u, fun, *_, warnflag = optimize.fmin_powell(
            neg, np.sqrt(u**2), xtol=1e-4, ftol=1e-4, maxiter=2000, full_output=True,
            disp=False)
        converged = not warnflag
    u = np.sqrt(u**2)  # the likelihood is even in each square root
    return u, float(-fun * nobs), bool(converged)


def _hessian(y: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Hessian of the log-likelihood in the square roots of the variances at ``u``:
    statsmodels' ``approx_hess3`` (Ridout's four-point formula, step ``eps**(1/4) *
    max(|u|, 0.1)``), its 24 points in one vectorised filter run."""
    n = len(u)
    h = np.finfo(float).eps ** 0.25 * np.maximum(np.abs(u), 0.1)
    ee = np.diag(h)
    pairs = [(i, j) for i in range(n) for j in range(i, n)]
    pts = np.array([u + si * ee[i] + sj * ee[j] for i, j in pairs
                    for si, sj in ((1, 1), (1, -1), (-1, 1), (-1, -1))])
    ll = trend_loglike(y, pts**2).reshape(len(pairs), 4)
    hess = np.empty((n, n))
    for k, (i, j) in enumerate(pairs):
        hess[i, j] = hess[j, i] = ((ll[k, 0] - ll[k, 1]) - (ll[k, 2] - ll[k, 3])) / (
            4.0 * h[i] * h[j])
    return hess


# -- local linear trend ----------------------------------------------------------------------

_UC_NAMES = ("sigma2_irregular", "sigma2_level", "sigma2_trend")


@dataclass(frozen=True, slots=True, kw_only=True)
class LocalLinearTrendFit(FitResult):
    """A fitted :class:`LocalLinearTrend`.

    ``params``: ``sigma2_irregular``, ``sigma2_level``, ``sigma2_trend`` (variances, logs),
    ``level`` and ``slope`` (filtered log level and annual log growth in the last year).
    ``extras``: ``y`` (log levels on the complete annual index, NaN in gaps), ``sqrt_params``
    and ``sqrt_cov`` (the square roots of the variances and their asymptotic covariance),
    ``loglike``, ``parameter_uncertainty``.
    """

    def _simulate_log(self, n_paths: int, steps: int, rng: np.random.Generator) -> np.ndarray:
        u_hat = np.asarray(self.extras["sqrt_params"])
        if self.extras["parameter_uncertainty"]:
            cov = np.asarray(self.extras["sqrt_cov"])
            u = rng.multivariate_normal(u_hat, cov, size=n_paths, method="eigh")
        else:
            u = np.broadcast_to(u_hat, (n_paths, 3))
        var = u**2
        mean, state_cov = filter_trend(np.asarray(self.extras["y"]), var[:, 0], var[:, 1],
                                       var[:, 2])
        state = _draw_state(mean, state_cov, rng)
        return _simulate_trend(state, var[:, 0], var[:, 1], var[:, 2], steps, rng)


class LocalLinearTrend(GrowthModel):
    """Local linear trend in logs (as statsmodels' ``UnobservedComponents``), gaps as missing
    years.

    Parameters
    ----------
    max_sqrt_se : float, default 0.5
        Refuse the fit when the standard error of any variance's square root (an annual log
        standard deviation) exceeds this: the likelihood is then too flat to say whether the
        level or the growth rate moves, and the draws would be arbitrary.
    parameter_uncertainty : bool, default True
        Draw the variances per path (see Notes); False holds them at the estimates, as
        statsmodels' ``simulate`` does: for checks only, too narrow for decisions.

    Notes
    -----
    .. math::

        \\log y_t = \\mu_t + \\varepsilon_t, \\quad
        \\mu_{t+1} = \\mu_t + \\beta_t + \\eta_t, \\quad
        \\beta_{t+1} = \\beta_t + \\zeta_t,

    with independent normal :math:`\\varepsilon, \\eta, \\zeta` of variances
    :math:`\\sigma^2_\\varepsilon, \\sigma^2_\\eta, \\sigma^2_\\zeta`. The growth rate
    :math:`\\beta` wanders as a random walk: no deceleration is built in, but none is ruled
    out. The series is put on a complete annual index with missing years as NaN and the
    variances estimated by maximum likelihood (approximate diffuse start, as statsmodels does).

    **Uncertainty.** statsmodels' own ``simulate`` holds the variances at their estimates.
    Here each path draws the square roots of the three variances from their asymptotic normal
    distribution (inverse of the numerical Hessian of the log-likelihood at the estimate,
    square roots being statsmodels' unconstrained parameters), re-runs the Kalman filter with
    those variances (:func:`filter_trend`, vectorised over paths), draws the last year's level
    and slope from the filtered distribution, and simulates the state and the observation
    noise forward.

    **Refusals** (:class:`~tradepath.errors.ModelError`): fewer than 6 observations (three
    variances and a diffuse level and slope need more than five points); the optimiser does
    not converge; the Hessian is not negative definite (a flat direction: not identified);
    every variance at zero (a perfect line: no uncertainty to state); a standard error above
    ``max_sqrt_se``.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from tradepath.models import LocalLinearTrend
    >>> rng = np.random.default_rng(2)
    >>> years = np.arange(1995, 2025)
    >>> slope = 0.08 + np.cumsum(0.01 * rng.standard_normal(30))  # growth that wanders
    >>> s = pd.Series(np.exp(3 + np.cumsum(slope) + 0.02 * rng.standard_normal(30)),
    ...               index=years)
    >>> fit = LocalLinearTrend().fit(s)
    >>> 0.0 < fit.growth < 0.2
    True
    """

    name: ClassVar[str] = "local_linear_trend"
    min_points: ClassVar[int] = 6
    _line_message: ClassVar[str] = (
        "local_linear_trend: every variance is estimated at zero (the log levels lie on a "
        "straight line), so the model would state no uncertainty at all. Use loglinear or "
        "random_walk."
    )

    def __init__(self, *, max_sqrt_se: float = 0.5, parameter_uncertainty: bool = True) -> None:
        self.max_sqrt_se = check_real("max_sqrt_se", "LocalLinearTrend", max_sqrt_se, lo=0.0,
                                      lo_open=True)
        self.parameter_uncertainty = check_choice(
            "parameter_uncertainty", "LocalLinearTrend", parameter_uncertainty, (True, False))

    def _fit(self, s: pd.Series) -> LocalLinearTrendFit:
        y = _complete_log(s)
        t_obs = s.index.to_numpy(dtype=float)
        y_obs = np.log(s.to_numpy(dtype=float))
        resid = y_obs - np.polyval(np.polyfit(t_obs, y_obs, 1), t_obs)
        if np.max(np.abs(resid)) <= 1e-9 * max(1.0, float(np.max(np.abs(y_obs)))):
            raise ModelError(self._line_message)
        try:
            with warnings.catch_warnings(), np.errstate(all="ignore"):
                warnings.simplefilter("ignore")
                u, llf, converged = _maximise(y, y_obs)
                hess = _hessian(y, u)
        except (np.linalg.LinAlgError, ValueError, FloatingPointError) as exc:
            raise ModelError(f"local_linear_trend: the fit failed ({exc}).") from None
        if not converged:
            raise ModelError(
                "local_linear_trend: maximum likelihood did not converge on "
                f"{len(s)} observations; the three variances are not identified. Use "
                "damped_trend or random_walk."
            )
        params = u**2
        eig = np.linalg.eigvalsh(-hess) if np.all(np.isfinite(hess)) else np.array([np.nan])
        if not np.all(np.isfinite(eig)) or eig.min() <= 0:
            raise ModelError(
                "local_linear_trend: the log-likelihood is flat in some direction at the "
                f"estimate (Hessian eigenvalues {np.round(eig, 4).tolist()}); the variances are "
                "not identified by these data. Use damped_trend or random_walk."
            )
        if float(np.sum(params)) <= 1e-10:
            raise ModelError(self._line_message)
        cov = np.linalg.inv(-hess)
        cov = (cov + cov.T) / 2
        se = np.sqrt(np.diag(cov))
        if se.max() > self.max_sqrt_se:
            worst = _UC_NAMES[int(se.argmax())].removeprefix("sigma2_")
            raise ModelError(
                f"local_linear_trend: the {worst} standard deviation is not identified "
                f"(standard error {se.max():.3g} > max_sqrt_se={self.max_sqrt_se:g}, on the "
                "annual log scale). Use damped_trend or random_walk, or add observations."
            )
        mean, _ = filter_trend(y, params[:1], params[1:2], params[2:])
        level, slope = (float(v) for v in mean[0])
        variances = {k: float(v) for k, v in zip(_UC_NAMES, params, strict=True)}
        notes = (
            f"Three variances estimated by maximum likelihood from {len(s)} observations; "
            "their sampling uncertainty (asymptotic normal of the square roots) is drawn per "
            "path, an approximation that is rough on short series.",
            "The growth rate follows a random walk: deceleration is possible but not expected.",
        )
        return LocalLinearTrendFit(
            model=self.name, series=s,
            params=variances | {"level": level, "slope": slope},
            growth=float(np.expm1(slope)), notes=notes,
            extras={"y": y.tolist(), "sqrt_params": u.tolist(), "sqrt_cov": cov.tolist(),
                    "loglike": llf,
                    "parameter_uncertainty": self.parameter_uncertainty},
        )
