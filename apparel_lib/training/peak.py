"""The machine's peak: how fast its threads multiply large matrices, in each precision the
library trains in, and how much of that a training run achieves ("model FLOPs utilisation").

A training run's FLOPs (:mod:`~apparel_lib.training.flops`) over its seconds is the arithmetic
rate it achieved. The peak it is measured against is a large square matrix product
(``torch.matmul``), the most arithmetic-dense work a processor does: timed after a warm-up, the
best of a few, on the threads torch trains with, in float32 and under bfloat16 autocast, the
two numeric paths of :data:`~apparel_lib.training.devices.PRECISIONS`. On a processor without
native bfloat16 the bfloat16 peak is measured too, but the library trains in float32 there:
compare a run with the peak of the precision it used.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import torch

from ..errors import ApparelError
from .devices import PRECISIONS

__all__ = ["PEAK_SIZE", "PLATEAU_SECONDS", "Peak", "measure_peak", "machine_peaks", "utilisation"]

PEAK_SIZE = 2048
"""The largest side of the square matrices multiplied: large enough for the rate to reach its plateau."""

PLATEAU_SECONDS = 0.25
"""A product that takes this long is large enough: the side stops doubling there (a processor
without native bfloat16 computes it so slowly that a product of :data:`PEAK_SIZE` takes minutes)."""

_SMALLEST = 256


@dataclass(frozen=True)
class Peak:
    """One precision's peak: the best ``seconds`` of one ``size`` x ``size`` matrix product on
    ``threads`` threads."""

    precision: str
    size: int
    threads: int
    seconds: float

    @property
    def flops(self) -> float:
        """The product's operations: a multiply-add is 2, so ``2 n^3``."""
        return 2.0 * self.size**3

    @property
    def rate(self) -> float:
        """FLOP per second."""
        return self.flops / self.seconds

    def __str__(self) -> str:
        """E.g. ``float32: 120.5 GFLOP/s (2048x2048 matrix product, 2 threads)``."""
        return (f"{self.precision.replace('-', ' ')}: {self.rate / 1e9:.1f} GFLOP/s "
                f"({self.size}x{self.size} matrix product, {self.threads} threads)")


def measure_peak(precision: str = "float32", *, size: int = PEAK_SIZE, repeats: int = 3, warmup: int = 1) -> Peak:
    """The rate of products of two square float32 matrices on the CPU, in ``precision`` (one of
    :data:`~apparel_lib.training.devices.PRECISIONS`: float32, or under bfloat16 autocast as
    training computes): the side doubles from 256 until one product takes
    :data:`PLATEAU_SECONDS` or the side reaches ``size``; at that side, the best of ``repeats``
    timed products after ``warmup`` untimed ones."""
    if precision not in PRECISIONS:
        raise ApparelError(f"unknown precision {precision!r}: use {' or '.join(PRECISIONS)}")
    if size < 1 or repeats < 1 or warmup < 0:
        raise ApparelError(f"a peak needs size and repeats of at least 1: got size={size}, repeats={repeats}, warmup={warmup}")
    side = min(size, _SMALLEST)
    while side < size and _product_seconds(precision, side) < PLATEAU_SECONDS:
        side = min(size, 2 * side)
    for _ in range(warmup):
        _product_seconds(precision, side)
    best = min(_product_seconds(precision, side) for _ in range(repeats))
    return Peak(precision, side, torch.get_num_threads(), best)


def _product_seconds(precision: str, side: int) -> float:
    """Seconds of one ``side`` x ``side`` matrix product in ``precision``."""
    generator = torch.Generator().manual_seed(0)
    a, b = (torch.rand(side, side, generator=generator) for _ in range(2))
    with torch.no_grad(), torch.autocast("cpu", dtype=torch.bfloat16, enabled=precision != "float32"):
        start = time.perf_counter()
        torch.matmul(a, b)
        return time.perf_counter() - start


def machine_peaks(*, size: int = PEAK_SIZE, repeats: int = 3) -> dict[str, Peak]:
    """The peak of every precision the library trains in, by precision name."""
    return {precision: measure_peak(precision, size=size, repeats=repeats) for precision in PRECISIONS}


def utilisation(flops: float, seconds: float, peak: Peak) -> float:
    """The fraction of ``peak`` that ``flops`` operations done in ``seconds`` achieve."""
    if seconds <= 0 or flops < 0:
        raise ApparelError(f"utilisation needs positive seconds and FLOPs: got {flops} FLOPs in {seconds} s")
    return flops / seconds / peak.rate
