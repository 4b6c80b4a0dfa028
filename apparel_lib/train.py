"""Training a model with a recipe: seeded, device-aware, with a per-epoch history and a progress bar."""

from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass, field
from typing import Any, Protocol

import torch
from torch import nn
from torch.nn import functional as F
from tqdm.auto import tqdm

from .data import make_loader
from .errors import ApparelError
from .evaluate import loss_and_accuracy, score_logits
from .recipes import Recipe

__all__ = ["History", "pick_device", "make_optimizer", "train"]


class _TrainValSplits(Protocol):
    x_train: torch.Tensor
    y_train: torch.Tensor
    x_val: torch.Tensor
    y_val: torch.Tensor


@dataclass
class History:
    """Per-epoch training and validation loss and accuracy (and wall-clock seconds per epoch)."""

    train_loss: list[float] = field(default_factory=list)
    train_acc: list[float] = field(default_factory=list)
    val_loss: list[float] = field(default_factory=list)
    val_acc: list[float] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)

    @property
    def epochs(self) -> int:
        return len(self.train_loss)

    def to_dict(self) -> dict[str, list[float]]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> History:
        return cls(**{f.name: [float(v) for v in values.get(f.name, [])] for f in dataclasses.fields(cls)})


def pick_device(device: str | torch.device | None = None) -> torch.device:
    """``device`` if given, else the best available: cuda, then mps, then cpu."""
    if device is not None:
        try:
            chosen = torch.device(device)
        except RuntimeError as err:
            raise ApparelError(f"unknown device {device!r}: use cpu, cuda or mps ({err})") from None
        if chosen.type == "cuda" and not torch.cuda.is_available():
            raise ApparelError(f"device {device!r} asked for, but no CUDA GPU is available: use --device cpu")
        if chosen.type == "mps" and not torch.backends.mps.is_available():
            raise ApparelError(f"device {device!r} asked for, but Apple MPS is not available: use --device cpu")
        return chosen
    if torch.cuda.is_available():
        return torch.device("cuda")
    if torch.backends.mps.is_available():
        return torch.device("mps")
    return torch.device("cpu")


def make_optimizer(model: nn.Module, recipe: Recipe) -> torch.optim.Optimizer:
    """The optimiser a recipe names, over the model's parameters."""
    if recipe.optimizer == "adam":
        return torch.optim.Adam(model.parameters(), lr=recipe.lr, weight_decay=recipe.weight_decay)
    if recipe.optimizer == "sgd":
        return torch.optim.SGD(model.parameters(), lr=recipe.lr, momentum=0.9, weight_decay=recipe.weight_decay)
    raise ApparelError(f"unknown optimizer {recipe.optimizer!r} in recipe {recipe.name!r}: use adam or sgd")


def train(
    model: nn.Module,
    splits: _TrainValSplits,
    recipe: Recipe,
    *,
    seed: int = 0,
    device: str | torch.device | None = None,
    progress: bool = True,
) -> History:
    """Train ``model`` in place on ``splits.x_train`` following ``recipe``; return the history.

    Each epoch records the mean training loss and accuracy over its steps, then the validation
    loss and accuracy in evaluation mode. With ``recipe.eval_in_train_mode`` the validation set
    is measured the tutorial's way instead: before the epoch's step, in training mode, as one
    batch, which (as in the tutorial) also moves batch norm's running averages.
    The same seed on the same machine gives the same weights and history; the global random
    state is left as it was.
    """
    device = pick_device(device)
    model.to(device)
    x_val, y_val = splits.x_val.to(device), splits.y_val.to(device)
    # Mini-batches are shuffled afresh each epoch; a full batch is the training set in its own
    # order, as the tutorial fed it. (The order changes a full-batch step only through rounding,
    # but the tutorial's recipe is sensitive enough for that to change where training ends.)
    loader = make_loader(splits.x_train, splits.y_train, batch_size=recipe.batch_size, shuffle=recipe.batch_size is not None, seed=seed)
    optimizer = make_optimizer(model, recipe)
    history = History()
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        bar = tqdm(range(recipe.epochs), desc=f"{getattr(model, 'name', 'model')} · {recipe.name}", unit="epoch", disable=not progress)
        for _ in bar:
            start = time.perf_counter()
            model.train()
            if recipe.eval_in_train_mode:
                with torch.no_grad():  # in training mode: batch norm uses, and learns from, the validation batch
                    val_loss, val_acc = score_logits(model(x_val), y_val)
            total_loss, correct, seen = 0.0, 0, 0
            for xb, yb in loader:
                xb, yb = xb.to(device), yb.to(device)
                optimizer.zero_grad(set_to_none=True)
                out = model(xb)
                loss = F.cross_entropy(out, yb)
                loss.backward()
                optimizer.step()
                total_loss += loss.item() * len(yb)
                correct += int((out.argmax(1) == yb).sum())
                seen += len(yb)
            if not recipe.eval_in_train_mode:
                val_loss, val_acc = loss_and_accuracy(model, x_val, y_val)
            history.train_loss.append(total_loss / seen)
            history.train_acc.append(correct / seen)
            history.val_loss.append(val_loss)
            history.val_acc.append(val_acc)
            history.seconds.append(time.perf_counter() - start)
            bar.set_postfix(loss=f"{history.train_loss[-1]:.3f}", val_acc=f"{val_acc:.3f}")
    return history
