"""Early stopping: training ends ``patience`` epochs after the best one and keeps its weights;
a run that stopped on its plateau is finished (and stored), one a hook stopped is not."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
import torch

from apparel_lib.models.registry import build_model
from apparel_lib.runs.runner import train_spec
from apparel_lib.runs.spec import run_spec
from apparel_lib.runs.store import RunStore
from apparel_lib.training.devices import NumericPath
from apparel_lib.training.evaluate import accuracy
from apparel_lib.training.history import History
from apparel_lib.training.loop import best_epoch, finished, plateaued, train
from apparel_lib.training.recipes import RECIPES, Recipe, get_recipe
from tests.helpers import history, stalling_spec


def _random_splits(n_train=200, n_val=100):
    g = torch.Generator().manual_seed(0)
    return SimpleNamespace(x_train=torch.rand(n_train, 1, 28, 28, generator=g), y_train=torch.randint(0, 10, (n_train,), generator=g),
                           x_val=torch.rand(n_val, 1, 28, 28, generator=g), y_val=torch.randint(0, 10, (n_val,), generator=g))


def test_patience_stops_when_validation_stalls_and_keeps_the_best_weights():
    """Random labels: validation accuracy wanders and soon stops improving. Training ends
    ``patience`` epochs after the best one, and the model holds that epoch's weights."""
    splits = _random_splits()
    recipe = Recipe("stall", lr=0.05, batch_size=50, epochs=40, patience=2)
    model = build_model("linear", seed=0)
    states = []
    history = train(model, splits, recipe, progress=False,
                    on_epoch=lambda h: states.append({k: v.clone() for k, v in model.state_dict().items()}))
    best = best_epoch(history)
    assert history.epochs < recipe.epochs and history.epochs == best + recipe.patience
    assert plateaued(history, recipe) and finished(history, recipe)
    assert history.val_acc[best - 1] == max(history.val_acc)
    final = model.state_dict()
    assert all(torch.equal(final[k], states[best - 1][k]) for k in final), "not the best epoch's weights"
    assert not all(torch.equal(final[k], states[-1][k]) for k in final), "the last epoch's weights were kept"
    assert accuracy(model, splits.x_val, splits.y_val) == pytest.approx(max(history.val_acc), abs=1e-6)


def test_without_patience_every_epoch_trains():
    splits = _random_splits()
    recipe = Recipe("all", lr=0.05, batch_size=50, epochs=6)
    history = train(build_model("linear", seed=0), splits, recipe, progress=False)
    assert history.epochs == 6 and not plateaued(history, recipe) and finished(history, recipe)


def test_best_epoch_and_finished_on_histories():
    patient = Recipe("p", lr=0.1, batch_size=10, epochs=10, patience=2)
    assert best_epoch(history([0.5, 0.7, 0.7, 0.6])) == 2  # the first of a tie
    assert plateaued(history([0.5, 0.7, 0.7, 0.6]), patient) and finished(history([0.5, 0.7, 0.7, 0.6]), patient)
    hook_stopped = history([0.5, 0.6, 0.7])  # still improving: a hook (or Ctrl-C) ended it, not patience
    assert not plateaued(hook_stopped, patient) and not finished(hook_stopped, patient)
    assert finished(history([0.1 * i for i in range(10)]), patient)  # every epoch trained
    impatient = patient.replace(patience=None)
    assert not plateaued(history([0.5, 0.7, 0.6, 0.6]), impatient) and not finished(history([0.5, 0.7, 0.6, 0.6]), impatient)
    with pytest.raises(ValueError, match="no best epoch"):
        best_epoch(History())


def test_finished_tells_a_plateaued_run_from_a_hook_stopped_one(data):
    plateau = train_spec(stalling_spec(), data=data, progress=False)
    assert plateau.history.epochs < plateau.spec.recipe.epochs and finished(plateau.history, plateau.spec.recipe)
    stopped = train_spec(stalling_spec(), data=data, progress=False, on_epoch=lambda h: True)
    assert stopped.history.epochs == 1 and not finished(stopped.history, stopped.spec.recipe)


def test_the_store_keeps_a_plateaued_run_but_not_a_hook_stopped_one(data, tmp_path):
    store = RunStore(tmp_path)
    stopped = store.get_or_run(stalling_spec(seed=1), data=data, progress=False, ledger=False, on_epoch=lambda h: True)
    assert stopped.history.epochs == 1 and store.runs() == []
    result = store.get_or_run(stalling_spec(), data=data, progress=False, ledger=False)
    assert result.history.epochs < result.spec.recipe.epochs, "the run did not stop early: make it stall sooner"
    assert [r.key for r in store.runs()] == [result.key] and store.get(result.key).history == result.history
    assert result.val_acc == max(result.history.val_acc)  # the best epoch's weights, measured again


def test_patience_is_checked_and_kept_out_of_old_keys():
    old = get_recipe("minibatch", "plain")
    assert old.patience is None and "patience" not in old.to_dict()
    assert Recipe.from_dict(old.to_dict()) == old
    # The key this spec had before recipes had patience (commit 666c792): stored runs stay found.
    spec = run_spec("linear", "minibatch", epochs=2, batch_size=100)
    assert spec.key("abc", "0.2.0", NumericPath("float32", "cpu", "2.0")) == "60b42fbe1fc35e9b"
    plateau = get_recipe("plateau", "tutorial-cnn")
    assert plateau == RECIPES["plateau"]["*"] and (plateau.lr, plateau.batch_size, plateau.epochs, plateau.patience) == (0.002, 256, 60, 5)
    assert plateau.to_dict()["patience"] == 5 and Recipe.from_dict(plateau.to_dict()) == plateau
    for bad in (0, -1, 1.5, True):
        with pytest.raises(ValueError, match="patience must be a positive number"):
            old.replace(patience=bad)
    with pytest.raises(ValueError, match="constant schedule"):
        old.replace(patience=3, schedule="onecycle")
