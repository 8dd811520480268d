"""Evaluating a scenario file: scenarios, simulations and questions (:func:`evaluate`)."""

from __future__ import annotations

import functools
import math
import os
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ... import scenarios as sc
from ..._display import ResultDisplay
from ..._validation import fail
from ...data import Dataset, load_dataset
from ...targets.target import Target
from ._doc import KeyPath, _wrap
from .read import ScenarioFile, read_scenario_file

__all__ = ["ScenarioResults", "evaluate"]


# -- evaluation -------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True, eq=False)
class ScenarioResults(ResultDisplay):
    """Everything a scenario file asks for, in memory; from :func:`evaluate`.

    Attributes
    ----------
    file : ScenarioFile
    targets : tuple of Target
    paths : DataFrame
        Long table: ``scenario``, ``year``, ``exports``, ``imports``, ``total``, ``balance``,
        ``export_share``, ``deficit_share``.
    table : DataFrame
        :func:`tradepath.compare_scenarios` of the scenarios, plus ``T: P(met by <by>)``
        columns when the file has ``[simulation]`` (``summary.csv``).
    required : DataFrame or None
        One row per inverse question (see :meth:`RequiredGrowth.to_dict`).
    feasible : FeasibleRegion or None
    bands : DataFrame or None
        Median and interval by scenario and year (``[outputs] bands``).
    notes : tuple of str
    volatility : str
        With ``[simulation]``: the volatility the probabilities rest on (σ of each flow) and
        where it comes from (which series and years, or the file); empty otherwise.
    data : Dataset or None
        The dataset the scenarios start from (its figures' source is named under the charts).
    """

    file: ScenarioFile
    targets: tuple[Target, ...]
    paths: pd.DataFrame
    table: pd.DataFrame
    required: pd.DataFrame | None
    feasible: sc.FeasibleRegion | None
    bands: pd.DataFrame | None
    notes: tuple[str, ...]
    volatility: str = ""
    data: Dataset | None = field(default=None, repr=False)

    def summary(self) -> str:
        """The results in a few lines of text, as on every result object."""
        names = list(dict.fromkeys(self.paths["scenario"])) if not self.paths.empty else []
        head = (f"{self.file.title}: {len(names)} scenario(s), {len(self.targets)} target(s)"
                + (f", {len(self.required)} required-growth question(s)"
                   if self.required is not None else "")
                + (", a feasible region" if self.feasible is not None else ""))
        lines = [head]
        for name in names:
            p = self.paths[self.paths["scenario"] == name]
            last = p.iloc[-1]
            lines.append(f"  {name}: total {float(last['total']):,.2f} bn and balance "
                         f"{float(last['balance']):+,.2f} bn in {int(last['year'])}")
        return "\n".join([*lines, *self.notes])

    def to_frame(self) -> pd.DataFrame:
        """The scenarios compared, one row each (:attr:`table`)."""
        return self.table

    def to_markdown(self) -> str:
        """The summary as a Markdown document."""
        return _summary_markdown(self)

    def projections(self) -> dict[str, pd.DataFrame]:
        """Each scenario's path indexed by year, by scenario name (from :attr:`paths`)."""
        return {str(name): g.drop(columns="scenario").set_index("year")
                for name, g in self.paths.groupby("scenario", sort=False)}

    def plot(self, *, ax: Any = None, **kwargs: Any) -> Any:
        """Every scenario's path with the targets (see
        :func:`tradepath.plotting.plot_scenarios`; keyword arguments go to it, e.g.
        ``flow="balance"``)."""
        from ...plotting import plot_scenarios

        kwargs.setdefault("targets", self.targets)
        kwargs.setdefault("title", self.file.title)
        return plot_scenarios(self.projections(), ax=ax, **kwargs)


def _dataset_for(spec: ScenarioFile, ds: Dataset | None) -> Dataset:
    if ds is not None:
        if not isinstance(ds, Dataset):
            raise fail("ds", "evaluate", "a tradepath Dataset or None", type(ds).__name__)
        return ds
    if spec.observations is None:
        from ...fusion import fuse

        return fuse()  # every figure held, on one basis: the answer the report gives
    return _wrap(spec._doc, ("data", "observations"), lambda: Dataset.from_csv(
        spec.observations, targets=load_dataset().targets))  # type: ignore[arg-type]


