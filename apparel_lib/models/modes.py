"""Running a model in a chosen mode (evaluation or training) for a while, then as it was."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from torch import nn

__all__ = ["in_mode"]


@contextlib.contextmanager
def in_mode(model: nn.Module, training: bool = False) -> Iterator[nn.Module]:
    """Within the block ``model`` is in evaluation mode (or training mode with ``training``);
    afterwards it is back in the mode it had, whatever happens. Yields the model."""
    was_training = model.training
    model.train(training)
    try:
        yield model
    finally:
        model.train(was_training)
