"""Logistic regression of a 0/1 outcome on one or a few predictors, with a proper prior, sign
constraints and Firth's bias reduction, so that perfect separation on a small sample still
gives finite estimates.

Used by :func:`tradepath.reference.base_rate` for the chance that a trade target is met as a
function of its ambition.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from .._validation import check_int, check_real, fail
from ..errors import ModelError

__all__ = ["LogisticRegressionFit", "fit_logistic"]


@dataclass(frozen=True, slots=True)
class LogisticRegressionFit:
    """A logistic regression of outcome (1 = met) on its predictors, with its approximate
    posterior (or sampling) covariance.

    Attributes
    ----------
    coef : numpy.ndarray, shape (k + 1,)
        Intercept and slopes.
    cov : numpy.ndarray, shape (k + 1, k + 1)
        Inverse of the (penalised) information at ``coef`` (the rows and columns of a slope
        held at 0 by its sign constraint are 0).
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
        logistic function. ``x``: shape (n,) with one predictor, (n, k) with several. Returns
        a frame with columns ``x, p, lower, upper`` (``x``: the first predictor).
        """
        check_real("level", "LogisticRegressionFit.predict", level, lo=0.0, hi=1.0)
        if not 0.0 < level < 1.0:
            raise fail("level", "LogisticRegressionFit.predict", "strictly between 0 and 1", level)
        xa = np.asarray(x, dtype=float).reshape(-1, len(self.coef) - 1)
        design = np.column_stack([np.ones(len(xa)), xa])
        x = xa[:, 0]
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
    prior_scale: float | Sequence[float] | None = 2.5,
    intercept_scale: float | None = 10.0,
    firth: bool = False,
    max_iter: int = 100,
    nonpositive: Sequence[bool] | bool = False,
) -> LogisticRegressionFit:
    """Logistic regression of a 0/1 outcome on one or a few predictors, regularised so that
    perfect separation on a small sample still gives finite estimates.

    Parameters
    ----------
    x : array-like, shape (n,) or (n, k)
        Predictor(s).
    y : array-like, shape (n,)
        Outcome (0 or 1).
    prior_scale : float, sequence of float or None, default 2.5
        Standard deviation of a normal prior centred on 0 for each slope (one value for all,
        or one per predictor; the posterior mode is returned). None: no prior.
    nonpositive : bool or sequence of bool, default False
        Constrain the slope (each slope) to be <= 0: a sign prior (the normal prior
        truncated to the negative half-line). The mode is exact: the best feasible optimum
        over the faces where constrained slopes are held at 0 (the objective is concave).
    intercept_scale : float or None, default 10.0
        The same for the intercept (a vague prior). None: no prior.
    firth : bool, default False
        Add Firth's penalty ½·log|I(β)| (the Jeffreys prior), which removes the O(1/n) bias
        of the maximum-likelihood estimate and is finite under separation.
    max_iter : int, default 100
        Newton iterations.

    Returns
    -------
    LogisticRegressionFit

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
    >>> from tradepath.reference.logistic import fit_logistic
    >>> fit = fit_logistic([0.5, 1.0, 2.0, 3.0], [1, 1, 0, 0])  # separated
    >>> bool(fit.coef[1] < 0)
    True
    """
    func = "fit_logistic"
    x2 = np.asarray(x, dtype=float)
    x2 = x2.reshape(-1, 1) if x2.ndim <= 1 else x2
    ya = np.asarray(y, dtype=float).ravel()
    if x2.ndim != 2 or x2.shape[0] != ya.size or ya.size < 2:
        raise fail("x", func, "an array of at least 2 values, as long as y", x2.shape[0],
                   f"y has {ya.size} values.")
    if not np.all(np.isfinite(x2)):
        raise fail("x", func, "finite values", x2.tolist())
    if np.any(np.ptp(x2, axis=0) == 0):
        raise fail("x", func, "values that are not all equal", x2.tolist())
    if not np.all(np.isin(ya, (0.0, 1.0))):
        raise fail("y", func, "0/1 outcomes", ya.tolist())
    k = x2.shape[1]
    scales = ([prior_scale] * k if prior_scale is None or np.ndim(prior_scale) == 0
              else list(prior_scale))  # type: ignore[arg-type]
    if len(scales) != k:
        raise fail("prior_scale", func, f"one value or {k} values", prior_scale)
    for name, scale in (*(("prior_scale", sc) for sc in scales),
                        ("intercept_scale", intercept_scale)):
        if scale is not None:
            check_real(name, func, scale, lo=0.0)
            if scale <= 0:
                raise fail(name, func, "a positive number or None", scale)
    check_int("max_iter", func, max_iter, lo=1)
    signs = [bool(nonpositive)] * k if np.ndim(nonpositive) == 0 else list(nonpositive)
    if len(signs) != k:
        raise fail("nonpositive", func, f"one value or {k} values", nonpositive)
    design = np.column_stack([np.ones(len(ya)), x2])
    prec = np.array([0.0 if intercept_scale is None else intercept_scale ** -2.0]
                    + [0.0 if sc is None else sc ** -2.0 for sc in scales])
    constrained = [j + 1 for j in range(k) if signs[j]]
    best: tuple[float, np.ndarray, np.ndarray] | None = None
    # Every face of the constraint set: the constrained slopes held at 0 or left free.
    for held in itertools.chain.from_iterable(
            itertools.combinations(constrained, r) for r in range(len(constrained) + 1)):
        free = [j for j in range(k + 1) if j not in held]
        beta_f = _newton(design[:, free], ya, prec[free], firth, max_iter, func)
        beta = np.zeros(k + 1)
        beta[free] = beta_f
        if any(beta[j] > 1e-12 for j in constrained):
            continue
        p = _expit(design @ beta)
        obj = float(np.sum(ya * np.log(np.clip(p, 1e-300, 1)) + (1 - ya) * np.log(
            np.clip(1 - p, 1e-300, 1))) - 0.5 * np.sum(prec * beta**2))
        cov = np.zeros((k + 1, k + 1))
        pf = _expit(design[:, free] @ beta_f)
        info = design[:, free].T @ (design[:, free] * (pf * (1 - pf))[:, None]) + np.diag(
            prec[free])
        cov[np.ix_(free, free)] = np.linalg.inv(info)
        if best is None or obj > best[0]:
            best = (obj, beta, cov)
    assert best is not None  # the face with every constrained slope at 0 is feasible
    return LogisticRegressionFit(coef=best[1], cov=best[2],
                                 prior_scale=scales[0] if k == 1 else None, firth=firth,
                                 n=int(ya.size))


def _newton(design: np.ndarray, ya: np.ndarray, prec: np.ndarray, firth: bool,
            max_iter: int, func: str) -> np.ndarray:
    """Posterior mode of the penalised logistic likelihood by damped Newton-Raphson."""
    beta = np.zeros(design.shape[1])
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
    return beta
