"""Runs as data: what to train (:class:`RunSpec`) and what came of it (:class:`RunResult`), and
the digests that name them: a run's key (:func:`run_key`, from :func:`digest`) and a stored
model file's (:func:`file_digest`), the same for the results store and the ledger.

Both are plain values: printable, comparable with ``==``, and written to JSON and back.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import __version__
from ..data.variants import DataVariant
from ..models.registry import check_options
from ..training.devices import NumericPath, numeric_path
from ..training.history import History
from ..training.recipes import Recipe, get_recipe

if TYPE_CHECKING:
    import torch
    from torch import nn

__all__ = ["RunSpec", "RunResult", "run_spec", "run_key", "digest", "file_digest"]


def digest(values: dict[str, Any]) -> str:
    """A short name for ``values`` (JSON with sorted keys): the first 16 hex digits of its SHA-256."""
    return hashlib.sha256(json.dumps(values, sort_keys=True).encode()).hexdigest()[:16]


def file_digest(path: Path) -> str:
    """The SHA-256 of the file ``path`` (hex): what a stored or shipped model is checked against."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


@dataclass(frozen=True)
class RunSpec:
    """One training run: a registered model with all its options, a recipe, a seed and the data it sees.

    Build one with :func:`run_spec`. The validation split is always the same (seed 0); ``seed``
    sets the initial weights and the order of the mini-batches.
    """

    model: str
    options: dict[str, Any]
    recipe: Recipe
    seed: int = 0
    data: DataVariant = DataVariant()

    def to_dict(self) -> dict[str, Any]:
        return {
            "model": self.model,
            "options": dict(sorted(self.options.items())),
            "recipe": self.recipe.to_dict(),
            "seed": self.seed,
            "data": self.data.to_dict(),
        }

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> RunSpec:
        return cls(
            model=values["model"],
            options=dict(values["options"]),
            recipe=Recipe.from_dict(values["recipe"]),
            seed=int(values["seed"]),
            data=DataVariant.from_dict(values["data"]),
        )

    def key(self, fingerprint: str, version: str, path: NumericPath) -> str:
        """A short name for this run on the data ``fingerprint`` with library ``version``, computed
        on the numeric ``path`` (see :func:`~apparel_lib.training.devices.numeric_path`)."""
        return digest({"spec": self.to_dict(), "data": fingerprint, "version": version, "path": path.to_dict()})

    def describe(self) -> str:
        """One line, e.g. ``tutorial-cnn(filters=8) · minibatch (5 epochs) · seed 1 · standard``."""
        options = ", ".join(f"{k}={v}" for k, v in sorted(self.options.items()))
        epochs = f"{self.recipe.epochs} epoch{'s' * (self.recipe.epochs != 1)}"
        return f"{self.model}({options}) · {self.recipe.name} ({epochs}) · seed {self.seed} · {self.data.describe()}"


def run_spec(
    model: str,
    recipe: str | Recipe = "minibatch",
    *,
    seed: int = 0,
    data: DataVariant | None = None,
    options: dict[str, Any] | None = None,
    **recipe_changes: Any,
) -> RunSpec:
    """A run spec: ``run_spec("tutorial-cnn", "minibatch", options={"filters": 8}, epochs=5, seed=1)``.

    ``recipe`` is a recipe or a recipe name (looked up for ``model``); keyword arguments change
    its fields. Unknown models, options and recipe fields are one-line errors.
    """
    full = check_options(model, options or {})
    base = get_recipe(recipe, model) if isinstance(recipe, str) else recipe
    return RunSpec(model=model, options=full, recipe=base.replace(**recipe_changes), seed=int(seed), data=data or DataVariant())


def run_key(spec: RunSpec, fingerprint: str, device: str | torch.device | None = None) -> tuple[str, NumericPath]:
    """The store key of ``spec`` trained on the data ``fingerprint`` by this library version on
    ``device``, and the numeric path it takes there: what names a run in the results store."""
    path = numeric_path(spec.recipe, device)
    return spec.key(fingerprint, __version__, path), path


@dataclass(frozen=True)
class RunResult:
    """What a run produced. Accuracies are measured in evaluation mode on the standard validation
    split (as the run's data variant sees it). For a recipe that measures the tutorial's way
    (``eval_in_train_mode``), the ``*_train_mode`` fields hold those numbers too.
    ``test_acc`` stays None until the test set is scored, on request and once, by
    :func:`~apparel_lib.runs.holdout.score_test`; a stored or ledger entry then records it.
    ``provenance`` says where a result read from the ledger was computed (None otherwise).
    ``numeric_path`` says how the numbers were computed (None for a run stored before it was kept).
    ``model`` is the trained model itself when the result is fresh (it is not stored; see
    :meth:`load_model`).
    """

    spec: RunSpec
    key: str
    history: History
    val_acc: float
    parameters: int
    seconds: float
    device: str
    torch_version: str
    library_version: str
    fingerprint: str
    checkpoint: Path | None = None
    val_acc_train_mode: float | None = None
    numeric_path: NumericPath | None = None
    test_acc: float | None = None
    test_acc_train_mode: float | None = None
    provenance: dict[str, Any] | None = None
    model: nn.Module | None = field(default=None, compare=False, repr=False)

    def load_model(self) -> nn.Module:
        """The trained model (in evaluation mode): the one in memory, else read from the checkpoint."""
        if self.model is not None:
            return self.model.eval()
        from ..errors import StoreError
        from ..training.checkpoint import load_checkpoint

        if self.checkpoint is None:
            raise StoreError(f"run {self.key} kept no checkpoint: run it through the store (get_or_run) to keep one")
        return load_checkpoint(self.checkpoint, model_name=self.spec.model).model

    def to_dict(self) -> dict[str, Any]:
        values = {f.name: getattr(self, f.name) for f in dataclasses.fields(self) if f.name != "model"}
        values["spec"] = self.spec.to_dict()
        values["history"] = self.history.to_dict()
        values["checkpoint"] = str(self.checkpoint) if self.checkpoint is not None else None
        values["numeric_path"] = self.numeric_path.to_dict() if self.numeric_path is not None else None
        return values

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> RunResult:
        names = {f.name for f in dataclasses.fields(cls)} - {"model"}
        kept = {k: v for k, v in values.items() if k in names}
        kept["spec"] = RunSpec.from_dict(values["spec"])
        kept["history"] = History.from_dict(values["history"])
        kept["checkpoint"] = Path(values["checkpoint"]) if values.get("checkpoint") else None
        kept["numeric_path"] = NumericPath.from_dict(values["numeric_path"]) if values.get("numeric_path") is not None else None
        return cls(**kept)

    def row(self) -> dict[str, Any]:
        """The result as one table row (for ``pandas.DataFrame([r.row() for r in results])``)."""
        s = self.spec
        return {
            "model": s.model,
            **{k: v for k, v in sorted(s.options.items())},
            "recipe": s.recipe.name,
            "epochs": self.history.epochs,
            "seed": s.seed,
            "data": s.data.describe(),
            "parameters": self.parameters,
            "seconds": round(self.seconds, 1),
            "val_acc": self.val_acc,
            "test_acc": self.test_acc if self.test_acc is not None else float("nan"),
        }
