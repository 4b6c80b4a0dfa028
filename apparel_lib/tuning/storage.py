"""Where Optuna studies live: by default a journal file in the cache folder, which Optuna
documents as safe for several processes on one machine; a database URL (``postgresql://...``,
``sqlite:///...``) shares one study between machines, with heartbeats so that a worker killed
mid-trial leaves a failed trial rather than one running forever.
"""

from __future__ import annotations

import re
import time
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import ApparelError
from ..extras import require
from ..paths import STUDIES, cache_dir
from .defaults import HEARTBEAT

if TYPE_CHECKING:
    import optuna
else:
    optuna = require("optuna")

__all__ = ["default_journal", "open_storage"]

TABLE_RACE_RETRIES = 2
"""How often opening a database storage is tried again after finding its tables half made (see
:func:`open_storage`); the waits grow by a second each time."""


def default_journal() -> Path:
    """The default study storage: ``optuna/studies.journal`` in the library's cache folder (``APPAREL_CACHE``)."""
    return cache_dir(*STUDIES.split("/"))


def _hide_password(url: str) -> str:
    return re.sub(r"(://[^:/@]+):[^@]*@", r"\1:***@", url)


def _with_driver(url: str) -> str:
    """``postgresql://`` with the driver that is installed: SQLAlchemy 2.1 assumes psycopg 3, the
    book installs psycopg2 (``postgres://``, Heroku's spelling, is accepted too)."""
    scheme, _, rest = url.partition("://")
    if scheme not in ("postgresql", "postgres"):
        return url
    import importlib.util

    driver = "psycopg" if importlib.util.find_spec("psycopg") else "psycopg2"
    if driver == "psycopg2":
        require("psycopg2")  # a one-line error naming the extra, not SQLAlchemy's ModuleNotFoundError
    return f"postgresql+{driver}://{rest}"


def open_storage(storage: str | Path | None = None, *, heartbeat: int = HEARTBEAT) -> optuna.storages.BaseStorage:
    """Where studies live: None for the default journal file, a file path for another journal file,
    or a database URL (``postgresql://user:password@host:5432/db``, ``sqlite:///file.db``).

    A database storage records a heartbeat every ``heartbeat`` seconds while a trial runs; a trial
    silent for twice that is marked failed by the next worker that starts a trial. A URL that is
    wrong or a database that cannot be reached is a one-line :class:`ApparelError`.
    """
    text = str(storage) if storage is not None else None
    if text is None or "://" not in text:
        path = Path(text) if text is not None else default_journal()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            backend = optuna.storages.journal.JournalFileBackend(str(path))
        except OSError as err:
            raise ApparelError(f"cannot use {path} as a study journal: {err.strerror or err}") from None
        return optuna.storages.JournalStorage(backend)
    engine: dict[str, Any] = {}
    url = _with_driver(text)
    if url.startswith("postgresql"):
        engine["connect_args"] = {"connect_timeout": 10}
    import sqlalchemy.exc

    retries = 0
    while True:
        try:
            with warnings.catch_warnings():  # heartbeats are marked experimental
                warnings.simplefilter("ignore", optuna.exceptions.ExperimentalWarning)
                return optuna.storages.RDBStorage(
                    url, engine_kwargs=engine, heartbeat_interval=heartbeat, grace_period=2 * heartbeat,
                )
        except Exception as err:  # noqa: BLE001 - sqlalchemy, a driver or the server: one line says which
            if isinstance(err, (sqlalchemy.exc.IntegrityError, sqlalchemy.exc.ProgrammingError)) and retries < TABLE_RACE_RETRIES:
                # Workers starting together on an empty database race to create its tables: the
                # loser finds them half made. A moment later they are there.
                retries += 1
                time.sleep(retries)
                continue
            reason = " ".join(str(err).split("\n")[0].split()) or type(err).__name__
            raise ApparelError(
                f"cannot open the study storage {_hide_password(text)} ({type(err).__name__}: {reason[:200]}); "
                f"check the URL, e.g. postgresql://user:password@host:5432/database or sqlite:///studies.db, "
                f"and that the database is running"
            ) from None
