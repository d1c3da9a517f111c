"""SQLite plumbing of :mod:`geo.io.scenario_store`: schema, migrations, limits, row checks."""

from __future__ import annotations

import sqlite3
import time
import unicodedata
from contextlib import suppress
from datetime import UTC, datetime
from pathlib import Path

from geo.config import DATA_DIR_ENV
from geo.errors import StoreError

SCHEMA_VERSION: int = 1
MAX_NAME_LENGTH: int = 120
MAX_TOML_BYTES: int = 1_000_000
HISTORY_LIMIT: int = 20
BUSY_TIMEOUT_S: float = 5.0

CONFLICT = "iemand anders heeft dit scenario intussen gewijzigd; laad het opnieuw"

# Statements that bring the schema from version ``n - 1`` to ``n``.
MIGRATIONS: dict[int, tuple[str, ...]] = {
    1: (
        """
        CREATE TABLE scenarios (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 120),
            name_key TEXT NOT NULL UNIQUE,
            toml TEXT NOT NULL,
            version INTEGER NOT NULL CHECK (version >= 1),
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        )
        """,
        """
        CREATE TABLE scenario_versions (
            scenario_id INTEGER NOT NULL REFERENCES scenarios (id) ON DELETE CASCADE,
            version INTEGER NOT NULL,
            name TEXT NOT NULL,
            toml TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            PRIMARY KEY (scenario_id, version)
        )
        """,
    ),
}



def use_wal(con: sqlite3.Connection) -> None:
    """Switch the file to WAL (persistent; falls back silently where WAL is unsupported).

    Changing the journal mode needs an exclusive lock and SQLite may answer "database is
    locked" without waiting when another process is creating the same new database at that
    moment, so retry until the busy timeout.
    """
    deadline = time.monotonic() + BUSY_TIMEOUT_S
    while True:
        try:
            mode = str(con.execute("PRAGMA journal_mode").fetchone()[0]).lower()
            if mode != "wal":
                con.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            text = str(exc).lower()
            if ("locked" not in text and "busy" not in text) or time.monotonic() > deadline:
                raise
            time.sleep(0.02)


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


def clean_name(name: object) -> tuple[str, str]:
    """Return the normalised name and its case-insensitive key, or raise."""
    if not isinstance(name, str):
        raise StoreError("de naam van een scenario moet tekst zijn")
    clean = unicodedata.normalize("NFC", name).strip()
    if not clean:
        raise StoreError("geef het scenario een naam; een lege naam kan niet")
    if len(clean) > MAX_NAME_LENGTH:
        raise StoreError(
            f"de naam is {len(clean)} tekens lang; maak hem korter "
            f"(hoogstens {MAX_NAME_LENGTH} tekens)"
        )
    if any(unicodedata.category(char) == "Cc" for char in clean):
        raise StoreError("de naam bevat regeleinden of stuurtekens; haal die weg")
    return clean, clean.casefold()


def check_toml(toml_text: object) -> str:
    if not isinstance(toml_text, str):
        raise StoreError("een scenario wordt als TOML-tekst opgeslagen; dit is geen tekst")
    try:
        size = len(toml_text.encode("utf-8"))
    except UnicodeEncodeError as exc:
        raise StoreError(f"de scenariotekst bevat ongeldige tekens ({exc})") from exc
    if size > MAX_TOML_BYTES:
        raise StoreError(
            f"het scenario is {size / 1e6:.1f} MB groot; hoogstens "
            f"{MAX_TOML_BYTES / 1e6:.0f} MB kan worden opgeslagen"
        )
    return toml_text


def prune_history(con: sqlite3.Connection, scenario_id: int) -> None:
    """Keep only the last :data:`HISTORY_LIMIT` previous versions of a scenario."""
    con.execute(
        """
        DELETE FROM scenario_versions
        WHERE scenario_id = ? AND version NOT IN (
            SELECT version FROM scenario_versions WHERE scenario_id = ?
            ORDER BY version DESC LIMIT ?
        )
        """,
        (scenario_id, scenario_id, HISTORY_LIMIT),
    )


def translate_error(exc: sqlite3.Error, path: Path) -> StoreError:
    """Translate an sqlite3 error into a :class:`StoreError` that says what to do."""
    text = str(exc)
    lowered = text.lower()
    if isinstance(exc, sqlite3.IntegrityError):
        if "name_key" in lowered:
            return StoreError(
                "er bestaat al een scenario met deze naam; kies een andere naam"
            )
        return StoreError(f"opslaan geweigerd ({text}); de vorige versie is bewaard")
    if "locked" in lowered or "busy" in lowered:
        return StoreError(
            f"de scenariodatabase {path} is bezet door een andere sessie; "
            "probeer het over een paar seconden opnieuw"
        )
    if (
        "not a database" in lowered
        or "malformed" in lowered
        or "corrupt" in lowered
        or type(exc) is sqlite3.DatabaseError
    ):
        return StoreError(
            f"{path} is geen leesbare scenariodatabase ({text}). Het bestand is "
            "niet gewijzigd of verwijderd. Verplaats of hernoem het (bijvoorbeeld naar "
            f"'{path.name}.kapot') en start de app opnieuw; dan wordt een nieuwe, "
            f"lege database aangemaakt. Of stel {DATA_DIR_ENV} in op een andere map."
        )
    return StoreError(
        f"de scenariodatabase {path} kan niet worden gelezen of geschreven "
        f"({text}); controleer of de map schrijfbaar is en er schijfruimte vrij is. "
        "Een eerder opgeslagen versie blijft bewaard."
    )


def ensure_schema(con: sqlite3.Connection, path: Path) -> None:
    """Create or migrate the schema of an open database, or refuse a foreign or newer one."""
    current = int(con.execute("PRAGMA user_version").fetchone()[0])
    if current > SCHEMA_VERSION:
        raise StoreError(
            f"{path} is gemaakt door een nieuwere versie van Woonzorgatlas "
            f"(schema {current}, deze versie kent {SCHEMA_VERSION}); werk de app bij "
            f"of stel {DATA_DIR_ENV} in op een andere map"
        )
    use_wal(con)
    if current == SCHEMA_VERSION:
        return
    con.execute("BEGIN IMMEDIATE")
    try:
        current = int(con.execute("PRAGMA user_version").fetchone()[0])
        if current == 0:
            tables = con.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' "
                "AND name NOT LIKE 'sqlite_%'"
            ).fetchall()
            if tables:
                raise StoreError(
                    f"{path} is een SQLite-database van een ander programma "
                    "(geen scenario's van Woonzorgatlas); het bestand is niet "
                    "gewijzigd. Kies een ander pad of stel "
                    f"{DATA_DIR_ENV} in op een andere map."
                )
        for version in range(current + 1, SCHEMA_VERSION + 1):
            for statement in MIGRATIONS[version]:
                con.execute(statement)
            con.execute(f"PRAGMA user_version = {version}")
        con.execute("COMMIT")
    except BaseException:
        with suppress(sqlite3.Error):
            con.execute("ROLLBACK")
        raise
