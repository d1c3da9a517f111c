"""Saved scenarios: SQLite store with history, optimistic concurrency and safe writes."""

from __future__ import annotations

import multiprocessing
import sqlite3
import threading
from pathlib import Path

import pytest

from geo.errors import WoonzorgError
from geo.io import scenario_store as store_module
from geo.io.scenario_store import (
    HISTORY_LIMIT,
    MAX_NAME_LENGTH,
    MAX_TOML_BYTES,
    ScenarioStore,
    StoreConflictError,
    StoreError,
    data_dir,
)

TOML = 'name = "Basis"\nyear = 2030\n'


@pytest.fixture
def store(tmp_path: Path) -> ScenarioStore:
    return ScenarioStore(tmp_path / "scenarios.sqlite3")


def _save_many(path: str, prefix: str, count: int, barrier=None) -> None:
    """Worker for the thread and process tests (module level so "spawn" can pickle it)."""
    target = ScenarioStore(path)
    if barrier is not None:
        barrier.wait()
    for i in range(count):
        target.save(f"{prefix} {i}", f'name = "{prefix} {i}"\nyear = {2030 + i % 11}\n')


def _open_new_and_save(path: str, prefix: str, barrier) -> None:
    """Worker: open a database that does not exist yet, all workers at the same moment."""
    barrier.wait()
    ScenarioStore(path).save(prefix, f'name = "{prefix}"\nyear = 2030\n')


# -- CRUD -------------------------------------------------------------------------------


def test_crud_round_trip(store):
    assert store.list() == []
    saved = store.save("  Basis 2030 ", TOML)
    assert saved.name == "Basis 2030" and saved.version == 1 and saved.toml_text == TOML
    assert saved.updated_at.tzinfo is not None

    got = store.get(saved.id)
    assert got == saved

    listed = store.list()
    assert [(s.id, s.name, s.version) for s in listed] == [(saved.id, "Basis 2030", 1)]
    assert listed[0].toml_text is None

    updated = store.save("Basis 2030", TOML + "extra = true\n", id=saved.id)
    assert updated.version == 2 and updated.id == saved.id
    assert store.get(saved.id).toml_text == TOML + "extra = true\n"
    assert updated.updated_at >= saved.updated_at

    # Saving unchanged name and text creates no new version.
    assert store.save("Basis 2030", TOML + "extra = true\n", id=saved.id).version == 2
    assert len(store.history(saved.id)) == 1


def test_list_sorted_by_name_case_insensitive(store):
    for name in ("beta", "Alfa", "gamma"):
        store.save(name, TOML)
    assert [s.name for s in store.list()] == ["Alfa", "beta", "gamma"]


def test_rename_duplicate_delete(store):
    original = store.save("Smilde", TOML)
    renamed = store.rename(original.id, "Smilde groei")
    assert renamed.name == "Smilde groei" and renamed.version == 2
    assert renamed.toml_text == TOML

    copy = store.duplicate(original.id)
    assert copy.name == "Smilde groei (kopie)" and copy.id != original.id
    assert copy.version == 1 and copy.toml_text == TOML and store.history(copy.id) == []
    second = store.duplicate(original.id)
    assert second.name == "Smilde groei (kopie 2)"
    named = store.duplicate(original.id, "Variant B")
    assert named.name == "Variant B"

    store.delete(copy.id)
    assert {s.name for s in store.list()} == {"Smilde groei", "Smilde groei (kopie 2)", "Variant B"}
    with pytest.raises(StoreError, match="bestaat niet"):
        store.get(copy.id)
    with pytest.raises(StoreError, match="bestaat niet"):
        store.delete(copy.id)
    # Ids are never reused after a delete.
    assert store.save("Nieuw", TOML).id > named.id


def test_duplicate_default_name_fits_length(store):
    long = store.save("x" * MAX_NAME_LENGTH, TOML)
    copy = store.duplicate(long.id)
    assert len(copy.name) <= MAX_NAME_LENGTH and copy.name.endswith(" (kopie)")


# -- validation -------------------------------------------------------------------------


