"""The :class:`Dataset`: stated and derived observations, annual views, checks, merges."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import pandas as pd

from .._defaults import DEFAULT_REPORTER
from .._io import output_file
from .._validation import (
    check_choice,
    check_real,
    check_year,
    check_years,
    fail,
)
from ..errors import DataError, UnknownNameError
from ..targets.target import Target, read_targets
from .countries import pair_reporters
from .files import _check_duplicates, _read_claims, _read_csv, _validate
from .schema import (
    CLAIM_COLUMNS,
    COLUMNS,
    DEFAULT_KINDS,
    DEFAULTS,
    FLOWS,
    KINDS,
    REPORTERS,
    Reporter,
    data_dir,
    preferred,
)

__all__ = ["DATASETS", "Dataset", "load_dataset"]

def _derive(stated: pd.DataFrame, claims: pd.DataFrame) -> pd.DataFrame:
    """Rows implied by growth claims for periods that no stated figure covers."""
    growth = claims[claims["claim"] == "growth"] if len(claims) else claims
    if growth.empty:
        return stated.iloc[0:0]
    keys = list(zip(stated["pair"], stated["period"], stated["flow"], stated["reporter"],
                    strict=True))
    have = set(keys)
    # The first reported or approximate figure of each period, flow and reporter: the base.
    first: dict[tuple[str, ...], int] = {}
    for i, (key, kind) in enumerate(zip(keys, stated["kind"], strict=True)):
        if kind in ("reported", "approximate"):
            first.setdefault(key, i)
    rows = []
    for c in growth.itertuples(index=False):
        if (c.pair, c.reference_period, c.flow, c.reporter) in have:
            continue  # the claim is testable instead; see Dataset.check
        at = first.get((c.pair, c.period, c.flow, c.reporter))
        if at is None:
            continue
        base = stated.iloc[at]
        v = float(base["value_usd_bn"])
        rows.append({
            "pair": c.pair, "period": c.reference_period, "flow": c.flow,
            "value_usd_bn": v / (1.0 + c.value), "reporter": c.reporter, "kind": "derived",
            "source": f"{base['source']}; {c.source}",
            "note": f"Implied by {c.period} {c.flow} of {v:g} and growth of {c.value:+.1%}.",
            "formula": f"{v:g} / (1 + {c.value:g})", "release": base["release"],
            "dataset": base["dataset"],
        })
    if not rows:
        return stated.iloc[0:0]
    return pd.DataFrame(rows, columns=list(COLUMNS)).astype(stated.dtypes.to_dict())


def _check_targets(targets: Any, func: str) -> tuple[Target, ...]:
    if isinstance(targets, Target):
        return (targets,)
    if isinstance(targets, str | bytes) or not isinstance(targets, Iterable):
        raise fail("targets", func, "an iterable of tradepath.Target", targets)
    out = tuple(targets)
    for t in out:
        if not isinstance(t, Target):
            raise fail("targets", func, "an iterable of tradepath.Target", t)
    return out


@dataclass(frozen=True, slots=True, eq=False)
class Dataset:
    """Observations with provenance, the claims that check them, and targets.

    Build one with :func:`load_dataset`, :meth:`from_csv` or :meth:`from_frame`; never mutated.
    Accessors return fresh frames, so changing them leaves the dataset as it was.

    Examples
    --------
    >>> import tradepath as tp
    >>> ds = tp.load_dataset()
    >>> float(ds.annual().loc[2024, "total"])
    81.5
    """

    _stated: pd.DataFrame
    _claims: pd.DataFrame
    targets: tuple[Target, ...] = ()
    _derived: pd.DataFrame = dataclasses.field(init=False, repr=False)
    _cache: dict[tuple[Any, ...], Any] = dataclasses.field(
        init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_derived", _derive(self._stated, self._claims))
        object.__setattr__(self, "_cache", {})

    # -- construction --------------------------------------------------------------------
    @classmethod
    def from_frame(
        cls,
        df: pd.DataFrame,
        *,
        claims: pd.DataFrame | None = None,
        targets: Iterable[Target] = (),
    ) -> Dataset:
        """A dataset from a DataFrame of observations (see the module docs for columns).

        Only ``period``, ``flow`` and ``value_usd_bn`` are required; ``pair`` defaults to
        ``"VNM-KOR"``, ``reporter`` to ``"VN"``, ``kind`` to ``"reported"``, ``source`` to
        ``"user"``. Rows are numbered from 1 in error messages.

        Periods may be strings or whole numbers (``2024`` or ``2024.0``); any Unicode
        digits are stored as ASCII, so ``"２０２０"`` and ``"2020"`` are the same period.
        Categorical and string columns are read like object columns.

        Raises
        ------
        ParameterError
            ``df`` is not a DataFrame, or ``targets`` holds something else than Targets.
        DataError
            Naming the row and the field, for no rows, duplicate or multi-level columns, a
            missing column, an unknown flow, reporter or kind, a missing, NaN, boolean,
            non-numeric, infinite, zero or (except for ``balance``) negative value, a number
            written with a comma, an unparsable period or one outside 1900-2100, a text
            field over :data:`MAX_FIELD_CHARS` characters, or conflicting duplicates.
            Nothing partial is returned.
        """
        stated = _validate(df, "observations", row_base=1)
        targets = _check_targets(targets, "Dataset.from_frame")
        claims_frame = (
            pd.DataFrame(columns=list(CLAIM_COLUMNS)).astype(
                {c: "str" for c in CLAIM_COLUMNS} | {"value": "float64"})
            if claims is None else claims.copy()
        )
        return cls(stated, claims_frame, tuple(targets))

    @classmethod
    def from_csv(cls, path: str | Path, *, targets: Iterable[Target] = ()) -> Dataset:
        """A dataset from a CSV file of observations; errors give the file and line number.

        The file is UTF-8 text, comma-separated, with a header line naming the columns
        (see the module docs), at most :data:`MAX_FILE_BYTES` (50 MB; read whole, not
        streamed). Accepted and fixed: the byte-order mark Excel writes, blank lines and
        lines of empty fields, empty trailing columns, full-width or other Unicode digits
        (stored as ASCII), and ``−`` (U+2212) as a minus sign.

        Raises
        ------
        ParameterError
            ``path`` is not a path.
        DataError
            With the file and line: a missing, empty, header-only, binary, non-UTF-8 or too
            large file, a folder; a ';' or tab delimiter; duplicate or unnamed columns; a
            line with more fields than the header (an unquoted ``1,234.5`` or ``81,5`` is
            named as such); every row problem listed in :meth:`from_frame`.
        """
        frame, lines = _read_csv(path, "observations")
        targets = _check_targets(targets, "Dataset.from_csv")
        stated = _validate(frame, str(path), row_base=2, row_label="line", row_numbers=lines)
        empty = pd.DataFrame(columns=list(CLAIM_COLUMNS)).astype(
            {c: "str" for c in CLAIM_COLUMNS} | {"value": "float64"})
        return cls(stated, empty, tuple(targets))

    def with_observations(self, df: pd.DataFrame) -> Dataset:
        """A new dataset with the rows of ``df`` added; this one is unchanged."""
        extra = _validate(df, "added observations", row_base=1)
        both = pd.concat([self._stated, extra], ignore_index=True)
        # The official series keeps disagreeing publications side by side (see check()).
        _check_duplicates(both, "observations", row_base=1,
                          by_publication=bool((self._stated["dataset"] == "official").any()))
        return Dataset(both.drop_duplicates(ignore_index=True), self._claims, self.targets)

    def to_csv(self, path: str | Path, *, overwrite: bool = False) -> Path:
        """Write the stated observations (not the derived rows, which are recomputed).

        Written to a temporary file and moved into place, so a failure leaves no partial file.

        Parameters
        ----------
        path : str or path-like
            The file to write; its folder must exist.
        overwrite : bool, default False
            Replace an existing file.

        Raises
        ------
        OutputError
            The folder is missing or not writable (the message names ``path``).
        OutputExistsError
            ``path`` exists and ``overwrite`` is False, or is a folder.
        """
        with output_file(path, overwrite=overwrite, func="Dataset.to_csv") as fh:
            self._stated.to_csv(fh, index=False, float_format="%.15g")
        return Path(path).expanduser()

    # -- views ---------------------------------------------------------------------------
    @property
    def observations(self) -> pd.DataFrame:
        """Every figure, stated and derived, one row each with its provenance (a copy)."""
        return pd.concat([self._stated, self._derived], ignore_index=True)

    @property
    def claims(self) -> pd.DataFrame:
        """Growth-rate and ratio claims in the documents, as stated (a copy)."""
        return self._claims.copy()

    def source_words(self) -> str:
        """What the figures are, in words (the source note under a figure): of the embedded
        figures, by their sources (a document line or a URL), "figures from the documents",
        "the official series on both bases" or "the documents and the official series on both
        bases"; any other, "the figures given"."""
        sources = set(self._stated["source"].astype(str))
        docs, official = (set(load_dataset(name)._stated["source"].astype(str))
                          for name in ("documents", "official"))
        if not sources or not sources <= docs | official:
            return "the figures given"
        if sources <= docs:
            return "figures from the documents"
        return ("the official series on both bases" if sources <= official else
                "the documents and the official series on both bases")

    @property
    def pairs(self) -> tuple[str, ...]:
        """The trade pairs in the dataset."""
        return tuple(dict.fromkeys(self._stated["pair"]))

    def target(self, name: str) -> Target:
        """The dataset's target called ``name`` (e.g. ``"150B by 2030"``)."""
        for t in self.targets:
            if t.name == name:
                return t
        raise UnknownNameError(
            f"no target named {name!r}; the dataset has {[t.name for t in self.targets]}"
        )

    def targets_frame(self) -> pd.DataFrame:
        """The targets as a table: name, value, deadline, condition, announced, outcome, source."""
        return pd.DataFrame(
            [
                {
                    "name": t.name, "value_usd_bn": t.value, "by": t.by, "flow": t.flow,
                    "balance": t.balance.describe() if t.balance is not None else "none",
                    "announced": t.announced, "outcome": t.outcome, "source": t.source,
                }
                for t in self.targets
            ],
            columns=["name", "value_usd_bn", "by", "flow", "balance", "announced", "outcome",
                     "source"],
        )

    def _pair(self, pair: str | None) -> str:
        pairs = self.pairs
        if pair is None:
            if len(pairs) > 1:
                raise fail("pair", "Dataset.annual", f"one of {pairs}", pair,
                           "The dataset holds several pairs; name one.")
            return pairs[0] if pairs else DEFAULTS["pair"]
        return check_choice("pair", "Dataset.annual", pair, pairs)

    def _annual(
        self, reporter: str, kinds: Sequence[str], mirror: bool, pair: str | None
    ) -> tuple[pd.DataFrame, pd.DataFrame]:
        # The dataset never changes, so each view is built once; callers get copies.
        key = (reporter, tuple(kinds), mirror, pair)
        if key not in self._cache:
            self._cache[key] = self._build_annual(reporter, kinds, mirror, pair)
        values, kind = self._cache[key]
        return values.copy(), kind.copy()

    def _build_annual(
        self, reporter: str, kinds: Sequence[str], mirror: bool, pair: str | None
    ) -> tuple[pd.DataFrame, pd.DataFrame]:
        parties = pair_reporters(self._pair(pair)) or ("VN", "KR")
        check_choice("reporter", "Dataset.annual", reporter,
                     tuple(dict.fromkeys(REPORTERS + parties)))
        kinds = tuple(kinds)
        for k in kinds:
            check_choice("kinds", "Dataset.annual", k, KINDS)
        obs = self.observations
        obs = obs[(obs["pair"] == self._pair(pair)) & obs["period"].str.fullmatch(r"\d{4}")]
        own = obs[(obs["reporter"] == reporter) & obs["kind"].isin(kinds)]
        if mirror and reporter in parties:
            from .mirror import mirror_factors

            partner = parties[1] if reporter == parties[0] else parties[0]
            other = obs[(obs["reporter"] == partner) & obs["kind"].isin(kinds)
                        & obs["flow"].isin(("exports", "imports"))].copy()
            # factor = KR / VN per flow, estimated from the years with both bases.
            factor = other["flow"].map(mirror_factors(self, kinds=kinds, pair=pair)).astype(float)
            other["value_usd_bn"] = (other["value_usd_bn"] / factor if reporter == parties[0]
                                     else other["value_usd_bn"] * factor)
            other["kind"] = "converted"
            own = pd.concat([own, other], ignore_index=True)
        if own.empty:
            raise DataError(self._why_empty(reporter, kinds, mirror, obs), field="reporter")
        best = preferred(own.assign(year=own["period"].astype(int)), ["year", "flow"])
        values = best.pivot(index="year", columns="flow", values="value_usd_bn")
        kind = best.pivot(index="year", columns="flow", values="kind")
        values = values.reindex(columns=list(FLOWS)).astype(float)
        kind = kind.reindex(columns=list(FLOWS)).astype(object)
        # Fill the identities total = x + m and balance = x - m where both flows are known.
        x, m = values["exports"], values["imports"]
        for flow, implied in (("total", x + m), ("balance", x - m)):
            gap = values[flow].isna() & implied.notna()
            values.loc[gap, flow] = implied[gap]
            kind.loc[gap, flow] = "derived"
        if not values.empty:
            full = range(int(values.index.min()), int(values.index.max()) + 1)
            values, kind = values.reindex(full), kind.reindex(full)
        values.index.name = kind.index.name = "year"
        values.columns.name = kind.columns.name = None
        return values, kind.where(values.notna(), None)

    def _why_empty(self, reporter: str, kinds: tuple[str, ...], mirror: bool,
                   yearly: pd.DataFrame) -> str:
        """Why an annual view has no values, and what to pass instead."""
        obs = self.observations
        mine = obs[obs["reporter"] == reporter]
        if mine.empty:
            have = sorted(set(obs["reporter"]))
            return (f"no observations from reporter {reporter!r} (no figures on the "
                    f"{reporter!r} basis); the dataset has reporter(s) "
                    f"{have}: pass reporter={have[0]!r}"
                    + ("" if mirror or reporter == "unstated" else
                       ", or mirror=True to use the partner's figures, or "
                       "load_dataset('official') for the series on both bases"))
        mine_yearly = yearly[yearly["reporter"] == reporter]
        if mine_yearly.empty:
            return (f"reporter {reporter!r} has only part-year figures "
                    f"({sorted(set(mine['period']))[:5]}); annual views need whole years")
        have = sorted(set(mine_yearly["kind"]))
        wider = tuple(dict.fromkeys([*kinds, *have]))
        return (f"no yearly figures on the {reporter!r} basis of kind(s) {list(kinds)}; "
                f"reporter {reporter!r} has {have}: pass kinds={wider}"
                + ("" if mirror or reporter not in ("VN", "KR") else
                   ", or mirror=True to convert the partner's figures, or use "
                   "load_dataset('official') for the series on both bases"))

    def annual(
        self,
        reporter: Reporter = DEFAULT_REPORTER,
        *,
        kinds: Sequence[str] = DEFAULT_KINDS,
        mirror: bool = False,
        pair: str | None = None,
    ) -> pd.DataFrame:
        """Annual values by year: ``total``, ``exports``, ``imports``, ``balance``.

        Parameters
        ----------
        reporter : {"VN", "KR", "unstated"}, default "VN"
            Whose statistics. The basis is a choice: figures on different bases are never mixed
            unless ``mirror`` is set.
        kinds : sequence of str, default ("reported", "approximate", "derived")
            Which kinds of figure to use; add ``"lower_bound"`` or ``"ambiguous"`` to use
            bounds and figures of unclear basis as if they were values.
        mirror : bool, default False
            Fill gaps in ``exports``/``imports`` from the partner's statistics, converted with
            the ratio between the bases estimated from the years this dataset has on both
            (:func:`tradepath.data.mirror.mirror_ratios`: geometric mean of Korea's figure over
            Vietnam's, per flow). A flow with no such year falls back on the CIF/FOB factor
            :data:`MIRROR_CIF_FOB` (1.06, the IMF DOTS convention): an importer's figure is
            divided by 1.06 to stand for the exporter's. Such values have kind ``converted``.
        pair : str, optional
            Needed only when the dataset holds several pairs.

        Returns
        -------
        DataFrame
            Indexed by ``year`` (every year from the first to the last, NaN where unknown).
            Partial-year figures are not included. Where several figures exist for one year,
            flow and basis, the preferred one is chosen by kind (reported, approximate,
            derived, converted, ...), then the latest ``release`` (rows without one last), then
            the order of the rows. Missing totals and balances are filled from ``exports``
            and ``imports`` where both are known (kind ``derived``); see
            :meth:`annual_kinds` for the kind of every value.

        Raises
        ------
        DataError
            If the dataset has no figure of these kinds from ``reporter`` (``"VN"`` or
            ``"KR"``) and ``mirror`` is not set; the message says what there is instead.
        """
        return self._annual(reporter, kinds, mirror, pair)[0]

    def merge(self, other: Dataset) -> Dataset:
        """This dataset and ``other`` in one, every row kept with the dataset it came from.

        Nothing is averaged: where the two give different figures for one year, flow and
        basis, :meth:`check` lists the disagreement and :meth:`annual` picks one by its rule
        (this dataset's row first among equals). Claims and targets are combined (targets by
        name, this dataset's first).

        Examples
        --------
        >>> import tradepath as tp
        >>> both = tp.load_dataset().merge(tp.load_dataset("official"))
        >>> sorted(set(both.observations["dataset"]))
        ['documents', 'official']
        """
        from .official import merge_datasets

        return merge_datasets(self, other)

    def annual_kinds(
        self,
        reporter: Reporter = DEFAULT_REPORTER,
        *,
        kinds: Sequence[str] = DEFAULT_KINDS,
        mirror: bool = False,
        pair: str | None = None,
    ) -> pd.DataFrame:
        """The kind of every value in :meth:`annual` with the same arguments (None: no value)."""
        return self._annual(reporter, kinds, mirror, pair)[1]

    def series(
        self,
        flow: str = "total",
        reporter: Reporter = DEFAULT_REPORTER,
        *,
        kinds: Sequence[str] = DEFAULT_KINDS,
        start: int | None = None,
        end: int | None = None,
        exclude: Iterable[int] = (),
        pair: str | None = None,
    ) -> pd.Series:
        """One flow's known annual values as a Series indexed by year (gaps dropped).

        ``start``/``end`` set the fit window and ``exclude`` drops years (e.g. ``(2020,)``).
        """
        check_choice("flow", "Dataset.series", flow, FLOWS)
        s = self.annual(reporter, kinds=kinds, pair=pair)[flow].dropna()
        if start is not None:
            s = s[s.index >= check_year("start", "Dataset.series", start)]
        if end is not None:
            s = s[s.index <= check_year("end", "Dataset.series", end)]
        s = s[~s.index.isin(check_years("exclude", "Dataset.series", exclude))]
        s.name = flow
        return s

    # -- checks --------------------------------------------------------------------------
    def check(self, *, rtol: float = 0.01) -> pd.DataFrame:
        """Test every identity and claim the figures allow.

        Identities ``total = exports + imports`` and ``balance = exports - imports`` for every
        period and reporter with the three figures; ratio and growth claims where both periods
        have figures; figures for the same period and flow on different bases or of unclear
        basis; lower bounds against point values.

        Parameters
        ----------
        rtol : float, default 0.01
            Relative tolerance for "pass": the documents round to 0.1 bn, which on figures of
            8 bn or more is an error of at most 0.6 % per figure.

        Returns
        -------
        DataFrame
            Also, for every year, flow and basis with several figures, each alternative
            against the preferred one (see :meth:`annual`), with the gap.
            One row per test: ``check``, ``status`` (``pass``, ``fail`` or ``untestable``),
            ``period``, ``flow``, ``reporter``, ``expected``, ``observed``, ``gap``
            (observed - expected), ``rel_gap``, ``detail``, ``sources``.
        """
        rtol = check_real("rtol", "Dataset.check", rtol, lo=0.0, hi=1.0)
        key = ("check", rtol)
        if key not in self._cache:  # the dataset never changes: checked once per tolerance
            from .checks import run_checks
            from .official import disagreements

            obs = preferred(self.observations, None)  # identities use the preferred figures
            checks, alternatives = run_checks(obs, self._claims, rtol), disagreements(obs, rtol)
            # An empty part adds no rows; leaving it out keeps the columns' types (and pandas
            # 2.2 quiet about concatenating empty frames).
            parts = [f for f in (checks, alternatives) if len(f)] or [checks]
            self._cache[key] = pd.concat(parts, ignore_index=True)
        return self._cache[key].copy()

    # -- display -------------------------------------------------------------------------
    def __repr__(self) -> str:
        obs = self.observations
        periods = obs["period"].str[:4].astype(int) if len(obs) else pd.Series([], dtype=int)
        span = f"{periods.min()}–{periods.max()}" if len(obs) else "empty"
        return (
            f"<Dataset {', '.join(self.pairs) or 'no pair'}: {len(self._stated)} stated and "
            f"{len(self._derived)} derived figures, {span}; {len(self.targets)} targets>"
        )

    def _repr_html_(self) -> str:
        from .documents import cite

        # People read the document's title and date; ``observations`` keeps the file name.
        cols = ["period", "flow", "value_usd_bn", "reporter", "kind", "source"]
        obs = self.observations[cols]
        obs = obs.assign(source=[cite(v) for v in obs["source"]])
        return (
            f"<p><b>{repr(self)[1:-1]}</b></p>"
            + obs.to_html(index=False, float_format="{:g}".format)
        )


