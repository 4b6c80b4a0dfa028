"""Models by name: which class each name builds and which options it takes.

The registry itself imports no torch (the command line lists names from it instantly); a
model's module is imported when the model is first built. Every built model carries its
registered ``name`` and the full ``options`` it was built with, so it can be built again
from a checkpoint or a run spec.
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from ..errors import ApparelError

if TYPE_CHECKING:
    from torch import nn

__all__ = ["MODELS", "register_model", "model_class", "model_options", "check_options", "build_model", "count_parameters"]

MODELS: dict[str, str | type] = {
    "linear": "apparel_lib.models.networks:LinearNet",
    "plain": "apparel_lib.models.networks:PlainNet",
    "tutorial-cnn": "apparel_lib.models.networks:TutorialCNN",
    "cnn": "apparel_lib.models.convnet:ConvNet",
    "best-cnn": "apparel_lib.models.convnet:BestCNN",
    "speedrun-cnn": "apparel_lib.models.speedrun:SpeedrunCNN",
}
"""Registered names, each with its class or the ``module:Class`` path to import it from."""

T = TypeVar("T", bound=type)


def register_model(name: str) -> Callable[[T], T]:
    """Class decorator: register a model class under ``name`` (options are its keyword arguments)."""

    def add(cls: T) -> T:
        MODELS[name] = cls
        return cls

    return add


def model_class(name: str) -> type:
    """The class registered as ``name``."""
    if name not in MODELS:
        raise ApparelError(f"unknown model {name!r}: choose one of {', '.join(MODELS)}")
    target = MODELS[name]
    if isinstance(target, str):
        module, _, attr = target.partition(":")
        target = MODELS[name] = getattr(importlib.import_module(module), attr)
    return target


def model_options(name: str) -> dict[str, Any]:
    """The options model ``name`` takes, with their defaults."""
    signature = inspect.signature(model_class(name))
    return {p.name: p.default for p in signature.parameters.values() if p.kind is p.KEYWORD_ONLY or p.kind is p.POSITIONAL_OR_KEYWORD}


def check_options(name: str, options: dict[str, Any]) -> dict[str, Any]:
    """All of model ``name``'s options: its defaults updated with ``options``; an unknown option is an error.

    Options a class lists in ``LATER_OPTIONS`` (added after runs were stored) are left out while
    at the defaults given there, so the runs stored before they existed keep their keys."""
    known = model_options(name)
    unknown = sorted(set(options) - set(known))
    if unknown:
        choices = ", ".join(known) or "none"
        raise ApparelError(f"model {name!r} has no option {', '.join(map(repr, unknown))}: its options are {choices}")
    full = {**known, **options}
    later = getattr(model_class(name), "LATER_OPTIONS", {})
    return {k: v for k, v in full.items() if k not in later or v != later[k]}


def build_model(name: str, *, seed: int = 0, **options: Any) -> nn.Module:
    """Build the model registered as ``name`` with freshly seeded weights (the caller's random state is kept)."""
    from ..seeding import seeded

    full = check_options(name, options)
    with seeded(seed):
        model = model_class(name)(**full)
    model.name = name
    model.options = full
    return model


def count_parameters(model: nn.Module) -> int:
    """Number of trainable parameters."""
    return sum(p.numel() for p in model.parameters() if p.requires_grad)
