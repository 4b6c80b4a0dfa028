"""The ``apparel`` command line's parser: the program, and each command group's commands."""

from __future__ import annotations

import argparse

from . import classify, data, model, results, runs, sweep
from .conventions import Parser

__all__ = ["PROG", "build_parser"]

PROG = "apparel"
"""The program's name: the script ``pip install`` puts on the PATH (``[project.scripts]``)."""


def build_parser() -> argparse.ArgumentParser:
    """Every command: ``data``, ``train``, ``predict``, ``score``, ``classify``, ``sweep``, ``runs``, ``results``."""
    parser = Parser(prog=PROG, description="The Apparel CNN book's library: data, training, prediction and scoring.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND", parser_class=Parser)
    for group in (data, model, classify, sweep, runs, results):
        group.add(sub)
    return parser
