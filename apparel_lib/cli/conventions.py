"""The command lines' shared conventions (``apparel`` and ``python -m benchmarks``): one-line
usage errors with exit status 2, argument types that check their values, and the options
several commands share.
"""

from __future__ import annotations

import argparse
import contextlib
from collections.abc import Callable, Iterator

from ..errors import ApparelError

__all__ = [
    "EXIT_ERROR", "EXIT_USAGE", "EXIT_INTERRUPTED", "UsageError", "Parser", "int_at_least", "positive_float",
    "device", "usage", "command", "data_arg", "progress_arg", "device_arg",
]

EXIT_ERROR = 1
"""Bad input: a missing or malformed file, data that do not verify, a missing extra, ..."""
EXIT_USAGE = 2
"""A command line that does not fit: what argparse finds, and :class:`UsageError`."""
EXIT_INTERRUPTED = 130
"""Ctrl-C (128 + SIGINT, as shells report it)."""


class UsageError(ApparelError):
    """Arguments that parse one by one but do not go together (exit status 2, like argparse's own errors)."""


class Parser(argparse.ArgumentParser):
    """argparse that reports usage errors as one line (no usage dump)."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(EXIT_USAGE, self.one_line(message))

    def one_line(self, message: str) -> str:
        return f"error: {message} (see `{self.prog} --help`)\n"


def int_at_least(low: int, high: int | None = None) -> Callable[[str], int]:
    """An argparse type: an integer from ``low`` (to ``high``); others are usage errors."""

    def parse(text: str) -> int:
        value = int(text)  # a ValueError reads "invalid int value: 'x'"
        if value < low or (high is not None and value > high):
            raise argparse.ArgumentTypeError(
                f"must be at least {low}, not {value}" if high is None else f"must be from {low} to {high}, not {value}")
        return value

    parse.__name__ = "int"
    return parse


def positive_float(text: str) -> float:
    """An argparse type: a number above 0."""
    value = float(text)
    if not value > 0:
        raise argparse.ArgumentTypeError(f"must be a positive number, not {text}")
    return value


positive_float.__name__ = "float"


def device(text: str) -> str:
    """An argparse type: a device that is there (see ``pick_device``); others are usage errors."""
    from ..training.devices import pick_device

    try:
        pick_device(text)
    except ApparelError as err:
        raise argparse.ArgumentTypeError(str(err)) from None
    return text


device.__name__ = "device"


@contextlib.contextmanager
def usage() -> Iterator[None]:
    """Inside: a library error about the arguments' values is a usage error."""
    try:
        yield
    except UsageError:
        raise
    except ApparelError as err:
        raise UsageError(str(err)) from None


def command(sub: argparse._SubParsersAction, name: str, func: Callable[[argparse.Namespace], None], about: str) -> Parser:
    """The subcommand ``name``, described by ``about``, that runs ``func``."""
    parser = sub.add_parser(name, help=about, description=about)
    parser.set_defaults(func=func, command_parser=parser)
    return parser


def data_arg(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data", metavar="DIR", help="folder with the four Fashion-MNIST IDX files (default: search APPAREL_DATA, the cache, Debian's package, then download)")
    parser.add_argument("--no-download", action="store_true", help="never download the data")


def progress_arg(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--no-progress", action="store_true", help="hide progress bars")


def device_arg(parser: argparse.ArgumentParser) -> None:
    from ..training.devices import DEVICES

    parser.add_argument("--device", type=device, metavar="DEVICE", help=f"{', '.join(DEVICES)}, or cuda:N for one GPU of several (default: auto, the best available)")
