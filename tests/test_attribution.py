"""Which pixels mattered, with Captum: on tiny seeded models whose answer is known."""

import pytest
import torch
from torch import nn

from apparel_lib import build_model
from apparel_lib.errors import ApparelError
from apparel_lib.models.attribution import ProbabilityOf, gradient_map, occlusion_map


def linear_ignoring_the_right_half(seed=0):
    """A linear model whose weights on the right half of the picture are zero."""
    torch.manual_seed(seed)
    model = nn.Sequential(nn.Flatten(), nn.Linear(28 * 28, 10))
    with torch.no_grad():
        model[1].weight.view(10, 28, 28)[:, :, 14:] = 0
    return model


def test_occlusion_of_ignored_pixels_is_zero():
    model = linear_ignoring_the_right_half()
    x = torch.rand(2, 1, 28, 28)
    maps = occlusion_map(model, x, torch.tensor([3, 7]), patch=2, stride=2)
    assert maps.shape == (2, 28, 28)
    assert maps[:, :, 14:].abs().max() < 1e-6  # zero up to float rounding (batched softmax)
    assert (maps[:, :, :14].abs() > 1e-4).float().mean() > 0.9


def test_occlusion_is_the_drop_in_probability():
    model = linear_ignoring_the_right_half()
    x = torch.rand(1, 1, 28, 28)
    maps = occlusion_map(model, x, 5, patch=4, stride=4)  # patches do not overlap: one value per patch
    covered = x.clone()
    covered[..., 8:12, 4:8] = 0
    p = ProbabilityOf(model)
    with torch.no_grad():
        drop = p(x)[0, 5] - p(covered)[0, 5]
    assert torch.allclose(maps[0, 8:12, 4:8], drop.expand(4, 4), atol=1e-6)


def test_integrated_gradients_add_up_to_the_change_and_ignore_unused_pixels():
    model = linear_ignoring_the_right_half()
    x = torch.rand(3, 1, 28, 28)
    maps = gradient_map(model, x, 2, steps=64)
    assert maps.shape == (3, 28, 28) and torch.all(maps[:, :, 14:] == 0)
    p = ProbabilityOf(model)
    with torch.no_grad():
        change = p(x)[:, 2] - p(torch.zeros_like(x))[:, 2]
    assert torch.allclose(maps.sum(dim=(1, 2)), change, atol=1e-3)


def test_maps_on_a_cnn_with_inplace_relus_leave_the_model_as_it_was():
    model = build_model("best-cnn", seed=0).train()
    before = {k: v.clone() for k, v in model.state_dict().items()}
    x = torch.rand(2, 1, 28, 28)
    assert occlusion_map(model, x, 1).shape == gradient_map(model, x, 1, steps=8).shape == (2, 28, 28)
    assert model.training
    assert all(torch.equal(before[k], v) for k, v in model.state_dict().items())


def test_bad_shape_is_a_one_line_error():
    with pytest.raises(ApparelError, match=r"shape \(N, 1, H, W\)"):
        occlusion_map(linear_ignoring_the_right_half(), torch.rand(28, 28), 0)
