"""Speed benchmark: tradepath against the same tasks done the straightforward way.

Run with::

    python benchmarks/speed.py            # 5 to 10 minutes on two cores
    python benchmarks/speed.py --quick    # fewer repeats and samples, about 3 minutes
    python benchmarks/speed.py --only report            # the report against 065bdfc, 3 min
    python benchmarks/speed.py --only report --phases   # and where the working tree's time goes
    python benchmarks/speed.py --only fuse_assess       # tp.fuse + tp.assess, 20,000 paths

Medians over repeated runs (after one untimed warm-up run) of:

* ``import tradepath`` (a fresh interpreter each time) — against ``import pandas`` in the
  same run (the budget is pandas + 0.1 s), and ``import tradepath`` followed by the first use
  of ``tp.assess`` (which loads the numerical core) — against ``import pandas,
  statsmodels.api``; ``--import-only`` runs just these;
* ``tp.load_dataset()`` — against reading the same CSV and TOML files with pandas and tomllib
  (no checks, no derived figures);
* ``tp.assess`` with 10,000 paths for every model and the ensemble — against fitting and
  simulating the matching model with statsmodels (scipy's ``curve_fit`` for the logistic,
  numpy for CAGR; for the ensemble, its components one after the other) and computing the
  same probability and crossing year;
* ``tp.compare`` — against all of those in a row;
* a 1,000 x 1,000 scenario grid (``tradepath.scenarios.feasible_region``) — against a plain
  Python loop over cells on a 100 x 100 sub-grid, scaled up;
* the full ``tradepath report`` (a subprocess) — against a script that fits and simulates
  the statsmodels models for the same targets and draws and writes a fan chart (PNG, SVG,
  PDF), a table and a summary per target (a subprocess);
* ``assess_many`` on 10,000 series of 20 years, one target each (a subprocess) — against a
  per-series statsmodels loop (``ARIMA(0,1,0)`` with drift on the logs, fit and 2,000
  simulated paths) on a sample of series, scaled up;
* ``report``: ``tradepath report`` of the working tree against the same command of an earlier
  version (``--baseline``, default commit 065bdfc, the version of the issue that asked for a
  faster report), in the same run, alternating, medians of 3 after a warm-up run of each, with
  each run's peak memory. The earlier version runs from a source archive of that commit
  (``git archive``, unpacked once under ``benchmarks/results/``) put first on ``PYTHONPATH``,
  with the same interpreter and libraries; the script checks that each child imports the
  intended copy;
* ``fuse_assess``: ``tp.fuse()`` and then ``tp.assess`` of 150B by 2030 with the default model,
  20,000 paths, seed 0, of the working tree against ``--baseline``, each in its own process
  (the first call, with the imports it triggers, then medians of the following calls: wall
  and CPU seconds, for the fusion and the assessment apart).

Ratios are straightforward time / tradepath time: above 1, tradepath is faster. Memory: the
peak resident set size of the report and of the batch subprocesses (``os.wait4``'s
``ru_maxrss``). Tables go to ``benchmarks/results/`` (Markdown and CSV) and are printed.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from _common import annual_grid, median_time, quiet, trade_matrix, write_table  # noqa: E402

import tradepath as tp  # noqa: E402

N_PATHS = 10_000
#: Kinds of figure for the per-model timings: with the 2020 lower bound the documents' series
#: has 6 annual figures, enough for every model (the local linear trend needs 6).
KINDS = ("reported", "approximate", "derived", "lower_bound")
TARGET = tp.Target(150, by=2030)
BATCH_SERIES, BATCH_YEARS, BATCH_PATHS = 10_000, 20, 2000


# -- straightforward versions -----------------------------------------------------------------


def _rng_kw(method: Callable[..., Any], rng: np.random.Generator) -> dict[str, Any]:
    import inspect

    name = "rng" if "rng" in inspect.signature(method).parameters else "random_state"
    return {name: rng}


def sm_random_walk(s: pd.Series, n: int, steps: int, rng: np.random.Generator) -> np.ndarray:
    from statsmodels.tsa.arima.model import ARIMA

    res = ARIMA(annual_grid(s).to_numpy(), order=(0, 1, 0), trend="t").fit()
    sim = res.simulate(nsimulations=steps, repetitions=n, anchor="end",
                       **_rng_kw(res.simulate, rng))
    return np.asarray(sim).reshape(steps, n).T


def sm_loglinear(s: pd.Series, n: int, steps: int, rng: np.random.Generator) -> np.ndarray:
    import statsmodels.api as sm

    years = s.index.to_numpy(dtype=float)
    res = sm.OLS(np.log(s.to_numpy()), sm.add_constant(years)).fit()
    future = sm.add_constant(years[-1] + np.arange(1, steps + 1), has_constant="add")
    return res.predict(future)[None, :] + np.sqrt(res.scale) * rng.standard_normal((n, steps))


def sm_local_linear_trend(s: pd.Series, n: int, steps: int, rng: np.random.Generator
                          ) -> np.ndarray:
    import statsmodels.api as sm

    res = sm.tsa.UnobservedComponents(annual_grid(s).to_numpy(),
                                      level="local linear trend").fit(disp=False)
    sim = res.simulate(steps, repetitions=n, anchor="end", **_rng_kw(res.simulate, rng))
    return np.asarray(sim).reshape(steps, n).T


def sm_damped_trend(s: pd.Series, n: int, steps: int, rng: np.random.Generator) -> np.ndarray:
    from statsmodels.tsa.holtwinters import ExponentialSmoothing

    res = ExponentialSmoothing(annual_grid(s).to_numpy(), trend="add", damped_trend=True).fit()
    sim = res.simulate(steps, repetitions=n, **_rng_kw(res.simulate, rng))
    return np.asarray(sim).reshape(steps, n).T


def scipy_logistic(s: pd.Series, n: int, steps: int, rng: np.random.Generator) -> np.ndarray:
    from scipy.optimize import curve_fit

    t = s.index.to_numpy(dtype=float) - s.index[0]
    y = np.log(s.to_numpy())

    def f(t: np.ndarray, log_k: float, r: float, t0: float) -> np.ndarray:
        return log_k - np.logaddexp(0.0, -r * (t - t0))

    p, _ = curve_fit(f, t, y, p0=(y.max() + 1.0, 0.2, t.mean()), maxfev=20_000)
    sd = np.std(y - f(t, *p), ddof=3) if len(y) > 3 else 0.0
    future = t[-1] + np.arange(1, steps + 1)
    return f(future, *p)[None, :] + sd * rng.standard_normal((n, steps))


def numpy_cagr(s: pd.Series, n: int, steps: int, rng: np.random.Generator) -> np.ndarray:
    g = math.log(s.iloc[-1] / s.iloc[0]) / (s.index[-1] - s.index[0])
    line = math.log(s.iloc[-1]) + g * np.arange(1, steps + 1)
    return np.broadcast_to(line, (n, steps))


STRAIGHT = {
    "cagr": ("numpy: endpoint CAGR", numpy_cagr),
    "random_walk": ("statsmodels ARIMA(0,1,0)+drift, simulate", sm_random_walk),
    "loglinear": ("statsmodels OLS on logs, normal noise", sm_loglinear),
    "local_linear_trend": ("statsmodels UnobservedComponents, simulate", sm_local_linear_trend),
    "damped_trend": ("statsmodels ExponentialSmoothing damped, simulate", sm_damped_trend),
    "logistic": ("scipy curve_fit logistic, normal noise", scipy_logistic),
}


def straight_assess(fn: Callable[..., np.ndarray], s: pd.Series, target: tp.Target,
                    n_paths: int, seed: int) -> tuple[float, float]:
    """Fit, simulate to ``target.by + 10``, and read off P(met by the deadline) and the median
    first year — what ``tp.assess`` reports."""
    last = int(s.index[-1])
    steps = target.by + 10 - last
    with quiet():
        log_paths = fn(s, n_paths, steps, np.random.default_rng(seed))
    hit = log_paths >= math.log(target.value)
    first = np.where(hit.any(axis=1), last + 1 + hit.argmax(axis=1), np.inf)
    return float((first <= target.by).mean()), float(np.quantile(first, 0.5,
                                                                 method="inverted_cdf"))


def straight_report(out: Path, n_paths: int = 20_000) -> None:
    """The documents' targets with statsmodels and matplotlib: every model's probability,
    a fan chart of the random walk per target, a table and a summary."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    out.mkdir(parents=True, exist_ok=True)
    obs = pd.read_csv(Path(tp.__file__).resolve().parents[2] / "data" / "observations.csv")
    annual = obs[(obs["reporter"] == "VN") & (obs["flow"] == "total")
                 & obs["period"].str.fullmatch(r"\d{4}")
                 & obs["kind"].isin(["reported", "approximate"])]
    s = annual.groupby(annual["period"].astype(int))["value_usd_bn"].first().sort_index()
    targets = [(20, 2015), (100, 2023), (150, 2030)]
    rows, lines = [], []
    for value, by in targets:
        target = tp.Target(value, by=by)
        for name, (label, fn) in STRAIGHT.items():
            try:
                p, median = straight_assess(fn, s, target, n_paths, 0)
            except (ValueError, RuntimeError, np.linalg.LinAlgError) as exc:
                p, median, label = math.nan, math.nan, f"{label} (failed: {exc})"
            rows.append({"target": target.name, "model": name, "method": label,
                         "probability": p, "median_year": median})
        with quiet():
            paths = np.exp(sm_random_walk(s, n_paths, 2035 - int(s.index[-1]),
                                          np.random.default_rng(0)))
        years = np.arange(int(s.index[-1]) + 1, 2036)
        fig, ax = plt.subplots(figsize=(7, 4))
        ax.plot(s.index, s.to_numpy(), "ko-", label="observed")
        for lo, hi, alpha in ((0.05, 0.95, 0.2), (0.25, 0.75, 0.4)):
            ax.fill_between(years, *np.quantile(paths, [lo, hi], axis=0), alpha=alpha,
                            color="C0", lw=0)
        ax.plot(years, np.median(paths, axis=0), color="C0", label="median")
        ax.axhline(value, color="C3", ls="--", label=target.name)
        ax.set(xlabel="year", ylabel="US$ bn", title=target.name)
        ax.legend()
        for ext in ("png", "svg", "pdf"):
            fig.savefig(out / f"fan_{value}_{by}.{ext}", dpi=150)
        plt.close(fig)
        rw = [r for r in rows if r["target"] == target.name and r["model"] == "random_walk"]
        lines.append(f"- {target.name}: P = {rw[0]['probability']:.0%} (random walk)")
    pd.DataFrame(rows).to_csv(out / "comparison.csv", index=False)
    (out / "summary.md").write_text("# Targets\n\n" + "\n".join(lines) + "\n", encoding="utf-8")


