"""Errors the library raises for bad input: each carries one line saying what is wrong and what to do.

All are ``ValueError``s, so code that guards against bad values with ``except ValueError``
catches them too.
"""

from __future__ import annotations

__all__ = ["ApparelError", "DataError", "CheckpointError", "SubmissionError", "StoreError", "PictureError", "MissingExtraError", "SettingError"]


class ApparelError(ValueError):
    """Base class: the message is a single line fit to show a reader as it is."""

    def __init__(self, message: str) -> None:
        super().__init__(" ".join(str(message).split()))


class DataError(ApparelError):
    """Missing, truncated, corrupt or unverifiable data files, or a malformed practice layout."""


class CheckpointError(ApparelError):
    """A checkpoint that is missing, corrupt, or made for another model."""


class SubmissionError(ApparelError):
    """A submission file that does not follow the sample-submission format."""


class StoreError(ApparelError):
    """A stored run that cannot be found, or a request the results store cannot serve."""


class PictureError(ApparelError):
    """A picture to classify that cannot be read: missing, a folder, empty, not an image, too big, blank."""


class MissingExtraError(ApparelError, ImportError):
    """A package that only some features need is not installed: the message names the ``pip install``
    that brings it (see :mod:`apparel_lib.extras`). Also an ``ImportError``, for code that guards
    optional imports with ``except ImportError``."""


class SettingError(ApparelError):
    """An environment switch (``APPAREL_*``) set to a value the library cannot use (see :mod:`apparel_lib.settings`)."""
