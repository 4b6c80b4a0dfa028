"""The speedrun's path: every attempt on the way from best-cnn to speedrun-cnn, trained again.

Each attempt is a run spec (one seed) trained through the library; it records what changed,
validation accuracy (for ``speedrun-cnn`` also without the mirror view, from the same trained
weights), the FLOPs of its training run, its seconds and the machine. Chapter 11 plots the
record; the test set is never looked at here. Run from the repository (a few minutes per
attempt on two cores)::

    python -m benchmarks.speedrun_attempts [--out notebooks/records/speedrun_attempts.json] [--threads N]
"""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import torch

from apparel_lib.book_plans.chapters import FIRST_SPEEDRUN
from apparel_lib.cli.conventions import Parser, int_at_least
from apparel_lib.files import atomic_write
from apparel_lib.provenance import commit, machine
from apparel_lib.runs.runner import standard_splits, train_spec
from apparel_lib.runs.spec import run_spec
from apparel_lib.training.evaluate import accuracy
from apparel_lib.training.flops import run_flops

__all__ = ["Attempt", "ATTEMPTS", "SPEEDRUN", "run_attempts", "main"]

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "notebooks" / "records" / "speedrun_attempts.json"
"""Where chapter 11 reads the record."""


@dataclass(frozen=True)
class Attempt:
    """One step on the path: a model with options and a recipe with changes, and why."""

    name: str
    why: str
    model: str
    recipe: str
    options: dict[str, Any] = field(default_factory=dict)
    changes: dict[str, Any] = field(default_factory=dict)


ATTEMPTS: tuple[Attempt, ...] = (
    Attempt("best-cnn", "the book's CNN and recipe: the baseline", "best-cnn", "best"),
    Attempt("half the epochs", "best-cnn with 4 epochs instead of 8", "best-cnn", "best", changes={"epochs": 4}),
    Attempt("no dropout, higher rate", "a short run needs no dropout and can take a higher rate", "best-cnn", "best",
            options={"dropout": 0.0}, changes={"epochs": 4, "lr": 0.01}),
    Attempt("judged with its mirror", "the same, each picture judged with its mirror image: the first speedrun",
            "speedrun-cnn", "speedrun", options=FIRST_SPEEDRUN[0], changes=FIRST_SPEEDRUN[1]),
    Attempt("one conv per stage", "drop the second 48-filter convolution", "speedrun-cnn", "speedrun",
            options={"stages": "32|48|96"}, changes={"epochs": 4}),
    Attempt("narrower stages", "24, 48, 96 filters, 5 epochs", "speedrun-cnn", "speedrun",
            options={"stages": "24|48|96"}, changes={"epochs": 5}),
    Attempt("smaller batches", "batches of 128: twice the steps for the same arithmetic", "speedrun-cnn", "speedrun",
            options={"stages": "24|48|96"}, changes={"epochs": 5, "batch_size": 128}),
    Attempt("narrower still", "24, 40, 80 filters", "speedrun-cnn", "speedrun",
            options={"stages": "24|40|80"}, changes={"epochs": 5, "batch_size": 128}),
    Attempt("tiny, longer", "16, 32, 64 filters for 8 epochs", "speedrun-cnn", "speedrun",
            options={"stages": "16|32|64"}, changes={"epochs": 8, "batch_size": 128}),
    Attempt("more filters at 7x7", "16, 32 and 64, 64 filters: a second convolution where the maps are small",
            "speedrun-cnn", "speedrun", options={"stages": "16|32|64,64"}, changes={"epochs": 5, "batch_size": 128}),
    Attempt("a fourth stage", "the same with a fourth stage of 128 filters at 3x3, 4 epochs", "speedrun-cnn", "speedrun",
            options={"stages": "16|32|64,64|128"}, changes={"epochs": 4, "batch_size": 128}),
    Attempt("four stages, one conv each", "16, 32, 64, 128 filters, one convolution a stage, 6 epochs",
            "speedrun-cnn", "speedrun", options={"stages": "16|32|64|128"}, changes={"epochs": 6, "batch_size": 128}),
    Attempt("batches of 256", "the same in batches of 256: fewer, faster steps; the speedrun", "speedrun-cnn", "speedrun"),
    Attempt("one epoch fewer", "the speedrun with 5 epochs", "speedrun-cnn", "speedrun", changes={"epochs": 5}),
)
"""The attempts, in the order they were tried. ``speedrun-cnn`` with its defaults and the
``speedrun`` recipe unchanged is the result ("batches of 256"); "judged with its mirror" was the
first speedrun, best-cnn's network in half its epochs (chapter 11 tells the path)."""

SPEEDRUN = "batches of 256"
"""The attempt that is ``speedrun-cnn`` as the library builds and trains it."""


def run_attempts(attempts: tuple[Attempt, ...] = ATTEMPTS, *, seed: int = 0) -> list[dict[str, Any]]:
    """Train every attempt once and return one record each."""
    splits = standard_splits()
    records = []
    for attempt in attempts:
        spec = run_spec(attempt.model, attempt.recipe, options=attempt.options, seed=seed, **attempt.changes)
        result = train_spec(spec, progress=False)
        model = result.model
        flops = run_flops(model, spec.recipe, train_size=len(splits.x_train), val_size=len(splits.x_val))
        record = {
            "name": attempt.name, "why": attempt.why, "spec": spec.to_dict(), "parameters": result.parameters,
            "val_acc": result.val_acc, "seconds": result.seconds, "tflops": flops.total / 1e12,
            "numeric_path": str(result.numeric_path),
        }
        if getattr(model, "test_flip", False):
            model.test_flip = False
            record["val_acc_one_view"] = accuracy(model, splits.x_val, splits.y_val)
        records.append(record)
        print(f"{attempt.name}: val {record['val_acc']:.4f}, {record['tflops']:.1f} TFLOPs, {record['seconds']:.0f} s", flush=True)
    return records


def main(argv: list[str] | None = None) -> int:
    parser = Parser(prog="python -m benchmarks.speedrun_attempts", description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT, help="where to write the record (default: %(default)s)")
    parser.add_argument("--threads", type=int_at_least(1), default=None, help="torch threads (default: torch's choice)")
    args = parser.parse_args(argv)
    if args.threads:
        torch.set_num_threads(args.threads)
    records = run_attempts()
    record = {
        "made_by": "python -m benchmarks.speedrun_attempts", "date": datetime.date.today().isoformat(),
        "commit": commit(ROOT), "machine": machine(), "seed": 0, "attempts": records,
    }
    with atomic_write(args.out, "w") as f:
        json.dump(record, f, indent=1)
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
