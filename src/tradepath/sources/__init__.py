"""Bilateral trade from the sources analysts use: the IMF (IMTS) and UN Comtrade.

:func:`fetch_imf` and :func:`fetch_comtrade` return a :class:`tradepath.Dataset` for a pair on
both reporters' statistics, every row with its provenance; responses are kept in a disk cache
(:class:`ResponseCache`) that also answers offline. :func:`dashboard` fetches and assesses many
targets at once and :func:`plot_dashboard` draws them. The clients are optional extras
(``pip install 'tradepath[imf]'``, ``'tradepath[comtrade]'``), imported only when a fetch needs
them.
"""

from __future__ import annotations

from ..data.countries import COUNTRIES, Country, country
from ._fetching import FETCH_COLUMNS, provenance
from .cache import CachedResponse, ResponseCache, default_cache_dir
from .comtrade import fetch_comtrade
from .imf import fetch_imf
from .monitoring import DASHBOARD_COLUMNS, SOURCES, dashboard, fetch, plot_dashboard

__all__ = [
    "COUNTRIES",
    "DASHBOARD_COLUMNS",
    "FETCH_COLUMNS",
    "SOURCES",
    "CachedResponse",
    "Country",
    "ResponseCache",
    "country",
    "dashboard",
    "default_cache_dir",
    "fetch",
    "fetch_comtrade",
    "fetch_imf",
    "plot_dashboard",
    "provenance",
]
