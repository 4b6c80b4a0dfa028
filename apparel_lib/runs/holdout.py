"""The held-out test set, scored on request and once: a run's test accuracy, recorded where the run is kept.

Training (:func:`~apparel_lib.runs.runner.train_spec`) measures the validation split only.
A chapter scores the test set in one marked cell, with :func:`score_test`; the result is then
written into the run's store entry (and, through ``apparel results make``, into the ledger), so
every later reading shows that the test set was looked at, and a second call looks no further.
"""

from __future__ import annotations

import dataclasses

from ..data.dataset import FashionMNIST
from ..data.variants import apply_variant
from ..errors import StoreError
from ..training.evaluate import accuracy
from ..training.memory import reuse_freed_memory
from .runner import standard_splits
from .spec import RunResult
from .store import RunStore

__all__ = ["score_test"]


def score_test(result: RunResult, *, data: FashionMNIST | None = None, store: RunStore | None = None) -> RunResult:
    """``result`` with its test accuracy (and, for the tutorial's recipe, the training-mode one).

    A result already scored is returned as it is; otherwise its model meets the test set (as the
    run's data variant sees it) and the score is recorded in its entry in ``store`` (default:
    the store whose entry holds the result's checkpoint, if any).
    """
    if result.test_acc is not None:
        return result
    if result.model is None and result.checkpoint is None:
        raise StoreError(f"cannot score the test set of {result.spec.describe()}: the ledger ships no model for it; "
                         "ask for it with get_or_run(spec, need_model=True), which trains it here")
    try:
        model = result.load_model()
    except StoreError as err:
        raise StoreError(f"cannot score the test set: {err}") from None
    splits = apply_variant(standard_splits(data), result.spec.data)
    with reuse_freed_memory(min_free_gb=4.0):
        scores = {"test_acc": accuracy(model, splits.x_test, splits.y_test)}
        if result.spec.recipe.eval_in_train_mode:
            scores["test_acc_train_mode"] = accuracy(model, splits.x_test, splits.y_test, train_mode=True)
    scored = dataclasses.replace(result, **scores)
    store = store if store is not None else _holding(result)
    if store is not None:
        store.record_test(scored)
    return scored


def _holding(result: RunResult) -> RunStore | None:
    """The results store whose entry ``<root>/<key>/`` holds ``result``'s checkpoint, or None."""
    folder = result.checkpoint.parent if result.checkpoint is not None else None
    return RunStore(folder.parent) if folder is not None and folder.name == result.key else None
