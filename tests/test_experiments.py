"""Runs as data and the results store: trained once, reused, safe against damage and concurrency."""

import json
import subprocess
import sys
import time

import pytest
import torch

from apparel_lib import __version__
from apparel_lib.errors import StoreError
from apparel_lib.runs.runner import train_spec
from apparel_lib.runs.spec import RunResult, RunSpec, run_spec
from apparel_lib.runs.store import RunStore
from apparel_lib.training.devices import NumericPath
from apparel_lib.training.evaluate import predict
from tests.helpers import small_spec


def test_spec_is_plain_data():
    spec = run_spec("tutorial-cnn", "minibatch", options={"filters": 8}, epochs=3, seed=2)
    assert spec.options == {"filters": 8} and spec.recipe.epochs == 3 and spec.recipe.lr == 0.002
    assert RunSpec.from_dict(json.loads(json.dumps(spec.to_dict()))) == spec
    assert spec == run_spec("tutorial-cnn", options={"filters": 8}, epochs=3, seed=2)
    assert spec != run_spec("tutorial-cnn", options={"filters": 8}, epochs=3, seed=3)
    path = NumericPath("float32", "cpu", "2.0")
    assert spec.key("abc", "1", path) == spec.key("abc", "1", path) != spec.key("abd", "1", path) != spec.key("abc", "2", path)
    assert "tutorial-cnn(filters=8) · minibatch (3 epochs) · seed 2 · standard" == spec.describe()
    assert run_spec("plain").options == {"hidden": 500}


def test_bad_specs_are_one_line_value_errors():
    with pytest.raises(ValueError, match="no option 'hidden'"):
        run_spec("tutorial-cnn", options={"hidden": 3})
    with pytest.raises(ValueError, match="no field 'epoch'"):
        run_spec("plain", epoch=3)
    with pytest.raises(ValueError, match="unknown recipe"):
        run_spec("plain", "fast")


def test_run_records_everything(data):
    result = train_spec(small_spec(), data=data, progress=False)
    assert result.history.epochs == 2 and result.parameters == 7850
    assert 0.5 < result.val_acc < 1 and result.test_acc is None  # the test set is scored on request only
    assert result.fingerprint == data.fingerprint and result.library_version == __version__
    assert result.torch_version == torch.__version__ and result.device == "cpu" and result.seconds > 0
    assert result.checkpoint is None and result.model is not None
    assert RunResult.from_dict(json.loads(json.dumps(result.to_dict()))) == result
    assert result.row()["val_acc"] == result.val_acc


def test_the_hook_sees_each_epoch_and_can_stop(data):
    seen = []
    result = train_spec(small_spec(epochs=5), data=data, progress=False, on_epoch=lambda h: seen.append(h.epochs) or h.epochs == 2)
    assert seen == [1, 2] and result.history.epochs == 2


def test_get_or_run_trains_once_then_reads(data, tmp_path):
    store = RunStore(tmp_path)
    first = store.get_or_run(small_spec(), data=data, progress=False)
    assert first.model is not None and first.checkpoint == tmp_path / first.key / "model.pt"
    start = time.perf_counter()
    second = store.get_or_run(small_spec(), data=data, progress=False)
    assert time.perf_counter() - start < 1.0
    assert second.model is None and second == first
    x = torch.rand(8, 1, 28, 28)
    assert torch.equal(predict(first.load_model(), x), predict(second.load_model(), x))
    assert [r.key for r in store.runs()] == [first.key]
    other = store.get_or_run(small_spec(seed=1), data=data, progress=False)
    assert other.key != first.key and len(store.runs()) == 2


def test_an_early_stopped_run_is_not_stored(data, tmp_path):
    store = RunStore(tmp_path)
    store.get_or_run(small_spec(), data=data, progress=False, on_epoch=lambda h: True)
    assert store.runs() == []


@pytest.mark.parametrize("damage", ["truncate", "garbage-model", "no-model"])
def test_a_damaged_entry_is_reported_and_trained_again(data, tmp_path, caplog, damage):
    store = RunStore(tmp_path)
    first = store.get_or_run(small_spec(), data=data, progress=False)
    folder = tmp_path / first.key
    if damage == "truncate":
        text = (folder / "result.json").read_text()
        (folder / "result.json").write_text(text[: len(text) // 2])
    elif damage == "garbage-model":
        (folder / "model.pt").write_bytes(b"not a model")
    else:
        (folder / "model.pt").unlink()
    caplog.clear()
    again = store.get_or_run(small_spec(), data=data, progress=False)
    [err] = [r.getMessage() for r in caplog.records if r.name == "apparel_lib.runs.store"]
    assert "\n" not in err and f"stored run {first.key} is damaged" in err and "trained again" in err
    assert again.model is not None and again.val_acc == first.val_acc
    assert store.get(first.key) == again.__class__(**{**again.__dict__, "model": None})


def test_find_and_remove(data, tmp_path):
    store = RunStore(tmp_path)
    result = store.get_or_run(small_spec(), data=data, progress=False)
    assert store.find(result.key[:6]).key == result.key
    with pytest.raises(StoreError, match="no stored run"):
        store.find("zzzz")
    store.remove(result.key)
    assert store.runs() == [] and not (tmp_path / result.key).exists()
    with pytest.raises(StoreError, match="no stored run"):
        store.remove(result.key)


SCRIPT = """
import sys
from apparel_lib.data.variants import DataVariant
from apparel_lib.runs.spec import run_spec
from apparel_lib.runs.store import RunStore
spec = run_spec("linear", "minibatch", data=DataVariant(train_subset=500), epochs=2, batch_size=100)
result = RunStore(sys.argv[1]).get_or_run(spec, progress=False)
print("trained" if result.model is not None else "reused", result.key, result.val_acc)
"""


@pytest.mark.slow
def test_two_processes_asking_at_once_end_with_one_entry(tmp_path):
    procs = [subprocess.Popen([sys.executable, "-c", SCRIPT, str(tmp_path)], stdout=subprocess.PIPE, text=True) for _ in range(2)]
    outputs = sorted(p.communicate(timeout=300)[0].split() for p in procs)
    assert all(p.returncode == 0 for p in procs)
    assert [o[0] for o in outputs] == ["reused", "trained"]
    assert outputs[0][1:] == outputs[1][1:]
    entries = [p for p in tmp_path.iterdir() if not p.name.startswith(".")]
    assert [e.name for e in entries] == [outputs[0][1]]
    assert sorted(f.name for f in entries[0].iterdir()) == ["model.pt", "result.json"]
    assert not [p for p in tmp_path.iterdir() if p.is_dir() and p.name.startswith(".")]