def _resolve_target(spec: ScenarioFile, ds: Dataset, ref: Target | str, kp: KeyPath) -> Target:
    if isinstance(ref, Target):
        return ref
    names = [t.name for t in spec.targets or ()] + [t.name for t in ds.targets]
    for t in (*(spec.targets or ()), *ds.targets):
        if t.name == ref:
            return t
    raise spec._doc.error(kp, f"no target named {ref!r}; known: {names}")


def evaluate(spec: ScenarioFile | str | os.PathLike[str],
             ds: Dataset | None = None) -> ScenarioResults:
    """Evaluate a scenario file in memory (what :func:`run_file` writes).

    Parameters
    ----------
    spec : ScenarioFile or path
    ds : Dataset, optional
        Overrides the file's ``[data]``; default the fused history of the embedded
        figures (:func:`tradepath.fuse`), as for the report.

    Returns
    -------
    ScenarioResults

    Raises
    ------
    ScenarioFileError
        Any error, with the key (and line) of the part of the file that caused it.
    """
    if not isinstance(spec, ScenarioFile):
        spec = read_scenario_file(spec)
    doc = spec._doc
    ds = _dataset_for(spec, ds)
    notes: list[str] = []

    frames, bases = [], {}
    for i, s in enumerate(spec.scenarios):
        f = _wrap(doc, ("scenario", i), functools.partial(s.project, ds))
        bases[s.name] = f.attrs["base_source"]
        frames.append(f.reset_index().assign(scenario=s.name))
    if len(set(bases.values())) == 1:
        notes.append(f"Base of every scenario: {next(iter(bases.values()))}.")
    else:
        notes += [f"Base of {name!r}: {src}." for name, src in bases.items()]
    cols = ["scenario", "year", "exports", "imports", "total", "balance", "export_share",
            "deficit_share"]
    paths = (pd.concat(frames, ignore_index=True)[cols] if frames
             else pd.DataFrame(columns=cols))

    if spec.targets is not None:
        targets = spec.targets
    else:
        first = min((int(f["year"].iloc[0]) for f in frames), default=0)
        targets = tuple(t for t in ds.targets if t.by >= first)
    table = (_wrap(doc, ("scenario",), lambda: sc.compare_scenarios(spec.scenarios, ds,
                                                             targets=targets))
             if spec.scenarios else pd.DataFrame())

    bands = None
    volatility = ""
    if spec.simulation is not None and spec.scenarios:
        sim = spec.simulation
        band_frames = []
        for i, s in enumerate(spec.scenarios):
            paths_i = _wrap(doc, ("simulation",), functools.partial(
                s.simulate, ds, n_paths=sim.n_paths, seed=sim.seed, sigma=sim.sigma,
                correlation=sim.correlation))
            if i == 0:
                sig = paths_i.sigma
                volatility = (
                    "The probabilities (P columns) rest on the volatility of each flow's log "
                    f"growth: σ = {sig['exports']:.4f} a year for exports and "
                    f"{sig['imports']:.4f} for imports, "
                    + ("as given in the file's [simulation] sigma." if sim.sigma is not None
                       else "estimated from the data. " + " ".join(paths_i.notes)))
            for t in targets:
                col = f"{t.name}: P(met {sim.reading} {t.by})"
                inside = paths_i.years[0] <= t.by <= paths_i.years[-1]
                table.loc[s.name, col] = (paths_i.probability(t, reading=sim.reading)  # type: ignore[arg-type]
                                          if inside else math.nan)
            if spec.outputs.bands:
                band_frames.append(paths_i.summary_frame(sim.alpha).reset_index()
                                   .assign(scenario=s.name))
        notes.append(
            f"Probabilities from {sim.n_paths:,} simulated paths per scenario (seed "
            f"{sim.seed}), log-normal noise on each flow's growth, correlation "
            f"{sim.correlation:g}; the scenario is the median path."
        )
        if band_frames:
            bands = pd.concat(band_frames, ignore_index=True)
            bands = bands[["scenario", *[c for c in bands.columns if c != "scenario"]]]

    required = None
    if spec.required:
        rows = []
        for q in spec.required:
            target = _resolve_target(spec, ds, q.target, (*q.keypath, "target"))
            r = _wrap(doc, q.keypath, functools.partial(
                sc.required_growth, ds, target, q.flow, other=q.other,
                export_share=q.export_share, deficit=q.deficit, start=spec.start,
                reading=q.reading, reporter=spec.reporter, base=spec.base))
            mate = "imports" if q.flow == "exports" else "exports"
            given = (f"{mate} {q.other.describe()}" if q.other is not None else
                     q.deficit.describe() if q.deficit is not None else
                     f"export share {q.export_share.describe('share')}"
                     if q.export_share is not None else "export share unchanged")
            rows.append({**r.to_dict(), "given": given})
        required = pd.DataFrame(rows).astype({"year_met": "Int64"})
        required = required[["target", "condition", "flow", "given", "reading", "feasible",
                             "rate", "max_rate", "year_met", "base_year", "message"]]

    feasible = None
    if spec.feasible is not None:
        fq = spec.feasible
        target = _resolve_target(spec, ds, fq.target, ("feasible_region", "target"))
        feasible = _wrap(doc, ("feasible_region",), lambda: sc.feasible_region(
            ds, target, fq.export_rates, fq.import_rates, start=spec.start,
            reading=fq.reading, reporter=spec.reporter, base=spec.base))  # type: ignore[arg-type]

    return ScenarioResults(spec, tuple(targets), paths, table, required, feasible, bands,
                           tuple(notes), volatility, ds)


