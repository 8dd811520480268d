"""Write the recorded responses of tests/test_sources.py and docs/sources.md.

The IMF's SDMX-ML data messages (one generic, the others structure-specific) and UN Comtrade's
JSON answers, in their documented layouts, with values taken from the shipped data:

- Vietnam–Korea: every stated annual export and import figure of ``data/official.csv``
  (the preferred one per year, flow and basis), on Vietnam's and on Korea's statistics;
- China–Russia (China's statistics) and Vietnam–Japan (Vietnam's): the calendar-year totals of
  ``data/reference_series.csv``, which has no split, halved into exports and imports (only the
  totals mean anything).

Run ``python tests/data/sources/build_recorded.py`` after the shipped files change.
"""

from __future__ import annotations

import json
from pathlib import Path

import tradepath as tp
from tradepath.data.countries import country
from tradepath.reference import reference_series

HERE = Path(__file__).resolve().parent
NS = ('xmlns:message="http://www.sdmx.org/resources/sdmxml/schemas/v2_1/message" '
      'xmlns:common="http://www.sdmx.org/resources/sdmxml/schemas/v2_1/common" '
      'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"')
PREPARED = "2026-12-07T09:00:00Z"
IND = {"exports": "XG_FOB_USD", "imports": "MG_CIF_USD"}
COMTRADE = {"VNM": (704, "Viet Nam"), "KOR": (410, "Rep. of Korea")}


def generic(country: str, partner: str, series: dict[str, dict[int, float]]) -> str:
    """A GenericData message; values in US$ millions (UNIT_MULT 6)."""
    out = [f'<?xml version="1.0" encoding="UTF-8"?>\n<message:GenericData {NS} '
           'xmlns:generic="http://www.sdmx.org/resources/sdmxml/schemas/v2_1/data/generic">',
           "  <message:Header>\n    <message:ID>IMTS-generic</message:ID>\n"
           f"    <message:Test>false</message:Test>\n    <message:Prepared>{PREPARED}"
           '</message:Prepared>\n    <message:Sender id="IMF"/>\n'
           '    <message:Structure structureID="IMF.STA_IMTS" '
           'dimensionAtObservation="TIME_PERIOD">\n'
           '      <common:StructureUsage><Ref agencyID="IMF.STA" id="IMTS" version="1.0.0"/>'
           "</common:StructureUsage>\n    </message:Structure>\n  </message:Header>",
           '  <message:DataSet structureRef="IMF.STA_IMTS">']
    for indicator, values in series.items():
        out.append("    <generic:Series>\n      <generic:SeriesKey>")
        for k, v in (("COUNTRY", country), ("INDICATOR", indicator),
                     ("COUNTERPART_COUNTRY", partner), ("FREQUENCY", "A")):
            out.append(f'        <generic:Value id="{k}" value="{v}"/>')
        out.append('      </generic:SeriesKey>\n      <generic:Attributes>\n'
                   '        <generic:Value id="UNIT_MULT" value="6"/>\n'
                   '      </generic:Attributes>')
        for year, v in sorted(values.items()):
            out.append(f'      <generic:Obs>\n        <generic:ObsDimension value="{year}"/>\n'
                       f'        <generic:ObsValue value="{v * 1e3:.10g}"/>\n'
                       "      </generic:Obs>")
        out.append("    </generic:Series>")
    out.append("  </message:DataSet>\n</message:GenericData>\n")
    return "\n".join(out)


def structure_specific(country: str, partner: str, series: dict[str, dict[int, float]]) -> str:
    """A StructureSpecificData message as the IMF's data portal writes it; values in US$."""
    urn = ("urn:sdmx:org.sdmx.infomodel.datastructure.Dataflow=IMF.STA:IMTS(1.0.0)"
           ":ObsLevelDim:TIME_PERIOD")
    out = [f'<?xml version="1.0" encoding="UTF-8"?>\n<message:StructureSpecificData {NS} '
           'xmlns:ss="http://www.sdmx.org/resources/sdmxml/schemas/v2_1/data/structurespecific" '
           f'xmlns:ns1="{urn}">',
           "  <message:Header>\n    <message:ID>IMTS-structure-specific</message:ID>\n"
           f"    <message:Test>false</message:Test>\n    <message:Prepared>{PREPARED}"
           '</message:Prepared>\n    <message:Sender id="iData"/>\n'
           f'    <message:Structure structureID="IMF.STA_IMTS_1_0_0" namespace="{urn}" '
           'dimensionAtObservation="TIME_PERIOD">\n'
           '      <common:StructureUsage><Ref agencyID="IMF.STA" id="IMTS" version="1.0.0"/>'
           "</common:StructureUsage>\n    </message:Structure>\n  </message:Header>",
           '  <message:DataSet ss:dataScope="DataStructure" xsi:type="ns1:DataSetType" '
           'ss:structureRef="IMF.STA_IMTS_1_0_0" action="Replace">']
    for indicator, values in series.items():
        out.append(f'    <Series COUNTRY="{country}" INDICATOR="{indicator}" '
                   f'COUNTERPART_COUNTRY="{partner}" FREQUENCY="A">')
        for year, v in sorted(values.items()):
            out.append(f'      <Obs TIME_PERIOD="{year}" OBS_VALUE="{v * 1e9:.10g}"/>')
        out.append("    </Series>")
    out.append("  </message:DataSet>\n</message:StructureSpecificData>\n")
    return "\n".join(out)


