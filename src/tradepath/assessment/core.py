"""Targets x fitted models: how likely is a target met by its deadline, and when.

:func:`assess` answers one target with one model (:func:`assess_targets` several targets from
one set of paths); :func:`compare_models` lines every model up.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

from .._defaults import DEFAULT_PATHS, DEFAULT_REPORTER, DEFAULT_SEED, default_horizon
from .._validation import (
    YEAR_MAX,
    check_cells,
    check_choice,
    check_int,
    check_rng,
    check_year,
    check_years,
    fail,
)
from ..data import DEFAULT_KINDS, Dataset, Reporter
from ..errors import ModelError, ParameterError, TradepathError
from ..models.share import ShareModel
from ..targets.target import Target, outcome_from_data
from .crossing import CrossingYear
from .pool import SimulationPool, simulate
from .progress import (
    OBSERVED_WINDOW,
    ON_TRACK_BANDS,
    data_status,
    observed_growth,
    on_track_label,
    on_track_labels,
    required_rate,
)
from .results import Assessment, Reading

if TYPE_CHECKING:

    from ..models import GrowthModel

__all__ = [
    "ON_TRACK_BANDS",
    "Assessment",
    "CrossingYear",
    "ShareModel",
    "assess",
    "assess_targets",
    "compare_models",
    "on_track_label",
    "on_track_labels",
]

BANDS = (0.025, 0.1, 0.25, 0.5, 0.75, 0.9, 0.975)


def _observed_growth(s: pd.Series, window: int = OBSERVED_WINDOW) -> float:
    last = int(s.index[-1])
    recent = s[s.index >= last - window]
    if len(recent) < 2:
        recent = s.iloc[-2:]
    return float(observed_growth(recent.iloc[0], int(recent.index[0]), recent.iloc[-1], last))


def _views(target: Target, s: pd.Series, p_inside: float, p_total: float, fit: Any,
           pool: SimulationPool | None = None) -> dict[str, Any]:
    """The three probabilities and what they lean on (the fields of :class:`Assessment`).

    ``p_total`` is the inside view of the level alone: the record of targets speaks to the
    level, the model to a balance condition given the level
    (``p_combined = combine(p_total, outside) * p_inside / p_total``).
    """
    from ..reference.pooling import combine
    from ..reference.views import outside_view

    # P(balance condition | level reached); 1 without a condition (p_inside == p_total)
    given = 1.0 if p_inside == p_total else p_inside / p_total if p_total > 0 else 0.0
    try:
        ov = outside_view(target, s) if pool is None else pool.outside_view(target, s)
    except ModelError:
        ov = None
    # The data weight of the current growth (stochastic_growth's, alone or in the ensemble)
    sg = fit.components.get("stochastic_growth") if hasattr(fit, "components") else fit
    w = getattr(sg, "params", {}).get("data_weight_slope", math.nan)
    lean = ""
    if not math.isnan(w):
        on = ("the panel prior" if w < 0.33 else "the series' own data" if w > 0.67
              else "prior and data about equally")
        lean = f"The inside view's current growth leans on {on} (data weight {w:.2f}). "
    if ov is None:
        return {"p_inside": p_inside, "p_outside": math.nan, "p_combined": p_inside,
                "n_reference": 0, "n_comparable": 0,
                "basis": f"{lean}No record of targets to compare with: the combined "
                         "probability is the model's."}
    from ..reference.pooling import reference_pool

    pool_w = reference_pool()
    x = pool_w.x_of(s)
    lo, hi = pool_w.interval(0.8, x)
    record = (f"the record of {ov.n_reference} resolved targets whose growth gap is known "
              f"({ov.n_reference_met} met)")
    cond = (f"; the balance condition from the model ({given:.0%} of the paths that reach "
            "the level meet it)" if p_inside != p_total else "")
    basis = (f"{lean}The combined probability pools the model's probability and the base rate "
             f"of {record} on the logit scale, the {pool_w.describe(x)}{cond}.")
    return {"p_inside": p_inside, "p_outside": ov.base_rate,
            "p_combined": combine(p_total, ov, pool=pool_w, series=s) * given,
            "n_reference": ov.n_reference, "n_comparable": ov.n_similar,
            "pool_weight": pool_w.mean(x), "pool_weight_sd": pool_w.sd(x),
            "pool_weight_interval": (lo, hi), "basis": basis[0].upper() + basis[1:]}


def _resolve_model(model: str | GrowthModel | None) -> GrowthModel:
    from ..models._base import GrowthModel

    if isinstance(model, GrowthModel):
        return model
    from ..models import DEFAULT_MODEL, get_model

    return get_model(DEFAULT_MODEL if model is None else model)


def _data_notes(kinds_frame: pd.DataFrame, flow: str, s: pd.Series) -> list[str]:
    notes = []
    k = kinds_frame[flow].reindex(s.index)
    soft = {int(y): str(v) for y, v in k.items() if v not in ("reported", None)}
    if soft:
        notes.append("Fitted on values that are not plainly reported: "
                     + ", ".join(f"{y} ({v})" for y, v in soft.items()) + ".")
    return notes


def _fused(ds: Dataset, reporter: str) -> Any:
    from ..fusion import FusedDataset

    return ds if isinstance(ds, FusedDataset) and ds.basis == reporter else None


def _fused_years(ds: Dataset, reporter: str, target: Target, annual: pd.DataFrame) -> str:
    """The fused years of a missed target's window with no figure on the basis, in words."""
    fused = _fused(ds, reporter)
    if fused is None:
        return ""
    start = target.announced if target.announced is not None else int(annual.index.min())
    frame = fused.to_frame()
    years = [y for y in range(min(start, target.by), target.by + 1)
             if (y, target.flow) in frame.index and pd.isna(frame.loc[(y, target.flow),
                                                                        "own_figure"])]
    if not years:
        return ""
    return " (" + "; ".join(f"{y} ≈ {fused.describe_year(target.flow, y)}"
                            for y in years) + ")"


