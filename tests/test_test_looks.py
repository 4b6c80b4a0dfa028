"""The test-set log: every look at the test set is a record, a second look is the recorded score
(whatever a store holds), the log is read-only under the tests, the shipped ledger carries only the
test scores its plans ask for, and the book's appendix table."""

from __future__ import annotations

import dataclasses
import json
import sys
import warnings
from pathlib import Path

import pytest

from apparel_lib.errors import StoreError
from apparel_lib.runs import holdout as holdout_module
from apparel_lib.runs.holdout import score_test
from apparel_lib.runs.ledger import Ledger
from apparel_lib.runs.looks import FIELDS, LOG_NAME, READ_ONLY, LookLog, default_log, ledger_key, look_note, read_only
from apparel_lib.runs.store import RunStore
from apparel_lib.training.evaluate import accuracy
from tests.helpers import one_line, small_spec

ROOT = Path(__file__).resolve().parents[1]
SHIPPED_LOG = ROOT / "ledger" / LOG_NAME
sys.path.insert(0, str(ROOT / "book" / "_ext"))

import looks_table as directive  # noqa: E402  (book/_ext)


@pytest.fixture
def counted(monkeypatch):
    """Every time the test set meets a model, counted."""
    calls = []

    def counting(model, x, y, **options):
        calls.append(len(x))
        return accuracy(model, x, y, **options)

    monkeypatch.setattr(holdout_module, "accuracy", counting)
    return calls


@pytest.fixture
def unscored(data, tmp_path_factory):
    """The tiny run, trained through a store of its own, its test set not scored."""
    store = RunStore(tmp_path_factory.mktemp("store"))
    return store.get_or_run(small_spec(), data=data, progress=False, ledger=False)


@pytest.fixture
def writable(monkeypatch):
    """Logs may be appended to, as outside the tests (the root conftest.py makes them read-only)."""
    monkeypatch.delenv(READ_ONLY, raising=False)


@pytest.fixture
def ledger_dir(tmp_path, monkeypatch, writable):
    folder = tmp_path / "ledger"
    folder.mkdir()
    monkeypatch.setenv("APPAREL_LEDGER", str(folder))
    return folder


def test_score_test_writes_one_record_per_look(data, unscored, ledger_dir, counted):
    scored = score_test(unscored, data=data, why="a test's own look")
    lines = (ledger_dir / LOG_NAME).read_text(encoding="utf-8").splitlines()
    assert len(lines) == 1 and counted == [len(data.test_labels)]
    record = json.loads(lines[0])
    assert set(FIELDS) <= record.keys()
    assert record["test_acc"] == scored.test_acc and record["why"] == "a test's own look"
    assert record["what"] == unscored.spec.describe() and record["entered"] == "by score_test"
    assert record["ledger_key"] == Ledger.key(unscored.spec, unscored.fingerprint) and record["store_key"] == unscored.key
    assert record["date"].startswith("20") and "T" in record["date"]
    assert record["commit"] is None or len(record["commit"].split("+")[0]) == 40  # the full hash where there is one


def test_a_second_look_returns_the_recorded_score_without_scoring(data, unscored, ledger_dir, counted):
    first = score_test(unscored, data=data)
    # The same specification again, its model out of reach: only the log can answer.
    again = dataclasses.replace(unscored, model=None, checkpoint=None)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # nothing on stderr for nbval to compare
        second = score_test(again, data=data)
    assert second.test_acc == first.test_acc and counted == [len(data.test_labels)]
    assert len((ledger_dir / LOG_NAME).read_text(encoding="utf-8").splitlines()) == 1, "a second look was logged"


def test_the_log_decides_whatever_the_store_holds(data, unscored, ledger_dir, counted):
    log = LookLog(ledger_dir / LOG_NAME)
    record = {name: None for name in FIELDS} | {"what": "a run", "ledger_key": ledger_key(unscored),
                                                 "test_acc": 0.5, "date": "2026-01-02", "entered": "by hand"}
    log.append(record)
    # A warm store (the result scored already, differently) and an empty one give the same answer.
    warm = score_test(dataclasses.replace(unscored, test_acc=0.9), data=data)
    cold = score_test(unscored, data=data)
    assert warm.test_acc == cold.test_acc == 0.5 and counted == []
    assert look_note(warm) == look_note(cold)
    log.append(record | {"test_acc": 0.6, "date": "2026-01-03"})  # a later look (a remade entry) stands
    assert score_test(unscored, data=data).test_acc == 0.6 and len(log.records()) == 2


