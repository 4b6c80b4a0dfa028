"""Batch-norm recalibration: running statistics recomputed from data for the final weights."""

import pytest
import torch

from apparel_lib import ApparelError, build_model, recalibrate_batchnorm


def _stale_cnn():
    model = build_model("tutorial-cnn", seed=0)
    for bn in (model.cnn_layers[1], model.cnn_layers[5]):
        bn.running_mean.fill_(5.0)
        bn.running_var.fill_(9.0)
    return model


def test_running_statistics_match_the_data():
    model = _stale_cnn()
    x = torch.rand(64, 1, 28, 28, generator=torch.Generator().manual_seed(0))
    before = {k: v.clone() for k, v in model.state_dict().items() if "running" not in k and "num_batches" not in k}
    recalibrate_batchnorm(model, x, batch_size=16)
    bn = model.cnn_layers[1]
    with torch.no_grad():
        conv = model.cnn_layers[0](x)
    # Four equal batches, averaged cumulatively: the mean of batch means is the overall mean.
    assert torch.allclose(bn.running_mean, conv.mean(dim=(0, 2, 3)), atol=1e-5)
    batch_vars = torch.stack([conv[i:i + 16].var(dim=(0, 2, 3), unbiased=True) for i in range(0, 64, 16)])
    assert torch.allclose(bn.running_var, batch_vars.mean(0), atol=1e-5)
    assert bn.momentum == 0.1 and not model.training
    after = model.state_dict()
    assert all(torch.equal(v, after[k]) for k, v in before.items()), "weights must not change"


def test_recalibration_changes_eval_mode_answers_only_through_statistics():
    model = _stale_cnn()
    x = torch.rand(40, 1, 28, 28, generator=torch.Generator().manual_seed(1))
    model.eval()
    stale = model(x)
    recalibrate_batchnorm(model, x, batch_size=40)
    with torch.no_grad():
        fresh = model(x)
        model.train()
        batch_way = model(x)
    assert not torch.allclose(stale, fresh, atol=1e-3)
    # With one batch of the same pictures, eval mode now normalises almost as training mode does
    # (the only difference: unbiased against biased variance).
    assert torch.allclose(fresh, batch_way, atol=5e-2)


def test_bad_input_is_a_clear_error():
    with pytest.raises(ApparelError, match="no batch-norm"):
        recalibrate_batchnorm(build_model("plain"), torch.rand(4, 1, 28, 28))
    with pytest.raises(ApparelError, match="at least 2"):
        recalibrate_batchnorm(build_model("tutorial-cnn"), torch.rand(4, 1, 28, 28), batch_size=1)
