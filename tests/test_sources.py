"""The IMF and UN Comtrade sources, their cache and the dashboard, without the network.

The network is replaced at its boundary: :func:`tradepath.sources._http.http_get` for the IMF
and ``urllib3.PoolManager.request`` (what ``comtradeapicall`` calls) for UN Comtrade. They
answer with the recorded responses in ``tests/data/sources`` (written by its
``build_recorded.py`` from the shipped data, in the sources' documented formats).
"""

from __future__ import annotations

import json
import urllib.error
import warnings
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

import tradepath as tp
import tradepath.sources as src
from tradepath.data.countries import COUNTRIES, country
from tradepath.errors import SourceError, TradepathWarning, UnknownNameError
from tradepath.sources import _http

urllib3 = pytest.importorskip("urllib3")
pytest.importorskip("sdmx")
pytest.importorskip("comtradeapicall")

RECORDED = Path(__file__).parent / "data" / "sources"


def replay_imf(url: str, params: dict[str, str], headers: dict[str, str] | None = None) -> str:
    """The IMF's answer to ``url``: the recorded message named by the request's key."""
    return (RECORDED / f"imf-{url.rsplit('/', 1)[1]}.xml").read_text(encoding="utf-8")


class _Response:
    def __init__(self, status: int, body: str) -> None:
        self.status, self.data = status, body.encode("utf-8")


class ComtradeServer:
    """Stands for UN Comtrade behind ``urllib3``: the recorded answer for the reporter and
    partner, cut to the periods asked (as the service does); or scripted failures first."""

    def __init__(self, failures: list[_Response | Exception] | None = None) -> None:
        self.failures = list(failures or [])
        self.calls: list[dict[str, str]] = []

    def __call__(self, pool, method, url, fields=None, timeout=None, **kwargs):
        self.calls.append(dict(fields or {}, url=url))
        if self.failures:
            f = self.failures.pop(0)
            if isinstance(f, Exception):
                raise f
            return f
        name = RECORDED / f"comtrade-{fields['reportercode']}-{fields['partnerCode']}.json"
        doc = json.loads(name.read_text(encoding="utf-8"))
        periods = set(fields["period"].split(","))
        doc["data"] = [d for d in doc["data"] if d["period"] in periods]
        doc["count"] = len(doc["data"])
        return _Response(200, json.dumps(doc))


@pytest.fixture
def imf(monkeypatch):
    monkeypatch.setattr(_http, "http_get", replay_imf)


@pytest.fixture
def comtrade(monkeypatch):
    server = ComtradeServer()
    monkeypatch.setattr(urllib3.PoolManager, "request",
                        lambda pool, *args, **kwargs: server(pool, *args, **kwargs))
    monkeypatch.delenv("COMTRADE_API_KEY", raising=False)
    return server


def _fetch(source: str, cache_dir: Path, **kwargs) -> tp.Dataset:
    return src.fetch(source, "VNM", "KOR", cache_dir=cache_dir, **kwargs)


# -- the shipped official series ------------------------------------------------------------


@pytest.mark.parametrize("source", ["imf", "comtrade"])
@pytest.mark.parametrize("reporter", ["VN", "KR"])
def test_fetched_totals_agree_with_the_shipped_official_series(source, reporter, imf, comtrade,
                                                                tmp_path):
    fetched = _fetch(source, tmp_path).annual(reporter)["total"].dropna()
    official = tp.load_dataset("official").annual(reporter)["total"].dropna()
    years = fetched.index.intersection(official.index)
    assert len(years) >= 6
    # Totals are exports + imports of the fetched figures; the official file states its totals
    # separately, rounded to 0.1 bn in places.
    assert_allclose(fetched[years], official[years], rtol=0.005, atol=0.05)


