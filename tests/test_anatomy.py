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
    model = build_model("article-cnn", seed=0).train()
    rows = shape_trace(model, torch.zeros(2, 1, 28, 28))
    assert [r["type"] for r in rows] == ["Conv2d", "BatchNorm2d", "ReLU", "MaxPool2d"] * 2 + ["Linear"]
    assert rows[0]["output"] == (2, 4, 28, 28) and rows[3]["output"] == (2, 4, 14, 14)
    assert rows[7]["output"] == (2, 4, 7, 7) and rows[8]["input"] == (2, 196)
    assert [r["parameters"] for r in rows if r["parameters"]] == [40, 8, 148, 8, 1970]
    assert model.training, "the model's mode must be restored"


def test_receptive_fields_grow_through_the_blocks():
    rows = receptive_fields(build_model("article-cnn"))
    assert [r["receptive field"] for r in rows] == [3, 4, 8, 10]
    assert [r["jump"] for r in rows] == [1, 2, 2, 4]
    with pytest.raises(ApparelError, match="no convolution"):
        receptive_fields(nn.Linear(3, 2))
