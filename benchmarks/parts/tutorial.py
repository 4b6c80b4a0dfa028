"""Part 2, tutorial: the tutorial's recipe trained its own way and the library's way, same split and seed."""

from __future__ import annotations

from apparel_lib.data.dataset import make_splits
from apparel_lib.models.registry import build_model
from apparel_lib.training.evaluate import accuracy
from apparel_lib.training.loop import train
from apparel_lib.training.memory import reuse_freed_memory
from apparel_lib.training.recipes import get_recipe

from ..report import Row
from ..tutorial_way import accuracy_tutorial_way, train_tutorial_way
from .common import alternate, bench_data

__all__ = ["part_tutorial"]


def part_tutorial(repeat: int, quick: bool) -> list[Row]:
    """The tutorial's recipe: its own training loop against the library's ``tutorial`` recipe, same split and seed."""
    splits = make_splits(bench_data(quick), seed=0)
    recipe = get_recipe("tutorial", "tutorial-cnn")
    if quick:
        recipe = recipe.replace(epochs=2)

    def theirs():
        model = build_model("tutorial-cnn", seed=0)
        train_tutorial_way(model, splits.x_train, splits.y_train, splits.x_val, splits.y_val, epochs=recipe.epochs, lr=recipe.lr)
        return [accuracy_tutorial_way(model, x, y) for x, y in
                ((splits.x_train, splits.y_train), (splits.x_val, splits.y_val))]

    def ours():
        model = build_model("tutorial-cnn", seed=0)
        train(model, splits, recipe, progress=False)
        with reuse_freed_memory(min_free_gb=4.0):  # as runs.runner scores a run
            return [accuracy(model, x, y, train_mode=True) for x, y in
                    ((splits.x_train, splits.y_train), (splits.x_val, splits.y_val))]

    row = Row("tutorial", f"tutorial CNN, tutorial recipe ({recipe.epochs} full-batch epochs), train+val scored (never test)",
              [], target="≥ 2× and the same numbers", target_ratio=2.0)
    numbers: dict[str, list[list[float]]] = {"ours": [], "theirs": []}
    for side, result, sample in alternate(repeat, ours, theirs):
        getattr(row, side).append(sample)
        numbers[side].append(result)
    pairs = [(a, b) for o, t in zip(numbers["ours"], numbers["theirs"]) for a, b in zip(o, t)]
    same = all(abs(a - b) <= 0.005 for a, b in pairs)
    identical = all(abs(a - b) < 1e-6 for a, b in pairs)  # the same predictions (float32 vs float64 means)
    row.passed_extra = same
    acc = numbers["ours"][0]
    row.note = (f"train/val {acc[0]:.4f}/{acc[1]:.4f}; "
                + ("identical numbers" if identical else "within 0.5 point" if same else "NUMBERS DIFFER"))
    return [row]