# -- subprocess measurements -------------------------------------------------------------------


class Child(NamedTuple):
    """A finished subprocess: wall time (s), peak resident size (MB), CPU time (s: user +
    system, with the processes it forked and waited for) and its standard output."""

    wall: float
    rss_mb: float
    cpu_s: float
    stdout: str


def run_child(args: list[str], env: dict[str, str] | None = None) -> Child:
    """Run a subprocess and measure it (:class:`Child`).

    The child is reaped with ``os.wait4``, whose resource usage is that child's (with the
    children it waited for), not this process's.
    """
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(args, stdout=out, stderr=err, text=True, env=env)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed ({proc.returncode}):\n{stderr[-2000:]}")
    # ru_maxrss is in kilobytes on Linux
    return Child(wall, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime, stdout)


def child_batch(repeat: int) -> None:
    """In a subprocess: time assess_many on the 10,000 x 20 table, print JSON."""
    from tradepath.batch import Multiple, assess_many

    frame = trade_matrix(BATCH_SERIES, BATCH_YEARS, seed=0)
    rule = Multiple(2.0, by=2030)
    t0 = time.perf_counter()
    out = assess_many(frame, rule, n_paths=BATCH_PATHS, seed=0)
    cold = time.perf_counter() - t0
    times = {1: [], 2: []}
    for _ in range(repeat):
        for jobs in (1, 2):
            t0 = time.perf_counter()
            assess_many(frame, rule, n_paths=BATCH_PATHS, seed=0, n_jobs=jobs)
            times[jobs].append(time.perf_counter() - t0)
    print(json.dumps({"cold": cold, "times_1": times[1], "times_2": times[2],
                      "statuses": out["status"].value_counts().to_dict()}))


