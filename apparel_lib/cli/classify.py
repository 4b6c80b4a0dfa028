"""``apparel classify``: one's own pictures, each with its class and the top probabilities."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..constants import NUM_CLASSES
from ..errors import ApparelError
from ..models.registry import MODELS
from ..training.recipes import RECIPES, default_recipe
from .conventions import command, int_at_least, usage

__all__ = ["add"]


def add(sub: argparse._SubParsersAction) -> None:
    """The ``classify`` command."""
    classify = command(sub, "classify", _classify, "classify your own pictures (PNG or JPEG, any size): the class and the top probabilities")
    classify.add_argument("pictures", nargs="+", type=Path, metavar="PICTURE", help="picture files")
    classify.add_argument("--checkpoint", type=Path, metavar="FILE", help="use this checkpoint (default: the stored run of --model with --recipe)")
    classify.add_argument("--model", default="best-cnn", choices=list(MODELS), help="model of the stored run (default: %(default)s)")
    classify.add_argument("--recipe", choices=list(RECIPES), help="recipe of the stored run (default: the model's, as for train)")
    classify.add_argument("--top", type=int_at_least(1, NUM_CLASSES), default=3, metavar="K", help="how many classes to list (default: %(default)s)")


def _classify(args: argparse.Namespace) -> None:
    from ..data.picture import prepare_picture
    from ..training.classify import class_probabilities, describe_top

    def batch_only(name: str) -> ApparelError:
        return ApparelError(f"{name} is measured in training mode (the tutorial's way), which needs a batch of pictures: "
                            f"use a model trained with another recipe")

    if args.checkpoint is None:  # the stored run: its model and recipe must suit single pictures
        from ..runs.spec import run_spec

        with usage():
            spec = run_spec(args.model, args.recipe or default_recipe(args.model))
            if spec.recipe.eval_in_train_mode:
                raise batch_only(f"{args.model} with recipe {spec.recipe.name!r}")
    prepared = [prepare_picture(path) for path in args.pictures]  # every picture checked before any model loads
    if args.checkpoint is not None:
        from ..training.checkpoint import load_checkpoint

        ckpt = load_checkpoint(args.checkpoint)
        if ckpt.recipe.eval_in_train_mode:
            raise batch_only(ckpt.model_name)
        model = ckpt.model
    else:
        from ..runs.store import get_or_run

        print(f"using the stored run {spec.describe()} (trained first if it is not stored yet)", file=sys.stderr)
        model = get_or_run(spec, progress=False, need_model=True).load_model()
    probabilities = class_probabilities(model, [p.image for p in prepared])
    for p, probs in zip(prepared, probabilities):
        print(f"{p.path}: {describe_top(probs, args.top)}")
