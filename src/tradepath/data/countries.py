"""Countries: ISO 3166 codes, the names the reference files use, and UN Comtrade's codes.

One table, :data:`COUNTRIES`, serves the data layer (which two-letter reporters a pair such as
``"VNM-JPN"`` admits) and the sources (:mod:`tradepath.sources`: the IMF's series are keyed by
ISO 3166 alpha-3 codes, UN Comtrade's by its own numeric codes).

UN Comtrade's reporter and partner codes follow UN M49 except where Comtrade keeps its own
area: the United States are 842 (M49 840), India 699 (356), France 251 (250), Italy 381 (380),
Norway 579 (578), Switzerland 757 (756), and Taiwan is "Other Asia, nes", 490 (no M49 code).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import UnknownNameError

__all__ = ["COUNTRIES", "Country", "country", "pair_reporters"]


@dataclass(frozen=True, slots=True)
class Country:
    """One country: ISO 3166 alpha-3 and alpha-2 codes, a name and UN Comtrade's code."""

    iso3: str
    iso2: str
    name: str
    comtrade: int


_TABLE = (
    # iso3, iso2, name, Comtrade code (differs from M49 where marked)
    ("ARE", "AE", "United Arab Emirates", 784), ("ARG", "AR", "Argentina", 32),
    ("AUS", "AU", "Australia", 36), ("AUT", "AT", "Austria", 40),
    ("AZE", "AZ", "Azerbaijan", 31), ("BEL", "BE", "Belgium", 56),
    ("BGD", "BD", "Bangladesh", 50), ("BRA", "BR", "Brazil", 76),
    ("BRN", "BN", "Brunei Darussalam", 96), ("CAN", "CA", "Canada", 124),
    ("CHE", "CH", "Switzerland", 757),  # M49 756
    ("CHL", "CL", "Chile", 152), ("CHN", "CN", "China", 156),
    ("COL", "CO", "Colombia", 170), ("CZE", "CZ", "Czechia", 203),
    ("DEU", "DE", "Germany", 276), ("DNK", "DK", "Denmark", 208),
    ("EGY", "EG", "Egypt", 818), ("ESP", "ES", "Spain", 724),
    ("ETH", "ET", "Ethiopia", 231), ("FIN", "FI", "Finland", 246),
    ("FRA", "FR", "France", 251),  # M49 250
    ("GBR", "GB", "United Kingdom", 826), ("GRC", "GR", "Greece", 300),
    ("HKG", "HK", "Hong Kong, China", 344), ("HUN", "HU", "Hungary", 348),
    ("IDN", "ID", "Indonesia", 360),
    ("IND", "IN", "India", 699),  # M49 356
    ("IRL", "IE", "Ireland", 372), ("IRN", "IR", "Iran", 364), ("IRQ", "IQ", "Iraq", 368),
    ("ISR", "IL", "Israel", 376),
    ("ITA", "IT", "Italy", 381),  # M49 380
    ("JPN", "JP", "Japan", 392), ("KAZ", "KZ", "Kazakhstan", 398),
    ("KEN", "KE", "Kenya", 404), ("KHM", "KH", "Cambodia", 116),
    ("KOR", "KR", "Korea", 410), ("KWT", "KW", "Kuwait", 414),
    ("LAO", "LA", "Laos", 418), ("LKA", "LK", "Sri Lanka", 144),
    ("MAR", "MA", "Morocco", 504), ("MEX", "MX", "Mexico", 484),
    ("MMR", "MM", "Myanmar", 104), ("MNG", "MN", "Mongolia", 496),
    ("MYS", "MY", "Malaysia", 458), ("NGA", "NG", "Nigeria", 566),
    ("NLD", "NL", "Netherlands", 528),
    ("NOR", "NO", "Norway", 579),  # M49 578
    ("NZL", "NZ", "New Zealand", 554), ("OMN", "OM", "Oman", 512),
    ("PAK", "PK", "Pakistan", 586), ("PER", "PE", "Peru", 604),
    ("PHL", "PH", "Philippines", 608), ("POL", "PL", "Poland", 616),
    ("PRT", "PT", "Portugal", 620), ("QAT", "QA", "Qatar", 634),
    ("ROU", "RO", "Romania", 642), ("RUS", "RU", "Russia", 643),
    ("SAU", "SA", "Saudi Arabia", 682), ("SGP", "SG", "Singapore", 702),
    ("SWE", "SE", "Sweden", 752), ("THA", "TH", "Thailand", 764),
    ("TUR", "TR", "Turkey", 792),
    ("TWN", "TW", "Taiwan", 490),  # Comtrade: "Other Asia, nes"; no M49 code
    ("UKR", "UA", "Ukraine", 804),
    ("USA", "US", "United States", 842),  # M49 840
    ("UZB", "UZ", "Uzbekistan", 860), ("VNM", "VN", "Vietnam", 704),
    ("ZAF", "ZA", "South Africa", 710),
)
#: Every known country by ISO 3166 alpha-3 code.
COUNTRIES: dict[str, Country] = {r[0]: Country(*r) for r in _TABLE}
# Other names the reference files and users write.
_ALIASES = {
    "UAE": "ARE", "UK": "GBR", "US": "USA", "USA": "USA", "SOUTH KOREA": "KOR",
    "REPUBLIC OF KOREA": "KOR", "VIET NAM": "VNM", "TURKIYE": "TUR", "TÜRKIYE": "TUR",
    "RUSSIAN FEDERATION": "RUS", "LAO PDR": "LAO",
}
_LOOKUP: dict[str, str] = {
    **{c.iso3: c.iso3 for c in COUNTRIES.values()},
    **{c.iso2: c.iso3 for c in COUNTRIES.values()},
    **{c.name.upper(): c.iso3 for c in COUNTRIES.values()},
    **_ALIASES,
}


def country(code: str, *, what: str = "country") -> Country:
    """The country for an ISO alpha-3 or alpha-2 code or a common English name.

    Raises
    ------
    UnknownNameError
        For anything else, naming ``what`` was asked and the codes known.
    """
    key = str(code).strip().upper()
    if key in _LOOKUP:
        return COUNTRIES[_LOOKUP[key]]
    raise UnknownNameError(
        f"unknown {what} {code!r}: give an ISO 3166 alpha-3 code such as 'VNM' or 'KOR' "
        f"(known: {', '.join(sorted(COUNTRIES))})")


def pair_reporters(pair: str) -> tuple[str, str] | None:
    """The two-letter reporters of a pair named by ISO alpha-3 codes (``"VNM-JPN"`` gives
    ``("VN", "JP")``), or None if the pair is not two known codes."""
    parts = str(pair).split("-")
    if len(parts) != 2 or not all(p in COUNTRIES for p in parts):
        return None
    return COUNTRIES[parts[0]].iso2, COUNTRIES[parts[1]].iso2
