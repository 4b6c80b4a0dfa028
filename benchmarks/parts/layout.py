"""Part 1, layout: reading the practice layout the tutorial's way and the library's; the IDX read."""

from __future__ import annotations

import tempfile
from pathlib import Path

from apparel_lib.data.dataset import load_data
from apparel_lib.data.sources import forget_verified
from apparel_lib.practice.layout import export_layout, read_layout

from ..measure import measure
from ..report import Row
from ..tutorial_way import read_tutorial_way
from .common import bench_data

__all__ = ["part_layout"]


def part_layout(repeat: int, quick: bool) -> list[Row]:
    """Exporting the practice layout; reading it: the tutorial's loop against the library's first and cached reads; the IDX read."""
    data = bench_data(quick)
    with tempfile.TemporaryDirectory() as tmp:
        exported = Row("layout", "export the practice layout (PNGs and CSVs)", [])
        for i in range(repeat):
            folder, sample = measure(lambda i=i: export_layout(data, Path(tmp) / f"layout{i}", progress=False))
            exported.ours.append(sample)
        first = Row("layout", "read the practice layout, first time", [], target="–")
        cached = Row("layout", "read the practice layout, cached", [], target="≥ 30× the tutorial's loop", target_ratio=30)
        for _ in range(repeat):
            _, theirs = measure(lambda: (read_tutorial_way(folder, "train"), read_tutorial_way(folder, "test")))
            _, ours_first = measure(lambda: read_layout(folder, progress=False, cache=False))
            read_layout(folder, progress=False)  # fill the cache
            _, ours_cached = measure(lambda: read_layout(folder, progress=False))
            first.theirs.append(theirs)
            first.ours.append(ours_first)
            cached.theirs.append(theirs)
            cached.ours.append(ours_cached)

    def first_load() -> None:
        forget_verified()  # a real read each time, not this process's record of the last one
        load_data(progress=False)

    idx = Row("layout", "the four IDX files, verified (load_data)", [measure(first_load)[1] for _ in range(repeat)])
    return [exported, first, cached, idx]
