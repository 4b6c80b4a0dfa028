"""``apparel train|predict|score``: a checkpoint trained with a recipe, its predictions on the test
images as a submission file, and the submission scored."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..interrupts import stop_safely
from ..models.registry import MODELS
from ..training.recipes import RECIPES, default_recipe, get_recipe
from .conventions import command, data_arg, device_arg, int_at_least, progress_arg, usage
from .data import load

__all__ = ["add"]


def add(sub: argparse._SubParsersAction) -> None:
    """The ``train``, ``predict`` and ``score`` commands."""
    train = command(sub, "train", _train, "train a model with a recipe and save a checkpoint")
    train.add_argument("--model", required=True, choices=list(MODELS), help="model name: %(choices)s")
    train.add_argument("--recipe", choices=list(RECIPES), help="recipe name: %(choices)s (default: best for best-cnn, tutorial for tutorial-cnn, minibatch for the others)")
    train.add_argument("--out", required=True, type=Path, metavar="FILE", help="checkpoint file to write")
    train.add_argument("--epochs", type=int_at_least(1), metavar="N", help="override the recipe's number of epochs")
    device_arg(train)
    train.add_argument("--seed", type=int, default=0, help="seed of the weights and the batch order (default: %(default)s; the split is always the standard one)")
    data_arg(train)
    progress_arg(train)

    predict = command(sub, "predict", _predict, "predict the test images with a checkpoint and write a submission")
    predict.add_argument("checkpoint", type=Path, metavar="CHECKPOINT", help="a checkpoint written by `apparel train`")
    predict.add_argument("--out", required=True, type=Path, metavar="FILE", help="submission CSV to write (id,label)")
    predict.add_argument("--layout", type=Path, metavar="DIR", help="read the test images from an exported layout (test.csv + PNGs) instead of the IDX files")
    data_arg(predict)
    progress_arg(predict)

    score = command(sub, "score", _score, "score a submission against the true test labels")
    score.add_argument("submission", type=Path, metavar="SUBMISSION", help="a submission CSV (id,label), as `apparel predict` writes it")
    data_arg(score)


def _train(args: argparse.Namespace) -> None:
    from ..data.dataset import make_splits
    from ..models.registry import build_model, count_parameters
    from ..training.checkpoint import save_checkpoint
    from ..training.devices import pick_device
    from ..training.evaluate import accuracy
    from ..training.loop import train

    with usage():
        recipe = get_recipe(args.recipe or default_recipe(args.model), args.model)
    if args.epochs is not None:
        recipe = recipe.replace(epochs=args.epochs)
    device = pick_device(args.device)
    model = build_model(args.model, seed=args.seed)
    data = load(args)
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
    from ..data.dataset import to_tensor
    from ..practice.ids import submission_ids
    from ..practice.submission import write_submission
    from ..training.checkpoint import load_checkpoint
    from ..training.evaluate import predict

    ckpt = load_checkpoint(args.checkpoint)
    if args.layout is not None:
        from ..practice.layout import read_layout

        layout = read_layout(args.layout, progress=not args.no_progress)
        ids, images = layout.test_ids, layout.test_images
    else:
        data = load(args, progress=not args.no_progress)
        if data.fingerprint != ckpt.fingerprint:
            print(f"warning: {args.checkpoint} was trained on data {ckpt.fingerprint}, predicting on {data.fingerprint}", file=sys.stderr)
        ids, images = submission_ids(len(data.test_images)), data.test_images
    labels = predict(ckpt.model, to_tensor(images), train_mode=ckpt.recipe.eval_in_train_mode).numpy()
    write_submission(args.out, ids, labels)
    print(f"wrote {len(ids):,} predictions of {ckpt.model_name} to {args.out}")


def _score(args: argparse.Namespace) -> None:
    from ..practice.submission import score_submission

    data = load(args, progress=False)
    acc = score_submission(args.submission, data.test_labels)
    print(f"test accuracy {acc:.4f} ({round(acc * len(data.test_labels)):,} of {len(data.test_labels):,} correct)")
