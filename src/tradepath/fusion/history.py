"""The fused history: every figure held, on every basis, read as one series on one basis.

:func:`fuse` selects the figures (the rest are left out with the reason), fits the bridging
model of :mod:`tradepath.fusion.kalman` to each flow and returns a :class:`FusedDataset`: a
:class:`~tradepath.Dataset` whose annual values are the figures on the chosen basis, or the
other basis's put on it by the estimated gap, accepted wherever a Dataset is, with the fused
estimates and their bands, the figures used, those left out and the notes.
"""

from __future__ import annotations

import dataclasses
import functools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

from .._validation import check_choice, fail
from ..data import DEFAULT_KINDS, Dataset
from ..data.schema import COLUMNS, MIRROR_CIF_FOB, parse_period, preferred
from .kalman import StateSpace, batched_filter, predict, smooth

if TYPE_CHECKING:
    from ..models import FitResult

__all__ = ["BASIS_NAMES", "DEFAULT_BASIS", "FusedDataset", "FusedFlow", "fuse"]

#: The basis the fused history is put on unless asked otherwise: Vietnam's statistics, the
#: basis of Vietnam's targets (read by the report, the CLI and a notebook alike).
DEFAULT_BASIS: Literal["VN", "KR"] = "VN"
BASIS_NAMES = {"VN": "Vietnam's", "KR": "Korea's"}
#: The flows fused; the balance is exports minus imports of the fused flows.
FUSED_FLOWS = ("total", "exports", "imports")
#: z of the central 80 % band.
Z80 = 1.2815515655446004
#: Error of one figure on the log scale, by kind: revisions and rounding (reported), a round
#: number (approximate), arithmetic on rounded figures (derived).
FIGURE_SD = {"reported": 0.01, "approximate": 0.03, "derived": 0.015}
#: Prior on the gap between the bases, log(other / chosen): the CIF/FOB convention for the
#: flows (an importer's CIF figure is 6 % above the exporter's FOB one), none for the total.
GAP_PRIOR_SD = 0.1
# Grid of the state noise (q_mu, q_beta, q_g) and the log-normal priors that pick among them.
_GRID = (np.geomspace(0.01, 0.4, 9), np.geomspace(0.003, 0.25, 8), np.geomspace(0.004, 0.12, 6))
_PRIOR = ((math.log(0.1), 1.0), (math.log(0.04), 1.0), (math.log(0.02), 0.7))
# Figures of one year and basis further apart than this contradict each other.
_CONTRADICTION = 0.02
_LEFT_OUT_COLUMNS = ("period", "flow", "value_usd_bn", "reporter", "kind", "source", "reason")
_USED_COLUMNS = ("year", "flow", "value_usd_bn", "reporter", "kind", "source", "sd_log")


def _gap_prior_mean(flow: str, basis: str) -> float:
    kr_over_vn = {"total": 0.0, "exports": math.log(MIRROR_CIF_FOB),
                  "imports": -math.log(MIRROR_CIF_FOB)}[flow]
    return kr_over_vn if basis == "VN" else -kr_over_vn


def _half_unit(value: float) -> float:
    text = f"{abs(value):.10g}"
    return 0.5 * 10.0 ** -(len(text.split(".")[1]) if "." in text else 0)


