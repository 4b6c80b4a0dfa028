"""Loaded first by every pytest run in this repository; it sets up what the chapters need too.

- nbval over the chapters (``pytest --nbval notebooks``) compares numbers with the tolerances of
  tests/nbval_numbers.py.
- The whole session, chapters included, works in an empty cache of its own (``APPAREL_CACHE``:
  results store, exported layouts), removed at the end: as on a fresh clone, the chapters read
  the repository's results ledger (``ledger/``, which pyproject.toml's ``[tool.apparel_lib]``
  names for the library, from any folder of the checkout) and train everything else again, and the
  user's store is never read or written. (The library's own tests switch the ledger off where
  it would get in their way.)
- The test-set log (``ledger/test_looks.jsonl``) is read-only for the whole session, kernels
  included (``APPAREL_LOOKS_READ_ONLY``, :data:`apparel_lib.runs.looks.READ_ONLY`): a chapter's
  look that the log does not hold fails with a one-line error instead of being appended to the
  tracked file (``make execute`` records it). Tests of the log itself unset it.
- A chapter's kernel, started as its first cell is set up, finds the data where the user keeps
  it (``APPAREL_DATA``), although tests/conftest.py hides that variable from the library's tests.
- Notebook cells are ``slow`` tests. Under pytest-xdist (``make test`` runs two workers) every
  test belongs to a group that one worker runs in order (``group_of``), and each worker, and each kernel it starts, computes on one
  thread unless ``OMP_NUM_THREADS`` says otherwise: two workers of two threads each would fight
  over two cores. Set here, before anything imports torch.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

if os.environ.get("PYTEST_XDIST_WORKER"):
    os.environ.setdefault("OMP_NUM_THREADS", "1")

pytest_plugins = ["tests.nbval_numbers"]

USER_DATA = os.environ.get("APPAREL_DATA")
_SESSION_CACHE = pytest.StashKey[str]()


def pytest_sessionstart(session: pytest.Session) -> None:
    os.environ["APPAREL_LOOKS_READ_ONLY"] = "1"  # apparel_lib.runs.looks.READ_ONLY (not imported: torch waits)
    cache = tempfile.mkdtemp(prefix="apparel-cache-")
    session.config.stash[_SESSION_CACHE] = cache
    os.environ["APPAREL_CACHE"] = cache


def pytest_sessionfinish(session: pytest.Session) -> None:
    cache = session.config.stash.get(_SESSION_CACHE, None)
    if cache is not None:
        shutil.rmtree(cache, ignore_errors=True)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_setup(item: pytest.Item) -> Iterator[None]:
    if item.path.suffix != ".ipynb" or USER_DATA is None:
        yield
        return
    hidden = os.environ.get("APPAREL_DATA")
    os.environ["APPAREL_DATA"] = USER_DATA
    try:
        yield
    finally:
        if hidden is None:
            del os.environ["APPAREL_DATA"]
        else:
            os.environ["APPAREL_DATA"] = hidden


# Under pytest-xdist (`make test`: two workers), the tests of one group run in one worker, in
# order (the scheduler below). A chapter's cells share its kernel, so a chapter is one group at
# least. Chapters 3 and 4, whose full-batch recipe needs 8 GB at its peak, share one so that it
# never runs twice at once; every other chapter reads what it needs from another chapter from the
# results ledger (`shipped`, or the best-cnn model the ledger ships), so it is a group of its own.
# Every test file is a group, so a session fixture is built once per file at most (the book
# build: once for both files that use it).
CHAPTER_GROUPS = {"03": "full-batch", "04": "full-batch"}
FILE_GROUPS = {"test_book": "built-book", "test_browser": "built-book"}
# The longest groups start first, so neither worker is left with one at the end (the book build
# with its browser and accessibility checks, the full-batch chapters, chapter 11's timings and
# live speedrun seed).
FIRST = ("built-book", "full-batch", "11_speedrun", "05_fair_comparison", "06_does_it_use_space",
         "10_tuning", "07_better_cnn")


def group_of(nodeid: str) -> str:
    """The xdist group of the test ``nodeid``: its chapter's group, or its file's."""
    path = Path(nodeid.split("::", 1)[0])
    if path.suffix == ".ipynb":
        return CHAPTER_GROUPS.get(path.stem[:2], path.stem)
    return FILE_GROUPS.get(path.stem, path.stem)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Notebook cells (nbval) are slow tests; the longest xdist groups come first."""
    for item in items:
        if item.path.suffix == ".ipynb":
            item.add_marker(pytest.mark.slow)
    rank = {group: i for i, group in enumerate(FIRST)}
    items.sort(key=lambda item: rank.get(group_of(item.nodeid), len(FIRST)))  # stable


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log):
    """xdist's scope scheduling, with :func:`group_of` as the scope (a work unit is a group)."""
    from xdist.scheduler import LoadScopeScheduling

    class GroupScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return group_of(nodeid)

    return GroupScheduling(config, log)
