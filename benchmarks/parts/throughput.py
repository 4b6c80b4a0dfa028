"""Part 4, throughput: pictures per second, training and inference, per registered model."""

from __future__ import annotations

import statistics

import torch

from apparel_lib.constants import IMAGE_SIZE, NUM_CLASSES
from apparel_lib.models.registry import MODELS, build_model
from apparel_lib.training.devices import autocasts_bf16
from apparel_lib.training.evaluate import logits
from apparel_lib.training.memory import reuse_freed_memory
from apparel_lib.training.recipes import default_recipe, get_recipe
from apparel_lib.training.step import train_step

from ..measure import measure
from ..report import Row

__all__ = ["part_throughput"]

BATCH, JUDGED = 128, 4096
"""Pictures per training step, and pictures judged per inference pass."""


def part_throughput(repeat: int, quick: bool) -> list[Row]:
    """Pictures per second, training (mini-batch steps of ``BATCH``) and inference (``JUDGED`` pictures
    judged as the library judges them, with ``logits``), per model.

    Training computes as each model's default recipe does (bfloat16 and channels-last for
    ``best-cnn`` where the processor has bfloat16), keeping freed memory as training does.
    """
    rows = []
    steps = 2 if quick else 20
    for name in MODELS:
        recipe = get_recipe(default_recipe(name), name)
        bf16 = autocasts_bf16(recipe, torch.device("cpu"))
        layout = torch.channels_last if recipe.channels_last else torch.contiguous_format
        model = build_model(name).to(memory_format=layout)
        optimizer = torch.optim.Adam(model.parameters())
        x = torch.rand(BATCH, 1, IMAGE_SIZE, IMAGE_SIZE).contiguous(memory_format=layout)
        y, xi = torch.randint(0, NUM_CLASSES, (BATCH,)), torch.rand(JUDGED, 1, IMAGE_SIZE, IMAGE_SIZE)

        def step():
            for _ in range(steps):
                train_step(model, optimizer, x, y, bf16=bf16)

        def infer():
            for _ in range(max(1, steps // 4)):
                logits(model, xi)

        with reuse_freed_memory(min_free_gb=4.0):
            model.train()
            step()  # warm-up: the first steps choose kernels
            train_samples = [measure(step)[1] for _ in range(repeat)]
            model.eval()
            infer_samples = [measure(infer)[1] for _ in range(repeat)]
        train_rate = steps * BATCH / statistics.median(s.seconds for s in train_samples)
        infer_rate = max(1, steps // 4) * JUDGED / statistics.median(s.seconds for s in infer_samples)
        how = ", ".join(["bfloat16"] * bf16 + ["channels-last"] * recipe.channels_last)
        how = f" ({how})" if how else ""
        rows.append(Row("throughput", f"{name}: training{how} / inference", train_samples,
                        note=f"{train_rate:,.0f} / {infer_rate:,.0f} pictures per second"))
    return rows
