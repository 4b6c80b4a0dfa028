"""Reading Linux's ``/proc`` files: one field of a ``Key: value`` file, or None where unknown."""

from __future__ import annotations

from pathlib import Path

__all__ = ["PROC", "proc_field", "proc_kilobytes"]

PROC = Path("/proc")
"""Where Linux shows the kernel's figures (absent on other systems: every reader returns None)."""


def proc_field(name: str, key: str) -> str | None:
    """The value of the first ``key:`` line of ``/proc/<name>`` (stripped), or None where the
    file or the line is missing (not Linux, or a kernel without it)."""
    try:
        for line in (PROC / name).read_text().splitlines():
            field, sep, value = line.partition(":")
            if sep and field.strip() == key:
                return value.strip()
    except OSError:
        pass
    return None


def proc_kilobytes(name: str, key: str) -> int | None:
    """A ``/proc`` field written in kilobytes (``VmHWM:  1234 kB``), as a number of kB, or None."""
    value = proc_field(name, key)
    return int(value.split()[0]) if value else None
