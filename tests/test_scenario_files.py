from __future__ import annotations

import textwrap
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import tradepath as tp
from tradepath.scenarios import Scenario, growth
from tradepath.scenarios import files as sf
from tradepath.scenarios.files import evaluate, read_scenario_file, run_file
from tradepath.scenarios.files import write as sf_write  # run_file's module

EXAMPLES = sorted((Path(__file__).resolve().parents[1] / "examples").glob("*.toml"))


def write(tmp_path: Path, text: str, name: str = "s.toml") -> Path:
    p = tmp_path / name
    p.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return p


GOOD = """
title = "t"
[defaults]
start = 2024
end = 2030

[[target]]
name = "150B balanced"
value = 150
by = 2030
balance = "balanced"

[[scenario]]
name = "a"
exports = { growth = 0.12 }
imports = { growth = 0.05 }

[[scenario]]
name = "b"
exports = 0.18
imports = { ramp = { from = 0.05, to = 0.03, start = 2025, end = 2030 } }
"""


# -- every example runs ---------------------------------------------------------------------
def test_there_is_one_example_per_common_question():
    names = {p.stem for p in EXAMPLES}
    assert {"when_is_150b_reached", "required_export_growth", "feasible_region",
            "export_shock_2026", "mix_and_deficit"} <= names


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_each_example_runs(example, tmp_path):
    out = tmp_path / "out"
    files = run_file(example, out)
    assert files and all(f.is_file() and f.parent == out for f in files)
    assert (out / "summary.md").read_text(encoding="utf-8").startswith("# ")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]  # no temporary left over
    spec = read_scenario_file(example)
    if spec.scenarios:
        paths = pd.read_csv(out / "paths.csv")
        assert set(paths["scenario"]) == {s.name for s in spec.scenarios}
        np.testing.assert_allclose(paths["exports"] + paths["imports"], paths["total"],
                                   rtol=1e-11)
        summary = pd.read_csv(out / "summary.csv", index_col="scenario")
        assert list(summary.index) == [s.name for s in spec.scenarios]


def test_required_example_gives_the_documents_answers(tmp_path, ds):
    run_file(Path(EXAMPLES[0]).parent / "required_export_growth.toml", tmp_path / "o", ds=ds)
    req = pd.read_csv(tmp_path / "o" / "required.csv")
    exports = req[req["flow"] == "exports"].set_index(["target", "given"])["rate"]
    # two-sided: 150 bn in 2030 with imports at +3 % needs a surplus above 10 % of trade
    assert np.isnan(exports["150B by 2030, balanced", "imports +3.0 %/yr"])
    assert exports["150B by 2030, balanced one-sided", "imports +3.0 %/yr"] == pytest.approx(
        0.2171932429)
    assert exports["150B by 2030, balanced one-sided", "imports +7.0 %/yr"] == pytest.approx(
        0.1786568617)
    assert exports["150B by 2030, balanced", "imports +7.0 %/yr"] == pytest.approx(0.1786568617)
    assert exports["150B by 2030, more balanced", "imports +7.0 %/yr"] == pytest.approx(
        0.1713057993)
    imports = req[req["flow"] == "imports"].set_index("given")
    assert not imports.loc["exports +15.0 %/yr", "feasible"]
    assert imports.loc["exports +25.0 %/yr", "max_rate"] > imports.loc["exports +25.0 %/yr",
                                                                         "rate"]


def test_feasible_region_example_boundary(tmp_path, ds):
    run_file(Path(EXAMPLES[0]).parent / "feasible_region.toml", tmp_path / "o", ds=ds)
    b = pd.read_csv(tmp_path / "o" / "feasible_region.csv")
    assert list(b.columns) == ["import_rate", "min_export_rate"] and len(b) == 1000
    row = b.iloc[int(np.argmin(np.abs(b["import_rate"] - 0.05)))]
    assert 0.1964 <= row["min_export_rate"] <= 0.1968


