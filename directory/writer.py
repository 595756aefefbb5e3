"""The writes that go with an answer, made behind it by one writer task.

A reply must never wait on the database's write lock: another process may hold it for seconds
(an import, a backup, a full disk). So the small writes an answer causes - "this person was
seen today", a saved search behind a button, a question no rule fitted, a vote - are handed to
`Writer.submit`, which returns at once and never raises. One task per process takes them in
batches, writes each batch in one transaction on the write connection, and after a lock (or a
full disk) keeps the batch and tries again with backoff, while later writes queue behind it.

Nothing is silently lost: the queue is bounded (`max_pending`); past it the oldest pending
write is dropped and counted, and `stats.dropped` (shown on /healthz and logged at stop) says
how many. Writes with the same `key` coalesce (the newer replaces the older while both wait),
and `discard_user` forgets a person's pending writes for /forget.

Transactions that must read their own writes (admin edits, claims, the outbox) do not come
here: they use `Database.atomic()` directly.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import sqlite3
from collections import OrderedDict
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from directory.db import Database

log = logging.getLogger(__name__)

# SQLite primary result codes worth waiting out: BUSY, LOCKED, READONLY, IOERR, FULL, CANTOPEN
_TRANSIENT = frozenset({5, 6, 8, 10, 13, 14})


@dataclass(frozen=True)
class Write:
    """One statement to run later; `key` coalesces, `user_id` lets /forget discard it."""

    sql: str
    params: tuple[Any, ...] = ()
    key: Hashable | None = None
    user_id: int | None = None


@dataclass
class WriterStats:
    submitted: int = 0
    written: int = 0
    batches: int = 0
    retries: int = 0  # batches tried again after a lock, a full disk, ...
    dropped: int = 0  # writes given up: queue overflow, a bad statement, stopping with writes left
    coalesced: int = 0  # writes replaced by a newer one with the same key before being written

    def as_dict(self, pending: int) -> dict[str, int]:
        return {
            "pending": pending,
            "written": self.written,
            "retries": self.retries,
            "dropped": self.dropped,
        }


def transient(exc: BaseException) -> bool:
    """A failure that may pass: a lock held elsewhere, a full disk, a read-only remount."""
    if not isinstance(exc, sqlite3.OperationalError):
        return False
    code = getattr(exc, "sqlite_errorcode", None)
    if isinstance(code, int):
        return code & 0xFF in _TRANSIENT
    text = str(exc)
    return any(word in text for word in ("locked", "busy", "full", "disk I/O", "readonly"))


@dataclass
class _Batch:
    writes: list[Write]
    done: asyncio.Event = field(default_factory=asyncio.Event)


class Writer:
    """Write-behind for one database: `submit` now, written soon, in order, in batches."""

    def __init__(
        self,
        db: Database,
        *,
        max_pending: int = 20_000,
        max_batch: int = 500,
        retry_first: float = 0.05,
        retry_max: float = 2.0,
    ) -> None:
        self._db = db
        self.max_pending = max_pending
        self.max_batch = max_batch
        self.retry_first = retry_first
        self.retry_max = retry_max
        self.stats = WriterStats()
        self._pending: OrderedDict[Hashable, Write] = OrderedDict()
        self._serial = itertools.count()
        self._wake = asyncio.Event()
        self._idle = asyncio.Event()
        self._idle.set()
        self._in_flight: _Batch | None = None
        self._task: asyncio.Task[None] | None = None
        self._closing = False

    @property
    def pending(self) -> int:
        return len(self._pending) + (len(self._in_flight.writes) if self._in_flight else 0)

    # --- the caller's side: never waits, never raises ------------------------------------
    def submit(self, write: Write) -> None:
        """Queue `write`; returns at once. After `close`, the write is dropped and counted."""
        self.stats.submitted += 1
        if self._closing:
            self.stats.dropped += 1
            return
        key = write.key if write.key is not None else ("#", next(self._serial))
        if key in self._pending:
            self.stats.coalesced += 1
            del self._pending[key]
        elif len(self._pending) >= self.max_pending:
            self._pending.popitem(last=False)
            self.stats.dropped += 1
            if self.stats.dropped in (1, 10, 100) or self.stats.dropped % 1000 == 0:
                log.warning("writer: queue full, %d write(s) dropped so far", self.stats.dropped)
        self._pending[key] = write
        self._idle.clear()
        self._wake.set()
        self._ensure_task()

    def submit_many(self, writes: Iterable[Write]) -> None:
        for write in writes:
            self.submit(write)

    def _ensure_task(self) -> None:
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(self._run(), name="db-writer")

    async def discard_user(self, user_id: int) -> int:
        """Forget the pending writes about `user_id`; waits for a batch already being written.

        Returns how many pending writes were dropped (not counted as `dropped`: they were
        withdrawn on purpose).
        """
        doomed = [k for k, w in self._pending.items() if w.user_id == user_id]
        for key in doomed:
            del self._pending[key]
        batch = self._in_flight
        if batch is not None and any(w.user_id == user_id for w in batch.writes):
            await batch.done.wait()
        if not self._pending and self._in_flight is None:
            self._idle.set()
        return len(doomed)

    async def flush(self, timeout: float | None = None) -> bool:
        """Wait until every write submitted so far is written (or dropped); False on timeout."""
        try:
            await asyncio.wait_for(self._idle.wait(), timeout)
        except TimeoutError:
            return False
        return True

    async def close(self, timeout: float = 5.0) -> None:
        """Write what is pending for up to `timeout` seconds, then stop; the rest is dropped."""
        if self._task is None or self._task.done():
            self._closing = True
            return
        flushed = await self.flush(timeout)
        self._closing = True
        left = self.pending
        task, self._task = self._task, None
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        if not flushed:
            self.stats.dropped += left
            self._pending.clear()
            self._in_flight = None
            log.error("writer: stopped with %d write(s) not written", left)
        if self.stats.dropped:
            log.warning("writer: %d write(s) were dropped in this run", self.stats.dropped)

    # --- the writer task ----------------------------------------------------------------
    async def _run(self) -> None:
        while True:
            await self._wake.wait()
            self._wake.clear()
            while self._pending:
                size = min(self.max_batch, len(self._pending))
                writes = [self._pending.popitem(last=False)[1] for _ in range(size)]
                batch = _Batch(writes)
                self._in_flight = batch
                try:
                    await self._write(batch.writes)
                except Exception:  # never let one batch stop the writer: count it and go on
                    self.stats.dropped += len(batch.writes)
                    log.exception("writer: %d write(s) dropped", len(batch.writes))
                finally:
                    self._in_flight = None
                    batch.done.set()
            self._idle.set()

    async def _write(self, writes: list[Write]) -> None:
        """One transaction for the batch; wait out locks; a bad statement costs only itself."""
        delay = self.retry_first
        while True:
            try:
                async with self._db.atomic() as conn:
                    for sql, group in itertools.groupby(writes, key=lambda w: w.sql):
                        rows = [w.params for w in group]
                        if len(rows) == 1:
                            await conn.execute(sql, rows[0])
                        else:
                            await conn.executemany(sql, rows)
            except sqlite3.Error as exc:
                if transient(exc):
                    self.stats.retries += 1
                    if self.stats.retries in (1, 10, 100) or self.stats.retries % 1000 == 0:
                        waiting = len(writes) + len(self._pending)
                        log.info("writer: %s; %d write(s) wait and retry", exc, waiting)
                    await asyncio.sleep(delay)
                    delay = min(self.retry_max, delay * 2)
                    continue
                await self._one_by_one(writes)
                return
            self.stats.batches += 1
            self.stats.written += len(writes)
            return

    async def _one_by_one(self, writes: list[Write]) -> None:
        """Isolate the statements that fail for good: each write in its own savepoint."""
        delay = self.retry_first
        while True:
            bad: list[sqlite3.Error] = []
            try:
                async with self._db.atomic() as conn:
                    for write in writes:
                        try:
                            async with self._db.atomic():
                                await conn.execute(write.sql, write.params)
                        except sqlite3.Error as exc:
                            if transient(exc):
                                raise
                            bad.append(exc)
            except sqlite3.Error as exc:
                if not transient(exc):
                    raise
                self.stats.retries += 1
                await asyncio.sleep(delay)
                delay = min(self.retry_max, delay * 2)
                continue
            for error in bad:
                log.error("writer: a write was dropped: %s", error)
            self.stats.dropped += len(bad)
            self.stats.written += len(writes) - len(bad)
            self.stats.batches += 1
            return
