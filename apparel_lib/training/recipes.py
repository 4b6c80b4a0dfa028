"""Training recipes as plain data: optimiser, learning rate and schedule, batch size, epochs, augmentation."""

from __future__ import annotations

import dataclasses
import html
import textwrap
from dataclasses import dataclass
from typing import Any

from ..errors import ApparelError

__all__ = ["Recipe", "RECIPES", "OPTIMIZERS", "SCHEDULES", "get_recipe", "default_recipe"]

OPTIMIZERS: tuple[str, ...] = ("adam", "adamw", "sgd")
SCHEDULES: tuple[str, ...] = ("constant", "onecycle")


@dataclass(frozen=True)
class Recipe:
    """How to train a model.

    ``batch_size=None`` means the whole training set is one batch (one step per epoch).
    ``momentum`` is SGD's (ignored by Adam). ``schedule`` is ``"constant"`` or ``"onecycle"``
    (warm up to ``lr``, then anneal, stepped every batch). ``augment_shift`` moves each training
    picture by up to that many pixels in each direction (a fresh random shift per picture and
    epoch, background filled in); ``augment_flip`` mirrors half of them left-right.
    ``autocast_bf16`` runs the training forward pass under bfloat16 autocast where the device
    computes bfloat16 natively (a CUDA GPU, or a CPU with AVX512-BF16 or AMX) and in float32
    elsewhere, where emulated bfloat16 would be slower; weights, optimiser and evaluation stay
    float32. ``channels_last`` stores the model's maps channels-last, which CPU convolutions run
    faster. Both change the rounding, so results differ slightly from a float32 run.
    ``deterministic`` asks PyTorch for deterministic algorithms (slower on a GPU).
    ``patience`` stops training early: after that many epochs without a better validation
    accuracy, training ends and the weights of the best epoch are restored (``epochs`` is then
    the most it may train). None trains every epoch.
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
    momentum: float = 0.9
    schedule: str = "constant"
    label_smoothing: float = 0.0
    augment_shift: int = 0
    augment_flip: bool = False
    autocast_bf16: bool = False
    channels_last: bool = False
    deterministic: bool = False
    eval_in_train_mode: bool = False
    patience: int | None = None

    def __post_init__(self) -> None:
        if self.optimizer not in OPTIMIZERS:
            raise ApparelError(f"unknown optimizer {self.optimizer!r} in recipe {self.name!r}: use {', '.join(OPTIMIZERS)}")
        if self.schedule not in SCHEDULES:
            raise ApparelError(f"unknown schedule {self.schedule!r} in recipe {self.name!r}: use {', '.join(SCHEDULES)}")
        if isinstance(self.epochs, bool) or not isinstance(self.epochs, int) or self.epochs < 1:
            raise ApparelError(f"epochs must be a positive integer, not {self.epochs!r}")
        if not self.lr > 0:
            raise ApparelError(f"lr must be positive, not {self.lr!r}")
        if self.batch_size is not None and (isinstance(self.batch_size, bool) or not isinstance(self.batch_size, int) or self.batch_size < 1):
            raise ApparelError(f"batch_size must be a positive integer or None (the whole set), not {self.batch_size!r}")
        if not 0 <= self.augment_shift < 14:
            raise ApparelError(f"augment_shift must be between 0 and 13 pixels, not {self.augment_shift!r}")
        if self.patience is not None and (isinstance(self.patience, bool) or not isinstance(self.patience, int) or self.patience < 1):
            raise ApparelError(f"patience must be a positive number of epochs or None, not {self.patience!r}")
        if self.patience is not None and self.eval_in_train_mode:
            raise ApparelError("patience (early stopping) cannot judge epochs the tutorial's way (eval_in_train_mode): it measures before each step")
        if self.patience is not None and self.schedule != "constant":
            raise ApparelError(f"patience (early stopping) needs the constant schedule, not {self.schedule!r}: a schedule is planned for all the epochs")
        if not 0 <= self.label_smoothing < 1:
            raise ApparelError(f"label_smoothing must be in [0, 1), not {self.label_smoothing!r}")

    def replace(self, **changes: Any) -> Recipe:
        """A copy with some fields changed, e.g. ``recipe.replace(epochs=3)``."""
        unknown = sorted(set(changes) - {f.name for f in dataclasses.fields(self)})
        if unknown:
            raise ApparelError(f"a recipe has no field {', '.join(map(repr, unknown))}: its fields are {', '.join(f.name for f in dataclasses.fields(self))}")
        return dataclasses.replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        """The fields as a dict; ``patience`` only when set, so recipes without it keep the keys
        they were stored under before it existed."""
        values = dataclasses.asdict(self)
        if values["patience"] is None:
            del values["patience"]
        return values

    def _fields_shown(self) -> list[str]:
        return [f"{f.name}={getattr(self, f.name)!r}" for f in dataclasses.fields(self)]

    def _repr_pretty_(self, p: Any, cycle: bool) -> None:
        """In a notebook, the repr wrapped to 79 columns (its one line is about 300 wide)."""
        p.text(textwrap.fill(", ".join(self._fields_shown()), width=79, initial_indent="Recipe(",
                             subsequent_indent=" " * len("Recipe("), break_long_words=False) + ")")

    def _repr_html_(self) -> str:
        """In a notebook and the book, a small table: three fields a row."""
        cells = [f"<td><code>{f.name}</code></td><td>{html.escape(repr(getattr(self, f.name)))}</td>"
                 for f in dataclasses.fields(self)]
        rows = "".join(f"<tr>{''.join(cells[i:i + 3])}</tr>" for i in range(0, len(cells), 3))
        return f'<table class="recipe"><caption>Recipe</caption><tbody>{rows}</tbody></table>'

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> Recipe:
        return cls(**values)


ANY_MODEL = "*"

RECIPES: dict[str, dict[str, Recipe]] = {
    # The tutorial's own training, per model.
    "tutorial": {
        "tutorial-cnn": Recipe("tutorial", lr=0.07, batch_size=None, epochs=25, eval_in_train_mode=True),
        "plain": Recipe("tutorial", lr=0.001, batch_size=128, epochs=20),
    },
    # A sound modern default for any model: small shuffled mini-batches and Adam's usual rate.
    "minibatch": {
        ANY_MODEL: Recipe("minibatch", lr=0.002, batch_size=64, epochs=15),
    },
    # Trained until validation accuracy stops improving (chapters 4 and 5): the minibatch
    # recipe's Adam, in batches of 256, for up to 60 epochs, stopping after 5 without progress.
    "plateau": {
        ANY_MODEL: Recipe("plateau", lr=0.002, batch_size=256, epochs=60, patience=5),
    },
    # Chapter 7's recipe for best-cnn: few epochs, made to count (see the chapter's ablation).
    "best": {
        ANY_MODEL: Recipe(
            "best", lr=0.006, batch_size=256, epochs=8, optimizer="adamw", weight_decay=0.01,
            schedule="onecycle", label_smoothing=0.1, augment_flip=True, autocast_bf16=True, channels_last=True,
        ),
    },
    # Chapter 11's recipe for speedrun-cnn: best's ingredients in 6 epochs instead of 8, at a
    # higher rate (the chapter shows the attempts that led here).
    "speedrun": {
        ANY_MODEL: Recipe(
            "speedrun", lr=0.01, batch_size=256, epochs=6, optimizer="adamw", weight_decay=0.01,
            schedule="onecycle", label_smoothing=0.1, augment_flip=True, autocast_bf16=True, channels_last=True,
        ),
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


DEFAULT_RECIPES: dict[str, str] = {"best-cnn": "best", "speedrun-cnn": "speedrun", "tutorial-cnn": "tutorial"}
"""The recipe a model is trained with when none is named (``minibatch`` for the others)."""


def default_recipe(model_name: str) -> str:
    """The name of the recipe ``model_name`` is trained with when none is named."""
    return DEFAULT_RECIPES.get(model_name, "minibatch")