def _fused_note(fused: Any, flow: str, last_year: int) -> str:
    return ("Fitted on the fused history (every figure on both bases, see tp.fuse); "
            f"{last_year} ≈ {fused.describe_year(flow, last_year)} (± the 80 % band), "
            "drawn afresh on every path.")


def assess(
    ds: Dataset,
    target: Target,
    *,
    model: str | GrowthModel | None = None,
    n_paths: int = DEFAULT_PATHS,
    seed: Any = DEFAULT_SEED,
    reporter: Reporter = DEFAULT_REPORTER,
    kinds: Sequence[str] = DEFAULT_KINDS,
    start: int | None = None,
    exclude: Iterable[int] = (),
    horizon: int | None = None,
    reading: Reading = "by",
    view: Literal["combined", "inside"] = "combined",
    pool: SimulationPool | None = None,
) -> Assessment:
    """How likely ``target`` is met by its deadline, and in which year it is first met.

    Parameters
    ----------
    ds : Dataset
    target : Target
    model : str or GrowthModel, optional
        A registry name (see :data:`tradepath.models.MODELS`) or a configured model. None
        uses :data:`tradepath.models.DEFAULT_MODEL`.
    n_paths : int, default 20000
        :data:`tradepath._defaults.DEFAULT_PATHS`, as in the report and the command line.
    seed : int or numpy.random.Generator, default 0
        Same seed, same numbers.
    reporter : {"VN", "KR", "unstated"}, default "VN"
        Reporter basis of the series fitted.
    kinds : sequence of str, default ("reported", "approximate", "derived")
        Kinds of figure used (add "lower_bound" to use bounds as values).
    start : int, optional
        First year of the fit window.
    exclude : iterable of int
        Years left out of the fit (e.g. ``(2020,)``).
    horizon : int, optional
        Last simulated year; default 2050 or the deadline if later
        (:func:`tradepath._defaults.default_horizon`, as in the report and the command line).
    reading : {"by", "in"}, default "by"
        "by": met in some year up to and including the deadline; "in": met in the deadline
        year itself.
    view : {"combined", "inside"}, default "combined"
        The headline ``probability``: the combined probability (the model's pooled with the
        record of announced targets, :func:`tradepath.reference.pooling.combine`) or the
        model's own. All three (inside, outside, combined) are reported either way.
    pool : SimulationPool, optional
        Fits and simulated paths shared with other assessments (:mod:`.pool`): the
        same model, series, paths, horizon and integer seed are fitted and simulated once.
        The numbers are those of an assessment without a pool.

    Returns
    -------
    Assessment

    Raises
    ------
    ModelError
        The model cannot be fitted on the series (too few points, non-positive values), or a
        balanced target without export and import data.
    ParameterError
        Bad arguments, or a simulation too large for memory (the message gives the size).

    Notes
    -----
    The target is met in a year when the annual value of ``target.flow`` is at least
    ``target.value`` and, if the target has a balance condition, that condition holds in the
    same year (bound to the data: "more balanced" compares with its base year). A target
    already met in the data is reported as met with its year; a deadline already passed is
    answered from the data. Otherwise each path draws the model's parameters and shocks; for
    balanced targets the export share is simulated by :class:`ShareModel` on the same paths.

    Examples
    --------
    >>> import tradepath as tp
    >>> ds = tp.load_dataset()
    >>> a = tp.assess(ds, ds.target("100B by 2023"))  # announced 2021; no 2022 figure
    >>> a.status
    'unknown'
    """
    func = "assess"
    n_paths, rng, exclude, start, horizon = _checked(ds, target, n_paths, reading, view, seed,
                                                     exclude, start, horizon)
    annual, kinds_frame, condition, s = _series(ds, target, reporter, kinds, start, exclude)
    cond_text = condition.describe() if condition is not None else "none"
    last_year = int(s.index[-1])
    horizon = min(default_horizon([target.by]), YEAR_MAX) if horizon is None else horizon
    if horizon < target.by:
        raise fail("horizon", func, f"at least the deadline {target.by}", horizon)
    common = _progress(target, s, reading, cond_text, n_paths, seed, annual, kinds_frame)

    answered = _answered_by_data(ds, reporter, target, annual, condition, common)
    if answered is not None:
        return answered

    check_cells(func, n_paths, horizon - last_year, n_arrays=6 if condition is not None else 3)
    fit, fused, sim = _fit_and_simulate(ds, reporter, target, s, model, n_paths, horizon, seed,
                                        rng, pool)
    paths, hit, level_hit, share_model = _met_on_paths(ds, reporter, kinds, target, condition,
                                                       sim, last_year, pool)
    notes = list(fit.notes) + (_data_notes(kinds_frame, target.flow, s) if fused is None
                               else [_fused_note(fused, target.flow, last_year)])
    if share_model is not None:
        notes.append(_share_note(share_model))
    p_inside, p_total, crossing = _first_years(hit, level_hit, sim.years, target, last_year,
                                               reading, horizon)
    views = _views(target, s, p_inside, p_total, fit, pool)
    return Assessment(
        model=fit.model, status="simulated",
        probability=views["p_combined"] if view == "combined" else p_inside,
        headline=view, **views, met_year=None,
        crossing_year=crossing, fitted_growth=fit.growth, notes=tuple(notes),
        bands=sim.quantiles(BANDS), paths=paths, fit=fit, **common,
    )


