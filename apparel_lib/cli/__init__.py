"""Command line: ``apparel data info|export``, ``train``, ``predict``, ``score``, ``classify``, ``runs``,
``results``, ``sweep`` (``python -m apparel_lib`` is the same program). The speed benchmark is
repository tooling: ``python -m benchmarks`` from the repository, with the same conventions.

The parser (``parser``) is built from one module per command group (``data``; ``model``: train,
predict, score; ``classify``; ``sweep``; ``runs``; ``results``), on shared conventions
(``conventions``) and listing cells (``table``).

Every failure is one line on stderr, never a traceback (set ``APPAREL_DEBUG=1`` to see one when
reporting a bug), with the exit status saying which kind: 2 for a command line that does not
fit (unknown command or option, a missing or out-of-range value, options that do not go
together), 1 for anything else (missing or bad files, data or pictures, a missing extra, an
unreachable database), 130 after Ctrl-C. Every argument is checked before anything is read,
written or trained, the environment switches too (:func:`apparel_lib.settings.check_switches`).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

from ..errors import ApparelError
from ..settings import check_switches
from .conventions import EXIT_ERROR, EXIT_INTERRUPTED, EXIT_USAGE, UsageError
from .parser import PROG, build_parser

__all__ = ["main", "build_parser", "PROG", "UsageError", "EXIT_ERROR", "EXIT_USAGE", "EXIT_INTERRUPTED"]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line on ``argv`` (default: ``sys.argv[1:]``); return the exit status
    (0, or :data:`EXIT_ERROR`, :data:`EXIT_USAGE`, :data:`EXIT_INTERRUPTED`)."""
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as done:  # --help (0), or a usage error argparse found and printed (2)
        return done.code if isinstance(done.code, int) else EXIT_USAGE
    try:
        check_switches()
        args.func(args)
    except UsageError as err:
        print(args.command_parser.one_line(str(err)), end="", file=sys.stderr)
        return EXIT_USAGE
    except ApparelError as err:
        print(f"error: {err}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("error: interrupted; nothing half-written was kept", file=sys.stderr)
        return EXIT_INTERRUPTED
    except OSError as err:
        if os.environ.get("APPAREL_DEBUG"):
            raise
        print(f"error: {err.strerror or err}: {err.filename or ''}".rstrip(": "), file=sys.stderr)
        return EXIT_ERROR
    except Exception as err:  # the CLI promises one line, never a traceback
        if os.environ.get("APPAREL_DEBUG"):
            raise
        print(f"error: unexpected {type(err).__name__}: {' '.join(str(err).split())} (run with APPAREL_DEBUG=1 for details and please report it)", file=sys.stderr)
        return EXIT_ERROR
    return 0
