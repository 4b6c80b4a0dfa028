"""Training a run spec from start to finish and measuring what it gives."""

from __future__ import annotations

import time
from pathlib import Path

import torch

from .. import __version__
from ..data.dataset import FashionMNIST, Splits, load_data, make_splits
from ..data.variants import apply_variant
from ..models.registry import build_model, count_parameters
from ..training.checkpoint import save_checkpoint
from ..training.devices import pick_device
from ..training.evaluate import accuracy
from ..training.loop import EpochHook, train
from ..training.memory import reuse_freed_memory
from .spec import RunResult, RunSpec, run_key

__all__ = ["train_spec", "standard_splits"]

_SPLITS: dict[str, Splits] = {}


def standard_splits(data: FashionMNIST | None = None) -> Splits:
    """The standard train/validation/test split every run starts from (validation seed 0), made once per process."""
    data = data if data is not None else load_data(progress=False)
    if data.fingerprint not in _SPLITS:
        _SPLITS.clear()
        _SPLITS[data.fingerprint] = make_splits(data, seed=0)
    return _SPLITS[data.fingerprint]


def train_spec(
    spec: RunSpec,
    *,
    data: FashionMNIST | None = None,
    device: str | torch.device | None = None,
    progress: bool = True,
    on_epoch: EpochHook | None = None,
    checkpoint: str | Path | None = None,
) -> RunResult:
    """Train ``spec`` and return its result (with the trained model in ``result.model``).

    The result is measured on the validation split only: the test set is scored on request, by
    :func:`~apparel_lib.runs.holdout.score_test`. ``seconds`` counts training alone. With ``checkpoint``, the trained model is also saved there.
    """
    splits = apply_variant(standard_splits(data), spec.data)
    device = pick_device(device)
    key, path = run_key(spec, splits.fingerprint, device)
    model = build_model(spec.model, seed=spec.seed, **spec.options)
    start = time.perf_counter()
    history = train(model, splits, spec.recipe, seed=spec.seed, device=device, progress=progress, on_epoch=on_epoch)
    seconds = time.perf_counter() - start
    model.cpu().eval()
    with reuse_freed_memory(min_free_gb=4.0):  # evaluation chunks reuse memory too (see training/memory.py)
        scores = {"val_acc": accuracy(model, splits.x_val, splits.y_val)}
        if spec.recipe.eval_in_train_mode:
            scores["val_acc_train_mode"] = accuracy(model, splits.x_val, splits.y_val, train_mode=True)
    if checkpoint is not None:
        checkpoint = save_checkpoint(
            checkpoint, model, recipe=spec.recipe, history=history, fingerprint=splits.fingerprint, seed=spec.seed, data=spec.data
        )
    return RunResult(
        spec=spec,
        key=key,
        history=history,
        parameters=count_parameters(model),
        seconds=seconds,
        device=str(device),
        torch_version=torch.__version__,
        library_version=__version__,
        fingerprint=splits.fingerprint,
        checkpoint=Path(checkpoint) if checkpoint is not None else None,
        model=model,
        numeric_path=path,
        **scores,
    )
