"""Ctrl-C at a safe point: deferred inside stop_safely, acted on by the training loop between batches."""

import math
import os
import signal

import pytest
import torch

from apparel_lib.interrupts import check_stop, stop_requested, stop_safely
from apparel_lib.models.registry import build_model
from apparel_lib.training.evaluate import EVAL_BATCH
from apparel_lib.training.loop import train
from apparel_lib.training.recipes import get_recipe


def ctrl_c() -> None:
    os.kill(os.getpid(), signal.SIGINT)


def test_the_first_ctrl_c_is_deferred_to_check_stop():
    with pytest.raises(KeyboardInterrupt):
        with stop_safely():
            ctrl_c()  # Python runs the handler at the next bytecode: no KeyboardInterrupt yet
            assert stop_requested()
            check_stop()
            raise AssertionError("check_stop did not stop")
    assert not stop_requested() and signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_a_stop_not_acted_on_raises_at_the_end_and_a_second_ctrl_c_at_once():
    with pytest.raises(KeyboardInterrupt):
        with stop_safely():
            ctrl_c()
    reached = []
    with pytest.raises(KeyboardInterrupt):
        with stop_safely():
            ctrl_c()
            reached.append("after the first")
            ctrl_c()
            reached.append("after the second")
    assert reached == ["after the first"]


def test_outside_the_block_ctrl_c_interrupts_as_usual_and_nothing_is_left_asked():
    with stop_safely():
        check_stop()  # nothing asked: no effect
    with pytest.raises(KeyboardInterrupt):
        ctrl_c()
        check_stop()
        raise AssertionError("not interrupted")
    assert not stop_requested()


def test_training_stops_between_batches(tiny_splits):
    model = build_model("linear", seed=0)
    recipe = get_recipe("minibatch", "linear").replace(epochs=3, batch_size=100)
    batches = []
    model.register_forward_hook(lambda *_: batches.append(1))

    def first_epoch_ends(history):
        ctrl_c()

    with pytest.raises(KeyboardInterrupt), stop_safely():
        train(model, tiny_splits, recipe, seed=0, on_epoch=first_epoch_ends, progress=False)
    # one epoch of 10 batches and its validation pass (in chunks), then the stop before batch 11
    assert len(batches) == 10 + math.ceil(len(tiny_splits.x_val) / EVAL_BATCH)
    assert torch.isfinite(next(model.parameters())).all()
