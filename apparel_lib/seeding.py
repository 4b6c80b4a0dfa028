"""Seeding that leaves the rest of the program alone: seed the generators a block uses, restore them after."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator

import torch

__all__ = ["seeded", "deterministic"]


def _cuda_index(device: torch.device) -> int:
    return device.index if device.index is not None else torch.cuda.current_device()


@contextlib.contextmanager
def seeded(seed: int, device: str | torch.device = "cpu") -> Iterator[None]:
    """Run the block with the CPU generator (and ``device``'s, if it is a GPU) seeded with ``seed``.

    Only the generators of the devices in use are touched, and each is put back as it was when
    the block ends: other GPUs, and the caller's random state, are left alone.
    (``torch.manual_seed`` would reseed every GPU and leave them changed.)
    """
    device = torch.device(device)
    cuda = [_cuda_index(device)] if device.type == "cuda" else []
    mps_state = torch.mps.get_rng_state() if device.type == "mps" else None
    try:
        with torch.random.fork_rng(devices=cuda):
            torch.default_generator.manual_seed(seed)
            for index in cuda:
                torch.cuda.default_generators[index].manual_seed(seed)
            if mps_state is not None:
                torch.mps.manual_seed(seed)
            yield
    finally:
        if mps_state is not None:
            torch.mps.set_rng_state(mps_state)


@contextlib.contextmanager
def deterministic(enabled: bool = True) -> Iterator[None]:
    """Within the block, ask PyTorch for deterministic algorithms (an error where none exists); restore after."""
    if not enabled:
        yield
        return
    before = torch.are_deterministic_algorithms_enabled()
    warn_only = torch.is_deterministic_algorithms_warn_only_enabled()
    benchmark = torch.backends.cudnn.benchmark
    # cuBLAS needs a fixed workspace to be deterministic; it reads this before its first call.
    os.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", ":4096:8")
    torch.use_deterministic_algorithms(True)
    torch.backends.cudnn.benchmark = False
    try:
        yield
    finally:
        torch.use_deterministic_algorithms(before, warn_only=warn_only)
        torch.backends.cudnn.benchmark = benchmark