def child_fuse_assess(repeat: int) -> None:
    """In a subprocess: time ``tp.fuse()`` and ``tp.assess`` (150B by 2030, the default model,
    20,000 paths, seed 0) on the tradepath that this process imports, print JSON: the first
    call (with the imports it triggers) and each later call, wall and CPU seconds."""
    target = tp.Target(150, by=2030)
    runs = []
    for _ in range(repeat + 1):
        t0, c0 = time.perf_counter(), time.process_time()
        ds = tp.fuse()
        t1, c1 = time.perf_counter(), time.process_time()
        a = tp.assess(ds, target, n_paths=20_000, seed=0)
        t2, c2 = time.perf_counter(), time.process_time()
        runs.append({"fuse_s": t1 - t0, "fuse_cpu_s": c1 - c0, "assess_s": t2 - t1,
                     "assess_cpu_s": c2 - c1, "total_s": t2 - t0, "total_cpu_s": c2 - c0})
    print(json.dumps({"runs": runs, "p_inside": a.p_inside, "probability": a.probability}))


def import_times(repeat: int) -> dict[str, float]:
    """Median wall times (s) of fresh interpreters importing tradepath, pandas, and both
    tradepath with its numerical core (first use of ``tp.assess``) and pandas + statsmodels."""
    py = sys.executable
    codes = {"tradepath": "import tradepath",
             "pandas": "import pandas",
             "tradepath_core": "import tradepath; tradepath.assess",
             "pandas_statsmodels": "import pandas, statsmodels.api"}
    return {k: median_time(lambda c=c: run_child([py, "-c", c]), repeat)[0]
            for k, c in codes.items()}