# -- choosing the figures -------------------------------------------------------------------
def _select(ds: Dataset, kinds: Sequence[str],
            pair: str) -> tuple[pd.DataFrame, pd.DataFrame, list[str]]:
    """The figures the model uses (one per year, flow and basis) and the rest with reasons."""
    obs = ds.observations
    obs = obs[obs["pair"] == pair].reset_index(drop=True)
    left: list[dict[str, Any]] = []
    notes: list[str] = []

    def leave(r: Any, reason: str) -> None:
        left.append({c: r[c] for c in _LEFT_OUT_COLUMNS[:-1]} | {"reason": reason})

    cand = []
    for r in obs.to_dict("records"):
        _, m1, m2 = parse_period(r["period"])
        if (m1, m2) != (1, 12):
            leave(r, "part of a year: the model is annual")
        elif r["flow"] == "balance":
            leave(r, "the balance is exports minus imports of the fused flows")
        elif r["reporter"] not in ("VN", "KR"):
            leave(r, "no basis stated: using it would mix the two countries' statistics")
        elif r["kind"] == "lower_bound":
            leave(r, "a lower bound, not a value (checked against the estimate instead)")
        elif r["kind"] not in kinds:
            leave(r, f"kind {r['kind']!r} is not used (used: {', '.join(kinds)})")
        else:
            cand.append(r)
    if not cand:
        return pd.DataFrame(columns=list(_USED_COLUMNS)), pd.DataFrame(
            left, columns=list(_LEFT_OUT_COLUMNS)), notes
    # The more precise kind first (reported, derived, approximate), then the preferred figure
    # by Dataset.annual's rule: a round "about 20" never outweighs 21.08 worked out exactly.
    ranked = preferred(pd.DataFrame(cand), None)
    ranked = ranked.assign(_sd=ranked["kind"].map(FIGURE_SD)).sort_values("_sd", kind="stable")
    groups: dict[tuple[str, str, str], list[dict[str, Any]]] = {}
    for r in ranked.to_dict("records"):
        groups.setdefault((r["period"], r["flow"], r["reporter"]), []).append(r)
    used = []
    for (_, flow, reporter), g in sorted(groups.items()):
        best = g[0]
        v = float(best["value_usd_bn"])
        used.append({"year": int(best["period"]), "flow": flow, "value_usd_bn": v,
                     "reporter": reporter, "kind": best["kind"], "source": best["source"],
                     "sd_log": max(FIGURE_SD.get(best["kind"], 0.03),
                                   _half_unit(v) / abs(v) / math.sqrt(3))})
        for other in g[1:]:
            o = float(other["value_usd_bn"])
            gap = abs(math.log(o / v)) if o > 0 < v else math.inf
            if gap <= max(_CONTRADICTION, 2 * (_half_unit(o) + _half_unit(v)) / v):
                leave(other, f"the same figure as the one used, {v:g} ({best['kind']})")
            else:
                leave(other, f"contradicts {v:g} ({best['kind']}, preferred) by "
                             f"{o / v - 1:+.1%}; not averaged")
                notes.append(f"{best['period']} {flow} on {BASIS_NAMES[reporter]} basis: "
                             f"{v:g} and {o:g} disagree; {v:g} is used ({best['kind']}"
                             + (f", released {best['release']}" if best["release"] else "")
                             + f") and {o:g} is left out.")
    return (pd.DataFrame(used, columns=list(_USED_COLUMNS)),
            pd.DataFrame(left, columns=list(_LEFT_OUT_COLUMNS)), notes)


# -- one flow -------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True, eq=False)
class FusedFlow:
    """The bridging model fitted to one flow.

    Attributes
    ----------
    flow, basis : str
    years : ndarray of int
        Every year from the first figure on either basis to the last.
    level, level_sd : ndarray
        Smoothed log level on ``basis`` and its standard deviation, by year.
    gap, gap_sd : ndarray
        Smoothed log gap ``log(other) - log(basis)`` and its standard deviation.
    q : ndarray, shape (3,)
        State noise ``(q_mu, q_beta, q_g)`` (posterior mode on the grid).
    state, cov : ndarray
        The filtered state ``(mu, beta, g)`` in the last year and its covariance: where a
        forecast starts.
    overlap : tuple of int
        Years with a figure on both bases.
    loglike : float
    weights, grid_q, grid_state, grid_cov : ndarray
        The posterior over the grid of state noises (the points with weight above 1e-4) and
        the last filtered state under each: forecasts mix over them, so the uncertainty about
        how noisy the series is widens the forecast.
    """

    flow: str
    basis: str
    years: np.ndarray
    level: np.ndarray
    level_sd: np.ndarray
    gap: np.ndarray
    gap_sd: np.ndarray
    q: np.ndarray
    state: np.ndarray
    cov: np.ndarray
    overlap: tuple[int, ...]
    loglike: float
    weights: np.ndarray
    grid_q: np.ndarray
    grid_state: np.ndarray
    grid_cov: np.ndarray

    def _predictive(self, steps: int, on: str) -> tuple[np.ndarray, np.ndarray]:
        z = np.array([1.0, 0.0, 0.0 if on == "own" else 1.0])
        means, sds = [], []
        for q, a, p in zip(self.grid_q, self.grid_state, self.grid_cov, strict=True):
            a, p = predict(a, p, q, steps)
            means.append(z @ a)
            sds.append(math.sqrt(z @ p @ z))
        return np.array(means), np.array(sds)

    def forecast_log(self, steps: int, on: Literal["own", "other"] = "own",
                     ) -> tuple[float, float]:
        """Mean and standard deviation of the log level ``steps`` years after the last year,
        on the chosen basis (``own``) or the other one (a mixture over the noise grid)."""
        m, s = self._predictive(steps, on)
        mean = float(self.weights @ m)
        return mean, float(math.sqrt(self.weights @ (s ** 2 + (m - mean) ** 2)))

    def forecast_draws(self, steps: int, n: int, rng: np.random.Generator,
                       on: Literal["own", "other"] = "own") -> np.ndarray:
        """``n`` draws of the log level ``steps`` years after the last year."""
        m, s = self._predictive(steps, on)
        k = rng.choice(len(m), size=n, p=self.weights)
        return m[k] + s[k] * rng.standard_normal(n)


