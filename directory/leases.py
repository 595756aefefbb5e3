"""One worker per job per database: a named lease, held while its owner's heartbeat is fresh.

Two bot processes may run on one database (a rolling restart, a second `run` by mistake). A
job that must run once - draining the broadcast outbox - takes the lease `name` first: the
row in `worker_leases` says who holds it and until when (`expires_at`, Unix seconds). The
holder renews it every few seconds; another process gets it only once it has expired (its
owner died or hung), or at once when the owner, on this same machine, is a process that no
longer exists. Work claimed under a lease records the owner, so a new holder takes over only
the work of owners whose lease is gone.
"""

from __future__ import annotations

import os
import secrets
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass

from directory.db import Database


@dataclass(frozen=True)
class Lease:
    name: str
    owner: str
    heartbeat_at: float
    expires_at: float


def new_owner() -> str:
    """This process's owner id: host, process id and a random part (pids are reused)."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"


def _dead_here(owner: str) -> bool:
    """Whether `owner` was a process of this machine that no longer exists."""
    host, _, rest = owner.partition(":")
    pid_text = rest.partition(":")[0]
    if host != socket.gethostname() or not pid_text.isascii() or not pid_text.isdigit():
        return False
    pid = int(pid_text)
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except OSError:  # exists, owned by someone else
        return False
    return False


class Leases:
    """Repository for `worker_leases`."""

    def __init__(self, db: Database, *, clock: Callable[[], float] = time.time) -> None:
        self._db = db
        self._clock = clock

    async def holder(self, name: str) -> Lease | None:
        row = await self._db.fetchone(
            "SELECT name, owner, heartbeat_at, expires_at FROM worker_leases WHERE name = ?", (name,)
        )
        return None if row is None else Lease(*tuple(row))

    async def acquire(self, name: str, owner: str, ttl: float) -> bool:
        """Take (or keep) the lease: True when `owner` holds it for the next `ttl` seconds."""
        now = self._clock()
        async with self._db.atomic() as conn:
            rows = list(
                await conn.execute_fetchall(
                    "SELECT owner, expires_at FROM worker_leases WHERE name = ?", (name,)
                )
            )
            if rows:
                current, expires = str(rows[0][0]), float(rows[0][1])
                if current != owner and expires >= now and not _dead_here(current):
                    return False
            await conn.execute(
                "INSERT INTO worker_leases (name, owner, heartbeat_at, expires_at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT(name) DO UPDATE SET owner = excluded.owner, "
                "heartbeat_at = excluded.heartbeat_at, expires_at = excluded.expires_at",
                (name, owner, now, now + ttl),
            )
        return True

    async def renew(self, name: str, owner: str, ttl: float) -> bool:
        """The heartbeat: False when the lease is no longer `owner`'s (taken over)."""
        now = self._clock()
        async with self._db.atomic() as conn:
            cursor = await conn.execute(
                "UPDATE worker_leases SET heartbeat_at = ?, expires_at = ? WHERE name = ? AND owner = ?",
                (now, now + ttl, name, owner),
            )
            return cursor.rowcount > 0

    async def release(self, name: str, owner: str) -> None:
        """Give the lease up at a clean stop, so another process may start at once."""
        async with self._db.atomic() as conn:
            await conn.execute("DELETE FROM worker_leases WHERE name = ? AND owner = ?", (name, owner))
