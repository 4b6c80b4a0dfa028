"""Where a result is computed: the machine (shared by the results ledger and the benchmark) and
the commit of the repository being run."""

from __future__ import annotations

import os
import platform
import subprocess
from pathlib import Path
from typing import Any

from .procfs import proc_field

__all__ = ["machine", "commit", "uncommitted"]


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


def _repository(folder: str | os.PathLike[str] | None) -> Path:
    """``folder`` (default: the current one), or the nearest folder above it that exists (a ledger
    folder not made yet is looked up from its parent's repository)."""
    where = Path(folder).absolute() if folder is not None else Path.cwd()
    while not where.is_dir() and where != where.parent:
        where = where.parent
    return where


def uncommitted(folder: str | os.PathLike[str] | None = None) -> list[str] | None:
    """The library's sources (``apparel_lib/``) that differ from the last commit in the git
    repository holding ``folder``, or that git does not track yet (and does not ignore), as
    paths relative to its top; None outside a repository."""
    where, library = _repository(folder), ":(top)apparel_lib"
    try:
        changed = _git(where, "diff", "--name-only", "HEAD", "--", library)
        new = _git(where, "ls-files", "--others", "--exclude-standard", "--full-name", "--", library)
    except (OSError, subprocess.CalledProcessError):
        return None
    return [*changed.splitlines(), *new.splitlines()]


def commit(folder: str | os.PathLike[str] | None = None) -> str | None:
    """The commit of the git repository holding ``folder`` (default: the current folder), with
    ``+changes`` where the library's sources in it (``apparel_lib/``) differ from it; None
    outside a repository (an installed library records no commit it was not run from)."""
    try:
        head = _git(_repository(folder), "rev-parse", "HEAD")
    except (OSError, subprocess.CalledProcessError):
        return None
    return head + ("+changes" if uncommitted(folder) else "")
