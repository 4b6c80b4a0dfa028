"""Part speedrun: speedrun-cnn against best-cnn in one run, in seconds and in FLOPs, and
whether bfloat16 autocast pays on this machine.

Both train on the full data with data loading included, taking turns (best-cnn, then a
speedrun seed, ...), so a machine whose speed drifts slows both alike. The speedrun trains 5
seeds, judged on their mean validation accuracy: the bench never scores the test set (chapter
11 reports it, once). FLOPs count the training run
(``apparel_lib.training.flops``): the figure that does not depend on the machine.
"""

from __future__ import annotations

import statistics
import time

from apparel_lib.book_plans.seeds import SPEEDRUN_SEEDS
from apparel_lib.data.dataset import FashionMNIST, load_data
from apparel_lib.data.sources import forget_verified
from apparel_lib.runs.runner import standard_splits, train_spec
from apparel_lib.runs.spec import RunResult, RunSpec, run_spec
from apparel_lib.training.devices import pick_device, use_bf16
from apparel_lib.training.flops import run_flops
from apparel_lib.training.precision import PAYS_BELOW, measure_bf16

from ..measure import Sample
from ..report import Row
from .common import bench_data

__all__ = ["part_speedrun", "SEEDS", "TARGET_VAL", "TARGET_RATIO"]

SEEDS = len(SPEEDRUN_SEEDS)
TARGET_VAL = 0.93
TARGET_RATIO = 4.0


def _timed(spec: RunSpec, data: FashionMNIST) -> tuple[RunResult, Sample]:
    start = time.perf_counter()
    forget_verified()  # data loading included: a real read of the IDX files, timed
    load_data(progress=False)
    result = train_spec(spec, data=data, progress=False)
    return result, Sample(time.perf_counter() - start, None)


def part_speedrun(repeat: int, quick: bool) -> list[Row]:
    """best-cnn once per repeat, speedrun-cnn for :data:`SEEDS` seeds, in turns; then bfloat16's verdict."""
    extra = {"epochs": 1} if quick else {}
    best_spec = run_spec("best-cnn", "best", **extra)
    fast_specs = [run_spec("speedrun-cnn", "speedrun", seed=seed, **extra) for seed in SPEEDRUN_SEEDS[:1 if quick else SEEDS]]
    best_row = Row("speedrun", f"best-cnn, best recipe, {best_spec.recipe.epochs} epochs, data loading included", [])
    fast_row = Row("speedrun", f"speedrun-cnn, speedrun recipe, {fast_specs[0].recipe.epochs} epochs, {len(fast_specs)} seeds "
                   f"(the 'tutorial's way' column is best-cnn)", [],
                   target=f"≥ {TARGET_VAL:.0%} mean validation, ≤ 1/{TARGET_RATIO:.0f} of best-cnn's seconds and FLOPs",
                   target_ratio=TARGET_RATIO)
    data = bench_data(quick)
    best_results, fast_results = [], []
    for _ in range(repeat):
        result, sample = _timed(best_spec, data)
        best_results.append(result)
        best_row.ours.append(sample)
        fast_row.theirs.append(sample)
        for spec in fast_specs:
            result, sample = _timed(spec, data)
            fast_results.append(result)
            fast_row.ours.append(sample)
    splits = standard_splits(data)
    sizes = {"train_size": len(splits.x_train), "val_size": len(splits.x_val)}
    best_flops = run_flops(best_results[0].model, best_spec.recipe, **sizes)
    fast_flops = run_flops(fast_results[0].model, fast_specs[0].recipe, **sizes)
    flops_ratio = best_flops.total / fast_flops.total
    best_row.note = f"{best_flops}; validation {statistics.mean(r.val_acc for r in best_results):.4f}"
    vals = [r.val_acc for r in fast_results]
    spread = f" ± {statistics.stdev(vals):.4f} (sd)" if len(vals) > 1 else ""
    fast_row.note = (f"{fast_flops}, {flops_ratio:.1f}x fewer than best-cnn; mean validation "
                     f"{statistics.mean(vals):.4f}{spread}")
    fast_row.passed_extra = statistics.mean(vals) >= TARGET_VAL and flops_ratio >= TARGET_RATIO
    verdict = measure_bf16(pairs=1 if quick else 15)
    cpu = pick_device("cpu")
    bf16_row = Row("speedrun", "bfloat16 autocast against float32: one training step of best-cnn, one thread", [],
                   target=f"bfloat16 used only where its step takes < {PAYS_BELOW}x float32's",
                   note=f"measured now: {verdict}; the library {'uses' if use_bf16(cpu) else 'does not use'} it here")
    bf16_row.passed_extra = use_bf16(cpu) == verdict.pays or quick
    return [best_row, fast_row, bf16_row]
