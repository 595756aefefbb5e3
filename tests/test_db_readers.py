"""Reads on their own connections: never another task's open transaction, never blocked by a lock."""

from __future__ import annotations

import asyncio
import sqlite3
import time
from pathlib import Path

import pytest

from directory.db import Database


async def _ids(db: Database) -> list[int]:
    return [r[0] for r in await db.fetchall("SELECT id FROM users ORDER BY id")]


async def test_a_read_never_sees_another_tasks_open_transaction(db: Database) -> None:
    inside = asyncio.Event()
    release = asyncio.Event()

    async def writer(fail: bool) -> None:
        async with db.atomic() as conn:
            await conn.execute("INSERT INTO users (id, first_seen, last_seen) VALUES (1, 'a', 'a')")
            assert await _ids(db) == [1]  # the transaction reads its own write
            inside.set()
            await release.wait()
            if fail:
                raise RuntimeError("rolled back")

    task = asyncio.create_task(writer(fail=True))
    await inside.wait()
    assert await _ids(db) == []  # not committed: invisible to everyone else
    release.set()
    with pytest.raises(RuntimeError):
        await task
    assert await _ids(db) == []  # rolled back: never seen
    inside.clear()
    release.clear()
    task = asyncio.create_task(writer(fail=False))
    await inside.wait()
    assert await _ids(db) == []
    release.set()
    await task
    assert await _ids(db) == [1]  # committed: seen at once


async def test_reads_go_on_while_another_process_holds_the_write_lock(tmp_path: Path) -> None:
    path = tmp_path / "locked.sqlite3"
    db = await Database.open(path)
    try:
        async with db.atomic() as conn:
            await conn.execute("INSERT INTO users (id, first_seen, last_seen) VALUES (5, 'a', 'a')")
        other = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        other.execute("BEGIN IMMEDIATE")
        other.execute("INSERT INTO users (id, first_seen, last_seen) VALUES (6, 'a', 'a')")
        try:
            started = time.monotonic()
            for _ in range(20):
                assert await _ids(db) == [5]
            assert time.monotonic() - started < 1.0
        finally:
            other.execute("ROLLBACK")
            other.close()
    finally:
        await db.close()


async def test_read_connections_refuse_writes(db: Database) -> None:
    with pytest.raises(sqlite3.OperationalError, match=r"readonly|read-only|query_only"):
        await db.fetchall("INSERT INTO users (id, first_seen, last_seen) VALUES (9, 'a', 'a')")
