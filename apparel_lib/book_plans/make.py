"""Making the results ledger from the chapters' plans (``apparel results make``).

``make`` trains every planned run that the store does not hold yet (through
:meth:`~apparel_lib.runs.store.RunStore.get_or_run`, so an interrupted make resumes where it
stopped), scores the test set for the runs whose chapter reports it, and writes their entries.
Chapter 10's runs need its study first: ``make`` runs it into the ledger's journal (see
:mod:`~apparel_lib.book_plans.study`).
Checking it (``apparel results verify``) is :func:`apparel_lib.runs.ledger.verify_ledger`.
"""

from __future__ import annotations

import dataclasses
import os
import sys
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor

import torch

from ..data.dataset import FashionMNIST
from ..errors import ApparelError
from ..provenance import uncommitted
from ..runs.holdout import score_test
from ..runs.ledger import Ledger, LedgerEntry, the_ledger
from ..runs.looks import LOG_NAME, LookLog
from ..runs.spec import RunSpec
from ..runs.store import RunStore
from .chapters import STUDY_CHAPTER, PlannedRun, chapter_plan

__all__ = ["make_ledger"]


def _train_in_worker(spec_values: dict, threads: int, device: str | None) -> None:
    torch.set_num_threads(threads)
    RunStore().get_or_run(RunSpec.from_dict(spec_values), device=device, progress=False, ledger=False)


def make_ledger(
    chapters: Sequence[int] | None = None, *, ledger: Ledger | None = None, store: RunStore | None = None,
    device: str | None = None, workers: int = 1, force: bool = False, data: FashionMNIST | None = None,
    report: Callable[[PlannedRun, LedgerEntry], None] | None = None, say: Callable[[str], None] | None = None,
) -> list[LedgerEntry]:
    """Write the ledger entries of ``chapters`` (all planned ones by default), from committed
    code only: where the library's sources in the ledger's repository have uncommitted changes,
    nothing is trained or written.

    A run already in the ledger is kept unless ``force``; an entry that another chapter made is
    completed (its test set scored, its model shipped, this chapter added) where this chapter
    asks for more. A run planned without a test score is written without one (even where the
store holds one). ``workers`` > 1 trains the missing runs in that many processes, sharing the
    machine's threads; each run is stored as it finishes. Chapter 10's study is brought to its
    size first (``force``: run again); ``say`` reports on it (default: standard error).
    """
    ledger, store = the_ledger(ledger), store or RunStore()
    dirty = uncommitted(ledger.root)
    if dirty:
        shown = ", ".join(dirty[:4]) + (f" and {len(dirty) - 4} more" if len(dirty) > 4 else "")
        raise ApparelError(f"the library has uncommitted changes ({shown}): commit them first, so that every ledger entry names code that can be checked out")
    if chapters is None or STUDY_CHAPTER in chapters:
        from .study import make_study

        make_study(ledger=ledger, force=force, device=device, report=say or (lambda line: print(line, file=sys.stderr, flush=True)))
    plan = chapter_plan(chapters)
    if data is None:
        from ..data.dataset import load_data

        data = load_data(progress=False)
    old = {id(run): ledger.get(run.spec, data.fingerprint) for run in plan}

    def retrain(run: PlannedRun) -> bool:
        entry = old[id(run)]
        return force or entry is None or (run.test and not entry.test_scored) or (run.model and entry.result.checkpoint is None)

    todo = [run for run in plan if retrain(run) or run.chapter not in old[id(run)].chapters]
    if workers > 1 and todo:
        threads = max(1, (os.cpu_count() or 1) // workers)
        with ProcessPoolExecutor(workers) as pool:
            for job in [pool.submit(_train_in_worker, run.spec.to_dict(), threads, device) for run in todo if retrain(run)]:
                job.result()
    written = []
    for run in todo:
        entry = old[id(run)]
        if retrain(run):
            result = store.get_or_run(run.spec, data=data, device=device, progress=False, ledger=False)
            if run.test:
                result = score_test(result, data=data, store=store, log=LookLog(ledger.root / LOG_NAME),
                                    why=f"results make: chapter {run.chapter}'s plan asks for it")
        else:  # only the chapters change
            result = entry.result
        if not run.test:  # a score the store kept from elsewhere is no evidence this plan asked for
            result = dataclasses.replace(result, test_acc=None, test_acc_train_mode=None)
        owners = {run.chapter, *(entry.chapters if entry is not None else ())}
        entry = ledger.put(result, chapters=sorted(owners), ship_model=run.model or (entry is not None and entry.result.checkpoint is not None))
        written.append(entry)
        if report is not None:
            report(run, entry)
    return written
