"""The held-out test set, scored on request and once: a run's test accuracy, recorded where the run is kept.

Training (:func:`~apparel_lib.runs.runner.train_spec`) measures the validation split only.
A chapter scores the test set in one marked cell, with :func:`score_test`; the result is then
written into the run's store entry (and, through ``apparel results make``, into the ledger), so
every later reading shows that the test set was looked at, and a second call looks no further.
Each look is also a record in the test-set log (:mod:`~apparel_lib.runs.looks`), which, not the
store, decides whether a look happened: a run whose specification the log has seen scored is
given the recorded score, silently and whatever a store holds, instead of meeting the test set
again (:func:`~apparel_lib.runs.looks.look_note` says so in words).
"""

from __future__ import annotations

import dataclasses
import os

from ..data.dataset import FashionMNIST
from ..data.variants import apply_variant
from ..errors import StoreError
from ..training.evaluate import accuracy
from ..training.memory import reuse_freed_memory
from .looks import LookLog, default_log, ledger_key
from .runner import standard_splits
from .spec import RunResult
from .store import RunStore

__all__ = ["score_test"]


def _default_why() -> str:
    session = os.environ.get("JPY_SESSION_NAME")  # the notebook a Jupyter kernel runs, where it says
    return f"the marked test cell of {os.path.basename(session)}" if session else "no reason given"


def score_test(result: RunResult, *, data: FashionMNIST | None = None, store: RunStore | None = None,
               why: str | None = None, log: LookLog | None | bool = True) -> RunResult:
    """``result`` with its test accuracy (and, for the tutorial's recipe, the training-mode one).

    With a test-set ``log`` (``True``: the configured ledger's,
    :func:`~apparel_lib.runs.looks.default_log`), the log decides: a specification it has a look
    at is given the recorded score (the latest) and is not scored again; otherwise the look is
    logged with ``why`` (a short reason) -- a score the result already holds (from a store) is
    logged as it is, else its model meets the test set (as the run's data variant sees it). A
    read-only log (:func:`~apparel_lib.runs.looks.read_only`) makes an unrecorded look a
    one-line error. Without a log (False or None), a result already scored is returned as it is.
    The score is written into ``result``'s entry in ``store`` (default: the store whose entry
    holds the result's checkpoint, if any).
    """
    log = default_log() if log is True else (log or None)
    if log is None:
        return result if result.test_acc is not None else _recorded(_scored(result, data), store)
    seen = log.find(ledger_key(result))
    if seen is not None:
        if (result.test_acc, result.test_acc_train_mode) == (seen["test_acc"], seen.get("test_acc_train_mode")):
            return result
        return _recorded(dataclasses.replace(result, test_acc=seen["test_acc"],
                                             test_acc_train_mode=seen.get("test_acc_train_mode")), store)
    log.check_writable(result.spec.describe())
    scored = result if result.test_acc is not None else _scored(result, data)
    log.record(scored, why or _default_why())
    return _recorded(scored, store)


def _scored(result: RunResult, data: FashionMNIST | None) -> RunResult:
    """``result`` with the test scores of its model, which meets the test set here."""
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
    return dataclasses.replace(result, **scores)


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
