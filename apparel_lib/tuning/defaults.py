"""The sweep's defaults, in the one place the library and the command line read them.

A module without optuna or torch, so that ``apparel sweep --help`` shows them without loading either.
"""

from __future__ import annotations

__all__ = ["HEARTBEAT", "TRIAL_EPOCHS"]

HEARTBEAT: int = 30
"""Seconds between a worker's heartbeats in a database storage (twice that without one fails its trial)."""

TRIAL_EPOCHS: int = 3
"""The most epochs a trial of the default search space trains (its range of epochs is 1 to this)."""
