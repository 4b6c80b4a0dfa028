"""The benchmark's parts, one module each; :data:`PARTS` registers them by name, in the order a
whole run takes them. A part is a function ``(repeat, quick) -> list[Row]``: to add one, write
its module here and add it to :data:`PARTS`.
"""

from __future__ import annotations

from collections.abc import Callable

from ..report import Row
from .book import part_book
from .layout import part_layout
from .speedrun import part_speedrun
from .throughput import part_throughput
from .time93 import part_time93
from .tutorial import part_tutorial

__all__ = ["PARTS", "Part"]

Part = Callable[[int, bool], list[Row]]
"""A part: given how many times to repeat each measurement and whether to run quick, its rows."""

PARTS: dict[str, Part] = {
    "layout": part_layout,
    "tutorial": part_tutorial,
    "time93": part_time93,
    "speedrun": part_speedrun,
    "throughput": part_throughput,
    "book": part_book,
}
"""Every part by name, in the order a whole run takes them."""
