"""Saved scenarios in an embedded SQLite database.

A :class:`ScenarioStore` keeps named scenarios as their TOML text (opaque here; the
scenario model lives elsewhere) in one SQLite file, by default
``<data_dir()>/scenarios.sqlite3``. It is built for the app, where every browser
session runs in its own thread and several app processes may share one data directory:

- one connection per call (no global connection), so a store may be shared by threads;
- WAL journal mode and a busy timeout, so readers never block writers and concurrent
  writers wait their turn instead of failing with "database is locked";
- every write is one ``BEGIN IMMEDIATE`` transaction: a save that fails half-way
  (exception, constraint, disk error) leaves the previous version intact;
- optimistic concurrency: every scenario has a ``version``; a save that passes the
  version it started from fails with :class:`StoreConflictError` when someone else saved
  in between, so two sessions never overwrite each other silently;
- the previous versions of a scenario (at most :data:`HISTORY_LIMIT`) are kept in the
  table ``scenario_versions``, so a bad save can be undone with
  :meth:`ScenarioStore.restore`;
- the schema version is kept in SQLite's ``user_version`` for future migrations.

A file at the database path that is not a (readable) SQLite database is reported with
a :class:`StoreError` that says what to do; the file is never deleted or changed.

Attributes
----------
DB_FILENAME : str
    File name of the database in the data directory.
DATA_DIR_ENV : str
    Environment variable that overrides the data directory.
SCHEMA_VERSION : int
    Schema version written to ``PRAGMA user_version``.
MAX_NAME_LENGTH : int
    Longest allowed scenario name, in characters.
MAX_TOML_BYTES : int
    Largest allowed scenario text, in bytes of UTF-8 (1 MB).
HISTORY_LIMIT : int
    Number of previous versions kept per scenario.
BUSY_TIMEOUT_S : float
    Seconds a write waits for another writer before it gives up.
"""

from __future__ import annotations

import builtins
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from geo.config import DATA_DIR_ENV, Config, get_config
from geo.errors import StoreConflictError, StoreError
from geo.io._scenario_db import (
    BUSY_TIMEOUT_S,
    CONFLICT,
    HISTORY_LIMIT,
    MAX_NAME_LENGTH,
    MAX_TOML_BYTES,
    SCHEMA_VERSION,
    check_toml,
    clean_name,
    ensure_schema,
    prune_history,
    translate_error,
    utc_now,
)

__all__ = [
    "BUSY_TIMEOUT_S",
    "DATA_DIR_ENV",
    "DB_FILENAME",
    "HISTORY_LIMIT",
    "MAX_NAME_LENGTH",
    "MAX_TOML_BYTES",
    "SCHEMA_VERSION",
    "ScenarioStore",
    "StoreConflictError",
    "StoreError",
    "StoredScenario",
    "data_dir",
]

DB_FILENAME: str = "scenarios.sqlite3"


@dataclass(frozen=True)
class StoredScenario:
    """One saved scenario (or one previous version of it).

    Attributes
    ----------
    id : int
        Stable identifier; never reused after a delete.
    name : str
        Display name, unique in the store (case-insensitive).
    version : int
        Version number, 1 for a new scenario, +1 on every change.
    updated_at : datetime
        When this version was saved (timezone-aware, UTC).
    toml_text : str or None
        The scenario as TOML text; ``None`` in :meth:`ScenarioStore.list`.
    """

    id: int
    name: str
    version: int
    updated_at: datetime
    toml_text: str | None = field(default=None, repr=False)


def data_dir(config: Config | None = None) -> Path:
    """Directory for the app's own data, created on demand.

    Parameters
    ----------
    config
        Settings to take :attr:`~geo.config.Config.data_dir` from; default
        :func:`geo.config.get_config`.

    Returns
    -------
    Path
        ``$WOONZORGATLAS_DATA_DIR`` if set, else ``$XDG_DATA_HOME/woonzorgatlas`` if
        ``XDG_DATA_HOME`` is an absolute path, else ``~/.local/share/woonzorgatlas``
        (see :mod:`geo.config`).

    Raises
    ------
    StoreError
        If the directory cannot be created.
    """
    path = (config or get_config()).data_dir
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(
            f"de datamap {path} kan niet worden aangemaakt ({exc}); "
            f"stel {DATA_DIR_ENV} in op een schrijfbare map"
        ) from exc
    return path


