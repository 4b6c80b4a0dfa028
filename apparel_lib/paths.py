"""The library's cache folder and the places in it: one name for each, used by every module that caches."""

from __future__ import annotations

from pathlib import Path

from .settings import cache_folder

__all__ = ["cache_dir", "RUNS", "STUDIES", "BF16_VERDICTS", "PRACTICE_LAYOUT", "LAYOUTS"]

RUNS = "runs"
"""The results store's folder in the cache."""
STUDIES = "optuna/studies.journal"
"""The default Optuna journal file in the cache."""
BF16_VERDICTS = "bf16-verdicts.json"
"""The file that keeps each machine's bfloat16 verdict."""
PRACTICE_LAYOUT = "practice-layout"
"""The practice layout exported once and reused."""
LAYOUTS = "layouts"
"""Pixels read from practice layouts, cached by folder."""


def cache_dir(*parts: str) -> Path:
    """The folder the library caches in (``APPAREL_CACHE`` if set, else the OS user cache), or
    the place ``parts`` in it."""
    root = cache_folder()
    if root is None:
        import pooch

        root = Path(pooch.os_cache("apparel_lib"))
    return root.joinpath(*parts)