def _checked(ds: Any, target: Any, n_paths: Any, reading: Any, view: Any, seed: Any,
             exclude: Any, start: Any, horizon: Any,
             ) -> tuple[int, np.random.Generator, tuple[int, ...], int | None, int | None]:
    """:func:`assess`'s arguments checked: the number of paths, the generator, the years
    left out, the first year and the horizon."""
    func = "assess"
    if not isinstance(ds, Dataset):
        raise fail("ds", func, "a tradepath Dataset", type(ds).__name__, "Use tp.load_dataset().")
    if not isinstance(target, Target):
        raise fail("target", func, "a tradepath Target", target, "E.g. tp.Target(150, by=2030).")
    n_paths = check_int("n_paths", func, n_paths, lo=1)
    check_choice("reading", func, reading, ("by", "in"))
    check_choice("view", func, view, ("combined", "inside"))
    rng = check_rng("seed", func, seed)
    exclude = check_years("exclude", func, exclude)
    start = None if start is None else check_year("start", func, start)
    horizon = None if horizon is None else check_year("horizon", func, horizon)
    return n_paths, rng, exclude, start, horizon


def _progress(target: Target, s: pd.Series, reading: str, cond_text: str, n_paths: int,
              seed: Any, annual: pd.DataFrame, kinds_frame: pd.DataFrame) -> dict[str, Any]:
    """The fields every assessment has: the target, the growth needed against the growth
    seen, the last figure and the settings."""
    last_year, last_value = int(s.index[-1]), float(s.iloc[-1])
    steps_to_deadline = max(target.by - last_year, 0)
    required = float(required_rate(target.value, last_value, steps_to_deadline))
    observed = _observed_growth(s) if len(s) > 1 else math.nan
    ratio, label = on_track_label(observed, required) if steps_to_deadline else (math.nan, "")
    return dict(
        target=target, reading=reading, required_growth=required, observed_growth=observed,
        on_track_ratio=ratio, on_track=label, condition=cond_text, last_year=last_year,
        last_value=last_value, n_paths=n_paths, seed=seed if not isinstance(
            seed, np.random.Generator) else "Generator",
        history=annual, history_kinds=kinds_frame,
    )


