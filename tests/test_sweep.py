"""Tuning with Optuna: the search space, one trial, pruning, exactly N trials, storages, the CLI, workers that die."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import optuna
import pytest
from optuna.trial import TrialState

from apparel_lib.errors import ApparelError
from apparel_lib.runs.store import RunStore
from apparel_lib.tuning.objective import FINISHED
from apparel_lib.tuning.report import study_summary, trial_table
from apparel_lib.tuning.space import SearchSpace
from apparel_lib.tuning.storage import default_journal, open_storage
from apparel_lib.tuning.sweep import open_study, run_study
from tests.helpers import free_port, one_line

ROOT = Path(__file__).resolve().parents[1]
TINY = SearchSpace(blocks=(1, 1), filters=(4,), convs=(1, 1), dense_layers=(0, 0), dropout=(0.0, 0.0),
                   epochs=(1, 1), lr=(1e-3, 3e-3), batch_size=(64,))
SUBSET = 200
POINT = {"blocks": 3, "filters": 16, "convs": 2, "dense_layers": 1, "hidden": 64, "dropout": 0.2,
         "epochs": 2, "lr": 1e-3, "batch_size": 128}

optuna.logging.set_verbosity(optuna.logging.ERROR)


class AlwaysPrune(optuna.pruners.BasePruner):
    def prune(self, study, trial) -> bool:
        return True


def memory_study(name: str = "s", **kwargs) -> optuna.Study:
    return open_study(name, optuna.storages.InMemoryStorage(), sampler=optuna.samplers.TPESampler(seed=0), **kwargs)


# --- the search space ----------------------------------------------------------------------------


def test_a_point_becomes_a_cnn_run_spec():
    spec = SearchSpace.spec(POINT, subset=500, seed=3)
    assert spec.model == "cnn"
    assert spec.options == {"stages": "16,16|32,32|64,64", "dense_layers": 1, "hidden": 64, "dropout": 0.2, "pool_first": False}
    assert (spec.recipe.epochs, spec.recipe.lr, spec.recipe.batch_size) == (2, 1e-3, 128)
    assert spec.data.train_subset == 500 and spec.seed == 3
    assert SearchSpace.spec({**POINT, "blocks": 1, "convs": 1}).options["stages"] == "16"


def test_suggestions_stay_in_the_space_and_hidden_only_with_a_hidden_layer():
    space = SearchSpace()
    study = memory_study()
    for _ in range(20):
        params = space.suggest(study.ask())
        assert 1 <= params["blocks"] <= 3 and params["filters"] in space.filters
        assert 3e-4 <= params["lr"] <= 1e-2 and 1 <= params["epochs"] <= 3
        assert ("hidden" in params) == (params["dense_layers"] > 0)


@pytest.mark.parametrize("changes", [{"blocks": (0, 2)}, {"blocks": (1, 5)}, {"epochs": (0, 2)}, {"epochs": (3, 2)},
                                     {"lr": (0.01, 0.001)}, {"dropout": (0.0, 1.0)}, {"filters": (0, 8)}, {"batch_size": ()}])
def test_a_wrong_space_is_a_one_line_error(changes):
    with pytest.raises(ApparelError) as e:
        SearchSpace(**changes)
    one_line(e, next(iter(changes)))


def test_a_space_narrowed_from_knob_values_suggests_only_those():
    space = SearchSpace().narrowed(["blocks=1", "filters=4,8", "lr=0.001,0.002", "dropout=0.1"])
    assert (space.blocks, space.filters, space.lr, space.dropout) == ((1, 1), (4, 8), (0.001, 0.002), (0.1, 0.1))
    assert space.convs == SearchSpace().convs  # knobs not named keep their range
    study = memory_study()
    for _ in range(10):
        params = space.suggest(study.ask())
        assert params["blocks"] == 1 and params["filters"] in (4, 8) and 0.001 <= params["lr"] <= 0.002


@pytest.mark.parametrize("setting, words", [
    ("colour=red", ["knob=values", "filters"]), ("blocks", ["knob=values"]), ("blocks=1,2,3", ["low,high"]),
    ("filters=eight", ["int"]), ("convs=2,1", ["low <= high"]), ("dropout=0.5,1", ["below 1"]),
])
def test_a_wrong_narrowing_is_a_one_line_error(setting, words):
    with pytest.raises(ApparelError) as e:
        SearchSpace().narrowed([setting])
    one_line(e, *words)


# --- trials ----------------------------------------------------------------------------------------
# Trials load the data themselves, through the store, and so do the worker processes below: the
# tests that train take ``data_in_env`` (APPAREL_DATA = where the session found the data).


def test_a_trial_trains_through_the_store_and_keeps_its_results(tmp_path, data_in_env):
    store = RunStore(tmp_path / "runs")
    study = memory_study()
    assert run_study(study, 2, subset=SUBSET, space=TINY, store=store, device="cpu") == 2
    trials = study.get_trials()
    assert [t.state for t in trials] == [TrialState.COMPLETE] * 2
    stored = {r.key: r for r in store.runs()}
    for t in trials:
        result = stored[t.user_attrs["key"]]
        assert t.value == result.val_acc == t.user_attrs["val_acc"]  # the objective is validation accuracy
        assert t.user_attrs["parameters"] == result.parameters and t.user_attrs["epochs"] == 1
        assert t.user_attrs["seconds"] == result.seconds > 0
        assert "test" not in " ".join(t.user_attrs)
        assert result.spec.data.train_subset == SUBSET
    table = trial_table(study)
    assert list(table.index) == [0, 1] and set(table["state"]) == {"complete"}
    assert "2 complete" in study_summary(study) and "best: trial" in study_summary(study)


def test_a_pruned_trial_stops_after_an_epoch_and_is_not_stored(tmp_path, data_in_env):
    store = RunStore(tmp_path / "runs")
    study = memory_study(pruner=AlwaysPrune())
    run_study(study, 1, subset=SUBSET, space=SearchSpace(**{**TINY.__dict__, "epochs": (3, 3)}), store=store, device="cpu")
    (trial,) = study.get_trials()
    assert trial.state == TrialState.PRUNED
    assert trial.user_attrs["epochs"] == 1 and list(trial.intermediate_values) == [1]
    assert store.runs() == []


def test_a_stored_run_is_replayed_so_the_pruner_still_decides(tmp_path, data_in_env):
    store = RunStore(tmp_path / "runs")
    space = SearchSpace(**{**TINY.__dict__, "epochs": (2, 2)})
    first = memory_study("first")
    run_study(first, 1, subset=SUBSET, space=space, store=store, device="cpu")
    assert first.trials[0].state == TrialState.COMPLETE and len(store.runs()) == 1
    second = memory_study("second", pruner=AlwaysPrune())
    second.enqueue_trial(first.trials[0].params)
    run_study(second, 1, subset=SUBSET, space=space, store=store, device="cpu")
    (trial,) = second.get_trials()
    assert trial.state == TrialState.PRUNED and list(trial.intermediate_values) == [1]
    assert trial.intermediate_values[1] == first.trials[0].intermediate_values[1]


def test_a_total_counts_other_workers_trials_and_never_overshoots(tmp_path, data_in_env):
    store = RunStore(tmp_path / "runs")
    study = memory_study()
    study.ask()  # another worker's trial, still running
    assert run_study(study, total=2, subset=SUBSET, space=TINY, store=store, device="cpu") == 1
    states = [t.state for t in study.get_trials()]
    # trial 1 ran; trial 2 found two trials running or finished before it, stopped the study and was not used
    assert states == [TrialState.RUNNING, TrialState.COMPLETE, TrialState.FAIL]
    assert run_study(study, total=1, subset=SUBSET, space=TINY, store=store) == 0  # already there: nothing added


def test_trials_adds_to_a_study_each_time(tmp_path, data_in_env):
    journal = tmp_path / "studies.journal"
    store = RunStore(tmp_path / "runs")
    for expected in (2, 4):
        study = open_study("again", journal)
        run_study(study, 2, subset=SUBSET, space=TINY, store=store, device="cpu")
        assert len(open_study("again", journal).get_trials(states=FINISHED)) == expected


def test_the_default_storage_is_a_journal_file_in_the_cache(private_cache):
    assert default_journal().is_relative_to(private_cache)
    assert isinstance(open_storage(), optuna.storages.JournalStorage)
    assert default_journal().is_file()


@pytest.mark.parametrize("url", [
    "nosuchdb://somewhere/x",
    "postgresql://user:secret@127.0.0.1:1/nothing",  # nothing listens on port 1
    "sqlite:////no/such/folder/studies.db",
])
def test_a_wrong_or_unreachable_storage_is_a_one_line_error(url):
    with pytest.raises(ApparelError, match="cannot open the study storage") as err:
        open_storage(url)
    assert "\n" not in str(err.value) and "secret" not in str(err.value)


def test_bad_numbers_are_one_line_errors():
    study = memory_study()
    for kwargs in ({"n_trials": 0}, {"total": -1}, {"n_trials": 1, "timeout": 0}, {}):
        with pytest.raises(ApparelError):
            run_study(study, **kwargs)
    with pytest.raises(ApparelError, match="name"):
        open_study(" ", optuna.storages.InMemoryStorage())


@pytest.mark.gpu
def test_a_short_study_on_cuda(tmp_path, data, monkeypatch):
    # The trials load the data through the store: hand them the session's copy, found with the
    # user's settings (a GPU machine may have the files only under APPAREL_DATA).
    monkeypatch.setattr("apparel_lib.runs.store._default_data", lambda: data)
    store = RunStore(tmp_path / "runs")
    study = memory_study()
    assert run_study(study, 3, subset=2000, space=SearchSpace(epochs=(1, 2)), store=store, device="cuda") == 3
    assert all(r.device.startswith("cuda") for r in store.runs())
    assert all(0.1 < t.value <= 1 for t in study.get_trials(states=(TrialState.COMPLETE,)))


# --- the command line and worker processes -----------------------------------------------------


_started: list[subprocess.Popen] = []


@pytest.fixture(autouse=True)
def _no_worker_outlives_its_test() -> Iterator[None]:
    """A worker a failed test left running would slow every later test: kill it when the test ends."""
    yield
    while _started:
        proc = _started.pop()
        if proc.poll() is None:
            proc.kill()
            proc.communicate()


def cli(*args, env: dict | None = None, **kwargs) -> subprocess.Popen:
    full_env = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    proc = subprocess.Popen([sys.executable, "-m", "apparel_lib", *map(str, args)], cwd=ROOT, env=full_env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kwargs)
    _started.append(proc)
    return proc


def finish(proc: subprocess.Popen, timeout: float = 600) -> tuple[int, str, str]:
    out, err = proc.communicate(timeout=timeout)
    return proc.returncode, out, err


SWEEP = ("sweep", "--subset", SUBSET, "--epochs", 1, "--device", "cpu", "--space", "blocks=1", "filters=8")
"""A worker on tiny trials: each still judges the whole validation and test sets, which the
default space's largest networks took seconds to do."""


