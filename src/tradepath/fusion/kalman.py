"""The bridging model's state space, its Kalman filter and smoother (NumPy, no statsmodels).

One flow, one year per step, on the log scale. The state is ``(mu, beta, g)``: ``mu`` the
log level on the chosen basis, ``beta`` its growth, ``g`` the log gap of the other basis
(``log other - log chosen``)::

    mu[t+1]   = mu[t] + beta[t] + eta_mu     eta_mu   ~ N(0, q_mu^2)
    beta[t+1] = beta[t] + eta_beta           eta_beta ~ N(0, q_beta^2)
    g[t+1]    = g[t] + eta_g                 eta_g    ~ N(0, q_g^2)
    y_own[t]   = mu[t] + eps                 eps ~ N(0, r_own[t]^2)
    y_other[t] = mu[t] + g[t] + eps          eps ~ N(0, r_other[t]^2)

A local linear trend (Harvey 1989, ch. 2) with a second observation equation whose offset is
a random walk. A year with no figure on a basis is a missing observation: that row of the
observation equation is dropped for the year, nothing is filled in.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["Smoothed", "StateSpace", "batched_filter", "batched_loglike", "predict", "smooth"]

_T = np.array([[1.0, 1.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]])
_Z = np.array([[1.0, 0.0, 0.0], [1.0, 0.0, 1.0]])
_LOG2PI = float(np.log(2 * np.pi))


@dataclass(frozen=True, slots=True)
class StateSpace:
    """The data and the fixed parts of one flow's model.

    Attributes
    ----------
    y : ndarray, shape (n, 2)
        Log figures by year: column 0 the chosen basis, column 1 the other (NaN: none).
    r : ndarray, shape (n, 2)
        Standard deviation of each figure's error on the log scale (ignored where y is NaN).
    a0, p0 : ndarray, shape (3,) and (3, 3)
        Mean and covariance of the state in the first year.
    """

    y: np.ndarray
    r: np.ndarray
    a0: np.ndarray
    p0: np.ndarray

    @property
    def transition(self) -> np.ndarray:
        return _T

    @property
    def design(self) -> np.ndarray:
        return _Z


def _q(q: np.ndarray) -> np.ndarray:
    """State noise covariances, shape (k, 3, 3), from standard deviations of shape (k, 3)."""
    out = np.zeros((q.shape[0], 3, 3))
    idx = np.arange(3)
    out[:, idx, idx] = q ** 2
    return out


def batched_loglike(ss: StateSpace, q: np.ndarray) -> np.ndarray:
    """Log-likelihood of the figures for each row of ``q`` (k parameter sets at once)."""
    return batched_filter(ss, q)[0]


def batched_filter(ss: StateSpace,
                   q: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Log-likelihood and last filtered state for each row of ``q`` (k parameter sets).

    Parameters
    ----------
    ss : StateSpace
    q : ndarray, shape (k, 3)
        Standard deviations ``(q_mu, q_beta, q_g)``.

    Returns
    -------
    loglike : ndarray, shape (k,)
        The prediction-error decomposition of the Gaussian likelihood, with the proper prior
        ``(a0, p0)`` on the first state.
    state, cov : ndarray, shape (k, 3) and (k, 3, 3)
        The filtered state in the last year and its covariance.
    """
    q = np.atleast_2d(np.asarray(q, dtype=float))
    k = q.shape[0]
    qm = _q(q)
    a = np.broadcast_to(ss.a0, (k, 3)).copy()
    p = np.broadcast_to(ss.p0, (k, 3, 3)).copy()
    ll = np.zeros(k)
    for t in range(ss.y.shape[0]):
        if t:
            a = a @ _T.T
            p = _T @ p @ _T.T + qm
        seen = ~np.isnan(ss.y[t])
        if seen.any():
            z = _Z[seen]
            v = ss.y[t, seen] - a @ z.T                        # (k, m)
            f = z @ p @ z.T + np.diag(ss.r[t, seen] ** 2)      # (k, m, m)
            finv = np.linalg.inv(f)
            _, logdet = np.linalg.slogdet(f)
            fv = np.einsum("kij,kj->ki", finv, v)
            ll -= 0.5 * (logdet + np.einsum("ki,ki->k", v, fv) + seen.sum() * _LOG2PI)
            gain = p @ z.T @ finv                               # (k, 3, m)
            a = a + np.einsum("kij,kj->ki", gain, v)
            p = p - gain @ z @ p
            p = 0.5 * (p + np.swapaxes(p, 1, 2))
    return ll, a, p


@dataclass(frozen=True, slots=True)
class Smoothed:
    """Filtered and smoothed states of one parameter set.

    Attributes
    ----------
    filtered, smoothed : ndarray, shape (n, 3)
        State means given the figures up to each year, and given all of them.
    filtered_cov, smoothed_cov : ndarray, shape (n, 3, 3)
    loglike : float
    """

    filtered: np.ndarray
    filtered_cov: np.ndarray
    smoothed: np.ndarray
    smoothed_cov: np.ndarray
    loglike: float


def smooth(ss: StateSpace, q: np.ndarray) -> Smoothed:
    """Kalman filter and Rauch–Tung–Striebel smoother for one parameter set ``q`` (3,).

    References
    ----------
    Durbin, J. and Koopman, S. J. (2012), *Time Series Analysis by State Space Methods*,
    2nd ed., sections 4.3 (filter) and 4.4 (smoother).
    """
    q = np.asarray(q, dtype=float).reshape(3)
    qm = np.diag(q ** 2)
    n = ss.y.shape[0]
    af, pf = np.zeros((n, 3)), np.zeros((n, 3, 3))
    ap, pp = np.zeros((n, 3)), np.zeros((n, 3, 3))
    a, p = ss.a0.astype(float).copy(), ss.p0.astype(float).copy()
    ll = 0.0
    for t in range(n):
        if t:
            a, p = _T @ a, _T @ p @ _T.T + qm
        ap[t], pp[t] = a, p
        seen = ~np.isnan(ss.y[t])
        if seen.any():
            z = _Z[seen]
            v = ss.y[t, seen] - z @ a
            f = z @ p @ z.T + np.diag(ss.r[t, seen] ** 2)
            finv = np.linalg.inv(f)
            ll -= 0.5 * (np.linalg.slogdet(f)[1] + v @ finv @ v + seen.sum() * _LOG2PI)
            gain = p @ z.T @ finv
            a = a + gain @ v
            p = p - gain @ z @ p
            p = 0.5 * (p + p.T)
        af[t], pf[t] = a, p
    as_, ps = af.copy(), pf.copy()
    for t in range(n - 2, -1, -1):
        j = pf[t] @ _T.T @ np.linalg.inv(pp[t + 1])
        as_[t] = af[t] + j @ (as_[t + 1] - ap[t + 1])
        ps[t] = pf[t] + j @ (ps[t + 1] - pp[t + 1]) @ j.T
        ps[t] = 0.5 * (ps[t] + ps[t].T)
    return Smoothed(af, pf, as_, ps, float(ll))


def predict(state: np.ndarray, cov: np.ndarray, q: np.ndarray,
            steps: int) -> tuple[np.ndarray, np.ndarray]:
    """The state ``steps`` years after one with mean ``state`` and covariance ``cov``."""
    qm = np.diag(np.asarray(q, dtype=float) ** 2)
    a, p = np.asarray(state, dtype=float), np.asarray(cov, dtype=float)
    for _ in range(steps):
        a, p = _T @ a, _T @ p @ _T.T + qm
    return a, p
