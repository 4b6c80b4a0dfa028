"""Checkpoints: a faithful round trip, weights_only loading, clear errors, atomic writes."""

import pytest
import torch

from apparel_lib.errors import CheckpointError
from apparel_lib.models.registry import build_model
from apparel_lib.training.checkpoint import load_checkpoint, save_checkpoint
from apparel_lib.training.evaluate import predict
from apparel_lib.training.loop import train
from apparel_lib.training.recipes import get_recipe


@pytest.fixture(scope="module")
def trained(tiny_splits):
    model = build_model("tutorial-cnn", seed=5)
    recipe = get_recipe("tutorial", "tutorial-cnn").replace(epochs=3)
    history = train(model, tiny_splits, recipe, seed=5, progress=False)
    return model, recipe, history


def test_round_trip_keeps_weights_and_provenance(trained, tiny_splits, tmp_path):
    model, recipe, history = trained
    path = save_checkpoint(tmp_path / "cnn.pt", model, recipe=recipe, history=history, fingerprint="abc123", seed=5)
    ckpt = load_checkpoint(path)
    assert (ckpt.model_name, ckpt.recipe, ckpt.history, ckpt.fingerprint, ckpt.seed) == ("tutorial-cnn", recipe, history, "abc123", 5)
    assert torch.equal(predict(ckpt.model, tiny_splits.x_val), predict(model, tiny_splits.x_val))
    assert not ckpt.model.training
    # the file needs nothing beyond weights_only loading
    assert torch.load(path, weights_only=True)["model_name"] == "tutorial-cnn"


def test_options_survive(tmp_path, tiny_splits):
    model = build_model("plain", hidden=16)
    history = train(model, tiny_splits, get_recipe("minibatch", "plain").replace(epochs=1), progress=False)
    ckpt = load_checkpoint(save_checkpoint(tmp_path / "a.pt", model, recipe=get_recipe("minibatch", "plain"), history=history, fingerprint="f"))
    assert ckpt.model.hidden.out_features == 16


def test_wrong_model_is_a_clear_error(trained, tmp_path):
    model, recipe, history = trained
    path = save_checkpoint(tmp_path / "cnn.pt", model, recipe=recipe, history=history, fingerprint="f")
    with pytest.raises(CheckpointError, match="holds a 'tutorial-cnn' model, not 'plain'"):
        load_checkpoint(path, model_name="plain")


def test_weights_that_do_not_fit_the_model(trained, tmp_path):
    model, recipe, history = trained
    path = save_checkpoint(tmp_path / "cnn.pt", model, recipe=recipe, history=history, fingerprint="f")
    payload = torch.load(path, weights_only=True)
    payload["model_name"] = "plain"
    torch.save(payload, path)
    with pytest.raises(CheckpointError, match="does not fit model 'plain'"):
        load_checkpoint(path)


@pytest.mark.parametrize("content", [b"", b"not a checkpoint at all", None])
def test_corrupt_or_missing_checkpoint(trained, tmp_path, content):
    path = tmp_path / "bad.pt"
    if content is None:  # a real checkpoint cut in half
        model, recipe, history = trained
        save_checkpoint(path, model, recipe=recipe, history=history, fingerprint="f")
        path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    else:
        path.write_bytes(content)
    with pytest.raises(CheckpointError, match="not a readable checkpoint") as err:
        load_checkpoint(path)
    assert "\n" not in str(err.value)
    with pytest.raises(CheckpointError, match="not found"):
        load_checkpoint(tmp_path / "missing.pt")


def test_foreign_torch_file_is_refused(tmp_path):
    path = tmp_path / "other.pt"
    torch.save({"weights": torch.zeros(2)}, path)
    with pytest.raises(CheckpointError, match="not an apparel_lib checkpoint"):
        load_checkpoint(path)


def test_failed_save_keeps_the_old_checkpoint(trained, tmp_path, monkeypatch):
    model, recipe, history = trained
    path = save_checkpoint(tmp_path / "cnn.pt", model, recipe=recipe, history=history, fingerprint="good")
    before = path.read_bytes()

    def broken_save(obj, f):
        f.write(b"half a file")
        raise OSError("disk full")

    monkeypatch.setattr(torch, "save", broken_save)
    with pytest.raises(OSError, match="disk full"):
        save_checkpoint(path, model, recipe=recipe, history=history, fingerprint="new")
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["cnn.pt"]


@pytest.mark.parametrize("drop", ["model_name", "model_options", "state_dict", "recipe", "history", "fingerprint"])
def test_a_checkpoint_missing_a_field_is_one_clear_error(trained, tmp_path, drop):
    model, recipe, history = trained
    path = save_checkpoint(tmp_path / "cnn.pt", model, recipe=recipe, history=history, fingerprint="f")
    payload = torch.load(path, weights_only=True)
    del payload[drop]
    torch.save(payload, path)
    with pytest.raises(CheckpointError) as err:
        load_checkpoint(path)
    assert "\n" not in str(err.value) and "train again" in str(err.value)


def test_the_data_variant_is_recorded(trained, tmp_path):
    from apparel_lib.data.variants import DataVariant

    model, recipe, history = trained
    variant = DataVariant(permutation_seed=3)
    path = save_checkpoint(tmp_path / "cnn.pt", model, recipe=recipe, history=history, fingerprint="f", data=variant)
    assert load_checkpoint(path).data == variant