def test_duplicate_name_is_rejected_case_insensitively(store):
    first = store.save("Beilen", TOML)
    other = store.save("Westerbork", TOML)
    with pytest.raises(StoreError, match="bestaat al een scenario met de naam 'Beilen'"):
        store.save("BEILEN", TOML)
    with pytest.raises(StoreError, match="bestaat al"):
        store.rename(other.id, " beilen ")
    with pytest.raises(StoreError, match="bestaat al"):
        store.save("beilen", TOML, id=other.id)
    with pytest.raises(StoreError, match="bestaat al"):
        store.duplicate(other.id, "Beilen")
    # Changing only the case of one's own name is fine.
    assert store.rename(first.id, "BEILEN").name == "BEILEN"
    assert len(store.list()) == 2


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("", "lege naam"),
        ("   ", "lege naam"),
        ("x" * (MAX_NAME_LENGTH + 1), "korter"),
        ("twee\nregels", "stuurtekens"),
    ],
)
def test_invalid_names(store, name, message):
    with pytest.raises(StoreError, match=message):
        store.save(name, TOML)
    assert store.list() == []


def test_name_at_max_length_is_accepted(store):
    assert store.save("é" * MAX_NAME_LENGTH, TOML).name == "é" * MAX_NAME_LENGTH


def test_toml_size_limit(store):
    store.save("Groot", "#" * MAX_TOML_BYTES)
    with pytest.raises(StoreError, match="MB"):
        store.save("Te groot", "#" * (MAX_TOML_BYTES + 1))


def test_errors_are_woonzorg_errors():
    assert issubclass(StoreConflictError, StoreError)
    assert issubclass(StoreError, WoonzorgError)


# -- history ----------------------------------------------------------------------------


def test_history_and_restore(store):
    saved = store.save("Westerbork", "v = 1\n")
    store.save("Westerbork", "v = 2\n", id=saved.id)
    bad = store.save("Westerbork", "v = kapot\n", id=saved.id)
    assert bad.version == 3

    history = store.history(saved.id)
    assert [(h.version, h.toml_text) for h in history] == [(2, "v = 2\n"), (1, "v = 1\n")]
    assert all(h.id == saved.id and h.name == "Westerbork" for h in history)

    restored = store.restore(saved.id, 2)
    assert restored.version == 4 and restored.toml_text == "v = 2\n"
    assert store.get(saved.id).toml_text == "v = 2\n"
    # The bad version is not lost either: it is now in the history.
    assert store.history(saved.id)[0].toml_text == "v = kapot\n"

    with pytest.raises(StoreError, match="niet \\(meer\\) bewaard"):
        store.restore(saved.id, 99)


def test_restore_undoes_a_rename(store):
    saved = store.save("Oud", TOML)
    store.rename(saved.id, "Nieuw")
    assert store.restore(saved.id, 1).name == "Oud"


def test_history_keeps_last_twenty(store):
    saved = store.save("Veel", "v = 0\n")
    for i in range(1, HISTORY_LIMIT + 11):
        store.save("Veel", f"v = {i}\n", id=saved.id)
    history = store.history(saved.id)
    assert len(history) == HISTORY_LIMIT
    assert history[0].version == HISTORY_LIMIT + 10
    assert history[-1].version == 11


def test_delete_removes_history(store, tmp_path):
    saved = store.save("Weg", "v = 1\n")
    store.save("Weg", "v = 2\n", id=saved.id)
    store.delete(saved.id)
    con = sqlite3.connect(tmp_path / "scenarios.sqlite3")
    try:
        assert con.execute("SELECT count(*) FROM scenario_versions").fetchone()[0] == 0
    finally:
        con.close()


# -- optimistic concurrency -------------------------------------------------------------


