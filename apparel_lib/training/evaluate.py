"""Judging a trained model: predictions, accuracy, per-class accuracy, confusion matrix, mistakes."""

from __future__ import annotations

import copy

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

from ..constants import NUM_CLASSES
from ..models.modes import in_mode

__all__ = [
    "logits",
    "probabilities",
    "predict",
    "accuracy",
    "loss_and_accuracy",
    "score_logits",
    "per_class_accuracy",
    "confusion_matrix",
    "misclassified",
    "EVAL_BATCH",
]

EVAL_BATCH = 256
"""Pictures per chunk when judging a model. On a 2-core CPU, chunks of 128-256 ran best-cnn's
inference faster than chunks of 4,096, whose activations spill out of the caches, and gave the
same scores: bit-identical there, equal to float32 rounding on every processor (other
processors sum in another order; tests/test_evaluate.py checks that)."""


def _device_of(model: nn.Module) -> torch.device:
    first = next(model.parameters(), None)
    return first.device if first is not None else torch.device("cpu")


def _judged(model: nn.Module, device: torch.device, train_mode: bool) -> nn.Module:
    """The module that computes the scores: on the CPU in evaluation mode, a CNN's channels-last
    copy. On a 2-core CPU it judged the book's CNNs faster (max-pooling is slow on channels-first
    maps). Its scores differ from channels-first ones by float rounding only: at
    most 8e-6 over the 45 CNNs the chapters train, on validation and test pictures, and not one
    of their 720,000 predictions changed."""
    if train_mode or device.type != "cpu" or not any(isinstance(m, nn.Conv2d) for m in model.modules()):
        return model
    return copy.deepcopy(model).to(memory_format=torch.channels_last)


@torch.no_grad()
def logits(model: nn.Module, x: torch.Tensor, *, train_mode: bool = False, batch_size: int = EVAL_BATCH) -> torch.Tensor:
    """Raw class scores for ``x`` (on the CPU).

    Normally the model runs in evaluation mode (batch norm uses the running averages learned in
    training), in chunks of ``batch_size`` (which changes only the speed). With ``train_mode``
    it runs the tutorial's way: in training mode, on the whole of ``x`` as one batch, so batch
    norm uses the statistics of ``x`` itself. Either way the model is left exactly as it was
    (mode, running statistics and memory format).
    """
    saved = {name: b.clone() for name, b in model.named_buffers()} if train_mode else {}
    device = _device_of(model)
    step = max(1, len(x)) if train_mode else batch_size
    try:
        with in_mode(model, train_mode):
            net = _judged(model, device, train_mode)
            chunks = [net(x[i : i + step].to(device)).cpu() for i in range(0, len(x), step)]
    finally:
        for name, buffer in model.named_buffers():
            if name in saved:
                buffer.copy_(saved[name])
    return torch.cat(chunks) if chunks else torch.empty(0, 0)


def probabilities(model: nn.Module, x: torch.Tensor) -> torch.Tensor:
    """Softmax class probabilities for every image in ``x`` (evaluation mode; rows sum to 1)."""
    return torch.softmax(logits(model, x), dim=1)


def predict(model: nn.Module, x: torch.Tensor, *, train_mode: bool = False) -> torch.Tensor:
    """Predicted class (0-9) for every image in ``x`` (``train_mode``: see :func:`logits`)."""
    return logits(model, x, train_mode=train_mode).argmax(dim=1)


def accuracy(model: nn.Module, x: torch.Tensor, y: torch.Tensor, *, train_mode: bool = False) -> float:
    """Fraction of images in ``x`` whose predicted class equals ``y`` (``train_mode``: see :func:`logits`)."""
    return float((predict(model, x, train_mode=train_mode) == y.cpu()).float().mean())


def loss_and_accuracy(
    model: nn.Module, x: torch.Tensor, y: torch.Tensor, *, train_mode: bool = False
) -> tuple[float, float]:
    """Mean cross-entropy and accuracy over ``x`` (``train_mode``: see :func:`logits`)."""
    return score_logits(logits(model, x, train_mode=train_mode), y)


def score_logits(out: torch.Tensor, y: torch.Tensor) -> tuple[float, float]:
    """Mean cross-entropy and accuracy of class scores ``out`` against labels ``y``."""
    y = y.to(out.device)
    return float(F.cross_entropy(out, y)), float((out.argmax(1) == y).float().mean())


def confusion_matrix(y_true: np.ndarray | torch.Tensor, y_pred: np.ndarray | torch.Tensor, num_classes: int = NUM_CLASSES) -> np.ndarray:
    """``counts[i, j]`` = images of true class ``i`` predicted as class ``j``."""
    t, p = np.asarray(y_true, dtype=np.int64), np.asarray(y_pred, dtype=np.int64)
    return np.bincount(t * num_classes + p, minlength=num_classes**2).reshape(num_classes, num_classes)


def per_class_accuracy(y_true: np.ndarray | torch.Tensor, y_pred: np.ndarray | torch.Tensor, num_classes: int = NUM_CLASSES) -> np.ndarray:
    """Accuracy within each true class (NaN for a class with no images)."""
    counts = confusion_matrix(y_true, y_pred, num_classes)
    totals = counts.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.diag(counts) / totals


def misclassified(y_true: np.ndarray | torch.Tensor, y_pred: np.ndarray | torch.Tensor) -> np.ndarray:
    """Indices of the images whose prediction is wrong, in order."""
    return np.flatnonzero(np.asarray(y_true) != np.asarray(y_pred))