def test_help_does_not_import_optuna_or_torch():
    code = ("import sys, runpy\nfor argv in (['apparel_lib', '--help'], ['apparel_lib', 'sweep', '--help']):\n"
            "    sys.argv = argv\n    try:\n        runpy.run_module('apparel_lib', run_name='__main__')\n"
            "    except SystemExit:\n        pass\nprint('heavy:', sorted(m for m in ('torch', 'optuna') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60,
                         env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert "--storage URL" in out.stdout and "heavy: []" in out.stdout, out.stdout + out.stderr


@pytest.mark.parametrize("storage", ["nosuchdb://x/y", "postgresql://u:secret@127.0.0.1:1/db"])
def test_cli_bad_storage_is_one_line_and_exit_status_1(storage):
    code, out, err = finish(cli("sweep", "--study", "x", "--trials", 1, "--storage", storage), timeout=120)
    assert code == 1 and out == ""
    assert err.count("\n") == 1 and err.startswith("error: cannot open the study storage") and "secret" not in err


def test_cli_needs_a_number_of_trials_before_it_opens_the_study(tmp_path):
    code, _, err = finish(cli("sweep", "--study", "x", env={"APPAREL_CACHE": str(tmp_path)}), timeout=120)
    assert code == 2 and "--trials" in err and err.count("\n") == 1
    assert list(tmp_path.iterdir()) == [], "the storage was touched before the arguments were checked"


@pytest.mark.parametrize("space, word", [("filters=x", "int"), ("epochs=2", "--epochs")])
def test_cli_bad_space_is_a_usage_error_before_the_study_opens(space, word, tmp_path):
    code, out, err = finish(cli("sweep", "--study", "x", "--trials", 1, "--space", space, env={"APPAREL_CACHE": str(tmp_path)}),
                            timeout=120)
    assert code == 2 and out == "" and err.count("\n") == 1 and word in err, err
    assert list(tmp_path.iterdir()) == [], "the storage was touched before the arguments were checked"


def trial_states(study: str, storage) -> list[TrialState]:
    return [t.state for t in optuna.load_study(study_name=study, storage=storage).get_trials(deepcopy=False)]


def assert_exactly(study_name: str, storage, n: int, store_root: Path) -> list[optuna.trial.FrozenTrial]:
    trials = optuna.load_study(study_name=study_name, storage=storage).get_trials()
    done = [t for t in trials if t.state in FINISHED]
    assert len(done) == n, [t.state for t in trials]
    assert len({t.number for t in trials}) == len(trials)  # no number given twice
    assert not [t for t in trials if t.state == TrialState.RUNNING]
    stored = {r.key for r in RunStore(store_root).runs()}
    for t in done:  # no lost results: every finished trial has its numbers, a completed one its stored run
        assert "parameters" in t.user_attrs and "seconds" in t.user_attrs
        if t.state == TrialState.COMPLETE:
            assert t.user_attrs["key"] in stored and t.value == t.user_attrs["val_acc"]
    return trials


def two_workers(study: str, n: int, env: dict, *storage) -> None:
    workers = [cli(*SWEEP, "--study", study, "--total", n, *storage, env=env) for _ in range(2)]
    results = [finish(w) for w in workers]
    for code, out, err in results:
        assert code == 0 and err == "", err
    assert sum(int(out.split()[3]) for _, out, _ in results) == n  # "this worker finished K trials"


@pytest.mark.slow
def test_running_the_command_again_adds_to_the_same_study(tmp_path, data_in_env):
    env = {"APPAREL_CACHE": str(tmp_path)}
    for expected in (2, 4):
        code, out, err = finish(cli(*SWEEP, "--study", "demo", "--trials", 2, env=env))
        assert code == 0 and err == "", err
        assert out.startswith("this worker finished 2 trials") and "study 'demo': " in out
        assert f"optuna-dashboard {tmp_path / 'optuna' / 'studies.journal'}" in out
        states = trial_states("demo", open_storage(tmp_path / "optuna" / "studies.journal"))
        assert len([s for s in states if s in FINISHED]) == expected


@pytest.mark.slow
def test_two_workers_on_the_default_journal_finish_exactly_n(tmp_path, data_in_env):
    env = {"APPAREL_CACHE": str(tmp_path)}
    two_workers("pair", 4, env)
    storage = optuna.storages.JournalStorage(optuna.storages.journal.JournalFileBackend(str(tmp_path / "optuna" / "studies.journal")))
    trials = assert_exactly("pair", storage, 4, tmp_path / "runs")
    done = [t for t in trials if t.state in FINISHED]
    assert all((t.params["blocks"], t.params["filters"]) == (1, 8) for t in done)  # --space was followed


@pytest.mark.slow
def test_ctrl_c_leaves_no_trial_running(tmp_path, data_in_env):
    # A second after its trial starts, the worker is still importing (torch loads parts of itself
    # on the first training step). Before Ctrl-C was deferred to the training loop's next batch
    # (interrupts.stop_safely), an interrupt there made 1 worker in 10 die of the signal (exit -2)
    # and once left it hanging on a lock.
    journal = tmp_path / "j.journal"
    worker = cli(*SWEEP, "--study", "stop", "--trials", 50, "--storage", journal, "--subset", 5000,
                 env={"APPAREL_CACHE": str(tmp_path)})
    storage = open_storage(journal)
    deadline = time.monotonic() + 300
    while TrialState.RUNNING not in (trial_states("stop", storage) if journal.stat().st_size else []):
        assert worker.poll() is None and time.monotonic() < deadline
        time.sleep(0.2)
    time.sleep(1)
    worker.send_signal(signal.SIGINT)
    code, _, err = finish(worker, timeout=120)
    assert code == 130 and err.count("\n") == 1 and "interrupted" in err, (code, err[-3000:])
    states = trial_states("stop", open_storage(journal))
    assert TrialState.RUNNING not in states and states[-1] == TrialState.FAIL


# --- PostgreSQL: a throwaway cluster ---------------------------------------------------------------

@pytest.fixture
def postgres() -> Iterator[str]:
    """A PostgreSQL cluster in a temporary folder on a free 127.0.0.1 port; always stopped and removed."""
    bins = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    if not bins:
        pytest.skip("PostgreSQL is not installed (Debian's postgresql package, see .ci/system-packages)")
    bin_dir = bins[-1].parent
    as_user: list[str] = []
    folder = Path(tempfile.mkdtemp(prefix="apparel-pg-"))
    if os.geteuid() == 0:  # initdb and postgres refuse to run as root
        as_user = ["runuser", "-u", "postgres", "--"]
        shutil.chown(folder, "postgres", "postgres")
    port = free_port()
    data, log = folder / "data", folder / "log"

    def pg(*args: str) -> None:
        subprocess.run([*as_user, *args], check=True, capture_output=True, timeout=120)

    started = False
    try:
        pg(str(bin_dir / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres", "-N")
        pg(str(bin_dir / "pg_ctl"), "-D", str(data), "-l", str(log), "-w", "-o",
           f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off", "start")
        started = True
        yield f"postgresql://postgres@127.0.0.1:{port}/postgres"
    finally:
        if started:
            subprocess.run([*as_user, str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"],
                           capture_output=True, timeout=120)
        shutil.rmtree(folder, ignore_errors=True)


@pytest.mark.slow
def test_two_workers_on_postgresql_finish_exactly_n(postgres, tmp_path, data_in_env):
    two_workers("pair", 4, {"APPAREL_CACHE": str(tmp_path)}, "--storage", postgres)
    assert_exactly("pair", open_storage(postgres), 4, tmp_path / "runs")


@pytest.mark.slow
def test_a_killed_worker_leaves_a_failed_trial_and_the_study_carries_on(postgres, tmp_path, data_in_env):
    env = {"APPAREL_CACHE": str(tmp_path)}
    args = (*SWEEP, "--study", "kill", "--total", 3, "--storage", postgres, "--heartbeat", 1)
    victim = cli(*args, "--subset", 5000, env=env)
    deadline = time.monotonic() + 300
    storage = open_storage(postgres)
    while True:
        assert victim.poll() is None and time.monotonic() < deadline
        try:
            if TrialState.RUNNING in trial_states("kill", storage):
                break
        except KeyError:  # the study does not exist yet
            pass
        time.sleep(0.2)
    time.sleep(2)  # mid-trial, with heartbeats recorded
    victim.send_signal(signal.SIGKILL)
    victim.wait(timeout=60)
    assert trial_states("kill", storage).count(TrialState.RUNNING) == 1  # nobody told the study
    time.sleep(3)  # longer than the grace period (twice the heartbeat)
    code, _, err = finish(cli(*args, env=env))
    assert code == 0 and err == "", err
    trials = assert_exactly("kill", open_storage(postgres), 3, tmp_path / "runs")
    assert [t.state for t in trials].count(TrialState.FAIL) == 1
