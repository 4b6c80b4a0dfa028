"""``python -m benchmarks [PART ...] [--repeat N] [--json FILE] [--quick]``: run the benchmark and
print its report as a Markdown table (the README shows the latest one). The command line follows
the library's conventions (:mod:`apparel_lib.cli.conventions`): a usage error is one line and
exit status 2, a library error one line and exit status 1."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path

from apparel_lib.cli.conventions import EXIT_ERROR, Parser, int_at_least
from apparel_lib.errors import ApparelError
from apparel_lib.files import atomic_write

from .parts import PARTS
from .run import run_bench

__all__ = ["build_parser", "main"]


def build_parser() -> Parser:
    """The benchmark's command line."""
    parser = Parser(
        prog="python -m benchmarks", description="time the tutorial's way against the library's and check the speed targets")
    parser.add_argument("parts", nargs="*", metavar="PART",
                        help=f"{', '.join(PARTS)} (default: all)")
    parser.add_argument("--repeat", type=int_at_least(1), default=1, metavar="N",
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
        return EXIT_ERROR
    print(report.table())
    if args.json:
        with atomic_write(args.json, "w") as f:
            json.dump(report.to_dict(), f, indent=1)
        print(f"wrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
