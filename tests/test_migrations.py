"""Numbered migrations: applied once, atomically, recorded; newer or corrupt files refused."""

from __future__ import annotations

from pathlib import Path

import aiosqlite
import pytest

from directory.db import Database, DatabaseCorrupt, DatabaseTooNew, Migration, bundled_migrations


async def test_fresh_database_is_at_the_newest_version(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "fresh.sqlite3")
    try:
        newest = bundled_migrations()[-1].version
        assert await db.schema_version() == newest
        rows = await db.fetchall("SELECT version FROM schema_migrations ORDER BY version")
        assert [r[0] for r in rows] == list(range(1, newest + 1))
        assert await db.fetchval("PRAGMA journal_mode") == "wal"
        assert await db.fetchval("PRAGMA foreign_keys") == 1
    finally:
        await db.close()


async def test_upgrade_applies_only_what_is_pending(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    all_migrations = bundled_migrations()
    old = await Database.open(path, migrations=all_migrations[:1])
    await old.conn.execute("INSERT INTO users (id, locale, first_seen, last_seen) VALUES (5, 'fr', 'a', 'b')")
    await old.close()
    db = await Database.open(path)
    try:
        assert await db.schema_version() == all_migrations[-1].version
        assert await db.fetchval("SELECT locale FROM users WHERE id = 5") == "fr"
        again = await db.migrate(all_migrations)
        assert again == []
    finally:
        await db.close()


async def test_a_failing_migration_changes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "broken.sqlite3"
    good = bundled_migrations()
    broken = Migration(len(good) + 1, "broken", "CREATE TABLE half (x);\nINSERT INTO nowhere VALUES (1);\n")
    db = await Database.open(path)
    try:
        with pytest.raises(aiosqlite.OperationalError):
            await db.migrate([*good, broken])
        assert await db.schema_version() == len(good)
        assert await db.fetchval("SELECT count(*) FROM sqlite_master WHERE name = 'half'") == 0
    finally:
        await db.close()


async def test_newer_database_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "newer.sqlite3"
    db = await Database.open(path)
    await db.conn.execute("PRAGMA user_version = 999")
    await db.close()
    before = path.read_bytes()
    with pytest.raises(DatabaseTooNew, match="999"):
        await Database.open(path)
    assert path.read_bytes() == before


async def test_corrupt_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "corrupt.sqlite3"
    path.write_bytes(b"this is not a database at all" * 100)
    with pytest.raises(DatabaseCorrupt):
        await Database.open(path)


def test_statements_keep_trigger_bodies() -> None:
    sql = "CREATE TABLE a (x);\nCREATE TRIGGER t AFTER INSERT ON a BEGIN\n  SELECT 1;\n  SELECT 2;\nEND;\n-- done\n"
    assert len(Migration(1, "t", sql).statements()) == 2


async def test_nested_atomic_rolls_back_inner_only(db: Database) -> None:
    async with db.atomic() as conn:
        await conn.execute("INSERT INTO users (id, first_seen, last_seen) VALUES (1, 'a', 'a')")
        with pytest.raises(RuntimeError):
            async with db.atomic() as inner:
                await inner.execute("INSERT INTO users (id, first_seen, last_seen) VALUES (2, 'a', 'a')")
                raise RuntimeError("inner fails")
    assert [r[0] for r in await db.fetchall("SELECT id FROM users")] == [1]


async def test_a_transaction_cancelled_at_any_point_leaves_the_connection_usable(db: Database) -> None:
    """Cancelling a task (a crash of one worker, a stop) must never leave BEGIN open."""
    import asyncio

    async def write(n: int) -> None:
        async with db.atomic() as conn:
            await conn.execute("INSERT INTO users (id, first_seen, last_seen) VALUES (?, 'a', 'a')", (n,))
            await asyncio.sleep(0.01)

    for steps in range(8):  # cancel after 0, 1, 2, ... loop iterations: before, during and after BEGIN
        task = asyncio.create_task(write(1000 + steps))
        for _ in range(steps):
            await asyncio.sleep(0)
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        await write(steps)  # the next transaction starts cleanly
    rows = await db.fetchall("SELECT id FROM users WHERE id < 1000 ORDER BY id")
    assert [r[0] for r in rows] == list(range(8))


async def test_a_task_started_inside_a_transaction_does_not_join_it(db: Database) -> None:
    import asyncio

    async def child() -> None:
        async with db.atomic() as conn:
            await conn.execute("INSERT INTO users (id, first_seen, last_seen) VALUES (2, 'a', 'a')")

    with pytest.raises(RuntimeError):
        async with db.atomic() as conn:
            await conn.execute("INSERT INTO users (id, first_seen, last_seen) VALUES (1, 'a', 'a')")
            spawned = asyncio.create_task(child())
            await asyncio.sleep(0.01)
            raise RuntimeError("the parent rolls back")
    await spawned
    assert [r[0] for r in await db.fetchall("SELECT id FROM users")] == [2]
