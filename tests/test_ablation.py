"""Chapter 7's ablation: cumulative steps that end exactly at best-cnn with the best recipe."""

import pandas as pd
import pytest

from apparel_lib.book_plans.ablation import ABLATION, ablation_specs, ablation_table
from apparel_lib.data.variants import DataVariant
from apparel_lib.errors import ApparelError
from apparel_lib.runs.runner import train_spec
from apparel_lib.runs.spec import run_spec
from tests.helpers import hand_result


def test_kept_steps_end_at_best_cnn_with_the_best_recipe():
    specs = ablation_specs()
    last_kept = [spec for (label, spec), step in zip(specs, ABLATION) if step.kept][-1]
    best = run_spec("best-cnn", "best")
    assert last_kept.recipe == best.recipe
    assert last_kept.options == best.options


def test_steps_are_cumulative_and_a_dropped_step_is_not_carried():
    specs = [spec for _, spec in ablation_specs()]
    assert specs[0].options["stages"] == "4|4" and specs[0].recipe.optimizer == "adam"
    assert specs[3].options["stages"] == "32|48|96" and specs[3].recipe.autocast_bf16  # step 1 kept
    dropped = specs[-1]
    assert dropped.recipe.augment_shift == 2 and not dropped.recipe.augment_flip
    assert dropped.options == specs[-2].options


def test_seeds_subset_and_epochs():
    specs = ablation_specs(seeds=(0, 1), train_subset=500, val_subset=200, epochs=2)
    assert len(specs) == 2 * len(ABLATION)
    assert {s.seed for _, s in specs} == {0, 1}
    assert all(s.data == DataVariant(train_subset=500, val_subset=200) and s.recipe.epochs == 2 for _, s in specs)
    with pytest.raises(ApparelError):
        ablation_specs(seeds=())


def test_table_has_one_row_per_step_in_order(tiny_splits, monkeypatch):
    steps = ABLATION[:2]
    specs = ablation_specs(seeds=(0, 1), epochs=1, steps=steps)
    monkeypatch.setattr("apparel_lib.runs.runner.standard_splits", lambda data=None: tiny_splits)
    results = [(label, train_spec(spec, progress=False)) for label, spec in specs]
    table = ablation_table(results)
    assert list(table.index) == [s.label for s in steps]
    assert (table["seeds"] == 2).all()
    assert (table["val_low"] <= table["val_acc"]).all() and (table["val_acc"] <= table["val_high"]).all()
    gain = table["val_acc"].iloc[1] - table["val_acc"].iloc[0]
    assert table["gain"].iloc[1] == pytest.approx(gain) and pd.isna(table["gain"].iloc[0])
    with pytest.raises(ApparelError):
        ablation_table([])


def test_gain_is_measured_from_the_last_kept_step_and_clear_needs_seeds():
    from types import SimpleNamespace

    steps = [ABLATION[0], ABLATION[1], ABLATION[-1]]  # the last is a dropped step

    def result(acc, seed):
        return SimpleNamespace(parameters=1, val_acc=acc, seconds=1.0, spec=SimpleNamespace(seed=seed))

    accs = {steps[0].label: (0.80, 0.81), steps[1].label: (0.85, 0.86), steps[2].label: (0.84, 0.845)}
    labelled = [(label, result(a, s)) for label, pair in accs.items() for s, a in enumerate(pair)]
    table = ablation_table(labelled, steps)
    assert table["gain"].round(4).tolist()[1:] == [0.05, -0.0125]
    # the dropped step's -0.0125 has a paired t over 2 seeds (1 degree of freedom): not clear
    assert table["clear"].tolist() == [False, True, False]
    assert table["verdict"].tolist() == ["", "clear", "within the noise"]
    one_seed = ablation_table([(label, result(pair[0], 0)) for label, pair in accs.items()], steps)
    assert not one_seed["clear"].any()


def _fake(seed: int, val: float):
    return hand_result("plain", options={"hidden": 3}, seed=seed, val=val, epochs=1, parameters=30, key=f"k{seed}{val}")


def test_leave_one_out_measures_each_row_against_the_first():
    from apparel_lib.book_plans.ablation import leave_one_out_table

    full = [("full", _fake(s, v)) for s, v in enumerate([0.90, 0.91, 0.92])]
    small = [("small loss", _fake(s, v)) for s, v in enumerate([0.905, 0.905, 0.91])]
    large = [("large loss", _fake(s, v)) for s, v in enumerate([0.80, 0.82, 0.81])]
    table = leave_one_out_table(full + small + large)
    assert list(table.index) == ["full", "small loss", "large loss"]
    assert table.loc["full", "change"] == 0 and not table.loc["full", "clear"]
    assert table.loc["large loss", "change"] == pytest.approx(-0.10)
    # paired over three seeds: differences -0.10, -0.09, -0.11 (sd 0.01), t(2) = 4.30
    half = 4.303 * 0.01 / 3**0.5
    assert table.loc["large loss", ["low", "high"]].tolist() == pytest.approx([-0.10 - half, -0.10 + half], abs=1e-5)
    assert table.loc["large loss", "p_holm"] == pytest.approx(2 * table.loc["large loss", "p"])  # Holm, 2 rows
    assert table.loc["large loss", "clear"] and not table.loc["small loss", "clear"]
    assert table.loc["full", "verdict"] == "" and table.loc["small loss", "verdict"] == "within the noise"
    with pytest.raises(ApparelError, match="fewer than two seeds"):
        leave_one_out_table(full + [("one seed", _fake(0, 0.5))])


def test_seed_comparison_measures_every_row_against_the_one_named():
    from apparel_lib.runs.compare import seed_comparison

    old = [("old", _fake(s, v)) for s, v in enumerate([0.90, 0.91, 0.92])]
    new = [("new", _fake(s, v)) for s, v in enumerate([0.95, 0.96, 0.97])]
    table = seed_comparison(old + new, against="new")
    assert list(table.index) == ["old", "new"] and table.loc["new", "change"] == 0
    assert table.loc["old", "change"] == pytest.approx(-0.05) and table.loc["old", "clear"]
    assert seed_comparison(old + new).loc["new", "change"] == pytest.approx(0.05)  # the first row by default
    with pytest.raises(ApparelError, match="no row 'newest'"):
        seed_comparison(old + new, against="newest")
