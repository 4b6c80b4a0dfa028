"""``apparel results verify --study N`` and ``--speedrun-attempt NAME``: the shipped results that are
not ledger entries (chapter 10's study journal, chapter 11's speedrun record) retrained and compared."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from pathlib import Path

import pytest

from apparel_lib.book_plans import recheck as recheck_module
from apparel_lib.book_plans.recheck import STUDY_TOLERANCE, completed_trials, recheck_attempt, recheck_study
from apparel_lib.book_plans.study import SPACE, SUBSET
from apparel_lib.cli import main
from apparel_lib.errors import StoreError
from apparel_lib.runs.runner import train_spec
from tests.helpers import hand_result, one_line, small_spec

ROOT = Path(__file__).resolve().parents[1]
JOURNAL = ROOT / "ledger" / "studies" / "chapter10.journal"
RECORD = ROOT / "notebooks" / "records" / "speedrun_attempts.json"


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _replaying(by: float = 0.0):
    """A trainer that 'retrains' a trial by looking up its journal value (moved ``by``), and counts."""
    values = {SPACE.spec(t.params, subset=SUBSET, seed=0).describe(): t.value for t in completed_trials(JOURNAL)}
    seen = []

    def train(spec):
        seen.append(spec)
        return dataclasses.replace(hand_result(), val_acc=values[spec.describe()] + by)

    return train, seen


def test_the_study_check_compares_trials_and_never_writes_the_journal():
    before = _digest(JOURNAL)
    train, seen = _replaying()
    recheck = recheck_study(2, journal=JOURNAL, seed=4, train=train)
    assert recheck.ok and len(recheck.checks) == 2 == len(seen)
    assert all(spec.data.train_subset == SUBSET and spec.seed == 0 for spec in seen)
    trials = completed_trials(JOURNAL)
    assert recheck.full_seconds == pytest.approx(sum(t.user_attrs["seconds"] for t in trials)) and recheck.full_seconds > 0
    assert _digest(JOURNAL) == before, "the shipped journal was written"
    train, _ = _replaying(by=-2 * STUDY_TOLERANCE)  # planted fault: every trial moved beyond the tolerance
    moved = recheck_study(2, journal=JOURNAL, seed=4, train=train)
    assert not moved.ok and all(check.key.startswith("trial ") for check in moved.checks)


def test_results_verify_study_reports_the_full_check_and_fails_on_a_moved_trial(monkeypatch, capsys):
    train, _ = _replaying()
    monkeypatch.setattr(recheck_module, "_trainer", lambda data, device: train)
    assert main(["results", "verify", "--study", "2", "--seed", "1"]) == 0
    out = capsys.readouterr().out
    assert out.count("\nok  trial ") + out.startswith("ok  trial ") == 2
    assert "2 of 2 reproduced within tolerance" in out and "the full check would take about" in out
    moved, _ = _replaying(by=0.05)
    monkeypatch.setattr(recheck_module, "_trainer", lambda data, device: moved)
    assert main(["results", "verify", "--study", "1", "--seed", "1"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "did not reproduce" in err and "trial " in err


@pytest.mark.slow
def test_real_study_trials_retrain_as_the_journal_says():
    """Two trials of the shipped study, trained again here (a few seconds each in the journal; up to a minute on busy cores)."""
    recheck = recheck_study(2, journal=JOURNAL, seed=1)
    assert recheck.ok, "; ".join(str(c) for c in recheck.checks)


def test_a_missing_journal_is_a_one_line_error(tmp_path):
    with pytest.raises(StoreError) as err:
        recheck_study(1, journal=tmp_path / "none.journal")
    one_line(err, "no study journal", "results make --chapter 10")


@pytest.fixture
def tiny_record(data, tmp_path):
    """A speedrun record of one tiny attempt, trained here."""
    spec = small_spec()
    result = train_spec(spec, data=data, progress=False)
    path = tmp_path / "attempts.json"
    attempt = {"name": "tiny", "why": "a test", "spec": spec.to_dict(), "val_acc": result.val_acc, "seconds": 3.0}
    path.write_text(json.dumps({"attempts": [attempt, {**attempt, "name": "other", "seconds": 4.0}]}), encoding="utf-8")
    return path


def test_a_speedrun_attempt_retrains_from_its_spec(data, tiny_record):
    recheck = recheck_attempt("tiny", tiny_record, data=data)
    assert recheck.ok and recheck.full_seconds == 7.0 and recheck.checks[0].key == "tiny"
    values = json.loads(tiny_record.read_text(encoding="utf-8"))
    values["attempts"][0]["val_acc"] -= 0.05  # planted fault: a recorded accuracy five points off
    tiny_record.write_text(json.dumps(values), encoding="utf-8")
    assert not recheck_attempt("tiny", tiny_record, data=data).ok


def test_results_verify_speedrun_attempt_on_the_command_line(data_in_env, tiny_record, capsys):
    assert main(["results", "verify", "--speedrun-attempt", "tiny", "--speedrun-record", str(tiny_record), "--device", "cpu"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("ok  tiny  record") and "about 0.1 minutes of training" in out
    assert main(["results", "verify", "--speedrun-attempt", "nope", "--speedrun-record", str(tiny_record)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no attempt 'nope'" in err and "'tiny'" in err


@pytest.mark.parametrize("text", ["not json", '{"attempts": [{"name": "x"}]}', "[]"])
def test_a_malformed_speedrun_record_is_a_one_line_error(tmp_path, text):
    path = tmp_path / "attempts.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(StoreError) as err:
        recheck_attempt("x", path)
    one_line(err, "is not a speedrun record", "benchmarks.speedrun_attempts")


def test_the_shipped_speedrun_record_names_every_attempt_with_a_spec():
    attempts = recheck_module.speedrun_attempts(RECORD)
    assert len(attempts) >= 10 and len({a["name"] for a in attempts}) == len(attempts)