def comtrade(reporter: str, partner: str, flows: dict[str, dict[int, float]]) -> str:
    """UN Comtrade's answer: ``{elapsedTime, count, data, error}``, documented columns."""
    rc, rdesc = COMTRADE[reporter]
    pc, pdesc = COMTRADE[partner]
    data = []
    for code, values in flows.items():
        for year, v in sorted(values.items()):
            usd = round(v * 1e9)
            data.append({
                "typeCode": "C", "freqCode": "A", "refPeriodId": int(f"{year}0101"),
                "refYear": year, "refMonth": 52, "period": str(year), "reporterCode": rc,
                "reporterISO": reporter, "reporterDesc": rdesc,
                "flowCode": code, "flowDesc": "Export" if code == "X" else "Import",
                "partnerCode": pc, "partnerISO": partner, "partnerDesc": pdesc,
                "partner2Code": 0, "partner2ISO": "W00", "partner2Desc": "World",
                "classificationCode": "H6", "classificationSearchCode": "HS",
                "isOriginalClassification": True, "cmdCode": "TOTAL",
                "cmdDesc": "All Commodities", "aggrLevel": 0, "isLeaf": False,
                "customsCode": "C00", "customsDesc": "TOTAL CPC", "mosCode": "0",
                "motCode": 0, "motDesc": "TOTAL MOT", "qtyUnitCode": -1, "qtyUnitAbbr": "N/A",
                "qty": 0, "isQtyEstimated": False, "altQtyUnitCode": -1,
                "altQtyUnitAbbr": "N/A", "altQty": 0, "isAltQtyEstimated": False,
                "netWgt": 0, "isNetWgtEstimated": False, "grossWgt": 0,
                "isGrossWgtEstimated": False,
                "cifvalue": usd if code == "M" else None, "fobvalue": usd if code == "X" else None,
                "primaryValue": usd, "legacyEstimationFlag": 0, "isReported": True,
                "isAggregate": True,
            })
    return json.dumps({"elapsedTime": "0.21 secs", "count": len(data), "data": data,
                       "error": ""}, indent=1) + "\n"


def stated(annual, flow: str) -> dict[int, float]:
    s = annual[flow].dropna()
    return {int(y): float(v) for y, v in s.items()}


def main() -> None:
    off = tp.load_dataset("official")
    vn, kr = off.annual("VN"), off.annual("KR")
    # On Korea's statistics the pair's "exports" (Vietnam to Korea) are Korea's imports (CIF).
    vn_flows = {"exports": stated(vn, "exports"), "imports": stated(vn, "imports")}
    kr_own = {"exports": stated(kr, "imports"), "imports": stated(kr, "exports")}
    files = {
        "imf-VNM.XG_FOB_USD+MG_CIF_USD.KOR.A.xml": generic(
            "VNM", "KOR", {IND[k]: v for k, v in vn_flows.items()}),
        "imf-KOR.XG_FOB_USD+MG_CIF_USD.VNM.A.xml": structure_specific(
            "KOR", "VNM", {IND[k]: v for k, v in kr_own.items()}),
        "comtrade-704-410.json": comtrade(
            "VNM", "KOR", {"X": vn_flows["exports"], "M": vn_flows["imports"]}),
        "comtrade-410-704.json": comtrade(
            "KOR", "VNM", {"X": kr_own["exports"], "M": kr_own["imports"]}),
    }
    ref = reference_series()
    for pair, a, b in (("China-Russia", "CHN", "RUS"), ("Japan-Vietnam", "VNM", "JPN")):
        rows = ref[(ref["pair"] == pair) & (ref["flow"] == "total")
                   & (ref["reporter"] == country(a).iso2)]
        half = {int(r.year): float(r.value_usd_bn) / 2 for r in rows.itertuples()}
        files[f"imf-{a}.XG_FOB_USD+MG_CIF_USD.{b}.A.xml"] = structure_specific(
            a, b, {ind: half for ind in IND.values()})
        files[f"imf-{b}.XG_FOB_USD+MG_CIF_USD.{a}.A.xml"] = structure_specific(b, a, {})
    for name, text in files.items():
        (HERE / name).write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
