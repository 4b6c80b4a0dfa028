"""The IDX file format that Fashion-MNIST ships in: a tiny header, then raw uint8 pixels or labels.

Layout (all integers big-endian)::

    bytes 0-1   zero
    byte  2     element type (0x08 = unsigned byte, the only one Fashion-MNIST uses)
    byte  3     number of dimensions (3 for images, 1 for labels)
    then        one uint32 size per dimension
    then        the elements, row-major

Files may be gzipped; we tell by the gzip magic bytes, not by the file name.
"""

from __future__ import annotations

import gzip
import os
import zlib
from pathlib import Path

import numpy as np

from ..constants import IMAGE_SIZE
from ..errors import DataError

__all__ = ["IMAGES_MAGIC", "LABELS_MAGIC", "parse_idx", "read_idx", "read_content"]

IMAGES_MAGIC = 0x00000803  # uint8, 3 dimensions: N x rows x cols
LABELS_MAGIC = 0x00000801  # uint8, 1 dimension: N
_GZIP_MAGIC = b"\x1f\x8b"
_FIX = "delete it and run again to fetch a fresh copy"


def parse_idx(raw: bytes, name: str) -> np.ndarray:
    """Check the header and length of IDX content ``raw`` and return its array (a copy).

    Images come back as uint8 (N, 28, 28), labels as uint8 (N,). ``name`` says in error
    messages which file is at fault.
    """
    if len(raw) < 4:
        raise DataError(f"{name} is truncated (only {len(raw)} bytes, not even an IDX header): {_FIX}")
    magic = int.from_bytes(raw[:4], "big")
    if magic not in (IMAGES_MAGIC, LABELS_MAGIC):
        raise DataError(
            f"{name} is not a Fashion-MNIST IDX file (magic number 0x{magic:08x}, expected "
            f"0x{IMAGES_MAGIC:08x} for images or 0x{LABELS_MAGIC:08x} for labels): {_FIX}"
        )
    ndim = raw[3]
    header = 4 + 4 * ndim
    if len(raw) < header:
        raise DataError(f"{name} is truncated inside its header ({len(raw)} of {header} bytes): {_FIX}")
    dims = tuple(int.from_bytes(raw[4 + 4 * i : 8 + 4 * i], "big") for i in range(ndim))
    if ndim == 3 and dims[1:] != (IMAGE_SIZE, IMAGE_SIZE):
        raise DataError(
            f"{name} holds {dims[1]}x{dims[2]} images, expected 28x28 Fashion-MNIST images: {_FIX}"
        )
    expected = header + int(np.prod(dims, dtype=np.int64))
    if len(raw) < expected:
        raise DataError(
            f"{name} is truncated (expected {expected} bytes of content, got {len(raw)}): {_FIX}"
        )
    if len(raw) > expected:
        raise DataError(
            f"{name} has {len(raw) - expected} unexpected trailing bytes after its {expected} bytes "
            f"of content: {_FIX}"
        )
    return np.frombuffer(raw, dtype=np.uint8, offset=header).reshape(dims).copy()


def read_content(path: str | os.PathLike[str]) -> bytes:
    """Return the IDX content of the file at ``path``, decompressing it if it is gzipped."""
    path = Path(path)
    name = f"{path.name} in {path.parent}"
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise DataError(f"{name} does not exist: check the path, or run again to fetch a copy") from None
    except OSError as e:
        raise DataError(f"{name} cannot be read ({e.strerror or e}): check its permissions") from None
    if not raw.startswith(_GZIP_MAGIC):
        return raw
    try:
        return gzip.decompress(raw)
    except EOFError:
        raise DataError(f"{name} is a truncated gzip file (it ends mid-stream): {_FIX}") from None
    except (OSError, zlib.error) as e:
        raise DataError(f"{name} is a corrupt gzip file ({e}): {_FIX}") from None


def read_idx(path: str | os.PathLike[str]) -> np.ndarray:
    """Read an IDX file, gzipped or not, and return its array (see :func:`parse_idx`)."""
    path = Path(path)
    return parse_idx(read_content(path), f"{path.name} in {path.parent}")
