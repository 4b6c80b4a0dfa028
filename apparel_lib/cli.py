"""Command line: ``apparel data info|export``, ``train``, ``predict``, ``score``, ``classify``, ``runs``,
``sweep`` (``python -m apparel_lib`` is the same program). The speed benchmark is repository
tooling: ``python -m benchmarks`` from the repository.

Every failure is one line on stderr, never a traceback (set ``APPAREL_DEBUG=1`` to see one when
reporting a bug), with the exit status saying which kind: 2 for a command line that does not
fit (unknown command or option, a missing or out-of-range value, options that do not go
together), 1 for anything else (missing or bad files, data or pictures, a missing extra, an
unreachable database), 130 after Ctrl-C. Every argument is checked before anything is read,
written or trained.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from .constants import NUM_CLASSES
from .errors import ApparelError
from .experiments.defaults import HEARTBEAT, TRIAL_EPOCHS
from .interrupts import stop_safely
from .models.registry import MODELS
from .training.devices import DEVICES
from .training.recipes import RECIPES, default_recipe, get_recipe

__all__ = ["main", "build_parser", "PROG", "UsageError", "EXIT_ERROR", "EXIT_USAGE", "EXIT_INTERRUPTED"]

PROG = "apparel"
"""The program's name: the script ``pip install`` puts on the PATH (``[project.scripts]``)."""

EXIT_ERROR = 1
"""Bad input: a missing or malformed file, data that do not verify, a missing extra, ..."""
EXIT_USAGE = 2
"""A command line that does not fit: what argparse finds, and :class:`UsageError`."""
EXIT_INTERRUPTED = 130
"""Ctrl-C (128 + SIGINT, as shells report it)."""


class UsageError(ApparelError):
    """Arguments that parse one by one but do not go together (exit status 2, like argparse's own errors)."""


class _Parser(argparse.ArgumentParser):
    """argparse that reports usage errors as one line (no usage dump)."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(EXIT_USAGE, self.one_line(message))

    def one_line(self, message: str) -> str:
        return f"error: {message} (see `{self.prog} --help`)\n"


def _int_at_least(low: int, high: int | None = None) -> Callable[[str], int]:
    """An argparse type: an integer from ``low`` (to ``high``); others are usage errors."""

    def parse(text: str) -> int:
        value = int(text)  # a ValueError reads "invalid int value: 'x'"
        if value < low or (high is not None and value > high):
            raise argparse.ArgumentTypeError(
                f"must be at least {low}, not {value}" if high is None else f"must be from {low} to {high}, not {value}")
        return value

    parse.__name__ = "int"
    return parse


def _positive_float(text: str) -> float:
    value = float(text)
    if not value > 0:
        raise argparse.ArgumentTypeError(f"must be a positive number, not {text}")
    return value


_positive_float.__name__ = "float"


def _device(text: str) -> str:
    """An argparse type: a device that is there (see ``pick_device``); others are usage errors."""
    from .training.devices import pick_device

    try:
        pick_device(text)
    except ApparelError as err:
        raise argparse.ArgumentTypeError(str(err)) from None
    return text


_device.__name__ = "device"


@contextlib.contextmanager
def _usage() -> Iterator[None]:
    """Inside: a library error about the arguments' values is a usage error."""
    try:
        yield
    except UsageError:
        raise
    except ApparelError as err:
        raise UsageError(str(err)) from None


def _command(sub: argparse._SubParsersAction, name: str, func: Callable[[argparse.Namespace], None], about: str) -> _Parser:
    """The subcommand ``name``, described by ``about``, that runs ``func``."""
    parser = sub.add_parser(name, help=about, description=about)
    parser.set_defaults(func=func, command_parser=parser)
    return parser


