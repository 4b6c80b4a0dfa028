"""One numeric path per stored result: precision, device type and torch version are part of the key."""

import json

import pytest
import torch

import apparel_lib.training.devices as devices
import apparel_lib.training.precision as precision
from apparel_lib.cli import main
from apparel_lib.data.variants import DataVariant
from apparel_lib.errors import ApparelError
from apparel_lib.runs.spec import RunResult, run_spec
from apparel_lib.runs.store import RunStore
from apparel_lib.training.devices import BF16_SWITCH, NumericPath, numeric_path

TINY = DataVariant(train_subset=200)
CPU = torch.device("cpu")


def tiny_spec(**changes):
    return run_spec("linear", "minibatch", data=TINY, **{"epochs": 1, "batch_size": 100, **changes})


@pytest.fixture
def native(monkeypatch):
    """The CPU computes bfloat16 natively and faster (whatever this machine does); APPAREL_BF16 left to auto."""
    monkeypatch.setattr(devices, "native_bf16", lambda device: True)
    monkeypatch.setattr(precision, "bf16_verdict", lambda: precision.Bf16Verdict(ratio=0.7, pairs=1))
    monkeypatch.delenv(BF16_SWITCH, raising=False)


def test_the_path_follows_the_recipe_the_switch_and_the_processor(native, monkeypatch):
    bf16, fp32 = tiny_spec(autocast_bf16=True).recipe, tiny_spec().recipe
    assert numeric_path(bf16, CPU) == NumericPath("bfloat16-autocast", "cpu", torch.__version__)
    assert str(numeric_path(bf16, CPU)) == f"bfloat16 autocast, cpu, torch {torch.__version__}"
    assert numeric_path(fp32, "cpu") == NumericPath("float32", "cpu", torch.__version__)
    monkeypatch.setenv(BF16_SWITCH, "off")
    assert numeric_path(bf16, CPU).precision == "float32"
    monkeypatch.setenv(BF16_SWITCH, "auto")
    monkeypatch.setattr(devices, "native_bf16", lambda device: False)
    assert numeric_path(bf16, CPU).precision == "float32"
    with pytest.raises(ApparelError, match="unknown precision 'float16'"):
        NumericPath("float16", "cpu", "2.0")


def test_the_key_differs_when_only_the_path_differs(native, data, monkeypatch):
    def key(spec):
        return spec.key(data.fingerprint, "0", numeric_path(spec.recipe, CPU))

    bf16, fp32 = tiny_spec(autocast_bf16=True), tiny_spec()
    auto = {"bf16": key(bf16), "fp32": key(fp32)}
    monkeypatch.setenv(BF16_SWITCH, "off")
    assert key(bf16) != auto["bf16"]
    assert key(fp32) == auto["fp32"]  # float32 either way: the switch changes nothing
    monkeypatch.setattr(torch, "__version__", "0.0.1-other")
    assert key(fp32) != auto["fp32"]


def test_the_store_keeps_one_result_per_path(native, data, tmp_path, monkeypatch):
    store, spec = RunStore(tmp_path), tiny_spec(autocast_bf16=True)
    monkeypatch.setenv(BF16_SWITCH, "off")
    fp32 = store.get_or_run(spec, data=data, device="cpu", progress=False)
    assert fp32.model is not None and fp32.numeric_path == NumericPath("float32", "cpu", torch.__version__)
    monkeypatch.setenv(BF16_SWITCH, "auto")
    bf16 = store.get_or_run(spec, data=data, device="cpu", progress=False)
    assert bf16.model is not None and bf16.key != fp32.key and bf16.numeric_path.precision == "bfloat16-autocast"
    monkeypatch.setenv(BF16_SWITCH, "off")
    again = store.get_or_run(spec, data=data, device="cpu", progress=False)
    assert again.model is None and again.key == fp32.key and again.numeric_path == fp32.numeric_path
    assert {r.key: r.numeric_path for r in store.runs()} == {fp32.key: fp32.numeric_path, bf16.key: bf16.numeric_path}
    monkeypatch.setattr(torch, "__version__", "0.0.1-other")
    other = store.get_or_run(spec, data=data, device="cpu", progress=False, on_epoch=lambda h: True)
    assert other.model is not None and other.numeric_path.torch_version == "0.0.1-other"  # trained, not reused


def _rewrite(store, key, change):
    path = store.root / key / "result.json"
    record = json.loads(path.read_text())
    change(record["result"])
    path.write_text(json.dumps(record))


def test_an_entry_stored_before_paths_loads_and_a_bad_path_is_damage(data, tmp_path, caplog):
    store = RunStore(tmp_path)
    result = store.get_or_run(tiny_spec(), data=data, progress=False)
    assert RunResult.from_dict(json.loads(json.dumps(result.to_dict()))) == result
    _rewrite(store, result.key, lambda values: values.pop("numeric_path"))
    assert store.get(result.key).numeric_path is None
    _rewrite(store, result.key, lambda values: values.update(numeric_path={"precision": "float16"}))
    caplog.clear()
    assert store.get(result.key) is None
    [err] = [r.getMessage() for r in caplog.records if r.name == "apparel_lib.runs.store"]
    assert "\n" not in err and f"stored run {result.key} is damaged" in err and "incomplete" in err


def test_runs_list_and_show_print_the_path(data, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("APPAREL_CACHE", str(tmp_path))
    result = RunStore().get_or_run(tiny_spec(), data=data, device="cpu", progress=False)
    capsys.readouterr()
    assert main(["runs", "list"]) == 0 and " fp32 cpu  " in capsys.readouterr().out
    assert main(["runs", "show", result.key]) == 0
    assert f"numerics:   float32, cpu, torch {torch.__version__}\n" in capsys.readouterr().out
    _rewrite(RunStore(), result.key, lambda values: values.pop("numeric_path"))
    assert main(["runs", "list"]) == 0 and " unknown  " in capsys.readouterr().out
    assert main(["runs", "show", result.key]) == 0 and "numerics:   not recorded" in capsys.readouterr().out
