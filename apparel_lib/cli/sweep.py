"""``apparel sweep``: a worker that adds trials to an Optuna study over the tutorial's knobs."""

from __future__ import annotations

import argparse

from ..constants import NUM_CLASSES
from ..interrupts import stop_safely
from ..tuning.defaults import HEARTBEAT, TRIAL_EPOCHS
from .conventions import UsageError, command, device_arg, int_at_least, positive_float, usage

__all__ = ["add"]


def add(sub: argparse._SubParsersAction) -> None:
    """The ``sweep`` command."""
    sweep = command(sub, "sweep", _sweep, "tune the CNN's knobs with Optuna: add trials to a study that many workers can share")
    sweep.add_argument("--study", required=True, metavar="NAME", help="the study's name; running again (or elsewhere on the same storage) adds to it")
    sweep.add_argument("--trials", type=int_at_least(1), metavar="N", help="add N trials to the study (running the command again adds N more)")
    sweep.add_argument("--total", type=int_at_least(1), metavar="N", help="work until the study has N finished trials in all, counting other workers' (several workers started with --total N finish exactly N)")
    sweep.add_argument("--timeout", type=positive_float, metavar="S", help="start no new trial after S seconds")
    sweep.add_argument("--storage", metavar="URL", help="postgresql://user:password@host:5432/db, sqlite:///file.db, or a journal file (default: a journal file in the cache folder)")
    sweep.add_argument("--subset", type=int_at_least(NUM_CLASSES), metavar="N", help="train each trial on N training pictures (default: all 54,000); validation stays whole")
    sweep.add_argument("--epochs", type=int_at_least(1), default=TRIAL_EPOCHS, metavar="N", help="the most epochs a trial may train (default: %(default)s)")
    sweep.add_argument("--space", nargs="+", default=[], metavar="KNOB=VALUES",
                       help="narrow the search space: a range takes LOW,HIGH or one value, a choice the values allowed, "
                            "e.g. --space blocks=1,2 filters=8 (knobs: blocks, filters, convs, dense_layers, hidden, dropout, lr, batch_size)")
    device_arg(sweep)
    sweep.add_argument("--seed", type=int, help="seed of the sampler (default: none, so that workers explore different points)")
    sweep.add_argument("--heartbeat", type=int_at_least(1), default=HEARTBEAT, metavar="S", help="with a database: seconds between a worker's heartbeats; a trial silent twice that long is marked failed (default: %(default)s)")


def _sweep(args: argparse.Namespace) -> None:
    import time

    if not args.study.strip():
        raise UsageError("a study needs a name, e.g. --study demo")
    if args.trials is None and args.total is None:
        raise UsageError("say how many trials: --trials N adds N to the study, --total N works until it has N in all")
    if any(setting.startswith("epochs=") for setting in args.space):
        raise UsageError("set the most epochs a trial may train with --epochs N, not --space")
    from ..extras import require
    from ..training.devices import pick_device
    from ..tuning.report import study_summary
    from ..tuning.space import SearchSpace
    from ..tuning.storage import default_journal, open_storage
    from ..tuning.sweep import open_study, run_study

    with usage():
        space = SearchSpace(epochs=(1, args.epochs)).narrowed(args.space)
    device = str(pick_device(args.device))  # a device that is not there, before the storage is opened
    optuna = require("optuna")
    optuna.logging.set_verbosity(optuna.logging.ERROR)
    storage = open_storage(args.storage, heartbeat=args.heartbeat)
    study = open_study(args.study, storage, sampler=optuna.samplers.TPESampler(seed=args.seed))
    start = time.perf_counter()
    with stop_safely():
        added = run_study(study, args.trials, total=args.total, timeout=args.timeout, subset=args.subset,
                          space=space, device=device)
    print(f"this worker finished {added} trial{'s' * (added != 1)} in {time.perf_counter() - start:.0f} s")
    print(study_summary(study))
    print(f"watch it: optuna-dashboard {args.storage or default_journal()}")
