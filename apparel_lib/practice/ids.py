"""Picture ids of the practice problem: training pictures are numbered from 1, test pictures from 60001."""

from __future__ import annotations

import numpy as np

__all__ = ["TRAIN_FIRST_ID", "TEST_FIRST_ID", "submission_ids"]

TRAIN_FIRST_ID = 1
TEST_FIRST_ID = 60001


def submission_ids(count: int = 10_000) -> np.ndarray:
    """The ids a submission lists, in order: 60001, 60002, ..."""
    return np.arange(TEST_FIRST_ID, TEST_FIRST_ID + count, dtype=np.int64)
