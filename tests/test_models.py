"""The models: shapes, parameter counts, seeded construction, registry errors."""

import pytest
import torch

from apparel_lib.errors import ApparelError
from apparel_lib.models.registry import MODELS, build_model, count_parameters, model_options, register_model


def test_registry_names():
    assert set(MODELS) == {"linear", "plain", "tutorial-cnn", "cnn", "best-cnn", "speedrun-cnn"}


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


def _legacy_convnet_features(stages, pool_first):
    """The feature layers ConvNet built before kernel_size, downsample and batch_norm existed."""
    from apparel_lib.models.convnet import parse_stages

    layers, channels = [], 1
    for stage in parse_stages(stages):
        for width in stage:
            layers += [torch.nn.Conv2d(channels, width, 3, padding=1, bias=False), torch.nn.BatchNorm2d(width), torch.nn.ReLU(inplace=True)]
            channels = width
        layers.insert(len(layers) - 2, torch.nn.MaxPool2d(2)) if pool_first else layers.append(torch.nn.MaxPool2d(2))
    return torch.nn.Sequential(*layers)


@pytest.mark.parametrize("name", ["cnn", "best-cnn"])
def test_exercise_options_leave_the_default_network_and_its_options_as_they_were(name):
    model = build_model(name)
    legacy = _legacy_convnet_features(model.options["stages"], model.options["pool_first"])
    assert str(model.features) == str(legacy)
    assert count_parameters(model) == {"cnn": 3_136 * 10 + 10 + 288 + 64 + 18_432 + 128, "best-cnn": 85_418}[name]
    # Left out of the full options at their defaults: the stored runs' keys do not change.
    assert not {"kernel_size", "downsample", "batch_norm"} & set(model.options)
    assert build_model(name, kernel_size=3, downsample="pool", batch_norm=True).options == model.options


def test_kernel_size_changes_every_convolution_and_keeps_the_map_size():
    model = build_model("cnn", stages="4|8", kernel_size=5)
    convs = [m for m in model.features if isinstance(m, torch.nn.Conv2d)]
    assert [(c.kernel_size, c.padding) for c in convs] == [((5, 5), (2, 2))] * 2
    assert model.head[-1].in_features == 8 * 7 * 7
    assert model.options["kernel_size"] == 5
    # 1*4*25 + 8 (batch norm) + 4*8*25 + 16 + 392*10 + 10
    assert count_parameters(model) == 100 + 8 + 800 + 16 + 3_920 + 10


def test_strided_convolutions_replace_the_max_pools():
    model = build_model("cnn", stages="4|8,8|16", downsample="stride")
    assert not any(isinstance(m, torch.nn.MaxPool2d) for m in model.features)
    convs = [m for m in model.features if isinstance(m, torch.nn.Conv2d)]
    assert [c.stride for c in convs] == [(2, 2), (1, 1), (2, 2), (2, 2)]  # the last of each stage
    assert model.head[-1].in_features == 16 * 4 * 4  # 28 -> 14 -> 7 -> 4 (a stride rounds up)
    assert model(torch.rand(3, 1, 28, 28)).shape == (3, 10)


def test_without_batch_norm_the_convolutions_keep_their_biases():
    for pool_first in (False, True):
        model = build_model("cnn", stages="4|4", batch_norm=False, pool_first=pool_first)
        kinds = [type(m).__name__ for m in model.features]
        expected = ["Conv2d", "MaxPool2d", "ReLU"] if pool_first else ["Conv2d", "ReLU", "MaxPool2d"]
        assert kinds == expected * 2
        assert all(c.bias is not None for c in model.features if isinstance(c, torch.nn.Conv2d))
        # The tutorial's CNN without its batch norms: 2,174 - 2 * 8.
        assert count_parameters(model) == 2_158


@pytest.mark.parametrize(
    "options, words",
    [
        ({"kernel_size": 4}, "odd positive"),
        ({"kernel_size": 0}, "odd positive"),
        ({"downsample": "avg"}, "'pool'"),
        ({"downsample": "stride", "pool_first": True}, "pool_first=False"),
    ],
)
def test_bad_exercise_options_are_one_line_errors(options, words):
    with pytest.raises(ApparelError, match=words) as err:
        build_model("cnn", **options)
    assert "\n" not in str(err.value)


def test_best_cnn_takes_the_exercise_options():
    model = build_model("best-cnn", downsample="stride", pool_first=False, batch_norm=False, kernel_size=5)
    assert model(torch.rand(2, 1, 28, 28)).shape == (2, 10)


def test_a_checkpoint_keeps_the_exercise_options(tmp_path):
    from apparel_lib.training.checkpoint import load_checkpoint, save_checkpoint
    from apparel_lib.training.history import History
    from apparel_lib.training.recipes import get_recipe

    model = build_model("cnn", stages="4|8", kernel_size=5, downsample="stride", batch_norm=False)
    path = save_checkpoint(tmp_path / "m.pt", model, recipe=get_recipe("minibatch", "cnn"), history=History(), fingerprint="f", seed=0)
    loaded = load_checkpoint(path).model
    assert loaded.options == model.options and str(loaded) == str(model)
    x = torch.rand(2, 1, 28, 28)
    assert torch.equal(loaded.eval()(x), model.eval()(x))


def test_speedrun_cnn_judges_a_picture_with_its_mirror_image():
    model = build_model("speedrun-cnn", seed=0)
    x = torch.rand(4, 1, 28, 28, generator=torch.Generator().manual_seed(0))
    model.eval()
    with torch.no_grad():
        both = model(x)
        assert torch.allclose(both, model(x.flip(-1)), atol=1e-6)  # the two views' consensus is mirror-blind
        model.test_flip = False
        one, mirrored = model(x), model(x.flip(-1))
    expected = ((one.softmax(1) + mirrored.softmax(1)) / 2).log()
    assert torch.allclose(both, expected, atol=1e-5)
    assert torch.allclose(both.exp().sum(1), torch.ones(4), atol=1e-5)  # log-probabilities
    model.train()
    assert model(x).shape == (4, 10)  # training sees one view
    widths = [m.out_channels for m in model.modules() if isinstance(m, torch.nn.Conv2d)]
    assert widths == [16, 32, 64, 128]  # four stages, one convolution each
    assert not [m for m in model.modules() if isinstance(m, torch.nn.Dropout) and m.p > 0]
