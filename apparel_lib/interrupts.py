"""Ctrl-C at a safe point: inside :func:`stop_safely` the first Ctrl-C only asks to stop, and the
training loop acts on it between two batches (:func:`check_stop`); a second Ctrl-C interrupts at once.

Why: Python raises ``KeyboardInterrupt`` wherever the main thread happens to be. A sweep worker
spends its first seconds in imports (torch loads parts of itself on the first training step)
and later in the study storage's locks; interrupted there, it once hung and once died of the
signal instead of marking its trial failed and exiting with status 130.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator

__all__ = ["stop_safely", "stop_requested", "check_stop"]

_active = False
_requested = False


def stop_requested() -> bool:
    """Whether Ctrl-C was pressed inside :func:`stop_safely` and not yet acted on."""
    return _requested


def check_stop() -> None:
    """Raise ``KeyboardInterrupt`` here if a stop was asked for: call it where stopping is safe."""
    if _requested:
        raise KeyboardInterrupt


def _ask(signum: int, frame: object) -> None:
    global _requested
    _requested = True
    signal.signal(signal.SIGINT, signal.default_int_handler)  # a second Ctrl-C interrupts at once


@contextlib.contextmanager
def stop_safely() -> Iterator[None]:
    """Run the block with Ctrl-C deferred to the next :func:`check_stop`; a stop asked for and not
    acted on by the end of the block raises ``KeyboardInterrupt`` there. Nested blocks, and blocks
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
        raise KeyboardInterrupt