# -- the report against an earlier version -----------------------------------------------------

BASELINE = "065bdfc"


def baseline_source(rev: str) -> Path:
    """``src/`` of commit ``rev``, unpacked from ``git archive`` under benchmarks/results/."""
    root = HERE.parent
    full = subprocess.run(["git", "-C", str(root), "rev-parse", "--short=7", rev],
                          capture_output=True, text=True, check=True).stdout.strip()
    dest = HERE / "results" / f"baseline-{full}"
    if not (dest / "src" / "tradepath" / "__init__.py").is_file():
        tmp = Path(tempfile.mkdtemp(prefix=f"baseline-{full}-", dir=dest.parent
                                    if dest.parent.is_dir() else None))
        archive = subprocess.run(["git", "-C", str(root), "archive", "--format=tar", full,
                                  "src", "data"], capture_output=True, check=True).stdout
        subprocess.run(["tar", "-x", "-C", str(tmp)], input=archive, check=True)
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.rmtree(dest, ignore_errors=True)
        os.replace(tmp, dest)
    return dest / "src"


def _env(pythonpath: Path | None) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("PYTHONPATH", None)
    if pythonpath is not None:
        env["PYTHONPATH"] = str(pythonpath)
    return env


def run_report(py: str, out: Path, pythonpath: Path | None) -> Child:
    """``python -m tradepath report --out out``, measured."""
    shutil.rmtree(out, ignore_errors=True)
    return run_child([py, "-m", "tradepath", "report", "--out", str(out)], env=_env(pythonpath))