def _row_to_scenario(row: sqlite3.Row, *, with_text: bool = True) -> StoredScenario:
    return StoredScenario(
        id=int(row["id"]),
        name=str(row["name"]),
        version=int(row["version"]),
        updated_at=datetime.fromisoformat(row["updated_at"]),
        toml_text=str(row["toml"]) if with_text else None,
    )


class ScenarioStore:
    """Saved scenarios in one SQLite file.

    Parameters
    ----------
    path
        Database file; ``None`` for ``data_dir() / "scenarios.sqlite3"``. Its directory
        is created on demand, and the schema on first use.

    Raises
    ------
    StoreError
        If the file is not a usable scenario database (the message says what to do; the
        file is left untouched), or belongs to a newer version of the app.

    Notes
    -----
    The store holds no open connection: every method opens its own, so one instance may
    be shared by threads, and any number of processes may use the same file.
    """

    def __init__(self, path: str | Path | None = None) -> None:
        if path is None:
            self.path = data_dir() / DB_FILENAME
        else:
            self.path = Path(path).expanduser()
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StoreError(
                    f"de map {self.path.parent} kan niet worden aangemaakt ({exc}); "
                    "kies een schrijfbare map"
                ) from exc
        if self.path.is_dir():
            raise StoreError(f"{self.path} is een map; geef het pad van een databasebestand")
        self._ensure_schema()

    def __repr__(self) -> str:
        return f"ScenarioStore({str(self.path)!r})"

    # -- connections and transactions -------------------------------------------------

    def _error(self, exc: sqlite3.Error) -> StoreError:
        """Translate an sqlite3 error into a :class:`StoreError` that says what to do."""
        return translate_error(exc, self.path)

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        """Open a connection for one call; translate sqlite3 errors; always close."""
        try:
            con = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
        except sqlite3.Error as exc:
            raise self._error(exc) from exc
        try:
            con.row_factory = sqlite3.Row
            con.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
            con.execute("PRAGMA foreign_keys = ON")
            con.execute("PRAGMA synchronous = FULL")
            yield con
        except sqlite3.Error as exc:
            raise self._error(exc) from exc
        finally:
            con.close()  # rolls back anything not committed

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction: ``BEGIN IMMEDIATE`` … ``COMMIT``, rollback on any error."""
        with self._connect() as con:
            con.execute("BEGIN IMMEDIATE")
            try:
                yield con
            except BaseException:
                if con.in_transaction:
                    with suppress(sqlite3.Error):
                        con.execute("ROLLBACK")
                raise
            con.execute("COMMIT")

    def _ensure_schema(self) -> None:
        with self._connect() as con:
            ensure_schema(con, self.path)

    # -- helpers inside a transaction --------------------------------------------------

    @staticmethod
    def _current(
        con: sqlite3.Connection, scenario_id: int, expected_version: int | None = None
    ) -> sqlite3.Row:
        """The stored row, after the optimistic-concurrency check."""
        row = con.execute("SELECT * FROM scenarios WHERE id = ?", (scenario_id,)).fetchone()
        if row is None:
            if expected_version is not None:
                raise StoreConflictError(
                    "iemand anders heeft dit scenario intussen verwijderd; sla het op "
                    "onder een (nieuwe) naam om je werk te bewaren"
                )
            raise StoreError(f"scenario {scenario_id} bestaat niet (meer); laad de lijst opnieuw")
        if expected_version is not None and int(row["version"]) != expected_version:
            raise StoreConflictError(
                f"scenario '{row['name']}': {CONFLICT} (opgeslagen versie {row['version']}, "
                f"jouw versie {expected_version})"
            )
        return row

    @staticmethod
    def _check_name_free(
        con: sqlite3.Connection, name: str, key: str, exclude: int | None = None
    ) -> None:
        row = con.execute(
            "SELECT id, name FROM scenarios WHERE name_key = ?", (key,)
        ).fetchone()
        if row is not None and row["id"] != exclude:
            raise StoreError(
                f"er bestaat al een scenario met de naam '{row['name']}'; "
                f"kies een andere naam dan '{name}'"
            )

    @staticmethod
    def _insert(con: sqlite3.Connection, name: str, key: str, toml_text: str) -> StoredScenario:
        now = utc_now()
        cur = con.execute(
            "INSERT INTO scenarios (name, name_key, toml, version, created_at, updated_at) "
            "VALUES (?, ?, ?, 1, ?, ?)",
            (name, key, toml_text, now, now),
        )
        assert cur.lastrowid is not None
        return StoredScenario(
            id=int(cur.lastrowid),
            name=name,
            version=1,
            updated_at=datetime.fromisoformat(now),
            toml_text=toml_text,
        )

    @staticmethod
    def _update(
        con: sqlite3.Connection, row: sqlite3.Row, name: str, key: str, toml_text: str
    ) -> StoredScenario:
        """Move the current version to the history, write the new one, prune."""
        scenario_id = int(row["id"])
        now = utc_now()
        con.execute(
            "INSERT INTO scenario_versions (scenario_id, version, name, toml, updated_at) "
            "SELECT id, version, name, toml, updated_at FROM scenarios WHERE id = ?",
            (scenario_id,),
        )
        version = int(row["version"]) + 1
        con.execute(
            "UPDATE scenarios SET name = ?, name_key = ?, toml = ?, version = ?, "
            "updated_at = ? WHERE id = ?",
            (name, key, toml_text, version, now, scenario_id),
        )
        prune_history(con, scenario_id)
        return StoredScenario(
            id=scenario_id,
            name=name,
            version=version,
            updated_at=datetime.fromisoformat(now),
            toml_text=toml_text,
        )

    # -- public API --------------------------------------------------------------------

    def list(self) -> builtins.list[StoredScenario]:
        """All saved scenarios, sorted by name (without their text).

        Returns
        -------
        list of StoredScenario
            With ``toml_text`` set to ``None``; use :meth:`get` for the text.
        """
        with self._connect() as con:
            rows = con.execute(
                "SELECT id, name, version, updated_at FROM scenarios ORDER BY name_key, id"
            ).fetchall()
        return [_row_to_scenario(row, with_text=False) for row in rows]

    def get(self, id: int) -> StoredScenario:  # noqa: A002
        """One saved scenario with its TOML text.

        Parameters
        ----------
        id
            Identifier of the scenario.

        Returns
        -------
        StoredScenario

        Raises
        ------
        StoreError
            If there is no scenario with this id (any more).
        """
        with self._connect() as con:
            row = con.execute("SELECT * FROM scenarios WHERE id = ?", (id,)).fetchone()
        if row is None:
            raise StoreError(f"scenario {id} bestaat niet (meer); laad de lijst opnieuw")
        return _row_to_scenario(row)

    def save(
        self,
        name: str,
        toml_text: str,
        *,
        id: int | None = None,  # noqa: A002
        expected_version: int | None = None,
    ) -> StoredScenario:
        """Save a new scenario, or a new version of an existing one.

        Parameters
        ----------
        name
            Display name; surrounding whitespace is removed. Must be non-empty, at most
            :data:`MAX_NAME_LENGTH` characters and unique (case-insensitive).
        toml_text
            The scenario as TOML text, at most :data:`MAX_TOML_BYTES` bytes.
        id
            ``None`` to insert a new scenario; else the scenario to update.
        expected_version
            The version the caller loaded. If given and the stored version differs,
            nothing is saved and :class:`StoreConflictError` is raised.

        Returns
        -------
        StoredScenario
            The saved version, with its text. Saving an unchanged name and text does
            not create a new version.

        Raises
        ------
        StoreConflictError
            If the scenario was changed or deleted since ``expected_version``.
        StoreError
            If the name or text is invalid, the name is taken, the scenario does not
            exist, or the database cannot be written. The previous version stays intact.
            Also if ``expected_version`` is given without ``id``.
        """
        clean, key = clean_name(name)
        toml_text = check_toml(toml_text)
        if id is None and expected_version is not None:
            raise StoreError("expected_version geldt alleen bij het bijwerken van een bestaand "
                             "scenario (geef ook id)")
        with self._transaction() as con:
            if id is None:
                self._check_name_free(con, clean, key)
                return self._insert(con, clean, key, toml_text)
            row = self._current(con, id, expected_version)
            if row["name"] == clean and row["toml"] == toml_text:
                return _row_to_scenario(row)
            self._check_name_free(con, clean, key, exclude=id)
            return self._update(con, row, clean, key, toml_text)

    def rename(
        self,
        id: int,  # noqa: A002
        new_name: str,
        *,
        expected_version: int | None = None,
    ) -> StoredScenario:
        """Give a scenario a new name (a new version; the text is unchanged).

        Parameters
        ----------
        id
            The scenario to rename.
        new_name
            The new name (same rules as in :meth:`save`).
        expected_version
            Optional optimistic-concurrency check, as in :meth:`save`.

        Returns
        -------
        StoredScenario
            The renamed scenario, with its text.

        Raises
        ------
        StoreError
            If the name is invalid or taken, or the scenario does not exist.
        """
        clean, key = clean_name(new_name)
        with self._transaction() as con:
            row = self._current(con, id, expected_version)
            if row["name"] == clean:
                return _row_to_scenario(row)
            self._check_name_free(con, clean, key, exclude=id)
            return self._update(con, row, clean, key, str(row["toml"]))

    def duplicate(self, id: int, new_name: str | None = None) -> StoredScenario:  # noqa: A002
        """Copy a scenario's current version into a new scenario.

        Parameters
        ----------
        id
            The scenario to copy.
        new_name
            Name of the copy. Default ``"<name> (kopie)"``, or ``"<name> (kopie 2)"``,
            … when that name is taken.

        Returns
        -------
        StoredScenario
            The new scenario (version 1, no history).

        Raises
        ------
        StoreError
            If the name is invalid or taken, or the scenario does not exist.
        """
        given = None if new_name is None else clean_name(new_name)
        with self._transaction() as con:
            row = self._current(con, id)
            if given is None:
                base = str(row["name"])
                number = 1
                while True:
                    suffix = " (kopie)" if number == 1 else f" (kopie {number})"
                    candidate = base[: MAX_NAME_LENGTH - len(suffix)].rstrip() + suffix
                    clean, key = clean_name(candidate)
                    taken = con.execute(
                        "SELECT 1 FROM scenarios WHERE name_key = ?", (key,)
                    ).fetchone()
                    if taken is None:
                        break
                    number += 1
            else:
                clean, key = given
                self._check_name_free(con, clean, key)
            return self._insert(con, clean, key, str(row["toml"]))

    def delete(self, id: int, *, expected_version: int | None = None) -> None:  # noqa: A002
        """Delete a scenario and its history.

        Parameters
        ----------
        id
            The scenario to delete.
        expected_version
            Optional optimistic-concurrency check, as in :meth:`save`.

        Raises
        ------
        StoreError
            If the scenario does not exist (any more).
        """
        with self._transaction() as con:
            self._current(con, id, expected_version)
            con.execute("DELETE FROM scenario_versions WHERE scenario_id = ?", (id,))
            con.execute("DELETE FROM scenarios WHERE id = ?", (id,))

    def history(self, id: int) -> builtins.list[StoredScenario]:  # noqa: A002
        """Previous versions of a scenario, newest first (without the current one).

        Parameters
        ----------
        id
            The scenario.

        Returns
        -------
        list of StoredScenario
            At most :data:`HISTORY_LIMIT` versions, each with its name and text as they
            were saved then.

        Raises
        ------
        StoreError
            If the scenario does not exist (any more).
        """
        with self._connect() as con:
            if con.execute("SELECT 1 FROM scenarios WHERE id = ?", (id,)).fetchone() is None:
                raise StoreError(f"scenario {id} bestaat niet (meer); laad de lijst opnieuw")
            rows = con.execute(
                "SELECT scenario_id AS id, name, version, updated_at, toml "
                "FROM scenario_versions WHERE scenario_id = ? ORDER BY version DESC",
                (id,),
            ).fetchall()
        return [_row_to_scenario(row) for row in rows]

    def restore(
        self,
        id: int,  # noqa: A002
        version: int,
        *,
        expected_version: int | None = None,
    ) -> StoredScenario:
        """Make a previous version current again (as a new version; nothing is lost).

        Parameters
        ----------
        id
            The scenario.
        version
            The previous version to restore (see :meth:`history`); name and text are
            both restored.
        expected_version
            Optional optimistic-concurrency check, as in :meth:`save`.

        Returns
        -------
        StoredScenario
            The new current version.

        Raises
        ------
        StoreError
            If the scenario or version does not exist, or the old name is now taken by
            another scenario.
        """
        with self._transaction() as con:
            row = self._current(con, id, expected_version)
            old = con.execute(
                "SELECT name, toml FROM scenario_versions WHERE scenario_id = ? AND version = ?",
                (id, version),
            ).fetchone()
            if old is None:
                raise StoreError(
                    f"versie {version} van scenario '{row['name']}' is niet (meer) bewaard; "
                    f"alleen de laatste {HISTORY_LIMIT} versies blijven bewaard"
                )
            clean, key = clean_name(str(old["name"]))
            self._check_name_free(con, clean, key, exclude=id)
            return self._update(con, row, clean, key, str(old["toml"]))
