"""What the parts share: the data (shrunk in quick mode) and running two sides in turns."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from apparel_lib.data.dataset import FashionMNIST, load_data

from ..measure import Sample, measure

__all__ = ["bench_data", "alternate"]

QUICK_TRAIN, QUICK_TEST = 600, 100
"""Pictures kept in quick mode: enough to run every step, too few to measure anything."""


def bench_data(quick: bool) -> FashionMNIST:
    """The real data; in quick mode its first ``QUICK_TRAIN`` training and ``QUICK_TEST`` test pictures."""
    data = load_data(progress=False)
    if not quick:
        return data
    return FashionMNIST(data.train_images[:QUICK_TRAIN], data.train_labels[:QUICK_TRAIN], data.test_images[:QUICK_TEST],
                        data.test_labels[:QUICK_TEST], data.source, data.fingerprint)


def alternate(repeat: int, ours: Callable[[], Any], theirs: Callable[[], Any] | None = None) -> Iterator[tuple[str, Any, Sample]]:
    """Run both sides ``repeat`` times, alternating, theirs first."""
    for _ in range(repeat):
        for side, fn in (("theirs", theirs), ("ours", ours)):
            if fn is not None:
                result, sample = measure(fn)
                yield side, result, sample
