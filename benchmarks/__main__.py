"""``python -m benchmarks [PART ...] [--repeat N] [--json FILE] [--quick]``: run the benchmark and
print its report as a Markdown table (the README shows the latest one)."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from apparel_lib.errors import ApparelError
from apparel_lib.files import atomic_write

from .parts import PARTS
from .run import run_bench

__all__ = ["build_parser", "main"]


def _at_least_one(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


def build_parser() -> argparse.ArgumentParser:
    """The benchmark's command line."""
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks", description="time the tutorial's way against the library's and check the speed targets")
    parser.add_argument("parts", nargs="*", metavar="PART",
                        help=f"{', '.join(PARTS)} (default: all)")
    parser.add_argument("--repeat", type=_at_least_one, default=1, metavar="N",
                        help="runs of each side, alternating (medians are reported; default: %(default)s)")
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write the figures as JSON")
    parser.add_argument("--quick", action="store_true", help="tiny sizes: checks that the benchmark runs, measures nothing")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark; exit status 2 for a command line that does not fit, 1 for a library error."""
    parser = build_parser()
    args = parser.parse_args(argv)
    unknown = [p for p in args.parts if p not in PARTS]
    if unknown:
        parser.error(f"unknown benchmark part {', '.join(map(repr, unknown))}: choose from {', '.join(PARTS)}")
    try:
        report = run_bench(args.parts, repeat=args.repeat, quick=args.quick, echo=lambda line: print(line, file=sys.stderr))
    except ApparelError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    print(report.table())
    if args.json:
        with atomic_write(args.json, "w") as f:
            json.dump(report.to_dict(), f, indent=1)
        print(f"wrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
