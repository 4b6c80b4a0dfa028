"""Training recipes as plain data: which optimiser, learning rate, batch size and how many epochs."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from .errors import ApparelError

__all__ = ["Recipe", "RECIPES", "get_recipe"]


@dataclass(frozen=True)
class Recipe:
    """How to train a model.

    ``batch_size=None`` means the whole training set is one batch (one step per epoch).
    ``eval_in_train_mode`` reproduces the tutorial, which never calls ``model.eval()``: the
    validation loss of each epoch is computed before the step with the model in training mode,
    and accuracies and predictions are computed the same way, on the whole set as one batch, so
    batch normalisation uses the statistics of the very images being judged instead of the
    running averages learned in training.
    """

    name: str
    lr: float
    batch_size: int | None
    epochs: int
    optimizer: str = "adam"
    weight_decay: float = 0.0
    eval_in_train_mode: bool = False

    def replace(self, **changes: Any) -> Recipe:
        """A copy with some fields changed, e.g. ``recipe.replace(epochs=3)``."""
        return dataclasses.replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> Recipe:
        return cls(**values)


ANY_MODEL = "*"

RECIPES: dict[str, dict[str, Recipe]] = {
    # The tutorial's own training, per model.
    "article": {
        "article-cnn": Recipe("article", lr=0.07, batch_size=None, epochs=25, eval_in_train_mode=True),
        "ann": Recipe("article", lr=0.001, batch_size=128, epochs=20),
    },
    # A sound modern default for any model: small shuffled mini-batches and Adam's usual rate.
    "minibatch": {
        ANY_MODEL: Recipe("minibatch", lr=0.002, batch_size=64, epochs=15),
    },
}


def get_recipe(name: str, model_name: str) -> Recipe:
    """The recipe ``name`` for the model ``model_name``."""
    if name not in RECIPES:
        raise ApparelError(f"unknown recipe {name!r}: choose one of {', '.join(RECIPES)}")
    by_model = RECIPES[name]
    recipe = by_model.get(model_name) or by_model.get(ANY_MODEL)
    if recipe is None:
        raise ApparelError(
            f"recipe {name!r} has no settings for model {model_name!r}: "
            f"use it with {', '.join(by_model)} or pick another recipe"
        )
    return recipe
