"""What each chapter's evidence is made of: the runs the results ledger holds, chapter by chapter
(:data:`PLANS`, the one place that numbers the chapters).

A chapter builds its tables from these same functions, so the ledger (``apparel results make``)
and the chapter never disagree about which runs a table rests on. Each :class:`PlannedRun` also
says whether the chapter scores the test set for it (in its one marked cell) and whether the
ledger ships its trained model (only small ones that a later chapter needs).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ..errors import ApparelError
from ..runs.spec import RunSpec, run_spec
from ..training.recipes import get_recipe
from .ablation import leave_one_out_specs
from .seeds import SEEDS, SPEEDRUN_SEEDS

__all__ = [
    "PlannedRun", "PLANS", "STUDY_CHAPTER", "CAPACITY_GRID", "SHORT", "capacity_specs", "recipe_story_specs", "tutorial_spec",
    "plain_best_specs", "FIRST_SPEEDRUN", "speedrun_specs", "first_speedrun_specs", "shorter_speedrun_specs", "chapter_plan",
]

CAPACITY_GRID: tuple[tuple[str, str, dict[str, int]], ...] = (
    ("linear", "linear", {}),
    ("plain network", "plain", {"hidden": 3}),
    ("plain network", "plain", {"hidden": 10}),
    ("plain network", "plain", {"hidden": 30}),
    ("plain network", "plain", {"hidden": 100}),
    ("plain network", "plain", {"hidden": 500}),
    ("CNN", "tutorial-cnn", {"filters": 2}),
    ("CNN", "tutorial-cnn", {"filters": 4}),
    ("CNN", "tutorial-cnn", {"filters": 8}),
)
"""Chapter 5's families and sizes: (family, model, options)."""

SHORT: dict[str, int] = {"epochs": 2, "batch_size": 256}
"""The short mini-batch recipe: ``minibatch`` cut to 2 epochs in batches of 256."""


@dataclass(frozen=True)
class PlannedRun:
    """A run a chapter's evidence needs; ``test``: the chapter scores the test set for it;
    ``model``: the ledger ships its trained model."""

    spec: RunSpec
    chapter: int
    test: bool = False
    model: bool = False


def capacity_specs(seeds: Sequence[int] = SEEDS, recipe: str = "plateau") -> list[tuple[str, RunSpec]]:
    """``(family, spec)`` for every size of chapter 5's grid and every seed, trained with ``recipe``
    (``plateau``: each to its validation plateau)."""
    return [(family, run_spec(model, recipe, options=options, seed=seed))
            for family, model, options in CAPACITY_GRID for seed in seeds]


STORY_MODELS: tuple[tuple[str, dict[str, int]], ...] = (("plain", {"hidden": 500}), ("tutorial-cnn", {"filters": 4}))


def tutorial_spec(model: str, options: dict[str, int], seed: int) -> RunSpec:
    """``model`` trained the tutorial's way: the whole training set as one batch, 25 steps of
    Adam at 0.07 (for the plain network, chapter 3's version of it: its own ``tutorial`` recipe
    with those three settings; the CNN's recipe also measures in training mode, as the tutorial did)."""
    if model == "tutorial-cnn":
        return run_spec(model, "tutorial", options=options, seed=seed)
    cnn = get_recipe("tutorial", "tutorial-cnn")
    return run_spec(model, "tutorial", options=options, seed=seed, batch_size=cnn.batch_size, epochs=cnn.epochs, lr=cnn.lr)


def recipe_story_specs(seeds: Sequence[int] = SEEDS) -> list[tuple[str, RunSpec]]:
    """``(recipe label, spec)`` for chapter 4's table: the tutorial's plain network and CNN under
    the tutorial's full-batch recipe, the short mini-batch one, and each to its plateau."""
    out = []
    for model, options in STORY_MODELS:
        for seed in seeds:
            out.append(("tutorial (full batch, 25 steps)", tutorial_spec(model, options, seed)))
            out.append(("short (2 epochs of mini-batches)", run_spec(model, "minibatch", options=options, seed=seed, **SHORT)))
            out.append(("to the plateau", run_spec(model, "plateau", options=options, seed=seed)))
    return out


FIRST_SPEEDRUN: tuple[dict[str, str], dict[str, int]] = ({"stages": "32|48,48|96"}, {"epochs": 4})
"""Chapter 11's first speedrun: ``speedrun-cnn`` with best-cnn's stages, trained by the
``speedrun`` recipe in 4 epochs (model options, recipe changes)."""

