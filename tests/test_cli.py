from __future__ import annotations

import io
import json

import pandas as pd
from conftest import run_cli


def test_data_table():
    r = run_cli("data")
    assert r.returncode == 0, r.stderr
    assert "003_52f2d3f700705abe.txt:29" in r.stdout and "150B by 2030" in r.stdout


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
