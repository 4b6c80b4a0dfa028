"""Recipes are data: the tutorial's settings per model, a modern default for any model."""

import pytest

from apparel_lib.errors import ApparelError
from apparel_lib.training.recipes import Recipe, get_recipe


def test_tutorial_recipe_for_the_cnn_is_the_tutorials():
    r = get_recipe("tutorial", "tutorial-cnn")
    assert (r.optimizer, r.lr, r.batch_size, r.epochs, r.eval_in_train_mode) == ("adam", 0.07, None, 25, True)


def test_tutorial_recipe_for_the_plain_network():
    r = get_recipe("tutorial", "plain")
    assert (r.optimizer, r.lr, r.batch_size, r.epochs) == ("adam", 0.001, 128, 20)


@pytest.mark.parametrize("model", ["plain", "tutorial-cnn", "any-future-model"])
def test_minibatch_recipe_fits_any_model(model):
    r = get_recipe("minibatch", model)
    assert r.batch_size is not None and r.batch_size <= 256 and not r.eval_in_train_mode


def test_replace_and_round_trip():
    r = get_recipe("tutorial", "tutorial-cnn").replace(epochs=2)
    assert r.epochs == 2 and get_recipe("tutorial", "tutorial-cnn").epochs == 25
    assert Recipe.from_dict(r.to_dict()) == r


def test_unknown_recipe_or_model():
    with pytest.raises(ApparelError, match="unknown recipe 'sgd-magic'"):
        get_recipe("sgd-magic", "plain")
    with pytest.raises(ApparelError, match="no settings for model 'resnet'"):
        get_recipe("tutorial", "resnet")


def test_bad_recipe_values_are_one_line_value_errors():
    base = get_recipe("minibatch", "plain")
    for changes, words in [
        ({"optimizer": "rmsprop"}, "unknown optimizer 'rmsprop'"),
        ({"schedule": "cosine"}, "unknown schedule 'cosine'"),
        ({"epochs": 0}, "epochs must be a positive integer"),
        ({"batch_size": 0}, "batch_size must be"),
        ({"augment_shift": 20}, "augment_shift"),
        ({"lr": 0}, "lr must be positive"),
        ({"epoch": 3}, "no field 'epoch'"),
    ]:
        with pytest.raises(ValueError, match=words):
            base.replace(**changes)


def test_round_trip_keeps_every_field():
    recipe = get_recipe("minibatch", "plain").replace(schedule="onecycle", augment_shift=2, augment_flip=True, momentum=0.5)
    assert Recipe.from_dict(recipe.to_dict()) == recipe


def test_a_recipe_shows_wrapped_and_as_a_small_table():
    from IPython.lib.pretty import pretty

    recipe = get_recipe("minibatch", "cnn")
    text = pretty(recipe)
    assert max(map(len, text.splitlines())) <= 79 < len(repr(recipe))
    assert text.replace("\n", "").replace(" " * len("Recipe("), " ") == repr(recipe)
    table = recipe._repr_html_()
    assert table.count("<tr>") == 6 and table.count("<code>") == 16  # 16 fields, three a row
    assert "<td><code>lr</code></td><td>0.002</td>" in table
