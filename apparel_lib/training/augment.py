"""Random augmentation of training batches: small shifts and left-right flips, from a seeded generator."""

from __future__ import annotations

import torch

from ..data.variants import shift_images

__all__ = ["augment_batch"]


def augment_batch(x: torch.Tensor, *, shift: int, flip: bool, generator: torch.Generator) -> torch.Tensor:
    """A copy of the batch ``x`` (N, C, H, W) with each picture moved by up to ``shift`` pixels each way
    (background fills in) and, with ``flip``, half of them mirrored left-right.

    The random choices come from ``generator`` (on the CPU), so the global random state is untouched.
    """
    n = len(x)
    if flip:
        mirror = (torch.rand(n, generator=generator) < 0.5).to(x.device)
        x = torch.where(mirror[:, None, None, None], x.flip(-1), x)
    if shift:
        offsets = torch.randint(-shift, shift + 1, (n, 2), generator=generator)
        out = torch.empty_like(x)
        for dx, dy in offsets.unique(dim=0).tolist():
            rows = ((offsets[:, 0] == dx) & (offsets[:, 1] == dy)).nonzero().squeeze(1).to(x.device)
            out[rows] = shift_images(x[rows], dx, dy)
        x = out
    return x
