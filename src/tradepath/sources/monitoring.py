"""Many targets at once: fetch each pair, assess every target with :func:`tradepath.assess_many`,
read each against the record of historical targets, and show them together."""

from __future__ import annotations

import math
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

from .._defaults import BATCH_PATHS, DEFAULT_SEED
from .._validation import check_choice, fail
from ..batch import assess_many
from ..data import Dataset
from ..data.countries import country
from ..errors import DataError, TradepathError
from ..reference.pooling import combine
from ..reference.views import outside_view
from ..targets.target import Target
from .comtrade import fetch_comtrade
from .imf import fetch_imf

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["DASHBOARD_COLUMNS", "SOURCES", "dashboard", "fetch", "plot_dashboard"]

SOURCES = ("imf", "comtrade")
#: Columns of :func:`dashboard`'s frame.
DASHBOARD_COLUMNS = (
    "pair", "target", "by", "outcome", "dataset_pair", "basis", "first_year", "last_year",
    "n_years", "last_value", "status", "headline", "model_alone", "record", "error",
)


def fetch(source: Literal["imf", "comtrade"], reporter: str, partner: str,
          **kwargs: Any) -> Dataset:
    """:func:`fetch_imf` or :func:`fetch_comtrade`, by name (as the command line does)."""
    check_choice("source", "fetch", source, SOURCES)
    return (fetch_imf if source == "imf" else fetch_comtrade)(reporter, partner, **kwargs)


def _targets(targets: pd.DataFrame | str | Path | None) -> pd.DataFrame:
    if targets is None:
        from ..data.reference import reference_targets

        targets = reference_targets()
    elif isinstance(targets, str | Path):
        try:
            targets = pd.read_csv(targets, encoding="utf-8")
        except (OSError, UnicodeDecodeError, pd.errors.ParserError) as exc:
            raise DataError(f"cannot read the targets file {str(targets)!r}: {exc}") from None
    if not isinstance(targets, pd.DataFrame):
        raise fail("targets", "dashboard", "a DataFrame with columns 'pair', 'target_usd_bn' "
                   "and 'deadline' (as reference_targets())", targets)
    missing = [c for c in ("pair", "target_usd_bn", "deadline") if c not in targets.columns]
    if missing:
        raise DataError(f"the targets table lacks column(s) {missing}; it needs 'pair' "
                        "('Korea-Vietnam' or 'VNM-KOR'), 'target_usd_bn' and 'deadline'",
                        field=missing[0], origin="dashboard targets")
    out = targets.reset_index(drop=True)
    if "outcome" not in out.columns:
        out = out.assign(outcome="")
    return out


def _series(ds: Dataset) -> tuple[str, pd.Series]:
    """The pair's annual totals on the basis with the most years (the first country's on a tie)."""
    best: tuple[str, pd.Series] | None = None
    for reporter in sorted(set(ds.observations["reporter"]),
                           key=lambda r: ds.pairs[0].split("-")[0][:2] != r):
        try:
            s = ds.annual(reporter)["total"].dropna()
        except TradepathError:
            continue
        if best is None or len(s) > len(best[1]):
            best = (reporter, s)
    if best is None:
        raise DataError("no annual totals on any basis", field="reporter")
    return best


def _pair_dataset(name: str, datasets: Mapping[str, Dataset], source: str,
                  fetch_kwargs: Mapping[str, Any]) -> Dataset:
    if name in datasets:
        return datasets[name]
    parts = str(name).split("-")
    if len(parts) != 2:
        raise DataError(f"pair {name!r} is not two countries joined by '-'", field="pair")
    a, b = (country(p, what="country") for p in parts)
    for key in (f"{a.iso3}-{b.iso3}", f"{b.iso3}-{a.iso3}"):
        if key in datasets:
            return datasets[key]
    return fetch(source, a.iso3, b.iso3, **fetch_kwargs)  # type: ignore[arg-type]


