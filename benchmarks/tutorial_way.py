"""The tutorial's code, written its way, for the benchmark to compare against (not used by the library).

Reading: one ``skimage.io.imread`` per PNG, appended to a list, divided by 255. Training: the
whole training set as one batch; each epoch computes the training and the validation output in
training mode (the validation output with gradients, as the tutorial did), steps Adam once, and
never calls ``model.eval()``.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd
import torch
from skimage.io import imread
from torch import nn

__all__ = ["read_tutorial_way", "train_tutorial_way", "accuracy_tutorial_way"]


def read_tutorial_way(folder: str | os.PathLike[str], split: str = "train") -> tuple[np.ndarray, pd.DataFrame]:
    """The tutorial's loading loop: every image of ``split`` read one by one into a list."""
    folder = Path(folder)
    table = pd.read_csv(folder / f"{split}.csv")
    images = []
    for img_name in table["id"]:
        img = imread(folder / split / f"{img_name}.png", as_gray=True)
        img = img / 255.0
        images.append(img.astype("float32"))
    return np.array(images), table


def train_tutorial_way(model: nn.Module, x_train: torch.Tensor, y_train: torch.Tensor, x_val: torch.Tensor,
                       y_val: torch.Tensor, *, epochs: int, lr: float = 0.07, seed: int = 0) -> list[float]:
    """The tutorial's training loop; returns the training loss of each epoch."""
    torch.manual_seed(seed)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    criterion = nn.CrossEntropyLoss()
    train_losses = []
    for _ in range(epochs):
        model.train()
        optimizer.zero_grad()
        output_train = model(x_train)
        output_val = model(x_val)
        loss_train = criterion(output_train, y_train)
        loss_val = criterion(output_val, y_val)  # noqa: F841 - computed (with its graph) as the tutorial did
        train_losses.append(loss_train.item())
        loss_train.backward()
        optimizer.step()
    return train_losses


def accuracy_tutorial_way(model: nn.Module, x: torch.Tensor, y: torch.Tensor) -> float:
    """The tutorial's scoring: no ``model.eval()``, the whole set as one batch, argmax of exp(scores)."""
    with torch.no_grad():
        output = model(x)
    predictions = np.argmax(list(torch.exp(output).numpy()), axis=1)
    return float((predictions == y.numpy()).mean())
