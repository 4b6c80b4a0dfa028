"""Seeding touches only the generators in use and puts them back; deterministic mode is scoped."""

import pytest
import torch

from apparel_lib.models.registry import build_model
from apparel_lib.seeding import deterministic, seeded
from apparel_lib.training.loop import train
from apparel_lib.training.recipes import get_recipe


def test_seeded_restores_the_cpu_generator_and_repeats():
    torch.manual_seed(5)
    state = torch.get_rng_state()
    with seeded(3):
        a = torch.rand(4)
    with seeded(3):
        b = torch.rand(4)
    assert torch.equal(a, b)
    assert torch.equal(torch.get_rng_state(), state)


def test_deterministic_is_scoped():
    before = torch.are_deterministic_algorithms_enabled()
    with deterministic(True):
        assert torch.are_deterministic_algorithms_enabled()
    assert torch.are_deterministic_algorithms_enabled() == before
    with deterministic(False):
        assert torch.are_deterministic_algorithms_enabled() == before


def test_a_deterministic_recipe_trains_the_same(tiny_splits):
    recipe = get_recipe("minibatch", "tutorial-cnn").replace(epochs=1, deterministic=True)
    runs = [train(build_model("tutorial-cnn"), tiny_splits, recipe, progress=False) for _ in range(2)]
    assert runs[0] == runs[1] or runs[0].train_loss == runs[1].train_loss


@pytest.mark.gpu
def test_cuda_generators_are_left_as_they_were():
    states = [torch.cuda.get_rng_state(i) for i in range(torch.cuda.device_count())]
    cpu = torch.get_rng_state()
    with seeded(11, "cuda:0"):
        x = torch.rand(3, device="cuda:0")
    with seeded(11, "cuda:0"):
        y = torch.rand(3, device="cuda:0")
    assert torch.equal(x, y)
    assert all(torch.equal(torch.cuda.get_rng_state(i), s) for i, s in enumerate(states))
    assert torch.equal(torch.get_rng_state(), cpu)


@pytest.mark.gpu
def test_training_on_cuda_repeats_and_keeps_the_generators(tiny_splits):
    states = [torch.cuda.get_rng_state(i) for i in range(torch.cuda.device_count())]
    recipe = get_recipe("minibatch", "tutorial-cnn").replace(epochs=1, deterministic=True)
    h1 = train(build_model("tutorial-cnn"), tiny_splits, recipe, device="cuda", progress=False)
    h2 = train(build_model("tutorial-cnn"), tiny_splits, recipe, device="cuda", progress=False)
    assert h1.train_loss == h2.train_loss
    assert all(torch.equal(torch.cuda.get_rng_state(i), s) for i, s in enumerate(states))
