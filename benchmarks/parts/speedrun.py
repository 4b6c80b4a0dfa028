"""Part speedrun: speedrun-cnn against best-cnn in one run, in seconds and in FLOPs, and
whether bfloat16 autocast pays on this machine.

Both train on the full data with data loading included, taking turns (best-cnn, then a
speedrun seed, ...), so a machine whose speed drifts slows both alike. The speedrun trains 5
seeds, judged on their mean validation accuracy: the bench never scores the test set (chapter
11 reports it, once). FLOPs count the training run
(``apparel_lib.training.flops``): the figure that does not depend on the machine. Each run's
FLOPs per second are compared with this machine's peak in the precision it trained in
(``apparel_lib.training.peak``), and one training step of each model is profiled by operator
(``apparel_lib.training.operators``).
"""

from __future__ import annotations

import statistics
import time

from apparel_lib.book_plans.seeds import SPEEDRUN_SEEDS
from apparel_lib.data.dataset import FashionMNIST, load_data
from apparel_lib.data.sources import forget_verified
from apparel_lib.models.registry import build_model
from apparel_lib.runs.runner import standard_splits, train_spec
from apparel_lib.runs.spec import RunResult, RunSpec, run_spec
from apparel_lib.training.devices import pick_device, use_bf16
from apparel_lib.training.flops import run_flops
from apparel_lib.training.operators import StepProfile, profile_steps
from apparel_lib.training.peak import PEAK_SIZE, Peak, machine_peaks, utilisation
from apparel_lib.training.precision import PAYS_BELOW, measure_bf16

from ..measure import Sample
from ..report import Row
from .common import bench_data

__all__ = ["part_speedrun", "SEEDS", "TARGET_VAL", "TARGET_RATIO"]

SEEDS = len(SPEEDRUN_SEEDS)
TARGET_VAL = 0.93
TARGET_RATIO = 4.0
PROFILED_STEPS = 5


def _timed(spec: RunSpec, data: FashionMNIST) -> tuple[RunResult, Sample]:
    start = time.perf_counter()
    forget_verified()  # data loading included: a real read of the IDX files, timed
    load_data(progress=False)
    result = train_spec(spec, data=data, progress=False)
    return result, Sample(time.perf_counter() - start, None)


def _utilised(flops: float, results: list[RunResult], samples: list[Sample], peaks: dict[str, Peak]) -> str:
    """The runs' achieved FLOP/s (median seconds) as a fraction of the peak of the precision they trained in."""
    seconds = statistics.median(s.seconds for s in samples)
    precision = results[0].numeric_path.precision if results[0].numeric_path else "float32"
    rate = flops / seconds
    return (f"{rate / 1e9:.1f} GFLOP/s, {utilisation(flops, seconds, peaks[precision]):.1%} of the "
            f"{precision.replace('-', ' ')} peak (model FLOPs utilisation)")


def _profile_table(profiles: dict[str, StepProfile]) -> str:
    """The profiles side by side as a Markdown table: milliseconds per step and share, by group."""
    names = list(profiles)
    lines = ["| group | " + " | ".join(f"{n} ms/step | share" for n in names) + " |",
             "|---|" + "---:|---:|" * len(names)]
    shares = {n: p.shares() for n, p in profiles.items()}
    for group in profiles[names[0]].parts():
        cells = [(p.parts()[group], shares[n][group]) for n, p in profiles.items()]
        lines.append(f"| {group} | " + " | ".join(f"{1e3 * ms:.2f} | {share:.0%}" for ms, share in cells) + " |")
    lines.append("| whole step | " + " | ".join(f"{1e3 * p.seconds:.2f} | 100%" for p in profiles.values()) + " |")
    return "\n".join(lines)


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
    peaks = machine_peaks(size=256 if quick else PEAK_SIZE, repeats=1 if quick else 3)
    peak_row = Row("speedrun", "this machine's peak: a large matrix product in each precision, best of a few, "
                   "on the threads training uses", [], note="; ".join(str(p) for p in peaks.values()))
    best_row.note += "; " + _utilised(best_flops.total, best_results, best_row.ours, peaks)
    fast_row.note += "; " + _utilised(fast_flops.total, fast_results, fast_row.ours, peaks)
    profiles = {spec.model: profile_steps(build_model(spec.model, seed=spec.seed, **spec.options), splits, spec.recipe,
                                          steps=1 if quick else PROFILED_STEPS, warmup=1 if quick else 3)
                for spec in (best_spec, fast_specs[0])}
    profile_row = Row("speedrun", f"one training step by operator (torch.profiler, mean of "
                      f"{next(iter(profiles.values())).steps} steps after warm-up, the recipes' batches)", [],
                      note="milliseconds per step and share in the table below", table=_profile_table(profiles))
    verdict = measure_bf16(pairs=1 if quick else 15)
    cpu = pick_device("cpu")
    bf16_row = Row("speedrun", "bfloat16 autocast against float32: one training step of best-cnn, one thread", [],
                   target=f"bfloat16 used only where its step takes < {PAYS_BELOW}x float32's",
                   note=f"measured now: {verdict}; the library {'uses' if use_bf16(cpu) else 'does not use'} it here")
    bf16_row.passed_extra = use_bf16(cpu) == verdict.pays or quick
    return [best_row, fast_row, peak_row, profile_row, bf16_row]
