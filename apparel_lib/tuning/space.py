"""The tutorial's knobs as an Optuna search space: :class:`SearchSpace` suggests a point and
turns it into a run spec of the registered ``cnn`` model.

The tutorial ends by inviting its reader to try more conv layers, filters, epochs, dense layers
and hidden units; the space holds those knobs, plus learning rate and batch size.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from ..data.variants import DataVariant
from ..errors import ApparelError
from ..runs.spec import RunSpec, run_spec
from .defaults import TRIAL_EPOCHS

if TYPE_CHECKING:
    import optuna

__all__ = ["SearchSpace"]

_RANGES = ("blocks", "convs", "dense_layers", "dropout", "epochs", "lr")
_CHOICES = ("filters", "hidden", "batch_size")
_LIMITS = {"dropout": "use values from 0 to below 1", "dense_layers": "use 0 or more"}


@dataclass(frozen=True)
class SearchSpace:
    """The knobs a study may turn, as ranges (low, high) or choices.

    A CNN of ``blocks`` stages, the first with ``filters`` filters and each next one twice as
    many, ``convs`` convolutions per stage; ``dense_layers`` hidden layers of ``hidden`` units
    before the output; ``dropout``; trained with the ``minibatch`` recipe (Adam) for ``epochs``
    epochs at learning rate ``lr`` (sampled on a log scale) with batches of ``batch_size``.
    """

    blocks: tuple[int, int] = (1, 3)
    filters: tuple[int, ...] = (8, 16, 32)
    convs: tuple[int, int] = (1, 2)
    dense_layers: tuple[int, int] = (0, 1)
    hidden: tuple[int, ...] = (64, 128, 256)
    dropout: tuple[float, float] = (0.0, 0.4)
    epochs: tuple[int, int] = (1, TRIAL_EPOCHS)
    lr: tuple[float, float] = (3e-4, 1e-2)
    batch_size: tuple[int, ...] = (32, 64, 128, 256)

    def __post_init__(self) -> None:
        if not 1 <= self.blocks[0] <= self.blocks[1] <= 4:
            raise ApparelError(f"blocks must be a range within 1 to 4 stages, not {self.blocks!r}")
        if self.epochs[0] < 1 or self.epochs[0] > self.epochs[1]:
            raise ApparelError(f"epochs must be a range of at least 1, not {self.epochs!r}")
        for knob in _RANGES:
            low, high = getattr(self, knob)
            if not low <= high:
                raise ApparelError(f"{knob} must be a range (low, high) with low <= high, not {(low, high)!r}")
        for knob in (*_RANGES, *_CHOICES):
            values = getattr(self, knob)
            least = 0 if knob in ("dropout", "dense_layers") else 1e-12
            if not values or min(values) < least or (knob == "dropout" and max(values) >= 1):
                raise ApparelError(f"{knob} cannot take {values!r}: {_LIMITS.get(knob, 'use positive values')}")

    def narrowed(self, settings: Sequence[str]) -> SearchSpace:
        """A copy with knobs narrowed by ``knob=values`` strings (the command line's ``--space``):
        a range takes ``low,high`` or one value, a choice the values it may take; for example
        ``["blocks=1,2", "filters=8", "lr=0.001,0.003"]``."""
        changes: dict[str, tuple] = {}
        for setting in settings:
            knob, sep, text = setting.partition("=")
            if knob not in (*_RANGES, *_CHOICES) or not sep:
                raise ApparelError(
                    f"cannot narrow the space with {setting!r}: write knob=values with a knob from "
                    f"{', '.join(sorted((*_RANGES, *_CHOICES)))}, e.g. filters=8,16"
                )
            kind = type(getattr(self, knob)[0])
            try:
                values = tuple(kind(v) for v in text.split(","))
            except ValueError:
                raise ApparelError(f"{knob} takes {kind.__name__} values separated by commas, not {text!r}") from None
            if knob in _RANGES and len(values) not in (1, 2):
                raise ApparelError(f"{knob} is a range: give low,high or one value, not {text!r}")
            changes[knob] = (values[0], values[-1]) if knob in _RANGES else values
        return replace(self, **changes)

    def suggest(self, trial: optuna.Trial) -> dict[str, Any]:
        """Ask ``trial`` for one value of every knob; return them by name."""
        p: dict[str, Any] = {
            "blocks": trial.suggest_int("blocks", *self.blocks),
            "filters": trial.suggest_categorical("filters", list(self.filters)),
            "convs": trial.suggest_int("convs", *self.convs),
            "dense_layers": trial.suggest_int("dense_layers", *self.dense_layers),
        }
        if p["dense_layers"]:  # hidden units only matter when there is a hidden layer
            p["hidden"] = trial.suggest_categorical("hidden", list(self.hidden))
        p["dropout"] = trial.suggest_float("dropout", *self.dropout, step=0.1)
        p["epochs"] = trial.suggest_int("epochs", *self.epochs)
        p["lr"] = trial.suggest_float("lr", *self.lr, log=True)
        p["batch_size"] = trial.suggest_categorical("batch_size", list(self.batch_size))
        return p

    @staticmethod
    def spec(params: dict[str, Any], *, subset: int | None = None, seed: int = 0) -> RunSpec:
        """The run spec of one point of the space (e.g. a study's ``best_params``)."""
        stages = "|".join(",".join([str(params["filters"] * 2**b)] * params["convs"]) for b in range(params["blocks"]))
        options = {
            "stages": stages,
            "dense_layers": params["dense_layers"],
            "hidden": params.get("hidden", 128),
            "dropout": round(params["dropout"], 2),
        }
        data = DataVariant(train_subset=subset) if subset else None
        return run_spec(
            "cnn", "minibatch", options=options, seed=seed, data=data,
            epochs=params["epochs"], lr=params["lr"], batch_size=params["batch_size"],
        )
