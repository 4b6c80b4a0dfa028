"""Submission files in the practice problem's format (``id,label``), written and scored locally.

The online solution checker of the original problem is played by the library: it keeps the true
test labels (test ids 60001..70000 follow the IDX test order) and scores a submission against them.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np
import pandas as pd

from ..constants import NUM_CLASSES
from ..errors import SubmissionError
from ..files import atomic_write
from .ids import TEST_FIRST_ID, submission_ids

__all__ = ["COLUMNS", "submission_ids", "write_submission", "read_submission", "score_submission"]

COLUMNS = ("id", "label")


def write_submission(path: str | Path, ids: np.ndarray, labels: np.ndarray) -> Path:
    """Write ``id,label`` rows in the given (test.csv) order; atomically, so a good file is never half-overwritten."""
    ids, labels = np.asarray(ids), np.asarray(labels)
    if ids.shape != labels.shape or ids.ndim != 1:
        raise SubmissionError(f"ids and labels must be two equal-length lists (got {ids.shape} and {labels.shape})")
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerows(zip(ids.astype(np.int64).tolist(), labels.astype(np.int64).tolist()))
    path = Path(path)
    with atomic_write(path, "w") as f:
        f.write(buf.getvalue())
    return path


def read_submission(path: str | Path, expected_ids: np.ndarray) -> pd.DataFrame:
    """Read and validate a submission against the expected test ids; one clear error per problem."""
    path = Path(path)
    if not path.is_file():
        raise SubmissionError(f"submission {path} not found: write one with `apparel predict CKPT --out {path}`")
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as err:
        raise SubmissionError(f"{path} is not a readable CSV ({type(err).__name__}): write it with columns id,label") from None
    if tuple(frame.columns) != COLUMNS:
        raise SubmissionError(f"{path} has columns {','.join(map(str, frame.columns)) or '(none)'}: a submission needs exactly id,label")
    if len(frame) != len(expected_ids):
        raise SubmissionError(f"{path} has {len(frame)} rows: a submission needs one row per test image ({len(expected_ids)})")
    for column in COLUMNS:
        bad = frame[column][~frame[column].str.strip().str.fullmatch(r"-?\d+")]
        if len(bad):
            raise SubmissionError(f"{path}: {column} {bad.iloc[0]!r} on row {bad.index[0] + 2} is not a whole number")
    frame = frame.astype(np.int64)
    dup = frame["id"][frame["id"].duplicated()]
    if len(dup):
        raise SubmissionError(f"{path}: id {dup.iloc[0]} appears more than once: give each test id exactly one row")
    unknown = frame["id"][~frame["id"].isin(expected_ids)]
    if len(unknown):
        raise SubmissionError(f"{path}: id {unknown.iloc[0]} is not a test id ({expected_ids.min()}..{expected_ids.max()})")
    out_of_range = frame["label"][(frame["label"] < 0) | (frame["label"] >= NUM_CLASSES)]
    if len(out_of_range):
        raise SubmissionError(f"{path}: label {out_of_range.iloc[0]} is outside 0-{NUM_CLASSES - 1}: labels are class numbers 0 to {NUM_CLASSES - 1}")
    return frame


def score_submission(path: str | Path, true_labels: np.ndarray) -> float:
    """Accuracy of a submission file against the true test labels (IDX test order = ids 60001...)."""
    true_labels = np.asarray(true_labels)
    ids = submission_ids(len(true_labels))
    frame = read_submission(path, ids)
    truth = true_labels[frame["id"].to_numpy() - TEST_FIRST_ID]
    return float((frame["label"].to_numpy() == truth).mean())
