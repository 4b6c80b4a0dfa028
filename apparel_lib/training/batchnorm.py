"""Batch normalisation after training: recompute the running statistics for the final weights."""

from __future__ import annotations

import torch
from torch import nn

from ..errors import ApparelError

__all__ = ["recalibrate_batchnorm"]

_BN = (nn.BatchNorm1d, nn.BatchNorm2d, nn.BatchNorm3d)


@torch.no_grad()
def recalibrate_batchnorm(model: nn.Module, x: torch.Tensor, *, batch_size: int = 1000) -> nn.Module:
    """Recompute every batch-norm layer's running mean and variance from ``x``, in place.

    The running statistics are reset and re-estimated as a plain (cumulative) average over the
    batches of ``x`` (``momentum=None``), with the model in training mode and no gradient step,
    so they describe what the final weights produce. The weights are not touched, each layer's
    momentum is restored afterwards, and the model is returned in evaluation mode.
    """
    layers = [m for m in model.modules() if isinstance(m, _BN)]
    if not layers:
        raise ApparelError("the model has no batch-norm layer to recalibrate")
    if batch_size < 2 or len(x) < 2:
        raise ApparelError(f"recalibration needs at least 2 pictures per batch, not batch_size={batch_size} with {len(x)} pictures")
    momenta = [m.momentum for m in layers]
    device = next(model.parameters()).device
    try:
        for m in layers:
            m.reset_running_stats()
            m.momentum = None
        model.train()
        for i in range(0, len(x), batch_size):
            batch = x[i : i + batch_size]
            if len(batch) > 1:
                model(batch.to(device))
    finally:
        for m, momentum in zip(layers, momenta):
            m.momentum = momentum
    return model.eval()