def _state_space(flow: str, basis: str, used: pd.DataFrame) -> tuple[StateSpace, np.ndarray]:
    f = used[used["flow"] == flow]
    years = np.arange(int(f["year"].min()), int(f["year"].max()) + 1)
    y = np.full((len(years), 2), np.nan)
    r = np.full((len(years), 2), 0.01)
    for row in f.itertuples(index=False):
        col = 0 if row.reporter == basis else 1
        y[row.year - years[0], col] = math.log(row.value_usd_bn)
        r[row.year - years[0], col] = row.sd_log
    g0 = _gap_prior_mean(flow, basis)
    first = y[~np.isnan(y).all(axis=1)][0]
    mu0 = first[0] if not np.isnan(first[0]) else first[1] - g0
    # Vague on the level (a factor of e) and growth (+/- 30 %), the convention on the gap.
    a0 = np.array([mu0, 0.08, g0])
    p0 = np.diag([1.0, 0.3 ** 2, GAP_PRIOR_SD ** 2])
    return StateSpace(y=y, r=r, a0=a0, p0=p0), years


def _fit_flow(flow: str, basis: str, used: pd.DataFrame) -> FusedFlow:
    ss, years = _state_space(flow, basis, used)
    grid = np.stack(np.meshgrid(*_GRID, indexing="ij"), axis=-1).reshape(-1, 3)
    logq = np.log(grid)
    prior = sum(-0.5 * ((logq[:, i] - m) / s) ** 2 for i, (m, s) in enumerate(_PRIOR))
    ll, last, last_cov = batched_filter(ss, grid)
    post = ll + prior
    best = grid[int(np.argmax(post))]
    w = np.exp(post - post.max())
    w /= w.sum()
    keep = w > 1e-4
    sm = smooth(ss, best)
    overlap = tuple(int(y) for y, row in zip(years, ss.y, strict=True)
                    if not np.isnan(row).any())
    return FusedFlow(
        flow=flow, basis=basis, years=years, level=sm.smoothed[:, 0],
        level_sd=np.sqrt(sm.smoothed_cov[:, 0, 0]), gap=sm.smoothed[:, 2],
        gap_sd=np.sqrt(sm.smoothed_cov[:, 2, 2]), q=best, state=sm.filtered[-1],
        cov=sm.filtered_cov[-1], overlap=overlap, loglike=sm.loglike,
        weights=w[keep] / w[keep].sum(), grid_q=grid[keep], grid_state=last[keep],
        grid_cov=last_cov[keep])


