"""Part 5, book: the whole test command once, with seconds per chapter from pytest's JUnit XML."""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
from pathlib import Path
from xml.etree import ElementTree

from apparel_lib.runs.store import RunStore

from ..measure import Sample, measure
from ..report import Row

__all__ = ["part_book", "seconds_per_file", "failures"]

ROOT = Path(__file__).resolve().parents[2]
"""The repository: its tests/ and notebooks/ are what this part runs."""

BOOK_TARGET_SECONDS = 900.0  # the README's whole test command: 15 minutes
CHAPTER_TARGET_SECONDS = 300.0  # a chapter a reader can run in a class hour's slot


def seconds_per_file(junit_xml: Path) -> dict[str, float]:
    """Seconds per chapter (``NN_name``) and for the library's tests (``tests``), from pytest's JUnit XML."""
    totals: dict[str, float] = {}
    for case in ElementTree.parse(junit_xml).iter("testcase"):
        where = case.get("file") or case.get("classname") or ""
        chapter = re.search(r"(\d\d_\w+?)[./]ipynb", where)
        key = chapter.group(1) if chapter else "tests"
        totals[key] = totals.get(key, 0.0) + float(case.get("time") or 0.0)
    return totals


def failures(junit_xml: Path) -> list[str]:
    """``file-or-class::name`` of every test that failed or errored, from pytest's JUnit XML."""
    return [
        f"{case.get('classname') or case.get('file') or '?'}::{case.get('name')}"
        for case in ElementTree.parse(junit_xml).iter("testcase")
        if case.find("failure") is not None or case.find("error") is not None
    ]


def part_book(repeat: int, quick: bool) -> list[Row]:
    """The book: the whole test command once (the library's tests, nbval over every chapter, two xdist workers), with seconds per chapter.

    The whole command runs in the session cache that tests/conftest.py makes, so the chapters
    train every run from an empty results store, as on CI and a fresh clone. Quick: chapter 2
    alone, in the user's cache (``APPAREL_CACHE``).
    """
    root = ROOT
    notebooks = sorted((root / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    if not notebooks or not (root / "tests").is_dir():
        return [Row("book", "the test command", [], note=f"not measured: no tests/ or notebooks/ in {root}")]
    targets = [str(nb) for nb in notebooks if nb.name.startswith("02_")] if quick else ["tests", "notebooks"]
    if quick:  # chapter 2 alone uses the user's results store
        stored = len(RunStore().runs())
        state = "results store empty at the start" if stored == 0 else f"{stored} runs in the results store at the start"
    else:  # tests/conftest.py gives the whole session, chapters included, a results store of its own
        state = "a fresh, empty results store (tests/conftest.py)"
    whole = Row("book", "the whole test command: " + ("chapter 2 only (quick)" if quick else "pytest tests notebooks, nbval, 2 workers"),
                [], target=f"≤ {BOOK_TARGET_SECONDS / 60:.0f} min", target_seconds=None if quick else BOOK_TARGET_SECONDS)
    per_file: list[dict[str, float]] = []
    for _ in range(repeat):
        with tempfile.TemporaryDirectory() as tmp:
            xml = Path(tmp) / "junit.xml"
            command = [sys.executable, "-m", "pytest", *targets, "--nbval", "--nbval-current-env", "-q", "-p", "no:cacheprovider",
                       "--nbval-sanitize-with", str(root / "tests" / "nbval_sanitize.cfg"), f"--junitxml={xml}",
                       *([] if quick else ["-n", "2"])]
            proc, sample = measure(lambda c=command: subprocess.run(c, cwd=root, capture_output=True, text=True))
            whole.ours.append(Sample(sample.seconds, None))  # the memory is the subprocess's, not measured here
            tail = proc.stdout.strip().splitlines()[-1:] or ["no output"]
            whole.note = f"{state}; pytest: {tail[0].strip('= ')}"
            whole.passed_extra = None if quick else proc.returncode == 0
            if xml.exists():
                per_file.append(seconds_per_file(xml))
                failed = failures(xml)
                if failed:  # name them: a failure in a long run must not need a second run to find
                    more = f" and {len(failed) - 3} more" if len(failed) > 3 else ""
                    whole.note += f"; failed: {', '.join(failed[:3])}{more}"
    rows = [whole]
    for key in sorted({k for totals in per_file for k in totals}, key=lambda k: (k != "tests", k)):
        samples = [Sample(totals.get(key, 0.0), None) for totals in per_file]
        if key == "tests":
            rows.append(Row("book", "the library's tests (tests/), within the command", samples))
        else:
            rows.append(Row("book", f"{key} under nbval, within the command", samples,
                            target=f"≤ {CHAPTER_TARGET_SECONDS:.0f} s", target_seconds=CHAPTER_TARGET_SECONDS))
    return rows
