"""Measuring one run of something: wall seconds and peak memory (resident set), and the machine."""

from __future__ import annotations

import os
import platform
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from apparel_lib.procfs import PROC, proc_field, proc_kilobytes

__all__ = ["Sample", "measure", "machine"]

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


def machine() -> dict[str, Any]:
    """Cores, threads, torch version and device: what a benchmark's figures depend on."""
    import torch

    return {
        "cpu": proc_field("cpuinfo", "model name") or platform.processor() or platform.machine(),
        "cores": os.cpu_count(),
        "torch_threads": torch.get_num_threads(),
        "torch": torch.__version__,
        "cuda": torch.cuda.get_device_name(0) if torch.cuda.is_available() else None,
        "python": platform.python_version(),
    }