def _fit_and_simulate(ds: Dataset, reporter: Reporter, target: Target, s: pd.Series,
                      model: Any, n_paths: int, horizon: int, seed: Any,
                      rng: np.random.Generator, pool: SimulationPool | None,
                      ) -> tuple[Any, Any, Any]:
    """The model fitted to ``s`` (on a fused history, started from the fused last level), the
    fused history or None, and the simulated paths (from ``pool`` where it may serve them)."""
    gm = _resolve_model(model)
    # Only an integer seed names its draws (a generator moves on; None is fresh entropy).
    pooled = pool is not None and isinstance(seed, int | np.integer)
    fit = pool.fit(gm, s) if pool is not None and pooled else gm.fit(s)
    fused = _fused(ds, reporter)
    if fused is not None:  # every path starts from a draw of the fused last level
        fit = fused.start_from_posterior(fit, target.flow)
    try:
        sim = (pool.simulate(gm, fit, n_paths, horizon, int(seed))
               if pool is not None and pooled else simulate(fit, n_paths, horizon, rng))
    except TradepathError:  # also ValueErrors: pass them on unchanged, wrap only numpy's
        raise
    except (ValueError, FloatingPointError, np.linalg.LinAlgError) as exc:
        raise ModelError(f"{fit.model}: simulation failed: {exc}") from exc
    return fit, fused, sim


def _series(ds: Dataset, target: Target, reporter: Reporter, kinds: Sequence[str],
            start: int | None, exclude: Sequence[int],
            ) -> tuple[pd.DataFrame, pd.DataFrame, Any, pd.Series]:
    """The annual frame and its kinds, the target's condition bound to it, and the series of
    the target's flow that is fitted (from ``start``, without ``exclude``)."""
    annual = ds.annual(reporter, kinds=kinds)
    kinds_frame = ds.annual_kinds(reporter, kinds=kinds)
    if annual.empty:
        raise ModelError(f"no annual figures on the {reporter!r} basis with kinds {tuple(kinds)}")
    condition = target.balance.bind(annual) if target.balance is not None else None
    s = annual[target.flow].dropna()
    if start is not None:
        s = s[s.index >= start]
    s = s[~s.index.isin(list(exclude))]
    if s.empty:
        raise ModelError(f"no {target.flow} figures to assess on the {reporter!r} basis")
    return annual, kinds_frame, condition, s


