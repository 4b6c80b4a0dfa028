"""Training a model with a recipe: seeded, device-aware, with a per-epoch history, hook and progress bar."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Protocol

import torch
from torch import nn
from tqdm.auto import tqdm

from ..data.dataset import make_loader
from ..interrupts import check_stop, stop_safely
from ..seeding import deterministic, seeded
from .augment import augment_batch
from .devices import autocasts_bf16, pick_device
from .evaluate import loss_and_accuracy, score_logits
from .history import History
from .memory import training_memory
from .recipes import Recipe
from .step import make_optimizer, train_step

__all__ = ["EpochHook", "train", "best_epoch", "plateaued", "finished"]

EpochHook = Callable[[History], "bool | None"]
"""Called after every epoch with the history so far; return True to stop training there."""


class _TrainValSplits(Protocol):
    x_train: torch.Tensor
    y_train: torch.Tensor
    x_val: torch.Tensor
    y_val: torch.Tensor


def best_epoch(history: History) -> int:
    """The epoch (counted from 1) with the highest validation accuracy; the first if tied."""
    if not history.val_acc:
        raise ValueError("an empty history has no best epoch")
    return max(range(len(history.val_acc)), key=lambda i: (history.val_acc[i], -i)) + 1


def plateaued(history: History, recipe: Recipe) -> bool:
    """Whether early stopping ends training here: ``recipe.patience`` epochs since the best one."""
    return recipe.patience is not None and history.epochs - best_epoch(history) >= recipe.patience


def finished(history: History, recipe: Recipe) -> bool:
    """Whether a run trained as its recipe says: every epoch, or until early stopping ended it
    (False for a run that a hook or Ctrl-C stopped sooner)."""
    return history.epochs == recipe.epochs or plateaued(history, recipe)


def train(
    model: nn.Module,
    splits: _TrainValSplits,
    recipe: Recipe,
    *,
    seed: int = 0,
    device: str | torch.device | None = None,
    progress: bool = True,
    on_epoch: EpochHook | None = None,
) -> History:
    """Train ``model`` in place on ``splits.x_train`` following ``recipe``; return the history.

    Each epoch records the mean training loss and accuracy over its steps, then the validation
    loss and accuracy in evaluation mode. With ``recipe.eval_in_train_mode`` the validation set
    is measured the tutorial's way instead: before the epoch's step, in training mode, as one
    batch, which (as in the tutorial) also moves batch norm's running averages.
    With ``recipe.patience``, training stops after that many epochs without a better validation
    accuracy and the model gets back the weights of its best epoch (see :func:`best_epoch`).
    After each epoch ``on_epoch(history)`` is called, if given; when it returns True, training
    stops there (a tuner prunes a trial this way; an exception it raises passes through).
    The same seed on the same machine gives the same weights and history; the caller's random
    state is left as it was. Ctrl-C stops training between two batches with
    :class:`~apparel_lib.interrupts.Stopped` (one line in a notebook; a second Ctrl-C at once).
    """
    device = pick_device(device)
    model.to(device)
    memory_format = torch.channels_last if recipe.channels_last else torch.contiguous_format
    model.to(memory_format=memory_format)
    bf16 = autocasts_bf16(recipe, device)
    x_val, y_val = splits.x_val.to(device), splits.y_val.to(device)
    # Mini-batches are shuffled afresh each epoch; a full batch is the training set in its own
    # order, as the tutorial fed it. (The order changes a full-batch step only through rounding,
    # but the tutorial's recipe is sensitive enough for that to change where training ends.)
    loader = make_loader(splits.x_train, splits.y_train, batch_size=recipe.batch_size, shuffle=recipe.batch_size is not None, seed=seed)
    optimizer = make_optimizer(model, recipe)
    scheduler = None
    if recipe.schedule == "onecycle":
        scheduler = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=recipe.lr, total_steps=recipe.epochs * len(loader))
    augmenting = recipe.augment_shift > 0 or recipe.augment_flip
    augment_rng = torch.Generator().manual_seed(seed + 1)
    history = History()
    best_state: dict[str, torch.Tensor] | None = None
    keep_memory = training_memory(device.type == "cpu", recipe.batch_size is None)  # see memory.py
    # Ctrl-C stops between two batches, with one line in a notebook (see interrupts.py).
    with stop_safely(), seeded(seed, device), deterministic(recipe.deterministic), keep_memory:
        # A short label: in a notebook the bar is a widget whose text must fit on one line.
        bar = tqdm(range(recipe.epochs), desc=recipe.name, unit="epoch", disable=not progress)
        for _ in bar:
            start = time.perf_counter()
            model.train()
            if recipe.eval_in_train_mode:
                with torch.no_grad():  # in training mode: batch norm uses, and learns from, the validation batch
                    val_loss, val_acc = score_logits(model(x_val), y_val)
            total_loss, correct, seen = 0.0, 0, 0
            for xb, yb in loader:
                check_stop()  # a Ctrl-C deferred by interrupts.stop_safely stops here, between two batches
                xb, yb = xb.to(device), yb.to(device)
                if augmenting:
                    xb = augment_batch(xb, shift=recipe.augment_shift, flip=recipe.augment_flip, generator=augment_rng)
                loss, out = train_step(model, optimizer, xb.contiguous(memory_format=memory_format), yb,
                                       bf16=bf16, label_smoothing=recipe.label_smoothing)
                if scheduler is not None:
                    scheduler.step()
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
            bar.set_postfix(loss=f"{history.train_loss[-1]:.3f}", val=f"{val_acc:.3f}")
            if recipe.patience is not None and best_epoch(history) == history.epochs:
                best_state = {k: v.detach().clone() for k, v in model.state_dict().items()}
            if on_epoch is not None and on_epoch(history):
                break
            if plateaued(history, recipe):
                break
    if best_state is not None:
        model.load_state_dict(best_state)
    model.to(memory_format=torch.contiguous_format)
    return history
