"""One fit and one set of paths per model and series, shared between targets: the numbers
equal those of each target assessed alone with the same seed."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

import tradepath as tp
from tradepath.assessment.core import assess, assess_targets, compare_models
from tradepath.assessment.pool import SimulationPool, by_identity

KW = dict(n_paths=3000, seed=11, horizon=2045)


def _same(a: tp.Assessment, b: tp.Assessment) -> None:
    pd.testing.assert_frame_equal(a.to_frame(), b.to_frame())
    pd.testing.assert_frame_equal(a.bands, b.bands)
    assert a.paths.keys() == b.paths.keys()
    for k in a.paths:
        np.testing.assert_array_equal(a.paths[k], b.paths[k])
    if a.crossing_year is not None:
        pd.testing.assert_series_equal(a.crossing_year.distribution,
                                       b.crossing_year.distribution)
    assert a.notes == b.notes and a.finding() == b.finding()


@pytest.mark.parametrize("model", ["ensemble", "damped_trend", "random_walk"])
def test_shared_paths_give_each_target_its_numbers_alone(ds, model):
    cond = ds.target("150B by 2030").balance
    targets = [ds.target("150B by 2030"), tp.Target(100, by=2030, balance=cond),
               tp.Target(120, by=2035), ds.target("20B by 2015"),
               tp.Target(150, by=2030, balance=tp.balance.balanced())]
    shared = assess_targets(ds, targets, model=model, **KW)
    alone = [assess(ds, t, model=model, **KW) for t in targets]
    for a, b in zip(shared, alone, strict=True):
        _same(a, b)
    sims = [a for a in shared if a.status == "simulated"]
    # One set of totals for every target on the series; one export share per share model.
    assert all(a.paths["total"] is sims[0].paths["total"] for a in sims)
    assert shared[0].paths["exports"] is shared[1].paths["exports"]
    assert not sims[0].paths["total"].flags.writeable  # shared, so read-only


def test_a_pool_never_mixes_data_or_settings(ds):
    pool = SimulationPool()
    t = ds.target("150B by 2030")
    a = assess(ds, t, pool=pool, **KW)
    other = ds.with_observations(pd.DataFrame({"period": ["2025"], "flow": ["total"],
                                               "value_usd_bn": [90.0]}))
    for data, kw in ((other, {}), (ds, {"seed": 12}), (ds, {"n_paths": 2999}),
                     (ds, {"horizon": 2046}), (ds, {"model": "damped_trend"})):
        b = assess(data, t, pool=pool, **{**KW, **kw})
        _same(b, assess(data, t, **{**KW, **kw}))
        assert b.paths["total"] is not a.paths["total"]
    assert len(pool) == 6 and "6 simulations" in repr(pool)
    # The same request again: the same arrays, nothing new simulated.
    again = assess(ds, t, pool=pool, **KW)
    assert again.paths["total"] is a.paths["total"] and len(pool) == 6


def test_generator_seeds_are_not_pooled(ds):
    pool = SimulationPool()
    t = tp.Target(150, by=2030, balance=tp.balance.more_balanced())
    g1, g2 = np.random.default_rng(3), np.random.default_rng(3)
    a = [assess(ds, t, seed=g1, n_paths=1000, pool=pool) for _ in range(2)]
    b = [assess(ds, t, seed=g2, n_paths=1000) for _ in range(2)]
    for x, y in zip(a, b, strict=True):
        _same(x, y)
    assert not np.array_equal(a[0].paths["total"], a[1].paths["total"])
    # No seed: fresh draws every time, never pooled either.
    c = [assess(ds, t, seed=None, n_paths=1000, pool=pool) for _ in range(2)]
    assert not np.array_equal(c[0].paths["total"], c[1].paths["total"])
    assert len(pool) == 0


def test_compare_models_through_a_pool_matches_without(ds):
    pool = SimulationPool()
    t1 = ds.target("150B by 2030")
    t2 = dataclasses.replace(t1, value=100.0, name="100B by 2030")
    models = ["cagr", "random_walk", "local_linear_trend", "logistic"]
    f1 = compare_models(ds, t1, models=models, pool=pool, **KW)
    n = len(pool)
    f2 = compare_models(ds, t2, models=models, pool=pool, **KW)
    assert len(pool) == n  # the second target reuses every simulation
    pd.testing.assert_frame_equal(f1, compare_models(ds, t1, models=models, **KW))
    pd.testing.assert_frame_equal(f2, compare_models(ds, t2, models=models, **KW))
    assert (f1["status"] == "refused").sum() == 1  # local_linear_trend: too few points


def test_by_identity_keys_keep_the_object():
    a, b = [1], [1]
    assert by_identity(a) == by_identity(a) and by_identity(a) != by_identity(b)
    assert hash(by_identity(a)) == id(a) and by_identity(a).obj is a
    pool = SimulationPool()
    made = []
    for _ in range(2):
        pool.memo(("x", by_identity(a)), lambda: made.append(1) or len(made))
    assert made == [1]


def test_share_models_differing_only_in_a_prior_get_their_own_paths():
    from tradepath.assessment.pool import simulate
    from tradepath.models import get_model
    from tradepath.models.share import ShareModel

    s = pd.Series({2019: 60.0, 2021: 70.0, 2023: 75.0, 2024: 80.0})
    sim = simulate(get_model("random_walk").fit(s), 500, 2030, np.random.default_rng(1),
                   shared=True)
    a = ShareModel(times=np.array([2023.5, 2024.5]), logits=np.array([-0.9, -0.7]),
                   labels=("2023", "2024"))
    b = dataclasses.replace(a, prior_drift_sd=0.5)
    x_a, _ = sim.exports_imports(a)
    x_b, _ = sim.exports_imports(b)
    assert not np.array_equal(x_a, x_b)
    assert sim.exports_imports(a)[0] is x_a  # the same model: the same paths, once
