"""The ``tradepath`` command line: argument parsing and exit codes, nothing else.

Exit codes: 0 success; 2 usage error; 1 a tradepath error (one line on stderr, a traceback only
with ``--debug``); 130 stopped by Ctrl-C (SIGINT) and 143 by SIGTERM (one line on stderr; any
temporary output is removed). Any other exception is a bug and shows its traceback.
"""

from __future__ import annotations

import argparse
import signal
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from ._io import interruptible
from .errors import Interrupted, TradepathError

if TYPE_CHECKING:
    import pandas as pd

    from .data import Dataset
    from .targets.target import Target

__all__ = ["EXIT_INTERRUPTED", "build_parser", "main"]

_MAX_LINE = 2000  # characters of an error message on stderr
#: Exit codes of a run stopped by Ctrl-C (SIGINT) and by SIGTERM: 128 + the signal.
EXIT_INTERRUPTED = (128 + signal.SIGINT, 128 + signal.SIGTERM)

_EPILOG = """commands:
  data        the documents' figures with their sources
  check       every identity and claim in the data, pass / fail
  assess      probability and first year of meeting each target
  compare     every growth model side by side for a target
  scenario    run a scenario file ("what if exports grow 12 % a year?")
  report      the full report: PDF, figures, tables and findings

examples:
  tradepath report --out report        the one-command report (report/report.pdf)
  tradepath assess                     all targets in the documents, default model
  tradepath assess --target 150 --by 2030 --balance deficit_share:0.3 --format json
  tradepath compare --name "150B by 2030" --paths 4000
  tradepath scenario run examples/when_is_150b_reached.toml --out results
  tradepath data --format csv > obs.csv
  tradepath check                      every identity and claim, pass / fail
  tradepath data --data my_obs.csv     your own observations (columns as in obs.csv)

Run "tradepath COMMAND --help" for the options of a command.
exit codes: 0 success, 1 a tradepath error (message on stderr), 2 a usage error,
130 stopped by Ctrl-C, 143 stopped by SIGTERM (no partial output is left).
"""

_BALANCE_HELP = ("balance condition: none, balanced (deficit or surplus <= 10 %% of trade), "
                 "balanced_one_sided (deficit share <= 10 %%), more_balanced (deficit share "
                 "below its level when the target was set, else its latest), balanced:S, "
                 "deficit_share:S, ratio:R or deficit:D (US$ bn)")


def _emit(frame: pd.DataFrame, fmt: str, *, index: bool = False) -> None:
    import pandas as pd

    if fmt == "csv":
        frame.to_csv(sys.stdout, index=index)
    elif fmt == "json":
        sys.stdout.write(frame.to_json(orient="records", indent=2, force_ascii=False) + "\n")
    else:
        with pd.option_context("display.width", 200, "display.max_colwidth", 48,
                               "display.max_rows", 500, "display.max_columns", 20):
            sys.stdout.write(frame.to_string(index=index) + "\n")


def _dataset(args: argparse.Namespace) -> Dataset:
    from .data import Dataset, load_dataset

    if getattr(args, "data", None):
        return Dataset.from_csv(args.data, targets=load_dataset().targets)
    name: Any = getattr(args, "dataset", "fused")
    if name == "fused":  # the default answer: every figure on Vietnam's basis (tp.fuse)
        from .fusion import fuse

        return fuse()
    return load_dataset(name)


def _targets(args: argparse.Namespace, ds: Dataset) -> tuple[Target, ...]:
    from .report import select_targets

    return select_targets(ds, value=args.target, by=args.by, balance=args.balance,
                          name=args.name)


def _cmd_data(args: argparse.Namespace) -> int:
    ds = _dataset(args)
    obs = ds.observations
    if args.format == "table":
        from .data import cite, document_key

        # People read the document's title and date; csv and json keep the file names.
        cols = ["period", "flow", "value_usd_bn", "reporter", "kind", "source"]
        sys.stdout.write(f"{ds!r}\n\n")
        _emit(obs[cols].assign(source=[cite(v, short=True) for v in obs["source"]]), "table")
        sys.stdout.write("\nTargets:\n")
        targets = ds.targets_frame()
        _emit(targets[["name", "value_usd_bn", "by", "balance", "outcome", "source"]]
              .assign(source=[cite(v, short=True) for v in targets["source"]]), "table")
        key = document_key([*obs["source"], *targets["source"]])
        if len(key):
            sys.stdout.write("\nDocuments:\n" + "".join(
                f"{r.ref} {r.label}; file {r.file}\n" for r in key.itertuples()))
    else:
        _emit(obs, args.format)
    return 0


