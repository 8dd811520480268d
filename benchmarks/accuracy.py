"""Accuracy benchmark: tradepath's models against the baselines an analyst would use.

Run with::

    python benchmarks/accuracy.py            # about 8 minutes on two cores
    python benchmarks/accuracy.py --quick    # a smaller run, about 2 minutes
    python benchmarks/accuracy.py --data my_obs.csv   # add your own series
    python benchmarks/accuracy.py --reference   # only the real-data tables, about 5 minutes
    python benchmarks/accuracy.py --targets-only --quick --write-pool   # the pool's data

Real data first (:func:`reference_section`): the resolved historical trade targets of
``tradepath.reference_targets()``, each judged with the annual data dated before its
announcement, grouped cross-validation by pair (Brier and log score of the headline pool, the
model alone, the outside view, climatology and the trend baselines, with pair-bootstrap
intervals; the pool with one weight and with a weight by the series' length or steadiness; a
reliability table; ``--write-pool`` writes the inside views the library's pool learns from);
the same pools on the panel's pseudo-targets, and those by the growth before them; synthetic
booms (is a known, persistent fast growth kept?); the damped trend's window chosen on the
panel (Korea-Vietnam left out); the upper tail out of sample at horizons up
to 26 years, by the pair's size; level backtests on every reference pair with 6 or more
annual points (80 % coverage, MAPE, CRPS; priors learned
leaving the pair out); the damped trend's panel prior against the reference prior at horizons
up to 10 years; the VN-KR targets' inside, outside and combined probabilities. Then the
synthetic studies below.


Rolling-origin backtests (horizons 1, 2 and 3 years) of every model in
``tradepath.models.MODELS`` and of the baselines, all in the same run, on the same origins:

* ``cagr`` — CAGR extrapolated from the two endpoints (tradepath's ``cagr`` model is exactly
  the spreadsheet calculation; a point forecast);
* ``naive`` — the last observed value carried forward (a point forecast);
* ``sm_arima_drift`` — a random walk with drift as statsmodels fits it:
  ``ARIMA(0,1,0)`` with trend ``"t"`` on the logs;
* ``sm_holt_damped`` — statsmodels' Holt damped trend (``ExponentialSmoothing``) on the logs.

statsmodels needs an equally spaced series: missing years are filled by log-linear
interpolation (constant growth across the gap) before it sees the data. tradepath's models
take the observed years as they are.

Data sets: the documents' series (Vietnamese basis, the default kinds of figure); synthetic
series from known processes, observed like the documents' (5 to 8 observed years in 15,
gaps where only a partial year or nothing is known), then six complete years to score; and
any CSV passed with ``--data`` (columns as for ``Dataset.from_csv``).

Reported per model: MASE, MAPE, the coverage of the central 50/80/95 % intervals, CRPS, the
share of forecasts less accurate than CAGR extrapolation, and the Brier score of target
probabilities where the outcome is known. Coverage on the synthetic series is the
calibration check: an 80 % interval should cover about 80 % of outcomes.

A last table checks the vectorised random walk of ``assess_many``: against ``tp.assess``,
and the annual-monitoring closed form it does not use, against simulation.

Tables go to ``benchmarks/results/`` (Markdown and CSV) and are printed.
"""

from __future__ import annotations

import argparse
import itertools
import math
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import (
    Naive,
    StatsmodelsARIMA,
    StatsmodelsHoltDamped,
    quiet,
    write_table,
)

import tradepath as tp
from tradepath.backtesting import backtest, event_backtest, synthetic_series
from tradepath.models import DEFAULT_MODEL, MODELS, get_model

BASELINES = ("naive", "sm_arima_drift", "sm_holt_damped")
#: Point forecasts: no interval, so coverage is not reported for them.
POINT = ("cagr", "naive")
HORIZONS = (1, 2, 3)
METRICS = ("mase", "mape", "coverage_50", "coverage_80", "coverage_95", "crps")
PROCESSES = {
    "random_walk": "random walk with drift",
    "break": "trend with a break",
    "logistic": "saturating (logistic)",
    "damped": "decaying growth",
}
SPAN, FUTURE = 15, 6
BASE_YEAR = 2000
#: Errors within half a percentage point of the outcome count as a tie with CAGR: the
#: random walk's median forecast is the CAGR line up to Monte Carlo noise of that size.
TIE = 0.5


def models() -> list[Any]:
    """Every tradepath model, then the baselines (instances, so workers can rebuild them)."""
    return [*(get_model(name) for name in MODELS), Naive(), StatsmodelsARIMA(),
            StatsmodelsHoltDamped()]


# -- synthetic series -------------------------------------------------------------------------


def break_series(n_series: int, seed: int) -> pd.DataFrame:
    """Growth that changes at a break year, observed like :func:`synthetic_series`.

    Log growth ``g1 ~ U(0.06, 0.16)`` until the break, then ``g2 = g1 * U(-0.2, 0.5)``, with a
    level jump ``U(-0.15, 0.05)`` at the break, which falls between five years before the
    last observed year and three years after it; shocks ``N(0, sigma^2)``,
    ``sigma ~ U(0.03, 0.10)``.
    """
    rng = np.random.default_rng(seed)
    n_years = SPAN + 1 + FUTURE
    t = np.arange(n_years)
    g1 = rng.uniform(0.06, 0.16, (n_series, 1))
    g2 = g1 * rng.uniform(-0.2, 0.5, (n_series, 1))
    tb = rng.integers(SPAN - 5, SPAN + 4, (n_series, 1))
    jump = rng.uniform(-0.15, 0.05, (n_series, 1))
    sigma = rng.uniform(0.03, 0.10, (n_series, 1))
    steps = np.where(t < tb, g1, g2) + (t == tb) * jump
    steps = steps + sigma * rng.standard_normal((n_series, n_years))
    steps[:, 0] = 0.0
    x = np.log(rng.uniform(5, 50, (n_series, 1))) + np.cumsum(steps, axis=1)
    counts = rng.integers(5, 9, n_series)
    ranks = np.argsort(np.argsort(rng.random((n_series, SPAN - 1)), axis=1), axis=1)
    observed = np.zeros((n_series, n_years), dtype=bool)
    observed[:, 0] = observed[:, SPAN] = True
    observed[:, 1:SPAN] = ranks < (counts - 2)[:, None]
    observed[:, SPAN + 1:] = True
    sid, year = np.nonzero(observed)
    return pd.DataFrame({"series": sid, "year": year, "value": np.exp(x[sid, year]),
                         "role": np.where(year <= SPAN, "fit", "future")})


def synthetic(process: str, n_series: int, seed: int) -> list[pd.Series]:
    if process == "break":
        data = break_series(n_series, seed)
    else:
        data = synthetic_series(process, n_series=n_series, n_points=(5, 8), span=SPAN,
                                horizon=FUTURE, seed=seed)
    return [pd.Series(g["value"].to_numpy(), index=g["year"].to_numpy() + BASE_YEAR,
                      name=f"{process}-{i}")
            for i, g in data.groupby("series", sort=True)]


# -- scoring one series -----------------------------------------------------------------------


