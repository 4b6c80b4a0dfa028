"""Where the four Fashion-MNIST files come from, how they are verified, cached and downloaded.

Search order, first hit wins:

1. a folder passed as ``path`` (an error if it is bad: you asked for it),
2. the folder in the ``APPAREL_DATA`` environment variable (likewise an error if bad),
3. the package cache (:func:`apparel_lib.paths.cache_dir`),
4. the Debian package ``dataset-fashion-mnist`` (``/usr/share/datasets/fashion-mnist``),
5. a download from the public mirrors into the cache.

A cache or Debian copy that fails verification is skipped. Every file is checked by the
SHA-256 of its *decompressed* content, so a re-compressed ``.gz`` is as good as the original.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import shutil
import tempfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

import numpy as np
import pooch

from ..errors import DataError
from ..paths import cache_dir
from ..settings import data_folder
from .idx import parse_idx, read_content

__all__ = ["FILES", "MIRRORS", "DEBIAN_DIR", "Source", "forget_verified", "load_arrays"]

FILES: Mapping[str, str] = MappingProxyType(
    {
        "train-images-idx3-ubyte": "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888",
        "train-labels-idx1-ubyte": "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9",
        "t10k-images-idx3-ubyte": "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b",
        "t10k-labels-idx1-ubyte": "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34",
    }
)

MIRRORS: tuple[str, ...] = (
    "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",
    "https://raw.githubusercontent.com/zalandoresearch/fashion-mnist/master/data/fashion/",
)

DEBIAN_DIR = Path("/usr/share/datasets/fashion-mnist")

_PAIRS = (("train-images-idx3-ubyte", "train-labels-idx1-ubyte"), ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"))
_HELP = (
    "install the Debian package dataset-fashion-mnist, set APPAREL_DATA to a folder holding the "
    "four Fashion-MNIST files, or check the network and run again"
)


@dataclass(frozen=True)
class Source:
    """Where the arrays came from: ``origin`` is argument, APPAREL_DATA, cache, debian or download.

    A Source only exists for data that passed verification: ``hashes`` are the SHA-256 digests
    of the decompressed files, and each equals the one in :data:`FILES`.
    """

    origin: str
    folder: Path
    hashes: dict[str, str] = field(default_factory=dict)


def _find(folder: Path, stem: str) -> Path | None:
    """The file for ``stem`` in ``folder``: ``<stem>.gz`` if present, else plain ``<stem>``."""
    for name in (f"{stem}.gz", stem):
        if (folder / name).is_file():
            return folder / name
    return None


_VERIFIED: dict[tuple[str, str, str, int, int], tuple[np.ndarray, str]] = {}
"""Files verified in this process, by expected hash, path, size and modification time: a results
store looks the data's fingerprint up for every run, and reading the files again each time is slow."""


def forget_verified() -> None:
    """Forget the files this process has verified, so that the next load reads them again (the
    benchmark times real reads this way)."""
    _VERIFIED.clear()


def _load_file(path: Path, stem: str) -> tuple[np.ndarray, str]:
    """Decompress once, then parse and hash the same bytes; raise DataError unless verified.

    A file this process has verified before, unchanged since (same size and modification
    time), is not read again; the caller gets its own copy of the array.
    """
    stat = path.stat()
    seen = (stem, FILES[stem], str(path.resolve()), stat.st_size, stat.st_mtime_ns)
    if seen in _VERIFIED:
        array, digest = _VERIFIED[seen]
        return array.copy(), digest
    content = read_content(path)
    array = parse_idx(content, f"{path.name} in {path.parent}")
    digest = hashlib.sha256(content).hexdigest()
    if digest != FILES[stem]:
        raise DataError(
            f"{path.name} in {path.parent} is not the published Fashion-MNIST {stem} (sha256 of its "
            f"content is {digest[:12]}..., expected {FILES[stem][:12]}...): replace it with a fresh copy"
        )
    _VERIFIED[seen] = (array.copy(), digest)
    return array, digest


def _check_counts(arrays: Mapping[str, np.ndarray], folder: Path) -> None:
    for images, labels in _PAIRS:
        if len(arrays[images]) != len(arrays[labels]):
            raise DataError(
                f"{folder} holds {len(arrays[images])} images in {images} but {len(arrays[labels])} "
                f"labels in {labels}: the two must come from the same Fashion-MNIST release"
            )