def _data_arg(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data", metavar="DIR", help="folder with the four Fashion-MNIST IDX files (default: search APPAREL_DATA, the cache, Debian's package, then download)")
    parser.add_argument("--no-download", action="store_true", help="never download the data")


def _progress_arg(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--no-progress", action="store_true", help="hide progress bars")


def _device_arg(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--device", type=_device, metavar="DEVICE", help=f"{', '.join(DEVICES)}, or cuda:N for one GPU of several (default: auto, the best available)")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog=PROG, description="The Apparel CNN book's library: data, training, prediction and scoring.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND", parser_class=_Parser)

    data = sub.add_parser("data", help="inspect or export the Fashion-MNIST data", description="inspect or export the Fashion-MNIST data")
    data_sub = data.add_subparsers(dest="data_command", required=True, metavar="COMMAND", parser_class=_Parser)
    info = _command(data_sub, "info", _data_info, "where the data came from, whether it verified, counts per split and class")
    _data_arg(info)
    export = _command(data_sub, "export", _data_export, "write the practice-problem layout (CSV files and PNG images) to DIR")
    export.add_argument("dir", type=Path, metavar="DIR", help="an empty or new folder to write the layout to")
    _data_arg(export)
    _progress_arg(export)

    train = _command(sub, "train", _train, "train a model with a recipe and save a checkpoint")
    train.add_argument("--model", required=True, choices=list(MODELS), help="model name: %(choices)s")
    train.add_argument("--recipe", choices=list(RECIPES), help="recipe name: %(choices)s (default: best for best-cnn, tutorial for tutorial-cnn, minibatch for the others)")
    train.add_argument("--out", required=True, type=Path, metavar="FILE", help="checkpoint file to write")
    train.add_argument("--epochs", type=_int_at_least(1), metavar="N", help="override the recipe's number of epochs")
    _device_arg(train)
    train.add_argument("--seed", type=int, default=0, help="seed of the weights and the batch order (default: %(default)s; the split is always the standard one)")
    _data_arg(train)
    _progress_arg(train)

    predict = _command(sub, "predict", _predict, "predict the test images with a checkpoint and write a submission")
    predict.add_argument("checkpoint", type=Path, metavar="CHECKPOINT", help="a checkpoint written by `apparel train`")
    predict.add_argument("--out", required=True, type=Path, metavar="FILE", help="submission CSV to write (id,label)")
    predict.add_argument("--layout", type=Path, metavar="DIR", help="read the test images from an exported layout (test.csv + PNGs) instead of the IDX files")
    _data_arg(predict)
    _progress_arg(predict)

    score = _command(sub, "score", _score, "score a submission against the true test labels")
    score.add_argument("submission", type=Path, metavar="SUBMISSION", help="a submission CSV (id,label), as `apparel predict` writes it")
    _data_arg(score)

    classify = _command(sub, "classify", _classify, "classify your own pictures (PNG or JPEG, any size): the class and the top probabilities")
    classify.add_argument("pictures", nargs="+", type=Path, metavar="PICTURE", help="picture files")
    classify.add_argument("--checkpoint", type=Path, metavar="FILE", help="use this checkpoint (default: the stored run of --model with --recipe)")
    classify.add_argument("--model", default="best-cnn", choices=list(MODELS), help="model of the stored run (default: %(default)s)")
    classify.add_argument("--recipe", choices=list(RECIPES), help="recipe of the stored run (default: the model's, as for train)")
    classify.add_argument("--top", type=_int_at_least(1, NUM_CLASSES), default=3, metavar="K", help="how many classes to list (default: %(default)s)")

    sweep = _command(sub, "sweep", _sweep, "tune the CNN's knobs with Optuna: add trials to a study that many workers can share")
    sweep.add_argument("--study", required=True, metavar="NAME", help="the study's name; running again (or elsewhere on the same storage) adds to it")
    sweep.add_argument("--trials", type=_int_at_least(1), metavar="N", help="add N trials to the study (running the command again adds N more)")
    sweep.add_argument("--total", type=_int_at_least(1), metavar="N", help="work until the study has N finished trials in all, counting other workers' (several workers started with --total N finish exactly N)")
    sweep.add_argument("--timeout", type=_positive_float, metavar="S", help="start no new trial after S seconds")
    sweep.add_argument("--storage", metavar="URL", help="postgresql://user:password@host:5432/db, sqlite:///file.db, or a journal file (default: a journal file in the cache folder)")
    sweep.add_argument("--subset", type=_int_at_least(NUM_CLASSES), metavar="N", help="train each trial on N training pictures (default: all 54,000); validation stays whole")
    sweep.add_argument("--epochs", type=_int_at_least(1), default=TRIAL_EPOCHS, metavar="N", help="the most epochs a trial may train (default: %(default)s)")
    sweep.add_argument("--space", nargs="+", default=[], metavar="KNOB=VALUES",
                       help="narrow the search space: a range takes LOW,HIGH or one value, a choice the values allowed, "
                            "e.g. --space blocks=1,2 filters=8 (knobs: blocks, filters, convs, dense_layers, hidden, dropout, lr, batch_size)")
    _device_arg(sweep)
    sweep.add_argument("--seed", type=int, help="seed of the sampler (default: none, so that workers explore different points)")
    sweep.add_argument("--heartbeat", type=_int_at_least(1), default=HEARTBEAT, metavar="S", help="with a database: seconds between a worker's heartbeats; a trial silent twice that long is marked failed (default: %(default)s)")

    runs = sub.add_parser("runs", help="list, show or remove the runs kept in the results store", description="list, show or remove the runs kept in the results store")
    runs_sub = runs.add_subparsers(dest="runs_command", required=True, metavar="COMMAND", parser_class=_Parser)
    _command(runs_sub, "list", _runs_list, "one line per stored run: key, model, recipe, seed, data, accuracy")
    show = _command(runs_sub, "show", _runs_show, "everything recorded about one run")
    show.add_argument("key", metavar="KEY", help="the run's key (a unique prefix will do)")
    remove = _command(runs_sub, "remove", _runs_remove, "delete stored runs (result and checkpoint)")
    remove.add_argument("keys", nargs="*", metavar="KEY", help="keys (unique prefixes will do)")
    remove.add_argument("--all", action="store_true", help="remove every stored run")

    results = sub.add_parser("results", help="make, verify or list the results ledger the chapters rest on",
                             description="make, verify or list the results ledger the chapters rest on (ledger/ in the book's repository, or APPAREL_LEDGER)")
    results_sub = results.add_subparsers(dest="results_command", required=True, metavar="COMMAND", parser_class=_Parser)
    make = _command(results_sub, "make", _results_make, "train the chapters' planned runs that the ledger lacks and write their entries")
    make.add_argument("--chapter", type=int, action="append", metavar="N", help="only this chapter's runs (repeat for several; default: every planned chapter)")
    _device_arg(make)
    make.add_argument("--workers", type=_int_at_least(1), default=1, metavar="N", help="train in N processes sharing the machine's threads (default: %(default)s)")
    make.add_argument("--force", action="store_true", help="recompute entries the ledger already has")
    verify = _command(results_sub, "verify", _results_verify, "retrain ledger entries from scratch and compare them within their tolerance")
    amount = verify.add_mutually_exclusive_group()
    amount.add_argument("--sample", type=_int_at_least(1), default=3, metavar="N", help="check N entries chosen at random, rotating by date (default: %(default)s)")
    amount.add_argument("--all", action="store_true", help="check every entry")
    verify.add_argument("--seed", type=int, help="choose the sample with this seed instead of today's date")
    verify.add_argument("--max-seconds", type=_positive_float, metavar="S", help="sample only entries that trained in at most S seconds")
    _device_arg(verify)
    _command(results_sub, "list", _results_list, "one line per ledger entry: key, chapters, accuracies, seconds, where computed, run")
    return parser


def _load(args: argparse.Namespace, progress: bool = True):
    from .data.dataset import load_data

    return load_data(args.data, download=not args.no_download, progress=progress)


def _data_info(args: argparse.Namespace) -> None:
    import numpy as np

    from .constants import CLASSES

    data = _load(args)
    src = data.source
    print(f"source:      {src.origin} ({src.folder})")
    print("verified:    yes, the sha256 of every decompressed file matches (unverified data is never loaded)")
    print(f"fingerprint: {data.fingerprint}")
    print(f"train:       {len(data.train_labels):,} images {data.train_images.shape[1]}x{data.train_images.shape[2]}")
    print(f"test:        {len(data.test_labels):,} images {data.test_images.shape[1]}x{data.test_images.shape[2]}")
    train_counts = np.bincount(data.train_labels, minlength=len(CLASSES))
    test_counts = np.bincount(data.test_labels, minlength=len(CLASSES))
    print(f"\n{'':2}{'class':<13}{'train':>7}{'test':>7}")
    for i, name in enumerate(CLASSES):
        print(f"{i:<2}{name:<13}{train_counts[i]:>7,}{test_counts[i]:>7,}")


def _data_export(args: argparse.Namespace) -> None:
    from .practice.layout import export_layout

    folder = export_layout(_load(args), args.dir, progress=not args.no_progress)
    print(f"wrote the practice layout to {folder}: train.csv, train/, test.csv, test/, sample_submission.csv")


def _train(args: argparse.Namespace) -> None:
    from .data.dataset import make_splits
    from .models.registry import build_model, count_parameters
    from .training.checkpoint import save_checkpoint
    from .training.devices import pick_device
    from .training.evaluate import accuracy
    from .training.loop import train

    with _usage():
        recipe = get_recipe(args.recipe or default_recipe(args.model), args.model)
    if args.epochs is not None:
        recipe = recipe.replace(epochs=args.epochs)
    device = pick_device(args.device)
    model = build_model(args.model, seed=args.seed)
    data = _load(args)
    splits = make_splits(data, seed=0)  # the standard split; --seed sets the weights and batch order
    print(f"training {args.model} ({count_parameters(model):,} parameters) with recipe {recipe.name!r} on {device}: "
          f"lr {recipe.lr}, batch {recipe.batch_size or 'full'}, {recipe.epochs} epochs")
    with stop_safely():
        history = train(model, splits, recipe, seed=args.seed, device=device, progress=not args.no_progress)
    save_checkpoint(args.out, model, recipe=recipe, history=history, fingerprint=data.fingerprint, seed=args.seed)
    model.cpu()
    how = {"train_mode": recipe.eval_in_train_mode}
    print(f"train accuracy {accuracy(model, splits.x_train, splits.y_train, **how):.4f}, "
          f"validation accuracy {accuracy(model, splits.x_val, splits.y_val, **how):.4f}"
          + (" (measured the tutorial's way, in training mode)" if recipe.eval_in_train_mode else ""))
    print(f"saved {args.out}")


def _predict(args: argparse.Namespace) -> None:
    from .data.dataset import to_tensor
    from .practice.ids import submission_ids
    from .practice.submission import write_submission
    from .training.checkpoint import load_checkpoint
    from .training.evaluate import predict

    ckpt = load_checkpoint(args.checkpoint)
    if args.layout is not None:
        from .practice.layout import read_layout

        layout = read_layout(args.layout, progress=not args.no_progress)
        ids, images = layout.test_ids, layout.test_images
    else:
        data = _load(args, progress=not args.no_progress)
        if data.fingerprint != ckpt.fingerprint:
            print(f"warning: {args.checkpoint} was trained on data {ckpt.fingerprint}, predicting on {data.fingerprint}", file=sys.stderr)
        ids, images = submission_ids(len(data.test_images)), data.test_images
    labels = predict(ckpt.model, to_tensor(images), train_mode=ckpt.recipe.eval_in_train_mode).numpy()
    write_submission(args.out, ids, labels)
    print(f"wrote {len(ids):,} predictions of {ckpt.model_name} to {args.out}")


def _score(args: argparse.Namespace) -> None:
    from .practice.submission import score_submission

    data = _load(args, progress=False)
    acc = score_submission(args.submission, data.test_labels)
    print(f"test accuracy {acc:.4f} ({round(acc * len(data.test_labels)):,} of {len(data.test_labels):,} correct)")


def _classify(args: argparse.Namespace) -> None:
    from .data.picture import prepare_picture
    from .training.classify import class_probabilities, describe_top

    def batch_only(name: str) -> ApparelError:
        return ApparelError(f"{name} is measured in training mode (the tutorial's way), which needs a batch of pictures: "
                            f"use a model trained with another recipe")

    if args.checkpoint is None:  # the stored run: its model and recipe must suit single pictures
        from .experiments.spec import run_spec

        with _usage():
            spec = run_spec(args.model, args.recipe or default_recipe(args.model))
            if spec.recipe.eval_in_train_mode:
                raise batch_only(f"{args.model} with recipe {spec.recipe.name!r}")
    prepared = [prepare_picture(path) for path in args.pictures]  # every picture checked before any model loads
    if args.checkpoint is not None:
        from .training.checkpoint import load_checkpoint

        ckpt = load_checkpoint(args.checkpoint)
        if ckpt.recipe.eval_in_train_mode:
            raise batch_only(ckpt.model_name)
        model = ckpt.model
    else:
        from .experiments.store import get_or_run

        print(f"using the stored run {spec.describe()} (trained first if it is not stored yet)", file=sys.stderr)
        model = get_or_run(spec, progress=False, need_model=True).load_model()
    probabilities = class_probabilities(model, [p.image for p in prepared])
    for p, probs in zip(prepared, probabilities):
        print(f"{p.path}: {describe_top(probs, args.top)}")


def _sweep(args: argparse.Namespace) -> None:
    import time

    if not args.study.strip():
        raise UsageError("a study needs a name, e.g. --study demo")
    if args.trials is None and args.total is None:
        raise UsageError("say how many trials: --trials N adds N to the study, --total N works until it has N in all")
    if any(setting.startswith("epochs=") for setting in args.space):
        raise UsageError("set the most epochs a trial may train with --epochs N, not --space")
    from .experiments.search_space import SearchSpace
    from .experiments.study_report import study_summary
    from .experiments.study_storage import default_journal, open_storage
    from .experiments.sweep import open_study, run_study
    from .extras import require
    from .training.devices import pick_device

    with _usage():
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


def _runs_list(args: argparse.Namespace) -> None:
    from .experiments.store import RunStore

    store = RunStore()
    results = store.runs()
    if not results:
        print(f"no stored runs in {store.root}")
    for r in results:
        path = r.numeric_path.short() if r.numeric_path is not None else "unknown"
        print(f"{r.key}  val {r.val_acc:.4f}  test {_test(r.test_acc)}  {r.seconds:7.1f} s  {path:<9}  {r.spec.describe()}")


def _test(value: float | None) -> str:
    """A test accuracy, or a dash where the test set was never scored for the run."""
    return f"{value:.4f}" if value is not None else "  -   "


def _runs_show(args: argparse.Namespace) -> None:
    from .experiments.store import RunStore

    r = RunStore().find(args.key)
    print(f"run:        {r.key}  ({r.spec.describe()})")
    print(f"recipe:     {r.spec.recipe}")
    print(f"accuracy:   validation {r.val_acc:.4f}, test {_test(r.test_acc).strip()} (evaluation mode)")
    if r.val_acc_train_mode is not None:
        print(f"            validation {r.val_acc_train_mode:.4f}, test {_test(r.test_acc_train_mode).strip()} (training mode, the tutorial's way)")
    print(f"parameters: {r.parameters:,}")
    print(f"trained:    {r.history.epochs} epochs in {r.seconds:.1f} s on {r.device}, torch {r.torch_version}, apparel_lib {r.library_version}")
    print(f"numerics:   {r.numeric_path or 'not recorded (stored before runs kept their numeric path)'}")
    print(f"data:       {r.fingerprint}")
    print(f"checkpoint: {r.checkpoint}")


def _runs_remove(args: argparse.Namespace) -> None:
    if args.all == bool(args.keys):
        raise UsageError("name the runs to remove, or pass --all (not both)")
    from .experiments.store import RunStore

    store = RunStore()
    keys = [r.key for r in store.runs()] if args.all else [store.find(k).key for k in args.keys]
    for key in keys:
        store.remove(key)
    print(f"removed {len(keys)} stored run{'s' * (len(keys) != 1)} from {store.root}")


def _results_make(args: argparse.Namespace) -> None:
    from .experiments.results import make_ledger, the_ledger

    ledger = the_ledger()
    start = time.perf_counter()

    def report(run, entry) -> None:
        r = entry.result
        test = f", test {r.test_acc:.4f}" if r.test_acc is not None else ""
        print(f"{entry.key}  ch {run.chapter}  val {r.val_acc:.4f}{test}  {r.seconds:6.1f} s  {r.spec.describe()}", flush=True)

    written = make_ledger(args.chapter, ledger=ledger, device=args.device, workers=args.workers, force=args.force, report=report)
    print(f"{len(written)} entr{'y' if len(written) == 1 else 'ies'} written to {ledger.root} in {time.perf_counter() - start:.0f} s")


def _results_verify(args: argparse.Namespace) -> None:
    from .experiments.results import verify_ledger

    start = time.perf_counter()

    def report(check) -> None:
        verdict = "ok " if check.ok else "FAIL"
        print(f"{verdict} {check.key}  ledger {check.ledger:.4f}  retrained {check.retrained:.4f}  "
              f"difference {check.difference:+.4f} (tolerance {check.tolerance:.4f})  {check.run}", flush=True)

    checks = verify_ledger(sample=None if args.all else args.sample, seed=args.seed, max_seconds=args.max_seconds,
                           device=args.device, report=report)
    failed = [c for c in checks if not c.ok]
    print(f"{len(checks) - len(failed)} of {len(checks)} entries reproduced within tolerance in {time.perf_counter() - start:.0f} s")
    if failed:
        raise ApparelError(f"{len(failed)} ledger entr{'y' if len(failed) == 1 else 'ies'} did not reproduce: "
                           "if the training code changed on purpose, recompute them with `apparel results make --force`")


def _results_list(args: argparse.Namespace) -> None:
    from .experiments.results import the_ledger

    ledger = the_ledger()
    entries = ledger.entries()
    if not entries:
        print(f"no entries in {ledger.root}: make them with `apparel results make`")
    for e in entries:
        r, p = e.result, e.result.provenance or {}
        chapters = ",".join(map(str, e.chapters))
        where = f"{p.get('gpu') or p.get('processor')}, {p.get('threads')} threads, {p.get('date')}"
        print(f"{e.key}  ch {chapters:<3} val {r.val_acc:.4f}  test {_test(r.test_acc)}  {r.seconds:7.1f} s  {where}  {r.spec.describe()}")
    if entries:
        total = sum(e.result.seconds for e in entries)
        print(f"{len(entries)} entr{'y' if len(entries) == 1 else 'ies'}, {total / 60:.0f} minutes of training as recorded (what `results verify --all` retrains)")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line on ``argv`` (default: ``sys.argv[1:]``); return the exit status
    (0, or :data:`EXIT_ERROR`, :data:`EXIT_USAGE`, :data:`EXIT_INTERRUPTED`)."""
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as done:  # --help (0), or a usage error argparse found and printed (2)
        return done.code if isinstance(done.code, int) else EXIT_USAGE
    try:
        args.func(args)
    except UsageError as err:
        print(args.command_parser.one_line(str(err)), end="", file=sys.stderr)
        return EXIT_USAGE
    except ApparelError as err:
        print(f"error: {err}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("error: interrupted; nothing half-written was kept", file=sys.stderr)
        return EXIT_INTERRUPTED
    except OSError as err:
        if os.environ.get("APPAREL_DEBUG"):
            raise
        print(f"error: {err.strerror or err}: {err.filename or ''}".rstrip(": "), file=sys.stderr)
        return EXIT_ERROR
    except Exception as err:  # the CLI promises one line, never a traceback
        if os.environ.get("APPAREL_DEBUG"):
            raise
        print(f"error: unexpected {type(err).__name__}: {' '.join(str(err).split())} (run with APPAREL_DEBUG=1 for details and please report it)", file=sys.stderr)
        return EXIT_ERROR
    return 0
