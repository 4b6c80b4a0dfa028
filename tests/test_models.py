"""The models: shapes, parameter counts, seeded construction, registry errors."""

import pytest
import torch

from apparel_lib.errors import ApparelError
from apparel_lib.models.registry import MODELS, build_model, count_parameters, model_options, register_model


def test_registry_names():
    assert set(MODELS) == {"linear", "plain", "tutorial-cnn", "cnn", "best-cnn"}


@pytest.mark.parametrize("name", ["linear", "plain", "tutorial-cnn", "cnn", "best-cnn"])
def test_output_shape(name):
    model = build_model(name)
    assert model(torch.rand(5, 1, 28, 28)).shape == (5, 10)


def test_parameter_counts_match_the_tutorial():
    # plain: 784*500 + 500 + 500*10 + 10; tutorial-cnn: 40 + 8 + 148 + 8 + 1970
    assert count_parameters(build_model("plain")) == 397_510
    assert count_parameters(build_model("tutorial-cnn")) == 2_174


def test_tutorial_cnn_layers_follow_the_tutorial():
    model = build_model("tutorial-cnn")
    kinds = [type(m).__name__ for m in model.cnn_layers]
    assert kinds == ["Conv2d", "BatchNorm2d", "ReLU", "MaxPool2d"] * 2
    conv = model.cnn_layers[0]
    assert (conv.kernel_size, conv.stride, conv.padding, conv.out_channels) == ((3, 3), (1, 1), (1, 1), 4)
    assert model.linear_layers[0].in_features == 4 * 7 * 7


def test_convnet_stages_build_the_described_network():
    model = build_model("cnn", stages="4|4")
    convs = [m for m in model.features if isinstance(m, torch.nn.Conv2d)]
    assert [c.out_channels for c in convs] == [4, 4] and all(c.bias is None for c in convs)
    # Without the conv biases that batch norm cancels, "4|4" is the tutorial's CNN: 2,174 - 8.
    assert count_parameters(model) == 2_166
    best = build_model("best-cnn")
    assert [c.out_channels for c in best.features if isinstance(c, torch.nn.Conv2d)] == [32, 48, 48, 96]
    assert count_parameters(best) == 85_418  # 288+64, 13,824+96, 20,736+96, 41,472+192, 864*10+10
    deep = build_model("cnn", stages="8|16|32", dense_layers=2, hidden=20)
    assert [m.out_features for m in deep.head if isinstance(m, torch.nn.Linear)] == [20, 20, 10]
    assert deep(torch.rand(2, 1, 28, 28)).shape == (2, 10)


@pytest.mark.parametrize("stages", ["", "32|", "a|b", "0|4", "4|4|4|4|4", None])
def test_bad_stages_are_one_line_errors(stages):
    with pytest.raises(ApparelError, match="e.g. '32|64,64|128'") as err:
        build_model("cnn", stages=stages)
    assert "\n" not in str(err.value)


def test_options_change_the_architecture():
    assert count_parameters(build_model("plain", hidden=10)) == 784 * 10 + 10 + 10 * 10 + 10
    assert build_model("tutorial-cnn", filters=8).cnn_layers[0].out_channels == 8


def test_same_seed_same_weights_and_global_rng_untouched():
    torch.manual_seed(123)
    before = torch.rand(1)
    torch.manual_seed(123)
    a, b, c = build_model("tutorial-cnn", seed=1), build_model("tutorial-cnn", seed=1), build_model("tutorial-cnn", seed=2)
    after = torch.rand(1)
    assert torch.equal(before, after)
    for pa, pb, pc in zip(a.parameters(), b.parameters(), c.parameters()):
        assert torch.equal(pa, pb)
    assert any(not torch.equal(pa, pc) for pa, pc in zip(a.parameters(), c.parameters()) if pa.dim() > 1)


def test_unknown_model_is_one_clear_line():
    with pytest.raises(ApparelError, match="unknown model 'lenet'.*linear, plain, tutorial-cnn"):
        build_model("lenet")


def test_models_record_name_and_all_options():
    model = build_model("tutorial-cnn", filters=8)
    assert (model.name, model.options) == ("tutorial-cnn", {"filters": 8})
    assert build_model("plain").options == {"hidden": 500}
    assert model_options("linear") == {} and model_options("plain") == {"hidden": 500}
    assert count_parameters(build_model("linear")) == 784 * 10 + 10


def test_unknown_option_is_one_line_value_error():
    with pytest.raises(ValueError, match="model 'plain' has no option 'filters': its options are hidden") as info:
        build_model("plain", filters=3)
    assert "\n" not in str(info.value)


def test_register_a_model_of_your_own():
    @register_model("tiny-test-net")
    class Tiny(torch.nn.Module):
        def __init__(self, width: int = 2) -> None:
            super().__init__()
            self.layer = torch.nn.Linear(784, width)

        def forward(self, x):
            return self.layer(x.flatten(1))

    try:
        model = build_model("tiny-test-net", width=3, seed=1)
        assert model.options == {"width": 3} and model(torch.rand(2, 1, 28, 28)).shape == (2, 3)
        assert torch.equal(model.layer.weight, build_model("tiny-test-net", width=3, seed=1).layer.weight)
    finally:
        del MODELS["tiny-test-net"]


def test_pool_first_computes_the_same_function_when_batch_norm_scales_up():
    """Max-pool commutes with batch norm (a positive scale) and ReLU: in evaluation mode, pooling
    first gives exactly the outputs of pooling last, on a quarter of the values; a negative scale
    breaks it."""
    torch.manual_seed(0)
    last, first = build_model("cnn", stages="4|8,8"), build_model("cnn", stages="4|8,8", pool_first=True)
    for module in last.modules():
        if isinstance(module, torch.nn.BatchNorm2d):
            module.weight.data.uniform_(0.5, 2.0)
            module.running_mean.uniform_(-1, 1)
            module.running_var.uniform_(0.5, 2.0)
    for to, src in zip([*first.parameters(), *first.buffers()], [*last.parameters(), *last.buffers()]):
        to.data.copy_(src.data)
    x = torch.rand(5, 1, 28, 28)
    last.eval(), first.eval()
    with torch.no_grad():
        assert torch.equal(first(x), last(x))
        next(m for m in first.modules() if isinstance(m, torch.nn.BatchNorm2d)).weight[0] = -1.0
        next(m for m in last.modules() if isinstance(m, torch.nn.BatchNorm2d)).weight[0] = -1.0
        assert not torch.allclose(first(x), last(x))
    assert [type(m).__name__ for m in first.features][:4] == ["Conv2d", "MaxPool2d", "BatchNorm2d", "ReLU"]
