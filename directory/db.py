"""One SQLite file through aiosqlite: WAL, foreign keys, busy timeout, numbered migrations.

Writes go through `Database.atomic()`, which serializes transactions on the single connection
(so concurrent handlers never interleave statements inside another's BEGIN ... COMMIT) and
uses savepoints when nested in the same task.
"""

from __future__ import annotations

import asyncio
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

BUSY_TIMEOUT_MS = 5000
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


def utcnow() -> str:
    """Timestamps are stored as ISO 8601 UTC text, sortable and readable."""
    return datetime.now(UTC).replace(microsecond=0).isoformat()


class Database:
    """A single aiosqlite connection shared by the whole process."""

    def __init__(self, conn: aiosqlite.Connection, path: str) -> None:
        self.conn = conn
        self.path = path
        self._lock = asyncio.Lock()
        self._owner: asyncio.Task[Any] | None = None  # the task whose transaction is open
        self._depth = 0
        self._on_commit: list[Callable[[], Awaitable[None]]] = []

    @classmethod
    async def open(
        cls,
        path: str | Path,
        *,
        migrations: Sequence[Migration] | None = None,
        migrate: bool = True,
    ) -> Database:
        """Open (creating if needed), check health and version, then apply pending migrations."""
        path = str(path)
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
            if path != ":memory:":
                await conn.execute("PRAGMA journal_mode = WAL")
            await conn.execute("PRAGMA synchronous = NORMAL")
            if migrate:
                await db.migrate(known)
        except BaseException:
            await conn.close()
            raise
        return db

    async def close(self) -> None:
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

    # Reads run the statement and fetch its rows in ONE call on aiosqlite's thread: with a
    # separate execute and fetch, another task's write could land in between on the shared
    # connection and SQLite's cursor would then return undefined rows.
    async def fetchall(self, sql: str, params: Iterable[Any] | dict[str, Any] = ()) -> list[aiosqlite.Row]:
        return list(await self.conn.execute_fetchall(sql, params))

    async def fetchone(self, sql: str, params: Iterable[Any] | dict[str, Any] = ()) -> aiosqlite.Row | None:
        rows = await self.conn.execute_fetchall(sql, params)
        return next(iter(rows), None)

    async def fetchval(self, sql: str, params: Iterable[Any] | dict[str, Any] = ()) -> Any:
        row = await self.fetchone(sql, params)
        return None if row is None else row[0]

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