def test_same_file_same_numbers(tmp_path):
    example = Path(EXAMPLES[0]).parent / "when_is_150b_reached.toml"
    run_file(example, tmp_path / "a")
    run_file(example, tmp_path / "b")
    for name in ("summary.csv", "bands.csv", "paths.csv"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    summary = pd.read_csv(tmp_path / "a" / "summary.csv", index_col="scenario")
    p = summary["150B by 2030, more balanced: P(met by 2030)"]
    assert ((p > 0) & (p < 1)).all()


# -- reading ---------------------------------------------------------------------------------
def test_read_and_evaluate_a_good_file(tmp_path, ds):
    spec = read_scenario_file(write(tmp_path, GOOD))
    assert [s.name for s in spec.scenarios] == ["a", "b"]
    assert spec.scenarios[0] == Scenario(2024, 2030, exports=growth(0.12), imports=growth(0.05),
                                         name="a")
    res = evaluate(spec, ds)
    expect = spec.scenarios[1].project(ds)
    got = res.paths[res.paths["scenario"] == "b"].set_index("year")
    np.testing.assert_array_equal(got["imports"], expect["imports"])
    assert res.table.loc["a", "150B balanced: first met"] == "not met by 2030"
    assert "| a |" in res.to_markdown()


def test_defaults_and_mix_parameterisations(tmp_path, ds):
    spec = read_scenario_file(write(tmp_path, """
        [defaults]
        start = 2024
        end = 2032
        total = { growth = 0.09 }
        imports = 0.05

        [[scenario]]
        name = "mix"
        export_share = { to = 0.4, by = 2030 }

        [[scenario]]
        name = "deficit"
        deficit = { to = 15, by = 2030, how = "geometric" }

        [[scenario]]
        name = "flows"

        [scenario.exports]
        shocks = [{ year = 2026, size = -0.1 }]

        [scenario.exports.path]
        2025 = 0.1
        2026 = 0.1
        2027 = 0.1
        2028 = 0.1
        2029 = 0.1
        2030 = 0.1
        2031 = 0.1
        2032 = 0.1
    """))
    kinds = [s.kind for s in spec.scenarios]
    assert kinds == ["mix", "deficit", "flows"]
    res = evaluate(spec, ds)
    d = res.paths.set_index(["scenario", "year"])
    assert d.loc[("deficit", 2030), "balance"] == -15.0
    assert d.loc[("mix", 2030), "export_share"] == pytest.approx(0.4)
    ratio = d.loc[("flows", 2026), "exports"] / d.loc[("flows", 2025), "exports"]
    assert ratio == pytest.approx(1.1 * 0.9)


def test_text_is_never_executed(tmp_path, ds):
    marker = tmp_path / "pwned"
    p = write(tmp_path, GOOD.replace('name = "a"',
                                     f'name = "__import__(\'os\').system(\'touch {marker}\')"'))
    res = evaluate(p, ds)
    assert not marker.exists()
    assert res.table.index[0].startswith("__import__")


# -- bad files: key and line ------------------------------------------------------------------
def error_of(tmp_path: Path, text: str) -> tp.ScenarioFileError:
    p = write(tmp_path, text)
    with pytest.raises(tp.ScenarioFileError) as info:
        evaluate(p)
    assert str(p) in str(info.value)
    return info.value


def test_unknown_key_names_key_and_line(tmp_path):
    err = error_of(tmp_path, GOOD.replace("exports = 0.18", "exports = { rate = 0.18 }"))
    assert err.key == "scenario[2].exports.rate" and err.line == 19
    assert "unknown key 'rate'" in str(err) and "growth, ramp, path, shocks" in str(err)
    assert "line 19" in str(err)


def test_unknown_top_level_key(tmp_path):
    err = error_of(tmp_path, GOOD + '\n[plots]\nkind = "fan"\n')
    assert err.key == "plots" and err.line == 22


def test_wrong_type_names_key_and_line(tmp_path):
    err = error_of(tmp_path, GOOD.replace("end = 2030", 'end = "2030"'))
    assert err.key == "defaults.end" and err.line == 4 and "must be an integer" in str(err)
    err = error_of(tmp_path, GOOD.replace('balance = "balanced"', "balance = true"))
    assert err.key == "target[1].balance" and err.line == 10


def test_growth_below_minus_100_percent(tmp_path):
    err = error_of(tmp_path, GOOD.replace("from = 0.05", "from = -1.2"))
    assert err.key == "scenario[2].imports.ramp" and err.line == 20
    assert "between -1 and 1" in str(err) and "-1.2" in str(err)
    err = error_of(tmp_path, GOOD.replace("exports = 0.18", "exports = -1.5"))
    assert err.key == "scenario[2].exports" and err.line == 19


def test_end_before_start(tmp_path):
    err = error_of(tmp_path, GOOD.replace('name = "b"', 'name = "b"\nend = 2020'))
    assert err.key == "scenario[2].end" and err.line == 19 and "after start (2024)" in str(err)


def test_overlapping_shocks(tmp_path):
    text = GOOD.replace("exports = 0.18", "exports = { growth = 0.1, shocks = [\n"
                        "  { year = 2026, size = -0.6, recovery = false },\n"
                        "  { year = 2026, size = -0.5 } ] }")
    err = error_of(tmp_path, text)
    assert err.key == "scenario[2].exports.shocks[2]" and "non-positive in 2026" in str(err)
    assert err.line == 19


def test_target_without_deadline(tmp_path):
    err = error_of(tmp_path, GOOD.replace("by = 2030\n", ""))
    assert err.key == "target[1]" and err.line == 6 and "deadline" in str(err)


def test_path_not_covering_the_horizon(tmp_path):
    err = error_of(tmp_path, GOOD.replace("exports = 0.18",
                                          "exports = { path = { 2025 = 0.1, 2026 = 0.1 } }"))
    assert err.key == "scenario[2]" and "2027–2030" in str(err)


def test_other_errors(tmp_path):
    err = error_of(tmp_path, "title = \n")
    assert err.line == 1 and "not valid TOML" in str(err)
    err = error_of(tmp_path, 'title = "nothing"\n')
    assert "nothing to do" in str(err)
    err = error_of(tmp_path, GOOD + '\n[[required]]\ntarget = "150B balanced"\nflow = "exports"\n')
    assert err.key == "required[1]" and "needs 'other'" in str(err) and err.line == 22
    err = error_of(tmp_path, GOOD + '\n[[required]]\ntarget = "nope"\nother = 0.05\n')
    assert err.key == "required[1].target" and "no target named 'nope'" in str(err)
    err = error_of(tmp_path, GOOD.replace('name = "b"', 'name = "a"'))
    assert err.key == "scenario[2].name" and "used twice" in str(err)
    err = error_of(tmp_path, GOOD + "\n[outputs]\nbands = true\n")
    assert "need a [simulation]" in str(err)
    with pytest.raises(tp.ScenarioFileError, match="cannot read"):
        read_scenario_file(tmp_path / "missing.toml")


# -- writing: all or nothing ------------------------------------------------------------------
def test_a_failure_midway_leaves_no_output(tmp_path, monkeypatch):
    p = write(tmp_path, GOOD)
    (tmp_path / "results").mkdir()
    out = tmp_path / "results" / "run1"

    def broken(res, d):
        (d / "half.csv").write_text("x\n1\n")
        raise RuntimeError("disk full")

    monkeypatch.setattr(sf_write, "WRITERS", (*sf.WRITERS[:2], broken, *sf.WRITERS[2:]))
    with pytest.raises(RuntimeError, match="disk full"):
        run_file(p, out)
    assert not out.exists()
    assert list((tmp_path / "results").iterdir()) == []


def test_a_failure_in_the_file_writes_nothing(tmp_path):
    p = write(tmp_path, GOOD.replace("exports = 0.18", "exports = { path = { 2025 = 0.1 } }"))
    with pytest.raises(tp.ScenarioFileError):
        run_file(p, tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_existing_output_needs_overwrite_and_survives_a_failure(tmp_path, monkeypatch):
    p = write(tmp_path, GOOD)
    out = tmp_path / "out"
    first = run_file(p, out)
    assert [f.name for f in first] == ["paths.csv", "summary.csv", "summary.md", "scenarios.png"]
    with pytest.raises(tp.OutputExistsError, match="overwrite=True"):
        run_file(p, out)
    before = (out / "summary.csv").read_bytes()

    def broken(res, d):
        raise OSError("no space left")

    monkeypatch.setattr(sf_write, "WRITERS", (broken,))
    with pytest.raises(tp.OutputError, match="no space left"):
        run_file(p, out, overwrite=True)
    assert (out / "summary.csv").read_bytes() == before
    monkeypatch.undo()
    again = run_file(write(tmp_path, GOOD.replace("0.18", "0.2")), out, overwrite=True)
    assert (out / "summary.csv").read_bytes() != before and len(again) == 4
    assert sorted(x.name for x in tmp_path.iterdir()) == ["out", "s.toml"]


def test_outputs_can_be_switched_off(tmp_path):
    p = write(tmp_path, GOOD + "\n[outputs]\npaths = false\nplots = false\n")
    files = run_file(p, tmp_path / "o")
    assert [f.name for f in files] == ["summary.csv", "summary.md"]


def test_observations_from_the_file(tmp_path, ds):
    obs = ds.observations
    obs = obs[obs["kind"] != "derived"].copy()
    obs.loc[(obs["period"] == "2024") & (obs["flow"] == "exports"), "value_usd_bn"] = 30.0
    obs = obs[~((obs["period"] == "2024") & obs["flow"].isin(["total", "balance"]))]
    obs.to_csv(tmp_path / "obs.csv", index=False)
    p = write(tmp_path, GOOD.replace('title = "t"',
                                     'title = "t"\n[data]\nobservations = "obs.csv"'))
    res = evaluate(p)
    first = res.paths[(res.paths["scenario"] == "a") & (res.paths["year"] == 2024)]
    assert first["exports"].item() == 30.0 and first["total"].item() == 85.9
    bad = write(tmp_path, GOOD.replace('title = "t"', '[data]\nobservations = "missing.csv"'),
                "bad.toml")
    with pytest.raises(tp.ScenarioFileError, match=r"missing\.csv") as info:
        evaluate(bad)
    assert info.value.key == "data.observations" and info.value.line == 2


def test_the_charts_name_the_data_they_start_from(tmp_path, monkeypatch):
    """The source note under scenarios.png names the data the scenarios start from: by
    default the fused history, or the dataset given (here the official series)."""
    from tradepath import plotting

    written = []
    note = plotting.source_note
    monkeypatch.setattr(plotting, "source_note",
                        lambda fig, text=None, *, ds=None: written.append(
                            note(fig, text, ds=ds).get_text()))
    p = write(tmp_path, GOOD)
    run_file(p, tmp_path / "fused")
    run_file(p, tmp_path / "official", ds=tp.load_dataset("official"))
    assert written[0].startswith("Source: the documents and the official series on both "
                                 "bases, fused on Vietnam's basis; ")
    assert written[-1].startswith("Source: the official series on both bases; ")


# -- the volatility the probabilities rest on ------------------------------------------------
def test_summary_states_the_volatility_and_the_years_it_comes_from(tmp_path, ds):
    """A file without [data] reads the fused history (each flow has its own figures); the
    documents alone have too few exports and imports, so both take the total's volatility."""
    from tradepath.models.random_walk import RandomWalk

    path = write(tmp_path, GOOD + "\n[simulation]\nn_paths = 200\n")
    fused = tp.fuse()
    sig = {f: float(RandomWalk().fit(fused.series(f)).params["sigma"])
           for f in ("exports", "imports")}
    md = evaluate(path).to_markdown()
    assert (f"σ = {sig['exports']:.4f} a year for exports and {sig['imports']:.4f} for "
            "imports") in md
    assert 0.08 < sig["exports"] < 0.2 and sig["exports"] != sig["imports"]
    x = fused.series("exports")
    assert f"the {len(x)} exports figures of {', '.join(str(int(y)) for y in x.index)}" in md

    totals = ds.series("total")
    sigma = float(RandomWalk().fit(totals).params["sigma"])
    md = evaluate(path, ds).to_markdown()
    assert f"σ = {sigma:.4f} a year for exports and {sigma:.4f} for imports" in md
    years = ", ".join(str(int(y)) for y in totals.index)
    assert f"the {len(totals)} totals of {years}" in md
    # stated once, next to the scenarios, not again in the notes
    assert md.count(f"totals of {years}") == 2 and "## Notes" in md
    assert f"totals of {years}" not in md.split("## Notes")[1]
    assert md.endswith("\n") and not md.endswith("\n\n")
    given = write(tmp_path, GOOD + "\n[simulation]\nn_paths = 200\nsigma = 0.05\n", "g.toml")
    assert "σ = 0.0500 a year for exports and 0.0500 for imports, as given in the file" \
        in evaluate(given).to_markdown()
    none = write(tmp_path, GOOD, "n.toml")
    assert "σ =" not in evaluate(none).to_markdown()
