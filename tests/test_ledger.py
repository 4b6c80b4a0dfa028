"""Early stopping, the results ledger, its verification, the test set scored once, and a scan
that keeps the chapters and the tuning code from looking at the test set more than once."""

from __future__ import annotations

import ast
import dataclasses
import datetime
import functools
import json
import random
import re
import statistics
import subprocess
from pathlib import Path
from types import SimpleNamespace

import pytest
import torch

from apparel_lib.cli import main
from apparel_lib.data.variants import DataVariant
from apparel_lib.errors import ApparelError, StoreError
from apparel_lib.runs import holdout as holdout_module
from apparel_lib.runs import store as store_module
from apparel_lib.runs.holdout import score_test
from apparel_lib.runs.ledger import MIN_TOLERANCE, Check, Ledger, default_ledger, provenance_table, spread_without, the_ledger, tolerance, trains_as_recorded, verify_ledger
from apparel_lib.runs.runner import train_spec
from apparel_lib.runs.spec import run_spec
from apparel_lib.runs.store import RunStore
from apparel_lib.settings import ledger_folder
from apparel_lib.training.devices import NumericPath
from apparel_lib.training.evaluate import accuracy, predict
from tests.helpers import hand_result, one_line, small_spec

ROOT = Path(__file__).resolve().parents[1]


def _fake(seed=0, val=0.8, seconds=2.0, model="linear", fingerprint="f00d"):
    """A result written by hand (nothing trained): enough for the ledger's bookkeeping."""
    return hand_result(model, seed=seed, val=val, seconds=seconds, fingerprint=fingerprint)


@pytest.fixture(autouse=True)
def no_book_ledger(monkeypatch):
    """The repository's ledger/ stays out of these tests unless one sets APPAREL_LEDGER itself."""
    monkeypatch.setenv("APPAREL_LEDGER", "off")


@pytest.fixture(scope="module")
def stored(data, tmp_path_factory):
    """The tiny run, trained once through a store of its own (so it has a checkpoint), outside any ledger."""
    store = RunStore(tmp_path_factory.mktemp("store"))
    return store.get_or_run(small_spec(), data=data, progress=False, ledger=False)


# --- the ledger -------------------------------------------------------------------------------

def test_put_then_get_round_trips_with_provenance(stored, tmp_path):
    ledger = Ledger(tmp_path)
    entry = ledger.put(stored, chapters=[5, 4, 5])
    got = ledger.get(stored.spec, stored.fingerprint)
    assert got == entry and got.key == Ledger.key(stored.spec, stored.fingerprint) and got.chapters == (4, 5)
    r = got.result
    assert (r.spec, r.history, r.val_acc, r.parameters, r.numeric_path) == (stored.spec, stored.history, stored.val_acc, stored.parameters, stored.numeric_path)
    assert r.key == got.key and r.checkpoint is None and r.model is None and r.test_acc is None and not got.test_scored
    p = r.provenance
    assert p["processor"] and p["threads"] >= 1 and p["torch"] == torch.__version__ and p["library"] == stored.library_version
    assert p["date"] == datetime.date.today().isoformat() and p["commit"] is None  # no repository holds tmp_path
    assert [e.key for e in ledger.entries()] == [got.key] and ledger.get(small_spec(seed=9), stored.fingerprint) is None
    table = provenance_table([r, stored])
    assert list(table["computed"]) == ["ledger", "this machine, now"] and list(table["runs"]) == [1, 1]


def _book_repository(tmp_path: Path, name: str, text: str) -> tuple[Path, str]:
    """A git repository ``tmp_path/book`` with one committed library source
    ``apparel_lib/name``, and its commit."""
    repo = tmp_path / "book"
    (repo / "apparel_lib").mkdir(parents=True)
    (repo / "apparel_lib" / name).write_text(text)
    git = ("git", "-c", "user.name=t", "-c", "user.email=t@t", "-C", str(repo))
    for args in (("init", "-q"), ("add", "."), ("commit", "-qm", "first")):
        subprocess.run([*git, *args], check=True, capture_output=True)
    return repo, subprocess.run([*git, "rev-parse", "HEAD"], check=True, capture_output=True, text=True).stdout.strip()


def test_provenance_records_the_commit_of_the_ledgers_own_repository(stored, tmp_path, monkeypatch):
    """Not the commit of wherever the library sits: the repository that holds the ledger, with
    ``+changes`` where the library's sources in it differ from that commit."""
    repo, head = _book_repository(tmp_path, "x.py", "x = 1\n")
    monkeypatch.chdir(tmp_path)  # the current folder is outside it: the ledger's folder decides
    assert Ledger(repo / "ledger").put(stored, chapters=[5]).result.provenance["commit"] == head
    (repo / "apparel_lib" / "x.py").write_text("x = 2\n")
    again = Ledger(repo / "ledger").put(dataclasses.replace(stored, seconds=stored.seconds + 1), chapters=[5])
    assert again.result.provenance["commit"] == head + "+changes"