def test_both_sdmx_formats_and_comtrade_give_the_same_figures(imf, comtrade, tmp_path):
    a = _fetch("imf", tmp_path / "a").observations
    b = _fetch("comtrade", tmp_path / "b").observations
    key = ["period", "flow", "reporter"]
    both = a.merge(b, on=key, suffixes=("_imf", "_comtrade"))
    assert len(both) == len(a) == len(b) > 20
    assert_allclose(both["value_usd_bn_imf"], both["value_usd_bn_comtrade"], rtol=1e-9)
    # Vietnam's side comes from a generic message in US$ millions (UNIT_MULT 6), Korea's from
    # a structure-specific one in dollars: both read to the shipped stated figures.
    off = tp.load_dataset("official")
    for rep in ("VN", "KR"):
        mine = a[(a["reporter"] == rep) & (a["flow"] == "exports")]
        stated = off.annual(rep)["exports"].dropna()
        assert_allclose(mine["value_usd_bn"].to_numpy(),
                        stated[mine["period"].astype(int)].to_numpy(), rtol=1e-12)


def test_generic_and_structure_specific_messages_read_alike():
    from tradepath.sources.imf import read_imts

    generic = read_imts((RECORDED / "imf-VNM.XG_FOB_USD+MG_CIF_USD.KOR.A.xml").read_text())
    ss = read_imts((RECORDED / "imf-KOR.XG_FOB_USD+MG_CIF_USD.VNM.A.xml").read_text())
    assert {r["basis"] for r in generic} == {r["basis"] for r in ss} == {"FOB", "CIF"}
    assert {r["reporter"] for r in generic} == {"VNM"} and {r["reporter"] for r in ss} == {"KOR"}
    assert all(r["value_usd"] > 1e8 for r in generic + ss)


# -- provenance and the Dataset -------------------------------------------------------------


def test_every_row_carries_source_query_time_and_basis(imf, tmp_path):
    ds = src.fetch_imf("VNM", "KOR", cache_dir=tmp_path)
    table = src.provenance(ds)
    assert list(table.columns) == list(src.FETCH_COLUMNS)
    assert len(table) == len(ds.observations[ds.observations["dataset"] == "imf"])
    assert set(table["basis"]) == {"FOB", "CIF"}
    vn = table[table["reporter"] == "VN"]
    kr = table[table["reporter"] == "KR"]
    # The pair's exports are Vietnam's exports (FOB) on its statistics, Korea's imports (CIF)
    # on Korea's.
    assert set(vn.loc[vn["flow"] == "exports", "basis"]) == {"FOB"}
    assert set(kr.loc[kr["flow"] == "exports", "basis"]) == {"CIF"}
    assert table["query"].str.startswith("IMF.STA:IMTS/").all()
    assert (table["url"].str.contains("/data/IMF.STA,IMTS/VNM.XG_FOB_USD+MG_CIF_USD.KOR.A",
                                      regex=False) == (table["reporter"] == "VN")).all()
    when = pd.to_datetime(table["retrieved"])
    assert (abs(when - pd.Timestamp.now(tz="UTC")) < pd.Timedelta(hours=1)).all()
    obs = ds.observations
    assert set(obs["dataset"]) == {"imf"} and set(obs["kind"]) == {"reported"}
    assert obs["note"].str.contains(r"valued (?:FOB|CIF); imf query IMF\.STA:IMTS/").all()
    assert obs["note"].str.contains("retrieved").all()
    assert (obs["release"] == table["retrieved"].str[:7]).all()


def test_the_fetched_dataset_merges_with_the_official_series(imf, tmp_path):
    fetched = src.fetch_imf("VNM", "KOR", cache_dir=tmp_path)
    both = tp.load_dataset("official").merge(fetched)
    assert {"official", "imf"} <= set(both.observations["dataset"])
    checks = both.check()
    gaps = checks[(checks["check"] == "alternative figures for one period and basis")
                  & checks["detail"].str.contains("imf")]
    # The fetched figures are the preferred ones now (the latest release); every official
    # outturn agrees with them, only the official file's old forecasts do not.
    outturns = gaps[~gaps["detail"].str.contains("forecast|estimate")]
    assert len(outturns) >= 3 and (outturns["status"] == "pass").all()
    assert (gaps["detail"].str.contains("preferred [-0-9.]+ \\(reported, imf")).all()
    out = fetched.to_csv(tmp_path / "vn_kr.csv")
    back = tp.Dataset.from_csv(out)
    pd.testing.assert_frame_equal(back.annual("KR"), fetched.annual("KR"))
    pd.testing.assert_frame_equal(src.provenance(back), src.provenance(fetched))
    # In the merged dataset only the fetched rows have a fetch's provenance.
    assert len(src.provenance(both)) == len(fetched.observations[
        fetched.observations["dataset"] == "imf"])