def test_optimistic_concurrency_conflict(store):
    saved = store.save("Gedeeld", "v = 1\n")
    # Two sessions load version 1.
    session_a = store.get(saved.id)
    session_b = store.get(saved.id)
    first = store.save("Gedeeld", "v = A\n", id=saved.id, expected_version=session_a.version)
    assert first.version == 2
    with pytest.raises(StoreConflictError, match="iemand anders heeft dit scenario intussen"):
        store.save("Gedeeld", "v = B\n", id=saved.id, expected_version=session_b.version)
    assert store.get(saved.id).toml_text == "v = A\n"
    # After reloading, B can save.
    again = store.get(saved.id)
    final = store.save("Gedeeld", "v = B\n", id=saved.id, expected_version=again.version)
    assert final.version == 3


def test_conflict_on_rename_and_delete(store):
    saved = store.save("Gedeeld", TOML)
    store.rename(saved.id, "Hernoemd")
    with pytest.raises(StoreConflictError, match="laad het opnieuw"):
        store.save("Gedeeld", TOML + "x = 1\n", id=saved.id, expected_version=1)
    with pytest.raises(StoreConflictError):
        store.delete(saved.id, expected_version=1)
    store.delete(saved.id, expected_version=2)
    with pytest.raises(StoreConflictError, match="verwijderd"):
        store.save("Gedeeld", TOML, id=saved.id, expected_version=2)


def test_expected_version_without_id_is_a_programming_error(store):
    with pytest.raises(ValueError, match="expected_version"):
        store.save("Nieuw", TOML, expected_version=1)


def test_concurrent_conflicting_saves_one_wins(store):
    saved = store.save("Race", "v = 0\n")  # workers write 1…8: never the unchanged text
    barrier = threading.Barrier(8)
    outcomes: list[str] = []
    lock = threading.Lock()

    def worker(n: int) -> None:
        barrier.wait()
        try:
            store.save("Race", f"v = {n + 1}\n", id=saved.id, expected_version=1)
            result = "ok"
        except StoreConflictError:
            result = "conflict"
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["conflict"] * 7 + ["ok"]
    assert store.get(saved.id).version == 2


# -- concurrent writers -----------------------------------------------------------------


