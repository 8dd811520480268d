"""The local linear trend in logs: a level and a slope (the annual log growth) that wanders
as a random walk, estimated by statsmodels' ``UnobservedComponents``. Its sibling that lets the
slope decay towards zero is :mod:`tradepath.models.damped`.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import ClassVar

import numpy as np
import pandas as pd

from .._lazy import lazy_import
from .._validation import check_choice, check_real
from ..errors import ModelError
from ._base import FitResult, GrowthModel

__all__ = [
    "LocalLinearTrend",
    "LocalLinearTrendFit",
    "filter_trend",
]

#: Variance of the approximate diffuse prior on the initial level and slope (statsmodels'
#: default for ``UnobservedComponents``).
DIFFUSE_VARIANCE = 1e6


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
    n = np.shape(var_level)[0]
    h = np.asarray(var_irregular, dtype=float)
    q_level = np.asarray(var_level, dtype=float)
    q_slope = np.asarray(var_slope, dtype=float)
    phi = np.broadcast_to(np.asarray(phi, dtype=float), (n,))
    a0, a1 = np.zeros(n), np.zeros(n)
    p00, p01, p11 = np.full(n, diffuse), np.zeros(n), np.full(n, diffuse)
    last = len(y) - 1
    for t, obs in enumerate(y):
        if not np.isnan(obs):
            f = p00 + h
            v = obs - a0
            k0, k1 = p00 / f, p01 / f
            a0, a1 = a0 + k0 * v, a1 + k1 * v
            p00, p01, p11 = p00 * h / f, p01 * h / f, p11 - p01 * p01 / f
        if t == last:
            break
        a0, a1 = a0 + a1, phi * a1
        p00, p01, p11 = (p00 + 2 * p01 + p11 + q_level, phi * (p01 + p11),
                         phi * phi * p11 + q_slope)
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
    """Local linear trend in logs (statsmodels ``UnobservedComponents``), gaps as missing years.

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
        structural = lazy_import("statsmodels.tsa.statespace.structural")
        numdiff = lazy_import("statsmodels.tools.numdiff")
        y = _complete_log(s)
        t_obs = s.index.to_numpy(dtype=float)
        y_obs = np.log(s.to_numpy(dtype=float))
        resid = y_obs - np.polyval(np.polyfit(t_obs, y_obs, 1), t_obs)
        if np.max(np.abs(resid)) <= 1e-9 * max(1.0, float(np.max(np.abs(y_obs)))):
            raise ModelError(self._line_message)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                mod = structural.UnobservedComponents(y, "local linear trend")
                res = mod.fit(disp=False, maxiter=500)
                if not res.mle_retvals.get("converged", False):
                    # L-BFGS often stops in its line search next to the optimum, where the
                    # numerical gradient is noise; Powell needs no gradient.
                    res = mod.fit(start_params=res.params, disp=False, maxiter=2000,
                                  method="powell")
                u = mod.untransform_params(res.params)
                hess = numdiff.approx_hess3(u, lambda p: mod.loglike(p, transformed=False))
        except (np.linalg.LinAlgError, ValueError, FloatingPointError) as exc:
            raise ModelError(f"local_linear_trend: the fit failed ({exc}).") from None
        if not res.mle_retvals.get("converged", False):
            raise ModelError(
                "local_linear_trend: maximum likelihood did not converge on "
                f"{len(s)} observations; the three variances are not identified. Use "
                "damped_trend or random_walk."
            )
        eig = np.linalg.eigvalsh(-hess) if np.all(np.isfinite(hess)) else np.array([np.nan])
        if not np.all(np.isfinite(eig)) or eig.min() <= 0:
            raise ModelError(
                "local_linear_trend: the log-likelihood is flat in some direction at the "
                f"estimate (Hessian eigenvalues {np.round(eig, 4).tolist()}); the variances are "
                "not identified by these data. Use damped_trend or random_walk."
            )
        if float(np.sum(res.params)) <= 1e-10:
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
        level, slope = (float(v) for v in res.filtered_state[:, -1])
        variances = {k: float(v) for k, v in zip(_UC_NAMES, res.params, strict=True)}
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
                    "loglike": float(res.llf),
                    "parameter_uncertainty": self.parameter_uncertainty},
        )