def score_series(task: tuple[str, pd.Series, list[int] | None, list[tp.Target], int, int]
                 ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per-forecast scores (one backtest per origin) and per-event Brier scores."""
    label, s, origins, targets, n_paths, seed = task
    ms = models()
    rng = np.random.default_rng(seed)
    if origins is None:  # every origin with 3 observations up to it and one within 3 years
        years = s.index.to_numpy(dtype=int)
        origins = [int(y) for i, y in enumerate(years)
                   if i >= 2 and any(0 < z - y <= max(HORIZONS) for z in years)]
    rows = []
    with quiet():
        for origin in origins:
            bt = backtest(s, ms, origins=[origin], horizons=HORIZONS, n_paths=n_paths,
                          seed=rng.spawn(1)[0], by_horizon=True)
            bt = bt[bt["n_forecasts"] > 0]
            rows.append(bt.assign(series=label, origin=origin))
        events = (event_backtest(s, targets, ms, n_paths=n_paths, seed=rng.spawn(1)[0]).events
                  if targets else pd.DataFrame())
    cases = pd.concat(rows, ignore_index=True) if rows else pd.DataFrame()
    return cases, events.assign(series=label) if len(events) else events


def pace_targets(s: pd.Series, announced: int) -> list[tp.Target]:
    """Targets an analyst would set at ``announced``: keep half of, or all of, the historical
    growth pace for three and for six more years."""
    hist = s[s.index <= announced]
    pace = math.log(hist.iloc[-1] / hist.iloc[0]) / (hist.index[-1] - hist.index[0])
    out = []
    for q in (0.5, 1.0):
        for h in (3, 6):
            value = float(hist.iloc[-1] * math.exp(q * pace * h))
            if value > hist.iloc[-1]:
                out.append(tp.Target(value, by=announced + h, announced=announced,
                                     name=f"{q:g} x pace, {h} years"))
    return out


def run_all(tasks: list[tuple[Any, ...]], jobs: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    if jobs > 1 and len(tasks) > 1:
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            results = list(pool.map(score_series, tasks, chunksize=1))
    else:
        results = [score_series(t) for t in tasks]
    cases = pd.concat([r[0] for r in results if len(r[0])], ignore_index=True)
    ev = [r[1] for r in results if len(r[1])]
    events = pd.concat(ev, ignore_index=True) if ev else pd.DataFrame()
    return cases, events


# -- summaries --------------------------------------------------------------------------------


def summarise(cases: pd.DataFrame, events: pd.DataFrame) -> pd.DataFrame:
    """One row per model: mean scores over forecasts, share worse than CAGR, Brier."""
    order = [m.name for m in models()]
    key = ["series", "origin", "horizon"]
    cagr = cases[cases["model"] == "cagr"].set_index(key)["mape"]
    rows = []
    for name in order:
        sub = cases[cases["model"] == name]
        row: dict[str, Any] = {"model": name, "forecasts": len(sub)}
        for m in METRICS:
            row[m] = float(sub[m].mean()) if len(sub) else math.nan
        if name in POINT:
            for m in ("coverage_50", "coverage_80", "coverage_95"):
                row[m] = math.nan
        both = sub.set_index(key)["mape"].to_frame("own").join(cagr.rename("cagr"),
                                                                how="inner")
        if len(both) and name != "cagr":
            gap = both["own"] - both["cagr"]  # percentage points of the outcome
            row["worse_than_cagr"] = float((gap > TIE).mean())
            row["better_than_cagr"] = float((gap < -TIE).mean())
        else:
            row["worse_than_cagr"] = row["better_than_cagr"] = math.nan
        if len(events):
            ev = events[(events["model"] == name) & (events["status"] == "scored")]
            row["events"] = len(ev)
            row["brier"] = float(ev["brier"].mean()) if len(ev) else math.nan
        else:
            row["events"], row["brier"] = 0, math.nan
        rows.append(row)
    return pd.DataFrame(rows)


DIGITS = {"forecasts": 0, "events": 0, "mase": 2, "mape": 1, "coverage_50": 2,
          "coverage_80": 2, "coverage_95": 2, "crps": 3, "worse_than_cagr": 2,
          "better_than_cagr": 2, "brier": 3}
COLUMN_NOTES = (
    "mase: absolute error over the mean one-year change in the training data (1 = the "
    "no-change forecast's error at one year); mape in percent; crps in US$ bn (lower is "
    "better); coverage_X: share of outcomes inside the central X % interval of the paths "
    "(— for point forecasts); worse_than_cagr / better_than_cagr: share of the same "
    "forecasts (series, origin, horizon) with an error larger / smaller than CAGR "
    "extrapolation's by more than half a percentage point of the outcome (the rest are "
    "ties); brier: mean (p - outcome)^2 over targets with a known outcome (0.25 = always "
    "saying 50 %).",
)


# -- the batch path: closed form vs simulation ------------------------------------------------


def closed_form_cdf(mu: np.ndarray, s: np.ndarray, nu: np.ndarray, span: np.ndarray,
                    barrier: np.ndarray, steps: int, nodes: int = 400) -> np.ndarray:
    """P(first met by step k), k = 1..steps, from the annual-monitoring closed form.

    Continuous first passage of a Brownian motion with drift, the barrier shifted by the
    Broadie–Glasserman–Kou constant times the volatility, integrated exactly over the
    posterior of ``RandomWalk``: the drift analytically (``mu | sigma ~ N(mu_hat, sigma^2 /
    span)`` gives closed-form Gaussian integrals of both terms), the volatility by the
    midpoint rule on ``nodes`` quantiles of ``sigma^2 ~ nu s^2 / chi2(nu)``.
    """
    from scipy import special

    from tradepath.models.random_walk import BGK_BETA

    p = (np.arange(nodes) + 0.5) / nodes
    chi = special.chdtri(nu[:, None], 1.0 - p[None, :])  # (series, nodes)
    sig = (s[:, None] * np.sqrt(nu[:, None] / chi))[:, :, None]
    m, T = mu[:, None, None], span[:, None, None]
    b = barrier[:, None, None] + BGK_BETA * sig
    k = np.arange(1, steps + 1)[None, None, :]
    sd = np.sqrt(sig**2 * k * (1 + k / T))
    first = special.ndtr((m * k - b) / sd)
    log_second = (2 * b * m / sig**2 + 2 * b**2 / (sig**2 * T)
                  + special.log_ndtr((-(m + 2 * b / T) * k - b) / sd))
    return np.clip(first + np.exp(log_second), 0.0, 1.0).mean(axis=1)


def batch_checks(quick: bool, seed: int) -> pd.DataFrame:
    from _common import trade_matrix

    from tradepath.batch import _random_walk_fit, assess_many, series_seed

    rows = []
    # 1. The vectorised path against tp.assess, series by series (independent draws).
    n_cmp, n_paths = (10, 5000) if quick else (40, 10_000)
    frame = trade_matrix(n_cmp, 20, seed=seed + 1)
    rng = np.random.default_rng(seed)
    factors = rng.uniform(1.1, 2.5, n_cmp)
    last = frame.groupby("pair")["value"].last()
    targets = pd.DataFrame({"pair": last.index, "target": last.to_numpy() * factors,
                            "by": 2032})
    fast = assess_many(frame, targets, n_paths=n_paths, seed=seed).set_index("pair")
    diffs, z = [], []
    for pair, g in frame.groupby("pair"):
        ds = tp.Dataset.from_frame(pd.DataFrame({"period": g["year"].astype(str),
                                                 "flow": "total", "value_usd_bn": g["value"]}))
        row = fast.loc[pair]
        if row["status"] != "simulated":
            continue
        a = tp.assess(ds, tp.Target(float(row["target"]), by=2032), model="random_walk",
                      n_paths=n_paths, seed=np.random.default_rng(series_seed(seed + 7, pair)))
        d = row["probability"] - a.probability
        se = math.sqrt(max(a.probability * (1 - a.probability), 1.0 / n_paths) * 2 / n_paths)
        diffs.append(abs(d))
        z.append(abs(d) / se)
    rows.append({"comparison": f"assess_many vs tp.assess, {n_paths:,} paths each",
                 "series": len(diffs), "median_abs_diff": float(np.median(diffs)),
                 "p90_abs_diff": float(np.quantile(diffs, 0.9)),
                 "max_abs_diff": float(np.max(diffs)),
                 "max_abs_z": float(np.max(z))})
    # 2. The annual-monitoring closed form against simulation of the same posterior, on
    #    20-year random walks: P(met by the deadline) and the whole crossing-year CDF.
    from tradepath.batch import _rw_crossing_counts

    n_series, ref_paths, steps = (60, 50_000, 10) if quick else (200, 200_000, 10)
    frame = trade_matrix(n_series, 20, seed=seed + 2).sort_values(["pair", "year"])
    counts = frame.groupby("pair").size().to_numpy()
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    mu, s, span = _random_walk_fit(frame["year"].to_numpy(float),
                                   np.log(frame["value"].to_numpy()), starts, counts)
    barrier = np.full(n_series, math.log(1.8))  # 1.8 x the last value, within 10 years
    hits = _rw_crossing_counts(mu, s, span, counts - 2, barrier, np.full(n_series, steps),
                               n_paths=ref_paths, seed=seed, uncertainty=True, n_jobs=1)
    simulated = hits / ref_paths
    closed = closed_form_cdf(mu, s, (counts - 2).astype(float), span, barrier, steps)
    for label, d in (
        ("P(met within 10 years)", np.abs(closed[:, -1] - simulated[:, -1])),
        ("crossing-year CDF, worst year of each series",
         np.abs(closed - simulated).max(axis=1)),
    ):
        rows.append({"comparison": f"closed form (BGK) vs simulation ({ref_paths:,} paths): "
                                   f"{label}",
                     "series": n_series, "median_abs_diff": float(np.median(d)),
                     "p90_abs_diff": float(np.quantile(d, 0.9)),
                     "max_abs_diff": float(d.max()), "max_abs_z": math.nan})
    return pd.DataFrame(rows)


# -- the reference panel and the reference targets ---------------------------------------------

#: Models compared on the reference panel and targets: the default, the earlier ones, and the
#: analyst's baselines.
PANEL_MODELS = ("stochastic_growth", "ensemble", "damped_trend", "random_walk", "cagr",
                "sm_arima_drift", "sm_holt_damped")
LEVELS = ("coverage_80", "mape", "crps", "crps_log")


def _panel_model(name: str, pair: str, window: Any = "default") -> Any:
    """A configured model; every panel-learned prior leaves ``pair`` out of the panel; the
    damped trend reads ``window`` years (its default unless given).

    ``damped_trend_reference`` and ``ensemble_reference``: the damped trend with the
    reference prior 1/sigma^2 (alone, and in the default ensemble), for the comparison of
    :func:`damped_prior_comparison`; ``damped_trend_volatility``: the panel prior on the
    volatility alone.
    """
    from tradepath.models import DampedTrend, Ensemble, StochasticGrowth, panel_prior
    from tradepath.models.damped import DEFAULT_WINDOW, trend_panel_prior

    w = DEFAULT_WINDOW if window == "default" else window
    damped = {
        "damped_trend": lambda: DampedTrend(prior=trend_panel_prior(exclude=[pair]), window=w),
        "damped_trend_volatility": lambda: DampedTrend(
            prior=trend_panel_prior(exclude=[pair], slope=False), window=w),
        "damped_trend_reference": lambda: DampedTrend(prior="reference", window=w),
    }
    if name == "stochastic_growth":
        return StochasticGrowth(prior=panel_prior(exclude=[pair]))
    if name.startswith("ensemble"):  # the default ensemble, its priors leaving the pair out
        trend = damped["damped_trend" + name.removeprefix("ensemble")]()
        return Ensemble(components=(trend, "logistic"),
                        fallback=StochasticGrowth(prior=panel_prior(exclude=[pair])))
    if name in damped:
        return damped[name]()
    return {"sm_arima_drift": StatsmodelsARIMA, "sm_holt_damped": StatsmodelsHoltDamped}.get(
        name, lambda: get_model(name))()


def panel_backtest(
    n_paths: int, seed: int, *, names: tuple[str, ...] = PANEL_MODELS,
    horizons: tuple[int, ...] = HORIZONS, min_points: int = 6, window: Any = "default",
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Rolling-origin level forecasts on every reference pair with >= ``min_points`` points.

    Every observed year with at least 2 points up to it is an origin; ``horizons`` (default
    1-3) where the year is observed. Every panel-learned prior is learned leaving the pair
    out. Returns the per-case frame (with the 95 % interval's width as a ratio, upper over
    lower, in ``ratio_95``) and the summary (on the cases every model answered, and on all
    cases of each model).
    """
    from tradepath.models.scoring import crps_sample, rolling_origin
    from tradepath.reference import reference_panel

    frames = []
    for k, (pair, s) in enumerate(reference_panel(min_points=min_points).items()):
        origins = [int(y) for y in s.index[1:]]
        models = [_panel_model(name, pair, window) for name in names]
        ro = rolling_origin(s, models, list(names), origins=origins, horizons=horizons,
                            n_paths=n_paths, rng=np.random.default_rng(seed + k))
        c = ro.cases.copy()
        if c.empty:
            continue
        x = ro.log_samples[c["row"].to_numpy()]
        actual = c["actual"].to_numpy(dtype=float)
        lo95, lo, med, hi, hi95 = np.quantile(x, [0.025, 0.1, 0.5, 0.9, 0.975], axis=1)
        c["pair"] = pair
        c["coverage_80"] = ((np.log(actual) >= lo) & (np.log(actual) <= hi)).astype(float)
        c["coverage_95"] = ((np.log(actual) >= lo95) & (np.log(actual) <= hi95)).astype(float)
        c["ratio_95"] = np.exp(hi95 - lo95)
        c["multiple_975"] = np.exp(hi95) / s.loc[c["origin"].to_numpy()].to_numpy(dtype=float)
        c["above_90"] = (np.log(actual) > hi).astype(float)
        c["above_975"] = (np.log(actual) > hi95).astype(float)
        c["mape"] = 100 * np.abs(np.exp(med) - actual) / actual
        c["crps"] = crps_sample(np.exp(x), actual)
        c["crps_log"] = crps_sample(x, np.log(actual))
        frames.append(c.drop(columns="row"))
    cases = pd.concat(frames, ignore_index=True)
    key = ["pair", "origin", "horizon"]
    n_models = cases.groupby(key)["model"].nunique()
    common = n_models[n_models == len(names)].index
    in_common = pd.MultiIndex.from_frame(cases[key]).isin(common)
    rows = []
    for name in names:
        for label, sub in (("common", cases[in_common]), ("all", cases)):
            m = sub[sub["model"] == name]
            row = {"model": name, "cases": label, "forecasts": len(m),
                   "pairs": m["pair"].nunique()}
            row |= {v: float(m[v].mean()) if len(m) else math.nan for v in LEVELS}
            if name == "cagr":
                row["coverage_80"] = math.nan
            rows.append(row)
    return cases, pd.DataFrame(rows)


#: The damped trend's priors compared out of sample: the panel prior (default), the panel
#: prior on the volatility alone, the reference prior; alone and in the default ensemble.
PRIOR_MODELS = ("damped_trend", "damped_trend_volatility", "damped_trend_reference",
                "ensemble", "ensemble_volatility", "ensemble_reference")
PRIOR_HORIZONS = (1, 2, 3, 5, 10)


def damped_prior_comparison(n_paths: int, seed: int, min_points: int = 6) -> pd.DataFrame:
    """The damped trend's priors out of sample, by horizon band, on the common cases.

    :func:`panel_backtest` with :data:`PRIOR_MODELS` at horizons :data:`PRIOR_HORIZONS` on
    the pairs with ``min_points`` or more annual points;
    per model and horizon group (1-3, 5, 10 years): coverage of the 80 % and 95 %
    intervals, CRPS (US$ bn), CRPS on log levels, and the median ratio of the 95 %
    interval's upper to lower end.
    """
    cases, _ = panel_backtest(n_paths, seed, names=PRIOR_MODELS, horizons=PRIOR_HORIZONS,
                              min_points=min_points)
    key = ["pair", "origin", "horizon"]
    n_models = cases.groupby(key)["model"].nunique()
    common = n_models[n_models == len(PRIOR_MODELS)].index
    cases = cases[pd.MultiIndex.from_frame(cases[key]).isin(common)]
    group = np.where(cases["horizon"] <= 3, "1-3", cases["horizon"].astype(str))
    rows = []
    for (name, g), sub in cases.groupby([cases["model"], group], sort=False):
        rows.append({"model": name, "horizons": g, "forecasts": len(sub),
                     "pairs": sub["pair"].nunique(),
                     "coverage_80": float(sub["coverage_80"].mean()),
                     "coverage_95": float(sub["coverage_95"].mean()),
                     "crps": float(sub["crps"].mean()),
                     "crps_log": float(sub["crps_log"].mean()),
                     "median_ratio_95": float(sub["ratio_95"].median())})
    out = pd.DataFrame(rows)
    out["_h"] = out["horizons"].map({"1-3": 0}).fillna(pd.to_numeric(
        out["horizons"], errors="coerce"))
    out["_m"] = out["model"].map({m: i for i, m in enumerate(PRIOR_MODELS)})
    return out.sort_values(["_h", "_m"]).drop(columns=["_h", "_m"]).reset_index(drop=True)


#: Pseudo-targets: levels this multiple of the last value, by this many years after an origin.
PSEUDO_MULTIPLES = (1.05, 1.15, 1.3, 1.5, 2.0)
PSEUDO_HORIZONS = (2, 3, 5)


def panel_pseudo_targets(n_paths: int, seed: int, name: str = "ensemble") -> pd.DataFrame:
    """The default model's probabilities of levels nobody announced, and whether they were met.

    At every observed year of a reference pair with 2 or more points up to it (an origin),
    the default ensemble (its stochastic growth prior learned leaving the pair out) is fitted
    on the data up to the origin; each level :data:`PSEUDO_MULTIPLES` times the last value is
    a pseudo-target for each horizon in :data:`PSEUDO_HORIZONS` whose deadline year is
    observed; it is met if an observed year up to the deadline reaches it. ``name``: another
    model of :func:`_panel_model` (``"ensemble_reference"``: the damped trend's reference
    prior).
    """
    from tradepath.reference import reference_panel

    rows = []
    for k, (pair, s) in enumerate(reference_panel(min_points=3).items()):
        years = [int(y) for y in s.index]
        model = _panel_model(name, pair)
        for i, origin in enumerate(years[1:], start=1):
            hs = [h for h in PSEUDO_HORIZONS if origin + h in years]
            if not hs:
                continue
            before = s.iloc[: i + 1]
            fit = model.fit(before)
            paths = fit.simulate_array(n_paths=n_paths, end=origin + max(hs),
                                        seed=seed + 100 * k + i)
            last = float(before.iloc[-1])
            for h in hs:
                window = s[(s.index > origin) & (s.index <= origin + h)]
                for m in PSEUDO_MULTIPLES:
                    rows.append({"pair": pair, "origin": origin, "horizon": h, "multiple": m,
                                 "p_inside": float((paths[:, :h] >= m * last).any(axis=1)
                                                   .mean()),
                                 "met": float((window >= m * last).any())})
    return pd.DataFrame(rows)


def pseudo_target_scores(n_paths: int, seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The headline, the model, the outside view and climatology on the panel's pseudo-targets.

    :func:`panel_pseudo_targets` (every prior leaving the pair out) with, for each, the outside
    view and the pool learned without the pair's reference targets. Returns the per-target
    frame and the score table (pair-bootstrap 90 % intervals).
    """
    from tradepath.reference import reference_panel, reference_targets
    from tradepath.reference.pooling import POOL_FEATURE, learn_pool, pool_feature, pool_inputs
    from tradepath.reference.views import outside_view

    pseudo = panel_pseudo_targets(n_paths, seed)
    ref = reference_targets()
    inputs = pool_inputs(ref)
    resolved = ref[ref["outcome"].isin(["met", "missed"]) & (ref["target_type"] != "projection")]
    panel = reference_panel(min_points=3)
    pools: dict[tuple[str, str | None], Any] = {}
    p_out, clim, trailing = [], [], []
    p_pool: dict[str, list[float]] = {label: [] for label, _ in POOL_VARIANTS}
    for r in pseudo.itertuples(index=False):
        s = panel[r.pair]
        before = s[s.index <= r.origin]
        last = float(before.iloc[-1])
        same = ref.index[ref["pair"] == r.pair]
        ov = outside_view(tp.Target(r.multiple * last, by=int(r.origin + r.horizon)), before,
                          targets=ref, exclude=same)
        keep = inputs["pair"] != r.pair
        for label, feature in POOL_VARIANTS:
            if (r.pair, feature) not in pools:
                pools[r.pair, feature] = learn_pool(
                    inputs.loc[keep, "p_inside"], inputs.loc[keep, "p_outside"],
                    inputs.loc[keep, "met"], feature=feature,
                    x=None if feature is None else inputs.loc[keep, feature])
            x = None if feature is None else [pool_feature(before, feature)]
            p_pool[label].append(float(pools[r.pair, feature].predict(
                [r.p_inside], [ov.base_rate], x)[0]))
        p_out.append(ov.base_rate)
        trailing.append(ov.trailing_growth)
        clim.append(float((resolved.loc[resolved["pair"] != r.pair, "outcome"] == "met")
                          .mean()))
    chosen = next(label for label, f in POOL_VARIANTS if f == POOL_FEATURE)
    pseudo = pseudo.assign(p_outside=p_out, p_climatology=clim, trailing_growth=trailing,
                           **{f"p_pool_{label}": v for label, v in p_pool.items()})
    pseudo["p_headline"] = pseudo[f"p_pool_{chosen}"]
    y = pseudo["met"].to_numpy()
    methods = (("headline (the pool)", "p_headline"),
               *((f"pool, weight {'by ' + f if f else 'constant'}", f"p_pool_{label}")
                 for label, f in POOL_VARIANTS),
               ("model alone", "p_inside"),
               ("outside view", "p_outside"), ("climatology", "p_climatology"))
    p = np.column_stack([pseudo[c].to_numpy(dtype=float) for _, c in methods])
    brier = (p - y[:, None]) ** 2
    pc = np.clip(p, 0.005, 0.995)
    logs = -np.log(np.where(y[:, None] == 1, pc, 1 - pc))
    groups = pseudo["pair"].to_numpy()
    bb, bl = _cluster_boot(brier, groups), _cluster_boot(logs, groups)
    db = _cluster_boot(brier - brier[:, :1], groups)
    rows = []
    for k, (label, _) in enumerate(methods):
        lo_d, hi_d = np.quantile(db[:, k], [0.05, 0.95])
        rows.append({"method": label, "targets": len(pseudo), "mean_p": float(p[:, k].mean()),
                     "brier": float(brier[:, k].mean()),
                     "brier_90": "{:.3f}-{:.3f}".format(*np.quantile(bb[:, k], [0.05, 0.95])),
                     "log_score": float(logs[:, k].mean()),
                     "log_90": "{:.3f}-{:.3f}".format(*np.quantile(bl[:, k], [0.05, 0.95])),
                     "headline_minus_this_brier_90": f"{-hi_d:+.3f} to {-lo_d:+.3f}"})
    return pseudo, pd.DataFrame(rows)


#: Bands of trailing annual growth (the reference class's definition) for
#: :func:`pseudo_targets_by_trailing_growth`.
TRAILING_BANDS = (-np.inf, 0.05, 0.15, np.inf)


def pseudo_targets_by_trailing_growth(pseudo: pd.DataFrame) -> pd.DataFrame:
    """The panel's pseudo-targets by the growth of the series before them: after a boom
    (trailing growth of 15 % a year or more), does the model's probability hold?

    Per band of trailing growth and horizon group: targets, pairs, mean probability of the
    model alone and of the headline, the share met, and the Brier scores with pair-bootstrap
    90 % intervals.
    """
    band = pd.cut(pseudo["trailing_growth"], TRAILING_BANDS, right=False,
                  labels=["below 5 %", "5-15 %", "15 % or more"])
    rows = []
    for (b, m), sub in pseudo.groupby([band, pseudo["multiple"] >= 1.3], observed=True):
        y = sub["met"].to_numpy()
        p = sub[["p_inside", "p_headline"]].to_numpy(dtype=float)
        boot = _cluster_boot((p - y[:, None]) ** 2, sub["pair"].to_numpy())
        row = {"trailing_growth": b, "multiple": "1.3-2 x" if m else "1.05-1.15 x",
               "targets": len(sub), "pairs": sub["pair"].nunique(),
               "mean_p_model": float(p[:, 0].mean()), "mean_p_headline": float(p[:, 1].mean()),
               "met": float(y.mean())}
        for k, name in enumerate(("model", "headline")):
            row[f"brier_{name}"] = float(((p[:, k] - y) ** 2).mean())
            row[f"brier_{name}_90"] = "{:.3f}-{:.3f}".format(*np.quantile(boot[:, k],
                                                                            [0.05, 0.95]))
        rows.append(row)
    return pd.DataFrame(rows)


#: Synthetic booms (:func:`synthetic_booms`): annual growth, years observed, volatility.
BOOM_RATES = (0.20, 0.275, 0.35)
BOOM_LENGTHS = (5, 8, 11, 16)
BOOM_SIGMAS = (0.03, 0.08)


def synthetic_booms(n_series: int, n_paths: int, seed: int) -> pd.DataFrame:
    """Does the model keep a known, persistent fast growth? Synthetic random walks with drift.

    For each rate in :data:`BOOM_RATES`, length in :data:`BOOM_LENGTHS` and volatility in
    :data:`BOOM_SIGMAS`: ``n_series`` series growing at that rate for ever (log growth
    ``log(1 + rate)`` plus normal shocks); the default damped trend and ensemble (shipped
    panel priors; the series are not in the panel) fitted on the observed years. Reported:
    the median growth kept (fitted growth over the true rate) and the mean probability of
    reaching 1.4 x the last value within 4 years, against the true probability of the
    generating process (by simulation).
    """
    from tradepath.models import DampedTrend

    rng = np.random.default_rng(seed)
    rows = []
    for rate in BOOM_RATES:
        g = math.log1p(rate)
        for sigma in BOOM_SIGMAS:
            steps = g + sigma * rng.standard_normal((n_paths, 4))
            truth = float((np.cumsum(steps, axis=1) >= math.log(1.4)).any(axis=1).mean())
            for n in BOOM_LENGTHS:
                kept, p_damped, p_ens = [], [], []
                for k in range(n_series):
                    x = np.cumsum(np.r_[0.0, g + sigma * rng.standard_normal(n - 1)])
                    series = pd.Series(10 * np.exp(x), index=np.arange(2000, 2000 + n))
                    last, end = float(series.iloc[-1]), 2000 + n - 1 + 4
                    fit = DampedTrend().fit(series)
                    kept.append(fit.growth / rate)
                    p_damped.append(_p_reach(fit, 1.4 * last, end, n_paths, seed + k))
                    ens = get_model("ensemble").fit(series)
                    p_ens.append(_p_reach(ens, 1.4 * last, end, n_paths, seed + k))
                rows.append({"rate": rate, "sigma": sigma, "points": n, "series": n_series,
                             "growth_kept": float(np.median(kept)),
                             "p_true": truth, "p_damped_trend": float(np.mean(p_damped)),
                             "p_ensemble": float(np.mean(p_ens))})
    return pd.DataFrame(rows)


#: Horizon groups and the level at the origin (US$ bn) of :func:`far_tails`.
FAR_HORIZONS = tuple(range(1, 27))
FAR_BANDS = (0, 3, 7, 12, 26)
BIG_PAIR = 8.0


def far_tails(n_paths: int, seed: int) -> pd.DataFrame:
    """The upper tail out of sample at horizons up to 26 years, by the pair's size.

    :func:`panel_backtest` of the default ensemble and the damped trend on the reference
    pairs with 4 or more annual points, every horizon up to 26 years where observed; per model,
    size (level at the origin below or at least :data:`BIG_PAIR` bn) and horizon group: 80 %
    and 95 % coverage, the share of outcomes above the 90 % and 97.5 % quantiles, the median
    of the 97.5 % quantile over the level at the origin, and CRPS on log levels.
    """
    from tradepath.reference import reference_panel

    cases, _ = panel_backtest(n_paths, seed, names=("ensemble", "damped_trend"),
                              horizons=FAR_HORIZONS, min_points=4)
    panel = reference_panel(min_points=4)
    last = np.array([float(panel[p].loc[o]) for p, o in zip(cases["pair"], cases["origin"],
                                                                strict=True)])
    size = np.where(last >= BIG_PAIR, f">= {BIG_PAIR:g} bn", f"< {BIG_PAIR:g} bn")
    horizons = pd.cut(cases["horizon"], FAR_BANDS, labels=[
        f"{a + 1}-{b}" for a, b in itertools.pairwise(FAR_BANDS)])
    out = cases.groupby([cases["model"], size, horizons], observed=True).agg(
        forecasts=("coverage_80", "size"), pairs=("pair", "nunique"),
        coverage_80=("coverage_80", "mean"), coverage_95=("coverage_95", "mean"),
        above_90=("above_90", "mean"), above_975=("above_975", "mean"),
        median_multiple_975=("multiple_975", "median"), crps_log=("crps_log", "mean"))
    return out.rename_axis(["model", "size", "horizons"]).reset_index()


#: The damped trend's windows compared (years read; None: every figure).
WINDOWS = (None, 30, 25, 20, 15, 12, 10)


def window_comparison(n_paths: int, seed: int,
                      leave_out: tuple[str, ...] = ("Korea-Vietnam",)) -> pd.DataFrame:
    """The damped trend's ``window`` chosen out of sample.

    :func:`panel_backtest` of the default ensemble and the damped trend with each window of
    :data:`WINDOWS`, on the reference pairs with 4 or more annual points but ``leave_out``
    (the pair the library answers for), horizons 1-12: log-CRPS, its difference from reading
    every figure (negative: better) with a 90 % bootstrap interval over pairs, the pairs
    whose forecasts the window changed, and 80 % coverage.
    """
    runs = {}
    for w in WINDOWS:
        cases, _ = panel_backtest(n_paths, seed, names=("ensemble", "damped_trend"),
                                  horizons=tuple(range(1, 13)), min_points=4, window=w)
        runs[w] = cases[~cases["pair"].isin(leave_out)]
    key = ["model", "pair", "origin", "horizon"]
    rows = []
    for w, cases in runs.items():
        m = cases.merge(runs[None][[*key, "crps_log"]], on=key, suffixes=("", "_all"))
        for name, g in m.groupby("model", sort=False):
            d = (g["crps_log"] - g["crps_log_all"]).to_numpy()
            boot = _cluster_boot(d[:, None], g["pair"].to_numpy())[:, 0]
            lo, hi = np.quantile(boot, [0.05, 0.95])
            rows.append({"window": "all" if w is None else str(w), "model": name,
                         "forecasts": len(g), "pairs": g["pair"].nunique(),
                         "pairs_changed": int(g.loc[d != 0, "pair"].nunique()),
                         "coverage_80": g["coverage_80"].mean(),
                         "crps_log": g["crps_log"].mean(), "minus_all": d.mean(),
                         "minus_all_90": f"{lo:+.4f} to {hi:+.4f}"})
    return pd.DataFrame(rows)


def _p_reach(fit: Any, target: float, deadline: int, n_paths: int, seed: int) -> float:
    """P(the level reaches ``target`` in some year up to ``deadline``) from simulated paths."""
    if fit.series.max() >= target:
        return 1.0
    paths = fit.simulate_array(n_paths=n_paths, end=deadline, seed=seed)
    return float((paths >= target).any(axis=1).mean())


#: Trend baselines of the reference-target scores (besides climatology): an analyst's
#: extrapolations of the series alone.
TREND_BASELINES = ("random_walk", "cagr", "sm_arima_drift", "sm_holt_damped")


def _cluster_boot(values: np.ndarray, groups: np.ndarray, n_boot: int = 4000,
                  seed: int = 0) -> np.ndarray:
    """Bootstrap means of ``values`` (rows: targets, columns: methods) resampling pairs."""
    ids, inv = np.unique(groups, return_inverse=True)
    sums = np.zeros((len(ids), values.shape[1]))
    np.add.at(sums, inv, values)
    counts = np.bincount(inv).astype(float)
    draw = np.random.default_rng(seed).integers(0, len(ids), (n_boot, len(ids)))
    return sums[draw].sum(axis=1) / counts[draw].sum(axis=1)[:, None]


#: The pools compared: one weight for every series, and a weight by each feature of
#: :data:`tradepath.reference.pooling.POOL_FEATURES` (column suffix, feature).
POOL_VARIANTS = (("constant", None), ("length", "length"), ("steadiness", "steadiness"))


def nested_pools(sc: pd.DataFrame, inside: str, source: str) -> tuple[pd.DataFrame, Any]:
    """Every pool of :data:`POOL_VARIANTS` for each target, learned on the other pairs' targets.

    ``sc`` has ``pair``, ``met``, ``p_outside``, the inside view in column ``inside`` and the
    features in ``x_<feature>``. Adds ``pool_weight_<variant>`` and ``p_pool_<variant>``, and
    ``pool_weight_lopo`` / ``p_headline`` of the shipped choice
    (:data:`tradepath.reference.pooling.POOL_FEATURE`); returns it with that pool learned on
    all targets.
    """
    from tradepath.reference.pooling import POOL_FEATURE, learn_pool

    sc = sc.copy()
    p_in, p_out, y = (sc[inside].to_numpy(), sc["p_outside"].to_numpy(), sc["met"].to_numpy())
    pairs = sc["pair"].to_numpy()
    for label, feature in POOL_VARIANTS:
        x = None if feature is None else sc[f"x_{feature}"].to_numpy(dtype=float)
        weights, combined = [], []
        for j in range(len(sc)):
            keep = pairs != pairs[j]
            pool = learn_pool(p_in[keep], p_out[keep], y[keep], feature=feature,
                              x=None if x is None else x[keep])
            x_j = None if x is None else float(x[j])
            weights.append(pool.mean(x_j))
            combined.append(float(pool.predict([p_in[j]], [p_out[j]],
                                               None if x_j is None else [x_j])[0]))
        sc[f"pool_weight_{label}"] = weights
        sc[f"p_pool_{label}"] = combined
    chosen = next(label for label, f in POOL_VARIANTS if f == POOL_FEATURE)
    sc["pool_weight_lopo"] = sc[f"pool_weight_{chosen}"]
    sc["p_headline"] = sc[f"p_pool_{chosen}"]
    x_all = None if POOL_FEATURE is None else sc[f"x_{POOL_FEATURE}"]
    return sc, learn_pool(p_in, p_out, y, feature=POOL_FEATURE, x=x_all, source=source)


def reference_targets_scores(n_paths: int, seed: int) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Leave-one-PAIR-out probabilities of the resolved reference targets.

    Each target is judged with the data dated before its announcement year, in the target's
    currency; every panel prior leaves the pair out, the outside view leaves every target of
    the pair out, and the pool's weight for a target is learned on the other pairs' targets
    (nested leave-one-pair-out).
    """
    from tradepath.reference import reference_panel, reference_targets
    from tradepath.reference.pooling import POOL_FEATURES, pool_feature
    from tradepath.reference.views import outside_view

    ref = reference_targets()
    resolved = ref[ref["outcome"].isin(["met", "missed"]) & (ref["target_type"] != "projection")]
    panels = {c: reference_panel(min_points=1, currency=c) for c in set(resolved["currency"])}
    names = ("ensemble", "stochastic_growth", "damped_trend", *TREND_BASELINES)
    rows = []
    for i, (_, t) in enumerate(resolved.iterrows()):
        row: dict[str, Any] = {"pair": t["pair"], "target": float(t["target_usd_bn"]),
                               "currency": t["currency"], "announced": t["announced"],
                               "deadline": int(t["deadline"]),
                               "met": float(t["outcome"] == "met")}
        s = panels[t["currency"]].get(t["pair"])
        if s is None or pd.isna(t["announced"]):
            row["status"] = "no announcement year" if s is not None else "no series"
            rows.append(row)
            continue
        before = s[s.index < int(t["announced"])]
        row["points"] = len(before)
        if len(before) < 2 or before.index[-1] < int(t["announced"]) - 3:
            row["status"] = f"{len(before)} point(s) in time before the announcement"
            rows.append(row)
            continue
        row["status"] = "scored"
        others = resolved[resolved["pair"] != t["pair"]]
        row["p_climatology"] = float((others["outcome"] == "met").mean())
        target = tp.Target(float(t["target_usd_bn"]), by=int(t["deadline"]))
        for name in names:
            try:
                fit = _panel_model(name, t["pair"]).fit(before)
                row[f"p_{name}"] = _p_reach(fit, target.value, target.by, n_paths, seed + i)
            except tp.ModelError:
                row[f"p_{name}"] = math.nan
        same_pair = ref.index[ref["pair"] == t["pair"]]
        ov = outside_view(target, before, targets=ref, exclude=same_pair)
        row["p_outside"] = ov.base_rate
        row["growth_gap"] = ov.growth_gap
        row |= {f"x_{f}": pool_feature(before, f) for f in POOL_FEATURES}
        rows.append(row)
    frame = pd.DataFrame(rows)
    sc = frame[frame["status"] == "scored"].copy()
    # A model that refuses answers with the climatology (as the library's ensemble never does).
    for name in names:
        sc[f"p_{name}"] = sc[f"p_{name}"].fillna(sc["p_climatology"])
    sc, pool_all = nested_pools(sc, "p_ensemble", f"{len(sc)} scored reference targets")
    frame = frame.merge(sc[["pair", "target", "deadline", "announced", "pool_weight_lopo",
                            "p_headline"]], on=["pair", "target", "deadline", "announced"],
                        how="left")
    return frame, {"scored": sc, "pool": pool_all}


#: Methods of the reference-target table: label, column.
SCORE_METHODS = (
    ("headline: pool of the default model and the outside view (nested LOPO weight)",
     "p_headline"),
    ("pool, one weight for every series", "p_pool_constant"),
    ("pool, weight by series length", "p_pool_length"),
    ("pool, weight by steadiness of growth", "p_pool_steadiness"),
    ("model alone: the default ensemble", "p_ensemble"),
    ("outside view: logistic on growth gap and level multiple (LOPO)", "p_outside"),
    ("climatology: other pairs' met rate", "p_climatology"),
    ("stochastic_growth", "p_stochastic_growth"),
    ("damped_trend", "p_damped_trend"),
    *((f"trend baseline: {m}", f"p_{m}") for m in TREND_BASELINES),
)


def reference_targets_tables(frame: pd.DataFrame, extra: dict[str, Any]) -> tuple[
        pd.DataFrame, pd.DataFrame]:
    """Brier and log scores by method with pair-bootstrap intervals, and a reliability table."""
    sc = extra["scored"]
    y = sc["met"].to_numpy()
    pairs = sc["pair"].to_numpy()
    cols = [c for _, c in SCORE_METHODS]
    p = np.column_stack([sc[c].to_numpy(dtype=float) for c in cols])
    brier = (p - y[:, None]) ** 2
    pc = np.clip(p, 0.005, 0.995)
    logs = -np.log(np.where(y[:, None] == 1, pc, 1 - pc))
    bb, bl = _cluster_boot(brier, pairs), _cluster_boot(logs, pairs)
    # paired: the headline minus each method, resampling pairs
    db = _cluster_boot(brier - brier[:, :1], pairs)
    rows = []
    for k, (label, _) in enumerate(SCORE_METHODS):
        lo_b, hi_b = np.quantile(bb[:, k], [0.05, 0.95])
        lo_l, hi_l = np.quantile(bl[:, k], [0.05, 0.95])
        lo_d, hi_d = np.quantile(db[:, k], [0.05, 0.95])
        rows.append({"method": label, "targets": len(sc), "mean_p": float(p[:, k].mean()),
                     "brier": float(brier[:, k].mean()), "brier_90": f"{lo_b:.3f}-{hi_b:.3f}",
                     "log_score": float(logs[:, k].mean()),
                     "log_90": f"{lo_l:.3f}-{hi_l:.3f}",
                     "headline_minus_this_brier_90": f"{-hi_d:+.3f} to {-lo_d:+.3f}"})
    table = pd.DataFrame(rows)
    bins = np.array([0.0, 0.2, 0.4, 0.6, 0.8, 1.0 + 1e-9])
    rel = []
    for col, label in (("p_headline", "headline"), ("p_ensemble", "inside"),
                       ("p_outside", "outside")):
        q = sc[col].to_numpy(dtype=float)
        which = np.digitize(q, bins) - 1
        for b in range(len(bins) - 1):
            inb = which == b
            rel.append({"probability": label, "bin": f"{bins[b]:.1f}-{min(bins[b + 1], 1):.1f}",
                        "n": int(inb.sum()),
                        "mean_p": float(q[inb].mean()) if inb.any() else math.nan,
                        "observed": float(y[inb].mean()) if inb.any() else math.nan})
    return table, pd.DataFrame(rel)


def write_pool_data(extra: dict[str, Any]) -> Path:
    """Write the scored targets' inside views to the library's data file (the pool's input)."""
    from tradepath.data.schema import data_dir
    from tradepath.reference.pooling import POOL_FILE

    sc = extra["scored"]
    out = sc[["pair", "target", "currency", "announced", "deadline", "met", "points",
              "p_ensemble"]]
    out = out.rename(columns={"target": "target_usd_bn", "p_ensemble": "p_inside"})
    path = data_dir() / POOL_FILE
    out.to_csv(path, index=False, float_format="%.4f")
    return path


def vn_kr_answers(n_paths: int, seed: int) -> pd.DataFrame:
    """Inside, outside and combined probabilities of the VN-KR targets on every dataset."""
    from tradepath.models import StochasticGrowth
    from tradepath.reference.views import outside_view

    rows = []
    datasets = [("documents (VN basis)", tp.load_dataset(), "VN")]
    try:  # the official series, where the library ships it, on both bases
        official = tp.load_dataset("official")  # type: ignore[call-arg]
        datasets += [("official, VN basis", official, "VN"),
                     ("official, KR basis", official, "KR")]
    except (TypeError, tp.TradepathError):
        pass
    for label, ds, reporter in datasets:
        s = ds.series("total", reporter)
        t150 = next(t for t in ds.targets if t.value == 150.0)
        for name, target in (("150B by 2030", tp.Target(150.0, by=2030)),
                             ("150B by 2030, more balanced",
                              tp.Target(150.0, by=2030, balance=t150.balance)),
                             ("100B by 2030", tp.Target(100.0, by=2030))):
            row: dict[str, Any] = {"dataset": label, "target": name,
                                   "data": f"{int(s.index[0])}-{int(s.index[-1])}, "
                                           f"{len(s)} points, last {s.iloc[-1]:g}"}
            try:
                sg = tp.assess(ds, target, model=StochasticGrowth(), n_paths=n_paths,
                               seed=seed, reporter=reporter)
                row["p_stochastic_growth"] = sg.p_inside
            except tp.TradepathError:
                row["p_stochastic_growth"] = math.nan
            a = tp.assess(ds, target, n_paths=n_paths, seed=seed, reporter=reporter)
            row |= {"p_inside": a.p_inside, "p_outside": a.p_outside,
                    "n_comparable": f"{a.n_comparable}/{a.n_reference}",
                    "p_combined": a.p_combined, "headline": a.probability}
            ov = outside_view(target, s)
            row["outside_band_80"] = f"{ov.lower:.2f}-{ov.upper:.2f}"
            row["growth_gap"] = ov.growth_gap
            rows.append(row)
    return pd.DataFrame(rows)


def reference_section(emit: Any, n_paths: int, seed: int, *, write_pool: bool = False,
                      levels: bool = True) -> None:
    """The tables on real data: reference targets, panel levels, VN-KR answers."""
    frame, extra = reference_targets_scores(n_paths, seed)
    if write_pool:
        from tradepath.reference.pooling import write_pool_inputs

        emit(f"Wrote {write_pool_data(extra)}")
        emit(f"Wrote {write_pool_inputs()} (the pool's outside views, stored)")
    table, rel = reference_targets_tables(frame, extra)
    sc = extra["scored"]
    pool = extra["pool"]
    emit(write_table(table, "reference_targets_brier",
                     "Reference targets, grouped cross-validation by pair: Brier and log scores",
                     [f"{len(sc)} resolved targets ({int(sc['met'].sum())} met, "
                      f"{sc['pair'].nunique()} pairs) with 2 or more annual points in the "
                      "target's currency before the announcement year, the last at most 3 "
                      "years old; each judged with those data only, every panel prior and the "
                      "outside view leaving the target's pair out, the pool's weight learned "
                      "on the other pairs' targets. A model that refuses answers with the "
                      "climatology.",
                      "brier_90, log_90: 90 % intervals from a bootstrap over pairs; "
                      "headline_minus_this_brier_90: the paired difference (negative: the "
                      "headline is better).",
                      "The pool learned on all of them: "
                      + ("; ".join(pool.describe(float(x)) for x in np.quantile(
                          sc[f"x_{pool.feature}"], [0.1, 0.5, 0.9]))
                         if pool.feature else pool.describe()) + "."],
                     {"targets": 0, "mean_p": 3, "brier": 3, "log_score": 3}))
    emit(write_table(rel, "reference_targets_reliability",
                     "Reference targets: reliability (mean probability vs observed rate)",
                     digits={"n": 0, "mean_p": 2, "observed": 2}))
    cols = ["pair", "target", "currency", "announced", "deadline", "met", "points",
            "growth_gap", "p_ensemble", "p_outside", "pool_weight_lopo", "p_headline",
            "p_climatology", "status"]
    emit(write_table(frame[cols], "reference_targets", "Reference targets, one by one",
                     digits={"target": 1, "met": 0, "points": 0, "growth_gap": 3,
                             "pool_weight_lopo": 2}))
    pseudo, scores = pseudo_target_scores(n_paths // 4, seed)
    emit(write_table(scores, "panel_pseudo_targets_scores",
                     "Panel pseudo-targets: the headline, the model, the record, climatology", [
                         f"{len(pseudo)} levels 1.05-2 x the last value, 2, 3 or 5 years after "
                         f"every observed year of {pseudo['pair'].nunique()} reference pairs "
                         f"({int(pseudo['met'].sum())} met); nobody announced them. The "
                         "model's priors, the outside view and the pool leave the pair out. "
                         "90 % intervals from a bootstrap over pairs.",
                     ], {"targets": 0, "mean_p": 3, "brier": 3, "log_score": 3}))
    emit(write_table(pseudo_targets_by_trailing_growth(pseudo), "panel_pseudo_targets_booms",
                     "Panel pseudo-targets by the growth before them", [
                         "The pseudo-targets above by trailing annual growth at the origin "
                         "(the reference class's definition) and by the level asked (1.3-2 x "
                         "or less of the last value); brier_*_90: bootstrap over pairs.",
                     ], {"targets": 0, "pairs": 0, "mean_p_model": 3, "mean_p_headline": 3,
                         "met": 3, "brier_model": 3, "brier_headline": 3}))
    emit(write_table(synthetic_booms(10, n_paths // 4, seed), "synthetic_booms",
                     "Synthetic booms: is a known, persistent fast growth kept?", [
                         "Random walks with drift at the rate, observed for that many years; "
                         "the default damped trend and ensemble with the shipped panel priors. "
                         "growth_kept: median fitted growth over the true rate; p_*: mean "
                         "probability of 1.4 x the last value within 4 years; p_true: that of "
                         "the generating process.",
                     ], {"series": 0, "points": 0, "growth_kept": 2, "p_true": 3,
                         "p_damped_trend": 3, "p_ensemble": 3}))
    if not levels:
        return
    emit(write_table(far_tails(n_paths, seed), "panel_far_tails",
                     "The upper tail out of sample, by horizon and the pair's size", [
                         "Rolling origins on the reference pairs with 4 or more annual points, "
                         "every horizon up to 26 years where observed; priors learned leaving "
                         "the pair out. above_90 / above_975: share of outcomes above the 90 % "
                         "/ 97.5 % quantile (0.10 / 0.025 if calibrated); "
                         "median_multiple_975: the 97.5 % quantile over the level at the "
                         "origin, median over forecasts.",
                     ], {"forecasts": 0, "pairs": 0, "coverage_80": 2, "coverage_95": 2,
                         "above_90": 3, "above_975": 3, "median_multiple_975": 1,
                         "crps_log": 3}))
    emit(write_table(window_comparison(n_paths, seed), "panel_damped_window",
                     "The damped trend's window out of sample", [
                         "Rolling origins on the reference pairs with 4 or more annual points "
                         "but Korea-Vietnam, horizons 1-12 where observed, priors learned "
                         "leaving the pair out; the ensemble and the damped trend reading the "
                         "figures of the last `window` years (at least four). minus_all: "
                         "log-CRPS minus that of reading every figure (negative: better), "
                         "minus_all_90 its 90 % interval from a bootstrap over pairs; "
                         "pairs_changed: pairs with a forecast the window changed.",
                     ], {"forecasts": 0, "pairs": 0, "pairs_changed": 0, "coverage_80": 3,
                         "crps_log": 4, "minus_all": 4}))
    _, panel = panel_backtest(n_paths, seed)
    emit(write_table(panel, "panel_levels",
                     "Level backtests on the reference pairs with 6 or more annual points", [
                         "Rolling origins at every observed year with 2 or more points up to "
                         "it; horizons 1-3 where observed; the priors of stochastic_growth and "
                         "damped_trend learned leaving the pair out. common: the forecasts "
                         "every model made; all: every forecast of the model. mape in "
                         "percent; crps in US$ bn; crps_log on log levels.",
                     ], {"forecasts": 0, "pairs": 0, "coverage_80": 2, "mape": 1, "crps": 2,
                         "crps_log": 3}))
    emit(write_table(damped_prior_comparison(n_paths, seed, min_points=4),
                     "panel_damped_prior",
                     "The damped trend's prior out of sample: panel-learned against reference", [
                         "Rolling origins on the reference pairs with 4 or more annual points; "
                         "horizons 1-3, 5 and 10 where observed; the forecasts every model "
                         "made. damped_trend: the panel prior learned leaving the pair out "
                         "(the default); _volatility: that prior on the volatility alone; "
                         "_reference: the reference prior 1/sigma^2 (before). ensemble*: the "
                         "default ensemble with that damped trend. median_ratio_95: upper over "
                         "lower end of the 95 % interval, median over forecasts.",
                     ], {"forecasts": 0, "pairs": 0, "coverage_80": 2, "coverage_95": 2,
                         "crps": 2, "crps_log": 3, "median_ratio_95": 2}))
    emit(write_table(vn_kr_answers(20_000, seed), "vn_kr_answers",
                     "VN-KR targets: inside, outside and combined probabilities",
                     ["tp.assess with the default model: p_inside (the ensemble), p_outside "
                      "(base rate by growth gap; comparable/resolved targets), p_combined "
                      "(the headline: tradepath.reference.pooling.combine, times the model's "
                      "chance of the balance condition given the level); p_stochastic_growth: "
                      "that model alone."],
                     {"p_stochastic_growth": 3, "p_inside": 3, "p_outside": 3,
                      "growth_gap": 3, "p_combined": 3, "headline": 3}))



# -- main -------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, help="a CSV of observations (Dataset.from_csv)")
    parser.add_argument("--quick", action="store_true", help="fewer series and paths")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1,
                        help="worker processes (default: every core)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--reference", action="store_true",
                        help="only the tables on the reference targets and pairs")
    parser.add_argument("--write-pool", action="store_true",
                        help="write the reference targets' inside views to data/ (the pool)")
    parser.add_argument("--targets-only", action="store_true",
                        help="only the reference targets' tables")
    args = parser.parse_args()
    n_series = 6 if args.quick else 24
    n_paths = 500 if args.quick else 1000
    started = time.perf_counter()
    out: list[str] = []

    def emit(text: str) -> None:
        print(text, flush=True)
        out.append(text)

    reference_section(emit, 2000 if args.quick else 4000, args.seed,
                      write_pool=args.write_pool, levels=not args.targets_only)
    if args.reference or args.targets_only:
        return

    # The documents' series.
    ds = tp.load_dataset()
    s = ds.series("total")
    doc_targets = [t for t in ds.targets if t.announced is not None]
    cases, events = run_all([("documents", s, None, doc_targets, n_paths, args.seed)], 1)
    table = summarise(cases, events)
    notes = [
        f"The documents' total trade, Vietnamese basis: {len(s)} years "
        f"({', '.join(str(int(y)) for y in s.index)}). Origins with 3 observations up to them: "
        f"{sorted(cases['origin'].unique().tolist())}; {len(cases[cases['model'] == 'cagr'])} "
        "forecasts per model that gives one. Too few to rank models; shown for honesty.",
        "Brier: " + "; ".join(
            f"{t.name}: " + str(events.loc[events["target"] == t.name, "outcome_detail"].iloc[0])
            for t in doc_targets) + ". Only a model that fits on the announcement year's data "
        "can be scored.",
        *COLUMN_NOTES,
    ]
    exploding = table.loc[table["crps"] > 1e6, "model"].tolist()
    if exploding:
        why = (" For random_walk at the 2021 origin, three observations leave one degree of "
               "freedom for the volatility, whose posterior then has so heavy a tail that the "
               "forecast distribution of the level has no mean."
               if "random_walk" in exploding else "")
        notes.append(f"{', '.join(exploding)}: the mean CRPS is dominated by a few exploding "
                     f"paths (a heavy-tailed forecast distribution).{why}")
    emit(write_table(table, "accuracy_documents", "Accuracy on the documents' series", notes,
                     DIGITS))

    # Synthetic series from known processes.
    tasks = []
    for i, process in enumerate(PROCESSES):
        for k, series in enumerate(synthetic(process, n_series, args.seed + 100 * i)):
            origins = list(range(BASE_YEAR + SPAN, BASE_YEAR + SPAN + (2 if args.quick else 4)))
            targets = pace_targets(series, BASE_YEAR + SPAN)
            tasks.append((series.name, series, origins, targets, n_paths,
                          args.seed + 1000 * i + k))
    cases, events = run_all(tasks, args.jobs)
    cases["process"] = cases["series"].str.split("-").str[0]
    if len(events):
        events["process"] = events["series"].str.split("-").str[0]
    overall = summarise(cases, events)
    n_origins = 2 if args.quick else 4
    notes = [
        f"{n_series} series per process ({', '.join(PROCESSES.values())}); each observed in 5 "
        f"to 8 of {SPAN + 1} years (gaps where the documents have a partial year or nothing), "
        f"then {FUTURE} complete years. Origins: the last observed year of the history and the "
        f"{n_origins - 1} years after it; horizons 1-3; {n_paths:,} paths per forecast.",
        "Targets for the Brier score, set at the last year of the history: keep half of, or "
        "all of, the historical growth pace for 3 and for 6 more years.",
        *COLUMN_NOTES,
    ]
    emit(write_table(overall, "accuracy_synthetic",
                     "Accuracy and calibration on synthetic series (all processes)", notes,
                     DIGITS))
    per = []
    for process, label in PROCESSES.items():
        t = summarise(cases[cases["process"] == process],
                      events[events["process"] == process] if len(events) else events)
        per.append(t.assign(process=label))
    per_frame = pd.concat(per, ignore_index=True)
    per_frame = per_frame[["process", *[c for c in per_frame.columns if c != "process"]]]
    emit(write_table(per_frame, "accuracy_synthetic_by_process",
                     "Accuracy and calibration on synthetic series, by process", COLUMN_NOTES,
                     DIGITS))

    # Any CSV the user passes.
    if args.data is not None:
        user = tp.Dataset.from_csv(args.data)
        tasks = []
        for pair in user.pairs:
            for reporter in ("VN", "KR", "unstated"):
                series = user.series("total", reporter, pair=pair)
                if len(series) >= 4:
                    series.name = f"{pair}/{reporter}"
                    tasks.append((series.name, series, None, [], n_paths, args.seed))
        if tasks:
            cases, events = run_all(tasks, args.jobs)
            emit(write_table(summarise(cases, events), "accuracy_data",
                             f"Accuracy on {args.data.name}",
                             [f"Series: {', '.join(t[0] for t in tasks)} (total trade, 4 or "
                              "more annual figures).", *COLUMN_NOTES], DIGITS))
        else:
            emit(f"{args.data}: no total-trade series with 4 or more annual figures.\n")

    # The batch path.
    emit(write_table(batch_checks(args.quick, args.seed), "batch_closed_form",
                     "assess_many's random walk: against tp.assess, and the closed form "
                     "against simulation",
                     ["First row: the probability of meeting a target by 2032, assess_many "
                      "and tp.assess drawing independently; |z| is the difference over its "
                      "Monte Carlo standard error. Other rows: 20-year synthetic random walks "
                      "(drift U(-0.02, 0.12), volatility U(0.02, 0.20)), target 1.8 x the last "
                      "value; the closed form is integrated over the same posterior as the "
                      "simulation, so it misses by its annual-monitoring approximation alone "
                      "(the simulation's own standard error is at most 0.5 / sqrt(paths))."],
                     {"series": 0, "median_abs_diff": 4, "p90_abs_diff": 4,
                      "max_abs_diff": 4, "max_abs_z": 2}))

    # The verdict on the default model.
    by_model = overall.set_index("model")
    worse, better = by_model["worse_than_cagr"], by_model["better_than_cagr"]
    losers = [m for m, w in worse.items() if np.isfinite(w) and w > 0.5]
    verdict = (
        f"Default model: {DEFAULT_MODEL}; less accurate than CAGR extrapolation on "
        f"{worse.get(DEFAULT_MODEL, math.nan):.0%} of the synthetic forecasts and more "
        f"accurate on {better.get(DEFAULT_MODEL, math.nan):.0%}. Models worse than CAGR on "
        f"most forecasts: {', '.join(losers) if losers else 'none'}."
    )
    emit(verdict)
    (Path(__file__).resolve().parent / "results" / "accuracy_verdict.md").write_text(
        verdict + "\n", encoding="utf-8")
    print(f"\n(total {time.perf_counter() - started:.0f} s; tables in benchmarks/results/)")


if __name__ == "__main__":
    with quiet():
        main()
