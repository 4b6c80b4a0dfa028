"""Whether bfloat16 autocast pays on this machine: measured once, then remembered.

A processor that computes bfloat16 natively (AVX512-BF16 or AMX, or a CUDA GPU) may still train
no faster with it: on one Intel Xeon of the book's machine kind, best-cnn's epochs took as long
either way. So on a CPU the library times a training step of a best-cnn-sized network both ways
(in turns, so a drifting machine slows both alike: :mod:`~apparel_lib.training.turns`) and
autocasts only where bfloat16 is clearly faster. The verdict is kept in the cache folder per
torch version and CPU capability, so a machine decides once and its runs keep one numeric path.
The policy that reads it is :func:`apparel_lib.training.devices.use_bf16`.
"""

from __future__ import annotations

import json
import statistics
from dataclasses import asdict, dataclass
from pathlib import Path

from ..files import atomic_write
from ..paths import BF16_VERDICTS, cache_dir

__all__ = ["VERDICTS_FILE", "PAYS_BELOW", "Bf16Verdict", "measure_bf16", "bf16_verdict"]

VERDICTS_FILE = BF16_VERDICTS
"""The file in the cache folder that keeps each machine's verdict."""

PAYS_BELOW = 0.9
"""bfloat16 pays where its step takes less than this fraction of float32's."""

_VERDICTS: dict[str, Bf16Verdict] = {}


@dataclass(frozen=True)
class Bf16Verdict:
    """bfloat16's training-step time as a fraction of float32's (the median over several
    back-to-back pairs of steps), and the verdict."""

    ratio: float
    pairs: int

    @property
    def pays(self) -> bool:
        return self.ratio < PAYS_BELOW

    def __str__(self) -> str:
        """E.g. ``bfloat16 step 0.71x float32's: pays``."""
        return f"bfloat16 step {self.ratio:.2f}x float32's: {'pays' if self.pays else 'does not pay'}"


def _read(path: Path) -> dict:
    try:
        known = json.loads(path.read_text())
    except (OSError, ValueError):
        return {}
    return known if isinstance(known, dict) else {}


def _machine_key() -> str:
    import torch

    return f"torch {torch.__version__}, {torch.backends.cpu.get_cpu_capability()}"


def measure_bf16(*, batch_size: int = 64, pairs: int = 15) -> Bf16Verdict:
    """Time ``pairs`` back-to-back pairs of training steps of a best-cnn-sized network on one CPU
    thread, one step with bfloat16 autocast and one without, and take the median of their ratios.
    One thread and short pairs measure the kernels themselves: on a busy machine, threads that
    wait for each other, or a burst of other work, would otherwise drown the difference."""
    import torch

    from ..models.registry import build_model
    from .recipes import get_recipe
    from .turns import steps_in_turns

    models = {"bf16": build_model("best-cnn"), "float32": build_model("best-cnn")}
    recipe = get_recipe("best", "best-cnn")
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        ratios = []
        for _ in range(pairs):
            times = steps_in_turns(models, recipe, {"bf16": True, "float32": False}, batch_size=batch_size, steps=1, rounds=1)
            ratios.append(times["bf16"] / times["float32"])
    finally:
        torch.set_num_threads(threads)
    return Bf16Verdict(ratio=statistics.median(ratios), pairs=pairs)


def bf16_verdict() -> Bf16Verdict:
    """This machine's verdict on bfloat16 autocast for CPU training: remembered in the cache
    folder (:data:`VERDICTS_FILE`), measured there the first time (a few seconds)."""
    key = _machine_key()
    if key in _VERDICTS:
        return _VERDICTS[key]
    path = cache_dir(VERDICTS_FILE)
    known = _read(path)
    try:
        verdict = Bf16Verdict(**known[key])
    except (KeyError, TypeError):  # not measured here yet, or written by another version
        verdict = measure_bf16()
        known[key] = asdict(verdict)
        with atomic_write(path, "w") as f:
            json.dump(known, f, indent=1)
    _VERDICTS[key] = verdict
    return verdict
