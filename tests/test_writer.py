"""The writer task: batches, waits out another process's lock, never blocks or fails the caller."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from directory.db import Database
from directory.saved_searches import SavedSearches
from directory.writer import Write, Writer, transient

INSERT = "INSERT INTO users (id, first_seen, last_seen) VALUES (?, 'a', 'a')"


@contextmanager
def foreign_lock(path: Path) -> Iterator[sqlite3.Connection]:
    """Another process's connection holding the write lock (BEGIN IMMEDIATE) until the block ends."""
    other = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")
    try:
        yield other
    finally:
        other.execute("ROLLBACK")
        other.close()


async def _count(db: Database) -> int:
    return int(await db.fetchval("SELECT count(*) FROM users"))


async def test_writes_land_in_batches_in_order(db: Database) -> None:
    for i in range(1200):
        db.writer.submit(Write(INSERT, (i,)))
    assert await db.writer.flush(timeout=10)
    assert await _count(db) == 1200
    assert db.writer.stats.batches <= 4 and db.writer.stats.written == 1200  # 500 a batch
    assert db.writer.stats.dropped == 0


async def test_submit_never_waits_while_another_process_holds_the_lock(tmp_path: Path) -> None:
    path = tmp_path / "w.sqlite3"
    db = await Database.open(path)
    db.writer.retry_first = db.writer.retry_max = 0.05
    try:
        await db.conn.execute("PRAGMA busy_timeout = 100")  # keep the test short
        with foreign_lock(path):
            started = time.monotonic()
            for i in range(100):
                db.writer.submit(Write(INSERT, (i,)))
            assert time.monotonic() - started < 0.05  # returns at once
            await asyncio.sleep(0.6)
            assert await _count(db) == 0  # still waiting for the lock...
            assert db.writer.stats.retries >= 2 and db.writer.pending == 100
        assert await db.writer.flush(timeout=5)
        assert await _count(db) == 100  # ...and nothing was lost
        assert db.writer.stats.dropped == 0
    finally:
        await db.close()


async def test_same_key_coalesces_and_a_bad_statement_costs_only_itself(db: Database) -> None:
    db.writer.submit(Write(INSERT, (1,)))
    db.writer.submit(Write("UPDATE users SET last_seen = 'b' WHERE id = 1", key="seen-1"))
    db.writer.submit(Write("UPDATE users SET last_seen = 'c' WHERE id = 1", key="seen-1"))
    db.writer.submit(Write(INSERT, (1,)))  # duplicate id: fails for good
    db.writer.submit(Write(INSERT, (2,)))
    await db.writer.flush(timeout=5)
    assert await db.fetchval("SELECT last_seen FROM users WHERE id = 1") == "c"
    assert await _count(db) == 2
    assert db.writer.stats.coalesced == 1 and db.writer.stats.dropped == 1


async def test_overflow_drops_the_oldest_and_counts(tmp_path: Path) -> None:
    path = tmp_path / "o.sqlite3"
    db = await Database.open(path)
    await db.conn.execute("PRAGMA busy_timeout = 50")
    db.writer.max_pending = 10
    try:
        with foreign_lock(path):
            for i in range(25):
                db.writer.submit(Write(INSERT, (i,)))
            await asyncio.sleep(0.2)
        await db.writer.flush(timeout=5)
        stats = db.writer.stats
        assert stats.dropped + stats.written == 25 and stats.dropped >= 10
        assert await _count(db) == stats.written
    finally:
        await db.close()


async def test_close_writes_what_is_pending_or_counts_it(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite3"
    db = await Database.open(path)
    for i in range(50):
        db.writer.submit(Write(INSERT, (i,)))
    await db.close()  # flushes
    check = await Database.open(path)
    try:
        assert await _count(check) == 50
    finally:
        await check.close()
    db = await Database.open(path)
    await db.conn.execute("PRAGMA busy_timeout = 50")
    with foreign_lock(path):
        db.writer.submit(Write(INSERT, (99,)))
        await db.writer.close(timeout=0.3)
    assert db.writer.stats.dropped == 1
    db.writer.submit(Write(INSERT, (100,)))  # after close: dropped, counted, no error
    assert db.writer.stats.dropped == 2
    await db.close()


async def test_saved_search_button_works_before_its_row_is_written(tmp_path: Path) -> None:
    """The id is known at once (a hash of the search), the reply need not wait for the row."""
    path = tmp_path / "s.sqlite3"
    db = await Database.open(path)
    await db.conn.execute("PRAGMA busy_timeout = 50")
    try:
        searches = SavedSearches(db)
        with foreign_lock(path):
            saved = await asyncio.wait_for(searches.save("street vendors Kenya"), 0.2)
            assert await searches.get(saved.id) == saved  # answered from memory meanwhile
            assert await db.fetchval("SELECT count(*) FROM saved_searches") == 0
        await db.writer.flush(timeout=5)
        other = SavedSearches(db)  # another process, or after a restart: from the row
        assert await other.get(saved.id) == saved
        again = await SavedSearches(db).save("street  vendors Kenya")
        assert again.id == saved.id  # the same search has the same id everywhere
    finally:
        await db.close()


async def test_writes_from_other_threads_of_sqlite_are_transient() -> None:
    locked = sqlite3.OperationalError("database is locked")
    assert transient(locked)
    assert not transient(sqlite3.IntegrityError("UNIQUE constraint failed"))
    assert not transient(ValueError("x"))


async def test_a_thread_holding_the_lock_briefly_costs_no_write(tmp_path: Path) -> None:
    """A lock held for a moment (a backup page, another bot's transaction) is simply waited out."""
    path = tmp_path / "t.sqlite3"
    db = await Database.open(path)
    try:
        done = threading.Event()

        def hold() -> None:
            with foreign_lock(path):
                time.sleep(0.3)
            done.set()

        thread = threading.Thread(target=hold)
        thread.start()
        await asyncio.sleep(0.05)
        writer: Writer = db.writer
        for i in range(10):
            writer.submit(Write(INSERT, (i,)))
        await writer.flush(timeout=10)
        thread.join()
        assert done.is_set() and await _count(db) == 10 and writer.stats.dropped == 0
    finally:
        await db.close()
