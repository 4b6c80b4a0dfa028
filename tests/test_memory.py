"""Keeping freed memory for full-batch training: scoped, guarded, and it changes no number."""

import torch

from apparel_lib.models.registry import build_model
from apparel_lib.training import memory
from apparel_lib.training.loop import train
from apparel_lib.training.recipes import get_recipe


def test_off_when_disabled_or_short_of_memory(monkeypatch):
    with memory.reuse_freed_memory(False) as active:
        assert active is False
    monkeypatch.setattr(memory, "available_gb", lambda: 1.0)
    with memory.reuse_freed_memory(True) as active:
        assert active is False


def test_settings_are_restored(monkeypatch):
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
    with memory.reuse_freed_memory(True) as active:
        assert active is True and calls == [(memory.M_MMAP_MAX, 0), (memory.M_TRIM_THRESHOLD, memory.INT_MAX)]
    assert calls[2:] == [(memory.M_MMAP_MAX, memory.DEFAULT_MMAP_MAX), (memory.M_TRIM_THRESHOLD, memory.DEFAULT_TRIM_THRESHOLD), ("trim", 0)]


def test_full_batch_training_gives_the_same_numbers_either_way(tiny, monkeypatch):
    recipe = get_recipe("article", "article-cnn").replace(epochs=3)
    monkeypatch.setattr(memory, "available_gb", lambda: 64.0)  # on, where glibc is present
    on = build_model("article-cnn")
    h_on = train(on, tiny, recipe, progress=False)
    monkeypatch.setattr(memory, "available_gb", lambda: 0.0)  # off
    off = build_model("article-cnn")
    h_off = train(off, tiny, recipe, progress=False)
    assert h_on == h_off or h_on.train_loss == h_off.train_loss
    assert all(torch.equal(a, b) for a, b in zip(on.state_dict().values(), off.state_dict().values()))
