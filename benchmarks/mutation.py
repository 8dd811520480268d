"""A small mutation run: does the quick test suite catch the kind of edit a real bug makes?

Each mutant is one small edit to the library (an operator, a constant, an off-by-one) made
in a fresh copy of the tree; ``pytest -m "not slow" -x -q`` then runs on the copy. A mutant is
*killed* when the suite fails. Run by hand (not in CI), from the repository root::

    python benchmarks/mutation.py            # every mutant, one after the other
    python benchmarks/mutation.py --list     # the mutants, without running them
    python benchmarks/mutation.py --only 3 7 # some of them

A surviving mutant is a gap in the test net: write a test that checks the exact value the
edit changes.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

#: (file under src/tradepath, text, replacement, what the edit breaks)
MUTANTS: list[tuple[str, str, str, str]] = [
    ("_checks.py", "tol = max(rtol * c.value, 0.05)", "tol = min(rtol * c.value, 0.05)",
     "ratio-claim tolerance"),
    ("targets.py", 'base = row.get("balance_base")', "base = None",
     "targets file ignores balance_base"),
    ("models/damped.py", "np.cumsum(phi ** h, axis=1)", "np.cumsum(phi ** (h - 1), axis=1)",
     "damped-trend drift"),
    ("backtest/rolling.py", "[(1 - level) / 2, (1 + level) / 2]", "[(1 - level) / 2, level]",
     "backtest interval quantile"),
    ("models/random_walk.py", "s2 = float(ss / (k - 1))", "s2 = float(ss / k)",
     "random-walk volatility degrees of freedom"),
    ("models/random_walk.py", "sig / np.sqrt(span) * rng", "sig * np.sqrt(span) * rng",
     "random-walk drift posterior scale"),
    ("models/scoring.py", "- 0.5 * spread", "- spread", "sample CRPS spread term"),
    ("progress.py", "** (1 / ahead) - 1", "** (1 / (ahead + 1)) - 1",
     "required growth off by one year"),
    ("progress.py", "OBSERVED_WINDOW = 5", "OBSERVED_WINDOW = 4", "observed-growth window"),
    ("balance.py", "return s < self.max - TOL if self.strict",
     "return s <= self.max if self.strict", "strict 'more balanced' comparison"),
    ("assess.py", "hit = total >= target.value", "hit = total > target.value",
     "a target met exactly counts as met"),
    ("scenarios/specs.py", "(1.0 + self.rate) ** np.arange(0, end - base_year + 1",
     "(1.0 + self.rate) ** np.arange(1, end - base_year + 2", "constant-growth compounding"),
    ("models/share.py", "prior_df: float = 1.0", "prior_df: float = 0.5",
     "export-share prior weight"),
    ("scenarios/solve.py", "lo = np.where(good, mid, lo)", "lo = np.where(good, lo, mid)",
     "max-deficit bisection"),
]

_IGNORE = shutil.ignore_patterns(".git", ".venv", "__pycache__", "*.egg-info", ".pytest_cache",
                                 ".hypothesis", "site", "benchmarks", "results")


def run_one(i: int, timeout: float) -> tuple[str, float]:
    """Apply mutant ``i`` to a copy of the tree and run the quick suite: status and seconds."""
    rel, old, new, _ = MUTANTS[i]
    with tempfile.TemporaryDirectory(prefix="tradepath-mutant-") as tmp:
        tree = Path(tmp) / "tree"
        shutil.copytree(ROOT, tree, ignore=_IGNORE)
        path = tree / "src" / "tradepath" / rel
        text = path.read_text(encoding="utf-8")
        if text.count(old) != 1:
            return "not applicable", 0.0
        path.write_text(text.replace(old, new), encoding="utf-8")
        env = dict(os.environ, PYTHONPATH=str(tree / "src"), PYTHONDONTWRITEBYTECODE="1")
        t0 = time.perf_counter()
        try:
            proc = subprocess.run(
                [sys.executable, "-m", "pytest", "-m", "not slow", "-x", "-q",
                 "-p", "no:cacheprovider"],
                cwd=tree, env=env, capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            return "timeout", time.perf_counter() - t0
        status = "killed" if proc.returncode != 0 else "survived"
        return status, time.perf_counter() - t0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--list", action="store_true", help="list the mutants and stop")
    parser.add_argument("--only", type=int, nargs="+", help="run these mutants (1-based)")
    parser.add_argument("--timeout", type=float, default=1800, help="seconds per mutant")
    args = parser.parse_args()
    picks = [i - 1 for i in args.only] if args.only else list(range(len(MUTANTS)))
    if args.list:
        for i in picks:
            rel, old, new, what = MUTANTS[i]
            print(f"{i + 1:2d}. {what}: {rel}: {old!r} -> {new!r}")
        return
    results = []
    for i in picks:
        status, secs = run_one(i, args.timeout)
        results.append(status)
        print(f"{i + 1:2d}. {MUTANTS[i][3]:<45} {status:<15} {secs:6.0f} s", flush=True)
    applicable = [s for s in results if s in ("killed", "survived")]
    killed = results.count("killed")
    print(f"killed {killed} of {len(applicable)} applicable mutants"
          + (f" ({killed / len(applicable):.0%})" if applicable else ""))


if __name__ == "__main__":
    main()
