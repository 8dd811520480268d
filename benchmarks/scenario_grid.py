"""Time the feasible region: a 1,000 x 1,000 grid of export and import growth rates.

Run with ``python benchmarks/scenario_grid.py``. It measures, in the same run:

* ``feasible_region`` on the full grid (the whole call, data lookup included), median of
  ``--repeat`` runs, for both readings ("by": met in some year up to 2030; "in": in 2030);
* a plain Python double loop over cells (``math`` only) on a 100 x 100 sub-grid, scaled up
  to 1,000,000 cells;
* a naive per-cell NumPy projection (one small array of years per cell) on a 50 x 50
  sub-grid, scaled up.

The baselines are checked to give the same cells as the vectorised grid on their sub-grids.
The target is the documents' 150B by 2030, balanced (deficit share at most 10 %).
"""

from __future__ import annotations

import argparse
import math
import statistics
import time

import numpy as np

import tradepath as tp
from tradepath.scenarios import feasible_region

X0, M0, BASE_YEAR = 25.6, 55.9, 2024
TARGET = tp.Target(150, by=2030, balance=tp.balance.balanced())
GX = np.linspace(-0.05, 0.25, 1000)
GM = np.linspace(-0.05, 0.20, 1000)


def python_loop(gx: np.ndarray, gm: np.ndarray) -> np.ndarray:
    """Cell by cell, year by year, in plain Python."""
    out = np.zeros((gm.size, gx.size), dtype=bool)
    years = TARGET.by - BASE_YEAR
    for i, m_rate in enumerate(gm.tolist()):
        for j, x_rate in enumerate(gx.tolist()):
            for k in range(years + 1):
                x = X0 * (1.0 + x_rate) ** k
                m = M0 * (1.0 + m_rate) ** k
                if x + m >= TARGET.value and (m - x) / (x + m) <= 0.10:
                    out[i, j] = True
                    break
    return out


def numpy_per_cell(gx: np.ndarray, gm: np.ndarray) -> np.ndarray:
    """One NumPy projection (a vector of years) per cell."""
    out = np.zeros((gm.size, gx.size), dtype=bool)
    k = np.arange(0, TARGET.by - BASE_YEAR + 1)
    for i, m_rate in enumerate(gm):
        for j, x_rate in enumerate(gx):
            x = X0 * (1.0 + x_rate) ** k
            m = M0 * (1.0 + m_rate) ** k
            out[i, j] = bool(np.any((x + m >= TARGET.value) & ((m - x) / (x + m) <= 0.10)))
    return out


def median_time(fn, repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7, help="runs per measurement (>= 5)")
    args = parser.parse_args()
    repeat = max(5, args.repeat)
    ds = tp.load_dataset()
    feasible_region(ds, TARGET)  # warm-up: imports and the dataset's annual view

    t_by, region = median_time(lambda: feasible_region(ds, TARGET, GX, GM), repeat)
    t_in, _ = median_time(lambda: feasible_region(ds, TARGET, GX, GM, reading="in"), repeat)

    sub = slice(None, None, 10)  # 100 x 100 cells of the same grid
    t_loop, loop = median_time(lambda: python_loop(GX[sub], GM[sub]), 3)
    assert np.array_equal(loop, region.met[sub, sub]), "the Python loop disagrees"
    sub50 = slice(None, None, 20)  # 50 x 50
    t_np, per_cell = median_time(lambda: numpy_per_cell(GX[sub50], GM[sub50]), 3)
    assert np.array_equal(per_cell, region.met[sub50, sub50]), "the per-cell projection disagrees"

    full = GX.size * GM.size
    rows = [
        ("feasible_region, reading 'by' (vectorised)", full, t_by, t_by),
        ("feasible_region, reading 'in' (vectorised)", full, t_in, t_in),
        ("plain Python double loop, 100 x 100", 100 * 100, t_loop, t_loop * full / 10_000),
        ("NumPy projection per cell, 50 x 50", 50 * 50, t_np, t_np * full / 2_500),
    ]
    print(f"Feasible region for {TARGET.describe()}, 1,000 x 1,000 grid, "
          f"median of {repeat} runs (baselines: median of 3, scaled to 1,000,000 cells)\n")
    print(f"{'method':<46} {'cells':>10} {'measured':>10} {'1M cells':>10} {'ratio':>8}")
    for name, cells, measured, scaled in rows:
        print(f"{name:<46} {cells:>10,} {measured:>9.3f}s {scaled:>9.2f}s "
              f"{scaled / t_by:>7.1f}x")
    print(f"\nshare of the grid meeting the target: {region.share:.2%}; "
          f"{math.fsum(region.met.ravel()):,.0f} cells")


if __name__ == "__main__":
    main()
