"""Measuring one run of something: wall seconds and peak memory (resident set), and the machine."""

from __future__ import annotations

import os
import platform
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

__all__ = ["Sample", "measure", "machine"]

T = TypeVar("T")
_STATUS, _CLEAR = Path("/proc/self/status"), Path("/proc/self/clear_refs")


@dataclass(frozen=True)
class Sample:
    """One measured run: wall seconds and the peak resident memory it reached (GB; None if unknown)."""

    seconds: float
    peak_gb: float | None


def _peak_gb() -> float | None:
    try:
        for line in _STATUS.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1e6
    except OSError:
        pass
    return None


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

    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "torch_threads": torch.get_num_threads(),
        "torch": torch.__version__,
        "cuda": torch.cuda.get_device_name(0) if torch.cuda.is_available() else None,
        "python": platform.python_version(),
    }
