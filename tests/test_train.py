"""Training: the loss falls, the same seed repeats exactly, the history is complete, devices are picked."""

import pytest
import torch

from apparel_lib.errors import ApparelError
from apparel_lib.models.registry import build_model
from apparel_lib.training.devices import pick_device
from apparel_lib.training.history import History
from apparel_lib.training.loop import train
from apparel_lib.training.recipes import get_recipe


def _fit(tiny_splits, name="plain", recipe="minibatch", epochs=3, seed=0):
    model = build_model(name, seed=seed)
    history = train(model, tiny_splits, get_recipe(recipe, name).replace(epochs=epochs), seed=seed, progress=False)
    return model, history


@pytest.mark.parametrize("name,recipe", [("plain", "minibatch"), ("plain", "tutorial"), ("tutorial-cnn", "minibatch")])
def test_loss_falls(tiny_splits, name, recipe):
    _, h = _fit(tiny_splits, name, recipe, epochs=4)
    assert h.train_loss[-1] < 0.8 * h.train_loss[0]
    assert h.val_acc[-1] > h.val_acc[0] or h.val_acc[-1] > 0.6


def test_full_batch_tutorial_recipe_runs_the_tutorials_way(tiny_splits):
    _, h = _fit(tiny_splits, "tutorial-cnn", "tutorial", epochs=6)
    assert h.epochs == 6
    assert h.train_loss[-1] < h.train_loss[0]
    # validation measured in training mode before each step: the first value is an untrained model's
    assert h.val_acc[0] < 0.3


def test_history_is_complete_and_bounded(tiny_splits):
    _, h = _fit(tiny_splits, epochs=2)
    assert [len(v) for v in h.to_dict().values()] == [2] * 5
    assert all(0 <= a <= 1 for a in h.train_acc + h.val_acc)
    assert all(loss > 0 for loss in h.train_loss + h.val_loss)
    assert History.from_dict(h.to_dict()) == h


def test_same_seed_same_result_other_seed_differs(tiny_splits):
    m1, h1 = _fit(tiny_splits, "tutorial-cnn", epochs=2, seed=3)
    m2, h2 = _fit(tiny_splits, "tutorial-cnn", epochs=2, seed=3)
    m3, h3 = _fit(tiny_splits, "tutorial-cnn", epochs=2, seed=4)
    assert h1.train_loss == h2.train_loss and h1.val_acc == h2.val_acc
    assert all(torch.equal(a, b) for a, b in zip(m1.state_dict().values(), m2.state_dict().values()))
    assert h1.train_loss != h3.train_loss


def test_training_leaves_the_global_random_state_alone(tiny_splits):
    torch.manual_seed(7)
    expected = torch.rand(3)
    torch.manual_seed(7)
    _fit(tiny_splits, epochs=1)
    assert torch.equal(torch.rand(3), expected)


def test_progress_bar_can_be_turned_off(tiny_splits, capsys):
    _fit(tiny_splits, epochs=1)
    captured = capsys.readouterr()
    assert captured.err == "" and captured.out == ""
    model = build_model("plain")
    train(model, tiny_splits, get_recipe("minibatch", "plain").replace(epochs=1), progress=True)
    assert "1/1" in capsys.readouterr().err


def test_pick_device():
    assert pick_device("cpu") == torch.device("cpu")
    expected = "cuda" if torch.cuda.is_available() else "mps" if torch.backends.mps.is_available() else "cpu"
    assert pick_device().type == expected
    with pytest.raises(ApparelError, match="unknown device 'banana'"):
        pick_device("banana")
    if not torch.cuda.is_available():
        with pytest.raises(ApparelError, match="no CUDA GPU"):
            pick_device("cuda")


def test_unknown_optimizer(tiny_splits):
    with pytest.raises(ApparelError, match="unknown optimizer 'rmsprop'"):
        train(build_model("plain"), tiny_splits, get_recipe("minibatch", "plain").replace(optimizer="rmsprop"), progress=False)


