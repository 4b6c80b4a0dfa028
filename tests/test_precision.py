"""bfloat16 autocast only where it pays: measured once per machine, remembered, and overridable."""

import json

import pytest
import torch

import apparel_lib.training.devices as devices
import apparel_lib.training.precision as precision
from apparel_lib.errors import ApparelError
from apparel_lib.training.devices import BF16_SWITCH, use_bf16
from apparel_lib.training.precision import Bf16Verdict, bf16_verdict, measure_bf16

CPU = torch.device("cpu")


@pytest.fixture
def measured(monkeypatch, tmp_path):
    """An empty cache folder and a counted, fixed measurement."""
    calls = []

    def fake(ratio=0.7):
        calls.append(ratio)
        return Bf16Verdict(ratio=fake.ratio, pairs=1)

    fake.ratio = 0.7
    monkeypatch.setenv("APPAREL_CACHE", str(tmp_path))
    monkeypatch.setattr(precision, "measure_bf16", fake)
    monkeypatch.setattr(precision, "_VERDICTS", {})
    return fake, calls, tmp_path / precision.VERDICTS_FILE


def test_the_verdict_is_measured_once_and_remembered_on_disk(measured, monkeypatch):
    fake, calls, path = measured
    assert bf16_verdict().pays and len(calls) == 1
    assert bf16_verdict().pays and len(calls) == 1  # remembered in this process
    monkeypatch.setattr(precision, "_VERDICTS", {})
    fake.ratio = 1.0  # a new measurement would say otherwise: the file is read instead
    assert bf16_verdict().pays and len(calls) == 1
    assert [entry["ratio"] for entry in json.loads(path.read_text()).values()] == [0.7]


def test_a_damaged_file_is_measured_again(measured, monkeypatch):
    fake, calls, path = measured
    path.write_text("{not json")
    fake.ratio = 0.95
    assert not bf16_verdict().pays and len(calls) == 1
    assert json.loads(path.read_text())  # rewritten whole


@pytest.mark.parametrize("setting,native,ratio,expected", [
    ("auto", True, 0.7, True), ("auto", True, 0.95, False), ("auto", False, 0.7, False),
    ("on", True, 0.95, True), ("on", False, 0.7, False), ("off", True, 0.7, False),
])
def test_the_switch_the_processor_and_the_verdict_decide(measured, monkeypatch, setting, native, ratio, expected):
    fake, _, _ = measured
    fake.ratio = ratio
    monkeypatch.setattr(devices, "native_bf16", lambda device: native)
    monkeypatch.setenv(BF16_SWITCH, setting)
    assert use_bf16(CPU) is expected


def test_an_unknown_setting_is_a_one_line_error(monkeypatch):
    monkeypatch.setenv(BF16_SWITCH, "maybe")
    with pytest.raises(ApparelError, match="auto .*on or off"):
        use_bf16(CPU)


def test_the_measurement_times_both_ways_and_keeps_the_thread_count():
    threads = torch.get_num_threads()
    verdict = measure_bf16(batch_size=8, pairs=2)
    assert verdict.ratio > 0 and verdict.pairs == 2 and torch.get_num_threads() == threads
    assert str(verdict).startswith("bfloat16 step ") and str(verdict).endswith(("pays", "does not pay"))