def plain_best_specs(seeds: Sequence[int] = SEEDS) -> list[RunSpec]:
    """The plain network (784-500-10) trained with ``best-cnn``'s ``best`` recipe, for every
    seed: chapter 7's per-class comparison, and the row it trains live."""
    return [run_spec("plain", "best", seed=seed) for seed in seeds]


def speedrun_specs(seeds: Sequence[int] = SPEEDRUN_SEEDS) -> list[RunSpec]:
    """``speedrun-cnn`` trained by its own ``speedrun`` recipe, for every seed: chapter 11's result."""
    return [run_spec("speedrun-cnn", "speedrun", seed=seed) for seed in seeds]


def first_speedrun_specs(seeds: Sequence[int] = SPEEDRUN_SEEDS) -> list[RunSpec]:
    """The first speedrun (:data:`FIRST_SPEEDRUN`) for every seed: what chapter 11's speedrun is compared with."""
    options, changes = FIRST_SPEEDRUN
    return [run_spec("speedrun-cnn", "speedrun", options=options, seed=seed, **changes) for seed in seeds]


def shorter_speedrun_specs(seeds: Sequence[int] = SPEEDRUN_SEEDS) -> list[RunSpec]:
    """``speedrun-cnn`` trained one epoch less than its recipe says, for every seed: the cheaper
    rival chapter 11 weighs before keeping the recipe's epochs."""
    epochs = get_recipe("speedrun", "speedrun-cnn").epochs - 1
    return [run_spec("speedrun-cnn", "speedrun", seed=seed, epochs=epochs) for seed in seeds]


def _chapter4() -> list[PlannedRun]:
    # The chapter studies the trained network of the tutorial's own run (seed 0): ship it (10 kB).
    return [PlannedRun(spec, 4, model=label.startswith("tutorial") and spec.model == "tutorial-cnn" and spec.seed == 0)
            for label, spec in recipe_story_specs()]


def _chapter5() -> list[PlannedRun]:
    return [PlannedRun(spec, 5, test=True) for _, spec in capacity_specs()]


def _chapter7() -> list[PlannedRun]:
    rows = leave_one_out_specs()
    # The plain network's seeds are judged on validation only: the chapter scores the test set
    # for the copy of seed 0 it trains live (it needs that model for its per-class view).
    return [*(PlannedRun(spec, 7, test=label.startswith("best-cnn") and spec.seed == 0, model=label.startswith("best-cnn") and spec.seed == 0)
              for label, spec in rows),
            *(PlannedRun(spec, 7) for spec in plain_best_specs())]


def _chapter10() -> list[PlannedRun]:
    from .study import tuned_specs  # reads the shipped study's journal (and needs optuna)

    best_cnn = [spec for label, spec in leave_one_out_specs() if label.startswith("best-cnn")]
    return [PlannedRun(spec, 10, test=True) for spec in [*tuned_specs(SEEDS), *best_cnn]]


def _chapter11() -> list[PlannedRun]:
    # The speedrun's five seeds, scored on the test set in the chapter's one marked cell (seed 0
    # is also trained live there), and its rivals, judged on validation only (the first
    # speedrun's test score was seen before the ledger existed; the chapter does not look again).
    return [*(PlannedRun(spec, 11, test=True) for spec in speedrun_specs()),
            *(PlannedRun(spec, 11) for spec in [*first_speedrun_specs(), *shorter_speedrun_specs()])]


STUDY_CHAPTER = 10
"""The chapter whose runs rest on the shipped Optuna study (made before its plan is read)."""

PLANS: dict[int, Callable[[], list[PlannedRun]]] = {4: _chapter4, 5: _chapter5, 7: _chapter7, STUDY_CHAPTER: _chapter10, 11: _chapter11}
"""The ledger's plan, by chapter."""


def chapter_plan(chapters: Sequence[int] | None = None) -> list[PlannedRun]:
    """The planned runs of ``chapters`` (all by default), each spec once (a run two chapters share
    is listed under the first, with ``test`` and ``model`` if either chapter asks for them)."""
    unknown = sorted(set(chapters or ()) - set(PLANS))
    if unknown:
        raise ApparelError(f"no ledger plan for chapter {', '.join(map(str, unknown))}: the planned chapters are {', '.join(map(str, PLANS))}")
    merged: dict[str, PlannedRun] = {}
    for chapter in chapters or PLANS:
        for run in PLANS[chapter]():
            name = json.dumps(run.spec.to_dict(), sort_keys=True)
            old = merged.get(name)
            merged[name] = run if old is None else PlannedRun(
                old.spec, old.chapter, old.test or run.test, old.model or run.model)
    return list(merged.values())