def test_sgd_momentum_comes_from_the_recipe():
    from apparel_lib.training.loop import make_optimizer

    recipe = get_recipe("minibatch", "plain").replace(optimizer="sgd", momentum=0.5)
    assert make_optimizer(build_model("plain"), recipe).param_groups[0]["momentum"] == 0.5
    assert type(make_optimizer(build_model("plain"), recipe.replace(optimizer="adamw"))).__name__ == "AdamW"


def test_modern_ingredients_train_and_repeat(tiny_splits):
    recipe = get_recipe("minibatch", "tutorial-cnn").replace(
        epochs=3, optimizer="adamw", schedule="onecycle", label_smoothing=0.1, augment_shift=2, augment_flip=True, lr=4e-3
    )
    h1 = train(build_model("tutorial-cnn"), tiny_splits, recipe, progress=False)
    h2 = train(build_model("tutorial-cnn"), tiny_splits, recipe, progress=False)
    plain = train(build_model("tutorial-cnn"), tiny_splits, recipe.replace(augment_shift=0, augment_flip=False), progress=False)
    assert h1.train_loss == h2.train_loss and h1.train_loss[-1] < h1.train_loss[0]
    assert h1.train_loss != plain.train_loss  # augmentation changed what was seen


def test_the_hook_stops_training(tiny_splits):
    calls = []
    h = train(build_model("plain"), tiny_splits, get_recipe("minibatch", "plain").replace(epochs=5), progress=False,
              on_epoch=lambda history: calls.append(history.epochs) or history.epochs >= 2)
    assert calls == [1, 2] and h.epochs == 2


def test_bf16_and_channels_last_train_and_hand_back_a_plain_model(tiny_splits):
    from apparel_lib.models.registry import build_model
    from apparel_lib.training.devices import native_bf16
    from apparel_lib.training.recipes import Recipe

    model = build_model("cnn", stages="4|8", seed=0)
    recipe = Recipe("fast", lr=0.01, batch_size=100, epochs=2, autocast_bf16=True, channels_last=True)
    history = train(model, tiny_splits, recipe, seed=0, progress=False)
    assert history.epochs == 2 and history.train_loss[-1] < history.train_loss[0]
    conv = model.features[0].weight
    assert conv.dtype == torch.float32 and conv.is_contiguous()  # weights stay float32, layout plain
    assert isinstance(native_bf16(torch.device("cpu")), bool) and not native_bf16(torch.device("meta"))


def test_step_seconds_times_each_model_in_turns():
    from apparel_lib.training.recipes import Recipe
    from apparel_lib.training.timing import step_seconds

    small, large = build_model("cnn", stages="4"), build_model("cnn", stages="32,32|64")
    recipe = Recipe("timing", lr=1e-3, batch_size=64, epochs=1, channels_last=True)
    before = [p.clone() for p in small.parameters()]
    times = step_seconds({"small": small, "large": large}, recipe, batch_size=64, steps=3, rounds=2)
    assert list(times) == ["small", "large"] and all(seconds > 0 for seconds in times.values())
    assert not all(torch.equal(a, b) for a, b in zip(before, small.parameters()))  # it really trained
    assert small.features[0].weight.is_contiguous()  # the layout is handed back plain
    with pytest.raises(ApparelError, match="at least 1"):
        step_seconds({}, recipe)


def test_phase_seconds_splits_an_epoch_into_its_phases(tiny_splits):
    from apparel_lib.training.timing import PHASES, phase_seconds

    model = build_model("cnn", stages="4|8")
    recipe = get_recipe("best", "cnn").replace(batch_size=50)
    phases = phase_seconds(model, tiny_splits, recipe, steps=3)
    assert list(phases) == list(PHASES) and all(s > 0 for s in phases.values())
    with pytest.raises(ApparelError, match="steps"):
        phase_seconds(model, tiny_splits, recipe, steps=0)