def test_results_make_refuses_uncommitted_library_changes_and_names_them(tmp_path):
    from apparel_lib.book_plans.make import make_ledger

    repo, _ = _book_repository(tmp_path, "recipes.py", "lr = 1\n")
    (repo / "apparel_lib" / "recipes.py").write_text("lr = 2\n")
    with pytest.raises(ApparelError, match=r"uncommitted changes \(apparel_lib/recipes.py\): commit them first") as err:
        make_ledger([4], ledger=Ledger(repo / "ledger"), data=object())
    assert "\n" not in str(err.value) and not (repo / "ledger").exists()
    subprocess.run(["git", "-C", str(repo), "checkout", "-q", "--", "."], check=True)
    (repo / "apparel_lib" / "new_schedule.py").write_text("warmup = 3\n")  # a module not committed yet
    with pytest.raises(ApparelError, match=r"uncommitted changes \(apparel_lib/new_schedule.py\)"):
        make_ledger([4], ledger=Ledger(repo / "ledger"), data=object())


def test_put_again_keeps_the_provenance_of_the_same_run(stored, tmp_path):
    ledger = Ledger(tmp_path)
    first = ledger.put(stored, chapters=[5])
    path = tmp_path / "runs" / f"{first.key}.json"
    record = json.loads(path.read_text())
    record["provenance"]["date"] = "2000-01-01"  # as if made long ago
    path.write_text(json.dumps(record))
    again = ledger.put(dataclasses.replace(stored, test_acc=0.8), chapters=[5])
    assert again.result.provenance["date"] == "2000-01-01" and again.result.test_acc == 0.8 and again.test_scored


def test_the_key_is_the_spec_and_data_only():
    a = _fake()
    other_machine = dataclasses.replace(a, library_version="9.9", key="elsewhere", numeric_path=NumericPath("bfloat16-autocast", "cuda", "9.0"))
    assert Ledger.key(a.spec, a.fingerprint) == Ledger.key(other_machine.spec, other_machine.fingerprint)
    assert Ledger.key(a.spec, a.fingerprint) != Ledger.key(a.spec, "beef") != Ledger.key(_fake(seed=1).spec, "beef")
    assert a.spec.key(a.fingerprint, "1", a.numeric_path) != other_machine.spec.key(a.fingerprint, "9.9", other_machine.numeric_path)


def test_the_same_run_from_another_machine_replaces_the_entry(tmp_path):
    ledger = Ledger(tmp_path)
    a = _fake()
    ledger.put(a, chapters=[5])
    ledger.put(dataclasses.replace(a, library_version="9.9", numeric_path=NumericPath("bfloat16-autocast", "cuda", "9.0")), chapters=[5])
    [entry] = ledger.entries()
    assert entry.result.library_version == "9.9" and ledger.get(a.spec, a.fingerprint) == entry