def _identification_notes(fits: dict[str, FusedFlow], used: pd.DataFrame,
                          basis: str) -> list[str]:
    notes = []
    other = "KR" if basis == "VN" else "VN"
    for flow, f in fits.items():
        have = set(used.loc[used["flow"] == flow, "reporter"])
        prior = (f"the prior gap of {math.exp(_gap_prior_mean(flow, basis)) - 1:+.0%} "
                 f"(sd {GAP_PRIOR_SD:.0%}) is assumed")
        if other not in have:
            notes.append(f"{flow}: figures on {BASIS_NAMES[basis]} basis only; no gap to "
                         "estimate.")
        elif basis not in have:
            notes.append(f"{flow}: no figure on {BASIS_NAMES[basis]} basis; the gap cannot be "
                         f"identified from the data and {prior}.")
        elif len(f.overlap) == 0:
            notes.append(f"{flow}: no year with figures on both bases; the gap is not "
                         f"identified by the data and {prior}, bridged by the trend.")
        elif len(f.overlap) == 1:
            notes.append(f"{flow}: one year on both bases ({f.overlap[0]}); the gap rests on "
                         f"it and the prior ({prior}).")
    return notes


def _bound_notes(left: pd.DataFrame, frame: pd.DataFrame, basis: str) -> list[str]:
    """Lower bounds against the estimate on their own basis (they are never fitted)."""
    notes = []
    for r in left[left["kind"] == "lower_bound"].itertuples(index=False):
        year = parse_period(r.period)[0]
        if r.reporter != basis or (year, r.flow) not in frame.index or r.flow == "balance":
            continue
        upper = float(frame.loc[(year, r.flow), "upper"])
        if upper < r.value_usd_bn:
            notes.append(f"The bound 'at least {r.value_usd_bn:g}' ({r.period} {r.flow}) is "
                         f"above the estimate's 80 % band (upper {upper:.1f}).")
    return notes


