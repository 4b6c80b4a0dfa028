"""Saving and loading trained models with what made them: model name, recipe, history, data hash."""

from __future__ import annotations

import pickle
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch
from torch import nn

from ..data.variants import DataVariant
from ..errors import ApparelError, CheckpointError
from ..files import atomic_write
from ..models.registry import MODELS, build_model
from .history import History
from .recipes import Recipe

__all__ = ["Checkpoint", "save_checkpoint", "load_checkpoint"]

FORMAT = "apparel-checkpoint/1"


@dataclass(frozen=True)
class Checkpoint:
    """A trained model and its provenance."""

    model: nn.Module
    model_name: str
    model_options: dict[str, Any]
    recipe: Recipe
    history: History
    fingerprint: str
    seed: int
    data: DataVariant = DataVariant()


def save_checkpoint(
    path: str | Path,
    model: nn.Module,
    *,
    recipe: Recipe,
    history: History,
    fingerprint: str,
    seed: int = 0,
    data: DataVariant = DataVariant(),
) -> Path:
    """Write ``model``'s weights and provenance to ``path`` atomically (an old file survives a failure)."""
    name = getattr(model, "name", None)
    if name not in MODELS:
        raise CheckpointError(f"cannot save a {type(model).__name__}: only models built with build_model() can be saved")
    payload = {
        "format": FORMAT,
        "model_name": name,
        "model_options": dict(model.options),
        "recipe": recipe.to_dict(),
        "history": history.to_dict(),
        "fingerprint": fingerprint,
        "seed": seed,
        "data": data.to_dict(),
        "state_dict": {k: v.detach().cpu() for k, v in model.state_dict().items()},
    }
    path = Path(path)
    with atomic_write(path) as f:
        torch.save(payload, f)
    return path


def load_checkpoint(path: str | Path, *, model_name: str | None = None) -> Checkpoint:
    """Load a checkpoint written by :func:`save_checkpoint` (with ``weights_only=True``).

    With ``model_name``, a checkpoint made for another model is refused.
    """
    path = Path(path)
    if not path.is_file():
        raise CheckpointError(f"checkpoint {path} not found: train one with `apparel train --out {path}`")
    try:
        payload = torch.load(path, map_location="cpu", weights_only=True)
    except (pickle.UnpicklingError, RuntimeError, EOFError, zipfile.BadZipFile, ValueError, OSError) as err:
        raise CheckpointError(f"{path} is not a readable checkpoint ({type(err).__name__}): train again to rewrite it") from None
    if not isinstance(payload, dict) or payload.get("format") != FORMAT:
        raise CheckpointError(f"{path} is not an apparel_lib checkpoint: train again with `apparel train`")
    saved = payload.get("model_name")
    if not isinstance(saved, str) or saved not in MODELS:
        raise CheckpointError(f"{path} names no known model ({saved!r}): train again with `apparel train`")
    if model_name is not None and saved != model_name:
        raise CheckpointError(f"{path} holds a {saved!r} model, not {model_name!r}: load it as {saved!r} or use a {model_name!r} checkpoint")
    try:
        model = build_model(saved, **payload["model_options"])
        model.load_state_dict(payload["state_dict"])
        recipe = Recipe.from_dict(payload["recipe"])
        history = History.from_dict(payload["history"])
        data = DataVariant.from_dict(payload.get("data", {}))
        fingerprint, seed = str(payload["fingerprint"]), int(payload.get("seed", 0))
    except (ApparelError, RuntimeError, TypeError, KeyError, AttributeError) as err:
        first = str(err).splitlines()[0] if str(err) else type(err).__name__
        raise CheckpointError(f"{path} does not fit model {saved!r} ({first}): train again to rewrite it") from None
    model.eval()
    return Checkpoint(
        model=model,
        model_name=saved,
        model_options=dict(payload["model_options"]),
        recipe=recipe,
        history=history,
        fingerprint=fingerprint,
        seed=seed,
        data=data,
    )
