"""One SQLite file through aiosqlite: WAL, foreign keys, busy timeout, numbered migrations.

Two kinds of connection, as datasette does it:

* one **write connection**: every write goes through `Database.atomic()`, which serializes
  transactions on it (so concurrent handlers never interleave statements inside another's
  BEGIN ... COMMIT) and uses savepoints when nested in the same task;
* a few **read connections** (`PRAGMA query_only`): `fetchall` / `fetchone` / `fetchval` run
  there, so a read never waits behind a write, never sees another task's transaction before it
  commits (or after it rolls back), and, thanks to WAL, goes on while another process holds the
  write lock. A read made by the task that holds the open transaction runs on the write
  connection instead: a transaction always reads its own writes.

The writes that go with an answer (a person seen, a saved search, an unanswered question) do
not take the write connection in the answer's way: `Database.writer` (`directory.writer`) makes
them behind it, in batches, and waits out another process's lock.

The file is opened by its absolute path, never through a URI built from it, so `?` and `#` in
a path are just characters of the name.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import re
import sqlite3
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Sequence
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any

import aiosqlite

from directory.writer import Writer

BUSY_TIMEOUT_MS = 5000
READERS = 2  # read connections per process: reads go on while the writer waits for a lock
MEMORY = ":memory:"
_MIGRATION_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")


class DatabaseError(Exception):
    """A database problem the operator must fix; the message is one clear line."""


class DatabaseTooNew(DatabaseError):
    """The file was migrated by a newer version of this code."""


class DatabaseCorrupt(DatabaseError):
    """SQLite says the file is not a healthy database."""


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str

    def statements(self) -> list[str]:
        """Split the script into complete statements (triggers keep their inner semicolons)."""
        out: list[str] = []
        buf = ""
        for line in self.sql.splitlines(keepends=True):
            buf += line
            if sqlite3.complete_statement(buf):
                if buf.strip():
                    out.append(buf.strip())
                buf = ""
        if buf.strip() and not buf.strip().startswith("--"):
            out.append(buf.strip())
        return out


def bundled_migrations() -> list[Migration]:
    """The numbered `.sql` files shipped in `directory/migrations`, in order."""
    found: list[Migration] = []
    for entry in resources.files("directory.migrations").iterdir():
        match = _MIGRATION_NAME.match(entry.name)
        if match:
            found.append(Migration(int(match[1]), match[2], entry.read_text(encoding="utf-8")))
    found.sort(key=lambda m: m.version)
    versions = [m.version for m in found]
    if versions != list(range(1, len(found) + 1)):
        raise DatabaseError(f"migrations must be numbered 0001, 0002, ... without gaps: {versions}")
    return found


def _filename(path: str | Path) -> str:
    """The absolute path SQLite opens: a plain name can never be read as a URI."""
    text = str(path)
    return text if text == MEMORY else str(Path(text).absolute())


def _check_writable(path: str) -> None:
    """Refuse, in one line, a file or folder this user cannot write (WAL needs both)."""
    if path == MEMORY:
        return
    file = Path(path)
    if file.exists() and not os.access(file, os.R_OK | os.W_OK):
        raise DatabaseError(
            f"{path} is read-only for this user: the bot must be able to write the file "
            "(check its owner and permissions)"
        )
    if not os.access(file.parent, os.W_OK | os.X_OK):
        raise DatabaseError(
            f"the folder {file.parent} is read-only for this user: SQLite writes its journal "
            "beside the database"
        )


def _is_readonly(exc: sqlite3.Error) -> bool:
    return "readonly" in str(exc) or "read-only" in str(exc)


async def _reader(path: str) -> aiosqlite.Connection:
    """A connection that only reads (SQLite refuses writes on it)."""
    conn = await aiosqlite.connect(path, isolation_level=None)
    try:
        conn.row_factory = aiosqlite.Row
        await conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        await conn.execute("PRAGMA foreign_keys = ON")
        await conn.execute("PRAGMA query_only = ON")
    except BaseException:
        await conn.close()
        raise
    return conn


def utcnow() -> str:
    """Timestamps are stored as ISO 8601 UTC text, sortable and readable."""
    return datetime.now(UTC).replace(microsecond=0).isoformat()


class Database:
    """The process's write connection and its read connections on one SQLite file."""

    def __init__(
        self, conn: aiosqlite.Connection, path: str, readers: Sequence[aiosqlite.Connection] = ()
    ) -> None:
        self.conn = conn
        self.path = path
        self._readers = list(readers)
        self._next_reader = itertools.cycle(range(max(1, len(self._readers))))
        self._lock = asyncio.Lock()
        self._owner: asyncio.Task[Any] | None = None  # the task whose transaction is open
        self._depth = 0
        self._on_commit: list[Callable[[], Awaitable[None]]] = []
        self._probe: sqlite3.Connection | None = None  # `read_now`'s connection, opened on first use
        self.writer = Writer(self)  # write-behind for the writes that go with an answer

    @classmethod
    async def open(
        cls,
        path: str | Path,
        *,
        migrations: Sequence[Migration] | None = None,
        migrate: bool = True,
        readers: int = READERS,
    ) -> Database:
        """Open (creating if needed), check health and version, then apply pending migrations.

        Every problem with the file (unreadable, read-only, not a database, too new) is a
        `DatabaseError` whose message is one line for the operator.
        """
        path = _filename(path)
        _check_writable(path)
        try:
            conn = await aiosqlite.connect(path, isolation_level=None)
        except sqlite3.Error as exc:
            raise DatabaseError(f"cannot open database {path!r}: {exc}") from exc
        db = cls(conn, path)
        try:
            conn.row_factory = aiosqlite.Row
            await conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            await db._check_health()
            known = migrations if migrations is not None else bundled_migrations()
            await db.pending_migrations(known)  # refuses a newer file before touching it
            await conn.execute("PRAGMA foreign_keys = ON")
            if path != MEMORY:
                await conn.execute("PRAGMA journal_mode = WAL")
            await conn.execute("PRAGMA synchronous = NORMAL")
            if migrate:
                await db.migrate(known)
            if path != MEMORY:  # an in-memory database exists only on its own connection
                for _ in range(readers):
                    db._readers.append(await _reader(path))
                db._next_reader = itertools.cycle(range(max(1, len(db._readers))))
        except BaseException as exc:
            await db.close()
            if isinstance(exc, sqlite3.OperationalError) and _is_readonly(exc):
                raise DatabaseError(
                    f"{path} is read-only for this user: the bot must be able to write the "
                    "file and its folder"
                ) from exc
            if isinstance(exc, sqlite3.Error) and not isinstance(exc, sqlite3.IntegrityError):
                raise DatabaseError(f"cannot use database {path}: {exc}") from exc
            raise
        return db

    def _read_conn(self) -> aiosqlite.Connection:
        """A read connection, or the write connection for the task inside a transaction."""
        if not self._readers or (self._depth and asyncio.current_task() is self._owner):
            return self.conn
        return self._readers[next(self._next_reader)]

    async def close(self) -> None:
        await self.writer.close()
        probe, self._probe = self._probe, None
        if probe is not None:
            probe.close()
        readers, self._readers = self._readers, []
        for reader in readers:
            await reader.close()
        await self.conn.close()

    async def _check_health(self) -> None:
        try:
            async with self.conn.execute("PRAGMA quick_check") as cur:
                row = await cur.fetchone()
        except sqlite3.DatabaseError as exc:
            raise DatabaseCorrupt(f"{self.path} is not a usable SQLite database: {exc}") from exc
        if row is None or row[0] != "ok":
            raise DatabaseCorrupt(f"{self.path} failed SQLite's quick_check: {row[0] if row else '?'}")

    # --- transactions ---------------------------------------------------------------------
    @asynccontextmanager
    async def atomic(self) -> AsyncIterator[aiosqlite.Connection]:
        """BEGIN IMMEDIATE ... COMMIT, or a savepoint when this task is already inside one.

        Nesting is decided by the task that owns the open transaction, not by a context
        variable: a task started inside a transaction inherits context variables, and would
        otherwise write into a transaction that another task is about to commit.
        """
        task = asyncio.current_task()
        if self._depth and task is self._owner:
            name = f"sp{self._depth}"
            await self.conn.execute(f"SAVEPOINT {name}")
            self._depth += 1
            try:
                yield self.conn
            except BaseException:
                await self.conn.execute(f"ROLLBACK TO {name}")
                await self.conn.execute(f"RELEASE {name}")
                raise
            else:
                await self.conn.execute(f"RELEASE {name}")
            finally:
                self._depth -= 1
            return
        async with self._lock:
            try:
                await self.conn.execute("BEGIN IMMEDIATE")
            except BaseException:
                # Cancelled while BEGIN was queued: it still runs on aiosqlite's thread, so
                # undo it, or the next transaction would find this one open.
                with suppress(sqlite3.Error):
                    await self.conn.execute("ROLLBACK")
                raise
            self._owner, self._depth = task, 1
            try:
                yield self.conn
            except BaseException:
                await self.conn.execute("ROLLBACK")
                raise
            else:
                await self.conn.execute("COMMIT")
            finally:
                self._owner, self._depth = None, 0
                hooks, self._on_commit = self._on_commit, []
        for hook in hooks:  # only reached after a COMMIT: a rollback raised above
            await hook()

    def in_transaction(self) -> bool:
        """Whether the calling task holds the open transaction (its reads and writes go there)."""
        return bool(self._depth) and asyncio.current_task() is self._owner

    async def on_commit(self, hook: Callable[[], Awaitable[None]]) -> None:
        """Run `hook` once what this task wrote is committed: now, or after the transaction
        it is inside commits (never, if that one rolls back)."""
        if self._depth and asyncio.current_task() is self._owner:
            self._on_commit.append(hook)
        else:
            await hook()

    async def ping(self) -> None:
        """A query that needs nothing: the health check's sign that the database answers."""
        await self.fetchval("SELECT 1")

    # Reads run the statement and fetch its rows in ONE call on aiosqlite's thread, so a
    # statement's rows are never interleaved with another task's statement on the connection.
    async def fetchall(self, sql: str, params: Iterable[Any] | dict[str, Any] = ()) -> list[aiosqlite.Row]:
        return list(await self._read_conn().execute_fetchall(sql, params))

    async def fetchone(self, sql: str, params: Iterable[Any] | dict[str, Any] = ()) -> aiosqlite.Row | None:
        rows = await self._read_conn().execute_fetchall(sql, params)
        return next(iter(rows), None)

    async def fetchval(self, sql: str, params: Iterable[Any] | dict[str, Any] = ()) -> Any:
        row = await self.fetchone(sql, params)
        return None if row is None else row[0]

    def read_now(self, sql: str, params: Sequence[Any] = ()) -> tuple[Any, ...] | None:
        """The first row of `sql`, read on the calling thread without a hop to aiosqlite's,
        or None when it cannot be read at once: the caller then reads the usual way.

        Only for statements an index answers in microseconds, such as a version number that
        says whether a cache is still good (a hop to a reader thread costs about 0.3 ms, the
        statement itself 5 µs). It never waits: its connection has no busy timeout, and a
        locked file or any other error is a None. Inside the caller's own transaction it is
        None too, since it could not see the writes that transaction has not committed.
        """
        if self.path == MEMORY or self.in_transaction():
            return None
        try:
            if self._probe is None:
                probe = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
                probe.execute("PRAGMA query_only = ON")
                probe.execute("PRAGMA busy_timeout = 0")
                self._probe = probe
            rows = self._probe.execute(sql, tuple(params)).fetchall()  # all: no read left open
        except sqlite3.Error:
            return None
        return tuple(rows[0]) if rows else None

    # --- migrations -----------------------------------------------------------------------
    async def schema_version(self) -> int:
        return int(await self.fetchval("PRAGMA user_version") or 0)

    async def pending_migrations(self, migrations: Sequence[Migration]) -> list[Migration]:
        """What `migrate` would apply; refuses a database newer than the code."""
        current = await self.schema_version()
        newest = migrations[-1].version if migrations else 0
        if current > newest:
            raise DatabaseTooNew(
                f"{self.path} is at schema version {current}, newer than this code knows "
                f"({newest}); upgrade the bot instead of downgrading the database"
            )
        return [m for m in migrations if m.version > current]

    async def migrate(self, migrations: Sequence[Migration]) -> list[Migration]:
        """Apply each pending migration in its own transaction, recorded with it."""
        pending = await self.pending_migrations(migrations)
        for migration in pending:
            async with self.atomic() as conn:
                await conn.execute(
                    "CREATE TABLE IF NOT EXISTS schema_migrations ("
                    " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
                )
                for statement in migration.statements():
                    await conn.execute(statement)
                await conn.execute(
                    "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                    (migration.version, migration.name, utcnow()),
                )
                await conn.execute(f"PRAGMA user_version = {int(migration.version)}")
        return pending