# -- the result -----------------------------------------------------------------------------
@dataclass(frozen=True, slots=True, eq=False)
class FusedDataset(Dataset):
    """A :class:`~tradepath.Dataset` of fused estimates, with how they were made.

    Its observations are on one basis (``reporter`` is the basis, kind ``derived``, source
    ``fused``): each year's figure on that basis, or else the other basis's figure divided by
    the estimated gap that year, so that a model fitted on them sees the figures' own
    year-to-year variation (the smoothed estimates, with their bands, are in
    :meth:`to_frame`). :func:`tradepath.assess`, the report and the CLI take it like any
    dataset; :meth:`check` gives the checks of the figures it was fused from.
    Built by :func:`fuse`.

    Attributes
    ----------
    basis : {"VN", "KR"}
    source_dataset : Dataset
        The figures fused.
    flows : dict of str to FusedFlow
    used, left_out : DataFrame
        The figures in the fit (``year``, ``flow``, ``value_usd_bn``, ``reporter``, ``kind``,
        ``source``, ``sd_log``) and the others with the ``reason``.
    notes : tuple of str
        What was assumed: a prior gap, a figure preferred over a contradicting one.
    """

    basis: str = DEFAULT_BASIS
    source_dataset: Dataset | None = None
    flows: dict[str, FusedFlow] = dataclasses.field(default_factory=dict)
    used: pd.DataFrame = dataclasses.field(default_factory=pd.DataFrame)
    left_out: pd.DataFrame = dataclasses.field(default_factory=pd.DataFrame)
    notes: tuple[str, ...] = ()
    _frame: pd.DataFrame = dataclasses.field(default_factory=pd.DataFrame, repr=False)

    def source_words(self) -> str:
        """What the figures are, in words: those it was fused from, and the basis."""
        fused = ("the figures given" if self.source_dataset is None
                 else self.source_dataset.source_words())
        return f"{fused}, fused on {BASIS_NAMES[self.basis]} basis"

    def to_frame(self) -> pd.DataFrame:
        """Estimate, lower and upper (80 %) by year and flow, with the gap between the bases.

        Returns
        -------
        DataFrame
            Indexed by ``year`` and ``flow`` (total, exports, imports, balance); columns
            ``estimate``, ``lower``, ``upper`` (US$ bn on :attr:`basis`), ``sd_log``,
            ``own_figure`` (the figure on the basis that year, NaN if none), ``other_figure``,
            ``gap`` (other basis / this one), ``gap_lower``, ``gap_upper``. The balance's
            band treats the two flows as independent.
        """
        return self._frame.copy()

    def check(self, *, rtol: float = 0.01) -> pd.DataFrame:
        """The consistency checks of the figures fused (:meth:`Dataset.check`), except the
        comparisons of one period's figures across bases: Vietnam's against Korea's is the gap
        the fusion estimates (``to_frame()["gap"]``), not a contradiction, and a figure of
        unstated basis or uncertain year is not fused (:attr:`left_out` says so)."""
        src = self.source_dataset
        if src is None:
            return Dataset.check(self, rtol=rtol)
        checks = src.check(rtol=rtol)
        across = checks["check"] == "same period and flow on different bases"
        return checks[~across].reset_index(drop=True)

    def _build_annual(self, reporter: str, kinds: Sequence[str], mirror: bool,
                      pair: str | None) -> tuple[pd.DataFrame, pd.DataFrame]:
        values, kind = Dataset._build_annual(self, reporter, kinds, mirror, pair)
        if reporter == self.basis:
            kind = _kind_labels(values)
        return values, kind

    def level_sd(self, flow: str, year: int) -> float:
        """Standard deviation of the log level of ``flow`` in ``year`` (0 outside the fit)."""
        f = self.flows.get(flow)
        if f is None or not f.years[0] <= year <= f.years[-1]:
            return 0.0
        return float(f.level_sd[year - f.years[0]])

    def start_from_posterior(self, fit: FitResult, flow: str) -> FitResult:
        """``fit`` whose paths start from the fused estimate's distribution in its last year."""
        from .start import PosteriorStart

        sd = self.level_sd(flow, fit.last_year)
        if sd <= 0:
            return fit
        return PosteriorStart(model=fit.model, series=fit.series, params=fit.params,
                              growth=fit.growth, notes=fit.notes, extras=fit.extras,
                              inner=fit, level_sd=sd)

    def describe_year(self, flow: str, year: int) -> str:
        """One year's value in words: ``"82.6 ± 1.4 bn on Vietnam's basis, from Korea's
        87.7"``: the value the models see that year (:func:`_figure_level`; the smoothed
        estimate where no basis has a figure), ± the half-width of the estimate's 80 % band."""
        r = self._frame.loc[(year, flow)]
        half = (r["upper"] - r["lower"]) / 2
        if ("figure_level",) not in self._cache:  # the history never changes: computed once
            self._cache[("figure_level",)] = _figure_level(self._frame)
        value = self._cache[("figure_level",)].loc[(year, flow)]
        value = r["estimate"] if pd.isna(value) else value
        text = f"{value:.1f} ± {half:.1f} bn on {BASIS_NAMES[self.basis]} basis"
        if pd.isna(r["own_figure"]) and not pd.isna(r["other_figure"]):
            other = "KR" if self.basis == "VN" else "VN"
            text += f", from {BASIS_NAMES[other]} {r['other_figure']:g}"
        elif pd.isna(r["own_figure"]):
            text += ", from the trend (no figure that year)"
        return text

    def __repr__(self) -> str:
        frame = self._frame
        span = (f"{frame.index.get_level_values('year').min()}–"
                f"{frame.index.get_level_values('year').max()}" if len(frame) else "empty")
        return (f"<FusedDataset on {BASIS_NAMES[self.basis]} basis, {span}: "
                f"{len(self.used)} figures used, {len(self.left_out)} left out, "
                f"{len(self.notes)} notes>")


def _kind_labels(values: pd.DataFrame) -> pd.DataFrame:
    """The kind of each annual value: ``fused`` (see :meth:`FusedDataset.describe_year` for
    the figures behind one)."""
    kind = pd.DataFrame("fused", index=values.index, columns=values.columns, dtype=object)
    return kind.where(values.notna(), None)