@pytest.mark.parametrize("damage", ["bad-json", "not-an-entry", "wrong-key", "incomplete", "model-sha", "model-missing"])
def test_a_damaged_entry_is_a_one_line_store_error(stored, tmp_path, damage):
    ledger = Ledger(tmp_path)
    entry = ledger.put(stored, chapters=[7], ship_model=True)
    path, model = tmp_path / "runs" / f"{entry.key}.json", tmp_path / "models" / f"{entry.key}.pt"
    text = path.read_text()
    if damage == "bad-json":
        path.write_text(text[: len(text) // 2])
    elif damage == "not-an-entry":
        path.write_text(json.dumps({"format": "something/else"}))
    elif damage == "wrong-key":
        path.rename(tmp_path / "runs" / "0123456789abcdef.json")
        (tmp_path / "models" / f"{entry.key}.pt").rename(tmp_path / "models" / "0123456789abcdef.pt")
    elif damage == "incomplete":
        record = json.loads(text)
        del record["result"]["history"]
        path.write_text(json.dumps(record))
    elif damage == "model-sha":
        model.write_bytes(model.read_bytes() + b"tampered")
    else:
        model.unlink()
    fragment = {"bad-json": "unreadable", "not-an-entry": "not a ledger entry", "wrong-key": "holds another run",
                "incomplete": "incomplete", "model-sha": "does not match", "model-missing": "missing"}[damage]
    with pytest.raises(StoreError) as err:
        ledger.entries()
    one_line(err, fragment)
    if damage != "wrong-key":
        with pytest.raises(StoreError) as err:
            ledger.get(stored.spec, stored.fingerprint)
        one_line(err, fragment)


def test_a_shipped_model_loads_and_predicts_as_the_stored_one(stored, tmp_path):
    entry = Ledger(tmp_path).put(stored, chapters=[7], ship_model=True)
    assert entry.result.checkpoint == tmp_path / "models" / f"{entry.key}.pt"
    x = torch.rand(8, 1, 28, 28, generator=torch.Generator().manual_seed(0))
    assert torch.equal(predict(entry.result.load_model(), x), predict(stored.load_model(), x))
    with pytest.raises(StoreError) as err:
        Ledger(tmp_path).put(dataclasses.replace(stored, checkpoint=None), chapters=[7], ship_model=True)
    one_line(err, "no checkpoint to ship")


def _counting_train_spec(monkeypatch):
    calls = []

    def counted(spec, **options):
        calls.append(spec)
        return train_spec(spec, **options)

    monkeypatch.setattr(store_module, "train_spec", counted)
    return calls


def test_get_or_run_reads_the_ledger_when_the_store_lacks_the_run(stored, data, tmp_path, monkeypatch):
    ledger = Ledger(tmp_path / "ledger")
    ledger.put(stored, chapters=[5])
    calls = _counting_train_spec(monkeypatch)
    found = RunStore(tmp_path / "store").get_or_run(small_spec(), data=data, progress=False, ledger=ledger)
    assert calls == [] and found.provenance is not None and found.val_acc == stored.val_acc and found.model is None
    assert RunStore(tmp_path / "store").runs() == []  # read, not copied into the store
    trained = RunStore(tmp_path / "store").get_or_run(small_spec(), data=data, progress=False, ledger=False)
    assert calls == [small_spec()] and trained.provenance is None and trained.model is not None
    # Once the store holds the run, the store answers first.
    again = RunStore(tmp_path / "store").get_or_run(small_spec(), data=data, progress=False, ledger=ledger)
    assert calls == [small_spec()] and again.provenance is None and again.key == trained.key


def test_shipped_reads_the_ledger_even_where_the_store_holds_its_own_run(stored, data, tmp_path, monkeypatch):
    from apparel_lib.runs.store import shipped

    ledger = Ledger(tmp_path / "ledger")
    ledger.put(dataclasses.replace(stored, val_acc=0.5), chapters=[11])  # told apart from the store's run
    calls = _counting_train_spec(monkeypatch)
    own = RunStore().get_or_run(small_spec(), data=data, progress=False, ledger=False)
    trained = len(calls)  # 0 where another test stored the run first
    monkeypatch.setenv("APPAREL_LEDGER", str(tmp_path / "ledger"))
    assert RunStore().get_or_run(small_spec(), data=data, progress=False).key == own.key  # the store answers first
    book = shipped(small_spec(), data=data, progress=False)
    assert book.provenance is not None and book.val_acc == 0.5
    monkeypatch.setenv("APPAREL_LEDGER", "off")  # no ledger: the store's run, not trained again
    assert shipped(small_spec(), data=data, progress=False).key == own.key and len(calls) == trained


def test_fresh_clone_seconds_counts_unshipped_runs_and_live_runs_read_back(stored, data, tmp_path):
    from apparel_lib.runs.store import fresh_clone_seconds

    ledger = Ledger(tmp_path / "ledger")
    ledger.put(stored, chapters=[7])
    book = RunStore(tmp_path / "empty").get_or_run(small_spec(), data=data, progress=False, ledger=ledger)
    own = dataclasses.replace(stored, seconds=7.0, model=None)  # this machine's run of a ledger entry, read back
    trained = dataclasses.replace(stored, seconds=100.0)  # trained now: counted in the wall time
    unshipped = dataclasses.replace(_fake(seed=1, seconds=5.0), model=None)  # not in the ledger
    count = functools.partial(fresh_clone_seconds, data=data, ledger=ledger)
    assert count([book, own, trained]) == 0.0  # a fresh clone reads the ledger's entry
    assert count([book, own, unshipped, trained]) == 5.0
    assert count([unshipped], live=[own, trained]) == 12.0  # a live run read back: a fresh clone trains it


def test_need_model_skips_an_entry_without_a_shipped_model(stored, data, tmp_path, monkeypatch):
    ledger = Ledger(tmp_path / "ledger")
    ledger.put(stored, chapters=[5])
    calls = _counting_train_spec(monkeypatch)
    trained = RunStore(tmp_path / "a").get_or_run(small_spec(), data=data, progress=False, ledger=ledger, need_model=True)
    assert len(calls) == 1 and trained.provenance is None
    ledger.put(stored, chapters=[5], ship_model=True)
    shipped = RunStore(tmp_path / "b").get_or_run(small_spec(), data=data, progress=False, ledger=ledger, need_model=True)
    assert len(calls) == 1 and shipped.provenance is not None and shipped.checkpoint.parent == tmp_path / "ledger" / "models"


def test_apparel_ledger_chooses_the_ledger_and_off_disables_it(stored, data, tmp_path, monkeypatch):
    Ledger(tmp_path / "ledger").put(stored, chapters=[5])
    calls = _counting_train_spec(monkeypatch)
    monkeypatch.setenv("APPAREL_LEDGER", str(tmp_path / "ledger"))
    assert ledger_folder() == tmp_path / "ledger" and default_ledger().root == tmp_path / "ledger"
    found = RunStore(tmp_path / "a").get_or_run(small_spec(), data=data, progress=False)
    assert calls == [] and found.provenance is not None
    for off in ("off", "OFF", "none", "0", ""):
        monkeypatch.setenv("APPAREL_LEDGER", off)
        assert ledger_folder() is None and default_ledger() is None
    trained = RunStore(tmp_path / "b").get_or_run(small_spec(), data=data, progress=False)
    assert len(calls) == 1 and trained.provenance is None
    monkeypatch.delenv("APPAREL_LEDGER")
    assert ledger_folder() == ROOT / "ledger"  # the book's pyproject.toml names it (the tests run from the repository)


def test_the_caller_says_where_the_ledger_is_and_the_library_never_guesses(tmp_path, monkeypatch):
    """A project names its ledger in its pyproject.toml (found from the current folder up);
    elsewhere there is none, wherever the library is installed; a named folder that is missing
    is a one-line error, not an empty ledger."""
    monkeypatch.delenv("APPAREL_LEDGER", raising=False)
    project = tmp_path / "project"
    (project / "my-ledger").mkdir(parents=True)
    (project / "notebooks").mkdir()
    (project / "pyproject.toml").write_text('[tool.apparel_lib]\nledger = "my-ledger"\n')
    monkeypatch.chdir(project / "notebooks")
    assert ledger_folder() == project / "my-ledger" and default_ledger().root == project / "my-ledger"
    monkeypatch.chdir(tmp_path)
    assert ledger_folder() is None and default_ledger() is None
    monkeypatch.setenv("APPAREL_LEDGER", str(tmp_path / "missing"))
    with pytest.raises(ApparelError, match=r"APPAREL_LEDGER=.*missing: the folder .* does not exist"):
        default_ledger()
    with pytest.raises(StoreError, match="no results ledger here"):
        monkeypatch.setenv("APPAREL_LEDGER", "off")
        the_ledger()


# --- verify -----------------------------------------------------------------------------------

def _tiny_ledger(stored, folder):
    ledger = Ledger(folder)
    entry = ledger.put(stored, chapters=[5])
    return ledger, entry


def _tamper(ledger, entry, by):
    path = ledger.root / "runs" / f"{entry.key}.json"
    record = json.loads(path.read_text())
    record["result"]["val_acc"] += by
    path.write_text(json.dumps(record))


def test_verify_passes_for_the_same_code_and_fails_for_a_tampered_entry(stored, data, tmp_path):
    ledger, entry = _tiny_ledger(stored, tmp_path)
    reported = []
    [check] = verify_ledger(ledger=ledger, sample=None, data=data, report=reported.append)
    assert reported == [check] and check.key == entry.key and check.ok
    assert check.difference == pytest.approx(0, abs=MIN_TOLERANCE) and check.tolerance == MIN_TOLERANCE
    _tamper(ledger, entry, by=0.05)
    [check] = verify_ledger(ledger=ledger, sample=None, data=data)
    assert not check.ok and check.difference == pytest.approx(-0.05, abs=MIN_TOLERANCE)


def test_verify_with_nothing_to_check_is_a_one_line_error(tmp_path):
    with pytest.raises(StoreError) as err:
        Ledger(tmp_path).verify(lambda spec: None)
    one_line(err, "no ledger entries to verify")
    Ledger(tmp_path).put(_fake(seconds=50.0), chapters=[5])
    with pytest.raises(StoreError) as err:
        Ledger(tmp_path).verify(lambda spec: None, max_seconds=20)
    one_line(err, "under 20 s")


def test_the_sample_is_chosen_by_seed_and_rotates_by_date(tmp_path):
    ledger = Ledger(tmp_path)
    for seed in range(6):
        ledger.put(_fake(seed=seed, val=0.8, seconds=1.0 + seed), chapters=[5])
    ledger.put(_fake(seed=6, seconds=99.0), chapters=[5])

    def picks(**options):
        seen = []
        ledger.verify(lambda spec: seen.append(spec.seed) or SimpleNamespace(val_acc=0.8), **options)
        return seen

    assert picks(sample=3, seed=7, max_seconds=10) == picks(sample=3, seed=7, max_seconds=10)
    quick = [e for e in ledger.entries() if e.result.seconds <= 10]
    assert picks(sample=3, seed=7, max_seconds=10) == [e.result.spec.seed for e in random.Random(7).sample(quick, 3)]
    assert picks(sample=3, max_seconds=10) == picks(sample=3, seed=datetime.date.today().toordinal(), max_seconds=10)
    assert len({tuple(picks(sample=3, seed=s, max_seconds=10)) for s in range(10)}) > 1
    assert 6 not in picks(sample=None, max_seconds=10) and sorted(picks(sample=None)) == list(range(7))
    assert sorted(picks(sample=50)) == list(range(7))  # a sample larger than the ledger checks all


def test_a_sample_on_this_path_leaves_out_entries_computed_another_way(tmp_path, data):
    ledger = Ledger(tmp_path)
    for seed in range(4):
        result = _fake(seed=seed, seconds=1.0)
        if seed % 2:  # recorded in bfloat16, which the minibatch recipe never asks for
            result = dataclasses.replace(result, numeric_path=NumericPath("bfloat16-autocast", "cpu", torch.__version__))
        ledger.put(result, chapters=[5])
    assert [trains_as_recorded(e, "cpu") for e in sorted(ledger.entries(), key=lambda e: e.result.spec.seed)] == [True, False, True, False]
    seen = []
    verify_ledger(ledger=ledger, sample=None, device="cpu", data=data, same_path=True,
                  report=lambda check: seen.append(check.run.split(" · ")[2]))
    assert sorted(seen) == ["seed 0", "seed 2"]


def _family(ledger: Ledger, values: list[float]) -> None:
    for seed, val in enumerate(values):
        ledger.put(_fake(seed=seed, val=val), chapters=[4])


HONEST = [0.850, 0.853, 0.848]
"""A family's validation accuracies, three seeds about 0.3 points apart."""


def _honest_retrain(spec):
    return SimpleNamespace(val_acc=HONEST[spec.seed])


def test_verify_catches_one_falsified_entry_and_names_it(tmp_path):
    ledger = Ledger(tmp_path)
    _family(ledger, [0.850, HONEST[1] - 0.05, 0.848])  # seed 1 moved down by 5 points
    checks = ledger.verify(_honest_retrain)
    failed = [c.run for c in checks if not c.ok]
    assert len(failed) == 1 and "seed 1" in failed[0]
    # with the entry's own value in the spread, its tolerance would have covered the lie
    assert tolerance(statistics.stdev([0.850, HONEST[1] - 0.05, 0.848])) > 0.05
    assert spread_without({"a": 0.85, "b": 0.80, "c": 0.848}, "b") == pytest.approx(statistics.stdev([0.85, 0.848]))
    assert spread_without({"a": 0.85, "b": 0.80}, "b") is None


def test_verify_catches_a_whole_family_moved_together(tmp_path):
    ledger = Ledger(tmp_path)
    _family(ledger, [v - 0.05 for v in HONEST])
    assert not any(c.ok for c in ledger.verify(_honest_retrain))
    ledger = Ledger(tmp_path / "honest")
    _family(ledger, HONEST)
    assert all(c.ok for c in ledger.verify(_honest_retrain))


def test_tolerance_is_three_seed_sds_with_a_floor():
    assert MIN_TOLERANCE == 0.005
    assert tolerance(None) == 0.005 and tolerance(0.001) == 0.005 and tolerance(0.01) == pytest.approx(0.03 * 2**0.5)
    assert Check("k", "run", 0.80, 0.83, 0.03).ok and not Check("k", "run", 0.80, 0.7699, 0.03).ok


def test_verify_uses_the_spread_across_seeds(tmp_path):
    ledger = Ledger(tmp_path)
    for seed, val in enumerate([0.80, 0.81, 0.82]):
        ledger.put(_fake(seed=seed, val=val), chapters=[5])
    ledger.put(_fake(model="plain", val=0.85), chapters=[5])
    checks = ledger.verify(lambda spec: SimpleNamespace(val_acc=0.81 if spec.model == "linear" else 0.86))
    by_model = {c.run.split("(")[0]: c for c in checks if c.run.endswith("seed 0 · standard")}
    # seed 0's tolerance comes from seeds 1 and 2 alone
    assert by_model["linear"].tolerance == pytest.approx(3 * 2**0.5 * statistics.stdev([0.81, 0.82]))
    assert by_model["plain"].tolerance == MIN_TOLERANCE
    assert [c.ok for c in checks if c.run.startswith("linear")] == [True, True, True]
    assert not by_model["plain"].ok  # one point off, with no spread known: beyond half a point


# --- the test set, on request and once --------------------------------------------------------

def test_a_fresh_run_has_no_test_score(data):
    result = train_spec(small_spec(), data=data, progress=False)
    assert result.test_acc is None and result.test_acc_train_mode is None
    assert result.row()["test_acc"] != result.row()["test_acc"]  # NaN in a table


def test_score_test_scores_once_and_records_it_in_the_store(data, tmp_path, monkeypatch):
    store = RunStore(tmp_path)
    result = store.get_or_run(small_spec(), data=data, progress=False, ledger=False)
    assert result.test_acc is None
    calls = []

    def counted(model, x, y, **options):
        calls.append(len(x))
        return accuracy(model, x, y, **options)

    monkeypatch.setattr(holdout_module, "accuracy", counted)
    scored = score_test(result, data=data)
    assert calls == [len(data.test_labels)] and 0.5 < scored.test_acc < 1 and scored.val_acc == result.val_acc
    record = json.loads((tmp_path / result.key / "result.json").read_text())
    assert record["result"]["test_acc"] == scored.test_acc
    reread = store.get(result.key)
    assert reread.test_acc == scored.test_acc
    assert score_test(reread, data=data) is reread and score_test(scored, data=data) is scored
    assert store.get_or_run(small_spec(), data=data, progress=False, ledger=False).test_acc == scored.test_acc
    assert calls == [len(data.test_labels)], "the test set was scored again"


def test_score_test_of_the_tutorial_recipe_scores_training_mode_too(data, tmp_path):
    spec = run_spec("tutorial-cnn", "tutorial", options={"filters": 2}, data=DataVariant(train_subset=200), epochs=1)
    scored = score_test(RunStore(tmp_path).get_or_run(spec, data=data, progress=False, ledger=False), data=data)
    assert scored.test_acc is not None and scored.test_acc_train_mode is not None
    assert json.loads((tmp_path / scored.key / "result.json").read_text())["result"]["test_acc_train_mode"] == scored.test_acc_train_mode


def test_score_test_without_a_model_is_a_one_line_error(data):
    with pytest.raises(StoreError) as err:
        score_test(_fake(fingerprint=data.fingerprint), data=data)
    one_line(err, "cannot score the test set", "need_model=True")


# --- the command line -------------------------------------------------------------------------

def test_results_list(stored, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("APPAREL_LEDGER", str(tmp_path))
    assert main(["results", "list"]) == 0
    assert capsys.readouterr().out == f"no entries in {tmp_path}: make them with `apparel results make`\n"
    entry = Ledger(tmp_path).put(stored, chapters=[5])
    assert main(["results", "list"]) == 0
    line = capsys.readouterr().out.splitlines()[0]  # then, perhaps, a summary
    assert line.startswith(f"{entry.key}  ch 5") and f"val {stored.val_acc:.4f}" in line and "test   -" in line
    assert stored.spec.describe() in line and datetime.date.today().isoformat() in line
    monkeypatch.setenv("APPAREL_LEDGER", "off")
    assert main(["results", "list"]) == 1
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err.count("\n") == 1 and captured.err.startswith("error: no results ledger here")


def test_results_make_of_an_unplanned_chapter_is_a_one_line_error(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("APPAREL_LEDGER", str(tmp_path))
    assert main(["results", "make", "--chapter", "99"]) == 1
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err.count("\n") == 1
    assert captured.err.startswith("error: no ledger plan for chapter 99") and "planned chapters are" in captured.err
    assert list(tmp_path.iterdir()) == []


def test_results_verify_passes_then_fails_for_a_tampered_entry(stored, data_in_env, tmp_path, monkeypatch, capsys):
    ledger, entry = _tiny_ledger(stored, tmp_path)
    monkeypatch.setenv("APPAREL_LEDGER", str(tmp_path))
    assert main(["results", "verify", "--all", "--device", "cpu"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"ok  {entry.key}") and "1 of 1 entries reproduced within tolerance" in out
    _tamper(ledger, entry, by=0.05)
    assert main(["results", "verify", "--sample", "1", "--seed", "3", "--device", "cpu"]) == 1
    captured = capsys.readouterr()
    assert captured.out.startswith(f"FAIL {entry.key}") and "0 of 1 entries reproduced" in captured.out
    assert captured.err.count("\n") == 1 and captured.err.startswith("error: 1 ledger entry did not reproduce")
    assert main(["results", "verify", "--max-seconds", "0.0001"]) == 1
    assert "no ledger entries to verify" in capsys.readouterr().err


# --- the repository's own ledger --------------------------------------------------------------

QUICK_SECONDS = 20


@pytest.mark.slow
def test_the_real_ledger_reproduces_a_rotating_sample(data):
    """Two entries of the repository's ledger/ that trained in at most 20 s on the numeric path
    they would take here (a bfloat16 entry retrained where bfloat16 is not native runs several
    times slower in float32), chosen by today's date (so the suite rotates through the ledger
    day by day), retrained from scratch: each lands within its tolerance of the ledger."""
    folder = ROOT / "ledger"
    ledger = Ledger(folder)
    quick = [e for e in ledger.entries() if e.result.seconds <= QUICK_SECONDS and trains_as_recorded(e, "cpu")] if (folder / "runs").is_dir() else []
    if not quick:
        pytest.skip(f"{folder}/runs holds no entry that trained in at most {QUICK_SECONDS} s (make some with `apparel results make`)")
    assert {e.result.fingerprint for e in quick} == {data.fingerprint}, "the ledger was computed on other data"
    checks = verify_ledger(ledger=ledger, sample=2, max_seconds=QUICK_SECONDS, data=data, device="cpu", same_path=True)
    assert {c.key for c in checks} <= {e.key for e in quick}
    assert len(checks) == min(2, len(quick))
    failed = [f"{c.run}: ledger {c.ledger:.4f}, retrained {c.retrained:.4f} (tolerance {c.tolerance:.4f})" for c in checks if not c.ok]
    assert not failed, "ledger entries did not reproduce: " + "; ".join(failed)


# --- the test set, once, in the repository ----------------------------------------------------

MARKER = "# THE TEST SET, ONCE"
READS_TEST = re.compile(r"score_test\(|test_acc|x_test|y_test|test_labels|test_images")
"""What reading the test set looks like in a chapter: scoring it, its scores, its pictures, its labels."""
TOUCHES_TEST_DATA = re.compile(r"score_test\(|x_test|y_test|test_labels|test_images")
"""The same, less the scores themselves: a hidden follow-up cell may restate scores, never compute them."""

# Lines that use the test set without judging a model. Each is matched exactly (stripped), in its
# chapter only; a cell is let through when every line of it that reads the test set is listed.
ALLOWED: dict[tuple[str, str], str] = {
    ("01_apparel_data.py", 'print(f"{len(data.train_images):,} training and {len(data.test_images):,} test images, "'):
        "counts the test pictures",
    ("01_apparel_data.py", "np.array_equal(layout.test_images, test_x))"):
        "checks that the practice layout holds exactly the test pictures (the data, not a model)",
    ("01_apparel_data.py", 'print("train:", layout.train_images.shape, " test:", layout.test_images.shape)'):
        "prints the test set's shape",
    ("01_apparel_data.py", '"x_test", tuple(splits.x_test.shape))'):
        "prints the test split's shape",
    ("02_flattening.py", "image, label = data.test_images[0], data.test_labels[0]"):
        "a test picture as the example to flatten: no model is involved",
    ("02_flattening.py", "other = int(np.flatnonzero(data.test_labels == label)[1])"):
        "finds another test picture of the same class, to compare flattened rows",
    ("02_flattening.py", "rows[another] = row_similarity(image, data.test_images[other])"):
        "compares two pictures' rows: no model is involved",
    ("02_flattening.py", "flatten_explorer(data.test_images, data.test_labels)"):
        "a widget to browse pictures and their rows: no model is involved",
    ("03_plain_network.py", 'f"{len(splits.x_test):,} test images")'):
        "counts the test pictures",
    ("03_plain_network.py", "test_predictions = predict(model, splits.x_test)"):
        "predictions for the practice problem's submission file: writing them reads no label",
    ("04_tutorial_cnn.py", "test_predictions = predict(model, splits.x_test, train_mode=tutorial_way)"):
        "predictions for the practice problem's submission file: writing them reads no label",
}


@dataclasses.dataclass(frozen=True)
class Cell:
    """A chapter's code cell: its number among all cells, the line of its ``# %%``, its tags, its
    code lines (comment lines left out), and whether it carries :data:`MARKER`."""

    index: int
    line: int
    tags: tuple[str, ...]
    code: tuple[str, ...]
    marked: bool


def code_cells(text: str) -> list[Cell]:
    """The code cells of a jupytext percent-format chapter (markdown and raw cells left out)."""
    lines = text.splitlines()
    starts = [i for i, line in enumerate(lines) if line.startswith("# %%")]
    cells = []
    for n, (a, b) in enumerate(zip(starts, [*starts[1:], len(lines)])):
        header = lines[a]
        if re.match(r"# %%.*\[(markdown|md|raw)\]", header):
            continue
        found = re.search(r"tags=(\[.*\])", header)  # greedy: a row tag holds brackets of its own
        tags = tuple(json.loads(found.group(1))) if found else ()
        body = lines[a + 1:b]
        code = tuple(line for line in body if not line.strip().startswith("#"))
        marked = any(line.strip().startswith(MARKER) for line in body)
        cells.append(Cell(n, a + 1, tags, code, marked))
    return cells


def readings_outside_the_rule(name: str, text: str) -> list[str]:
    """Where the chapter ``name`` (its jupytext text) reads the test set outside the rule; [] if nowhere.

    The rule. A code cell reads the test set when its code (comments aside) mentions
    ``score_test(``, ``test_acc``, ``x_test``, ``y_test``, ``test_labels`` or ``test_images``.
    Such a cell must be one of:

    1. a marked cell, carrying the comment ``# THE TEST SET, ONCE``. A chapter shows at most one
       marked cell (the one place where the reader sees how a model does on the test set); its
       hidden (``remove-cell``) cells may carry the marker too;
    2. a hidden follow-up: a ``remove-cell`` cell after the shown marked cell that only restates
       test scores it showed (glue for the text, asserts on the claims), without touching test
       pictures or labels or calling ``score_test``;
    3. a cell whose every line that reads the test set is in :data:`ALLOWED`: the test pictures
       used as pictures (counted, shown, written into a submission file), with no model judged.

    The scan is lexical: a value taken from the test set and renamed (``test = [r.test_acc ...]``)
    is not followed into later cells, so the marked cell should be where such values are made.
    """
    problems = []
    cells = code_cells(text)
    shown = [c for c in cells if c.marked and "remove-cell" not in c.tags]
    if len(shown) > 1:
        problems.append(f"{name}: {len(shown)} shown cells are marked {MARKER!r} (lines {', '.join(str(c.line) for c in shown)}): "
                        "one per chapter (mark hidden follow-ups, tagged remove-cell, as you like)")
    first_marked = min((c.index for c in cells if c.marked), default=None)
    for cell in cells:
        reading = [line.strip() for line in cell.code if READS_TEST.search(line)]
        if not reading or cell.marked:
            continue
        follow_up = (first_marked is not None and cell.index > first_marked and "remove-cell" in cell.tags
                     and not any(TOUCHES_TEST_DATA.search(line) for line in reading))
        if follow_up or all((name, line) in ALLOWED for line in reading):
            continue
        unlisted = [line for line in reading if (name, line) not in ALLOWED]
        problems.append(f"{name}:{cell.line} (cell {cell.index}) reads the test set without {MARKER!r}: {unlisted[0]}")
    return problems


CHAPTERS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.py"))


def test_the_chapters_read_the_test_set_once():
    assert len(CHAPTERS) >= 11
    problems = [p for path in CHAPTERS for p in readings_outside_the_rule(path.name, path.read_text(encoding="utf-8"))]
    assert not problems, "\n".join(problems)


def test_every_allowed_line_is_still_in_its_chapter():
    texts = {path.name: {line.strip() for line in path.read_text(encoding="utf-8").splitlines()} for path in CHAPTERS}
    stale = [f"{name}: {line}" for name, line in ALLOWED if line not in texts.get(name, set())]
    assert not stale, "ALLOWED lists lines the chapters no longer have (remove them):\n" + "\n".join(stale)
    assert all(reason for reason in ALLOWED.values())


FAKE = '''# ---
# jupyter: whatever
# ---

# %% [markdown]
# The test accuracy, {eval}`best.test_acc`, is shown once.

# %%
result = get_or_run(spec)

# %% tags=["remove-cell"]
glue("peek", result.test_acc)

# %%
# THE TEST SET, ONCE: the final table.
scored = score_test(result)
scored.test_acc

# %% tags=["remove-cell"]
glue("final_test", scored.test_acc, display=False)

# %%
print(scored.test_acc)

# %% tags=["remove-cell"]
again = score_test(other)

# %%
print(len(data.test_images))
'''


def test_the_scan_can_fail():
    problems = readings_outside_the_rule("99_fake.py", FAKE)
    assert [p.split(" (cell")[0] for p in problems] == ["99_fake.py:11", "99_fake.py:22", "99_fake.py:25", "99_fake.py:28"], problems
    assert "glue(\"peek\"" in problems[0] and "print(scored.test_acc)" in problems[1] and "score_test(other)" in problems[2]
    unmarked = "# %%\nresult = get_or_run(spec)\nscore_test(result)\n"
    assert len(readings_outside_the_rule("99_fake.py", unmarked)) == 1
    assert readings_outside_the_rule("99_fake.py", "# %%\n" + MARKER + "\nscore_test(result)\n") == []
    assert len(readings_outside_the_rule("99_fake.py", f"# %%\n{MARKER}\nx = 1\n\n# %%\n{MARKER}\ny = 2\n")) == 1
    assert readings_outside_the_rule("99_fake.py", f"# %%\n{MARKER}\nx = 1\n\n# %% tags=[\"remove-cell\"]\n{MARKER}\ny = 2\n") == []
    # An allowed line is allowed in its own chapter only.
    line = "flatten_explorer(data.test_images, data.test_labels)"
    assert readings_outside_the_rule("02_flattening.py", f"# %%\n{line}\n") == []
    assert len(readings_outside_the_rule("99_fake.py", f"# %%\n{line}\n")) == 1


# The tuning, ablation and bench code chooses models by validation alone: it never scores the test set.
NO_TEST_SET = [ROOT / "apparel_lib" / f"{m}.py" for m in (
    "book_plans/ablation", "book_plans/study", "runs/runner", *(f"tuning/{t}" for t in ("objective", "sweep", "space", "storage", "report")))]
FORBIDDEN = re.compile(r"\b(score_test|x_test|y_test|test_acc\w*)\b")


def code_reads_test_set(source: str) -> list[str]:
    """``line: name`` for each name, attribute, keyword, import or string (docstrings aside) in the
    Python ``source`` that scores or reads the test set."""
    tree = ast.parse(source)
    docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                  if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body
                  and isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant)}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            words = [node.id]
        elif isinstance(node, ast.Attribute):
            words = [node.attr]
        elif isinstance(node, ast.keyword):
            words = [node.arg or ""]
        elif isinstance(node, ast.alias):
            words = [node.name, node.asname or ""]
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
            words = [node.value]
        else:
            continue
        found += [f"{getattr(node, 'lineno', '?')}: {m.group(1)}" for w in words for m in FORBIDDEN.finditer(w)]
    return found


def test_tuning_ablation_and_benches_never_score_the_test_set():
    benches = sorted((ROOT / "benchmarks").rglob("*.py"))
    assert all(p.is_file() for p in NO_TEST_SET) and len(benches) >= 5
    problems = [f"{p.relative_to(ROOT)}:{use}" for p in [*NO_TEST_SET, *benches] for use in code_reads_test_set(p.read_text(encoding="utf-8"))]
    assert not problems, "the test set is read where models are chosen: " + "; ".join(problems)


def test_the_code_scan_can_fail():
    source = '"""Never looks at test_acc (a docstring may say so)."""\nfrom x import score_test\n\n' \
             'def f(r, splits):\n    """score_test is not called here."""\n    return r.test_acc, accuracy(m, splits.x_test, y), {"test_acc_train_mode": 1}\n'
    assert sorted(code_reads_test_set(source)) == ["2: score_test", "6: test_acc", "6: test_acc_train_mode", "6: x_test"]
    assert code_reads_test_set('"""score_test, x_test and test_acc, in a docstring."""\n# r.test_acc in a comment\nval_acc = 1\n') == []


# --- a live row against its ledger entries, and the chapters' plans ----------------------------

def test_live_check_compares_with_the_entry_of_the_same_spec():
    from apparel_lib.runs.ledger import live_check

    seeds = [_fake(seed=s, val=v) for s, v in enumerate([0.80, 0.81, 0.82])]
    near = live_check(_fake(seed=1, val=0.812), seeds)
    # the tolerance comes from the other seeds' spread (0.80 and 0.82), never the entry's own
    assert near.ledger == 0.81 and near.ok and near.tolerance == pytest.approx(3 * 2**0.5 * statistics.stdev([0.80, 0.82]))
    assert "within the tolerance" in str(near)
    far = live_check(_fake(seed=1, val=0.90), seeds)
    assert not far.ok and "OUTSIDE" in str(far)
    with pytest.raises(StoreError, match="no ledger result"):
        live_check(_fake(seed=7), seeds)


def test_every_plan_builds_and_a_shared_run_is_listed_once_with_both_wishes():
    from apparel_lib.book_plans.chapters import PLANS, chapter_plan, leave_one_out_specs

    for chapter in (4, 5, 7):
        assert PLANS[chapter](), f"chapter {chapter} plans nothing"
    both = chapter_plan([4, 5])
    names = [json.dumps(r.spec.to_dict(), sort_keys=True) for r in both]
    assert len(names) == len(set(names))
    plateau_cnn = [r for r in both if r.spec.recipe.name == "plateau" and r.spec.model == "tutorial-cnn"
                   and r.spec.options == {"filters": 4}]
    assert len(plateau_cnn) == 3 and all(r.test for r in plateau_cnn)  # chapter 5 scores them
    full = [spec for label, spec in leave_one_out_specs() if label.startswith("best-cnn")]
    assert [s.seed for s in full] == [0, 1, 2] and full[0] == run_spec("best-cnn", "best")
    with pytest.raises(Exception, match="no ledger plan for chapter 99"):
        chapter_plan([99])