def test_another_pair_is_a_dataset_on_its_own_reporters(imf, tmp_path):
    ds = src.fetch_imf("CHN", "RUS", cache_dir=tmp_path)
    assert ds.pairs == ("CHN-RUS",)
    assert set(ds.observations["reporter"]) == {"CN"}
    assert ds.annual("CN")["total"].notna().sum() >= 6
    with pytest.raises(tp.DataError, match="pass reporter='CN'"):
        ds.annual("VN")
    # A pair of codes admits its own countries only.
    frame = pd.DataFrame({"pair": ["VNM-KOR"], "period": ["2024"], "flow": ["total"],
                          "value_usd_bn": [1.0], "reporter": ["CN"]})
    with pytest.raises(tp.DataError, match="unknown reporter 'CN'"):
        tp.Dataset.from_frame(frame)


# -- the cache --------------------------------------------------------------------------------


def test_cache_folder_follows_xdg_cache_home(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert src.default_cache_dir() == tmp_path / "tradepath" / "sources"
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert src.default_cache_dir() == Path.home() / ".cache" / "tradepath" / "sources"


def test_offline_answers_from_the_cache_and_says_how_old(monkeypatch, tmp_path):
    monkeypatch.setattr(_http, "http_get", replay_imf)
    online = src.fetch_imf("VNM", "KOR", cache_dir=tmp_path)
    cache = src.ResponseCache(tmp_path)
    assert len(cache.entries()) == 2  # one request per reporter

    # Age the entries by three days, then cut the network.
    for p in cache.entries():
        doc = json.loads(p.read_text())
        doc["retrieved"] = (datetime.fromisoformat(doc["retrieved"])
                            - timedelta(days=3)).isoformat()
        p.write_text(json.dumps(doc))

    def no_network(*args, **kwargs):
        raise urllib.error.URLError("no route to host")

    monkeypatch.setattr(_http, "http_get", no_network)
    with pytest.warns(TradepathWarning, match=r"answered from the cache.*\(3 days old\)"):
        offline = src.fetch_imf("VNM", "KOR", cache_dir=tmp_path, offline=True)
    pd.testing.assert_frame_equal(offline.annual("VN"), online.annual("VN"))
    assert offline.observations["note"].str.contains("from the cache").all()
    assert src.provenance(offline)["from_cache"].all()
    assert not src.provenance(online)["from_cache"].any()
    # Online, an entry older than max_age is asked again: here the network is down.
    with pytest.raises(SourceError, match="imf: cannot reach the source") as info:
        src.fetch_imf("VNM", "KOR", cache_dir=tmp_path)
    assert "offline=True" in str(info.value) and "\n" not in str(info.value)
    # A fresh enough entry needs no network.
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        src.fetch_imf("VNM", "KOR", cache_dir=tmp_path, max_age=timedelta(days=4))


def test_offline_without_a_cached_answer_says_what_to_do(tmp_path):
    with pytest.raises(SourceError, match=r"imf: no cached response for VNM's trade with KOR"
                       r".*fetch it once online"):
        src.fetch_imf("VNM", "KOR", cache_dir=tmp_path, offline=True)


def test_cache_writes_atomically_and_clears_only_its_own_files(imf, tmp_path):
    src.fetch_imf("VNM", "KOR", cache_dir=tmp_path)
    (tmp_path / "mine.json").write_text('{"keep": true}')
    (tmp_path / "response-imf-forged.json").write_text('{"mark": "other"}')
    assert not list(tmp_path.glob(".*tmp*"))  # no temporary file left
    cache = src.ResponseCache(tmp_path)
    assert cache.clear() == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mine.json", "response-imf-forged.json"]


def test_the_comtrade_key_never_enters_the_cache(comtrade, tmp_path):
    src.fetch_comtrade("VNM", "KOR", years="2020-2025", key="secret-key", cache_dir=tmp_path)
    assert all(c["subscription-key"] == "secret-key" for c in comtrade.calls)
    assert all("/data/v1/get/" in c["url"] for c in comtrade.calls)
    for p in tmp_path.iterdir():
        assert "secret-key" not in p.read_text()


# -- failures: rate limits, no network, keys, codes ----------------------------------------


def test_http_429_is_retried_with_backoff_then_answered(monkeypatch, tmp_path):
    answers: list[object] = [_http.HTTPStatus(429, "Too Many Requests")] * 2
    waits: list[float] = []

    def flaky(url, params, headers=None):
        if answers:
            raise answers.pop()
        return replay_imf(url, params)

    monkeypatch.setattr(_http, "http_get", flaky)
    ds = src.fetch_imf("VNM", "KOR", cache_dir=tmp_path, sleep=waits.append)
    assert waits == [2.0, 4.0]
    assert ds.annual("VN")["total"].notna().sum() >= 6


def test_no_results_on_one_side_is_an_empty_side_and_on_both_an_error(monkeypatch, tmp_path):
    def only_vietnam(url, params, headers=None):
        if "/VNM." in url:
            return replay_imf(url, params)
        raise _http.HTTPStatus(404, "NoResultsFound")

    monkeypatch.setattr(_http, "http_get", only_vietnam)
    ds = src.fetch_imf("VNM", "KOR", cache_dir=tmp_path)
    assert set(ds.observations["reporter"]) == {"VN"}

    def nothing(url, params, headers=None):
        raise _http.HTTPStatus(404, "NoResultsFound")

    monkeypatch.setattr(_http, "http_get", nothing)
    with pytest.raises(SourceError, match=r"imf: no figures for VNM-JPN in 2000-2001"):
        src.fetch_imf("VNM", "JPN", years="2000-2001", cache_dir=tmp_path)


@pytest.mark.parametrize(
    ("answer", "pattern"),
    [
        (_http.HTTPStatus(500, "<html>\n Internal Server Error\n</html>"),
         r"imf: HTTP 500 for VNM's trade with KOR.*Internal Server Error.*try again later"),
        ("<html><body>Service unavailable</body></html>",
         r"imf: the answer is not an SDMX-ML data message"),
    ],
)
def test_an_answer_that_is_not_data_is_one_error(monkeypatch, tmp_path, answer, pattern):
    def serve(url, params, headers=None):
        if isinstance(answer, Exception):
            raise answer
        return answer

    monkeypatch.setattr(_http, "http_get", serve)
    with pytest.raises(SourceError, match=pattern) as info:
        src.fetch_imf("VNM", "KOR", cache_dir=tmp_path)
    assert "\n" not in str(info.value)
    assert src.ResponseCache(tmp_path).entries() == []  # nothing cached


def test_http_429_for_ever_is_refused_in_one_line(monkeypatch, tmp_path):
    waits: list[float] = []

    def limited(url, params, headers=None):
        raise _http.HTTPStatus(429, "Too Many Requests")

    monkeypatch.setattr(_http, "http_get", limited)
    with pytest.raises(SourceError, match=r"^imf: rate limit \(HTTP 429\) for VNM's trade") as e:
        src.fetch_imf("VNM", "KOR", cache_dir=tmp_path, sleep=waits.append)
    assert waits == [2.0, 4.0, 8.0, 16.0] and "\n" not in str(e.value)


def test_comtrade_rate_limit_printed_by_its_client_is_retried(comtrade, tmp_path, capsys):
    body = '{"statusCode": 429, "message": "Rate limit is exceeded. Try again in 1 seconds."}'
    comtrade.failures = [_Response(429, body)]
    waits: list[float] = []
    ds = src.fetch_comtrade("VNM", "KOR", years="2014-2025", cache_dir=tmp_path,
                            sleep=waits.append)
    assert waits == [2.0]
    assert ds.annual("KR")["total"].notna().sum() >= 6
    assert capsys.readouterr().out == ""  # what comtradeapicall printed was read, not shown


@pytest.mark.parametrize(
    ("failure", "pattern"),
    [
        (urllib3.exceptions.MaxRetryError(None, "/", "Name or service not known"),
         r"comtrade: cannot reach UN Comtrade for VNM \(Comtrade 704\) with KOR \(Comtrade 410\)"
         r".*offline=True"),
        (_Response(401, '{"statusCode": 401, "message": "Access denied due to invalid '
                        'subscription key."}'),
         r"comtrade: the key was refused .*COMTRADE_API_KEY"),
        (_Response(400, '{"error": "bad period"}'),
         r"comtrade: no data for .* UN Comtrade said: .*bad period"),
    ],
)
def test_comtrade_client_errors_become_one_tradepath_error(comtrade, tmp_path, failure,
                                                           pattern):
    comtrade.failures = [failure]
    with pytest.raises(SourceError, match=pattern) as info:
        src.fetch_comtrade("VNM", "KOR", years="2014-2025", key="k", cache_dir=tmp_path)
    assert "\n" not in str(info.value)


def test_a_truncated_preview_asks_for_a_key(comtrade, tmp_path):
    row = json.loads((RECORDED / "comtrade-704-410.json").read_text())["data"][0]
    doc = {"elapsedTime": "1 secs", "count": 500, "data": [row] * 500, "error": ""}
    comtrade.failures = [_Response(200, json.dumps(doc))]
    with pytest.raises(SourceError, match=r"preview without a key stops at 500 rows.*"
                       r"COMTRADE_API_KEY"):
        src.fetch_comtrade("VNM", "KOR", years="2014-2025", cache_dir=tmp_path)


@pytest.mark.parametrize("source", ["imf", "comtrade"])
def test_unknown_country_codes_name_the_source(source, tmp_path):
    with pytest.raises(UnknownNameError, match=f"unknown {source} reporter 'XYZ'"):
        src.fetch(source, "XYZ", "KOR", cache_dir=tmp_path)
    with pytest.raises(UnknownNameError, match=f"unknown {source} partner 'Atlantis'"):
        src.fetch(source, "VNM", "Atlantis", cache_dir=tmp_path)


@pytest.mark.parametrize("years", ["2025-1992", "abc", "1800-1900", (2020,)])
def test_bad_years_are_refused(years, tmp_path):
    with pytest.raises(tp.ParameterError, match="years"):
        src.fetch_imf("VNM", "KOR", years=years, cache_dir=tmp_path)


# -- country codes ----------------------------------------------------------------------------


def test_comtrade_codes_are_not_m49_where_comtrade_differs():
    assert country("USA").comtrade == 842 and country("IND").comtrade == 699
    assert country("FRA").comtrade == 251 and country("CHE").comtrade == 757
    assert country("VNM").comtrade == 704 and country("KOR").comtrade == 410
    codes = [c.comtrade for c in COUNTRIES.values()]
    assert len(codes) == len(set(codes))


def test_every_country_of_the_reference_pairs_has_codes():
    names = set()
    for pair in tp.reference_targets()["pair"]:
        names |= set(pair.split("-"))
    series = tp.reference_series()
    names |= {n for p in series["pair"] for n in p.split("-")}
    groups = {"ASEAN"}  # a group of countries, not a reporter
    for name in sorted(names - groups):
        c = country(name)
        assert len(c.iso3) == 3 and len(c.iso2) == 2 and c.comtrade > 0


# -- monthly ---------------------------------------------------------------------------------


def test_monthly_periods_read_as_one_month_periods():
    from tradepath.sources.imf import _period

    assert _period("2024-03", "M") == "2024-03/2024-03"
    assert _period("2024-M11", "M") == "2024-11/2024-11"
    assert _period("2024", "M") is None and _period("2024-03", "A") is None
    assert _period("2024", "A") == "2024"


def test_monthly_figures_come_as_one_month_periods(monkeypatch, tmp_path):
    """A monthly message (the recorded annual figures of 2024 spread over its months, in the
    IMF portal's ``2024-M01`` form) reads as twelve one-month periods per flow, which the
    annual views leave out and which add up to the year."""
    annual = src.provenance(_fetch_recorded_imf(monkeypatch, tmp_path))
    year = annual[(annual["period"] == "2024") & (annual["reporter"] == "KR")]
    series = []
    for r in year.itertuples():
        indicator = "MG_CIF_USD" if r.basis == "CIF" else "XG_FOB_USD"
        value = r.value_usd_bn * 1e9 / 12
        obs = "".join(f'<Obs TIME_PERIOD="2024-M{m:02d}" OBS_VALUE="{value!r}"/>'
                      for m in range(1, 13))
        series.append(f'<Series COUNTRY="KOR" INDICATOR="{indicator}" '
                      f'COUNTERPART_COUNTRY="VNM" FREQUENCY="M">{obs}</Series>')
    text = (RECORDED / "imf-KOR.XG_FOB_USD+MG_CIF_USD.VNM.A.xml").read_text()
    head, rest = text.split("action=\"Replace\">", 1)
    tail = rest[rest.index("</message:DataSet>"):]
    monthly = head + "action=\"Replace\">" + "".join(series) + tail
    empty = (RECORDED / "imf-RUS.XG_FOB_USD+MG_CIF_USD.CHN.A.xml").read_text()
    monkeypatch.setattr(_http, "http_get",
                        lambda url, params, headers=None: monthly if "KOR.XG" in url else empty)
    ds = src.fetch_imf("VNM", "KOR", years="2024-2024", frequency="M", cache_dir=tmp_path / "m")
    obs = ds.observations
    assert set(obs["period"]) == {f"2024-{m:02d}/2024-{m:02d}" for m in range(1, 13)}
    assert_allclose(obs.groupby("flow")["value_usd_bn"].sum().sort_index(),
                    year.set_index("flow")["value_usd_bn"].sort_index(), rtol=1e-12)
    with pytest.raises(tp.DataError, match="whole years"):
        ds.annual("KR")


def _fetch_recorded_imf(monkeypatch, tmp_path):
    monkeypatch.setattr(_http, "http_get", replay_imf)
    return src.fetch_imf("VNM", "KOR", cache_dir=tmp_path / "a")


# -- the dashboard ----------------------------------------------------------------------------


@pytest.fixture
def three_pairs():
    t = tp.reference_targets()
    return t[t["pair"].isin(["Korea-Vietnam", "China-Russia", "Japan-Vietnam"])]


def test_dashboard_of_three_pairs(imf, tmp_path, three_pairs):
    frame = src.dashboard(three_pairs, fetch_kwargs={"cache_dir": tmp_path}, n_paths=500)
    assert list(frame.columns) == list(src.DASHBOARD_COLUMNS)
    assert len(frame) == len(three_pairs)
    assert (frame["error"] == "").all()
    assert set(frame["pair"]) == {"Korea-Vietnam", "China-Russia", "Japan-Vietnam"}
    simulated = frame[frame["status"] == "simulated"]
    assert len(simulated) >= 2
    for col in ("headline", "model_alone", "record"):
        assert simulated[col].between(0, 1).all()
    answered = frame[frame["status"].isin(["met", "missed"])]
    assert (answered["headline"] == (answered["status"] == "met")).all()
    assert (frame["first_year"] < frame["last_year"]).all()
    # Same seed, same numbers.
    again = src.dashboard(three_pairs, fetch_kwargs={"cache_dir": tmp_path}, n_paths=500)
    pd.testing.assert_frame_equal(frame, again)


def test_dashboard_takes_given_datasets_and_reports_unfetchable_pairs(imf, tmp_path):
    targets = pd.DataFrame({"pair": ["Korea-Vietnam", "Korea-ASEAN"],
                            "target_usd_bn": [150.0, 200.0], "deadline": [2030, 2030]})
    given = {"VNM-KOR": tp.load_dataset("official")}
    frame = src.dashboard(targets, ds=given, n_paths=300,
                          fetch_kwargs={"cache_dir": tmp_path, "offline": True})
    ok, bad = frame.iloc[0], frame.iloc[1]
    assert ok["status"] == "simulated" and ok["dataset_pair"] == "VNM-KOR"
    assert ok["last_year"] == 2025
    assert bad["status"] == "error" and "unknown country 'ASEAN'" in bad["error"]
    assert np.isnan(bad["headline"])


def test_dashboard_reads_the_users_targets_csv(imf, tmp_path):
    path = tmp_path / "targets.csv"
    path.write_text("pair,target_usd_bn,deadline\nVNM-JPN,60,2030\nCHN-RUS,300,2030\n")
    frame = src.dashboard(path, fetch_kwargs={"cache_dir": tmp_path}, n_paths=300)
    assert list(frame["dataset_pair"]) == ["VNM-JPN", "CHN-RUS"]
    assert list(frame["status"]) == ["simulated", "simulated"]
    assert list(frame["outcome"]) == ["", ""]
    (tmp_path / "bad.csv").write_text("pair,value\nVNM-JPN,60\n")
    with pytest.raises(tp.DataError, match="target_usd_bn"):
        src.dashboard(tmp_path / "bad.csv")


def test_dashboard_figure(imf, tmp_path, three_pairs):
    import matplotlib

    matplotlib.use("Agg")
    frame = src.dashboard(three_pairs, fetch_kwargs={"cache_dir": tmp_path}, n_paths=300)
    ax = src.plot_dashboard(frame)
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert len(labels) == len(frame)
    assert any("Korea-Vietnam: 150 bn by 2030" in t for t in labels)
    with pytest.raises(tp.DataError, match="dashboard"):
        src.plot_dashboard(frame.drop(columns=["headline"]))


# -- the command line -------------------------------------------------------------------------


def test_cli_data_fetch_writes_a_csv_and_works_offline(imf, tmp_path, capsys):
    from tradepath.cli import main

    out = tmp_path / "vn_kr.csv"
    args = ["data", "fetch", "--source", "imf", "--reporter", "VNM", "--partner", "KOR",
            "--years", "2000-2025", "--out", str(out), "--cache-dir", str(tmp_path / "c")]
    assert main(args) == 0
    assert "wrote" in capsys.readouterr().err
    ds = tp.Dataset.from_csv(out)
    assert set(ds.observations["reporter"]) == {"VN", "KR"}
    assert main([*args, "--offline", "--overwrite"]) == 0
    assert "answered from the cache" in capsys.readouterr().err
    assert main([*args[:-4], "--out", str(tmp_path / "x.csv"), "--offline",
                 "--cache-dir", str(tmp_path / "empty")]) == 1
    err = capsys.readouterr().err
    assert err.startswith("tradepath: error: imf: no cached response") and err.count("\n") == 1


def test_cli_data_without_fetch_is_unchanged(capsys):
    from tradepath.cli import main

    assert main(["data", "--format", "csv"]) == 0
    assert capsys.readouterr().out.startswith("pair,period,flow")


def test_import_tradepath_loads_no_client():
    import subprocess
    import sys

    code = ("import sys, tradepath, tradepath.sources; "
            "print(any(m in sys.modules for m in ('sdmx', 'comtradeapicall')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "False"


def test_cache_age_in_words():
    now = datetime(2026, 12, 7, 12, tzinfo=UTC)
    r = src.CachedResponse("imf", {}, "u", "", now - timedelta(hours=5, minutes=3), True)
    assert r.age(now) == "5 hours"
    assert r.age(now + timedelta(days=1)) == "1 day"
