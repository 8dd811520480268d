"""Log-linear trend: ordinary least squares of the log level on the year."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np
import pandas as pd

from .._validation import check_choice
from ._base import FitResult, GrowthModel
from .priors import draw_bounded_sigma2

__all__ = ["LogLinear", "LogLinearFit"]


@dataclass(frozen=True, slots=True, kw_only=True)
class LogLinearFit(FitResult):
    """A fitted :class:`LogLinear`.

    ``params``: ``log_level_end`` (fitted log level in the last year), ``slope`` (annual log
    growth) and ``sigma`` (residual standard deviation of the log level). ``extras``:
    ``df_resid``, ``bse`` (standard errors of ``log_level_end`` and ``slope``) and
    ``xtx_inv`` (the 2 x 2 matrix :math:`(X'X)^{-1}`, regressors ``1`` and
    ``year - last_year``), ``parameter_uncertainty``.
    """

    def _simulate_log(self, n_paths: int, steps: int, rng: np.random.Generator) -> np.ndarray:
        df = int(self.extras["df_resid"])
        s2 = self.params["sigma"] ** 2
        beta_hat = np.array([self.params["log_level_end"], self.params["slope"]])
        if self.extras["parameter_uncertainty"]:
            sigma = np.sqrt(draw_bounded_sigma2(rng, df * s2, df, n_paths))[:, None]
            chol = np.linalg.cholesky(np.asarray(self.extras["xtx_inv"]))
            # beta | sigma^2 ~ N(beta_hat, sigma^2 (X'X)^-1): with sigma^2 drawn above, the
            # coefficients are multivariate t, as in the classical prediction interval.
            beta = beta_hat + sigma * (rng.standard_normal((n_paths, 2)) @ chol.T)
        else:
            sigma = np.full((n_paths, 1), np.sqrt(s2))
            beta = np.broadcast_to(beta_hat, (n_paths, 2))
        h = np.arange(1, steps + 1, dtype=float)
        trend = beta[:, :1] + beta[:, 1:] * h
        return trend + sigma * rng.standard_normal((n_paths, steps))


class LogLinear(GrowthModel):
    """Log-linear trend fitted by ordinary least squares, irregular years handled exactly.

    Parameters
    ----------
    parameter_uncertainty : bool, default True
        Draw the coefficients and the residual variance per path (see Notes); False holds
        them at the estimates, as statsmodels' ``simulate`` does: for checks only, too narrow
        for decisions.

    Notes
    -----
    The model is

    .. math:: \\log y_t = a + b\\,(t - T) + \\varepsilon_t, \\qquad
              \\varepsilon_t \\sim N(0, \\sigma^2) \\text{ independent},

    with :math:`T` the last observed year, so :math:`a` is the fitted log level in :math:`T`
    and :math:`b` the annual log growth. Only observed years enter, each at its own
    :math:`t`, so gaps need no filling. It assumes a **constant growth rate** and deviations
    that **do not persist**: the series returns to its trend line, so forecasts start from the
    line, not from the last observation (trend-stationary paths). When the deviations do
    persist (a random walk), the residuals are serially correlated and the intervals too
    narrow; compare with ``random_walk``.

    **Uncertainty.** Each path draws :math:`\\sigma^2 \\sim (n-2) s^2 / \\chi^2_{n-2}`
    (truncated at :data:`~tradepath.models.priors.MAX_SIGMA` squared, which keeps the mean of
    the levels finite) and
    then :math:`(a, b) \\sim N((\\hat a, \\hat b), \\sigma^2 (X'X)^{-1})` — jointly a
    multivariate *t* for the coefficients — and adds its own residual noise
    :math:`N(0, \\sigma^2)` in every future year. Year by year the paths therefore follow the
    classical OLS prediction distribution
    :math:`\\hat y_{T+h} + s\\sqrt{1 + x_h'(X'X)^{-1}x_h}\\; t_{n-2}` (up to the bound).

    Needs at least 4 observations (2 residual degrees of freedom; with 1 the predictive
    distribution is a Cauchy and the paths overflow).

    Examples
    --------
    >>> import pandas as pd
    >>> from tradepath.models import LogLinear
    >>> s = pd.Series({2010: 100.0, 2011: 111.0, 2013: 133.0, 2014: 146.0})
    >>> round(LogLinear().fit(s).params["slope"], 3)
    0.094
    """

    name: ClassVar[str] = "loglinear"
    min_points: ClassVar[int] = 4

    def __init__(self, *, parameter_uncertainty: bool = True) -> None:
        self.parameter_uncertainty = check_choice(
            "parameter_uncertainty", "LogLinear", parameter_uncertainty, (True, False))

    def _fit(self, s: pd.Series) -> LogLinearFit:
        t = s.index.to_numpy(dtype=float)
        y = np.log(s.to_numpy(dtype=float))
        x = np.column_stack([np.ones_like(t), t - t[-1]])
        xtx_inv = np.linalg.inv(x.T @ x)
        beta = xtx_inv @ x.T @ y
        resid = y - x @ beta
        df = len(y) - 2
        s2 = float(resid @ resid / df)
        bse = np.sqrt(np.diag(xtx_inv) * s2)
        slope = float(beta[1])
        notes = (
            "Trend-stationary: deviations from the fitted line are assumed not to persist, so "
            f"forecasts start from the line ({np.exp(beta[0]):.4g} in {int(t[-1])}), not from "
            f"the last observation ({s.iloc[-1]:g}).",
            "Assumes a constant growth rate: no deceleration.",
            f"{df} residual degrees of freedom: intervals use Student t with {df} df.",
        )
        return LogLinearFit(
            model=self.name, series=s,
            params={"log_level_end": float(beta[0]), "slope": slope, "sigma": float(np.sqrt(s2))},
            growth=float(np.expm1(slope)), notes=notes,
            extras={"df_resid": df, "bse": {"log_level_end": float(bse[0]), "slope": float(bse[1])},
                    "xtx_inv": xtx_inv.tolist(),
                    "parameter_uncertainty": self.parameter_uncertainty},
        )
