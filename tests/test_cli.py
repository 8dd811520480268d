from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pandas as pd
import pytest
from conftest import run_cli


def test_data_table():
    r = run_cli("data", subprocess_=True)  # once as a user runs it: python -m tradepath
    assert r.returncode == 0, r.stderr
    assert "150B by 2030" in r.stdout
    # sources as the document's number and line, then each document's title and date
    assert "[4] line 29" in r.stdout and ".txt:29" not in r.stdout
    assert "[3] [Vietnam-Korea relations in figures" in r.stdout and "(7 Aug 2025)" in r.stdout


def test_data_csv_round_trips():
    r = run_cli("data", "--format", "csv")
    frame = pd.read_csv(io.StringIO(r.stdout))
    assert len(frame) == 18 and "source" in frame.columns


def test_check_json():
    r = run_cli("check", "--format", "json")
    rows = json.loads(r.stdout)
    assert any(row["status"] == "fail" and row["period"] == "2021-01/2021-05" for row in rows)


def test_bad_data_file_exit_1(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("period,flow,value_usd_bn\n2020,total,-3\n")
    r = run_cli("data", "--data", str(bad))
    assert r.returncode == 1
    assert r.stderr.startswith("tradepath: error:") and len(r.stderr.strip().splitlines()) == 1
    assert "line 2" in r.stderr and "Traceback" not in r.stderr


def test_usage_error_exit_2():
    r = run_cli("data", "--format", "xml")
    assert r.returncode == 2
    r = run_cli("nonsense")
    assert r.returncode == 2


def test_help_shows_examples():
    r = run_cli("--help")
    assert r.returncode == 0 and "examples:" in r.stdout


# -- assess, compare, scenario run, report ---------------------------------------------------
ROOT = Path(__file__).resolve().parents[1]


def one_line_error(r) -> str:
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1, r.stderr
    assert "Traceback" not in r.stderr
    return lines[0]


def bad_data_file(tmp_path: Path) -> Path:
    bad = tmp_path / "bad.csv"
    bad.write_text("period,flow,value_usd_bn\n2020,total,sixty\n")
    return bad


def test_assess_custom_target_json():
    r = run_cli("assess", "--target", "150", "--by", "2030", "--balance", "deficit_share:0.3",
                "--model", "random_walk", "--paths", "500", "--format", "json")
    assert r.returncode == 0, r.stderr
    rows = json.loads(r.stdout)
    assert len(rows) == 1 and rows[0]["target"] == "150B by 2030"
    assert rows[0]["condition"] == "deficit share of two-way trade ≤ 30.0%"
    assert rows[0]["model"] == "random_walk" and 0 <= rows[0]["probability"] <= 1


def test_assess_table_lists_every_target_with_its_finding():
    r = run_cli("assess", "--model", "random_walk", "--paths", "500")
    assert r.returncode == 0, r.stderr
    assert "20B by 2015: met in 2012" in r.stdout
    # The fused history (the default) answers the past target from data: Korea's 2022 and
    # 2023 figures, on Vietnam's basis, are below 100 bn.
    assert "100B by 2023 with deficit share < 43.9% (its 2021 level): missed" in r.stdout
    docs = run_cli("assess", "--model", "random_walk", "--paths", "500", "--dataset",
                   "documents")
    assert "100B by 2023 with deficit share < 38.2% (its 2023 level): unknown" in docs.stdout
    assert re.search(r"150B by 2030 .*: probability \d+% by 2030 \(combined\)\. Inside view .* "
                     r"On the paths of the random walk with drift", r.stdout)


def test_assess_simulates_as_far_as_the_report():
    from tradepath.report.content import HORIZON

    r = run_cli("assess", "--model", "random_walk", "--paths", "300", "--format", "json")
    assert r.returncode == 0, r.stderr
    rows = [x for x in json.loads(r.stdout) if x["status"] == "simulated"]
    assert rows and {x["horizon"] for x in rows} == {HORIZON}
    r = run_cli("assess", "--name", "150B by 2030", "--model", "random_walk", "--paths", "300",
                "--horizon", "2036", "--format", "json")
    assert {x["horizon"] for x in json.loads(r.stdout)} == {2036}


def test_assess_json_writes_years_after_the_horizon_in_words():
    r = run_cli("assess", "--name", "150B by 2030", "--model", "logistic", "--paths", "300",
                "--format", "json")
    row = json.loads(r.stdout)[0]
    assert row["crossing_upper_80"] == f"after {row['horizon']}"
    assert row["median_year"]  # the median with its Monte Carlo precision, in words


def test_assess_bad_arguments():
    r = run_cli("assess", "--target", "150")
    assert r.returncode == 2 and "--target needs --by" in one_line_error(r)
    r = run_cli("assess", "--paths", "0")
    assert r.returncode == 1
    assert one_line_error(r).startswith("tradepath: error: The 'n_paths' parameter of assess")


def test_debug_shows_the_traceback():
    r = run_cli("--debug", "assess", "--model", "oracle", subprocess_=True)
    assert r.returncode != 0 and "Traceback" in r.stderr and "Unknown model 'oracle'" in r.stderr


def test_compare_csv():
    r = run_cli("compare", "--name", "150B by 2030", "--paths", "300", "--format", "csv")
    assert r.returncode == 0, r.stderr
    frame = pd.read_csv(io.StringIO(r.stdout))
    from tradepath.models import MODELS

    assert frame["model"].tolist() == list(MODELS)
    assert set(frame["status"]) <= {"simulated", "refused"}
    # On the fused history (the default) every model may fit: no refusal, no message.
    assert frame.loc[frame["status"] == "refused", "message"].astype(str).str.len().gt(0).all()


def test_compare_bad_data(tmp_path):
    r = run_cli("compare", "--data", str(bad_data_file(tmp_path)))
    assert r.returncode == 1 and "line 2" in one_line_error(r)


def test_scenario_run_writes_results(tmp_path):
    out = tmp_path / "results"
    r = run_cli("scenario", "run", str(ROOT / "examples" / "when_is_150b_reached.toml"),
                "--out", str(out))
    assert r.returncode == 0, r.stderr
    assert (out / "summary.md").is_file() and str(out) in r.stdout


def test_scenario_run_bad_file_writes_nothing(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('[[scenario]]\nname = "x"\nexports = { growth = "fast" }\n')
    out = tmp_path / "results"
    r = run_cli("scenario", "run", str(bad), "--out", str(out))
    assert r.returncode == 1
    assert one_line_error(r).startswith("tradepath: error: ") and "bad.toml" in r.stderr
    assert not out.exists()


@pytest.mark.slow
def test_report_writes_the_pdf(tmp_path):
    out = tmp_path / "rep"
    r = run_cli("report", "--out", str(out), "--model", "random_walk", "--paths", "300",
                "--format", "pdf", "--name", "150B by 2030")
    assert r.returncode == 0, r.stderr
    meta = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert (out / "report.pdf").is_file() and not list(out.glob("*.png"))
    assert f"report.pdf has {meta['page_count']} pages" in r.stdout
    assert meta["pages"][0] == "Vietnam–Korea trade targets: if and when"
    # The answer of page 1, one sentence per target, from the fused history.
    assert ("150B by 2030 (deficit below its level when the target was set, 42.0 % of trade "
            "in 2022): ") in r.stdout
    assert " chance by 2030." in r.stdout


def test_report_bad_arguments_write_nothing(tmp_path):
    out = tmp_path / "rep"
    for args, code in ((("--format", "pdf,docx"), 2), (("--balance", "fair"), 1)):
        r = run_cli("report", "--out", str(out), *args)
        assert r.returncode == code, (args, r.stderr)
        one_line_error(r)
        assert not out.exists(), args
    assert list(tmp_path.iterdir()) == []


def test_report_bad_data_file_writes_nothing(tmp_path):
    out = tmp_path / "rep"
    r = run_cli("report", "--out", str(out), "--data", str(bad_data_file(tmp_path)))
    assert r.returncode == 1
    line = one_line_error(r)
    assert line.startswith("tradepath: error:") and "bad.csv" in line and "line 2" in line
    assert not out.exists()


def test_report_refuses_a_directory_of_other_files(tmp_path):
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("keep")
    r = run_cli("report", "--out", str(out), "--paths", "10")
    assert r.returncode == 1 and "not written by tradepath" in one_line_error(r)
    assert [p.name for p in out.iterdir()] == ["notes.txt"]


@pytest.mark.parametrize("cmd", [[], ["data"], ["check"], ["assess"], ["compare"],
                                 ["scenario"], ["scenario", "run"], ["report"]])
def test_every_help_is_complete_with_examples(cmd, capsys):
    from tradepath.cli import main

    with pytest.raises(SystemExit) as exc:
        main([*cmd, "--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    assert re.search(r"^examples?:", out, re.M), out
    assert "tradepath " + (" ".join(cmd[:1]) if cmd else "") in out
    if cmd in (["assess"], ["compare"], ["report"]):
        for opt in ("--target", "--by", "--balance", "--paths", "--seed", "--data", "--format"):
            assert opt in out
    if cmd == ["report"]:
        for opt in ("--out", "--model", "--name"):
            assert opt in out


def test_usage_errors_are_one_line(capsys):
    from tradepath.cli import main

    for argv in (["report", "--by", "2030"], ["report", "--target", "150"],
                 ["assess", "--paths", "many"], ["scenario"], ["scenario", "run", "--out", "x"],
                 ["compare", "--name", "150B by 2030", "--target", "150", "--by", "2030"]):
        with pytest.raises(SystemExit) as exc:
            main(argv)
        assert exc.value.code == 2
        err = capsys.readouterr().err
        assert len(err.strip().splitlines()) == 1 and "error:" in err, err


def test_compare_table_shows_the_headline_beside_the_model_and_the_record():
    r = run_cli("compare", "--name", "150B by 2030", "--paths", "300")
    assert r.returncode == 0, r.stderr
    header = r.stdout.splitlines()[0]
    assert header.split()[:4] == ["target", "model", "status", "chance"]
    assert "chance model alone record model weight" in " ".join(header.split())
