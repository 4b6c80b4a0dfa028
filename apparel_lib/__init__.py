"""apparel_lib: the library behind the Apparel CNN book.

The real Fashion-MNIST data in both layouts (IDX arrays and the practice problem's CSV + PNG
folder), the book's models and training recipes, training, evaluation, checkpoints, submission
files, experiments kept in a results store and in the results ledger shipped with the book,
and the chapters' figures. The package is grouped by concept, imports running one way
(core -> data -> practice, models -> training -> experiments -> figures -> cli)::

    constants, errors, extras, files, seeding, interrupts   shared facts and helpers
    data/        idx, sources, dataset, variants, picture
    practice/    ids, layout, submission
    models/      registry, networks, convnet, speedrun, modes, anatomy, attribution
    training/    recipes, devices, history, augment, step, loop, timing, flops, precision, evaluate, batchnorm, checkpoint, classify
    experiments/ spec, runner, test_set, ledger, store, plans, results, analysis, ablation,
                 defaults, search_space, objective, study_storage, study_report, sweep, study_plan
    figures/     spatial, plots, widgets, inside
    cli

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
    # experiments
    "RunSpec": "experiments.spec",
    "RunResult": "experiments.spec",
    "run_spec": "experiments.spec",
    "train_spec": "experiments.runner",
    "RunStore": "experiments.store",
    "get_or_run": "experiments.store",
    "shipped": "experiments.store",
    "score_test": "experiments.test_set",
    "Ledger": "experiments.ledger",
    "provenance_table": "experiments.ledger",
    "live_check": "experiments.ledger",
    "make_ledger": "experiments.results",
    "verify_ledger": "experiments.results",
    "flip_accuracy": "experiments.analysis",
    "permute_input_weights": "experiments.analysis",
    "shift_accuracy": "experiments.analysis",
    "summarize": "experiments.analysis",
    "seed_comparison": "experiments.analysis",
    "ABLATION": "experiments.ablation",
    "AblationStep": "experiments.ablation",
    "ablation_specs": "experiments.ablation",
    "ablation_table": "experiments.ablation",
    "leave_one_out_table": "experiments.ablation",
    "SearchSpace": "experiments.search_space",
    "open_storage": "experiments.study_storage",
    "open_study": "experiments.sweep",
    "run_study": "experiments.sweep",
    "study_summary": "experiments.study_report",
    "trial_table": "experiments.study_report",
    # figures
    "TRANSFORMS": "figures.spatial",
    "conv_parameters": "figures.spatial",
    "dense_parameters": "figures.spatial",
    "flatten_picture": "figures.spatial",
    "parameter_table": "figures.spatial",
    "row_similarity": "figures.spatial",
    "transform_picture": "figures.spatial",
    "class_balance": "figures.plots",
    "examples_per_class": "figures.plots",
    "image_grid": "figures.plots",
    "parameter_growth": "figures.plots",
    "picture_and_row": "figures.plots",
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
