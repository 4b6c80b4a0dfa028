"""Choosing where to compute: a named device, or the best one available (torch is imported on use)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..errors import ApparelError

if TYPE_CHECKING:
    import torch

__all__ = ["DEVICES", "pick_device", "native_bf16"]

DEVICES: tuple[str, ...] = ("auto", "cpu", "cuda", "mps")
"""What ``--device`` accepts (``cuda:1`` picks one GPU of several)."""


def pick_device(device: str | torch.device | None = None) -> torch.device:
    """``device`` if given (and present), else the best available: cuda, then mps, then cpu."""
    import torch

    if device is not None and str(device) != "auto":
        try:
            chosen = torch.device(device)
        except RuntimeError as err:
            raise ApparelError(f"unknown device {device!r}: use auto, cpu, cuda or mps ({err})") from None
        if chosen.type == "cuda" and not torch.cuda.is_available():
            raise ApparelError(f"device {device!r} asked for, but no CUDA GPU is available: use --device cpu")
        if chosen.type == "mps" and not torch.backends.mps.is_available():
            raise ApparelError(f"device {device!r} asked for, but Apple MPS is not available: use --device cpu")
        return chosen
    if torch.cuda.is_available():
        return torch.device("cuda")
    if torch.backends.mps.is_available():
        return torch.device("mps")
    return torch.device("cpu")


def native_bf16(device: torch.device) -> bool:
    """Whether ``device`` computes bfloat16 in hardware: a CUDA GPU that says so, or a CPU with AVX512-BF16 or AMX."""
    import torch

    if device.type == "cuda":
        return torch.cuda.is_bf16_supported()
    if device.type == "cpu":
        cpu = torch.cpu
        checks = ("_is_avx512_bf16_supported", "_is_amx_tile_supported")
        return any(getattr(cpu, name, lambda: False)() for name in checks)
    return False