def bench_report(repeat: int = 3, rev: str = BASELINE) -> pd.DataFrame:
    """The working tree's ``tradepath report`` against commit ``rev``'s, in the same run."""
    py = sys.executable
    old_src = baseline_source(rev)
    here_src = Path(tp.__file__).resolve().parents[1]
    versions = {f"{rev} (source archive)": old_src, "working tree": None}
    for label, path in versions.items():
        got = subprocess.run([py, "-c", "import tradepath; print(tradepath.__file__)"],
                             capture_output=True, text=True, env=_env(path), check=True)
        where = Path(got.stdout.strip()).resolve().parents[1]
        want = path.resolve() if path is not None else here_src
        if where != want:
            raise RuntimeError(f"{label}: imported tradepath from {where}, not {want}")
    tmp = Path(tempfile.mkdtemp(prefix="tradepath-report-bench-"))
    runs: dict[str, list[Child]] = {k: [] for k in versions}
    try:
        for path in versions.values():  # warm-up: bytecode, file cache, font cache
            run_report(py, tmp / "warm", path)
        for i in range(repeat):  # alternate, so a change in the machine's load hits both
            for label, path in versions.items():
                runs[label].append(run_report(py, tmp / f"r{i}", path))
                r = runs[label][-1]
                print(f"  report, {label}, run {i + 1}: {r.wall:.2f} s, {r.cpu_s:.2f} CPU s, "
                      f"{r.rss_mb:.0f} MB", flush=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    rows = [{"version": label, "median_s": float(np.median([r.wall for r in rs])),
             "runs_s": ", ".join(f"{r.wall:.2f}" for r in rs),
             "median_cpu_s": float(np.median([r.cpu_s for r in rs])),
             "peak_rss_mb": max(r.rss_mb for r in rs)} for label, rs in runs.items()]
    frame = pd.DataFrame(rows)
    frame["ratio_to_baseline"] = frame["median_s"].iloc[0] / frame["median_s"]
    return frame


def bench_fuse_assess(repeat: int = 5, rev: str = BASELINE) -> pd.DataFrame:
    """``tp.fuse()`` + ``tp.assess`` with 20,000 paths: the working tree against commit
    ``rev``, each in a fresh process (:func:`child_fuse_assess`)."""
    py, script = sys.executable, str(Path(__file__).resolve())
    rows = []
    for label, path in ((f"{rev} (source archive)", baseline_source(rev)),
                        ("working tree", None)):
        child = run_child([py, script, "--child-fuse-assess", str(repeat)], env=_env(path))
        res = json.loads(child.stdout.strip().splitlines()[-1])
        first, later = res["runs"][0], pd.DataFrame(res["runs"][1:])
        rows.append({"version": label, "first_call_s": first["total_s"],
                     "first_call_cpu_s": first["total_cpu_s"],
                     **{f"median_{k}": float(later[k].median()) for k in later.columns},
                     "p_inside": res["p_inside"], "probability": res["probability"]})
        print(f"  fuse+assess, {label}: first {first['total_s']:.2f} s, then "
              f"{rows[-1]['median_total_s']:.3f} s ({rows[-1]['median_total_cpu_s']:.3f} CPU s)",
              flush=True)
    return pd.DataFrame(rows)


def report_phases(out: Path) -> pd.DataFrame:
    """Where ``tradepath report`` spends its time, in this process: seconds per phase.

    Wraps the report's steps (assessments, model comparisons, sensitivities, the official
    series, the feasible region, drawing the PDF pages, saving each format, the PDF's font
    embedding, the tables) with timers, by patching the names where the report looks them up;
    phases nest inside ``write_report``.
    """
    import functools
    import importlib

    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.backends.backend_pdf import PdfPages
    from matplotlib.figure import Figure

    acc: dict[str, list[tuple[float, float]]] = {}
    restore: list[tuple[Any, str, Any]] = []

    def timed(where: str | Any, name: str, label: str | Callable[..., str]) -> None:
        obj = importlib.import_module(where) if isinstance(where, str) else where
        f = getattr(obj, name)  # an AttributeError here: the report's layout changed

        @functools.wraps(f)
        def g(*a: Any, **k: Any) -> Any:
            t0, c0 = time.perf_counter(), time.process_time()
            try:
                return f(*a, **k)
            finally:
                key = label(*a, **k) if callable(label) else label
                acc.setdefault(key, []).append((time.perf_counter() - t0,
                                                time.process_time() - c0))
        restore.append((obj, name, f))
        setattr(obj, name, g)

    rc, rw, bl = "tradepath.report.content", "tradepath.report.writing", "tradepath.verdict"
    timed(rw, "write_report", "write_report (everything below)")
    timed(rw, "_chart_content", "  charts' content (computed before the second process starts)")
    timed(rw, "_complete", "  the rest: every model, bottom line, official series (meanwhile)")
    for name in ("assess", "assess_targets"):
        if hasattr(importlib.import_module(rc), name):
            timed(rc, name, f"    {name}: targets and follow-ups")
    timed(rc, "_comparison", "    comparison: every model per simulated target")
    timed(rc, "official_comparison", "    official series: the same targets")
    timed(f"{bl}.lines", "sensitivities", "    bottom line: sensitivities")
    timed(rw, "_merge", "  report.pdf put together from its two parts")
    timed("tradepath.scenarios", "feasible_region", "    feasible_region")
    timed(rw, "_render_page", "  pages: draw calls (before saving)")
    timed(Figure, "savefig", lambda self, fname, *a, **k: "  savefig "
          + (k.get("format") or Path(str(fname)).suffix.lstrip(".")
             if isinstance(fname, str | os.PathLike) else "pdf")
          + " (layout + render)")
    timed(PdfPages, "close", "  PDF parts closed (fonts written)")
    timed(rw, "_tables", "  tables: building the frames")
    timed(pd.DataFrame, "to_csv", "  tables: to_csv")
    try:
        t0, c0 = time.perf_counter(), time.process_time()
        # One process, so every phase is timed here (the report itself draws most chart pages
        # in a second process when it can).
        importlib.import_module(rw).write_report(out_dir=out, n_jobs=1)
        total, cpu = time.perf_counter() - t0, time.process_time() - c0
    finally:
        for obj, name, f in reversed(restore):
            setattr(obj, name, f)
    rows = [{"phase": k, "seconds": sum(w for w, _ in v), "cpu_seconds": sum(c for _, c in v),
             "calls": len(v)} for k, v in acc.items()]
    rows.append({"phase": "(write_report wall time)", "seconds": total, "cpu_seconds": cpu,
                 "calls": 1})
    return pd.DataFrame(rows)


# -- main -------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats and samples")
    parser.add_argument("--repeat", type=int, help="runs per measurement (default 7; quick 3)")
    parser.add_argument("--import-only", action="store_true",
                        help="measure only the import times and print them")
    parser.add_argument("--only", choices=["report", "fuse_assess"],
                        help="run one benchmark against --baseline: 'report' (tradepath "
                             "report) or 'fuse_assess' (tp.fuse + tp.assess, 20,000 paths)")
    parser.add_argument("--baseline", default=BASELINE,
                        help=f"git revision the report is compared with (default {BASELINE})")
    parser.add_argument("--phases", action="store_true",
                        help="with --only report: also time the working tree's report by phase")
    parser.add_argument("--child-batch", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--child-report", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--child-fuse-assess", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child_batch is not None:
        return child_batch(args.child_batch)
    if args.child_report is not None:
        return straight_report(args.child_report)
    if args.child_fuse_assess is not None:
        return child_fuse_assess(args.child_fuse_assess)
    if args.only == "report":
        return main_report(args.repeat or 3, args.baseline, args.phases)
    if args.only == "fuse_assess":
        return main_fuse_assess(args.repeat or 5, args.baseline)

    repeat = args.repeat or (3 if args.quick else 7)
    if args.import_only:
        t = import_times(max(repeat, 7))
        for k, v in t.items():
            print(f"  import {k:<20} {v:.3f} s")
        print(f"  import tradepath - import pandas = {t['tradepath'] - t['pandas']:+.3f} s "
              "(budget +0.100 s)")
        return None
    heavy = 1 if args.quick else 3  # the report and the batch subprocesses
    sample = 20 if args.quick else 100  # series of the per-series statsmodels batch loop
    started = time.perf_counter()
    py = sys.executable
    rows: list[dict[str, Any]] = []

    def add(task: str, t_tp: float, method: str, t_base: float, note: str = "") -> None:
        rows.append({"task": task, "tradepath_s": t_tp, "straightforward": method,
                     "straightforward_s": t_base, "ratio": t_base / t_tp, "note": note})
        print(f"  {task:<44} {t_tp:9.4f} s   {method[:44]:<44} {t_base:9.4f} s  "
              f"x{t_base / t_tp:.1f}", flush=True)

    import numpy  # noqa: F401 - for the versions below
    import scipy
    import statsmodels

    env_line = (f"{platform.python_implementation()} {platform.python_version()}, numpy "
                f"{np.__version__}, pandas {pd.__version__}, scipy {scipy.__version__}, "
                f"statsmodels {statsmodels.__version__}; {os.cpu_count()} cores; "
                f"OPENBLAS_CORETYPE={os.environ.get('OPENBLAS_CORETYPE', '(unset)')}")
    print(env_line, flush=True)

    # import
    t = import_times(repeat)
    add("import tradepath (fresh interpreter)", t["tradepath"], "import pandas", t["pandas"],
        "budget: pandas + 0.1 s")
    add("import tradepath; tp.assess", t["tradepath_core"], "import pandas, statsmodels.api",
        t["pandas_statsmodels"])

    # load_dataset
    data = Path(tp.__file__).resolve().parents[2] / "data"

    def raw_load() -> tuple[pd.DataFrame, dict[str, Any]]:
        return (pd.read_csv(data / "observations.csv"),
                tomllib.loads((data / "targets.toml").read_text(encoding="utf-8")))

    add("tp.load_dataset()", median_time(tp.load_dataset, repeat)[0],
        "pandas.read_csv + tomllib (no checks)", median_time(raw_load, repeat)[0])

    # assess, every model
    ds = tp.load_dataset()
    s = ds.series("total", kinds=KINDS)
    from tradepath.models import MODELS

    per_model: dict[str, float] = {}
    for name in MODELS:
        t_tp = median_time(lambda name=name: tp.assess(ds, TARGET, model=name, n_paths=N_PATHS,
                                                       seed=0, kinds=KINDS), repeat)[0]
        if name == "ensemble":
            from tradepath.models.ensemble import DEFAULT_COMPONENTS

            def components() -> list[tuple[float, float]]:
                return [straight_assess(STRAIGHT[key][1], s, TARGET, N_PATHS, 0)
                        for key in DEFAULT_COMPONENTS]

            t_base = median_time(components, repeat)[0]
            add(f"tp.assess, {name}, {N_PATHS:,} paths", t_tp,
                f"its components' fits ({', '.join(DEFAULT_COMPONENTS)}), each simulated",
                t_base)
        else:
            label, fn = STRAIGHT[name]
            t_base = median_time(lambda fn=fn: straight_assess(fn, s, TARGET, N_PATHS, 0),
                                 repeat)[0]
            per_model[name] = t_base
            add(f"tp.assess, {name}, {N_PATHS:,} paths", t_tp, label, t_base)

    # compare
    t_cmp = median_time(lambda: tp.compare_models(ds, TARGET, n_paths=N_PATHS, seed=0, kinds=KINDS),
                        repeat)[0]

    def compare_straight() -> list[tuple[float, float]]:
        return [straight_assess(fn, s, TARGET, N_PATHS, 0) for _, fn in STRAIGHT.values()]

    add(f"tp.compare, {len(MODELS)} models", t_cmp, "every straightforward fit in a row",
        median_time(compare_straight, repeat)[0])

    # the scenario grid
    from tradepath.scenarios import feasible_region

    grid_target = tp.Target(150, by=2030, balance=tp.balance.balanced())
    gx, gm = np.linspace(-0.05, 0.25, 1000), np.linspace(-0.05, 0.20, 1000)
    t_grid, region = median_time(lambda: feasible_region(ds, grid_target, gx, gm), repeat)
    x0, m0 = 25.6, 55.9  # 2024 exports and imports, the grid's base

    def python_grid(gx: np.ndarray, gm: np.ndarray) -> np.ndarray:
        met = np.zeros((gm.size, gx.size), dtype=bool)
        for i, mr in enumerate(gm.tolist()):
            for j, xr in enumerate(gx.tolist()):
                for k in range(2030 - 2024 + 1):
                    x, m = x0 * (1 + xr) ** k, m0 * (1 + mr) ** k
                    if x + m >= 150 and (m - x) / (x + m) <= 0.10:
                        met[i, j] = True
                        break
        return met

    sub = slice(None, None, 10)
    t_loop, loop = median_time(lambda: python_grid(gx[sub], gm[sub]), min(repeat, 3))
    same = bool(np.array_equal(loop, region.met[sub, sub]))
    add("scenario grid 1,000 x 1,000 (feasible_region)", t_grid,
        "Python loop over cells, 100 x 100, x100", t_loop * 100,
        "same cells on the sub-grid" if same else "THE SUB-GRID DIFFERS")

    # the report, and the straightforward report, as subprocesses
    memory: list[dict[str, Any]] = []
    tmp = Path(tempfile.mkdtemp(prefix="tradepath-speed-"))
    try:
        runs = [run_child([py, "-m", "tradepath", "report", "--out", str(tmp / f"r{i}")])
                for i in range(heavy)]
        t_rep = float(np.median([r.wall for r in runs]))
        base = [run_child([py, str(Path(__file__).resolve()), "--child-report",
                           str(tmp / f"s{i}")]) for i in range(heavy)]
        t_srep = float(np.median([r.wall for r in base]))
        add("tradepath report (subprocess)", t_rep,
            "statsmodels + matplotlib per target (subprocess)", t_srep,
            "the report also checks the data, balances, scenarios; the script does not")
        memory.append({"process": "tradepath report", "peak_rss_mb": max(r.rss_mb for r in runs)})
        memory.append({"process": "straightforward report script",
                       "peak_rss_mb": max(r.rss_mb for r in base)})
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    # assess_many on 10,000 x 20, in a subprocess (memory), against a statsmodels loop
    batch = run_child([py, str(Path(__file__).resolve()), "--child-batch", str(heavy)])
    res = json.loads(batch.stdout.strip().splitlines()[-1])
    t_batch = float(np.median(res["times_1"]))
    t_batch2 = float(np.median(res["times_2"]))
    memory.append({"process": f"assess_many, {BATCH_SERIES:,} x {BATCH_YEARS} "
                              "(data, imports, runs)", "peak_rss_mb": batch.rss_mb})
    frame = trade_matrix(BATCH_SERIES, BATCH_YEARS, seed=0)
    pairs = frame["pair"].unique()[:sample]
    few = frame[frame["pair"].isin(pairs)]

    def statsmodels_loop() -> list[tuple[float, float]]:
        out = []
        for _, g in few.groupby("pair"):
            series = pd.Series(g["value"].to_numpy(), index=g["year"].to_numpy())
            target = tp.Target(2.0 * float(series.iloc[-1]), by=2030)
            out.append(straight_assess(sm_random_walk, series, target, BATCH_PATHS, 0))
        return out

    t_loop = median_time(statsmodels_loop, 1, warmup=0)[0] * BATCH_SERIES / sample
    from tradepath.batch import Multiple, assess_many

    t_per = median_time(lambda: assess_many(few, Multiple(2.0, by=2030), n_paths=BATCH_PATHS,
                                            method="per_series"), 1)[0] * BATCH_SERIES / sample
    task = f"assess_many {BATCH_SERIES:,} x {BATCH_YEARS}, {BATCH_PATHS:,} paths"
    add(task, t_batch, f"statsmodels ARIMA loop, {sample} series, scaled", t_loop,
        f"first call in a fresh process: {res['cold']:.2f} s")
    add(task + ", n_jobs=2", t_batch2, f"statsmodels ARIMA loop, {sample} series, scaled",
        t_loop)
    add(task + " (vs tradepath's own loop)", t_batch,
        f"assess_many(method='per_series'), {sample} series, scaled", t_per)

    table = pd.DataFrame(rows)
    notes = [env_line,
             f"Medians of {repeat} runs after a warm-up run (report and batch: {heavy}); ratio = "
             "straightforward / tradepath (above 1: tradepath is faster).",
             "tp.assess and the straightforward fits: the documents' total trade with the 2020 "
             "lower bound (6 annual figures, so every model fits), target 150B by 2030 without "
             "a balance condition; paths simulated to 2040, probability and median crossing "
             "year read off. statsmodels fits the annual grid filled by log-linear "
             "interpolation and holds parameters at their estimates (tradepath draws them)."]
    print()
    print(write_table(table, "speed", "Speed: tradepath against the straightforward way", notes,
                      {"tradepath_s": 4, "straightforward_s": 4, "ratio": 2}))
    print(write_table(pd.DataFrame(memory), "speed_memory", "Peak resident memory",
                      ["ru_maxrss of each subprocess (os.wait4), MB."], {"peak_rss_mb": 0}))
    print(f"(total {time.perf_counter() - started:.0f} s; tables in benchmarks/results/)")


def main_report(repeat: int, rev: str, phases: bool) -> None:
    """``--only report``: the report against an earlier version, and its phases."""
    started = time.perf_counter()
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    env_line = (f"{platform.python_implementation()} {platform.python_version()}; "
                f"{os.cpu_count()} cores; load average before the run {load}")
    print(env_line, flush=True)
    table = bench_report(repeat, rev)
    notes = [env_line,
             f"`python -m tradepath report --out DIR` (default settings: every target, 20,000 "
             f"paths, seed 0, PDF + PNG + SVG; the working tree draws most chart pages in a "
             f"second process where it can), {repeat} runs per version after one warm-up "
             "run each, alternating; the baseline from `git archive` on PYTHONPATH, same "
             "interpreter and libraries. ratio_to_baseline = baseline median / this median "
             "(above 1: faster than the baseline). CPU: user + system seconds of each run "
             "with the process it forks (os.wait4; less sensitive to a busy machine than the "
             "wall time, and the work two cores share). Peak memory: ru_maxrss of each run "
             "(os.wait4), the largest of the runs."]
    print()
    print(write_table(table, "speed_report", f"tradepath report: working tree against {rev}",
                      notes, {"median_s": 2, "median_cpu_s": 2, "peak_rss_mb": 0,
                              "ratio_to_baseline": 2}))
    if phases:
        tmp = Path(tempfile.mkdtemp(prefix="tradepath-phases-"))
        try:
            frame = report_phases(tmp / "r")
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        print(write_table(frame, "speed_report_phases",
                          "Where the working tree's report spends its time", [
                              env_line, "One run in this process (imports already done); "
                              "phases nest as indented; savefig includes the constrained "
                              "layout and the drawing of each format. cpu_seconds: the "
                              "process's CPU time (less sensitive to other load)."],
                          {"seconds": 2, "cpu_seconds": 2}))
    print(f"(total {time.perf_counter() - started:.0f} s; tables in benchmarks/results/)")


def main_fuse_assess(repeat: int, rev: str) -> None:
    """``--only fuse_assess``: the fusion and a 20,000-path assessment against ``rev``."""
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    env_line = (f"{platform.python_implementation()} {platform.python_version()}; "
                f"{os.cpu_count()} cores; load average before the run {load}")
    print(env_line, flush=True)
    table = bench_fuse_assess(repeat, rev)
    notes = [env_line, f"`ds = tp.fuse(); tp.assess(ds, tp.Target(150, by=2030), "
             f"n_paths=20_000, seed=0)` (the default model), each version in a fresh "
             f"process: the first call (with the imports it triggers), then medians of "
             f"{repeat} further calls, wall and CPU (user + system) seconds."]
    print()
    print(write_table(table, "speed_fuse_assess", f"tp.fuse + tp.assess: working tree "
                      f"against {rev}", notes, {c: 3 for c in table.columns if c != "version"}))


if __name__ == "__main__":
    main()
