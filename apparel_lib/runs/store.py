"""The results store: every run kept once, under a key made of its spec, the data, the library
version and the numeric path (precision, device type and torch version: see
:func:`~apparel_lib.runs.spec.run_key`), so a store shared by a class never mixes
results computed in different ways.

An entry is a folder ``<root>/<key>/`` holding ``result.json`` and the checkpoint ``model.pt``.
It is built in a temporary folder and renamed into place, so no reader ever sees half of one;
a lock file makes a second process that asks for the same run wait for the first and reuse its
result. An entry that is damaged (unreadable, incomplete, or whose checkpoint does not match the
digest recorded in its result) is reported in one line and trained again, never used. The
store is the one writer of its entries' files: a test set scored later is recorded through it
(:meth:`RunStore.record_test`).
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import json
import logging
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import torch

from ..data.dataset import FashionMNIST, load_data
from ..errors import StoreError
from ..files import atomic_write
from ..paths import RUNS, cache_dir
from ..training.loop import EpochHook, finished
from .ledger import Ledger, LedgerEntry, default_ledger
from .runner import train_spec
from .spec import RunResult, RunSpec, file_digest, run_key

log = logging.getLogger(__name__)

try:
    import fcntl
except ImportError:  # not POSIX: entries are still atomic, but two processes may both train
    fcntl = None  # type: ignore[assignment]

__all__ = ["RunStore", "get_or_run", "shipped", "fresh_clone_seconds"]

FORMAT = "apparel-run/1"
RESULT, MODEL = "result.json", "model.pt"


@functools.cache
def _default_data() -> FashionMNIST:
    return load_data(progress=False)


class RunStore:
    """Runs kept in ``root`` (default: ``runs/`` in the library's cache folder, see ``APPAREL_CACHE``)."""

    def __init__(self, root: str | os.PathLike[str] | None = None) -> None:
        self.root = Path(root) if root is not None else cache_dir(RUNS)

    def __repr__(self) -> str:
        return f"RunStore({str(self.root)!r})"

    # --- reading ------------------------------------------------------------------------------

    def _read(self, folder: Path) -> RunResult:
        """The result in ``folder``, or StoreError saying why it cannot be used."""
        try:
            values = json.loads((folder / RESULT).read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise StoreError(f"{folder.name} has no {RESULT}") from None
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
            raise StoreError(f"{folder.name}/{RESULT} is unreadable ({type(err).__name__})") from None
        if not isinstance(values, dict) or values.get("format") != FORMAT:
            raise StoreError(f"{folder.name}/{RESULT} is not a stored run")
        model = folder / MODEL
        if not model.is_file() or file_digest(model) != values.get("checkpoint_sha256"):
            raise StoreError(f"{folder.name}/{MODEL} is missing or does not match its result")
        try:
            result = RunResult.from_dict({**values["result"], "checkpoint": str(model)})
        except (KeyError, TypeError, ValueError) as err:
            raise StoreError(f"{folder.name}/{RESULT} is incomplete ({type(err).__name__}: {err})") from None
        if result.key != folder.name:
            raise StoreError(f"{folder.name}/{RESULT} belongs to run {result.key}")
        return result

    def get(self, key: str) -> RunResult | None:
        """The stored run ``key``; None if there is none. A damaged entry is reported, removed, and None."""
        folder = self.root / key
        if not folder.exists():
            return None
        try:
            return self._read(folder)
        except StoreError as err:
            log.warning("note: stored run %s is damaged (%s); it will be trained again", key, err)
            shutil.rmtree(folder, ignore_errors=True)
            return None

    def runs(self) -> list[RunResult]:
        """Every readable stored run, oldest first (damaged entries are skipped without a word)."""
        found = []
        for folder in sorted(self.root.glob("*/"), key=lambda p: p.stat().st_mtime) if self.root.is_dir() else []:
            if folder.name.startswith("."):
                continue
            with contextlib.suppress(StoreError):
                found.append(self._read(folder))
        return found

    def find(self, prefix: str) -> RunResult:
        """The one stored run whose key starts with ``prefix``."""
        matches = [r for r in self.runs() if r.key.startswith(prefix)] if prefix else []
        if len(matches) != 1:
            what = "no stored run" if not matches else f"{len(matches)} stored runs"
            raise StoreError(f"{what} with a key starting {prefix!r}: see `apparel runs list`")
        return matches[0]

    def remove(self, key: str) -> None:
        """Delete the stored run ``key`` (its result and checkpoint)."""
        folder = self.root / key
        if not folder.is_dir():
            raise StoreError(f"no stored run {key!r}: see `apparel runs list`")
        shutil.rmtree(folder)

    # --- writing ------------------------------------------------------------------------------

    @contextlib.contextmanager
    def _locked(self, key: str) -> Iterator[None]:
        self.root.mkdir(parents=True, exist_ok=True)
        if fcntl is None:
            yield
            return
        with open(self.root / f".{key}.lock", "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def _put(self, result: RunResult) -> RunResult:
        """Store a fresh result (with its model) atomically; return it as stored."""
        tmp = Path(tempfile.mkdtemp(dir=self.root, prefix=f".{result.key}."))
        try:
            from ..training.checkpoint import save_checkpoint

            spec = result.spec
            save_checkpoint(
                tmp / MODEL, result.model, recipe=spec.recipe, history=result.history,
                fingerprint=result.fingerprint, seed=spec.seed, data=spec.data,
            )
            final = self.root / result.key
            stored = dataclasses.replace(result, checkpoint=final / MODEL)
            _write(tmp, stored, file_digest(tmp / MODEL))
            if final.exists():  # a damaged entry, reported by get(): replace it
                shutil.rmtree(final)
            os.rename(tmp, final)
            return stored
        finally:
            shutil.rmtree(tmp, ignore_errors=True)

    def record_test(self, result: RunResult) -> None:
        """Write ``result``'s test accuracies into its entry, if this store holds the run (under
        its lock, the entry's checkpoint and digest kept)."""
        folder = self.root / result.key
        if not folder.is_dir():
            return
        with self._locked(result.key):
            try:
                stored = self._read(folder)
            except StoreError:
                return
            scored = dataclasses.replace(stored, test_acc=result.test_acc, test_acc_train_mode=result.test_acc_train_mode)
            _write(folder, scored, file_digest(folder / MODEL))

    def get_or_run(
        self,
        spec: RunSpec,
        *,
        data: FashionMNIST | None = None,
        device: str | torch.device | None = None,
        progress: bool = True,
        on_epoch: EpochHook | None = None,
        ledger: Ledger | bool = True,
        need_model: bool = False,
    ) -> RunResult:
        """The stored result of ``spec``, else its entry in the results ledger, else trained now
        (and stored).

        The store is searched for a run on the numeric path that training on ``device`` takes
        (the same spec on another path is another entry). The ledger (``ledger=True``: the
        book's, see :func:`~apparel_lib.runs.ledger.default_ledger`; False: none) is
        searched by spec and data alone; with ``need_model`` only an entry that ships its model
        will do. A run that ``on_epoch`` stops early is
        returned but not stored (it is not the run the spec describes).
        """
        data = data if data is not None else _default_data()
        key, _ = run_key(spec, data.fingerprint, device)  # picks the device as train_spec will
        with self._locked(key):
            stored = self.get(key)
            if stored is not None:
                return stored
            entry = _ledger_entry(spec, data, ledger)
            if entry is not None and (entry.result.checkpoint is not None or not need_model):
                return entry.result
            result = train_spec(spec, data=data, device=device, progress=progress, on_epoch=on_epoch)
            if not finished(result.history, spec.recipe):
                return result
            return self._put(result)


def _write(folder: Path, result: RunResult, digest: str) -> None:
    """Write ``result`` as the entry in ``folder`` whose checkpoint has the SHA-256 ``digest``, whole or not at all."""
    record = {"format": FORMAT, "checkpoint_sha256": digest, "result": result.to_dict()}
    with atomic_write(folder / RESULT, "w") as f:
        f.write(json.dumps(record, indent=1))


def _ledger_entry(spec: RunSpec, data: FashionMNIST, ledger: Ledger | bool = True) -> LedgerEntry | None:
    """``spec``'s entry in ``ledger`` (True: the book's; False: none), or None."""
    book = default_ledger() if ledger is True else (ledger or None)
    return book.get(spec, data.fingerprint) if book is not None else None


def get_or_run(spec: RunSpec, **options: Any) -> RunResult:
    """:meth:`RunStore.get_or_run` on the default store."""
    return RunStore().get_or_run(spec, **options)


def fresh_clone_seconds(read: Iterable[RunResult] = (), *, live: Iterable[RunResult] = (),
                        data: FashionMNIST | None = None, ledger: Ledger | bool = True) -> float:
    """The training seconds a fresh clone (the ledger, an empty store) spends beyond what this
    run trained: the runs of ``read`` that the ledger lacks, and the runs of ``live`` (trained
    with ``ledger=False``) that came back from this machine's store. A run trained now (it
    holds its model) is already in the wall time."""
    data = data if data is not None else _default_data()
    unshipped = [r for r in read if r.model is None and _ledger_entry(r.spec, data, ledger) is None]
    return sum(r.seconds for r in unshipped) + sum(r.seconds for r in live if r.model is None)


def shipped(spec: RunSpec, **options: Any) -> RunResult:
    """The book's own run of ``spec``: its entry in the results ledger, read even where this
    machine's store holds a run of its own (so a table of ledger rows shows the same numbers on
    every machine); where the ledger is off or lacks the entry, :func:`get_or_run`'s result
    (``options`` go to it)."""
    entry = _ledger_entry(spec, options.get("data") or _default_data())
    return entry.result if entry is not None else get_or_run(spec, **options)