def _frame(fits: dict[str, FusedFlow], used: pd.DataFrame, basis: str) -> pd.DataFrame:
    figures: dict[tuple[int, str, bool], float] = {
        (int(y), f, r == basis): float(v) for y, f, r, v in zip(
            used["year"], used["flow"], used["reporter"], used["value_usd_bn"], strict=True)}
    parts = []
    for flow, f in fits.items():
        years = [int(y) for y in f.years]
        parts.append(pd.DataFrame({
            "year": years, "flow": flow, "estimate": np.exp(f.level),
            "lower": np.exp(f.level - Z80 * f.level_sd),
            "upper": np.exp(f.level + Z80 * f.level_sd), "sd_log": f.level_sd,
            "own_figure": [figures.get((y, flow, True), np.nan) for y in years],
            "other_figure": [figures.get((y, flow, False), np.nan) for y in years],
            "gap": np.exp(f.gap), "gap_lower": np.exp(f.gap - Z80 * f.gap_sd),
            "gap_upper": np.exp(f.gap + Z80 * f.gap_sd)}))
    frame = pd.concat(parts).set_index(["year", "flow"]).sort_index()
    if {"exports", "imports"} <= set(fits):
        x = frame.xs("exports", level="flow")
        m = frame.xs("imports", level="flow")
        both = x.index.intersection(m.index)
        x, m = x.loc[both], m.loc[both]
        sd = np.hypot(x["estimate"] * x["sd_log"], m["estimate"] * m["sd_log"])
        bal = pd.DataFrame({"estimate": x["estimate"] - m["estimate"]}, index=both)
        bal["lower"], bal["upper"] = bal["estimate"] - Z80 * sd, bal["estimate"] + Z80 * sd
        bal["sd_log"] = np.nan
        bal = bal.assign(flow="balance").set_index("flow", append=True)
        frame = pd.concat([frame, bal]).sort_index()
    return frame


def _figure_level(frame: pd.DataFrame) -> pd.Series:
    """Each year's figure on the basis, else the other basis's figure divided by the
    estimated gap that year (NaN where neither basis has one); the balance from these.

    The models are fitted on these, not on the smoothed estimates: the smoother removes the
    figures' own year-to-year noise, and a forecast is scored against figures."""
    value = frame["own_figure"].where(frame["own_figure"].notna(),
                                      frame["other_figure"] / frame["gap"])
    flows = value.index.get_level_values("flow")
    if (flows == "balance").any():
        x = value[flows == "exports"].droplevel("flow")
        m = value[flows == "imports"].droplevel("flow")
        bal = (x - m).reindex(value.xs("balance", level="flow").index)
        value[flows == "balance"] = bal.to_numpy()
    return value


def _observations(frame: pd.DataFrame, basis: str, pair: str) -> pd.DataFrame:
    """The figure-level values (:func:`_figure_level`) as observation rows: only years with
    a figure on either basis (a year with none has an estimate in
    :meth:`FusedDataset.to_frame`, but is no observation)."""
    value = _figure_level(frame)
    rows = []
    for (year, flow), v, lower, upper in zip(frame.index, value, frame["lower"],
                                             frame["upper"], strict=True):
        if pd.isna(v):
            continue
        half = (upper - lower) / 2
        rows.append({"pair": pair, "period": str(year), "flow": flow,
                     "value_usd_bn": float(v), "reporter": basis,
                     "kind": "derived", "source": "fused",
                     "note": f"figure on this basis or put on it by the estimated gap; fused "
                             f"estimate's 80 % band ± {half:.2f}",
                     "formula": "fused (tradepath.fuse)", "dataset": "fused"})
    return pd.DataFrame(rows)


@functools.lru_cache(maxsize=2)
def _merged(documents: Dataset, official: Dataset) -> Dataset:
    """The documents merged with the official series: fuse's default, merged once per pair of
    embedded datasets (each read once, see :func:`tradepath.load_dataset`)."""
    return documents.merge(official)


