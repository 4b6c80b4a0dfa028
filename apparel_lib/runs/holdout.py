"""The held-out test set, scored on request and once: a run's test accuracy, recorded where the run is kept.

Training (:func:`~apparel_lib.runs.runner.train_spec`) measures the validation split only.
A chapter scores the test set in one marked cell, with :func:`score_test`; the result is then
written into the run's store entry (and, through ``apparel results make``, into the ledger), so
every later reading shows that the test set was looked at, and a second call looks no further.
Each look is also a record in the test-set log (:mod:`~apparel_lib.runs.looks`), and a run
whose specification the log has seen scored already is given the recorded score, with a
:class:`RepeatedLook` warning, instead of meeting the test set again.
"""

from __future__ import annotations

import dataclasses
import os
import warnings

from ..data.dataset import FashionMNIST
from ..data.variants import apply_variant
from ..errors import StoreError
from ..training.evaluate import accuracy
from ..training.memory import reuse_freed_memory
from .looks import LookLog, default_log, ledger_key
from .runner import standard_splits
from .spec import RunResult
from .store import RunStore

__all__ = ["RepeatedLook", "score_test"]


class RepeatedLook(UserWarning):
    """A run whose specification was scored on the test set before: the recorded score is returned."""


def _default_why() -> str:
    session = os.environ.get("JPY_SESSION_NAME")  # the notebook a Jupyter kernel runs, where it says
    return f"the marked test cell of {os.path.basename(session)}" if session else "no reason given"


def score_test(result: RunResult, *, data: FashionMNIST | None = None, store: RunStore | None = None,
               why: str | None = None, log: LookLog | None | bool = True) -> RunResult:
    """``result`` with its test accuracy (and, for the tutorial's recipe, the training-mode one).

    A result already scored is returned as it is. One whose specification the test-set ``log``
    (``True``: the configured ledger's, :func:`~apparel_lib.runs.looks.default_log`; False or
    None: none) has a look at is given that look's score, with a :class:`RepeatedLook` warning,
    and is not scored again. Otherwise its model meets the test set (as the run's data variant
    sees it), the look is logged with ``why`` (a short reason), and the score is recorded in its
    entry in ``store`` (default: the store whose entry holds the result's checkpoint, if any).
    """
    if result.test_acc is not None:
        return result
    log = default_log() if log is True else (log or None)
    seen = log.find(ledger_key(result)) if log is not None else None
    if seen is not None:
        warnings.warn(f"the test set was scored for {result.spec.describe()} on {seen['date'][:10]} "
                      f"({seen['test_acc']:.4f}, {log.path.name}): that score is returned, not a new look",
                      RepeatedLook, stacklevel=2)
        return _recorded(dataclasses.replace(result, test_acc=seen["test_acc"],
                                             test_acc_train_mode=seen.get("test_acc_train_mode")), store)
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
    if log is not None:
        log.record(scored, why or _default_why())
    return _recorded(scored, store)


def _recorded(scored: RunResult, store: RunStore | None) -> RunResult:
    """``scored``, its test score written into its entry in ``store`` (default: the one holding it)."""
    store = store if store is not None else _holding(scored)
    if store is not None:
        store.record_test(scored)
    return scored


def _holding(result: RunResult) -> RunStore | None:
    """The results store whose entry ``<root>/<key>/`` holds ``result``'s checkpoint, or None."""
    folder = result.checkpoint.parent if result.checkpoint is not None else None
    return RunStore(folder.parent) if folder is not None and folder.name == result.key else None
