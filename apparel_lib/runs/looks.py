"""The test-set log: every look at the held-out test set, one JSON line each, kept beside the ledger.

``<ledger>/test_looks.jsonl`` (the ledger folder of :func:`~apparel_lib.settings.ledger_folder`;
none where the ledger is ``off``) is appended to by :func:`~apparel_lib.runs.holdout.score_test`
each time it scores a model, and never rewritten. A record says what was scored (the run's
description, spec and ledger key), at which commit, when, why, and the score. Looks made before
the log existed were entered by hand from the project's own records (``"entered": "by hand"``,
with the record they come from in ``"source"``).

Each record is one line written by a single ``write`` to a file opened for appending, so an
interrupted write leaves no partial line for a reader to meet; a line that is not a record is a
one-line :class:`~apparel_lib.errors.StoreError`.

The log, not a results store, says whether a look happened. While :data:`READ_ONLY` is set (the
test suite sets it, so that running the chapters never adds to the tracked log) nothing is
appended: a look the log does not hold is a one-line error instead. :func:`look_note` is the
sentence a chapter prints under its marked test cell: when its scores were first recorded.
"""

from __future__ import annotations

import datetime
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import StoreError
from ..provenance import commit
from ..settings import ledger_folder
from .spec import RunResult

__all__ = ["LOG_NAME", "FIELDS", "READ_ONLY", "LookLog", "default_log", "ledger_key", "read_only", "look_note"]

LOG_NAME = "test_looks.jsonl"
"""The log's file name inside the ledger folder."""

FIELDS: tuple[str, ...] = ("what", "ledger_key", "commit", "date", "why", "test_acc", "entered")
"""The fields every record has (``ledger_key`` and ``commit`` may be null for a look entered by hand)."""

READ_ONLY = "APPAREL_LOOKS_READ_ONLY"
"""The environment variable that, set to anything but empty, makes every log read-only (the root
conftest.py sets it for the test session and the chapters' kernels)."""


def read_only() -> bool:
    """Whether logs are read-only now (:data:`READ_ONLY` is set)."""
    return bool(os.environ.get(READ_ONLY))


def ledger_key(result: RunResult) -> str:
    """The name of ``result``'s run in the ledger (its spec and data, nothing else): what makes two
    looks a look at the same specification."""
    from .ledger import Ledger

    return Ledger.key(result.spec, result.fingerprint)


@dataclass(frozen=True)
class LookLog:
    """The log in the file ``path`` (made on the first look)."""

    path: Path

    def records(self) -> list[dict[str, Any]]:
        """Every record, oldest first."""
        if not self.path.is_file():
            return []
        out = []
        for number, line in enumerate(self.path.read_text(encoding="utf-8").splitlines(), start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError:
                record = None
            if not isinstance(record, dict) or any(name not in record for name in FIELDS):
                raise StoreError(f"{self.path} line {number} is not a test-set look record: "
                                 "restore the file with git (it is only ever appended to)")
            out.append(record)
        return out

    def looks(self, key: str) -> list[dict[str, Any]]:
        """Every scored look recorded at the run ``key`` (a ledger key), oldest first."""
        return [r for r in self.records() if r["ledger_key"] == key and r["test_acc"] is not None]

    def find(self, key: str) -> dict[str, Any] | None:
        """The look whose score stands for the run ``key`` (the latest recorded), or None."""
        looks = self.looks(key)
        return looks[-1] if looks else None

    def check_writable(self, what: str) -> None:
        """A one-line error, naming the run ``what``, if a look at it may not be added now."""
        if read_only():
            raise StoreError(f"the test-set log {self.path.name} records no look at {what}, and it is read-only "
                             f"while {READ_ONLY} is set (as under the tests): run its chapter with "
                             "`make execute` to record the look")

    def append(self, record: dict[str, Any]) -> dict[str, Any]:
        """Add ``record`` as one line, written whole or not at all."""
        missing = [name for name in FIELDS if name not in record]
        if missing:
            raise StoreError(f"a test-set look record needs {', '.join(missing)}")
        self.check_writable(str(record["what"]))
        line = (json.dumps(record, sort_keys=True) + "\n").encode("utf-8")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            if os.write(fd, line) != len(line):  # one write: a regular file takes it whole
                raise StoreError(f"{self.path}: a test-set look was written only in part; restore the file with git")
            os.fsync(fd)
        finally:
            os.close(fd)
        return record

    def record(self, result: RunResult, why: str) -> dict[str, Any]:
        """Log the look that gave ``result`` its test accuracy, made now at this commit for ``why``."""
        return self.append({
            "what": result.spec.describe(),
            "spec": result.spec.to_dict(),
            "ledger_key": ledger_key(result),
            "store_key": result.key,
            "commit": commit(self.path.parent),
            "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
            "why": why,
            "test_acc": result.test_acc,
            "test_acc_train_mode": result.test_acc_train_mode,
            "entered": "by score_test",
        })


def default_log() -> LookLog | None:
    """The log of the configured ledger, or None where there is no ledger (``APPAREL_LEDGER=off``)."""
    folder = ledger_folder()
    return LookLog(folder / LOG_NAME) if folder is not None else None


def _commit(record: dict[str, Any]) -> str:
    value = record.get("commit")
    if not value:
        return "a commit not recorded"
    head, _, rest = str(value).partition("+")
    return f"commit {head[:12]}" + (f"+{rest}" if rest else "")


def look_note(*results: RunResult, log: LookLog | None = None) -> str:
    """The sentence a chapter prints under its marked test cell for ``results`` (their scores
    read from ``log``, default: the configured one): when, and at which commit, their test set
    was first scored, and how many looks the log holds at them."""
    log = log if log is not None else default_log()
    if log is None:
        raise StoreError("there is no test-set log to cite (APPAREL_LEDGER is off): unset it to use the project's ledger")
    if not results:
        raise StoreError("look_note needs at least one scored run")
    looks = []
    for result in results:
        found = log.looks(ledger_key(result))
        if not found:
            raise StoreError(f"the test-set log records no look at {result.spec.describe()}: score it with score_test first")
        looks.append(found)
    firsts = sorted((found[0] for found in looks), key=lambda r: str(r["date"]))
    dates = sorted({str(r["date"])[:10] for r in firsts})
    when = dates[0] if len(dates) == 1 else f"between {dates[0]} and {dates[-1]}"
    commits = list(dict.fromkeys(_commit(r) for r in firsts))
    count = sum(len(found) for found in looks)
    runs = "" if len(results) == 1 else f"the {len(results)} runs "
    return (f"{runs}first scored on {when} at {' and '.join(commits)}; "
            f"{count} look{'s' if count != 1 else ''} recorded; see the test-set log.")
