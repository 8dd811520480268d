"""The ``tradepath`` command line: argument parsing and exit codes, nothing else.

Exit codes: 0 success; 2 usage error; 1 a tradepath error (one line on stderr, a traceback only
with ``--debug``).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from .errors import TradepathError

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["main"]

_EPILOG = """examples:
  tradepath data                       the documents' figures with their sources
  tradepath data --format csv > obs.csv
  tradepath check                      every identity and claim, pass / fail
  tradepath data --data my_obs.csv     your own observations (columns as in obs.csv)
"""


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


def _dataset(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    from .data import Dataset, load_dataset

    if getattr(args, "data", None):
        return Dataset.from_csv(args.data, targets=load_dataset().targets)
    return load_dataset()


def _cmd_data(args: argparse.Namespace) -> int:
    ds = _dataset(args)
    obs = ds.observations
    if args.format == "table":
        cols = ["period", "flow", "value_usd_bn", "reporter", "kind", "source"]
        sys.stdout.write(f"{ds!r}\n\n")
        _emit(obs[cols], "table")
        sys.stdout.write("\nTargets:\n")
        _emit(ds.targets_frame()[["name", "value_usd_bn", "by", "balance", "outcome"]], "table")
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


def _add_common(p: argparse.ArgumentParser, *, table: bool = True) -> None:
    if table:
        p.add_argument("--format", choices=("table", "csv", "json"), default="table",
                       help="output format (default: table)")
    p.add_argument("--data", metavar="FILE",
                   help="a CSV of your own observations instead of the documents' dataset")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (exposed for the docs and the tests)."""
    parser = argparse.ArgumentParser(
        prog="tradepath",
        description="Vietnam–South Korea trade: data with provenance, growth models and "
                    "target assessment.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    from . import __version__

    parser.add_argument("--version", action="version", version=f"tradepath {__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks on errors")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    p = sub.add_parser("data", help="print the observations with their sources",
                       description="Print every figure with its period, flow, reporter, kind "
                                   "and source (document and line).",
                       epilog="example:\n  tradepath data --format csv > observations.csv",
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    _add_common(p)
    p.set_defaults(func=_cmd_data)

    p = sub.add_parser("check", help="test every identity and claim in the data",
                       description="Test total = exports + imports, balance = exports - "
                                   "imports, the growth and ratio claims, and figures on "
                                   "different bases.",
                       epilog="example:\n  tradepath check --format json",
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    _add_common(p)
    p.add_argument("--rtol", type=float, default=0.01,
                   help="relative tolerance for a pass (default: 0.01)")
    p.set_defaults(func=_cmd_check)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    func: Callable[[argparse.Namespace], int] = args.func
    try:
        return func(args)
    except TradepathError as exc:
        if args.debug:
            raise
        sys.stderr.write(f"tradepath: error: {exc}\n")
        return 1
    except BrokenPipeError:  # e.g. piped into `head`
        return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