def dashboard(
    targets: pd.DataFrame | str | Path | None = None,
    *,
    ds: Mapping[str, Dataset] | None = None,
    source: Literal["imf", "comtrade"] = "imf",
    fetch_kwargs: Mapping[str, Any] | None = None,
    model: str = "random_walk",
    n_paths: int = BATCH_PATHS,
    seed: Any = DEFAULT_SEED,
) -> pd.DataFrame:
    """Every target's chance on one table: fetched, assessed together, read against the record.

    Parameters
    ----------
    targets : DataFrame or path-like, optional
        One row per target with ``pair`` (``"Korea-Vietnam"`` or ``"VNM-KOR"``),
        ``target_usd_bn`` and ``deadline`` (and ``outcome``, shown as is), or a CSV file with
        those columns. Default: the reference targets (:func:`tradepath.reference_targets`).
    ds : mapping of str to Dataset, optional
        Datasets already at hand, keyed by the targets' pair name or by ``"VNM-KOR"``; other
        pairs are fetched from ``source``.
    source : {"imf", "comtrade"}, default "imf"
    fetch_kwargs : mapping, optional
        Passed to the fetch (``years``, ``cache_dir``, ``offline``, ...).
    model, n_paths, seed
        As for :func:`tradepath.assess_many`.

    Returns
    -------
    DataFrame
        :data:`DASHBOARD_COLUMNS`, one row per target: the pair's annual totals on the basis
        with the most years (``basis``, ``first_year``, ``last_year``, ``n_years``,
        ``last_value``), ``status`` from :func:`tradepath.assess_many` ("simulated", or "met" /
        "missed" when the data answer), ``model_alone`` (the model's probability of meeting the
        target by its deadline), ``record`` (the base rate of comparable historical targets,
        :func:`tradepath.outside_view`), ``headline`` (the two pooled by
        :func:`tradepath.reference.pooling.combine`; the data's answer when they answer) and
        ``error`` (why a pair could not be fetched or assessed; the other rows go on).
    """
    table = _targets(targets)
    datasets = dict(ds or {})
    check_choice("source", "dashboard", source, SOURCES)
    fetch_kwargs = dict(fetch_kwargs or {})
    long, info = [], {}
    for name in dict.fromkeys(table["pair"]):
        try:
            found = _pair_dataset(name, datasets, source, fetch_kwargs)
            basis, s = _series(found)
            info[name] = {"dataset_pair": found.pairs[0], "basis": basis, "series": s, "error": ""}
        except TradepathError as exc:
            info[name] = {"dataset_pair": "", "basis": "", "series": None,
                          "error": str(exc).splitlines()[0]}
    ids = [f"{i}" for i in range(len(table))]
    for i, row in zip(ids, table.itertuples(index=False), strict=True):
        s = info[row.pair]["series"]
        if s is not None:
            long.append(pd.DataFrame({"id": i, "year": s.index, "value": s.to_numpy()}))
    frame = (pd.concat(long, ignore_index=True) if long
             else pd.DataFrame({"id": [], "year": [], "value": []}))
    goals = pd.DataFrame({"id": ids, "target": table["target_usd_bn"].astype(float),
                          "by": table["deadline"].astype(int)})
    goals = goals[goals["id"].isin(set(frame["id"]))]
    result = (assess_many(frame, goals, id_col="id", model=model, n_paths=n_paths, seed=seed)
              .set_index("id") if len(frame) else pd.DataFrame())
    rows = []
    for i, row in zip(ids, table.itertuples(index=False), strict=True):
        meta = info[row.pair]
        r = result.loc[i] if i in result.index else None
        out = {"pair": row.pair, "target": float(row.target_usd_bn), "by": int(row.deadline),
               "outcome": str(row.outcome), "dataset_pair": meta["dataset_pair"],
               "basis": meta["basis"], "first_year": np.nan, "last_year": np.nan,
               "n_years": 0, "last_value": np.nan, "status": "error", "headline": np.nan,
               "model_alone": np.nan, "record": np.nan, "error": meta["error"]}
        if r is not None:
            out |= {"first_year": r["first_year"], "last_year": r["last_year"],
                    "n_years": int(r["n_obs"]), "last_value": r["last_value"],
                    "status": r["status"], "model_alone": r["probability"],
                    "error": r["error"]}
            out["headline"] = r["probability"]
            if r["status"] == "simulated" and math.isfinite(r["probability"]):
                ov = outside_view(Target(value=float(row.target_usd_bn), by=int(row.deadline)),
                                  meta["series"])
                out["record"] = ov.base_rate
                out["headline"] = combine(float(r["probability"]), ov)
        rows.append(out)
    return pd.DataFrame(rows, columns=list(DASHBOARD_COLUMNS))


def plot_dashboard(frame: pd.DataFrame, *, ax: Axes | None = None) -> Axes:
    """Each target's headline, model-alone probability and record on one axis.

    One line per target (``pair: target by deadline``, with the years the data cover); a filled
    dot for the headline, a hollow one for the model alone, a cross for the record. Targets
    the data answer show their answer; rows with an error are listed without marks.
    """
    from .._lazy import pyplot

    plt = pyplot()
    missing = [c for c in DASHBOARD_COLUMNS if c not in frame.columns]
    if missing:
        raise DataError(f"the frame lacks column(s) {missing}; pass dashboard()'s result",
                        field=missing[0])
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 0.4 * len(frame) + 1.2))
    y = np.arange(len(frame))[::-1]
    ax.scatter(frame["headline"], y, color="#1f3b73", s=40, zorder=3, label="headline")
    ax.scatter(frame["model_alone"], y, facecolor="white", edgecolor="#1f3b73", s=40,
               zorder=2, label="model alone")
    ax.scatter(frame["record"], y, marker="x", color="#999999", s=40, zorder=4,
               label="record (comparable targets)")
    labels = []
    words = {"met": "met (the data)", "missed": "missed (the data)",
             "unknown": "the data cannot say", "error": "no data"}
    for yy, r in zip(y, frame.itertuples(index=False), strict=True):
        years = (f"{r.basis} {int(r.first_year)}–{int(r.last_year)}"
                 if pd.notna(r.first_year) else "no data")
        labels.append(f"{r.pair}: {r.target:g} bn by {r.by} ({years})")
        ax.annotate(words.get(r.status, ""), (1.04, yy), xycoords=("axes fraction", "data"),
                    va="center", fontsize=7, color="#444444")
    ax.set_yticks(y, labels, fontsize=8)
    ax.set_xlim(-0.02, 1.02)
    ax.set_xlabel("probability of meeting the target by its deadline")
    ax.grid(axis="x", color="#dddddd")
    ax.legend(loc="lower left", bbox_to_anchor=(0, 1.0), ncol=3, fontsize=7, frameon=False)
    return ax