def test_a_scored_result_the_log_lacks_is_logged_not_scored(data, unscored, ledger_dir, counted):
    held = dataclasses.replace(unscored, test_acc=0.75)  # a store's score from before the log
    assert score_test(held, data=data, why="found in a store") is held and counted == []
    [record] = LookLog(ledger_dir / LOG_NAME).records()
    assert record["test_acc"] == 0.75 and record["why"] == "found in a store"


def test_the_tests_run_with_the_log_read_only():
    assert read_only(), f"the root conftest.py does not set {READ_ONLY}"


def test_an_unrecorded_look_fails_while_the_log_is_read_only(data, unscored, tmp_path, monkeypatch, counted):
    monkeypatch.setenv(READ_ONLY, "1")
    log = LookLog(tmp_path / LOG_NAME)
    with pytest.raises(StoreError) as err:
        score_test(unscored, data=data, log=log)
    one_line(err, unscored.spec.describe(), "read-only", "make execute")
    assert not log.path.exists() and counted == [], "looked or logged although read-only"
    with pytest.raises(StoreError, match="read-only"):  # a score a store holds is not logged either
        score_test(dataclasses.replace(unscored, test_acc=0.75), data=data, log=log)
    assert not log.path.exists()
    monkeypatch.delenv(READ_ONLY)  # planted fault: outside the tests, the first look appends one line
    first = score_test(unscored, data=data, log=log)
    assert log.path.read_bytes().count(b"\n") == 1 and counted == [len(data.test_labels)]
    monkeypatch.setenv(READ_ONLY, "1")  # a recorded look is read, read-only or not
    assert score_test(dataclasses.replace(unscored, model=None, checkpoint=None), data=data, log=log).test_acc == first.test_acc
    assert log.path.read_bytes().count(b"\n") == 1 and len(counted) == 1


def test_the_note_says_when_a_look_was_first_recorded(data, unscored, tmp_path):
    log = LookLog(tmp_path / LOG_NAME)
    with pytest.raises(StoreError, match="no look at"):
        look_note(unscored, log=log)
    base = {name: None for name in FIELDS} | {"what": "a run", "ledger_key": ledger_key(unscored), "entered": "by hand"}
    (tmp_path / LOG_NAME).write_text("".join(json.dumps(base | r) + "\n" for r in (
        {"test_acc": 0.5, "date": "2026-01-02T10:00:00+00:00", "commit": "a" * 40 + "+changes"},
        {"test_acc": 0.6, "date": "2026-01-05", "commit": "b" * 40})), encoding="utf-8")
    note = look_note(unscored, log=log)
    assert note == "first scored on 2026-01-02 at commit aaaaaaaaaaaa+changes; 2 looks recorded; see the test-set log."
    assert look_note(unscored, unscored, log=log).startswith("the 2 runs first scored on 2026-01-02")


