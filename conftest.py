"""Loaded first by every pytest run in this repository; it sets up what the chapters need too.

- nbval over the chapters (``pytest --nbval notebooks``) compares numbers with the tolerances of
  tests/nbval_numbers.py.
- The whole session, chapters included, works in an empty cache of its own (``APPAREL_CACHE``:
  results store, exported layouts), removed at the end: every run is trained again, as on a
  fresh clone, and the user's store is never read or written.
- A chapter's kernel, started as its first cell is set up, finds the data where the user keeps
  it (``APPAREL_DATA``), although tests/conftest.py hides that variable from the library's tests.
- Under pytest-xdist (``make test`` runs two workers) each worker, and each kernel it starts,
  computes on one thread unless ``OMP_NUM_THREADS`` says otherwise: two workers of two threads
  each would fight over two cores. Set here, before anything imports torch.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator

import pytest

if os.environ.get("PYTEST_XDIST_WORKER"):
    os.environ.setdefault("OMP_NUM_THREADS", "1")

pytest_plugins = ["tests.nbval_numbers"]

USER_DATA = os.environ.get("APPAREL_DATA")
_SESSION_CACHE = pytest.StashKey[str]()


def pytest_sessionstart(session: pytest.Session) -> None:
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
