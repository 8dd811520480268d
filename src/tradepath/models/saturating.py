"""Saturating growth: a logistic or Gompertz curve in logs with a capacity to estimate."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Literal

import numpy as np
import pandas as pd

from .._validation import check_choice, check_real
from ..errors import ModelError
from ._base import FitResult, GrowthModel
from .priors import draw_bounded_sigma2

__all__ = ["MAX_RATE_SE", "Logistic", "LogisticFit", "curve"]

#: Largest standard error of the log rate the fit accepts (a one-sigma factor of e).
MAX_RATE_SE = 1.0


def curve(theta: np.ndarray, t: np.ndarray, form: str) -> np.ndarray:
    """Log level of the curve, vectorised: ``theta`` (..., 3) and ``t`` broadcast together.

    ``theta`` holds (log capacity, log rate, midpoint year).
    """
    log_k, rate, mid = theta[..., 0:1], np.exp(theta[..., 1:2]), theta[..., 2:3]
    z = -rate * (t - mid)
    if form == "logistic":
        return log_k - np.logaddexp(0.0, z)
    return log_k - np.exp(np.minimum(z, 700.0))


@dataclass(frozen=True, slots=True, kw_only=True)
class LogisticFit(FitResult):
    """A fitted :class:`Logistic`.

    ``params``: ``capacity`` (US$ bn, the level the curve approaches), ``rate`` (r),
    ``midpoint`` (year of the inflection: half the capacity for the logistic, 1/e of it for the
    Gompertz), ``sigma`` (residual standard deviation of the log level). ``extras``: ``form``,
    ``theta`` and ``cov`` (estimates and Jacobian covariance of log capacity, log rate and
    midpoint), ``lower`` and ``upper`` (bounds of the rate and midpoint draws), ``df_resid``,
    ``parameter_uncertainty``.
    """

    def _simulate_log(self, n_paths: int, steps: int, rng: np.random.Generator) -> np.ndarray:
        theta_hat = np.asarray(self.extras["theta"])
        s2 = self.params["sigma"] ** 2
        df = int(self.extras["df_resid"])
        if self.extras["parameter_uncertainty"]:
            sigma2 = draw_bounded_sigma2(rng, df * s2, df, n_paths)
            chol = np.linalg.cholesky(np.asarray(self.extras["cov"]) / s2)
            theta = theta_hat + np.sqrt(sigma2)[:, None] * (
                rng.standard_normal((n_paths, 3)) @ chol.T)
            # Keep the draws inside the region the fit searched (capacity between the last
            # value and max_capacity times it, rates up to 3 a year), where the curve is
            # defined; the linearised tails beyond it are not credible.
            theta = np.clip(theta, self.extras["lower"], self.extras["upper"])
        else:
            sigma2 = np.full(n_paths, s2)
            theta = np.broadcast_to(theta_hat, (n_paths, 3))
        t = self.last_year + np.arange(1, steps + 1, dtype=float)
        level = curve(theta, t[None, :], self.extras["form"])
        return level + np.sqrt(sigma2)[:, None] * rng.standard_normal((n_paths, steps))


class Logistic(GrowthModel):
    """Saturating growth towards a capacity: logistic (default) or Gompertz curve, in logs.

    Parameters
    ----------
    form : {"logistic", "gompertz"}, default "logistic"
        The curve (see Notes).
    max_capacity : float, default 10.0
        Upper bound of the capacity as a multiple of the last value. A fit that runs to it is
        refused: the data show no saturation.
    max_capacity_se : float, default 0.5
        Refuse when the standard error of the log capacity exceeds this (0.5: a one-sigma
        range of x/÷ 1.65): the data do not identify the capacity.
    parameter_uncertainty : bool, default True
        Draw the curve's parameters and the residual variance per path (see Notes); False holds
        them at the estimates (for checks only).

    Notes
    -----
    With capacity :math:`K`, rate :math:`r > 0` and midpoint :math:`t_0`,

    .. math::

        \\text{logistic:}\\ \\log y_t = \\log K - \\log\\bigl(1 + e^{-r(t - t_0)}\\bigr)
        + \\varepsilon_t, \\qquad
        \\text{Gompertz:}\\ \\log y_t = \\log K - e^{-r(t - t_0)} + \\varepsilon_t,

    :math:`\\varepsilon_t \\sim N(0, \\sigma^2)` independent. Growth slows as the level nears
    :math:`K`; it is the model for a trade relationship that matures towards a ceiling. Like
    ``loglinear`` it is trend-stationary: forecasts start from the curve, not from the last
    observation. Fitted by bounded nonlinear least squares
    (:func:`scipy.optimize.least_squares`) in :math:`\\theta = (\\log K, \\log r, t_0)`, with
    :math:`K` between the highest observed value and ``max_capacity`` times the last value,
    from several starting capacities: a capacity below a level already reached is no
    ceiling, and a fit that sits on that bound is refused.

    **Uncertainty.** :math:`\\hat\\Sigma = s^2 (J'J)^{-1}` from the Jacobian at the estimate,
    :math:`s^2 = RSS/(n-3)`. Each path draws :math:`\\sigma^2 \\sim (n-3)s^2/\\chi^2_{n-3}`
    truncated at :data:`~tradepath.models.priors.MAX_SIGMA` squared (without the bound the
    simulated levels have no finite mean when :math:`n - 3` is small), then
    :math:`\\theta \\sim N(\\hat\\theta, \\hat\\Sigma\\,\\sigma^2/s^2)` (the linearised
    posterior, as in ``loglinear``; capacity, rate and midpoint kept within the fitting
    bounds, so no capacity below the last value or above ``max_capacity`` times it), then its
    residual noise in every future year.

    **Refusals** (:class:`~tradepath.errors.ModelError`): fewer than 5 observations; the
    capacity at either bound; a singular Jacobian; a standard error of :math:`\\log K` above
    ``max_capacity_se`` or of :math:`\\log r` above :data:`MAX_RATE_SE` (1.0). A series
    still growing at a steady rate cannot tell its ceiling, and the model says so instead of
    inventing one.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from tradepath.models import Logistic
    >>> years = np.array([2000, 2003, 2006, 2008, 2010, 2013, 2016])
    >>> s = pd.Series(100 / (1 + np.exp(-0.4 * (years - 2006))), index=years)
    >>> round(Logistic().fit(s).params["capacity"], 1)
    100.0
    """

    name: ClassVar[str] = "logistic"
    min_points: ClassVar[int] = 5

    def __init__(
        self,
        *,
        form: Literal["logistic", "gompertz"] = "logistic",
        max_capacity: float = 10.0,
        max_capacity_se: float = 0.5,
        parameter_uncertainty: bool = True,
    ) -> None:
        self.form = check_choice("form", "Logistic", form, ("logistic", "gompertz"))
        self.max_capacity = check_real("max_capacity", "Logistic", max_capacity, lo=1.0,
                                       lo_open=True)
        self.max_capacity_se = check_real("max_capacity_se", "Logistic", max_capacity_se,
                                          lo=0.0, lo_open=True)
        self.parameter_uncertainty = check_choice(
            "parameter_uncertainty", "Logistic", parameter_uncertainty, (True, False))

    def _start(
        self, t: np.ndarray, y: np.ndarray, lower: np.ndarray, upper: np.ndarray
    ) -> np.ndarray:
        """Starting values: the best of a grid of capacities, each with (r, t0) linearised."""
        log_k = np.linspace(max(y.max() + np.log(1.02), lower[0] + 1e-6), upper[0] - 1e-6, 24)
        frac = np.exp(y[None, :] - log_k[:, None])
        with np.errstate(divide="ignore", invalid="ignore"):
            # logit (logistic) or -log(-log) (Gompertz) of y/K is linear in t: r (t - t0)
            z = (np.log(frac / (1 - frac)) if self.form == "logistic"
                 else -np.log(-np.log(frac)))
        tc = t - t.mean()
        r = np.clip((z @ tc) / (tc @ tc), 2e-3, 2.5)
        mid = t.mean() - z.mean(axis=1) / r
        theta = np.clip(np.column_stack([log_k, np.log(r), mid]), lower + 1e-9, upper - 1e-9)
        with np.errstate(over="ignore", invalid="ignore"):
            rss = np.sum((curve(theta, t[None, :], self.form) - y) ** 2, axis=1)
        rss = np.where(np.isfinite(rss), rss, np.inf)
        return theta[int(np.argmin(rss))]

    def _fit(self, s: pd.Series) -> LogisticFit:
        t = s.index.to_numpy(dtype=float)
        y = np.log(s.to_numpy(dtype=float))
        # A capacity below a level the series has already reached is no ceiling: the fit
        # searches above the highest observed value, and one that sits on it is refused.
        lo_k, hi_k = y.max(), y[-1] + np.log(self.max_capacity)
        if lo_k >= hi_k - np.log(1.01):
            raise ModelError(f"{self.form}: the series has fallen to less than "
                             f"1/{self.max_capacity:g} of its peak; no capacity between the "
                             "peak and max_capacity x the last value.")
        lower = np.array([lo_k, np.log(1e-3), t[0] - 100.0])
        upper = np.array([hi_k, np.log(3.0), t[-1] + 100.0])

        def resid(theta: np.ndarray) -> np.ndarray:
            return curve(theta, t, self.form) - y

        def jac(theta: np.ndarray) -> np.ndarray:
            rate = np.exp(theta[1])
            z = -rate * (t - theta[2])
            # d/dz of log(1 + e^z) is the logistic function; of e^z, e^z itself.
            dz = (np.exp(-np.logaddexp(0.0, -z)) if self.form == "logistic"
                  else np.exp(np.minimum(z, 700.0)))
            return np.column_stack([np.ones_like(t), dz * rate * (t - theta[2]), -dz * rate])

        from scipy import optimize  # on first use, to keep `import tradepath` light

        best = optimize.least_squares(resid, self._start(t, y, lower, upper), jac=jac,
                                      bounds=(lower, upper), method="trf",
                                      x_scale=np.array([1.0, 1.0, 10.0]))
        theta, jacobian = best.x, best.jac
        name = f"{self.form}"
        k_value = float(np.exp(theta[0]))
        if theta[0] >= hi_k - 1e-4:
            raise ModelError(
                f"{name}: the capacity runs to its bound ({self.max_capacity:g} x the last value "
                f"= {k_value:.4g}): these data show no saturation, so they cannot identify a "
                "capacity. Use damped_trend or random_walk."
            )
        if theta[0] <= lo_k + 1e-4:
            raise ModelError(
                f"{name}: the fitted capacity sits at its lower bound, the highest observed "
                f"value ({s.max():g}): the curve cannot place a ceiling above the data."
            )
        n = len(y)
        df = n - 3
        s2 = float(2 * best.cost / df)
        jtj = jacobian.T @ jacobian
        if not np.all(np.isfinite(jtj)) or np.linalg.cond(jtj) > 1e12:
            raise ModelError(f"{name}: the Jacobian is singular at the estimate; the capacity, "
                             "rate and midpoint are not separately identified by these data.")
        cov = s2 * np.linalg.inv(jtj)
        cov = (cov + cov.T) / 2
        se = np.sqrt(np.diag(cov))
        if not np.isfinite(se[0]) or se[0] > self.max_capacity_se:
            raise ModelError(
                f"{name}: the capacity is not identified (estimate {k_value:.4g}, standard "
                f"error of its log {se[0]:.3g} > max_capacity_se={self.max_capacity_se:g}). "
                "Use damped_trend or random_walk."
            )
        if not np.isfinite(se[1]) or se[1] > MAX_RATE_SE:
            raise ModelError(
                f"{name}: the growth rate of the curve is not identified (standard error of "
                f"its log {se[1]:.3g} > {MAX_RATE_SE:g}): the data cannot tell how fast the "
                "curve bends. Use damped_trend or random_walk."
            )
        if s2 == 0.0:
            raise ModelError(f"{name}: the curve fits the data exactly; there is no residual "
                             "variance to estimate the uncertainty from.")
        step = curve(theta, np.array([t[-1], t[-1] + 1.0]), self.form)
        growth = float(np.expm1(step[1] - step[0]))
        k_lo, k_hi = np.exp(theta[0] + np.array([-1.2816, 1.2816]) * se[0])
        notes = (
            f"Capacity {k_value:.4g} (80 % range {k_lo:.4g}–{k_hi:.4g}, from the Jacobian): "
            "growth slows as the level nears it.",
            "Trend-stationary: forecasts start from the fitted curve "
            f"({np.exp(step[0]):.4g} in {int(t[-1])}), not from the last observation "
            f"({s.iloc[-1]:g}).",
            f"{df} residual degrees of freedom for three curve parameters.",
        )
        return LogisticFit(
            model=self.name, series=s,
            params={"capacity": k_value, "rate": float(np.exp(theta[1])),
                    "midpoint": float(theta[2]), "sigma": float(np.sqrt(s2))},
            growth=growth, notes=notes,
            extras={"form": self.form, "theta": theta.tolist(), "cov": cov.tolist(),
                    "lower": lower.tolist(), "upper": upper.tolist(),
                    "df_resid": df, "parameter_uncertainty": self.parameter_uncertainty},
        )
