"""Training on the CPU without page-fault storms: keep freed memory for reuse (glibc only).

Every training step allocates and frees activations: gigabytes for a full batch, tens of
megabytes for a mini-batch, hundreds for an evaluation chunk. glibc hands large blocks back to
the system (``munmap``, or trimming the heap's top) and maps fresh ones for the next step, and
every page of those is then faulted in again: on a 2-core machine that system time was as large
as the arithmetic for a full batch, and a large share of a mini-batch run of ``best-cnn``. Inside
:func:`reuse_freed_memory` large blocks come from the heap and stay there when freed, so the
next step reuses pages that are already mapped. Nothing computed changes; the price is memory:
the process keeps up to about twice the activations it needs, so it is only switched on where
enough memory is free.

Trimming is switched off with -1, not with the largest ``int``: a full batch's activations are
several gigabytes, so a freed top of the heap exceeded a 2 GB threshold and was still handed
back. With that threshold a full-batch step of the tutorial's CNN still took over a million page
faults; with -1 it takes none (mallopt(3): -1 "disables trimming completely").
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import sys
from collections.abc import Iterator

from ..procfs import proc_kilobytes

__all__ = ["available_gb", "reuse_freed_memory", "training_memory"]

M_TRIM_THRESHOLD, M_MMAP_MAX = -1, -4
DEFAULT_TRIM_THRESHOLD, DEFAULT_MMAP_MAX = 128 * 1024, 65536
NO_TRIM = -1  # mallopt(3): disables trimming completely (as size_t, the largest threshold)
_depth = 0  # how many reuse_freed_memory blocks are in effect (only the outermost sets and restores)


def available_gb() -> float | None:
    """Memory the system can still give (MemAvailable, GB), or None where unknown."""
    kb = proc_kilobytes("meminfo", "MemAvailable")
    return None if kb is None else kb / 1e6


def _glibc() -> ctypes.CDLL | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        return libc if hasattr(libc, "mallopt") and hasattr(libc, "malloc_trim") else None
    except OSError:
        return None


@contextlib.contextmanager
def reuse_freed_memory(enabled: bool = True, *, min_free_gb: float = 12.0) -> Iterator[bool]:
    """Within the block, keep freed memory in the heap for reuse; yields whether that is in effect.

    It is in effect when ``enabled``, the C library is glibc, and at least ``min_free_gb`` GB are
    available, or when an enclosing block already put it in effect. When the outermost block
    ends, glibc's defaults are restored and the kept memory is returned.
    """
    global _depth
    if _depth and enabled:
        yield True
        return
    libc = _glibc() if enabled else None
    free = available_gb() if libc is not None else None
    if libc is None or free is None or free < min_free_gb:
        yield False
        return
    libc.mallopt(M_MMAP_MAX, 0)
    libc.mallopt(M_TRIM_THRESHOLD, NO_TRIM)
    _depth += 1
    try:
        yield True
    finally:
        _depth -= 1
        libc.mallopt(M_MMAP_MAX, DEFAULT_MMAP_MAX)
        libc.mallopt(M_TRIM_THRESHOLD, DEFAULT_TRIM_THRESHOLD)
        libc.malloc_trim(0)


def training_memory(on_cpu: bool, full_batch: bool) -> contextlib.AbstractContextManager[bool]:
    """What a training run keeps: freed memory on the CPU, with 12 GB free for a full batch, 4 GB otherwise.

    Also under torch's transparent huge pages (``THP_MEM_ALLOC_ENABLE=1``): a full-batch step of
    the tutorial's CNN was faster with memory kept than with huge pages alone.
    """
    return reuse_freed_memory(on_cpu, min_free_gb=12.0 if full_batch else 4.0)