def _cmd_check(args: argparse.Namespace) -> int:
    checks = _dataset(args).check(rtol=args.rtol)
    if args.format == "table":
        _emit(checks[["status", "check", "period", "expected", "observed", "rel_gap"]], "table")
        counts = checks["status"].value_counts()
        sys.stdout.write(
            f"\n{counts.get('pass', 0)} pass, {counts.get('fail', 0)} fail, "
            f"{counts.get('untestable', 0)} untestable\n"
        )
    else:
        _emit(checks, args.format)
    return 0


def _cmd_assess(args: argparse.Namespace) -> int:
    import pandas as pd

    from .assessment.core import assess
    from .report.content import _followup

    ds = _dataset(args)
    targets = _targets(args, ds)
    kw = dict(model=args.model, n_paths=args.paths, seed=args.seed, reading=args.reading,
              horizon=_horizon(args, targets))
    results = [assess(ds, t, **kw) for t in targets]
    # A target whose deadline passed unmet is asked again, as in the report: when is that
    # level reached? (by the latest deadline asked, or the year after the data)
    latest = max(t.by for t in targets)
    followups = [assess(ds, _followup(a.target, max(latest, a.last_year + 1)), **kw)
                 for a in results if a.status in ("missed", "unknown")]
    results += followups
    frame = pd.concat([a.to_frame() for a in results], ignore_index=True)
    # The median year as precisely as the paths tell it (the report's and finding()'s).
    frame.insert(frame.columns.get_loc("crossing_median"), "median_year",
                 [a.crossing_year.median_text() if a.crossing_year is not None else ""
                  for a in results])
    if args.format == "table":
        for a in results:
            sys.stdout.write(a.finding() + "\n\n")
        cols = ["target", "model", "status", "probability", "p_inside", "p_outside",
                "median_year", "crossing_lower_80", "crossing_upper_80", "required_growth",
                "median_path_growth"]
        _emit(_for_reading(frame[cols], frame["horizon"]), "table")
    else:
        _emit(_years_in_words(frame, frame["horizon"]) if args.format == "json" else frame,
              args.format)
    return 0


#: Column headers of the tables printed for people.
_HEADERS = {"probability": "chance", "p_inside": "model alone", "p_outside": "record",
            "median_year": "median year", "crossing_median": "median year",
            "crossing_lower_80": "80 % from", "crossing_upper_80": "80 % to",
            "required_growth": "growth needed", "median_path_growth": "median path growth",
            "pool_weight": "model weight"}


def _for_reading(frame: Any, horizon: Any) -> Any:
    """A table for people: years in words, probabilities and growth rates in per cent."""
    import pandas as pd

    from ._format import format_pct, format_probability

    out = _years_in_words(frame, horizon)
    # Object columns with "" for a missing value, built as such: fillna on an object frame
    # would cast numbers back (and pandas 2 warns of it).
    out = pd.DataFrame({c: pd.Series(["" if v is None or v != v else v for v in out[c]],
                                     index=out.index, dtype=object) for c in out.columns})
    if "status" in out.columns:  # answered from the data: no model, no record
        data = out["status"] != "simulated"
        out.loc[data, [c for c in ("p_inside", "p_outside", "pool_weight")
                       if c in out.columns]] = ""
    for col in ("probability", "p_inside", "p_outside"):
        if col in out.columns:
            out[col] = [format_probability(v) if v != "" else "" for v in out[col]]
    for col in ("required_growth", "median_path_growth"):
        if col in out.columns:
            out[col] = [format_pct(v) if v != "" else "" for v in out[col]]
    if "pool_weight" in out.columns:
        out["pool_weight"] = [f"{v:.2f}" if v != "" else "" for v in out["pool_weight"]]
    return out.rename(columns=_HEADERS)


