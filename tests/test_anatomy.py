"""Looking inside networks: output sizes, shape traces, receptive fields."""

import pytest
import torch
from torch import nn

from apparel_lib import ApparelError, build_model, conv_output_size, receptive_fields, shape_trace


def test_conv_output_size_formula():
    assert conv_output_size(28, 3, padding=1) == 28
    assert conv_output_size(28, 2, stride=2) == 14
    assert conv_output_size(28, 5) == 24
    assert conv_output_size(7, 3, stride=2) == 3
    with pytest.raises(ApparelError, match="does not fit"):
        conv_output_size(2, 5)


def test_shape_trace_of_the_tutorial_cnn():
    model = build_model("tutorial-cnn", seed=0).train()
    rows = shape_trace(model, torch.zeros(2, 1, 28, 28))
    assert [r["type"] for r in rows] == ["Conv2d", "BatchNorm2d", "ReLU", "MaxPool2d"] * 2 + ["Linear"]
    assert rows[0]["output"] == (2, 4, 28, 28) and rows[3]["output"] == (2, 4, 14, 14)
    assert rows[7]["output"] == (2, 4, 7, 7) and rows[8]["input"] == (2, 196)
    assert [r["parameters"] for r in rows if r["parameters"]] == [40, 8, 148, 8, 1970]
    assert model.training, "the model's mode must be restored"


def test_receptive_fields_grow_through_the_blocks():
    rows = receptive_fields(build_model("tutorial-cnn"))
    assert [r["receptive field"] for r in rows] == [3, 4, 8, 10]
    assert [r["jump"] for r in rows] == [1, 2, 2, 4]
    with pytest.raises(ApparelError, match="no convolution"):
        receptive_fields(nn.Linear(3, 2))


def test_receptive_fields_of_best_cnn_with_padding():
    from apparel_lib.models.anatomy import receptive_box

    model = build_model("best-cnn")
    rows = receptive_fields(model)
    assert [r["type"] for r in rows] == ["Conv2d", "MaxPool2d", "Conv2d", "Conv2d", "MaxPool2d", "Conv2d", "MaxPool2d"]
    assert [r["receptive field"] for r in rows] == [3, 4, 8, 12, 14, 22, 26]
    assert [r["start"] for r in rows] == [-1, -1, -3, -5, -5, -9, -9]
    # a 3x3 padded conv: unit (0, 0) sees the corner 2x2 (the rest is padding), unit (5, 7) a 3x3 around it
    assert receptive_box(model, "features.0", 0, 0) == (0, 0, 2, 2)
    assert receptive_box(model, "features.0", 5, 7) == (4, 6, 7, 9)
    # the middle unit of the last conv (7x7 map) sees 22x22 pixels centred on the picture's middle
    assert receptive_box(model, "features.11", 3, 3) == (3, 3, 25, 25)
    # the middle unit after the last pool (3x3 maps) sees all 26x26 of its field, one row and
    # column of it on the padding: 25x25 pixels of the picture
    assert receptive_box(model, "features.12", 1, 1, clip=False) == (-1, -1, 25, 25)
    assert receptive_box(model, "features.12", 1, 1) == (0, 0, 25, 25)
    # batch norm and ReLU see what the layer before them sees: here the pool after the first conv
    assert receptive_box(model, "features.2", 1, 1) == receptive_box(model, "features.3", 1, 1) == (1, 1, 5, 5)
    assert receptive_box(model, "features.1", 1, 1) == (1, 1, 5, 5)
    with pytest.raises(ApparelError, match="not a convolution, pooling, batch norm or activation layer"):
        receptive_box(model, "head.2", 0, 0)
    with pytest.raises(ApparelError, match="use one of features.0"):
        receptive_box(model, "nope", 0, 0)


def test_receptive_box_matches_the_gradient():
    """The pixels whose change can move a unit are exactly those in its box."""
    from apparel_lib.models.anatomy import receptive_box

    model = build_model("cnn", seed=0, stages="4|4").eval()
    # a fixed picture: max pooling passes the gradient to one pixel per window, so with some
    # random pictures an edge row of the box gets none (the test then failed at random)
    x = torch.rand(1, 1, 28, 28, generator=torch.Generator().manual_seed(0), requires_grad=True)
    model.features[:5](x)[0, 0, 3, 5].backward()  # conv, bn, relu, pool, conv: unit (3, 5) of the second conv
    touched = x.grad[0, 0].abs() > 0
    rows, cols = touched.any(1).nonzero().flatten(), touched.any(0).nonzero().flatten()
    seen = (int(rows[0]), int(cols[0]), int(rows[-1]) + 1, int(cols[-1]) + 1)
    assert seen == receptive_box(model, "features.4", 3, 5)


def test_activation_layers_of_the_convnet():
    from apparel_lib.models.anatomy import activation_layers

    assert activation_layers(build_model("best-cnn")) == {
        "conv 1": "features.3", "conv 2": "features.6", "conv 3": "features.10", "conv 4": "features.14"}
    assert list(activation_layers(build_model("tutorial-cnn"))) == ["conv 1", "conv 2"]
    with pytest.raises(ApparelError, match="no convolution"):
        activation_layers(nn.Linear(3, 2))


def test_capture_maps_copies_before_an_inplace_relu_rewrites():
    from apparel_lib.models.anatomy import capture_maps

    torch.manual_seed(0)
    model = nn.Sequential(nn.Conv2d(1, 4, 3, padding=1), nn.BatchNorm2d(4), nn.ReLU(inplace=True)).train()
    x = torch.randn(2, 1, 8, 8)
    maps = capture_maps(model, x, ["1"])  # the batch norm's output, which the in-place ReLU then rectifies
    assert model.training, "the model's mode must be restored"
    assert maps["1"].shape == (2, 4, 8, 8) and (maps["1"] < 0).any(), "the copy keeps the negative values"
    with torch.no_grad():
        expected = model.eval()[:2](x)
    assert torch.equal(maps["1"], expected)
    # without the copy, the stored tensor is the one the ReLU then rewrote: no negative value is left
    kept = {}
    handle = model[1].register_forward_hook(lambda m, i, out: kept.update(bn=out.detach()))
    with torch.no_grad():
        model(x)
    handle.remove()
    assert not (kept["bn"] < 0).any() and not torch.equal(kept["bn"], expected)
    with pytest.raises(ApparelError, match="no layer 'nope'"):
        capture_maps(model, x, ["nope"])


def test_capture_maps_defaults_to_every_activation():
    from apparel_lib.models.anatomy import capture_maps

    maps = capture_maps(build_model("best-cnn", seed=0), torch.rand(3, 1, 28, 28))
    assert {k: tuple(v.shape) for k, v in maps.items()} == {
        "features.3": (3, 32, 14, 14), "features.6": (3, 48, 14, 14),
        "features.10": (3, 48, 7, 7), "features.14": (3, 96, 3, 3)}
    assert all((v >= 0).all() for v in maps.values())
