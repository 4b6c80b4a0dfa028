"""Print how long the data takes to load, export and read back (a benchmark, not a test).

    .venv/bin/python benchmarks/data_io.py

Uses a temporary cache and export folder, so the user's cache is neither used nor changed.
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["APPAREL_CACHE"] = str(Path(tmp) / "cache")
        from apparel_lib import export_layout, load_data, make_splits, read_layout

        def timed(label, fn):
            start = time.perf_counter()
            result = fn()
            print(f"{label:<40} {time.perf_counter() - start:7.2f} s")
            return result

        data = timed("load_data (4 IDX files, verified)", lambda: load_data(progress=False))
        timed("make_splits (stratified 90/10)", lambda: make_splits(data))
        folder = timed("export_layout (70,000 PNGs)", lambda: export_layout(data, Path(tmp) / "layout", progress=False))
        timed("read_layout, first read (PNGs)", lambda: read_layout(folder, progress=False))
        timed("read_layout, second read (cache)", lambda: read_layout(folder, progress=False))


if __name__ == "__main__":
    main()