def _first_years(hit: np.ndarray, level_hit: np.ndarray, years: np.ndarray, target: Target,
                 last_year: int, reading: str, horizon: int,
                 ) -> tuple[float, float, CrossingYear]:
    """The share of paths that meet the target (and its level alone) by or in the deadline,
    and the distribution of the first year each path meets it."""
    n_paths = len(hit)
    any_hit = hit.any(axis=1)
    first_idx = np.where(any_hit, hit.argmax(axis=1), -1)
    first_year = np.where(any_hit, years[np.maximum(first_idx, 0)], np.inf)
    k_deadline = target.by - last_year - 1
    p_inside = float(hit[:, k_deadline].mean() if reading == "in"
                     else (first_year <= target.by).mean())
    p_total = float(level_hit[:, k_deadline].mean() if reading == "in"
                    else level_hit[:, :k_deadline + 1].any(axis=1).mean())
    dist = pd.Series(np.bincount(first_idx[any_hit], minlength=len(years)) / n_paths,
                     index=pd.Index(years, name="year"), name="p_first")
    crossing = CrossingYear(distribution=dist, p_not_by_horizon=float((~any_hit).mean()),
                            horizon=horizon, n_paths=n_paths)
    return p_inside, p_total, crossing


def _answered_by_data(ds: Dataset, reporter: Reporter, target: Target, annual: pd.DataFrame,
                      condition: Any, common: dict[str, Any]) -> Assessment | None:
    """The assessment when the data answer it (met in an observed year up to the deadline, or
    the deadline past), else None."""
    hist = annual.loc[annual.index <= target.by]
    ok = hist[target.flow] >= target.value
    if condition is not None:
        ok &= pd.Series(condition.holds(hist["exports"], hist["imports"]), index=hist.index)
    met_years = [int(y) for y in hist.index[ok.fillna(False).astype(bool)]]
    status = str(data_status(met_years[0] if met_years else math.inf, target.by,
                             common["last_year"]))
    basis = "the observed years"
    if status == "missed":  # one rule for a past deadline, shared with the bottom line
        outcome = outcome_from_data(target, annual)
        status, basis = outcome.status, outcome.reason
        basis += _fused_years(ds, reporter, target, annual)
    if not status:
        return None
    unseen = [int(y) for y in hist.index if pd.isna(hist.loc[y, target.flow])]
    notes = []
    if not met_years and unseen:
        notes.append(f"Years up to the deadline with no figure: {unseen[-5:]}"
                     + (" (and earlier)" if len(unseen) > 5 else "") + ".")
    answer = (1.0 if met_years else 0.0) if status != "unknown" else math.nan
    return Assessment(
        model="data", status=status, probability=answer, p_inside=answer,
        p_outside=answer, p_combined=answer, headline="data",
        basis=basis, met_year=met_years[0] if met_years else None,
        crossing_year=None, fitted_growth=math.nan, notes=tuple(notes), **common,
    )


def _met_on_paths(ds: Dataset, reporter: Reporter, kinds: Sequence[str], target: Target,
                  condition: Any, sim: Any, last_year: int, pool: SimulationPool | None,
                  ) -> tuple[dict[str, np.ndarray], np.ndarray, np.ndarray, ShareModel | None]:
    """The simulated paths of the target's flow (and, for a balance condition, of exports
    and imports from the share model), where each path meets the target, where it meets the
    level alone, and the share model (None without a condition)."""
    paths: dict[str, np.ndarray] = {target.flow: sim.total}
    level_hit = sim.total >= target.value
    hit, share_model = level_hit, None
    if condition is not None:
        if target.flow != "total":
            raise ParameterError("a balance condition applies to a target on the total only")
        share_model = (ShareModel.from_dataset(ds, reporter, kinds, last_year=last_year)
                       if pool is None else pool.share_model(ds, reporter, kinds, last_year))
        paths["exports"], paths["imports"] = sim.exports_imports(share_model)
        hit = hit & np.asarray(condition.holds(paths["exports"], paths["imports"]), dtype=bool)
    return paths, hit, level_hit, share_model


