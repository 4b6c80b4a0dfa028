"""apparel_lib: the library behind the Apparel CNN book.

The real Fashion-MNIST data in both layouts (IDX arrays and the practice problem's CSV + PNG
folder), the book's models and training recipes, training, evaluation, checkpoints, submission
files, runs kept in a results store and in the results ledger shipped with the book, tuning with
Optuna, the book's own plans, and the chapters' figures. The package is grouped by concept,
imports running one way (core -> data -> practice, models -> training -> runs -> tuning ->
book_plans -> figures -> cli), with no circle inside a subpackage either::

    constants, errors, extras, files, procfs, seeding, interrupts,
    settings, paths, provenance                             shared facts and helpers
    data/        idx, sources, dataset, variants, picture
    practice/    ids, layout, submission
    models/      registry, networks, convnet, speedrun, modes, parameters, rewire, anatomy, attribution
    training/    recipes, precision, devices, history, augment, step, turns, loop, timing, flops,
                 peak, operators, evaluate, probes, batchnorm, checkpoint, classify
    runs/        spec, runner, store, ledger, looks, holdout, weigh, compare  runs as data, trained once
    tuning/      space, objective, storage, sweep, report, defaults     Optuna studies
    book_plans/  seeds, chapters, ablation, study, make, recheck        the chapters' own runs
    figures/     spatial, plots, tables, widgets, inside, questions, selfcheck
    cli/         parser, conventions, table, data, model, classify, sweep, runs, results

The common names are available from the package itself, imported on first use (so
``python -m apparel_lib --help`` answers without loading torch)::

    from apparel_lib import load_data, make_splits, build_model, get_recipe, train, accuracy
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.2.0"

_EXPORTS: dict[str, str] = {
    # data
    "CLASSES": "constants",
    "IMAGE_SIZE": "constants",
    "NUM_CLASSES": "constants",
    "PIXELS": "constants",
    "FashionMNIST": "data.dataset",
    "Splits": "data.dataset",
    "load_data": "data.dataset",
    "make_loader": "data.dataset",
    "make_splits": "data.dataset",
    "stratified_split": "data.dataset",
    "to_tensor": "data.dataset",
    "DataVariant": "data.variants",
    "apply_variant": "data.variants",
    "permute_pixels": "data.variants",
    "pixel_permutation": "data.variants",
    "shift_images": "data.variants",
    # errors
    "ApparelError": "errors",
    "CheckpointError": "errors",
    "DataError": "errors",
    "StoreError": "errors",
    "SubmissionError": "errors",
    "PictureError": "errors",
    "MissingExtraError": "errors",
    "SettingError": "errors",
    # practice problem
    "Layout": "practice.layout",
    "export_layout": "practice.layout",
    "practice_layout": "practice.layout",
    "read_layout": "practice.layout",
    "read_submission": "practice.submission",
    "score_submission": "practice.submission",
    "submission_ids": "practice.ids",
    "write_submission": "practice.submission",
    # models
    "MODELS": "models.registry",
    "build_model": "models.registry",
    "ConvNet": "models.convnet",
    "BestCNN": "models.convnet",
    "SpeedrunCNN": "models.speedrun",
    "parse_stages": "models.convnet",
    "count_parameters": "models.registry",
    "model_options": "models.registry",
    "register_model": "models.registry",
    "TutorialCNN": "models.networks",
    "LinearNet": "models.networks",
    "PlainNet": "models.networks",
    "conv_output_size": "models.anatomy",
    "receptive_fields": "models.anatomy",
    "shape_trace": "models.anatomy",
    "receptive_box": "models.anatomy",
    "activation_layers": "models.anatomy",
    "capture_maps": "models.anatomy",
    "occlusion_map": "models.attribution",
    "gradient_map": "models.attribution",
    # training
    "RECIPES": "training.recipes",
    "Recipe": "training.recipes",
    "get_recipe": "training.recipes",
    "default_recipe": "training.recipes",
    "native_bf16": "training.devices",
    "use_bf16": "training.devices",
    "pick_device": "training.devices",
    "numeric_path": "training.devices",
    "NumericPath": "training.devices",
    "History": "training.history",
    "train": "training.loop",
    "best_epoch": "training.loop",
    "step_seconds": "training.timing",
    "phase_seconds": "training.timing",
    "RunFlops": "training.flops",
    "run_flops": "training.flops",
    "step_flops": "training.flops",
    "Peak": "training.peak",
    "machine_peaks": "training.peak",
    "measure_peak": "training.peak",
    "utilisation": "training.peak",
    "StepProfile": "training.operators",
    "op_group": "training.operators",
    "profile_steps": "training.operators",
    "Bf16Verdict": "training.precision",
    "bf16_verdict": "training.precision",
    "recalibrate_batchnorm": "training.batchnorm",
    "accuracy": "training.evaluate",
    "confusion_matrix": "training.evaluate",
    "logits": "training.evaluate",
    "loss_and_accuracy": "training.evaluate",
    "misclassified": "training.evaluate",
    "per_class_accuracy": "training.evaluate",
    "predict": "training.evaluate",
    "probabilities": "training.evaluate",
    "Checkpoint": "training.checkpoint",
    "load_checkpoint": "training.checkpoint",
    "save_checkpoint": "training.checkpoint",
    "class_probabilities": "training.classify",
    "describe_top": "training.classify",
    "top_classes": "training.classify",
    # runs
    "RunSpec": "runs.spec",
    "RunResult": "runs.spec",
    "run_spec": "runs.spec",
    "train_spec": "runs.runner",
    "RunStore": "runs.store",
    "get_or_run": "runs.store",
    "shipped": "runs.store",
    "fresh_clone_seconds": "runs.store",
    "score_test": "runs.holdout",
    "look_note": "runs.looks",
    "Ledger": "runs.ledger",
    "provenance_table": "runs.ledger",
    "live_check": "runs.ledger",
    "make_ledger": "book_plans.make",
    "verify_ledger": "runs.ledger",
    "flip_accuracy": "training.probes",
    "permute_input_weights": "models.rewire",
    "shift_accuracy": "training.probes",
    "summarize": "runs.compare",
    "seed_comparison": "runs.compare",
    "step_table": "runs.compare",
    "seeds_by_label": "runs.compare",
    "Verdict": "runs.weigh",
    "weigh": "runs.weigh",
    "weigh_rows": "runs.weigh",
    "holm": "runs.weigh",
    "sampling_error": "runs.weigh",
    "spread_against_sampling": "runs.weigh",
    # the book's plans
    "ABLATION": "book_plans.ablation",
    "AblationStep": "book_plans.ablation",
    "ablation_specs": "book_plans.ablation",
    "ablation_table": "book_plans.ablation",
    "leave_one_out_table": "book_plans.ablation",
    "leave_one_out_specs": "book_plans.ablation",
    "SEEDS": "book_plans.seeds",
    "chapter_plan": "book_plans.chapters",
    # tuning
    "SearchSpace": "tuning.space",
    "open_storage": "tuning.storage",
    "open_study": "tuning.sweep",
    "run_study": "tuning.sweep",
    "study_summary": "tuning.report",
    "trial_table": "tuning.report",
    "compact_trials": "tuning.report",
    # figures
    "TRANSFORMS": "figures.spatial",
    "conv_parameters": "models.parameters",
    "dense_parameters": "models.parameters",
    "flatten_picture": "figures.spatial",
    "parameter_table": "models.parameters",
    "row_similarity": "figures.spatial",
    "transform_picture": "figures.spatial",
    "class_balance": "figures.plots",
    "examples_per_class": "figures.plots",
    "image_grid": "figures.plots",
    "parameter_growth": "figures.plots",
    "picture_and_row": "figures.plots",
    "whole": "figures.tables",
    "pixel_histogram": "figures.plots",
    "training_curves": "figures.plots",
    "map_grid": "figures.plots",
    "accuracy_vs_parameters": "figures.plots",
    "accuracy_vs_shift": "figures.plots",
    "confusion_heatmap": "figures.plots",
    "per_class_bars": "figures.plots",
    "top_k_gallery": "figures.plots",
    "cost_frontier": "figures.plots",
    "readable_ticks": "figures.plots",
    "bars_with_spread": "figures.plots",
    "flatten_explorer": "figures.widgets",
    "feature_map_explorer": "figures.widgets",
    "receptive_field_figure": "figures.inside",
    "attribution_figure": "figures.inside",
    "picture_steps_figure": "figures.inside",
    "probability_bars": "figures.inside",
    "self_check": "figures.selfcheck",
    # your own picture
    "PreparedPicture": "data.picture",
    "prepare_picture": "data.picture",
    "picture_paths": "data.picture",
    "read_picture": "data.picture",
}

__all__ = ["__version__", *sorted(_EXPORTS)]


def __getattr__(name: str) -> Any:
    """Import the module that defines ``name`` on first use."""
    if name not in _EXPORTS:
        raise AttributeError(f"module 'apparel_lib' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{_EXPORTS[name]}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_EXPORTS])