def test_concurrent_saves_two_threads(tmp_path):
    path = str(tmp_path / "scenarios.sqlite3")
    ScenarioStore(path)
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def run(prefix: str) -> None:
        try:
            _save_many(path, prefix, 50, barrier)
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(p,)) for p in ("draad-a", "draad-b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    names = {s.name for s in ScenarioStore(path).list()}
    assert len(names) == 100
    assert names == {f"draad-{p} {i}" for p in "ab" for i in range(50)}


def test_concurrent_saves_two_processes(tmp_path):
    path = str(tmp_path / "scenarios.sqlite3")
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(2)
    processes = [
        ctx.Process(target=_save_many, args=(path, prefix, 50, barrier))
        for prefix in ("proces-a", "proces-b")
    ]
    for process in processes:
        process.start()
    for process in processes:
        process.join(timeout=120)
    assert [p.exitcode for p in processes] == [0, 0]
    stored = ScenarioStore(path).list()
    assert len(stored) == 100
    assert {s.name for s in stored} == {f"proces-{p} {i}" for p in "ab" for i in range(50)}
    for scenario in stored[:5]:
        text = ScenarioStore(path).get(scenario.id).toml_text
        assert text.startswith(f'name = "{scenario.name}"')


def test_four_processes_create_the_same_new_database(tmp_path):
    """Two app sessions starting on an empty data directory must not fail ("locked")."""
    path = str(tmp_path / "nieuw.sqlite3")
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(4)
    processes = [ctx.Process(target=_open_new_and_save, args=(path, f"p{i}", barrier))
                 for i in range(4)]
    for process in processes:
        process.start()
    for process in processes:
        process.join(timeout=120)
    assert [p.exitcode for p in processes] == [0, 0, 0, 0]
    assert sorted(s.name for s in ScenarioStore(path).list()) == ["p0", "p1", "p2", "p3"]


# -- failures leave the previous version intact -----------------------------------------


def test_failed_save_keeps_previous_version(store, monkeypatch):
    saved = store.save("Veilig", "v = 1\n")

    def explode(con, scenario_id):  # runs inside the transaction, after the UPDATE
        raise RuntimeError("stroom uitgevallen")

    monkeypatch.setattr(store_module, "prune_history", explode)
    with pytest.raises(RuntimeError, match="stroom"):
        store.save("Veilig", "v = 2\n", id=saved.id)
    with pytest.raises(RuntimeError):
        store.rename(saved.id, "Anders")
    monkeypatch.undo()

    current = store.get(saved.id)
    assert (current.name, current.version, current.toml_text) == ("Veilig", 1, "v = 1\n")
    assert store.history(saved.id) == []
    # The store is still usable afterwards.
    assert store.save("Veilig", "v = 2\n", id=saved.id).version == 2


def test_disk_error_becomes_store_error_and_keeps_previous_version(store, monkeypatch):
    saved = store.save("Veilig", "v = 1\n")

    def disk_error(con, scenario_id):
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(store_module, "prune_history", disk_error)
    with pytest.raises(StoreError, match="vorige versie|eerder opgeslagen versie"):
        store.save("Veilig", "v = 2\n", id=saved.id)
    monkeypatch.undo()
    assert store.get(saved.id).toml_text == "v = 1\n"


# -- files, directories, restarts -------------------------------------------------------


def test_corrupt_database_file(tmp_path):
    path = tmp_path / "scenarios.sqlite3"
    junk = b"dit is geen database\n" * 200
    path.write_bytes(junk)
    with pytest.raises(StoreError, match="geen leesbare scenariodatabase") as info:
        ScenarioStore(path)
    assert "hernoem" in str(info.value)
    assert path.exists() and path.read_bytes() == junk


def test_foreign_sqlite_database_is_left_alone(tmp_path):
    path = tmp_path / "ander.sqlite3"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE klanten (id INTEGER)")
    con.commit()
    con.close()
    with pytest.raises(StoreError, match="ander programma"):
        ScenarioStore(path)
    con = sqlite3.connect(path)
    try:
        tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master")]
    finally:
        con.close()
    assert tables == ["klanten"]


def test_newer_schema_is_refused(tmp_path):
    path = tmp_path / "scenarios.sqlite3"
    ScenarioStore(path)
    con = sqlite3.connect(path)
    con.execute("PRAGMA user_version = 99")
    con.close()
    with pytest.raises(StoreError, match="nieuwere versie"):
        ScenarioStore(path)


def test_schema_version_and_wal(tmp_path):
    path = tmp_path / "scenarios.sqlite3"
    ScenarioStore(path)
    con = sqlite3.connect(path)
    try:
        assert con.execute("PRAGMA user_version").fetchone()[0] == store_module.SCHEMA_VERSION
        assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    finally:
        con.close()


def test_data_dir_env(tmp_path, monkeypatch):
    target = tmp_path / "eigen" / "data"
    monkeypatch.setenv("WOONZORGATLAS_DATA_DIR", str(target))
    assert data_dir() == target and target.is_dir()
    store = ScenarioStore()
    assert store.path == target / "scenarios.sqlite3"
    store.save("Hier", TOML)
    assert (target / "scenarios.sqlite3").is_file()


def test_data_dir_xdg(tmp_path, monkeypatch):
    monkeypatch.delenv("WOONZORGATLAS_DATA_DIR", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert data_dir() == tmp_path / "xdg" / "woonzorgatlas"
    monkeypatch.delenv("XDG_DATA_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert data_dir() == tmp_path / "home" / ".local" / "share" / "woonzorgatlas"


def test_persists_across_instances(tmp_path):
    path = tmp_path / "sub" / "scenarios.sqlite3"
    first = ScenarioStore(path)
    saved = first.save("Blijvend", TOML)
    first.save("Blijvend", TOML + "y = 2\n", id=saved.id)
    del first

    restarted = ScenarioStore(str(path))
    got = restarted.get(saved.id)
    assert (got.name, got.version, got.toml_text) == ("Blijvend", 2, TOML + "y = 2\n")
    assert [h.version for h in restarted.history(saved.id)] == [1]