def _share_note(share_model: ShareModel) -> str:
    """The share model in one sentence, for the assessment's notes."""
    sp = share_model.params
    return (f"Export share modelled as a random walk of its log-odds: last share "
            f"{sp['last_share']:.1%}, drift {sp['drift_posterior']:+.3f} a year (the data's "
            f"{sp['drift']:+.3f}, shrunk towards no drift), volatility {sp['sigma']:.3f}; "
            f"independent of the total's shocks. {share_model.note}")


def assess_targets(
    ds: Dataset,
    targets: Sequence[Target],
    *,
    pool: SimulationPool | None = None,
    **kwargs: Any,
) -> tuple[Assessment, ...]:
    """:func:`assess` for several targets, with one fit and one set of paths per series.

    Targets on the same flow, data and horizon (100B and 150B by 2030) are read off the same
    simulated paths; each result equals :func:`assess` of its target alone with the same seed.

    Parameters
    ----------
    ds : Dataset
    targets : sequence of Target
    pool : SimulationPool, optional
        Fits and paths to share with other calls (default: a new pool for this call).
    **kwargs
        As for :func:`assess` (model, n_paths, seed, horizon, ...).

    Returns
    -------
    tuple of Assessment
        One per target, in order.

    Examples
    --------
    >>> import tradepath as tp
    >>> from tradepath.assessment.core import assess_targets
    >>> ds = tp.load_dataset()
    >>> a, b = assess_targets(ds, [tp.Target(100, by=2030), tp.Target(150, by=2030)],
    ...                       n_paths=2000, horizon=2040)
    >>> a.probability >= b.probability
    True
    """
    if isinstance(targets, Target):
        targets = [targets]
    pool = SimulationPool() if pool is None else pool
    return tuple(assess(ds, t, pool=pool, **kwargs) for t in targets)


def compare_models(
    ds: Dataset,
    target: Target,
    *,
    models: Sequence[str | GrowthModel] | None = None,
    pool: SimulationPool | None = None,
    **kwargs: Any,
) -> pd.DataFrame:
    """Every model side by side for one target: one row per model.

    Models that cannot be fitted appear with status "refused" and the reason, so the table
    always shows what was tried. Keyword arguments go to :func:`assess`; ``pool`` shares the
    fits and paths with other calls (e.g. the same models for another target on the same
    series, see :class:`tradepath.assessment.pool.SimulationPool`).

    Returns
    -------
    DataFrame
        Columns as :meth:`Assessment.to_frame`, plus ``message``.
    """
    from ..models import MODELS

    func = "compare_models"
    if isinstance(models, str):
        models = [models]
    names: Sequence[str | GrowthModel] = list(MODELS) if models is None else list(models)
    if not names:
        raise fail("models", func, "None (every model) or at least one model name", models,
                   f"Available: {', '.join(MODELS)}.")
    pool = SimulationPool() if pool is None else pool
    rows = []
    for m in names:
        try:
            frame = assess(ds, target, model=m, pool=pool, **kwargs).to_frame()
            if frame.loc[0, "model"] == "data":  # answered from the data: one row is enough
                return frame.assign(message="answered from the data")
            rows.append(frame.assign(message=""))
        except ModelError as exc:
            name = m if isinstance(m, str) else type(m).__name__
            rows.append(pd.DataFrame([{"target": target.name, "model": name,
                                       "status": "refused", "message": str(exc)}]))
    return pd.concat(rows, ignore_index=True)
