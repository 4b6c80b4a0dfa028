"""Keeping freed memory while training on the CPU: scoped, guarded, re-entrant, and it changes no number."""

import pytest
import torch

from apparel_lib.models.registry import build_model
from apparel_lib.training import memory
from apparel_lib.training.loop import train
from apparel_lib.training.recipes import get_recipe


@pytest.fixture
def fake_libc(monkeypatch):
    """A stand-in C library that records every mallopt and malloc_trim call (with plenty of memory free)."""
    calls = []

    class FakeLibc:
        def mallopt(self, param, value):
            calls.append((param, value))
            return 1

        def malloc_trim(self, pad):
            calls.append(("trim", pad))
            return 1

    monkeypatch.setattr(memory, "_glibc", lambda: FakeLibc())
    monkeypatch.setattr(memory, "available_gb", lambda: 64.0)
    return calls


def test_off_when_disabled_or_short_of_memory(monkeypatch):
    with memory.reuse_freed_memory(False) as active:
        assert active is False
    monkeypatch.setattr(memory, "available_gb", lambda: 1.0)
    with memory.reuse_freed_memory(True) as active:
        assert active is False


def test_settings_are_restored(fake_libc):
    calls = fake_libc
    with memory.reuse_freed_memory(True) as active:
        assert active is True and calls == [(memory.M_MMAP_MAX, 0), (memory.M_TRIM_THRESHOLD, memory.NO_TRIM)]
    assert calls[2:] == [(memory.M_MMAP_MAX, memory.DEFAULT_MMAP_MAX), (memory.M_TRIM_THRESHOLD, memory.DEFAULT_TRIM_THRESHOLD), ("trim", 0)]


def test_nested_blocks_leave_the_settings_to_the_outermost(fake_libc):
    calls = fake_libc
    with memory.reuse_freed_memory(True):
        with memory.reuse_freed_memory(True, min_free_gb=1000.0) as inner:
            assert inner is True  # already in effect: the inner block neither checks nor sets
        with memory.reuse_freed_memory(False) as off:
            assert off is False
        assert len(calls) == 2  # the inner blocks restored nothing
    assert len(calls) == 5 and calls[-1] == ("trim", 0)
    with memory.reuse_freed_memory(True):
        pass
    assert len(calls) == 10  # after the outermost block ends, the next one sets again


def test_full_batch_training_gives_the_same_numbers_either_way(tiny_splits, monkeypatch):
    recipe = get_recipe("tutorial", "tutorial-cnn").replace(epochs=3)
    monkeypatch.setattr(memory, "available_gb", lambda: 64.0)  # on, where glibc is present
    on = build_model("tutorial-cnn")
    h_on = train(on, tiny_splits, recipe, progress=False)
    monkeypatch.setattr(memory, "available_gb", lambda: 0.0)  # off
    off = build_model("tutorial-cnn")
    h_off = train(off, tiny_splits, recipe, progress=False)
    assert h_on == h_off or h_on.train_loss == h_off.train_loss
    assert all(torch.equal(a, b) for a, b in zip(on.state_dict().values(), off.state_dict().values()))


def test_mini_batch_training_gives_the_same_numbers_either_way(tiny_splits, monkeypatch):
    recipe = get_recipe("minibatch", "tutorial-cnn").replace(epochs=2)
    runs = []
    for free in (64.0, 0.0):  # on (where glibc is present), then off
        monkeypatch.setattr(memory, "available_gb", lambda free=free: free)
        model = build_model("tutorial-cnn")
        runs.append((train(model, tiny_splits, recipe, seed=3, progress=False), model))
    (h_on, on), (h_off, off) = runs
    assert h_on.train_loss == h_off.train_loss and h_on.val_acc == h_off.val_acc
    assert all(torch.equal(a, b) for a, b in zip(on.state_dict().values(), off.state_dict().values()))


def test_training_memory_policy(fake_libc, monkeypatch):
    for on_cpu, full_batch, expected in [(True, False, True), (True, True, True), (False, False, False)]:
        with memory.training_memory(on_cpu, full_batch) as active:
            assert active is expected
    monkeypatch.setattr(memory, "available_gb", lambda: 8.0)  # enough for mini-batches, not for a full batch
    with memory.training_memory(True, False) as mini, memory.training_memory(True, True) as full:
        assert mini is True and full is True  # nested: the outer block's setting holds
    with memory.training_memory(True, True) as full:
        assert full is False


@pytest.mark.skipif(memory._glibc() is None or (memory.available_gb() or 0) < 16, reason="needs glibc and 16 GB free")
def test_activations_over_2_gb_in_all_stay_mapped():
    """A full batch frees gigabytes at once: the next step must reuse those pages, not fault in fresh ones."""
    import resource

    def step() -> int:  # four 700 MB activations, as large as a full batch's, touched and then freed together
        before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
        blocks = [torch.ones(175_000_000) for _ in range(4)]
        del blocks
        return resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before

    with memory.reuse_freed_memory() as active:
        assert active
        for _ in range(3):  # the heap grows for a few steps, until the blocks' layout fits
            step()
        faults = step() + step()
    assert faults < 10_000  # with a 2 GB trim threshold, 170,898 pages of 4 kB were mapped afresh in two steps
