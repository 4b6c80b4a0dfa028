"""Ctrl-C at a safe point: deferred inside stop_safely, acted on by the training loop between batches."""

import math
import os
import signal

import pytest
import torch

from apparel_lib.interrupts import Stopped, check_stop, stop_requested, stop_safely
from apparel_lib.models.registry import build_model
from apparel_lib.training.evaluate import EVAL_BATCH
from apparel_lib.training.loop import train
from apparel_lib.training.recipes import get_recipe


def ctrl_c() -> None:
    os.kill(os.getpid(), signal.SIGINT)


@pytest.fixture(autouse=True)
def python_handles_ctrl_c():
    """Python's own Ctrl-C handler, as in a terminal or a kernel: a pytest-xdist worker starts
    with SIGINT ignored, which would leave nothing to defer or restore."""
    before = signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, before)


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


def test_training_alone_defers_ctrl_c_and_stops_with_stopped(tiny_splits):
    model = build_model("linear", seed=0)
    recipe = get_recipe("minibatch", "linear").replace(epochs=2, batch_size=100)
    batches = []

    def second_batch(*_):
        batches.append(1)
        if len(batches) == 2:
            ctrl_c()  # inside train's own stop_safely: deferred to the next batch

    model.register_forward_hook(second_batch)
    with pytest.raises(Stopped):
        train(model, tiny_splits, recipe, seed=0, progress=False)
    assert len(batches) == 2 and signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_stopped_is_a_keyboard_interrupt_that_ipython_shows_in_one_line():
    stop = Stopped()
    assert isinstance(stop, KeyboardInterrupt)
    (line,) = stop._render_traceback_()
    assert line.startswith("Stopped: Stopped by Ctrl-C") and "run the cell again" in line and "\n" not in line


@pytest.mark.slow
def test_ctrl_c_in_a_notebook_cell_stops_training_with_one_line(tmp_path):
    """A real kernel: a cell trains and is interrupted (SIGINT to the kernel, as Jupyter's
    interrupt sends) during its second batch; the cell's error is the one line, no traceback."""
    import nbformat
    from nbclient import NotebookClient

    code = """
import os, signal
import torch
from types import SimpleNamespace
from apparel_lib import build_model, get_recipe, train

x, y = torch.rand(400, 1, 28, 28), torch.randint(0, 10, (400,))
splits = SimpleNamespace(x_train=x, y_train=y, x_val=x[:50], y_val=y[:50])
model = build_model("linear")
calls = []
def interrupt_during_the_second_batch(*_):
    calls.append(1)
    if len(calls) == 2:
        os.kill(os.getpid(), signal.SIGINT)
model.register_forward_hook(interrupt_during_the_second_batch)
train(model, splits, get_recipe("minibatch", "linear").replace(epochs=3, batch_size=50), progress=False)
"""
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(code), nbformat.v4.new_code_cell("len(calls)")])
    NotebookClient(nb, timeout=120, kernel_name="python3", allow_errors=True, resources={"metadata": {"path": str(tmp_path)}}).execute()
    (error,) = [o for o in nb.cells[0].outputs if o.output_type == "error"]
    assert error.ename == "Stopped" and len(error.traceback) == 1, error.traceback
    assert "run the cell again" in error.traceback[0]
    assert nb.cells[1].outputs[0].data["text/plain"] == "2"  # stopped before the third batch
