"""Optional dependencies: which extra of the package brings each, and the one way to import them.

The core install (``pip install apparel_lib``) is what ``data``, ``train``, ``predict``, ``score``
and ``classify`` need. Tuning, attribution maps, figures and the notebooks' widgets need more;
their modules import it through :func:`require`, so that a missing package is a one-line
:class:`~apparel_lib.errors.MissingExtraError` naming the ``pip install`` to run, not a traceback.
"""

from __future__ import annotations

import importlib
from types import ModuleType

from .errors import MissingExtraError

__all__ = ["EXTRAS", "require"]

EXTRAS: dict[str, str] = {
    "optuna": "tuning",
    "psycopg2": "tuning",
    "captum": "explain",
    "matplotlib": "figures",
    "ipywidgets": "widgets",
}
"""The top-level module of each optional dependency, and the extra (``pyproject.toml``) that installs it."""


def require(module: str) -> ModuleType:
    """Import ``module`` (e.g. ``"optuna"`` or ``"captum.attr"``) of an optional dependency.

    Raises :class:`MissingExtraError` (one line: ``optuna is not installed: pip install
    'apparel_lib[tuning]'``) when its package is absent; any other import failure (a broken
    install) propagates as it is.
    """
    top = module.partition(".")[0]
    extra = EXTRAS[top]
    try:
        return importlib.import_module(module)
    except ModuleNotFoundError as err:
        if err.name is None or err.name.partition(".")[0] != top:
            raise
        raise MissingExtraError(f"{top} is not installed: pip install 'apparel_lib[{extra}]'") from None