def _years_in_words(frame: Any, horizon: Any) -> Any:
    """Crossing years: "after <horizon>" instead of ``inf`` (whole years otherwise)."""
    import pandas as pd

    out = frame.copy()
    for col in ("crossing_median", "crossing_lower_80", "crossing_upper_80"):
        if col in out.columns:
            out[col] = pd.Series([None if v != v else f"after {int(h)}" if v == float("inf")
                                  else int(v) for v, h in zip(out[col], horizon, strict=True)],
                                 index=out.index, dtype=object)
    return out


def _cmd_compare(args: argparse.Namespace) -> int:
    import pandas as pd

    from .assessment.core import compare_models

    ds = _dataset(args)
    targets = _targets(args, ds)
    frames = [compare_models(ds, t, n_paths=args.paths, seed=args.seed, reading=args.reading,
                             horizon=_horizon(args, targets)) for t in targets]
    frame = pd.concat(frames, ignore_index=True)
    if args.format == "table":
        # The headline beside each model's own probability, the record's and the model's
        # weight in the pool: the pooled numbers alone make the models seem to agree.
        cols = [c for c in ["target", "model", "status", "probability", "p_inside",
                            "p_outside", "pool_weight", "crossing_median", "crossing_lower_80",
                            "crossing_upper_80", "median_path_growth", "message"]
                if c in frame.columns]
        _emit(_for_reading(frame[cols], frame["horizon"]), "table")
    else:
        _emit(_years_in_words(frame, frame["horizon"]) if args.format == "json" else frame,
              args.format)
    return 0


def _cmd_scenario_run(args: argparse.Namespace) -> int:
    from .scenarios.files import run_file

    ds = _dataset(args) if args.data else None
    written = run_file(args.file, args.out, overwrite=args.overwrite, ds=ds)
    sys.stdout.write(f"wrote {len(written)} files to {args.out}:\n")
    for path in written:
        sys.stdout.write(f"  {path}\n")
    return 0


def _cmd_report(args: argparse.Namespace) -> int:
    import json
    from pathlib import Path

    from .report import write_report

    ds = _dataset(args)
    source = None
    if args.data:
        from ._version import __version__

        source = f"Source: {Path(args.data).name} (user data); tradepath {__version__}"
    out = write_report(ds, args.out, targets=_targets(args, ds), model=args.model,
                       n_paths=args.paths, seed=args.seed, formats=args.format, source=source,
                       overwrite=args.overwrite)
    meta = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    sys.stdout.write(f"wrote {out}/ ({len(meta['files'])} files"
                     + (f"; report.pdf has {meta['page_count']} pages" if meta["page_count"]
                        else "") + ")\n")
    summary = (out / "summary.md").read_text(encoding="utf-8")
    answer = summary.split("## The answer", 1)[-1].split("## ", 1)[0].strip()
    sys.stdout.write("\n" + answer + "\n")
    return 0


def _formats(text: str) -> tuple[str, ...]:
    from .report import FORMATS

    items = tuple(dict.fromkeys(f.strip() for f in text.split(",") if f.strip()))
    bad = [f for f in items if f not in FORMATS]
    if bad or not items:
        raise argparse.ArgumentTypeError(
            f"expected a comma-separated list of {', '.join(FORMATS)}; got {text!r}")
    return items


def _add_common(p: argparse.ArgumentParser, *, table: bool = True) -> None:
    if table:
        p.add_argument("--format", choices=("table", "csv", "json"), default="table",
                       help="output format (default: table)")
    p.add_argument("--data", metavar="FILE",
                   help="a CSV of your own observations instead of the embedded data")
    p.add_argument("--debug", action="store_true", default=argparse.SUPPRESS,
                   help="show tracebacks on errors")


def _add_dataset(p: argparse.ArgumentParser, default: str = "documents") -> None:
    p.add_argument("--dataset", choices=("fused", "documents", "official"), default=default,
                   help=f"the fused history (every figure of the documents and the official "
                        f"series on Vietnam's basis, tp.fuse), the documents' figures or the "
                        f"official series on both bases, each row with its URL (default: "
                        f"{default}; ignored with --data)")