DATASETS = ("documents", "official")


def load_dataset(name: Literal["documents", "official"] = "documents") -> Dataset:
    """An embedded dataset: the documents' figures (the default) or the official series.

    ``"documents"``: every Vietnam–Korea trade figure and target in the documents, in
    ``data/observations.csv`` (each with its document and line), the growth and ratio claims in
    ``data/claims.csv`` and the targets in ``data/targets.toml``.

    ``"official"``: the published series on both bases (Vietnam's and Korea's statistics),
    1992–2025, in ``data/official.csv``, each row with the URL it was taken from
    (see :mod:`tradepath.official`); the same targets.

    Each is read and checked once per process, and the same (unchangeable) dataset is
    returned by later calls; it is read again if one of its files has changed.

    Raises
    ------
    UnknownNameError
        If ``name`` is not one of the embedded datasets.

    Examples
    --------
    >>> import tradepath as tp
    >>> ds = tp.load_dataset()
    >>> row = ds.observations.iloc[0]
    >>> row["period"], float(row["value_usd_bn"]), row["source"]
    ('2009', 9.52, '003_52f2d3f700705abe.txt:29')
    """
    check_choice("name", "load_dataset", name, DATASETS)
    root = data_dir()
    files = ("targets.toml", "official.csv") if name == "official" else \
        ("targets.toml", "observations.csv", "claims.csv")
    # A dataset never changes, so each is read once per process, and read again only if one
    # of its files changed (an edited checkout).
    key = (str(root), *((f, _version(root / f)) for f in files))
    if name not in _LOADED or _LOADED[name][0] != key:
        _LOADED[name] = key, _read_embedded(name, root)
    return _LOADED[name][1]


#: The embedded datasets read so far, by name: the files' versions and the dataset.
_LOADED: dict[str, tuple[tuple[Any, ...], Dataset]] = {}


def _version(path: Path) -> tuple[int, int] | None:
    """A file's modification time and size; None if it cannot be read (the reading then
    says why, naming the file)."""
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_mtime_ns, st.st_size


def _read_embedded(name: str, root: Path) -> Dataset:
    targets = read_targets(root / "targets.toml")
    if name == "official":
        from .official import read_official

        return read_official(root / "official.csv", targets=targets)
    frame, lines = _read_csv(root / "observations.csv", "observations", "load_dataset")
    stated = _validate(frame.assign(dataset="documents"), "observations.csv", row_base=2,
                       row_label="line", row_numbers=lines)
    return Dataset(stated, _read_claims(root / "claims.csv"), targets)


