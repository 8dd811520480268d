"""The fused history measured: rolling-origin level backtests on each basis, and its speed.

Backtest: origins 2012-2024; at each origin only the figures published by then (a row with a
``release`` month counts from that month, one without from the January after its year); the
level of each flow (total, exports, imports) forecast 1, 2 and 3 years ahead on each basis and
scored against the latest published figure on that basis for that year (the preferred one,
as :meth:`tradepath.Dataset.annual` picks it). Methods:

* ``bridge, fused``: the bridging model of :func:`tradepath.fuse` on every figure, both bases;
* ``bridge, one basis``: the same model on that basis's figures alone;
* ``ensemble, fused``: the library's default model on the fused series, every path started
  from the fused posterior (what :func:`tradepath.assess` now does by default);
* ``ensemble, one basis``: the default model on that basis's series alone (the old default);
* ``random walk, one basis``: tradepath's random walk with drift on that basis's series.

Scores: MAPE of the median, coverage of the central 80 % interval, CRPS (US$ bn, from 4,000
draws per forecast; lower is better). Speed: ``tp.fuse`` on the embedded data, and ``fuse``
plus an assessment of 20,000 paths, medians of repeated timings; the report's wall time with
the fused default and with the documents (``--dataset documents``), in the same run.

Run from the repository root: ``python benchmarks/fusion.py [--quick] [--discount D]``;
``--discount`` fits the ensembles with the damped trend's ``discount=D`` (default
:data:`tradepath.models.damped.DEFAULT_DISCOUNT`).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import median_time, quiet, write_table

import tradepath as tp
from tradepath.data import DEFAULT_KINDS, Dataset
from tradepath.errors import DataError, ModelError
from tradepath.fusion import fuse
from tradepath.models import DampedTrend, Ensemble, GrowthModel, get_model
from tradepath.models.damped import DEFAULT_DISCOUNT
from tradepath.models.scoring import crps_sample

FLOWS = ("total", "exports", "imports")
DRAWS = 4000


def vintage(full: Dataset, origin: int) -> Dataset:
    """The figures published by the spring after ``origin`` (see the module notes)."""
    st = full._stated
    year = st["period"].str[:4].astype(int)
    known = st["release"].where(st["release"] != "", (year + 1).astype(str) + "-01")
    keep = (year <= origin) & (known <= f"{origin + 1}-03")
    return Dataset(st[keep].reset_index(drop=True), full._claims, full.targets)


def one_basis(ds: Dataset, basis: str) -> Dataset:
    st = ds._stated
    return Dataset(st[st["reporter"] == basis].reset_index(drop=True), ds._claims, ds.targets)


def bridge_draws(fused: tp.FusedDataset, flow: str, year: int,
                 rng: np.random.Generator) -> np.ndarray | None:
    f = fused.flows.get(flow)
    if f is None or year <= f.years[-1]:
        return None
    draws = f.forecast_draws(year - int(f.years[-1]), DRAWS, rng, on="own")
    # A published figure also carries its own error (see FIGURE_SD): about 1 %.
    return np.exp(draws + 0.01 * rng.standard_normal(DRAWS))


def growth_model(name: str, discount: float) -> GrowthModel:
    """The registry's model, its damped trend with ``discount`` (the ensemble's too)."""
    if discount == DEFAULT_DISCOUNT or name not in ("ensemble", "damped_trend"):
        return get_model(name)
    damped = DampedTrend(discount=discount)
    return damped if name == "damped_trend" else Ensemble(components=(damped, "logistic"))


def model_draws(ds: Dataset, basis: str, flow: str, year: int, model: str,
                seed: int, discount: float = DEFAULT_DISCOUNT) -> np.ndarray | None:
    try:
        s = ds.annual(basis, kinds=DEFAULT_KINDS)[flow].dropna()
    except DataError:
        return None
    if len(s) < 3 or year <= s.index[-1]:
        return None
    try:
        with quiet():
            fit = growth_model(model, discount).fit(s)
    except ModelError:
        return None
    if isinstance(ds, tp.FusedDataset) and ds.basis == basis:
        fit = ds.start_from_posterior(fit, flow)
    return fit.simulate_array(n_paths=DRAWS, end=year, seed=seed)[:, -1]


def backtest(origins: range, horizons: tuple[int, ...], seed: int,
             with_ensemble: bool, discount: float = DEFAULT_DISCOUNT) -> pd.DataFrame:
    full = tp.load_dataset().merge(tp.load_dataset("official"))
    truth = {b: full.annual(b) for b in ("VN", "KR")}
    rng = np.random.default_rng(seed)
    rows = []
    for origin in origins:
        ds = vintage(full, origin)
        for basis in ("VN", "KR"):
            own = one_basis(ds, basis)
            fits: dict[str, tp.FusedDataset | None] = {}
            for name, data in (("fused", ds), ("one basis", own)):
                try:
                    fits[name] = fuse(data, basis=basis)
                except DataError:
                    fits[name] = None
            for flow in FLOWS:
                for h in horizons:
                    year = origin + h
                    t = truth[basis]
                    if year not in t.index or pd.isna(t.loc[year, flow]):
                        continue
                    y = float(t.loc[year, flow])
                    draws = {}
                    for name, f in fits.items():
                        if f is not None:
                            draws[f"bridge, {name}"] = bridge_draws(f, flow, year, rng)
                    draws["random walk, one basis"] = model_draws(own, basis, flow, year,
                                                                  "random_walk", seed)
                    if with_ensemble:
                        draws["ensemble, one basis"] = model_draws(own, basis, flow, year,
                                                                   "ensemble", seed, discount)
                        if fits["fused"] is not None:
                            draws["ensemble, fused"] = model_draws(fits["fused"], basis, flow,
                                                                   year, "ensemble", seed,
                                                                   discount)
                    for method, d in draws.items():
                        if d is None:
                            continue
                        lo, med, hi = np.quantile(d, [0.1, 0.5, 0.9])
                        rows.append({"origin": origin, "basis": basis, "flow": flow,
                                     "horizon": h, "method": method, "outcome": y,
                                     "median": med, "ape": abs(med / y - 1),
                                     "covered": lo <= y <= hi,
                                     "crps": float(crps_sample(d[None, :], np.array([y]))[0])})
    return pd.DataFrame(rows)


def summary(cases: pd.DataFrame, n_boot: int = 2000, seed: int = 0) -> pd.DataFrame:
    """Scores per basis and method, on the forecasts every method made (the same cases), with
    a 90 % interval for the coverage from resampling whole origins (the forecasts made at one
    origin share its data and the shocks after it, so they are not independent)."""
    key = ["origin", "basis", "flow", "horizon"]
    n_methods = cases.groupby(key)["method"].transform("nunique")
    common = cases[n_methods == cases["method"].nunique()]
    out = (common.groupby(["basis", "method"])
           .agg(n=("ape", "size"), mape=("ape", "mean"), coverage_80=("covered", "mean"),
                crps_bn=("crps", "mean"), median_ape=("ape", "median"))
           .reset_index())
    rng = np.random.default_rng(seed)
    low, high = [], []
    for basis, method in zip(out["basis"], out["method"], strict=True):
        part = common[(common["basis"] == basis) & (common["method"] == method)]
        per = part.groupby("origin")["covered"].agg(["sum", "size"])
        draw = rng.integers(0, len(per), size=(n_boot, len(per)))
        boot = per["sum"].to_numpy()[draw].sum(axis=1) / per["size"].to_numpy()[draw].sum(axis=1)
        low.append(np.quantile(boot, 0.05))
        high.append(np.quantile(boot, 0.95))
    out.insert(out.columns.get_loc("coverage_80") + 1, "coverage 90 % interval",
               [f"{a:.2f}–{b:.2f}" for a, b in zip(low, high, strict=True)])
    out["mape"] *= 100
    out["median_ape"] *= 100
    return out.rename(columns={"mape": "MAPE %", "median_ape": "median APE %"})


def by_horizon(cases: pd.DataFrame) -> pd.DataFrame:
    key = ["origin", "basis", "flow", "horizon"]
    n_methods = cases.groupby(key)["method"].transform("nunique")
    common = cases[n_methods == cases["method"].nunique()]
    out = (common.groupby(["horizon", "method"])
           .agg(n=("ape", "size"), mape=("ape", "mean"), coverage_80=("covered", "mean"),
                crps_bn=("crps", "mean")).reset_index())
    out["mape"] *= 100
    return out.rename(columns={"mape": "MAPE %"})


def speed(repeat: int, report: bool) -> pd.DataFrame:
    ds = tp.load_dataset().merge(tp.load_dataset("official"))
    fused = fuse(ds)
    target = tp.Target(150, by=2030)
    rows = [
        ("fuse (3 flows, embedded data)", median_time(lambda: fuse(ds), repeat)[0]),
        ("fuse + assess, random walk, 20,000 paths",
         median_time(lambda: tp.assess(fuse(ds), target, model="random_walk",
                                       n_paths=20_000), repeat)[0]),
        ("fuse + assess, ensemble, 20,000 paths",
         median_time(lambda: tp.assess(fuse(ds), target, n_paths=20_000), repeat)[0]),
        ("assess on the fused history, ensemble, 20,000 paths",
         median_time(lambda: tp.assess(fused, target, n_paths=20_000), repeat)[0]),
    ]
    if report:
        exe = Path(sys.executable).with_name("tradepath")
        for name in ("documents", "fused"):
            times = []
            for _ in range(max(1, repeat // 2)):
                with tempfile.TemporaryDirectory() as tmp:
                    t = time.perf_counter()
                    subprocess.run([str(exe), "report", "--dataset", name, "--out",
                                    f"{tmp}/r"], check=True, capture_output=True)
                    times.append(time.perf_counter() - t)
            rows.append((f"tradepath report --dataset {name} (wall)", float(np.median(times))))
    return pd.DataFrame(rows, columns=["task", "median seconds"])


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true",
                   help="no ensemble in the backtest, fewer timings, no report timing")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--discount", type=float, default=DEFAULT_DISCOUNT,
                   help="the damped trend's discount in the ensembles")
    p.add_argument("--repeat", type=int, default=5)
    args = p.parse_args()
    t = time.perf_counter()
    cases = backtest(range(2012, 2025), (1, 2, 3), args.seed, with_ensemble=not args.quick,
                     discount=args.discount)
    notes = ["Origins 2012-2024, horizons 1-3, flows total, exports, imports; only the cases "
             "every method forecast (same outcomes for all).",
             "Data as published by March after the origin; rows with no release month count "
             "from the January after their year.",
             f"The damped trend's discount in the ensembles: {args.discount:g}."]
    print(write_table(summary(cases), "fusion_backtest", "Fused against single-basis "
                      "models, by basis", notes, digits={"n": 0}))
    print(write_table(by_horizon(cases), "fusion_backtest_horizon",
                      "Fused against single-basis models, by horizon", digits={"n": 0}))
    cases.to_csv(Path(__file__).resolve().parent / "results" / "fusion_cases.csv", index=False)
    print(f"backtest: {time.perf_counter() - t:.0f} s\n")
    print(write_table(speed(3 if args.quick else args.repeat, report=not args.quick),
                      "fusion_speed", "Speed of the fused history"))


if __name__ == "__main__":
    main()
