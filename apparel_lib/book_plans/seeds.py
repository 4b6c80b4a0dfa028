"""The seeds the book's comparisons train with."""

from __future__ import annotations

__all__ = ["SEEDS", "SPEEDRUN_SEEDS"]

SEEDS: tuple[int, ...] = (0, 1, 2)
"""The seeds every converged comparison is trained with."""

SPEEDRUN_SEEDS: tuple[int, ...] = (0, 1, 2, 3, 4)
"""The seeds chapter 11 and the bench train a speedrun with."""
