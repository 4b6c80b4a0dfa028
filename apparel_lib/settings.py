"""The environment switches, read and checked in one place.

``APPAREL_DATA`` (a folder holding the four Fashion-MNIST files), ``APPAREL_CACHE`` (the cache
folder), ``APPAREL_LEDGER`` (the results ledger folder; ``off`` for none) and ``APPAREL_BF16``
(``auto``, ``on`` or ``off``). A value that cannot be used is a one-line :class:`SettingError`
naming the switch and what it accepts; :func:`check_switches` checks them all at once (the
command line does, before any command runs).

Where ``APPAREL_LEDGER`` is not set, the project being run says where its ledger is: the
``ledger`` key of ``[tool.apparel_lib]`` in the nearest ``pyproject.toml`` above the current
folder (the book's says ``ledger = "ledger"``). The library never guesses from where its own
files are installed.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

from .errors import SettingError

__all__ = [
    "DATA", "CACHE", "LEDGER", "BF16", "BF16_SETTINGS", "SWITCHES",
    "data_folder", "cache_folder", "ledger_folder", "bf16_setting", "project_ledger", "check_switches",
]

DATA, CACHE, LEDGER, BF16 = "APPAREL_DATA", "APPAREL_CACHE", "APPAREL_LEDGER", "APPAREL_BF16"
"""The switches' names."""

SWITCHES: tuple[str, ...] = (DATA, CACHE, LEDGER, BF16)
"""Every switch the library reads."""

BF16_SETTINGS: tuple[str, ...] = ("auto", "on", "off")
"""What ``APPAREL_BF16`` accepts: ``auto`` (the default) where the device computes bfloat16
natively and, on a CPU, where it measurably trains faster; ``on`` wherever it is native; ``off``
nowhere (float32 throughout, what a processor without native bfloat16 computes)."""

_NO_LEDGER = ("off", "none", "0")


def _value(name: str) -> str | None:
    value = os.environ.get(name)
    return value.strip() if value is not None and value.strip() else None


def data_folder() -> Path | None:
    """``APPAREL_DATA`` as a folder, or None where it is unset (the data loader checks the files in it)."""
    value = _value(DATA)
    return Path(value).expanduser() if value is not None else None


def cache_folder() -> Path | None:
    """``APPAREL_CACHE`` as a folder, or None where it is unset (the OS user cache is used then)."""
    value = _value(CACHE)
    return Path(value).expanduser() if value is not None else None


def bf16_setting() -> str:
    """``APPAREL_BF16``: one of :data:`BF16_SETTINGS` (``auto`` where unset)."""
    value = (_value(BF16) or "auto").lower()
    if value not in BF16_SETTINGS:
        raise SettingError(f"{BF16}={value!r} is not understood: set it to auto (the default), on or off")
    return value


def project_ledger(start: Path | None = None) -> Path | None:
    """The ledger folder that the nearest ``pyproject.toml`` above ``start`` (default: the current
    folder) names in ``[tool.apparel_lib] ledger``, or None where no project names one."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        config = folder / "pyproject.toml"
        if not config.is_file():
            continue
        try:
            named = tomllib.loads(config.read_text(encoding="utf-8")).get("tool", {}).get("apparel_lib", {}).get("ledger")
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
            continue
        if named:
            return folder / named
    return None


def ledger_folder() -> Path | None:
    """The results ledger's folder: ``APPAREL_LEDGER`` if set (``off`` or empty: none), else the project's
    (:func:`project_ledger`); None where there is none. A folder named that does not exist is a
    :class:`SettingError`."""
    raw = os.environ.get(LEDGER)
    if raw is not None and raw.strip().lower() in ("", *_NO_LEDGER):
        return None
    value = _value(LEDGER)
    folder = Path(value).expanduser() if value is not None else project_ledger()
    if folder is None:
        return None
    if not folder.is_dir():
        where = f"{LEDGER}={value}" if value is not None else "pyproject.toml's [tool.apparel_lib] ledger"
        raise SettingError(f"{where}: the folder {folder} does not exist (set {LEDGER}=off for no ledger)")
    return folder


def check_switches() -> None:
    """Read every switch once: a value that cannot be used is a one-line :class:`SettingError`."""
    data_folder(), cache_folder(), bf16_setting(), ledger_folder()
