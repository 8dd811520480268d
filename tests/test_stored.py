"""Results stored beside the shipped data (tradepath.data.stored): each is what learning
gives now, and a result learned from other files is never read."""

from __future__ import annotations

import dataclasses
import json

import numpy as np
from numpy.testing import assert_allclose

from tradepath.data import stored
from tradepath.data.schema import data_dir
from tradepath.models import damped, priors
from tradepath.reference.pooling import POOL_INPUTS_FILE, learn_pool, pool_inputs, reference_pool


def _doc(name: str) -> dict:
    return json.loads((data_dir() / name).read_text(encoding="utf-8"))


def test_the_stored_panel_prior_is_the_one_learned_from_the_shipped_panel(tmp_path):
    # Else: damped.write_shipped_trend_prior() stores it again.
    doc = _doc(damped.PRIOR_FILE)
    assert doc["inputs_sha256"] == stored.data_hash(tuple(doc["inputs"]))
    for name, slope in (("slope", True), ("volatility", False)):
        # to the optimiser's precision (scipy versions stop a few 1e-6 apart)
        learned = dataclasses.asdict(damped._learn_shipped_trend_prior(slope))
        kept = dict(doc["value"][name])
        assert kept.pop("source") == learned.pop("source")
        assert_allclose([kept[k] for k in learned], list(learned.values()), rtol=1e-4)
    assert damped._shipped_trend_prior(True) == damped.TrendPrior(**doc["value"]["slope"])
    written = json.loads(damped.write_shipped_trend_prior(tmp_path).read_text())
    assert written["inputs_sha256"] == doc["inputs_sha256"]


def test_the_stored_growth_prior_is_the_one_learned_from_the_shipped_panel(tmp_path):
    # Else: tradepath.models.priors.write_shipped_prior() stores it again.
    doc = _doc(priors.PRIOR_FILE)
    assert doc["inputs_sha256"] == stored.data_hash(tuple(doc["inputs"]))
    learned = dataclasses.asdict(priors._learn_shipped_prior())
    kept = dict(doc["value"])
    assert kept.pop("source") == learned.pop("source")
    assert_allclose([kept[k] for k in learned], list(learned.values()), rtol=1e-4)
    assert priors._shipped_prior() == priors.GrowthPrior(**doc["value"])
    written = json.loads(priors.write_shipped_prior(tmp_path).read_text())
    assert written["inputs_sha256"] == doc["inputs_sha256"]


def test_the_stored_pool_inputs_are_the_ones_computed_from_the_shipped_files(tmp_path):
    # Else: tradepath.reference.pooling.write_pool_inputs() stores them again (and after
    # `benchmarks/accuracy.py --write-pool`, which changes reference_inside.csv).
    doc = _doc(POOL_INPUTS_FILE)
    assert doc["inputs_sha256"] == stored.data_hash(tuple(doc["inputs"]))
    fresh = pool_inputs()
    assert list(doc["value"]) == list(fresh.columns)
    for col in fresh.columns:
        got = doc["value"][col]
        if fresh[col].dtype.kind in "fi":
            assert_allclose(np.asarray(got, float), fresh[col].to_numpy(float), rtol=1e-12)
        else:
            assert got == [str(v) for v in fresh[col]]
    pool = reference_pool()
    learned = learn_pool(fresh["p_inside"], fresh["p_outside"], fresh["met"],
                            source=pool.source)
    assert pool.mean() == learned.mean()


def test_a_result_learned_from_other_files_is_not_read(monkeypatch, tmp_path):
    monkeypatch.setattr(stored, "_path", lambda name: tmp_path / name)
    inputs = ("reference_series.csv",)
    stored.write_stored("x.json", inputs, {"a": 1}, tmp_path)
    assert stored.read_stored("x.json", inputs) == {"a": 1}
    assert stored.read_stored("x.json", ("reference_targets.csv",)) is None
    assert stored.read_stored("missing.json", inputs) is None
    # A stored prior whose hash is not the panel's: learned afresh, not the stored values.
    fresh = damped._learn_shipped_trend_prior(True)
    bogus = dataclasses.asdict(dataclasses.replace(fresh, nu0=1.0, source="stale"))
    path = tmp_path / damped.PRIOR_FILE
    path.write_text(json.dumps({"inputs_sha256": "another panel", "value": {"slope": bogus}}))
    damped._shipped_trend_prior.cache_clear()
    try:
        assert damped._shipped_trend_prior(True) == fresh
        stored.write_stored(damped.PRIOR_FILE, damped._PRIOR_INPUTS, {"slope": bogus}, tmp_path)
        damped._shipped_trend_prior.cache_clear()
        assert damped._shipped_trend_prior(True) == damped.TrendPrior(**bogus)
    finally:
        damped._shipped_trend_prior.cache_clear()
