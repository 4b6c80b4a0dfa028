"""Where a result is computed: the machine (shared by the results ledger and the benchmark) and
the commit of the repository being run."""

from __future__ import annotations

import os
import platform
import subprocess
from pathlib import Path
from typing import Any

from .procfs import proc_field

__all__ = ["machine", "commit"]


def machine() -> dict[str, Any]:
    """Processor, cores, torch's threads, GPU, system, Python and torch: what a run's numbers and
    seconds depend on."""
    import torch

    return {
        "processor": proc_field("cpuinfo", "model name") or platform.processor() or platform.machine(),
        "cores": os.cpu_count(),
        "gpu": torch.cuda.get_device_name(0) if torch.cuda.is_available() else None,
        "threads": torch.get_num_threads(),
        "system": platform.platform(terse=True),
        "python": platform.python_version(),
        "torch": torch.__version__,
    }


def _git(folder: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=folder, capture_output=True, text=True, check=True).stdout.strip()


def commit(folder: str | os.PathLike[str] | None = None) -> str | None:
    """The commit of the git repository holding ``folder`` (default: the current folder), with
    ``+changes`` where the library's sources in it (``apparel_lib/``) differ from it; None
    outside a repository (an installed library records no commit it was not run from). A
    folder not made yet is looked up from the nearest one above it that exists."""
    where = Path(folder).absolute() if folder is not None else Path.cwd()
    while not where.is_dir() and where != where.parent:  # a ledger folder not made yet: its parent's repository
        where = where.parent
    try:
        head = _git(where, "rev-parse", "HEAD")
        dirty = _git(where, "status", "--porcelain", "--untracked-files=no", "--", ":(top)apparel_lib")
    except (OSError, subprocess.CalledProcessError):
        return None
    return head + ("+changes" if dirty else "")
