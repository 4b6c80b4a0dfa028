"""Choosing where to compute (a named device, or the best one available) and the numeric path a
run takes there (torch is imported on use)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from ..errors import ApparelError
from .precision import autocasts_bf16

if TYPE_CHECKING:
    import torch

    from .recipes import Recipe

__all__ = ["DEVICES", "PRECISIONS", "NumericPath", "pick_device", "numeric_path"]

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
    bfloat16 autocast where the recipe asks for it and the policy allows it
    (:func:`~apparel_lib.training.precision.autocasts_bf16`), else float32."""
    import torch

    chosen = pick_device(device)
    precision = PRECISIONS[1] if autocasts_bf16(recipe, chosen) else PRECISIONS[0]
    return NumericPath(precision, chosen.type, torch.__version__)
