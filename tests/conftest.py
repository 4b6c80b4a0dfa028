"""Shared fixtures: a private cache for the whole session, the real data loaded once, one export.

Plain helpers that tests import live in tests/helpers.py. Tests marked ``gpu`` are skipped, with
a reason, where no CUDA GPU is available (:func:`pytest_runtest_setup`).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import torch

from apparel_lib.data.dataset import FashionMNIST, load_data
from apparel_lib.practice.layout import Layout, practice_layout, read_layout
from tests.helpers import make_idx

_USER_ENV = {name: os.environ.get(name) for name in ("APPAREL_DATA", "APPAREL_CACHE")}


def pytest_runtest_setup(item: pytest.Item) -> None:
    """A test marked ``gpu`` is skipped, with a reason, where no CUDA GPU is available."""
    if item.get_closest_marker("gpu") is not None and not torch.cuda.is_available():
        pytest.skip("needs a CUDA GPU (none is available here)")


@pytest.fixture(scope="session", autouse=True)
def private_cache() -> Iterator[Path]:
    """Every test runs with APPAREL_CACHE in the session's own cache (made by the root conftest.py,
    which the chapters' kernels use too) and without the user's APPAREL_DATA."""
    cache = Path(os.environ["APPAREL_CACHE"])
    assert cache.is_dir() and str(cache) != _USER_ENV["APPAREL_CACHE"], "the root conftest.py was not loaded"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("APPAREL_CACHE", str(cache))
        mp.delenv("APPAREL_DATA", raising=False)
        # Tests serve files from 127.0.0.1; never route that through a proxy.
        for var in ("NO_PROXY", "no_proxy"):
            mp.setenv(var, ",".join(filter(None, [os.environ.get(var), "127.0.0.1", "localhost"])))
        yield cache


@pytest.fixture(scope="session")
def data(private_cache: Path) -> FashionMNIST:
    """The real Fashion-MNIST, loaded once by the library's own search with the user's settings
    (APPAREL_DATA, the user's cache, Debian's package, then a download into the user's cache)."""
    with pytest.MonkeyPatch.context() as mp:
        for name, value in _USER_ENV.items():
            if value is None:
                mp.delenv(name, raising=False)
            else:
                mp.setenv(name, value)
        return load_data(progress=False)


@pytest.fixture(scope="session")
def real_files(data: FashionMNIST) -> dict[str, bytes]:
    """The decompressed content of the four real files, read from wherever the data was found."""
    from apparel_lib.data.idx import read_content
    from apparel_lib.data.sources import FILES

    folder = data.source.folder
    return {stem: read_content(folder / f"{stem}.gz" if (folder / f"{stem}.gz").is_file() else folder / stem) for stem in FILES}


@pytest.fixture
def data_in_env(data: FashionMNIST, monkeypatch: pytest.MonkeyPatch) -> Path:
    """APPAREL_DATA set, for one test, to the folder the session's data was found in, for code that
    searches for the data itself: the store's trials and the processes a test starts (sweep workers,
    the command line). Off Debian and offline the user's APPAREL_DATA may be the only copy, and
    ``private_cache`` hides it from every test."""
    monkeypatch.setenv("APPAREL_DATA", str(data.source.folder))
    return data.source.folder


@pytest.fixture
def debian_dir() -> Path:
    """Debian's data folder; tests about it skip (with a reason) where the package is absent."""
    from apparel_lib.data.sources import DEBIAN_DIR, FILES

    missing = [stem for stem in FILES if not (DEBIAN_DIR / f"{stem}.gz").is_file()]
    if missing:
        pytest.skip(f"Debian's dataset-fashion-mnist is not installed ({DEBIAN_DIR} has no {missing[0]}.gz)")
    return DEBIAN_DIR


@pytest.fixture(scope="session")
def built_book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The book built as `make html` builds it (stored outputs, warnings are errors), once per session."""
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[1]
    out = tmp_path_factory.mktemp("book")
    proc = subprocess.run(
        [str(Path(sys.executable).parent / "jupyter-book"), "build", str(root), "--path-output", str(out), "-W", "--keep-going"],
        cwd=root, capture_output=True, text=True, timeout=600,
    )
    log = (proc.stdout + proc.stderr)[-8000:]
    assert proc.returncode == 0, f"jupyter-book build failed ({proc.returncode}):\n{log}"
    html = out / "_build" / "html"
    assert (html / "index.html").is_file(), log
    return html


@pytest.fixture(scope="session")
def exported(data: FashionMNIST, private_cache: Path) -> Path:
    """The full practice layout, exported once (about 10 s) where ``practice_layout`` keeps it in
    the session's cache, so chapter 1 under nbval finds it there rather than exporting it again."""
    return practice_layout(data, progress=False)


@pytest.fixture(scope="session")
def layout(exported: Path) -> Layout:
    """The full layout read back once (about 17 s: 70,000 PNGs)."""
    return read_layout(exported, progress=False)


@pytest.fixture(scope="session")
def idx_bytes() -> Callable[..., bytes]:
    """The :func:`make_idx` helper, as a fixture."""
    return make_idx


@pytest.fixture(scope="session")
def tiny_splits(data: FashionMNIST):
    """A small but complete :class:`Splits` (1,000 train, 300 validation, 500 test pictures), for fast training tests."""
    from apparel_lib.data.dataset import Splits, stratified_split, to_tensor

    def tensor(labels):
        return torch.from_numpy(labels.astype("int64"))

    train_idx, val_idx = stratified_split(data.train_labels[:1300], val_fraction=300 / 1300, seed=0)
    return Splits(
        x_train=to_tensor(data.train_images[train_idx]), y_train=tensor(data.train_labels[train_idx]),
        x_val=to_tensor(data.train_images[val_idx]), y_val=tensor(data.train_labels[val_idx]),
        x_test=to_tensor(data.test_images[:500]), y_test=tensor(data.test_labels[:500]),
        train_index=train_idx, val_index=val_idx, fingerprint=data.fingerprint,
    )
