"""A plain network rewired to read shuffled pixels exactly as it read the unshuffled pictures
(the control of chapter 6: a network without a picture's layout loses nothing to a shuffle)."""

from __future__ import annotations

import copy

import numpy as np
import torch
from torch import nn

from ..errors import ApparelError

__all__ = ["permute_input_weights"]


def _first_layer(model: nn.Module) -> nn.Module | None:
    """The first module that owns parameters (the layer that reads the pixels)."""
    return next((m for m in model.modules() if any(True for _ in m.parameters(recurse=False))), None)


def permute_input_weights(model: nn.Module, permutation: np.ndarray) -> nn.Module:
    """A copy of a plain network whose first layer reads pixels shuffled by ``permutation`` (as
    :func:`~apparel_lib.data.variants.permute_pixels` shuffles them) exactly as the original reads
    the unshuffled pictures: column ``j`` of the new first layer is column ``permutation[j]`` of
    the old one."""
    first = _first_layer(model)
    if not isinstance(first, nn.Linear) or first.in_features != len(permutation):
        raise ApparelError(
            f"the model needs a first Linear layer with {len(permutation)} inputs "
            "(a plain network such as 'linear' or 'plain', not a CNN)"
        )
    if sorted(np.asarray(permutation).tolist()) != list(range(len(permutation))):
        raise ApparelError("permutation must hold every position 0..N-1 exactly once: use pixel_permutation(seed)")
    rewired = copy.deepcopy(model)
    layer = _first_layer(rewired)
    with torch.no_grad():
        layer.weight.copy_(layer.weight[:, torch.as_tensor(permutation)])
    return rewired.eval()
