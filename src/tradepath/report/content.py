"""What the report says: the targets, their assessments and the model comparison
(:class:`ReportContent`, :func:`build_report`)."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pandas as pd

from .._defaults import DEFAULT_PATHS, DEFAULT_SEED, HORIZON, default_horizon
from .._format import plain_plurals
from .._validation import check_int, check_seed, fail
from ..assessment.core import Assessment, assess, compare_models
from ..assessment.pool import SimulationPool
from ..data import Dataset, load_dataset
from ..errors import DataError, ModelError, ParameterError
from ..fusion.answers import ANSWER_COLUMNS
from ..targets.balance import BalanceCondition, more_balanced
from ..targets.target import Target

if TYPE_CHECKING:
    from ..models import GrowthModel
    from ..scenarios import FeasibleRegion
    from ..verdict import BottomLine

__all__ = [
    "DEFAULT_PATHS",
    "FIGURES",
    "FORMATS",
    "HORIZON",
    "OFFICIAL_COLUMNS",
    "ReportContent",
    "build_report",
    "fused_alternatives",
    "official_comparison",
    "report_horizon",
    "select_targets",
]


#: Output formats of the figures.
FORMATS = ("pdf", "png", "svg")
#: Figure files (without extension) written as PNG and SVG.
FIGURES = ("fan", "crossing", "comparison", "balance", "feasible")
_MANIFEST = "manifest.json"
_GENERATOR = "tradepath report"
_A4 = (8.27, 11.69)


def report_horizon(targets: Sequence[Target]) -> int:
    """The last simulated year for ``targets`` (:func:`tradepath._defaults.default_horizon`
    of their deadlines, as for :func:`tradepath.assess` and the command line)."""
    return default_horizon(t.by for t in targets)


# -- content ---------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True, kw_only=True)
class ReportContent:
    """Everything the report shows, computed once; :func:`write_report` renders it.

    Attributes
    ----------
    dataset : Dataset
    targets : tuple of Target
        The targets reported on, in order.
    model : str
        The model name (registry) used for the assessments.
    n_paths, seed
        Simulation settings.
    assessments : tuple of Assessment
        One per target (answered from the data, or simulated).
    followups : dict of str to Assessment
        For a target whose deadline passed unmet: "when is that level reached?", assessed
        with a later deadline (keyed by the original target's name).
    comparisons : dict of str to DataFrame
        :func:`tradepath.compare_models` tables, keyed by the name of the target simulated.
    main : Assessment or None
        The assessment shown in the fan chart and the balance outlook: the simulated one with
        the latest deadline.
    balance_source : Assessment or None
        The assessment whose simulated exports and imports give the balance outlook.
    region : FeasibleRegion or None
        Constant export and import growth rates that meet the main target.
    findings : dict of str to str
        One plain-language paragraph per target, with its numbers.
    skipped : dict of str to str
        Pages left out and why (e.g. no export and import data for a balance outlook).
    source : str
        The source note written under every figure.
    bottom : BottomLine or None
        Page 1: the bottom line per target (:func:`tradepath.verdict.bottom_line`), with
        the sensitivities.
    official : DataFrame or None
        The same targets answered from the official series on Korea's basis (through 2025)
        beside the documents' answer (:func:`official_comparison`); None for a user's data
        and for the fused history (which has them in ``alternatives``).
    alternatives : DataFrame or None
        For the fused history (:func:`tradepath.fuse`), each target answered from the fused
        history and from each source and basis alone (:func:`fused_alternatives`, for page 1's
        "what would change the answer" and the data page; :func:`write_report` has the
        second process compute them first), an empty frame until then; None for other
        data.
    checks : DataFrame or None
        ``dataset.check()``, run once for the pages and the tables (None: not run yet).
    pool : SimulationPool or None
        The report's fits and paths (:class:`tradepath.assessment.pool.SimulationPool`),
        reused by the answers computed later (:func:`fused_alternatives`); None: a new pool
        there.
    """

    dataset: Dataset
    targets: tuple[Target, ...]
    model: str
    n_paths: int
    seed: int
    assessments: tuple[Assessment, ...]
    followups: dict[str, Assessment]
    comparisons: dict[str, pd.DataFrame]
    main: Assessment | None
    balance_source: Assessment | None
    region: FeasibleRegion | None
    findings: dict[str, str]
    skipped: dict[str, str] = field(default_factory=dict)
    source: str = ""
    bottom: BottomLine | None = None
    official: pd.DataFrame | None = None
    checks: pd.DataFrame | None = None
    alternatives: pd.DataFrame | None = None
    pool: SimulationPool | None = field(default=None, repr=False, compare=False)

    def consistency(self) -> pd.DataFrame:
        """The dataset's consistency checks (:meth:`Dataset.check`), run once."""
        return self.checks.copy() if self.checks is not None else self.dataset.check()

    @property
    def simulated(self) -> list[Assessment]:
        """The simulated assessments (targets and follow-ups), by deadline."""
        out = [a for a in self.assessments if a.status == "simulated"]
        out += [f for f in self.followups.values() if f.status == "simulated"]
        return sorted(out, key=lambda a: (a.target.by, a.target.value))

    def table(self) -> pd.DataFrame:
        """Key numbers: one row per assessment (targets, then follow-ups)."""
        rows = [a.to_frame() for a in self.assessments]
        rows += [f.to_frame().assign(follow_up_of=name) for name, f in self.followups.items()]
        return pd.concat(rows, ignore_index=True)


def _model_name(model: str | GrowthModel | None) -> str:
    from ..models import DEFAULT_MODEL, get_model

    if model is None:
        return DEFAULT_MODEL
    m = get_model(model)  # raises UnknownNameError for a bad name
    return m.name if not isinstance(model, str) else model


def _followup(t: Target, by: int) -> Target:
    """The same level and condition with a later deadline: "when is it reached?"."""
    return Target(t.value, by=by, balance=t.balance, flow=t.flow,
                  name=f"{t.name}, given until {by}",
                  announced=t.announced, source=t.source)


def _spread(frame: pd.DataFrame, model: str) -> str:
    """One sentence on how much the models disagree."""
    # The models themselves: the ensemble combines them and is not counted among them.
    ok = frame[(frame["status"] == "simulated") & (frame["model"] != "ensemble")]
    refused = frame.loc[frame["status"] == "refused", "model"].tolist()
    if len(ok) < 2:
        return ""
    own = "p_inside" if "p_inside" in ok.columns else "probability"  # each model's own
    p = ok.set_index("model")[own].astype(float)
    lo, hi = p.idxmin(), p.idxmax()
    others = [m for m in p.index if m != model]
    from ..verdict import model_label

    text = (f"Across the {len(p)} models that could be fitted their own probability ranges from "
            f"{p[lo]:.0%} ({model_label(lo)}) to {p[hi]:.0%} ({model_label(hi)})")
    if not others:
        return text + "."
    if refused:
        text += (f"; {len(refused)} could not be fitted on these data "
                 f"({', '.join(model_label(m) for m in refused)})")
    return text + "."


def _comparison(ds: Dataset, a: Assessment, model: str | GrowthModel,
                kw: dict[str, Any]) -> pd.DataFrame:
    """:func:`tradepath.compare_models` for an assessment, reusing it for its own model's row
    (same data, settings and seed give the same row: only the other models are simulated,
    once for every target on the same series, through the report's pool in ``kw``)."""
    from ..models import MODELS

    if not isinstance(model, str) or model not in MODELS:
        return compare_models(ds, a.target, **kw)
    others = [m for m in MODELS if m != model]
    frame = compare_models(ds, a.target, models=others,
                           **{k: v for k, v in kw.items() if k != "model"})
    own = a.to_frame().assign(message="")
    pos = list(MODELS).index(model)
    return pd.concat([frame.iloc[:pos], own, frame.iloc[pos:]], ignore_index=True)


#: Columns of :func:`official_comparison`.
OFFICIAL_COLUMNS = ("target", "data", "basis", "last_year", "last_value", "years",
                    "p_combined", "p_inside", "p_outside", "required_growth",
                    "median_path_growth")


def official_comparison(simulated: Sequence[Assessment], kw: dict[str, Any]) -> pd.DataFrame:
    """Each simulated target answered from the documents and from the official series.

    The official series (:func:`tradepath.load_dataset` ``("official")``) is read on Korea's
    basis, the one with a figure for every year through 2025; the documents' figures are on
    Vietnam's. Same model, paths and seed as the report.
    """
    official = load_dataset("official")
    rows = []
    for a in simulated:
        try:
            b = assess(official, a.target, reporter="KR", **kw)
        except (ModelError, DataError):
            continue
        for x, data, basis in ((a, "the documents", "Vietnam's statistics"),
                               (b, "official series", "Korea's statistics")):
            years = int(x.history[x.target.flow].notna().sum())
            rows.append((x.target.name, data, basis, x.last_year, x.last_value, years,
                         x.p_combined, x.p_inside, x.p_outside, x.required_growth,
                         x.median_path_growth))
    return pd.DataFrame(rows, columns=list(OFFICIAL_COLUMNS))


def _check_targets(targets: Any, func: str) -> tuple[Target, ...]:
    if isinstance(targets, Target):
        targets = [targets]
    try:
        items = tuple(targets)
    except TypeError:
        raise fail("targets", func, "a sequence of Target", targets) from None
    if not items:
        raise fail("targets", func, "at least one Target", targets,
                   "The dataset has no targets: give targets=[tp.Target(150, by=2030)].")
    for t in items:
        if not isinstance(t, Target):
            raise fail("targets", func, "a sequence of Target", t)
    names = [t.name for t in items]
    if len(set(names)) != len(names):
        raise fail("targets", func, "targets with different names", names)
    return items


def select_targets(
    ds: Dataset,
    *,
    value: float | None = None,
    by: int | None = None,
    balance: str | BalanceCondition | None = None,
    name: str | None = None,
) -> tuple[Target, ...]:
    """The targets a command asks about: one given by level and deadline, one of the
    dataset's by name, or all of the dataset's (with ``balance`` replacing their conditions).

    Parameters
    ----------
    ds : Dataset
    value, by : float and int, optional
        A target of ``value`` US$ bn total trade by ``by`` (both or neither).
    balance : str or BalanceCondition, optional
        A condition (or its name, see :func:`~tradepath.targets.from_name`). With ``value`` it
        is the new target's condition (default none); otherwise it replaces the condition of
        every selected target that has one.
    name : str, optional
        One of the dataset's targets (e.g. ``"150B by 2030"``).

    Returns
    -------
    tuple of Target

    Examples
    --------
    >>> import tradepath as tp
    >>> from tradepath.report import select_targets
    >>> [t.name for t in select_targets(tp.load_dataset(), value=120, by=2028)]
    ['120B by 2028']
    """
    func = "select_targets"
    from ..targets.balance import from_name

    cond = from_name(balance) if isinstance(balance, str) else balance
    if balance is not None and cond is not None and not isinstance(cond, BalanceCondition):
        raise fail("balance", func, "a condition name or a tradepath.targets.balance condition",
                   balance)
    if (value is None) != (by is None):
        raise fail("by" if by is None else "value", func,
                   "given together with " + ("'value'" if by is None else "'by'"),
                   by if by is None else value, "A target needs a level and a deadline.")
    if value is not None:
        if name is not None:
            raise fail("name", func, "None when a value is given", name)
        return (Target(value, by=by, balance=cond),)  # type: ignore[arg-type]
    chosen = (ds.target(name),) if name is not None else tuple(ds.targets)
    if balance is None:
        return chosen
    if str(balance) == "none":
        return tuple(dataclasses.replace(t, balance=None) for t in chosen)
    return tuple(dataclasses.replace(t, balance=cond) if t.balance is not None else t
                 for t in chosen)


def build_report(
    ds: Dataset | None = None,
    *,
    targets: Sequence[Target] | None = None,
    balance: BalanceCondition | None = None,
    model: str | GrowthModel | None = None,
    n_paths: int = DEFAULT_PATHS,
    seed: Any = DEFAULT_SEED,
    source: str | None = None,
) -> ReportContent:
    """Compute everything the report shows, without writing anything.

    Parameters
    ----------
    ds : Dataset, optional
        Default: the embedded dataset (:func:`tradepath.load_dataset`).
    targets : sequence of Target, optional
        Default: the dataset's targets.
    balance : BalanceCondition, optional
        Replaces the condition of every target that has one (the documents never define
        "balanced"; this is how to report under another reading).
    model : str or GrowthModel, optional
        Default :data:`tradepath.models.DEFAULT_MODEL`.
    n_paths : int, default 20000
        Paths per assessment (see :data:`DEFAULT_PATHS`).
    seed : int, numpy.random.Generator or None, default 0
        Same seed, same report; a Generator or None gives one integer seed, drawn once and
        recorded in the manifest.
    source : str, optional
        The note under every figure; default "Source: figures from the documents; tradepath
        <version>".

    Returns
    -------
    ReportContent

    Raises
    ------
    ParameterError, UnknownNameError
        Bad settings (checked before any computation).
    ModelError, DataError
        The data cannot support any assessment of a target.
    """
    content, kw = _chart_content(ds, targets=targets, balance=balance, model=model,
                                 n_paths=n_paths, seed=seed, source=source)
    content = _complete(content, kw)
    if content.alternatives is None:
        return content
    return dataclasses.replace(content, alternatives=fused_alternatives(content))


def _chart_content(
    ds: Dataset | None,
    *,
    targets: Sequence[Target] | None,
    balance: BalanceCondition | None,
    model: str | GrowthModel | None,
    n_paths: int,
    seed: int,
    source: str | None,
) -> tuple[ReportContent, dict[str, Any]]:
    """The settings checked and what the fan, crossing, balance and feasible-region charts
    show (no model comparison, findings, bottom line or official series yet), with the
    keywords that :func:`_complete` needs to finish it on the same pool."""
    from ..fusion import FusedDataset, fuse

    func = "build_report"
    ds = fuse() if ds is None else ds  # the default answer: every figure, on one basis
    if not isinstance(ds, Dataset):
        raise fail("ds", func, "a tradepath Dataset", type(ds).__name__,
                   "Use tp.load_dataset() or tp.Dataset.from_csv(path).")
    n_paths = check_int("n_paths", func, n_paths, lo=1)
    seed = check_seed("seed", func, seed)  # the integer the report records
    if balance is not None and not isinstance(balance, BalanceCondition):
        raise fail("balance", func, "a tradepath.targets.balance condition or None", balance)
    items = _check_targets(ds.targets if targets is None else targets, func)
    if balance is not None:
        items = tuple(dataclasses.replace(t, balance=balance) if t.balance is not None else t
                      for t in items)
    model_name = _model_name(model)
    model_arg: str | GrowthModel = model if model is not None else model_name
    if source is None:
        from ..plotting.style import source_text

        source = source_text(ds)
    horizon = report_horizon(items)
    # One pool for the whole report: each model is fitted and simulated once per series, and
    # every target, follow-up, comparison row, page, table and figure reads the same paths.
    pool = SimulationPool()
    kw: dict[str, Any] = dict(model=model_arg, n_paths=n_paths, seed=seed, horizon=horizon,
                              pool=pool)

    assessments = tuple(assess(ds, t, **kw) for t in items)
    latest = max(t.by for t in items)
    followups: dict[str, Assessment] = {}
    for a in assessments:
        if a.status in ("missed", "unknown"):  # unknown: the deadline precedes the data
            last = a.last_year
            by = max(latest, last + 1)
            followups[a.target.name] = assess(ds, _followup(a.target, by), **kw)
    simulated = [a for a in [*assessments, *followups.values()] if a.status == "simulated"]
    main = max(simulated, key=lambda a: (a.target.by, a.target.balance is not None),
               default=None)

    skipped: dict[str, str] = {}
    balance_source = None
    if main is not None:
        if "exports" in main.paths:
            balance_source = main
        else:
            try:
                balance_source = assess(ds, dataclasses.replace(main.target,
                                                                balance=more_balanced()), **kw)
            except (ModelError, DataError) as exc:
                skipped["balance"] = str(exc)
    else:
        skipped["balance"] = "no target is left to simulate (all are answered by the data)"

    region = None
    region_target = main.target if main is not None else None
    if region_target is not None:
        from ..scenarios import feasible_region

        try:
            region = feasible_region(ds, region_target)
        except (DataError, ParameterError, ModelError) as exc:
            skipped["feasible"] = str(exc)
    else:
        skipped["feasible"] = "no target with a deadline after the data"

    # The embedded documents' figures get the official series beside them (answered in
    # _complete; its page is already counted), a user's data not.
    documents = set(ds.observations["dataset"]) == {"documents"}
    content = ReportContent(
        dataset=ds, targets=items, model=model_name, n_paths=n_paths, seed=seed,
        assessments=assessments, followups=followups, comparisons={}, main=main,
        balance_source=balance_source, region=region, findings={}, skipped=skipped,
        source=source, checks=ds.check(), pool=pool,
        official=pd.DataFrame(columns=list(OFFICIAL_COLUMNS)) if documents else None,
        alternatives=(pd.DataFrame(columns=list(ANSWER_COLUMNS))
                      if isinstance(ds, FusedDataset) else None),
    )
    if content.alternatives is not None:  # what fused_alternatives needs besides the content
        content.alternatives.attrs["model"] = model_arg
    return content, kw


def fused_alternatives(c: ReportContent) -> pd.DataFrame:
    """Each target of a fused-history report answered from each source and basis alone
    (:func:`tradepath.fusion.answers.alternative_answers`), with the report's model, paths,
    seed and horizon; for the data page, which the second process draws meanwhile."""
    from ..fusion import FusedDataset
    from ..fusion.answers import alternative_answers

    if c.alternatives is None or len(c.alternatives) or not isinstance(c.dataset,
                                                                        FusedDataset):
        return c.alternatives if c.alternatives is not None else pd.DataFrame()
    # The report's pool: the fused history's own row is the report's assessment, read again.
    kw = dict(model=c.alternatives.attrs.get("model", c.model), n_paths=c.n_paths,
              seed=c.seed, horizon=report_horizon(c.targets),
              pool=c.pool if c.pool is not None else SimulationPool())
    asked = [*c.assessments, *c.followups.values()]
    fused = c.dataset
    return pd.concat([alternative_answers(fused, a.target, **kw) for a in asked],
                     ignore_index=True)


def _complete(content: ReportContent, kw: dict[str, Any]) -> ReportContent:
    """The rest of the content added to :func:`_chart_content`'s: every model on each
    simulated target, the findings, the bottom line with its sensitivities and the official
    series beside the documents (what the other charts do not need, so that a second process
    can draw them meanwhile)."""
    from ..verdict import bottom_line

    ds = content.dataset
    assessments, followups = content.assessments, content.followups
    simulated = [a for a in [*assessments, *followups.values()] if a.status == "simulated"]
    comparisons = {a.target.name: _comparison(ds, a, kw["model"], kw)
                   for a in sorted(simulated, key=lambda a: a.target.by)}
    findings: dict[str, str] = {}
    for a in assessments:
        text = a.finding()
        if a.status == "simulated":
            text += " " + _spread(comparisons[a.target.name], a.model)
        elif a.target.name in followups:
            f = followups[a.target.name]
            text += " When is that level reached instead? " + f.finding()
            if f.target.name in comparisons:
                text += " " + _spread(comparisons[f.target.name], f.model)
        findings[a.target.name] = plain_plurals(text.strip())
    bottom = bottom_line(ds, assessments, followups=followups, comparisons=comparisons,
                         pool=kw["pool"])
    official = None if content.official is None else official_comparison(simulated, kw)
    return dataclasses.replace(content, comparisons=comparisons, findings=findings,
                               bottom=bottom, official=official)
