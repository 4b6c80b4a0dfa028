"""Which pixels mattered for a decision, measured with Captum (PyTorch's interpretability library).

Two ways of asking, both for the score of one class:

- :func:`occlusion_map`: cover a small patch with black (the data set's background), see how much
  the class's probability drops; repeat for every patch position (``captum.attr.Occlusion``);
- :func:`gradient_map`: Integrated Gradients, the gradient of the class's probability averaged
  along the straight path from a black picture to the real one, times the difference
  (``captum.attr.IntegratedGradients``); its values add up to the probability's change.

Both return one 28x28 map per picture: positive where a pixel supported the class.
"""

from __future__ import annotations

import torch
from torch import nn

from ..extras import require
from .modes import in_mode

__all__ = ["ProbabilityOf", "occlusion_map", "gradient_map"]


class ProbabilityOf(nn.Module):
    """The model's softmax probabilities instead of its scores, so maps read in probability."""

    def __init__(self, model: nn.Module) -> None:
        super().__init__()
        self.model = model

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.softmax(self.model(x), dim=1)


def _check(x: torch.Tensor, target: torch.Tensor | int) -> torch.Tensor:
    from ..errors import ApparelError

    if x.ndim != 4 or x.shape[1] != 1:
        raise ApparelError(f"pictures must have shape (N, 1, H, W), got {tuple(x.shape)}: use to_tensor(images)")
    target = torch.as_tensor(target, dtype=torch.long)
    return target.expand(len(x)) if target.ndim == 0 else target


def occlusion_map(
    model: nn.Module, x: torch.Tensor, target: torch.Tensor | int, *, patch: int = 4, stride: int = 2
) -> torch.Tensor:
    """How much the probability of ``target`` drops when a ``patch`` x ``patch`` square around each
    pixel is blacked out (averaged over the patches covering it). Shape ``(N, H, W)``."""
    attr = require("captum.attr")

    target = _check(x, target)
    with in_mode(model), torch.no_grad():
        maps = attr.Occlusion(ProbabilityOf(model)).attribute(
            x, target=target, sliding_window_shapes=(1, patch, patch), strides=(1, stride, stride),
            baselines=0.0, perturbations_per_eval=16, show_progress=False)
    return maps[:, 0].detach()


def gradient_map(model: nn.Module, x: torch.Tensor, target: torch.Tensor | int, *, steps: int = 32) -> torch.Tensor:
    """Integrated Gradients of the probability of ``target`` from a black picture to ``x``. Shape ``(N, H, W)``."""
    attr = require("captum.attr")

    target = _check(x, target)
    with in_mode(model):
        maps = attr.IntegratedGradients(ProbabilityOf(model)).attribute(
            x, baselines=torch.zeros_like(x), target=target, n_steps=steps, method="gausslegendre",
            internal_batch_size=256)
    return maps[:, 0].detach()
