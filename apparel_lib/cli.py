"""Command line: ``python -m apparel_lib data info|export``, ``train``, ``predict``, ``score``, ``classify``, ``runs``, ``sweep``.

Every failure is one line on stderr and a non-zero exit status, never a traceback
(set ``APPAREL_DEBUG=1`` to see one when reporting a bug).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from .errors import ApparelError
from .interrupts import stop_safely
from .models.registry import MODELS
from .training.devices import DEVICES
from .training.recipes import RECIPES

__all__ = ["main", "build_parser"]

EXIT_ERROR = 1
EXIT_USAGE = 2


class _Parser(argparse.ArgumentParser):
    """argparse that reports usage errors as one line (no usage dump)."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(EXIT_USAGE, f"error: {message} (see `python -m {self.prog} --help`)\n")


def _data_arg(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data", metavar="DIR", help="folder with the four Fashion-MNIST IDX files (default: search APPAREL_DATA, the cache, Debian's package, then download)")
    parser.add_argument("--no-download", action="store_true", help="never download the data")


def _progress_arg(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--no-progress", action="store_true", help="hide progress bars")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="apparel_lib", description="The Apparel CNN book's library: data, training, prediction and scoring.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    data = sub.add_parser("data", help="inspect or export the Fashion-MNIST data")
    data_sub = data.add_subparsers(dest="data_command", required=True, parser_class=_Parser)
    info = data_sub.add_parser("info", help="where the data came from, whether it verified, counts per split and class")
    _data_arg(info)
    export = data_sub.add_parser("export", help="write the practice-problem layout (CSV files and PNG images) to DIR")
    export.add_argument("dir", type=Path)
    _data_arg(export)
    _progress_arg(export)

    train = sub.add_parser("train", help="train a model with a recipe and save a checkpoint")
    train.add_argument("--model", required=True, choices=list(MODELS), help="model name: %(choices)s")
    train.add_argument("--recipe", choices=list(RECIPES), help="recipe name: %(choices)s (default: best for best-cnn, article for article-cnn, minibatch for the others)")
    train.add_argument("--out", required=True, type=Path, help="checkpoint file to write")
    train.add_argument("--epochs", type=int, help="override the recipe's number of epochs")
    train.add_argument("--device", metavar="DEVICE", help=f"{', '.join(DEVICES)} (default: auto, the best available)")
    train.add_argument("--seed", type=int, default=0)
    _data_arg(train)
    _progress_arg(train)

    predict = sub.add_parser("predict", help="predict the test images with a checkpoint and write a submission")
    predict.add_argument("checkpoint", type=Path)
    predict.add_argument("--out", required=True, type=Path, help="submission CSV to write (id,label)")
    predict.add_argument("--layout", type=Path, help="read the test images from an exported layout (test.csv + PNGs) instead of the IDX files")
    _data_arg(predict)
    _progress_arg(predict)

    score = sub.add_parser("score", help="score a submission against the true test labels")
    score.add_argument("submission", type=Path)
    _data_arg(score)

    classify = sub.add_parser("classify", help="classify your own pictures (PNG or JPEG, any size): the class and the top probabilities")
    classify.add_argument("pictures", nargs="+", type=Path, metavar="PICTURE", help="picture files")
    classify.add_argument("--checkpoint", type=Path, help="use this checkpoint (default: the stored run of --model with --recipe)")
    classify.add_argument("--model", default="best-cnn", choices=list(MODELS), help="model of the stored run (default: %(default)s)")
    classify.add_argument("--recipe", default="best", choices=list(RECIPES), help="recipe of the stored run (default: %(default)s)")
    classify.add_argument("--top", type=int, default=3, help="how many classes to list (default: %(default)s)")

    bench = sub.add_parser("bench", help="time the tutorial's way against the library's and check the speed targets")
    bench.add_argument("parts", nargs="*", metavar="PART", help="layout, article, time93, throughput, book (default: all)")
    bench.add_argument("--repeat", type=int, default=1, help="runs of each side, alternating (medians are reported)")
    bench.add_argument("--json", type=Path, metavar="FILE", help="also write the figures as JSON")
    bench.add_argument("--quick", action="store_true", help="tiny sizes: checks that the benchmark runs, measures nothing")

    sweep = sub.add_parser("sweep", help="tune the CNN's knobs with Optuna: add trials to a study that many workers can share")
    sweep.add_argument("--study", required=True, metavar="NAME", help="the study's name; running again (or elsewhere on the same storage) adds to it")
    sweep.add_argument("--trials", type=int, metavar="N", help="add N trials to the study (running the command again adds N more)")
    sweep.add_argument("--total", type=int, metavar="N", help="work until the study has N finished trials in all, counting other workers' (several workers started with --total N finish exactly N)")
    sweep.add_argument("--timeout", type=float, metavar="S", help="start no new trial after S seconds")
    sweep.add_argument("--storage", metavar="URL", help="postgresql://user:password@host:5432/db, sqlite:///file.db, or a journal file (default: a journal file in the cache folder)")
    sweep.add_argument("--subset", type=int, metavar="N", help="train each trial on N training pictures (default: all 54,000); validation stays whole")
    sweep.add_argument("--epochs", type=int, default=3, metavar="N", help="the most epochs a trial may train (default: %(default)s)")
    sweep.add_argument("--space", nargs="+", default=[], metavar="KNOB=VALUES",
                       help="narrow the search space: a range takes LOW,HIGH or one value, a choice the values allowed, "
                            "e.g. --space blocks=1,2 filters=8 (knobs: blocks, filters, convs, dense_layers, hidden, dropout, lr, batch_size)")
    sweep.add_argument("--device", metavar="DEVICE", help=f"{', '.join(DEVICES)} (default: auto, the best available)")
    sweep.add_argument("--seed", type=int, help="seed of the sampler (default: none, so that workers explore different points)")
    sweep.add_argument("--heartbeat", type=int, default=30, metavar="S", help="with a database: seconds between a worker's heartbeats; a trial silent twice that long is marked failed (default: %(default)s)")

    runs = sub.add_parser("runs", help="list, show or remove the runs kept in the results store")
    runs_sub = runs.add_subparsers(dest="runs_command", required=True, parser_class=_Parser)
    runs_sub.add_parser("list", help="one line per stored run: key, model, recipe, seed, data, accuracy")
    show = runs_sub.add_parser("show", help="everything recorded about one run")
    show.add_argument("key", help="the run's key (a unique prefix will do)")
    remove = runs_sub.add_parser("remove", help="delete stored runs (result and checkpoint)")
    remove.add_argument("keys", nargs="*", metavar="KEY", help="keys (unique prefixes will do)")
    remove.add_argument("--all", action="store_true", help="remove every stored run")
    return parser


def _load(args: argparse.Namespace, progress: bool = True):
    from .data.dataset import load_data

    return load_data(args.data, download=not args.no_download, progress=progress)


def _data_info(args: argparse.Namespace) -> None:
    from .constants import CLASSES

    import numpy as np

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
    from .training.recipes import default_recipe, get_recipe

    model = build_model(args.model, seed=args.seed)
    recipe = get_recipe(args.recipe or default_recipe(args.model), args.model)
    if args.epochs is not None:
        if args.epochs < 1:
            raise ApparelError(f"--epochs must be at least 1, not {args.epochs}")
        recipe = recipe.replace(epochs=args.epochs)
    device = pick_device(args.device)
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

    if not 1 <= args.top <= 10:
        raise ApparelError(f"--top must be between 1 and 10, not {args.top}")
    prepared = [prepare_picture(path) for path in args.pictures]  # every picture checked before any model loads
    if args.checkpoint is not None:
        from .training.checkpoint import load_checkpoint

        ckpt = load_checkpoint(args.checkpoint)
        model, name, train_mode = ckpt.model, ckpt.model_name, ckpt.recipe.eval_in_train_mode
    else:
        from .experiments.spec import run_spec
        from .experiments.store import get_or_run

        spec = run_spec(args.model, args.recipe)
        print(f"using the stored run {spec.describe()} (trained first if it is not stored yet)", file=sys.stderr)
        result = get_or_run(spec, progress=False)
        model, name, train_mode = result.load_model(), args.model, spec.recipe.eval_in_train_mode
    if train_mode:
        raise ApparelError(f"{name} is measured in training mode (the tutorial's way), which needs a batch of pictures: use a model trained with another recipe")
    probabilities = class_probabilities(model, [p.image for p in prepared])
    for p, probs in zip(prepared, probabilities):
        print(f"{p.path}: {describe_top(probs, args.top)}")


def _bench(args: argparse.Namespace) -> None:
    import json

    from .bench.comparisons import run_bench
    from .files import atomic_write

    report = run_bench(args.parts, repeat=args.repeat, quick=args.quick, echo=lambda line: print(line, file=sys.stderr))
    print(report.table())
    if args.json:
        with atomic_write(args.json, "w") as f:
            json.dump(report.to_dict(), f, indent=1)
        print(f"wrote {args.json}")


def _sweep(args: argparse.Namespace) -> None:
    import time

    from .experiments.sweep import SearchSpace, open_storage, open_study, run_study, study_summary
    from .extras import require

    optuna = require("optuna")

    if args.epochs < 1:
        raise ApparelError(f"--epochs must be at least 1, not {args.epochs}")
    if any(setting.startswith("epochs=") for setting in args.space):
        raise ApparelError("set the most epochs a trial may train with --epochs N, not --space")
    space = SearchSpace(epochs=(1, args.epochs)).narrowed(args.space)
    if args.heartbeat < 1:
        raise ApparelError(f"--heartbeat must be at least 1 second, not {args.heartbeat}")
    optuna.logging.set_verbosity(optuna.logging.ERROR)
    storage = open_storage(args.storage, heartbeat=args.heartbeat)
    sampler = optuna.samplers.TPESampler(seed=args.seed)
    study = open_study(args.study, storage, sampler=sampler)
    start = time.perf_counter()
    if args.trials is None and args.total is None:
        raise ApparelError("say how many trials: --trials N adds N to the study, --total N works until it has N in all")
    with stop_safely():
        added = run_study(study, args.trials, total=args.total, timeout=args.timeout, subset=args.subset,
                          space=space, device=args.device)
    print(f"this worker finished {added} trial{'s' * (added != 1)} in {time.perf_counter() - start:.0f} s")
    print(study_summary(study))
    from .experiments.sweep import default_journal

    where = args.storage or default_journal()
    print(f"watch it: optuna-dashboard {where}")


def _runs(args: argparse.Namespace) -> None:
    from .experiments.store import RunStore

    store = RunStore()
    if args.runs_command == "list":
        results = store.runs()
        if not results:
            print(f"no stored runs in {store.root}")
        for r in results:
            path = r.numeric_path.short() if r.numeric_path is not None else "unknown"
            print(f"{r.key}  val {r.val_acc:.4f}  test {r.test_acc:.4f}  {r.seconds:7.1f} s  {path:<9}  {r.spec.describe()}")
    elif args.runs_command == "show":
        r = store.find(args.key)
        print(f"run:        {r.key}  ({r.spec.describe()})")
        print(f"recipe:     {r.spec.recipe}")
        print(f"accuracy:   validation {r.val_acc:.4f}, test {r.test_acc:.4f} (evaluation mode)")
        if r.val_acc_train_mode is not None:
            print(f"            validation {r.val_acc_train_mode:.4f}, test {r.test_acc_train_mode:.4f} (training mode, the tutorial's way)")
        print(f"parameters: {r.parameters:,}")
        print(f"trained:    {r.history.epochs} epochs in {r.seconds:.1f} s on {r.device}, torch {r.torch_version}, apparel_lib {r.library_version}")
        print(f"numerics:   {r.numeric_path or 'not recorded (stored before runs kept their numeric path)'}")
        print(f"data:       {r.fingerprint}")
        print(f"checkpoint: {r.checkpoint}")
    else:
        if args.all == bool(args.keys):
            raise ApparelError("name the runs to remove, or pass --all (not both)")
        keys = [r.key for r in store.runs()] if args.all else [store.find(k).key for k in args.keys]
        for key in keys:
            store.remove(key)
        print(f"removed {len(keys)} stored run{'s' * (len(keys) != 1)} from {store.root}")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    args = build_parser().parse_args(argv)
    handler = {"info": _data_info, "export": _data_export}.get(getattr(args, "data_command", None)) or {
        "train": _train,
        "predict": _predict,
        "score": _score,
        "classify": _classify,
        "runs": _runs,
        "bench": _bench,
        "sweep": _sweep,
    }[args.command]
    try:
        handler(args)
    except ApparelError as err:
        print(f"error: {err}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("error: interrupted; nothing half-written was kept", file=sys.stderr)
        return 130
    except OSError as err:
        if os.environ.get("APPAREL_DEBUG"):
            raise
        print(f"error: {err.strerror or err}: {err.filename or ''}".rstrip(": "), file=sys.stderr)
        return EXIT_ERROR
    except Exception as err:  # noqa: BLE001 - the CLI promises one line, never a traceback
        if os.environ.get("APPAREL_DEBUG"):
            raise
        print(f"error: unexpected {type(err).__name__}: {' '.join(str(err).split())} (run with APPAREL_DEBUG=1 for details and please report it)", file=sys.stderr)
        return EXIT_ERROR
    return 0