# -- Markdown ---------------------------------------------------------------------------------
def _cell(v: Any, col: str) -> str:
    if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)):
        return "–"
    if isinstance(v, bool | np.bool_):
        return "yes" if v else "no"
    if isinstance(v, float | np.floating):
        if "share" in col or col.endswith("rate") or "P(" in col:
            return f"{v:.1%}" if "P(" in col or "share" in col else f"{v * 100:+.2f} %"
        return f"{v:,.2f}"
    return str(v).replace("|", "\\|").replace("\n", " ")


def _md_table(frame: pd.DataFrame, index: str | None = None) -> str:
    cols = list(frame.columns)
    head = ([index] if index else []) + cols
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for idx, row in frame.iterrows():
        cells = ([str(idx)] if index else []) + [_cell(row[c], c) for c in cols]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _summary_markdown(res: ScenarioResults) -> str:
    spec = res.file
    out = [f"# {spec.title}", ""]
    if spec.description:
        out += [spec.description.strip(), ""]
    out += [f"Scenario file: `{spec.path.name}`. Values in US$ billion, Vietnam's side "
            "(balance = exports − imports; deficit share = (imports − exports) / total).", ""]
    if spec.scenarios:
        s = res.table
        out += ["## Scenarios", ""]
        ends = [c for c in s.columns if c.startswith(("total ", "balance "))]
        out += [_md_table(s[["description", "base year", *ends]], "scenario"), ""]
        if res.volatility:
            out += [res.volatility, ""]
        conditions = s.attrs.get("conditions", {})
        for t in res.targets:
            cols = [c for c in s.columns if c.startswith(f"{t.name}: ")]
            if not cols:
                continue
            out += [f"### {t.name}", "", f"Condition: {conditions.get(t.name, 'none')}.", ""]
            part = s[cols].rename(columns=lambda c, n=t.name: c[len(n) + 2:])
            out += [_md_table(part, "scenario"), ""]
    if res.required is not None:
        out += ["## Required growth", ""]
        r = res.required
        out += [_md_table(r[["target", "flow", "given", "reading", "feasible", "rate",
                             "max_rate", "year_met"]]), ""]
        out += [f"- {m}" for m in r["message"]] + [""]
    if res.feasible is not None:
        fr = res.feasible
        out += ["## Feasible region", "", "```", fr.summary(), "```", ""]
    if res.notes:
        out += ["## Notes", ""] + [f"- {n}" for n in res.notes] + [""]
    return "\n".join(out)
