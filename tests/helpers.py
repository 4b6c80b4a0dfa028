"""Helpers that several test files import (fixtures live in conftest.py): one-line errors, IDX
bytes, the store tests' tiny runs, results written by hand, a free port, alt text that says something."""

from __future__ import annotations

import re
import socket
from typing import Any

import numpy as np
import pytest

from apparel_lib.data.variants import DataVariant
from apparel_lib.runs.spec import RunResult, RunSpec, run_spec
from apparel_lib.training.devices import NumericPath
from apparel_lib.training.history import History

__all__ = ["one_line", "make_idx", "SMALL", "small_spec", "stalling_spec", "history", "hand_result", "free_port", "alt_text_problem"]

SMALL = DataVariant(train_subset=500)
"""The store tests' data: 500 training pictures, all of validation."""


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


def small_spec(seed: int = 0, **changes: Any) -> RunSpec:
    """The store tests' tiny run: a linear model, 500 pictures, 2 epochs (about a second)."""
    return run_spec("linear", "minibatch", seed=seed, data=SMALL, **{"epochs": 2, "batch_size": 100, **changes})


def stalling_spec(**changes: Any) -> RunSpec:
    """A tiny run that stops early: a rate so high that validation accuracy soon stops improving."""
    return small_spec(**{"epochs": 30, "lr": 0.5, "patience": 1, **changes})


def history(val_acc: list[float], seconds: float = 1.0) -> History:
    """A history with these validation accuracies, one epoch each (the other columns constant)."""
    n = len(val_acc)
    return History([1.0] * n, [0.5] * n, [1.0] * n, list(val_acc), [seconds] * n)


def hand_result(
    model: str = "linear", *, options: dict[str, Any] | None = None, seed: int = 0, val: float = 0.8, test: float | None = None,
    epochs: int = 2, seconds: float = 2.0, parameters: int = 7850, fingerprint: str = "f00d", key: str | None = None,
) -> RunResult:
    """A result written by hand (nothing trained): ``epochs`` epochs ending at validation accuracy
    ``val`` (each a point below the next), on the float32 CPU path."""
    import torch

    spec = run_spec(model, "minibatch", options=options, seed=seed, epochs=epochs)
    return RunResult(
        spec=spec, key=key or f"k{seed}", history=history([val - 0.01 * (epochs - 1 - i) for i in range(epochs)], seconds / epochs),
        val_acc=val, test_acc=test, parameters=parameters, seconds=seconds, device="cpu", torch_version=torch.__version__,
        library_version="0.0-test", fingerprint=fingerprint, numeric_path=NumericPath("float32", "cpu", torch.__version__),
    )


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


GENERIC_ALT = {"image", "picture", "figure", "feature map", "plot", "chart", "graph", "photo", "img", "icon", "output"}
"""Words that name a kind of picture without saying what this one shows."""

_PATH_LIKE = re.compile(r"(^\S*[/\\]\S*$)|(\.(png|jpe?g|gif|svg|webp)\b)|(^data:)", re.I)


def alt_text_problem(alt: str | None) -> str | None:
    """Why ``alt`` does not tell a reader what an image shows (missing, empty, a file path or a
    generic word, under four words), or None when it does."""
    text = (alt or "").strip()
    if not text:
        return "no alt text"
    if _PATH_LIKE.search(text):
        return f"alt text is a path: {text[:60]!r}"
    if text.lower() in GENERIC_ALT:
        return f"alt text is a generic word: {text!r}"
    if len(text.split()) < 4:
        return f"alt text says too little: {text!r}"
    return None
