"""Judging a trained model: predictions, accuracy, per-class accuracy, confusion matrix, mistakes."""

from __future__ import annotations

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

__all__ = [
    "logits",
    "predict",
    "accuracy",
    "loss_and_accuracy",
    "per_class_accuracy",
    "confusion_matrix",
    "misclassified",
]


def _device_of(model: nn.Module) -> torch.device:
    first = next(model.parameters(), None)
    return first.device if first is not None else torch.device("cpu")


@torch.no_grad()
def logits(model: nn.Module, x: torch.Tensor, *, batch_size: int = 4096, train_mode: bool = False) -> torch.Tensor:
    """Raw class scores for ``x`` (on the CPU), computed in chunks.

    The model is put in evaluation mode (batch norm uses its running statistics) unless
    ``train_mode`` is set, and its previous mode is restored afterwards.
    """
    was_training = model.training
    model.train(train_mode)
    device = _device_of(model)
    try:
        chunks = [model(x[i : i + batch_size].to(device)).cpu() for i in range(0, len(x), batch_size)]
    finally:
        model.train(was_training)
    return torch.cat(chunks) if chunks else torch.empty(0, 0)


def predict(model: nn.Module, x: torch.Tensor, *, batch_size: int = 4096) -> torch.Tensor:
    """Predicted class (0-9) for every image in ``x``."""
    return logits(model, x, batch_size=batch_size).argmax(dim=1)


def accuracy(model: nn.Module, x: torch.Tensor, y: torch.Tensor) -> float:
    """Fraction of images in ``x`` whose predicted class equals ``y``."""
    return float((predict(model, x) == y.cpu()).float().mean())


def loss_and_accuracy(
    model: nn.Module, x: torch.Tensor, y: torch.Tensor, *, train_mode: bool = False
) -> tuple[float, float]:
    """Mean cross-entropy and accuracy over ``x``; with ``train_mode`` the whole set is one batch."""
    out = logits(model, x, batch_size=len(x) if train_mode else 4096, train_mode=train_mode)
    y = y.cpu()
    return float(F.cross_entropy(out, y)), float((out.argmax(1) == y).float().mean())


def confusion_matrix(y_true: np.ndarray | torch.Tensor, y_pred: np.ndarray | torch.Tensor, num_classes: int = 10) -> np.ndarray:
    """``counts[i, j]`` = images of true class ``i`` predicted as class ``j``."""
    t, p = np.asarray(y_true, dtype=np.int64), np.asarray(y_pred, dtype=np.int64)
    return np.bincount(t * num_classes + p, minlength=num_classes**2).reshape(num_classes, num_classes)


def per_class_accuracy(y_true: np.ndarray | torch.Tensor, y_pred: np.ndarray | torch.Tensor, num_classes: int = 10) -> np.ndarray:
    """Accuracy within each true class (NaN for a class with no images)."""
    counts = confusion_matrix(y_true, y_pred, num_classes)
    totals = counts.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.diag(counts) / totals


def misclassified(y_true: np.ndarray | torch.Tensor, y_pred: np.ndarray | torch.Tensor) -> np.ndarray:
    """Indices of the images whose prediction is wrong, in order."""
    return np.flatnonzero(np.asarray(y_true) != np.asarray(y_pred))