def _add_targets(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("targets (default: every target in the documents)")
    g.add_argument("--target", type=float, metavar="VALUE",
                   help="a target level of total trade, US$ bn (with --by)")
    g.add_argument("--by", type=int, metavar="YEAR", help="the target's deadline year")
    g.add_argument("--name", metavar="NAME",
                   help='one of the documents\' targets, e.g. "150B by 2030"')
    g.add_argument("--balance", metavar="NAME", help=_BALANCE_HELP + "; without --target it "
                   "replaces the documents' conditions")


def _add_model(p: argparse.ArgumentParser, *, paths: int, model: bool = True) -> None:
    from ._defaults import DEFAULT_SEED

    g = p.add_argument_group("simulation")
    if model:
        g.add_argument("--model", metavar="NAME",
                       help="growth model (default: the registry's default; see "
                            "'tradepath compare' for the list)")
    g.add_argument("--paths", type=int, default=paths, metavar="N",
                   help=f"simulated paths per target (default: {paths:,})")
    g.add_argument("--seed", type=int, default=DEFAULT_SEED,
                   help=f"random seed (default: {DEFAULT_SEED})")


def _horizon(args: argparse.Namespace, targets: Any) -> int:
    """``--horizon``, else the one default: 2050 or the latest deadline."""
    from ._defaults import default_horizon

    return args.horizon if args.horizon is not None else default_horizon(t.by for t in targets)


def _add_reading(p: argparse.ArgumentParser) -> None:
    p.add_argument("--reading", choices=("by", "in"), default="by",
                   help="met by the deadline (any year up to it) or in the deadline year "
                        "(default: by)")
    p.add_argument("--horizon", type=int, metavar="YEAR",
                   help="last simulated year (default: 2050 or the latest deadline, as "
                        "in the report and in Python)")


def _add_overwrite(p: argparse.ArgumentParser) -> None:
    p.add_argument("--overwrite", action="store_true",
                   help="replace DIR if it holds earlier tradepath output and nothing else "
                        "(once the new output is complete); files tradepath did not write "
                        "are never deleted")


def _cmd_data_fetch(args: argparse.Namespace) -> int:
    import warnings

    from .errors import TradepathWarning
    from .sources import fetch

    kwargs: dict[str, Any] = {"years": args.years, "frequency": "M" if args.monthly else "A",
                              "cache_dir": args.cache_dir, "offline": args.offline}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", TradepathWarning)
        ds = fetch(args.source, args.reporter, args.partner, **kwargs)
    for w in caught:  # offline: how old the cached answers are
        sys.stderr.write(f"tradepath: {w.message}\n")
    path = ds.to_csv(args.out, overwrite=args.overwrite)
    obs = ds.observations
    years = obs["period"].str[:4].astype(int)
    sys.stderr.write(f"tradepath: wrote {len(obs)} figures for {ds.pairs[0]} "
                     f"({years.min()}-{years.max()}, reporters "
                     f"{', '.join(sorted(set(obs['reporter'])))}) from {args.source} to {path}\n")
    return 0


def _add_data_fetch(p: argparse.ArgumentParser) -> None:
    """``tradepath data fetch``: a pair's series from the IMF or UN Comtrade into a CSV file."""
    dsub = p.add_subparsers(dest="data_command", metavar="ACTION")
    q = _sub(dsub, "fetch", "fetch a pair's series from the IMF or UN Comtrade",
             "Fetch both reporters' statistics for a pair (the reporter's exports to and "
             "imports from the partner, and the partner's mirror flows), each figure with "
             "its source, query, retrieval time and basis (FOB/CIF), and write them as an "
             "observations CSV (readable by --data). Responses are cached in "
             "$XDG_CACHE_HOME/tradepath/sources; --offline answers from the cache.",
             "examples:\n  tradepath data fetch --source imf --reporter VNM --partner KOR "
             "--out vn_kr.csv\n  tradepath data fetch --source comtrade --reporter VNM "
             "--partner JPN --years 2015-2025 --out vn_jp.csv\n"
             "  tradepath data fetch --source imf --reporter IND --partner ARE --offline "
             "--out in_ae.csv")
    q.add_argument("--source", required=True, choices=("imf", "comtrade"),
                   help="the IMF's trade statistics (IMTS) or UN Comtrade")
    q.add_argument("--reporter", required=True, metavar="ISO3", help="e.g. VNM")
    q.add_argument("--partner", required=True, metavar="ISO3", help="e.g. KOR")
    q.add_argument("--years", default=None, metavar="FIRST-LAST",
                   help="years to fetch (default: 1992 to the last full calendar year)")
    q.add_argument("--monthly", action="store_true", help="monthly figures, not annual")
    q.add_argument("--out", required=True, metavar="FILE.csv", help="the CSV file to write")
    q.add_argument("--cache-dir", default=None, metavar="DIR",
                   help="cache folder (default: $XDG_CACHE_HOME/tradepath/sources)")
    q.add_argument("--offline", action="store_true",
                   help="answer from the cache only, and say how old it is")
    _add_overwrite(q)
    q.set_defaults(func=_cmd_data_fetch)


class _Parser(argparse.ArgumentParser):
    """Usage errors in one line on stderr, exit code 2."""

    def error(self, message: str) -> Any:  # type: ignore[override]
        self.exit(2, f"{self.prog}: error: {message} (see '{self.prog} --help')\n")


def _sub(sub: Any, name: str, help: str, description: str, epilog: str) -> Any:
    return sub.add_parser(name, help=help, description=description, epilog=epilog,
                          formatter_class=argparse.RawDescriptionHelpFormatter)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (exposed for the docs and the tests)."""
    from ._defaults import DEFAULT_PATHS
    from ._version import __version__

    parser = _Parser(
        prog="tradepath",
        description="Vietnam–South Korea trade: data with provenance, growth models and "
                    "target assessment.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"tradepath {__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks on errors")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    p = _sub(sub, "data", "print the observations with their sources",
             "Print every figure with its period, flow, reporter, kind and source: the "
             "document's number and line, then each document's title and date (csv and json "
             "give the file name and line).",
             "examples:\n  tradepath data\n  tradepath data --format csv > observations.csv\n"
             "  tradepath data --dataset official\n"
             "  tradepath data --data my_obs.csv --format json")
    _add_common(p)
    _add_dataset(p)
    p.set_defaults(func=_cmd_data)
    _add_data_fetch(p)

    p = _sub(sub, "check", "test every identity and claim in the data",
             "Test total = exports + imports, balance = exports - imports, the growth and "
             "ratio claims, and figures on different bases.",
             "examples:\n  tradepath check\n  tradepath check --format json\n"
             "  tradepath check --dataset official\n"
             "  tradepath check --rtol 0.02 --data my_obs.csv")
    _add_common(p)
    _add_dataset(p)
    p.add_argument("--rtol", type=float, default=0.01,
                   help="relative tolerance for a pass (default: 0.01)")
    p.set_defaults(func=_cmd_check)

    p = _sub(sub, "assess", "probability and first year of meeting each target",
             "Fit a growth model, simulate paths and report, for each target, the probability "
             "of meeting it by its deadline and the distribution of the first year it is met. "
             "A target already met, or whose deadline has passed, is answered from the data.",
             "examples:\n  tradepath assess\n"
             '  tradepath assess --name "150B by 2030" --model random_walk\n'
             "  tradepath assess --target 150 --by 2030 --balance deficit_share:0.3\n"
             "  tradepath assess --balance balanced --paths 50000 --format json")
    _add_common(p)
    _add_targets(p)
    _add_model(p, paths=DEFAULT_PATHS)
    _add_reading(p)
    _add_dataset(p, default="fused")
    p.set_defaults(func=_cmd_assess)

    p = _sub(sub, "compare", "every growth model side by side for a target",
             "Assess the targets with every model in the registry; models that cannot be "
             "fitted on the data are listed with the reason.",
             "examples:\n  tradepath compare\n"
             '  tradepath compare --name "150B by 2030" --format csv > models.csv\n'
             "  tradepath compare --target 120 --by 2028 --paths 4000")
    _add_common(p)
    _add_targets(p)
    _add_model(p, paths=DEFAULT_PATHS, model=False)
    _add_reading(p)
    _add_dataset(p, default="fused")
    p.set_defaults(func=_cmd_compare)

    p = _sub(sub, "scenario", "run scenario files",
             "Scenario files state \"what if\" paths for exports and imports, targets and "
             "the outputs wanted (TOML; see docs/scenarios.md and examples/).",
             "example:\n  tradepath scenario run examples/when_is_150b_reached.toml --out "
             "results")
    ssub = p.add_subparsers(dest="scenario_command", metavar="ACTION", required=True)
    q = _sub(ssub, "run", "evaluate a scenario file and write its results",
             "Evaluate FILE and write its results (CSV tables and summary.md) into a new "
             "directory OUT, all at once: a failure leaves no partial output.",
             "examples:\n  tradepath scenario run examples/when_is_150b_reached.toml --out "
             "results\n  tradepath scenario run my.toml --out results --overwrite")
    q.add_argument("file", metavar="FILE", help="the scenario file (TOML)")
    q.add_argument("--out", required=True, metavar="DIR",
                   help="folder to create (its parent must exist)")
    _add_overwrite(q)
    _add_common(q, table=False)
    q.set_defaults(func=_cmd_scenario_run)

    p = _sub(sub, "report", "write the full report (PDF, figures, tables, findings)",
             "Assess every target, compare the models, project the balance and the growth "
             "rates that meet the target, and write report.pdf, the figures (PNG, SVG), the "
             "tables (CSV) and summary.md into DIR. Written to a temporary directory and "
             "moved into place: a failure leaves no partial report.",
             "examples:\n  tradepath report --out report\n"
             "  tradepath report --out r150 --target 150 --by 2030 --balance balanced\n"
             "  tradepath report --out report --model random_walk --paths 50000 --seed 7\n"
             "  tradepath report --out report --format pdf --data my_obs.csv\n"
             "  tradepath report --out report --overwrite   replace an earlier report")
    p.add_argument("--out", default="report", metavar="DIR",
                   help="folder to create (default: report; its parent must exist)")
    _add_overwrite(p)
    p.add_argument("--format", type=_formats, default=("pdf", "png", "svg"),
                   metavar="pdf,png,svg",
                   help="which renderings to write (default: pdf,png,svg); the CSV tables "
                        "and summary.md are always written")
    _add_common(p, table=False)
    _add_targets(p)
    _add_model(p, paths=DEFAULT_PATHS)
    _add_dataset(p, default="fused")
    p.set_defaults(func=_cmd_report)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if getattr(args, "target", None) is not None and getattr(args, "by", None) is None:
        parser.error("--target needs --by YEAR")
    if getattr(args, "by", None) is not None and getattr(args, "target", None) is None:
        parser.error("--by needs --target VALUE")
    if getattr(args, "target", None) is not None and getattr(args, "name", None) is not None:
        parser.error("give either --target/--by or --name, not both")
    func: Callable[[argparse.Namespace], int] = args.func
    try:
        with interruptible():
            return func(args)
    except BrokenPipeError:  # e.g. piped into `head`
        return 0
    except (KeyboardInterrupt, Interrupted) as exc:
        if args.debug:
            raise
        code = exc.exit_code if isinstance(exc, Interrupted) else 128 + signal.SIGINT
        name = signal.Signals(code - 128).name
        sys.stderr.write(f"tradepath: interrupted by {name}; no partial output was left\n")
        return code
    except (TradepathError, OSError) as exc:
        if args.debug:
            raise
        sys.stderr.write(f"tradepath: error: {_one_line(exc)}\n")
        return 1


def _one_line(exc: BaseException) -> str:
    """The message on one line, cut to a screenful, whatever the message holds."""
    message = " ".join(str(exc).split())
    return message if len(message) <= _MAX_LINE else message[:_MAX_LINE - 1] + "…"


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
