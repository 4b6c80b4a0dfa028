"""Where a step's time goes: operator names map to their groups, and a profiled step's groups add up to it."""

import pytest

from apparel_lib.errors import ApparelError
from apparel_lib.models.registry import build_model
from apparel_lib.training.operators import DATA_SCOPE, GROUPS, op_group, profile_steps
from apparel_lib.training.recipes import get_recipe


@pytest.mark.parametrize("names,group", [
    (["aten::conv2d", "aten::convolution", "aten::mkldnn_convolution"], "convolution"),
    (["autograd::engine::evaluate_function: ConvolutionBackward0", "aten::convolution_backward", "aten::empty"],
     "convolution"),
    (["aten::linear", "aten::addmm"], "convolution"),
    (["aten::batch_norm", "aten::native_batch_norm"], "normalisation and activation"),
    (["ReluBackward0", "aten::threshold_backward"], "normalisation and activation"),
    (["aten::max_pool2d", "aten::max_pool2d_with_indices"], "pooling"),
    (["Optimizer.step#AdamW.step", "aten::_foreach_mul_"], "optimiser"),
    (["Optimizer.zero_grad#AdamW.zero_grad"], "optimiser"),
    ([DATA_SCOPE, "aten::index", "aten::flip"], "data"),
    (["aten::cross_entropy_loss", "aten::log_softmax"], "other"),
    (["aten::made_up_operator"], "other"),
])
def test_operators_map_to_their_groups(names, group):
    assert op_group(names) == group


def test_a_span_decides_before_an_operator_name():
    # a matrix product inside the optimiser's step is the optimiser's time
    assert op_group(["Optimizer.step#SGD.step", "aten::mm"]) == "optimiser"


def test_a_profiled_step_adds_up_to_the_step(tiny_splits):
    recipe = get_recipe("best", "best-cnn").replace(batch_size=64)
    profile = profile_steps(build_model("cnn", stages="8|8"), tiny_splits, recipe, steps=3, warmup=1)
    assert list(profile.groups) == list(GROUPS) and profile.steps == 3
    ops = sum(profile.groups.values())
    # each operator counted once (its own time): together they fit in the step, and fill most of it
    assert 0.5 * profile.seconds < ops <= 1.02 * profile.seconds, (ops, profile.seconds)
    assert profile.groups["convolution"] > 0 and profile.groups["optimiser"] > 0 and profile.groups["data"] > 0
    assert list(profile.parts()) == [*GROUPS, "between operators"]
    assert sum(profile.shares().values()) == pytest.approx(1.0)
    with pytest.raises(ApparelError, match="steps of at least 1"):
        profile_steps(build_model("cnn", stages="8|8"), tiny_splits, recipe, steps=0)


def test_the_innermost_named_operator_decides():
    # an activation a convolution calls is the activation's time
    assert op_group(["aten::conv2d", "aten::relu", "aten::clamp_min"]) == "normalisation and activation"
