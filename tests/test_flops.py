"""FLOP counts: exact for a linear model, proportional to work, and the model is left untouched."""

import pytest
import torch

from apparel_lib.errors import ApparelError
from apparel_lib.models.registry import build_model
from apparel_lib.training.flops import run_flops, step_flops
from apparel_lib.training.recipes import get_recipe


def test_linear_model_counts_are_exact():
    model = build_model("linear")
    # forward: a 784x10 matrix product, 2 operations per multiply-add; backward: the weight's
    # gradient only (the pictures need none), the same size again
    assert step_flops(model, train_mode=False) == 2 * 784 * 10
    assert step_flops(model, train_mode=True) == 2 * 2 * 784 * 10


def test_counts_do_not_depend_on_the_batch_and_scale_with_the_run():
    model = build_model("best-cnn")
    assert step_flops(model, batch_size=8) == pytest.approx(step_flops(model, batch_size=32))
    recipe = get_recipe("best", "best-cnn")
    one = run_flops(model, recipe, train_size=1000, val_size=100, epochs=1)
    two = run_flops(model, recipe, train_size=2000, val_size=100, epochs=2)
    assert two.training == pytest.approx(4 * one.training)
    assert two.evaluation == pytest.approx(2 * one.evaluation)
    assert two.total == two.training + two.evaluation
    assert "TFLOPs" in str(two)


def test_wider_model_costs_more_and_the_model_is_untouched():
    narrow, wide = build_model("cnn", stages="8|8"), build_model("cnn", stages="16|16")
    before = {k: v.clone() for k, v in narrow.state_dict().items()}
    assert step_flops(wide) > 3 * step_flops(narrow)
    assert all(torch.equal(before[k], v) for k, v in narrow.state_dict().items())
    assert narrow.training  # its mode is kept


def test_bad_sizes_get_a_clear_error():
    with pytest.raises(ApparelError, match="batch_size"):
        step_flops(build_model("linear"), batch_size=0)
    with pytest.raises(ApparelError, match="training pictures"):
        run_flops(build_model("linear"), get_recipe("minibatch", "linear"), train_size=0, val_size=10)
