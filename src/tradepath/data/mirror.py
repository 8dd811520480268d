"""The ratio between the two reporting bases, estimated from the years that have both.

Vietnam and Korea each publish their bilateral trade, and the two never agree: an importer
values goods CIF (with freight and insurance) and the exporter FOB; goods shipped late in
December are counted in different years; goods routed through a third country may be counted
by one side only. The ratio ``KR / VN`` per flow (Korea's figure over Vietnam's for the same
year and flow, both from Vietnam's side: ``exports`` is Vietnam → Korea) summarises all of it.

It is estimated on the log scale over the years with a figure on both bases (the preferred
figure of each, see :meth:`tradepath.Dataset.annual`): the point value is the geometric mean
``exp(mean(log(KR / VN)))`` and the interval is the Student-t interval of the mean log ratio,
transformed back. Where a flow has no year on both bases, the CIF/FOB convention
:data:`tradepath.data.MIRROR_CIF_FOB` stands in (Korea's imports are Vietnam's exports
x 1.06; Korea's exports are Vietnam's imports / 1.06).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .._validation import check_real
from .schema import DEFAULT_KINDS, MIRROR_CIF_FOB, preferred

if TYPE_CHECKING:
    from .dataset import Dataset

__all__ = ["MIRROR_FLOWS", "mirror_factors", "mirror_pairs", "mirror_ratios"]

#: Flows with a ratio between the bases (the balance changes sign, so it has none).
MIRROR_FLOWS = ("total", "exports", "imports")
# KR / VN when nothing else is known: the importer's CIF value is 6 % above the exporter's FOB.
_FALLBACK = {"total": np.nan, "exports": MIRROR_CIF_FOB, "imports": 1.0 / MIRROR_CIF_FOB}
RATIO_COLUMNS = ("n_years", "years", "ratio", "median", "lower", "upper", "sd_log", "method")


def mirror_pairs(
    ds: Dataset, *, kinds: Sequence[str] = DEFAULT_KINDS, pair: str | None = None
) -> pd.DataFrame:
    """The years with a figure on both bases: one row per flow and year.

    Parameters
    ----------
    ds : Dataset
        Any dataset; only calendar-year figures from ``VN`` and ``KR`` of ``kinds`` are used.
    kinds : sequence of str, default ("reported", "approximate", "derived")
        Which kinds of figure count (forecasts, estimates and bounds never should).
    pair : str, optional
        Needed only when the dataset holds several pairs.

    Returns
    -------
    DataFrame
        Columns ``flow``, ``year``, ``VN``, ``KR``, ``ratio`` (KR / VN) and ``log_ratio``.
    """
    obs = ds.observations
    obs = obs[(obs["pair"] == ds._pair(pair)) & obs["period"].str.fullmatch(r"\d{4}")
              & obs["kind"].isin(list(kinds)) & obs["reporter"].isin(["VN", "KR"])
              & obs["flow"].isin(list(MIRROR_FLOWS))]
    best = preferred(obs.assign(year=obs["period"].astype(int)), ["flow", "year", "reporter"])
    wide = best.pivot(index=["flow", "year"], columns="reporter", values="value_usd_bn")
    wide = wide.reindex(columns=["VN", "KR"]).dropna().reset_index()
    wide.columns.name = None
    wide["ratio"] = wide["KR"] / wide["VN"]
    wide["log_ratio"] = np.log(wide["ratio"])
    return wide.astype({"year": int})


def mirror_ratios(
    ds: Dataset,
    *,
    kinds: Sequence[str] = DEFAULT_KINDS,
    alpha: float = 0.05,
    pair: str | None = None,
) -> pd.DataFrame:
    """The ratio KR / VN per flow, with its ``1 - alpha`` interval.

    Parameters
    ----------
    ds : Dataset
        The figures; see :func:`mirror_pairs` for which count.
    kinds : sequence of str, default ("reported", "approximate", "derived")
        Which kinds of figure count.
    alpha : float, default 0.05
        One minus the confidence level of the interval.
    pair : str, optional
        Needed only when the dataset holds several pairs.

    Returns
    -------
    DataFrame
        Indexed by ``flow`` (total, exports, imports): ``n_years``, ``years``, ``ratio``
        (geometric mean), ``median``, ``lower``, ``upper``, ``sd_log`` and ``method``
        (``"estimated"``; ``"one year"`` when a single year gives no interval;
        ``"CIF/FOB convention"`` when no year has both bases).

    Notes
    -----
    With ``n`` years and log ratios ``d``, the interval is
    ``exp(mean(d) ± t(1 - alpha/2, n - 1) * sd(d) / sqrt(n))``. The years are treated as
    independent draws of the gap between the bases; with few years the interval is wide,
    which is the point.

    Examples
    --------
    >>> import tradepath as tp
    >>> from tradepath.data.mirror import mirror_ratios
    >>> r = mirror_ratios(tp.load_dataset("official"))
    >>> int(r.loc["total", "n_years"]) >= 4
    True
    """
    alpha = check_real("alpha", "mirror_ratios", alpha, lo=0.0, hi=1.0)
    from scipy import special  # stdtrit: scipy.stats.t's ppf, without importing scipy.stats

    pairs = mirror_pairs(ds, kinds=kinds, pair=pair)
    rows = {}
    for flow in MIRROR_FLOWS:
        d = pairs.loc[pairs["flow"] == flow, "log_ratio"].to_numpy()
        years = ", ".join(str(y) for y in pairs.loc[pairs["flow"] == flow, "year"])
        n = len(d)
        if n == 0:
            r = _FALLBACK[flow]
            rows[flow] = (0, "", r, r, np.nan, np.nan, np.nan, "CIF/FOB convention")
            continue
        mean = float(d.mean())
        if n == 1:
            rows[flow] = (1, years, np.exp(mean), np.exp(mean), np.nan, np.nan, np.nan,
                          "one year")
            continue
        sd = float(d.std(ddof=1))
        half = float(special.stdtrit(n - 1, 1 - alpha / 2)) * sd / np.sqrt(n)
        rows[flow] = (n, years, np.exp(mean), float(np.exp(np.median(d))),
                      np.exp(mean - half), np.exp(mean + half), sd, "estimated")
    out = pd.DataFrame.from_dict(rows, orient="index", columns=list(RATIO_COLUMNS))
    out.index.name = "flow"
    return out.astype({"n_years": int})


def mirror_factors(
    ds: Dataset, *, kinds: Sequence[str] = DEFAULT_KINDS, pair: str | None = None
) -> dict[str, float]:
    """KR / VN for ``exports`` and ``imports``: what :meth:`Dataset.annual` converts with."""
    r = mirror_ratios(ds, kinds=kinds, pair=pair)
    return {flow: float(r.loc[flow, "ratio"]) for flow in ("exports", "imports")}
