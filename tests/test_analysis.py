"""Reading many runs and probing trained models: seed summaries, shifts, flips, rewired plain networks."""

import math

import numpy as np
import pytest
import torch

from apparel_lib import build_model, permute_pixels, pixel_permutation, predict
from apparel_lib.models.rewire import permute_input_weights
from apparel_lib.runs.compare import summarize
from apparel_lib.training.probes import flip_accuracy, shift_accuracy
from tests.helpers import hand_result


def _result(model="plain", hidden=3, seed=0, val=0.5, test=0.4, seconds=4.0):
    return hand_result(model, options={"hidden": hidden}, seed=seed, val=val, test=test, seconds=seconds,
                       parameters=hidden * 10, key=f"k{hidden}{seed}")


def test_summarize_means_and_spread_per_group():
    runs = [_result(seed=s, val=v) for s, v in enumerate([0.5, 0.6, 0.7])] + [_result(hidden=9, val=0.8)]
    table = summarize(runs, by=["model", "hidden"])
    assert list(table["hidden"]) == [3, 9] and list(table["seeds"]) == [3, 1]
    assert table["val_acc"][0] == pytest.approx(0.6) and table["val_sd"][0] == pytest.approx(0.1)
    assert math.isnan(table["val_sd"][1]) and table["s_per_epoch"][0] == pytest.approx(2.0)
    assert table["parameters"].tolist() == [30, 90]


def test_summarize_bad_input_is_a_one_line_error():
    with pytest.raises(ValueError, match="no results"):
        summarize([])
    with pytest.raises(ValueError, match="no column 'colour'"):
        summarize([_result()], by=["colour"])


def test_rewired_plain_network_reads_shuffled_pixels_exactly():
    x = torch.rand(20, 1, 28, 28, generator=torch.Generator().manual_seed(0))
    perm = pixel_permutation(3)
    for name, options in (("plain", {"hidden": 7}), ("linear", {})):
        model = build_model(name, seed=1, **options).eval()
        rewired = permute_input_weights(model, perm)
        shuffled = permute_pixels(x, perm)
        assert torch.allclose(rewired(shuffled), model(x), atol=1e-5)
        assert torch.equal(predict(rewired, shuffled), predict(model, x))
        assert not torch.allclose(model(shuffled), model(x), atol=1e-3)  # without rewiring it differs


def test_rewiring_refuses_a_cnn_and_a_bad_permutation():
    with pytest.raises(ValueError, match="plain network"):
        permute_input_weights(build_model("tutorial-cnn", filters=16), pixel_permutation(0))
    with pytest.raises(ValueError, match="exactly once"):
        permute_input_weights(build_model("linear"), np.zeros(784, dtype=int))


class _LeftHalf(torch.nn.Module):
    """Class 1 when the left half of the picture is brighter than the right, else class 0."""

    def forward(self, x):
        left, right = x[..., :14].sum((1, 2, 3)), x[..., 14:].sum((1, 2, 3))
        return torch.stack([right, left], dim=1)

    def parameters(self, recurse=True):
        return iter([torch.zeros(1)])


def test_shift_and_flip_accuracy_follow_the_pictures():
    x = torch.zeros(4, 1, 28, 28)
    x[..., 10:18, 8:13] = 1.0  # a bar a little left of the centre: class 1
    y = torch.ones(4, dtype=torch.long)
    curve = shift_accuracy(_LeftHalf(), x, y, shifts=[0, 2, 4])
    assert list(curve.index) == [0, 2, 4] and curve[0] == 1.0
    assert curve[4] == pytest.approx(0.75)  # moved right by 4, the bar straddles the middle: wrong
    flips = flip_accuracy(_LeftHalf(), x, y)
    assert flips["as they are"] == 1.0 and flips["mirrored left-right"] == 0.0 and flips["upside down"] == 1.0
    with pytest.raises(ValueError, match="0 or more"):
        shift_accuracy(_LeftHalf(), x, y, shifts=[-1])
