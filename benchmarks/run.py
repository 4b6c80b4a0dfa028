"""Running the benchmark: the named parts in turn, gathered in one report."""

from __future__ import annotations

from collections.abc import Callable

from apparel_lib.errors import ApparelError
from apparel_lib.provenance import machine

from .parts import PARTS
from .report import Report, Row

__all__ = ["run_bench"]


def run_bench(parts: list[str] | None = None, *, repeat: int = 1, quick: bool = False,
              echo: Callable[[str], None] | None = None) -> Report:
    """Run the named parts (all when none are named); ``echo`` hears about each part as it starts."""
    names = parts or list(PARTS)
    unknown = [p for p in names if p not in PARTS]
    if unknown:
        raise ApparelError(f"unknown benchmark part {', '.join(map(repr, unknown))}: choose from {', '.join(PARTS)}")
    if repeat < 1:
        raise ApparelError(f"--repeat must be at least 1, not {repeat}")
    rows: list[Row] = []
    for name in names:
        if echo:
            echo(f"bench: {name} ...")
        rows += PARTS[name](repeat, quick)
    return Report(machine(), rows, quick)
