"""Ctrl-C at a safe point: inside :func:`stop_safely` the first Ctrl-C only asks to stop, and the
training loop acts on it between two batches (:func:`check_stop`); a second Ctrl-C interrupts at once.

Why: Python raises ``KeyboardInterrupt`` wherever the main thread happens to be. A sweep worker
spends its first seconds in imports (torch loads parts of itself on the first training step)
and later in the study storage's locks; interrupted there, it once hung and once died of the
signal instead of marking its trial failed and exiting with status 130.

The stop is raised as :class:`Stopped`, a ``KeyboardInterrupt`` (so every handler of those still
catches it) that IPython and Jupyter show as one line instead of a traceback through torch:
training wraps itself in :func:`stop_safely`, so Ctrl-C (or Jupyter's interrupt) in a chapter's
training cell stops it between two batches with that line.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator

__all__ = ["Stopped", "stop_safely", "stop_requested", "check_stop"]

_active = False
_requested = False


class Stopped(KeyboardInterrupt):
    """Ctrl-C acted on at a safe point: shown by IPython as its one-line message, no traceback."""

    MESSAGE = "Stopped by Ctrl-C between two batches: the run was not finished, and nothing was stored; run the cell again to start it over"

    def __init__(self, message: str = MESSAGE) -> None:
        super().__init__(message)

    def _render_traceback_(self) -> list[str]:
        """What IPython shows instead of the traceback (its hook for exceptions that format themselves)."""
        return [f"{type(self).__name__}: {self}"]


def stop_requested() -> bool:
    """Whether Ctrl-C was pressed inside :func:`stop_safely` and not yet acted on."""
    return _requested


def check_stop() -> None:
    """Raise :class:`Stopped` here if a stop was asked for: call it where stopping is safe."""
    if _requested:
        raise Stopped


def _ask(signum: int, frame: object) -> None:
    global _requested
    _requested = True
    signal.signal(signal.SIGINT, signal.default_int_handler)  # a second Ctrl-C interrupts at once


@contextlib.contextmanager
def stop_safely() -> Iterator[None]:
    """Run the block with Ctrl-C deferred to the next :func:`check_stop`; a stop asked for and not
    acted on by the end of the block raises :class:`Stopped` there. Nested blocks, and blocks
    outside the main thread (where Python cannot catch signals), leave the handling as it is."""
    global _active, _requested
    if _active or threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, _ask)
    _active, _requested = True, False
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
        asked, _active, _requested = _requested, False, False
    if asked:
        raise Stopped
