"""Choosing where to compute (a named device, or the best one available), the bfloat16 policy there
(:func:`autocasts_bf16`: the one test the loop, the timing and the bench use) and the numeric path
a run takes (torch is imported on use)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from ..errors import ApparelError
from ..settings import BF16, BF16_SETTINGS, bf16_setting
from . import precision

if TYPE_CHECKING:
    import torch

    from .recipes import Recipe

__all__ = ["DEVICES", "BF16_SWITCH", "BF16_SETTINGS", "PRECISIONS", "NumericPath", "pick_device", "native_bf16", "use_bf16", "autocasts_bf16", "numeric_path"]

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


BF16_SWITCH = BF16
"""The environment variable that decides bfloat16 autocast, read by :func:`apparel_lib.settings.bf16_setting`:
``auto`` (the default) where the device computes bfloat16 natively and, on a CPU, where it
measurably trains faster (:mod:`~apparel_lib.training.precision`); ``on`` wherever the device
computes it natively; ``off`` nowhere, which computes what a processor without native bfloat16
computes (float32 throughout): an older laptop's numbers, on any machine."""


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


def use_bf16(device: torch.device) -> bool:
    """Whether a recipe that asks for bfloat16 autocast gets it on ``device`` (see :data:`BF16_SWITCH`)."""
    setting = bf16_setting()
    if setting == "off" or not native_bf16(device):
        return False
    if setting == "on" or device.type != "cpu":
        return True
    return precision.bf16_verdict().pays


def autocasts_bf16(recipe: Recipe, device: torch.device) -> bool:
    """Whether training ``recipe`` on ``device`` runs under bfloat16 autocast: where the recipe
    asks for it and :func:`use_bf16` allows it."""
    return recipe.autocast_bf16 and use_bf16(device)


PRECISIONS: tuple[str, ...] = ("float32", "bfloat16-autocast")
"""How a run's training forward pass computes: float32 throughout, or under bfloat16 autocast."""


@dataclass(frozen=True)
class NumericPath:
    """How a run's numbers are computed: its ``precision`` (one of :data:`PRECISIONS`), the
    ``device_type`` (``cpu``, ``cuda`` or ``mps``) and torch's version. The same spec on another
    path rounds differently, so the results store keeps one result per path."""

    precision: str
    device_type: str
    torch_version: str

    def __post_init__(self) -> None:
        if self.precision not in PRECISIONS:
            raise ApparelError(f"unknown precision {self.precision!r}: use {' or '.join(PRECISIONS)}")

    def __str__(self) -> str:
        """E.g. ``bfloat16 autocast, cpu, torch 2.13.0``."""
        return f"{self.precision.replace('-', ' ')}, {self.device_type}, torch {self.torch_version}"

    def short(self) -> str:
        """E.g. ``bf16 cuda`` (for a narrow listing)."""
        return f"{'bf16' if self.precision == 'bfloat16-autocast' else 'fp32'} {self.device_type}"

    def to_dict(self) -> dict[str, str]:
        return asdict(self)

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> NumericPath:
        return cls(precision=str(values["precision"]), device_type=str(values["device_type"]), torch_version=str(values["torch_version"]))


def numeric_path(recipe: Recipe, device: str | torch.device | None = None) -> NumericPath:
    """The numeric path of training ``recipe`` on ``device`` (picked as :func:`pick_device` does):
    bfloat16 autocast where the recipe asks for it and :func:`use_bf16` allows it, else float32."""
    import torch

    chosen = pick_device(device)
    precision = PRECISIONS[1] if autocasts_bf16(recipe, chosen) else PRECISIONS[0]
    return NumericPath(precision, chosen.type, torch.__version__)