def fuse(
    ds: Dataset | None = None,
    *,
    basis: Literal["VN", "KR"] = DEFAULT_BASIS,
    kinds: Sequence[str] = DEFAULT_KINDS,
    pair: str | None = None,
) -> FusedDataset:
    """One history on one basis from every figure held: the fused estimates with bands.

    Parameters
    ----------
    ds : Dataset, optional
        The figures to fuse; default: the documents merged with the official series on both
        bases (``load_dataset().merge(load_dataset("official"))``). A user's dataset with
        figures on two bases (``reporter`` ``VN`` and ``KR``) fuses the same way.
    basis : {"VN", "KR"}, default "VN"
        Whose statistics the fused history is on (:data:`DEFAULT_BASIS`).
    kinds : sequence of str, default ("reported", "approximate", "derived")
        Kinds of figure fitted; bounds, forecasts, estimates and figures of uncertain year
        or basis are left out with the reason.
    pair : str, optional
        Needed only when the dataset holds several pairs.

    Returns
    -------
    FusedDataset
        A Dataset on ``basis`` (each year's figure on it, or the other basis's divided by
        the estimated gap); ``to_frame()`` gives the fused estimate, lower, upper by year and
        flow, ``used`` and ``left_out`` the figures, ``notes`` what was assumed.

    Raises
    ------
    ParameterError
        ``ds`` is not a Dataset or ``basis`` not "VN" or "KR".
    DataError
        The dataset has no annual figure on either basis that can be used.

    Notes
    -----
    For each flow (total, exports, imports) a local linear trend on the log level of the
    chosen basis, observed on that basis directly and on the other through a gap that is a
    random walk (see :mod:`tradepath.fusion.kalman`); the state noise is the posterior mode
    on a grid under log-normal priors, the gap starts from the CIF/FOB convention with a
    standard deviation of 10 %. Years without a figure are missing observations, never
    filled. Where several figures give one year, flow and basis, the preferred one
    (the most precise kind: reported, derived, approximate; then :meth:`Dataset.annual`'s
    rule) is fitted and the others are left out: as duplicates, or,
    if they differ by more than 2 %, as contradictions named in ``notes``. The balance is the
    fused exports minus the fused imports; the fused total is fitted on its own figures, so
    it need not equal their sum exactly.

    Examples
    --------
    >>> import tradepath as tp
    >>> fused = tp.fuse()
    >>> round(float(fused.to_frame().loc[(2024, "total"), "estimate"]))
    82
    """
    from ..data import load_dataset
    from ..errors import DataError

    func = "fuse"
    if ds is None:
        ds = _merged(load_dataset(), load_dataset("official"))
    if not isinstance(ds, Dataset):
        raise fail("ds", func, "a tradepath Dataset", type(ds).__name__,
                   "Use tp.load_dataset() or tp.Dataset.from_csv(path).")
    if isinstance(ds, FusedDataset):
        ds = ds.source_dataset if ds.source_dataset is not None else ds
    basis = check_choice("basis", func, basis, ("VN", "KR"))
    pair = ds._pair(pair)
    used, left, notes = _select(ds, tuple(kinds), pair)
    flows = [f for f in FUSED_FLOWS if (used["flow"] == f).any()]
    if not flows:
        raise DataError("no annual figure on Vietnam's or Korea's basis to fuse; "
                        f"{len(left)} figure(s) left out (see their reasons with "
                        "tp.fuse's left_out on a dataset with annual figures)", field="reporter")
    fits = {f: _fit_flow(f, basis, used) for f in flows}
    notes += _identification_notes(fits, used, basis)
    frame = _frame(fits, used, basis)
    notes += _bound_notes(left, frame, basis)
    if "total" in fits and {"exports", "imports"} <= set(fits):
        notes.append("The total is fused from its own figures; it may differ slightly from "
                     "the fused exports plus imports.")
    # Built here, so already in the canonical form Dataset keeps (see data.files._validate).
    rows = _observations(frame, basis, pair)
    stated = rows.assign(**{c: "" for c in COLUMNS if c not in rows})[list(COLUMNS)].astype(
        {c: "str" for c in COLUMNS if c != "value_usd_bn"} | {"value_usd_bn": float})
    return FusedDataset(stated, ds._claims.iloc[0:0], ds.targets, basis=basis,
                        source_dataset=ds, flows=fits, used=used, left_out=left,
                        notes=tuple(notes), _frame=frame)
