"""Helpers that several test files import (fixtures live in conftest.py)."""

from __future__ import annotations

import numpy as np
import pytest

__all__ = ["one_line", "make_idx"]


def one_line(excinfo: pytest.ExceptionInfo, *words: str) -> str:
    """The error's message, checked to be one line that contains every word in ``words``."""
    message = str(excinfo.value)
    assert message and "\n" not in message
    for word in words:
        assert word in message, message
    return message


def make_idx(array: np.ndarray, *, magic: int | None = None, dims: tuple[int, ...] | None = None, extra: bytes = b"") -> bytes:
    """IDX bytes for a uint8 ``array``; ``magic``/``dims``/``extra`` forge bad headers and trailers."""
    array = np.asarray(array, dtype=np.uint8)
    magic = (0x00000800 | array.ndim) if magic is None else magic
    dims = array.shape if dims is None else dims
    header = magic.to_bytes(4, "big") + b"".join(int(d).to_bytes(4, "big") for d in dims)
    return header + array.tobytes() + extra