def test_nothing_is_written_with_the_ledger_off(data, unscored, tmp_path, monkeypatch, counted, writable):
    # A project whose pyproject names a ledger, switched off: the switch wins.
    (tmp_path / "ledger").mkdir()
    (tmp_path / "pyproject.toml").write_text('[tool.apparel_lib]\nledger = "ledger"\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("APPAREL_LEDGER", "off")
    assert default_log() is None
    score_test(unscored, data=data)
    assert counted == [len(data.test_labels)] and not list((tmp_path / "ledger").iterdir())
    monkeypatch.delenv("APPAREL_LEDGER")  # planted fault: the same call with the project's ledger writes
    score_test(dataclasses.replace(unscored, test_acc=None), data=data)
    assert (tmp_path / "ledger" / LOG_NAME).is_file()


@pytest.mark.parametrize("damage", ["{not json\n", '{"what": "a run"}\n', "[1, 2]\n"])
def test_a_malformed_log_is_a_one_line_error(data, unscored, ledger_dir, counted, damage):
    (ledger_dir / LOG_NAME).write_text(damage, encoding="utf-8")
    with pytest.raises(StoreError) as err:
        score_test(unscored, data=data)
    one_line(err, LOG_NAME, "line 1", "restore the file with git")
    assert counted == [], "scored although the log could not be read"


def test_a_record_is_appended_whole_or_not_at_all(tmp_path, writable):
    log = LookLog(tmp_path / LOG_NAME)
    with pytest.raises(StoreError, match="needs"):
        log.append({"what": "half a record"})
    assert not log.path.exists()
    record = {name: None for name in FIELDS} | {"what": "a run", "ledger_key": "k", "test_acc": 0.9}
    log.append(record)
    log.append(record | {"test_acc": 0.8})
    assert [r["test_acc"] for r in log.records()] == [0.9, 0.8] and log.find("k")["test_acc"] == 0.8
    assert log.path.read_bytes().count(b"\n") == 2 and log.path.read_bytes().endswith(b"\n")


# --- the shipped log and ledger ------------------------------------------------------------------

def shipped_scores(root: Path) -> dict[str, float]:
    """Every ledger entry's test score, by key."""
    out = {}
    for path in sorted((root / "runs").glob("*.json")):
        score = json.loads(path.read_text(encoding="utf-8"))["result"].get("test_acc")
        if score is not None:
            out[path.stem] = score
    return out


def unlogged(scores: dict[str, float], log: LookLog) -> list[str]:
    """The entries whose test score the log does not hold."""
    looks = {r["ledger_key"]: r["test_acc"] for r in log.records() if r["ledger_key"]}
    return [key for key, score in scores.items() if looks.get(key) != score]


def test_every_shipped_test_score_is_in_the_log():
    log = LookLog(SHIPPED_LOG)
    records = log.records()
    assert records and all(r["entered"] in ("by hand", "by score_test") for r in records)
    assert all(r.get("source") for r in records if r["entered"] == "by hand"), "a hand-entered look without its source"
    scores = shipped_scores(ROOT / "ledger")
    assert scores and not unlogged(scores, log)
    assert unlogged({**scores, "0" * 16: 0.5}, log) == ["0" * 16]  # the check can fail


def unasked(root: Path, planned: set[str]) -> list[str]:
    """Entries carrying a test score that no chapter's plan asks for."""
    return [key for key in shipped_scores(root) if key not in planned]


def test_ledger_entries_carry_only_the_test_scores_their_plans_ask_for():
    from apparel_lib.book_plans.chapters import chapter_plan
    from apparel_lib.settings import project_ledger

    ledger = Ledger(project_ledger(ROOT))
    fingerprints = {json.loads(p.read_text(encoding="utf-8"))["result"]["fingerprint"] for p in (ledger.root / "runs").glob("*.json")}
    planned = {Ledger.key(run.spec, f) for run in chapter_plan() if run.test for f in fingerprints}
    assert not unasked(ledger.root, planned)
    assert unasked(ledger.root, planned - {next(iter(sorted(shipped_scores(ledger.root))))}), "the check cannot fail"


def test_the_log_key_is_the_ledger_key(unscored):
    assert ledger_key(unscored) == Ledger.key(unscored.spec, unscored.fingerprint)


# --- the appendix table ---------------------------------------------------------------------------

def test_the_appendix_table_has_a_row_per_look():
    looks = directive.read_looks(SHIPPED_LOG)
    assert len(looks) == len(LookLog(SHIPPED_LOG).records())
    row = directive.look_row(1, looks[0])
    assert len(row) == len(directive.COLUMNS) and row[0] == "1" and row[3].endswith("%")
    hand = next(r for r in looks if r["commit"] is None)
    assert directive.look_row(2, hand)[5] == "not known"


def test_a_malformed_log_stops_the_book_build(tmp_path):
    from sphinx.errors import ExtensionError

    (tmp_path / LOG_NAME).write_text('{"what": "x"}\n', encoding="utf-8")
    with pytest.raises(ExtensionError, match="line 1 is not a test-set look"):
        directive.read_looks(tmp_path / LOG_NAME)
    assert directive.read_looks(tmp_path / "none.jsonl") == []


# --- results make -----------------------------------------------------------------------------------

@pytest.mark.parametrize("asked", [False, True])
def test_results_make_writes_a_test_score_only_where_the_plan_asks(data, tmp_path, monkeypatch, counted, asked, writable):
    from apparel_lib.book_plans import make as make_module
    from apparel_lib.book_plans.chapters import PlannedRun

    monkeypatch.setenv("APPAREL_LEDGER", "off")
    store = RunStore(tmp_path / "store")
    held = score_test(store.get_or_run(small_spec(), data=data, progress=False, ledger=False), data=data)
    assert held.test_acc is not None and counted == [len(data.test_labels)]  # the store holds a score
    monkeypatch.setattr(make_module, "chapter_plan", lambda chapters: [PlannedRun(small_spec(), 4, test=asked)])
    ledger = Ledger(tmp_path / "ledger")
    [entry] = make_module.make_ledger([4], ledger=ledger, store=store, data=data)
    assert (entry.result.test_acc is not None) == asked
    assert (entry.result.test_acc == held.test_acc) if asked else entry.result.test_acc_train_mode is None


def test_a_look_in_a_notebook_says_which(data, unscored, ledger_dir, monkeypatch):
    monkeypatch.setenv("JPY_SESSION_NAME", "notebooks/06_does_it_use_space.ipynb")  # as JupyterLab and make execute set it
    score_test(unscored, data=data)
    assert LookLog(ledger_dir / LOG_NAME).records()[0]["why"] == "the marked test cell of 06_does_it_use_space.ipynb"
