"""Measuring one run of something: wall seconds and peak memory (resident set); the machine is
:func:`apparel_lib.provenance.machine`, as the results ledger records it."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from apparel_lib.procfs import PROC, proc_kilobytes

__all__ = ["Sample", "measure"]

T = TypeVar("T")
_CLEAR = PROC / "self" / "clear_refs"


@dataclass(frozen=True)
class Sample:
    """One measured run: wall seconds and the peak resident memory it reached (GB; None if unknown)."""

    seconds: float
    peak_gb: float | None


def _peak_gb() -> float | None:
    kb = proc_kilobytes("self/status", "VmHWM")
    return None if kb is None else kb / 1e6


def _reset_peak() -> bool:
    try:  # Linux: "5" resets the peak resident set size (VmHWM) to the current one
        _CLEAR.write_text("5")
        return True
    except OSError:
        return False


def measure(fn: Callable[[], T]) -> tuple[T, Sample]:
    """Run ``fn`` once; return its result and how long it took and how much memory it peaked at."""
    resettable = _reset_peak()
    start = time.perf_counter()
    result = fn()
    seconds = time.perf_counter() - start
    return result, Sample(seconds, _peak_gb() if resettable else None)
