"""Logistic regression of a 0/1 outcome on one predictor, with a proper prior and Firth's
bias reduction, so that perfect separation on a small sample still gives finite estimates.

Used by :func:`tradepath.reference.base_rate` for the chance that a trade target is met as a
function of its ambition.
"""

from __future__ import annotations

from dataclasses import dataclass
from statistics import NormalDist

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from ._validation import check_int, check_real, fail
from .errors import ModelError

__all__ = ["LogisticFit", "fit_logistic"]


@dataclass(frozen=True, slots=True)
class LogisticFit:
    """A logistic regression of outcome (1 = met) on one predictor, with its approximate
    posterior (or sampling) covariance.

    Attributes
    ----------
    coef : numpy.ndarray, shape (2,)
        Intercept and slope.
    cov : numpy.ndarray, shape (2, 2)
        Inverse of the (penalised) information at ``coef``.
    prior_scale : float or None
        Standard deviation of the normal prior on the slope (None: no prior).
    firth : bool
        Whether Firth's bias-reducing (Jeffreys-prior) penalty was applied.
    n : int
        Number of observations.
    """

    coef: np.ndarray
    cov: np.ndarray
    prior_scale: float | None
    firth: bool
    n: int

    def predict(self, x: ArrayLike, *, level: float = 0.8) -> pd.DataFrame:
        """Fitted probability and a ``level`` band at predictor values ``x``.

        The band is the normal approximation on the logit scale mapped back through the
        logistic function. Returns a frame with columns ``x, p, lower, upper``.
        """
        check_real("level", "LogisticFit.predict", level, lo=0.0, hi=1.0)
        if not 0.0 < level < 1.0:
            raise fail("level", "LogisticFit.predict", "strictly between 0 and 1", level)
        x = np.asarray(x, dtype=float).ravel()
        design = np.column_stack([np.ones_like(x), x])
        eta = design @ self.coef
        se = np.sqrt(np.einsum("ij,jk,ik->i", design, self.cov, design))
        z = _ndtri(0.5 + level / 2.0)
        return pd.DataFrame({"x": x, "p": _expit(eta), "lower": _expit(eta - z * se),
                             "upper": _expit(eta + z * se)})


def _expit(x: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * np.asarray(x, dtype=float)))


def _ndtri(q: float) -> float:
    return NormalDist().inv_cdf(q)


def fit_logistic(
    x: ArrayLike,
    y: ArrayLike,
    *,
    prior_scale: float | None = 2.5,
    intercept_scale: float | None = 10.0,
    firth: bool = False,
    max_iter: int = 100,
) -> LogisticFit:
    """Logistic regression of a 0/1 outcome on one predictor, regularised so that perfect
    separation on a small sample still gives finite estimates.

    Parameters
    ----------
    x, y : array-like, shape (n,)
        Predictor and outcome (0 or 1).
    prior_scale : float or None, default 2.5
        Standard deviation of a normal prior centred on 0 for the slope (the posterior mode is
        returned). None: no prior.
    intercept_scale : float or None, default 10.0
        The same for the intercept (a vague prior). None: no prior.
    firth : bool, default False
        Add Firth's penalty ½·log|I(β)| (the Jeffreys prior), which removes the O(1/n) bias
        of the maximum-likelihood estimate and is finite under separation.
    max_iter : int, default 100
        Newton iterations.

    Returns
    -------
    LogisticFit

    Raises
    ------
    ParameterError
        Mismatched or non-finite inputs, outcomes other than 0/1, fewer than 2 observations.
    ModelError
        No finite estimate exists (separated data with neither prior nor Firth's penalty), or
        Newton's method did not converge.

    Notes
    -----
    Newton–Raphson on the penalised log-likelihood. Firth's modified score is
    ``X'(y - p + h(1/2 - p))`` with ``h`` the diagonal of the weighted hat matrix (Firth
    1993, Biometrika 80, 27-38; Heinze & Schemper 2002, Stat. Med. 21, 2409-2419). Without
    prior and penalty the estimate is the maximum-likelihood one, and ``cov`` is the inverse
    observed information (as in ``statsmodels.api.Logit``).

    Examples
    --------
    >>> from tradepath.logistic import fit_logistic
    >>> fit = fit_logistic([0.5, 1.0, 2.0, 3.0], [1, 1, 0, 0])  # separated
    >>> bool(fit.coef[1] < 0)
    True
    """
    func = "fit_logistic"
    xa = np.asarray(x, dtype=float).ravel()
    ya = np.asarray(y, dtype=float).ravel()
    if xa.shape != ya.shape or xa.size < 2:
        raise fail("x", func, "an array of at least 2 values, as long as y", xa.size,
                   f"y has {ya.size} values.")
    if not np.all(np.isfinite(xa)):
        raise fail("x", func, "finite values", xa.tolist())
    if np.ptp(xa) == 0:
        raise fail("x", func, "values that are not all equal", xa.tolist())
    if not np.all(np.isin(ya, (0.0, 1.0))):
        raise fail("y", func, "0/1 outcomes", ya.tolist())
    for name, scale in (("prior_scale", prior_scale), ("intercept_scale", intercept_scale)):
        if scale is not None:
            check_real(name, func, scale, lo=0.0)
            if scale <= 0:
                raise fail(name, func, "a positive number or None", scale)
    check_int("max_iter", func, max_iter, lo=1)
    design = np.column_stack([np.ones_like(xa), xa])
    prec = np.array([0.0 if intercept_scale is None else intercept_scale ** -2.0,
                     0.0 if prior_scale is None else prior_scale ** -2.0])
    beta = np.zeros(2)
    for _ in range(max_iter):
        p = _expit(design @ beta)
        w = p * (1.0 - p)
        info = design.T @ (design * w[:, None]) + np.diag(prec)
        try:
            inv = np.linalg.inv(info)
        except np.linalg.LinAlgError:
            raise ModelError(f"{func}: the information matrix became singular: the data are "
                             "probably separated; use prior_scale or firth=True") from None
        resid = ya - p
        if firth:
            h = np.einsum("ij,jk,ik->i", design, inv, design) * w
            resid = resid + h * (0.5 - p)
        step = inv @ (design.T @ resid - prec * beta)
        step *= min(1.0, 5.0 / max(np.max(np.abs(step)), 1e-300))  # damp the first steps
        beta = beta + step
        if np.max(np.abs(step)) < 1e-10:
            break
    else:
        raise ModelError(
            f"{func}: no convergence in {max_iter} iterations; the data are probably "
            "separated: use prior_scale or firth=True")
    if not np.all(np.isfinite(beta)) or np.max(np.abs(beta)) > 1e6:
        raise ModelError(f"{func}: the estimate diverges (separated data); use prior_scale or "
                         "firth=True")
    p = _expit(design @ beta)
    info = design.T @ (design * (p * (1 - p))[:, None]) + np.diag(prec)
    return LogisticFit(coef=beta, cov=np.linalg.inv(info), prior_scale=prior_scale,
                       firth=firth, n=int(xa.size))