def _load_folder(folder: Path) -> tuple[dict[str, np.ndarray], dict[str, str]]:
    """All four verified arrays from ``folder`` and their content hashes, or a DataError."""
    if not folder.is_dir():
        raise DataError(f"{folder} is not a folder: point to the folder holding the four Fashion-MNIST files")
    arrays: dict[str, np.ndarray] = {}
    hashes: dict[str, str] = {}
    for stem in FILES:
        path = _find(folder, stem)
        if path is None:
            raise DataError(f"{folder} has no {stem}.gz (nor plain {stem}): add it, or point to another folder")
        arrays[stem], hashes[stem] = _load_file(path, stem)
    _check_counts(arrays, folder)
    return arrays, hashes


@contextlib.contextmanager
def _quiet_pooch() -> Iterator[None]:
    """Hide pooch's info lines (its advice about ``known_hash`` does not apply here)."""
    logger = pooch.get_logger()
    level = logger.level
    logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        logger.setLevel(level)


def _download(stem: str, into: Path, mirrors: tuple[str, ...], progress: bool) -> tuple[Path, np.ndarray, str]:
    """Fetch ``<stem>.gz`` into the temporary folder ``into`` from the first mirror that gives a verified copy."""
    problems = []
    for mirror in mirrors:
        url = mirror.rstrip("/") + f"/{stem}.gz"
        target = into / f"{stem}.gz"
        try:
            with _quiet_pooch():
                pooch.retrieve(url, known_hash=None, fname=target.name, path=into, progressbar=progress)
            array, digest = _load_file(target, stem)
            return target, array, digest
        except Exception as e:  # noqa: BLE001 - network errors come in many types; each mirror gets its chance
            with contextlib.suppress(FileNotFoundError):
                target.unlink()
            detail = " ".join(str(e).split())
            reason = detail if isinstance(e, DataError) else f"{type(e).__name__}: {detail[:120]}"
            problems.append(f"{url}: {reason}")
    raise DataError(f"could not download {stem}.gz from any mirror ({'; '.join(problems)})")


def _download_all(cache: Path, mirrors: tuple[str, ...], progress: bool) -> tuple[dict[str, np.ndarray], dict[str, str]]:
    """Download and verify all four files in a temporary folder, then move them into ``cache``."""
    cache.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".download-", dir=cache))
    try:
        arrays, hashes, files = {}, {}, {}
        for stem in FILES:
            files[stem], arrays[stem], hashes[stem] = _download(stem, tmp, mirrors, progress)
        _check_counts(arrays, tmp)
        for stem, path in files.items():
            os.replace(path, cache / path.name)  # atomic: the cache holds the old file or the new one
        return arrays, hashes
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def load_arrays(
    path: str | os.PathLike[str] | None = None,
    *,
    download: bool = True,
    progress: bool = True,
    mirrors: tuple[str, ...] = MIRRORS,
) -> tuple[dict[str, np.ndarray], Source]:
    """The four Fashion-MNIST arrays by file stem, and the :class:`Source` they came from."""
    env = data_folder()
    if path is not None:
        folder = Path(path).expanduser()
        arrays, hashes = _load_folder(folder)
        return arrays, Source("argument", folder, hashes)
    if env is not None:
        folder = env
        try:
            arrays, hashes = _load_folder(folder)
        except DataError as e:
            raise DataError(f"APPAREL_DATA: {e}") from None
        return arrays, Source("APPAREL_DATA", folder, hashes)

    cache = cache_dir()
    skipped = []
    for origin, folder in (("cache", cache), ("debian", DEBIAN_DIR)):
        if not all(_find(folder, stem) for stem in FILES):
            continue
        try:
            arrays, hashes = _load_folder(folder)
        except DataError as e:
            skipped.append(f"skipped the {origin} copy: {e}")
            continue
        return arrays, Source(origin, folder, hashes)

    if download:
        try:
            arrays, hashes = _download_all(cache, tuple(mirrors), progress)
        except DataError as e:
            skipped.append(str(e))
        else:
            return arrays, Source("download", cache, hashes)
    else:
        skipped.append("downloading is turned off")
    raise DataError(
        f"Fashion-MNIST not found: no verified copy in the cache ({cache}) or in {DEBIAN_DIR}"
        f" ({'; '.join(skipped)}): {_HELP}"
    )
