"""Submissions: written in the sample format, atomically; scored locally; malformed ones refused."""

import numpy as np
import pytest

from apparel_lib.errors import SubmissionError
from apparel_lib.practice.submission import read_submission, score_submission, submission_ids, write_submission

TRUTH = np.array([9, 2, 1, 1, 6, 1, 4, 6, 5, 7])


def _write(path, text):
    path.write_text(text)
    return path


def test_write_then_score(tmp_path):
    ids = submission_ids(10)
    path = write_submission(tmp_path / "s.csv", ids, TRUTH)
    lines = path.read_text().splitlines()
    assert lines[0] == "id,label" and lines[1] == "60001,9" and len(lines) == 11
    assert score_submission(path, TRUTH) == 1.0
    wrong = TRUTH.copy()
    wrong[:3] = 0
    assert score_submission(write_submission(path, ids, wrong), TRUTH) == pytest.approx(0.7)


def test_rows_in_any_order_score_by_id(tmp_path):
    ids = submission_ids(10)[::-1]
    path = write_submission(tmp_path / "s.csv", ids, TRUTH[::-1])
    assert score_submission(path, TRUTH) == 1.0


def test_real_test_labels_are_scored(tmp_path, data):
    path = write_submission(tmp_path / "s.csv", submission_ids(), data.test_labels)
    assert score_submission(path, data.test_labels) == 1.0
    assert score_submission(write_submission(path, submission_ids(), np.zeros(10_000, int)), data.test_labels) == 0.1


@pytest.mark.parametrize(
    "text,message",
    [
        ("id,class\n" + "".join(f"{60001 + i},0\n" for i in range(10)), "has columns id,class"),
        ("id,label,extra\n", "has columns id,label,extra"),
        ("id,label\n60001,0\n", "has 1 rows"),
        ("id,label\n" + "".join(f"{60001 + i},0\n" for i in range(9)) + "60001,0\n", "id 60001 appears more than once"),
        ("id,label\n" + "".join(f"{60001 + i},0\n" for i in range(9)) + "5,0\n", "id 5 is not a test id"),
        ("id,label\n" + "".join(f"{60001 + i},0\n" for i in range(9)) + "60010,10\n", "label 10 is outside 0-9"),
        ("id,label\n" + "".join(f"{60001 + i},0\n" for i in range(9)) + "60010,-1\n", "label -1 is outside 0-9"),
        ("id,label\n" + "".join(f"{60001 + i},0\n" for i in range(9)) + "60010,shirt\n", "label 'shirt' on row 11"),
        ("", "not a readable CSV"),
    ],
)
def test_malformed_submissions(tmp_path, text, message):
    path = _write(tmp_path / "bad.csv", text)
    with pytest.raises(SubmissionError, match=message) as err:
        read_submission(path, submission_ids(10))
    assert "\n" not in str(err.value)


def test_missing_submission(tmp_path):
    with pytest.raises(SubmissionError, match="not found"):
        score_submission(tmp_path / "nope.csv", TRUTH)


def test_bad_write_keeps_the_old_file(tmp_path):
    path = write_submission(tmp_path / "s.csv", submission_ids(10), TRUTH)
    before = path.read_bytes()
    with pytest.raises(SubmissionError):
        write_submission(path, submission_ids(10), TRUTH[:5])
    assert path.read_bytes() == before
