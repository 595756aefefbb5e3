"""Broadcasts and their durable outbox: one row per recipient, written before anything is sent.

Row life cycle (`outbox.status`)::

    pending --claim--> sending --> sent | failed | blocked
       ^                  |
       +---retry_later----+            pending --cancel--> cancelled

A row is claimed (`sending`) in its own committed transaction just before the API call and
resolved right after it. After a crash, `recover_in_flight()` puts rows left `sending` back to
`pending`: delivery is *at least once* for the few rows that were in flight at the crash (a
message Telegram accepted but whose answer never came back is sent again) and *exactly once*
for every other row: a `sent` row is never sent again, and no row is lost.

One drainer per database: the worker holds the `broadcast` lease (`directory.leases`) and sets
`Outbox.owner`. A claim records the owner and succeeds only while that owner holds a live
lease, so a process whose lease expired cannot claim another row; a new holder puts back to
`pending` only the rows of other owners (whose lease, by then, is gone), never its own.

Broadcast life cycle (`broadcasts.status`): queued -> running -> done, or cancelled from
queued/running. `finished_at` is set once the final report went out, so a report owed at a
crash is sent after the restart.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field

import aiosqlite

from directory import gate
from directory.db import Database, utcnow
from directory.subscriptions import EFFECTIVE_LOCALE
from directory.users import ensure_user_in

LEASE = "broadcast"  # the lease the draining worker holds (directory.leases)
ROW_STATUSES = ("pending", "sending", "sent", "failed", "blocked", "cancelled")


@dataclass(frozen=True)
class Counts:
    """Outbox rows of one broadcast by status."""

    pending: int = 0
    sending: int = 0
    sent: int = 0
    failed: int = 0
    blocked: int = 0
    cancelled: int = 0

    @property
    def total(self) -> int:
        return self.pending + self.sending + self.sent + self.failed + self.blocked + self.cancelled

    @property
    def resolved(self) -> int:
        """Rows with a final outcome."""
        return self.sent + self.failed + self.blocked + self.cancelled

    @property
    def remaining(self) -> int:
        return self.pending + self.sending


@dataclass(frozen=True)
class Broadcast:
    id: int
    created_by: int | None
    created_at: str
    status: str
    default_locale: str
    total: int
    progress_locale: str
    progress_chat_id: int | None
    progress_message_id: int | None
    started_at: str | None
    finished_at: str | None
    texts: Mapping[str, str] = field(default_factory=dict)

    def text_for(self, locale: str) -> str:
        """The text in `locale`, else in the default locale."""
        return self.texts.get(locale) or self.texts[self.default_locale]

    @property
    def active(self) -> bool:
        return self.status in ("queued", "running")


@dataclass(frozen=True)
class Delivery:
    """One outbox row to send."""

    id: int
    broadcast_id: int
    user_id: int
    locale: str
    attempts: int


def _broadcast(row: aiosqlite.Row, texts: Mapping[str, str]) -> Broadcast:
    return Broadcast(
        id=row["id"],
        created_by=row["created_by"],
        created_at=row["created_at"],
        status=row["status"],
        default_locale=row["default_locale"],
        total=row["total"],
        progress_locale=row["progress_locale"],
        progress_chat_id=row["progress_chat_id"],
        progress_message_id=row["progress_message_id"],
        started_at=row["started_at"],
        finished_at=row["finished_at"],
        texts=dict(texts),
    )


class Outbox:
    """Repository for `broadcasts`, `broadcast_texts` and `outbox`."""

    def __init__(self, db: Database) -> None:
        self._db = db
        self._work = asyncio.Event()
        self.owner: str | None = None  # the lease holder claiming rows (set by the worker)

    # --- signalling the worker (in process; the database is the durable record) ----------
    def notify(self) -> None:
        """New or changed work: a broadcast was queued or cancelled."""
        self._work.set()

    async def wake(self) -> None:
        """`notify`, as a step's effect once the broadcast is committed."""
        self.notify()

    def signalled(self) -> bool:
        return self._work.is_set()

    def clear_signal(self) -> None:
        self._work.clear()

    async def wait_for_work(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._work.wait(), seconds)
        self._work.clear()

    # --- broadcasts ---------------------------------------------------------------------
    async def create(
        self,
        *,
        created_by: int,
        texts: Mapping[str, str],
        default_locale: str,
        progress_locale: str,
        progress_chat_id: int | None = None,
        progress_message_id: int | None = None,
        locales: Collection[str] | None = None,
        notify: bool = True,
    ) -> Broadcast:
        """Queue a broadcast: the broadcast, its texts and one outbox row per subscriber, in
        one transaction (all of it is on disk before anything is sent, or none of it is).

        `locales` limits it to the subscribers who read one of those languages (a policy
        update goes only to the languages whose text changed); None: every subscriber.
        `notify=False` leaves waking the worker to the caller (`wake`), once it has committed.
        """
        texts = {locale: gate.clean(text, multiline=True, tidy=False) for locale, text in texts.items()}
        if not texts.get(default_locale, "").strip():
            raise ValueError("a broadcast needs a text in its default locale")
        only = sorted(locales) if locales is not None else None
        # Language choices made just before are written behind the replies: let them land,
        # so every recipient gets the language they chose (an admin action may wait). Not from
        # inside a transaction: the writer needs the connection that transaction holds.
        if not self._db.in_transaction():
            await self._db.writer.flush(timeout=10)
        now = utcnow()
        async with self._db.atomic() as conn:
            await ensure_user_in(conn, created_by)
            cursor = await conn.execute(
                "INSERT INTO broadcasts (created_by, created_at, status, default_locale, "
                "progress_locale, progress_chat_id, progress_message_id) "
                "VALUES (?, ?, 'queued', ?, ?, ?, ?)",
                (
                    created_by,
                    now,
                    default_locale,
                    progress_locale,
                    progress_chat_id,
                    progress_message_id,
                ),
            )
            broadcast_id = cursor.lastrowid
            await conn.executemany(
                "INSERT INTO broadcast_texts (broadcast_id, locale, text) VALUES (?, ?, ?)",
                [(broadcast_id, locale, text) for locale, text in texts.items() if text],
            )
            await conn.execute(
                "INSERT INTO outbox (broadcast_id, user_id, locale, status, updated_at) "  # noqa: S608
                f"SELECT ?, s.user_id, {EFFECTIVE_LOCALE}, 'pending', ? "
                "FROM subscriptions s JOIN users u ON u.id = s.user_id "
                f"WHERE ? IS NULL OR {EFFECTIVE_LOCALE} IN (SELECT value FROM json_each(?)) "
                "ORDER BY s.user_id",
                (broadcast_id, now, None if only is None else 1, json.dumps(only)),
            )
            await conn.execute(
                "UPDATE broadcasts SET total = "
                "(SELECT count(*) FROM outbox WHERE broadcast_id = ?) WHERE id = ?",
                (broadcast_id, broadcast_id),
            )
        if notify:
            self.notify()
        found = await self.get(int(broadcast_id or 0))
        assert found is not None
        return found

    async def get(self, broadcast_id: int) -> Broadcast | None:
        found = await self._load("WHERE id = ?", (broadcast_id,))
        return found[0] if found else None

    async def _load(self, where: str, params: Iterable[object]) -> list[Broadcast]:
        rows = await self._db.fetchall(f"SELECT * FROM broadcasts {where}", params)  # noqa: S608
        if not rows:
            return []
        ids = [r["id"] for r in rows]
        marks = ",".join("?" * len(ids))
        texts: dict[int, dict[str, str]] = {i: {} for i in ids}
        for t in await self._db.fetchall(
            "SELECT broadcast_id, locale, text FROM broadcast_texts "  # noqa: S608 - only ?s
            f"WHERE broadcast_id IN ({marks})",
            ids,
        ):
            texts[t["broadcast_id"]][t["locale"]] = t["text"]
        return [_broadcast(r, texts[r["id"]]) for r in rows]

    async def page(self, offset: int, limit: int) -> list[Broadcast]:
        """Newest first."""
        return await self._load("ORDER BY id DESC LIMIT ? OFFSET ?", (limit, offset))

    async def count(self) -> int:
        return int(await self._db.fetchval("SELECT count(*) FROM broadcasts"))

    async def counts(self, broadcast_id: int) -> Counts:
        return (await self.counts_of([broadcast_id]))[broadcast_id]

    async def counts_of(self, broadcast_ids: Iterable[int]) -> dict[int, Counts]:
        ids = list(broadcast_ids)
        found: dict[int, dict[str, int]] = {i: {} for i in ids}
        if ids:
            marks = ",".join("?" * len(ids))
            for r in await self._db.fetchall(
                f"SELECT broadcast_id, status, count(*) AS n FROM outbox "  # noqa: S608
                f"WHERE broadcast_id IN ({marks}) GROUP BY broadcast_id, status",
                ids,
            ):
                found[r["broadcast_id"]][r["status"]] = int(r["n"])
        return {i: Counts(**by_status) for i, by_status in found.items()}

    async def set_progress_message(self, broadcast_id: int, chat_id: int, message_id: int) -> None:
        async with self._db.atomic() as conn:
            await conn.execute(
                "UPDATE broadcasts SET progress_chat_id = ?, progress_message_id = ? WHERE id = ?",
                (chat_id, message_id, broadcast_id),
            )

    async def next_runnable(self) -> Broadcast | None:
        """The broadcast the worker should deliver now: a running one, else the oldest queued."""
        found = await self._load(
            "WHERE status IN ('running', 'queued') ORDER BY status = 'running' DESC, id LIMIT 1", ()
        )
        return found[0] if found else None

    async def start(self, broadcast_id: int) -> bool:
        async with self._db.atomic() as conn:
            cursor = await conn.execute(
                "UPDATE broadcasts SET status = 'running', started_at = ? WHERE id = ? AND status = 'queued'",
                (utcnow(), broadcast_id),
            )
            return cursor.rowcount > 0

    async def finish_if_drained(self, broadcast_id: int) -> bool:
        """running -> done once no row is pending or being sent."""
        async with self._db.atomic() as conn:
            cursor = await conn.execute(
                "UPDATE broadcasts SET status = 'done' WHERE id = ? AND status = 'running' "
                "AND NOT EXISTS (SELECT 1 FROM outbox WHERE broadcast_id = ? "
                "AND status IN ('pending', 'sending'))",
                (broadcast_id, broadcast_id),
            )
            return cursor.rowcount > 0

    async def cancel(self, broadcast_id: int) -> bool:
        """Stop a queued or running broadcast: its pending rows become `cancelled`. Rows being
        sent at this moment finish and are recorded as they turn out."""
        now = utcnow()
        async with self._db.atomic() as conn:
            cursor = await conn.execute(
                "UPDATE broadcasts SET status = 'cancelled' WHERE id = ? AND status IN ('queued', 'running')",
                (broadcast_id,),
            )
            if cursor.rowcount == 0:
                return False
            await conn.execute(
                "UPDATE outbox SET status = 'cancelled', updated_at = ? "
                "WHERE broadcast_id = ? AND status = 'pending'",
                (now, broadcast_id),
            )
        self.notify()
        return True

    async def unreported(self) -> list[Broadcast]:
        """Finished or cancelled broadcasts whose final report is still owed."""
        return await self._load(
            "WHERE status IN ('done', 'cancelled') AND finished_at IS NULL AND NOT EXISTS "
            "(SELECT 1 FROM outbox o "
            "WHERE o.broadcast_id = broadcasts.id AND o.status = 'sending') "
            "ORDER BY id",
            (),
        )

    async def mark_reported(self, broadcast_id: int) -> None:
        async with self._db.atomic() as conn:
            await conn.execute(
                "UPDATE broadcasts SET finished_at = ? WHERE id = ? AND finished_at IS NULL",
                (utcnow(), broadcast_id),
            )

    # --- rows ---------------------------------------------------------------------------
    async def recover_in_flight(self) -> int:
        """Before sending, once the lease is ours: rows left `sending` by other owners (a crash,
        an expired lease) go back to `pending` (at-least-once for the in-flight rows; see the
        module docstring). Our own in-flight rows are left alone."""
        async with self._db.atomic() as conn:
            cursor = await conn.execute(
                "UPDATE outbox SET status = 'pending', owner = NULL, updated_at = ? "
                "WHERE status = 'sending' AND (? IS NULL OR owner IS NULL OR owner != ?)",
                (utcnow(), self.owner, self.owner),
            )
            return cursor.rowcount

    async def due(self, broadcast_id: int, now: float, limit: int) -> list[Delivery]:
        rows = await self._db.fetchall(
            "SELECT id, broadcast_id, user_id, locale, attempts FROM outbox "
            "WHERE broadcast_id = ? AND status = 'pending' AND not_before <= ? ORDER BY id LIMIT ?",
            (broadcast_id, now, limit),
        )
        return [Delivery(r[0], r[1], r[2], r[3], r[4]) for r in rows]

    async def next_due_at(self, broadcast_id: int) -> float | None:
        """When the earliest delayed row becomes due (None when nothing is pending)."""
        value = await self._db.fetchval(
            "SELECT min(not_before) FROM outbox WHERE broadcast_id = ? AND status = 'pending'",
            (broadcast_id,),
        )
        return None if value is None else float(value)

    async def claim(self, row_id: int, *, now: float | None = None) -> bool:
        """pending -> sending, committed before the API call; False if cancelled or forgotten,
        or if our lease has expired (another process may be draining now)."""
        if self.owner is None:
            return await self._move(row_id, "sending", frm="pending")
        async with self._db.atomic() as conn:
            cursor = await conn.execute(
                "UPDATE outbox SET status = 'sending', owner = ?, updated_at = ? "
                "WHERE id = ? AND status = 'pending' AND EXISTS (SELECT 1 FROM worker_leases "
                "WHERE name = ? AND owner = ? AND expires_at >= ?)",
                (self.owner, utcnow(), row_id, LEASE, self.owner, time.time() if now is None else now),
            )
            return cursor.rowcount > 0

    async def mark_sent(self, row_id: int) -> None:
        await self._move(row_id, "sent", attempt=True, error=None)

    async def mark_failed(self, row_id: int, error: str) -> None:
        await self._move(row_id, "failed", attempt=True, error=error)

    async def unclaim(self, row_id: int) -> None:
        """Claimed but not sent (the worker stopped while waiting for its slot): `pending` again."""
        await self._move(row_id, "pending")

    async def retry_later(self, row_id: int, *, not_before: float, error: str, attempt: bool) -> None:
        """Back to `pending`, due at `not_before`; `attempt` counts it towards the maximum."""
        await self._move(row_id, "pending", attempt=attempt, error=error, not_before=not_before)

    async def mark_blocked(self, row_id: int) -> None:
        """The recipient blocked the bot: the row is `blocked`, the subscription is removed, and
        their rows pending in other broadcasts are `blocked` too."""
        now = utcnow()
        async with self._db.atomic() as conn:
            user_id = await _val(conn, "SELECT user_id FROM outbox WHERE id = ?", (row_id,))
            if user_id is None:  # forgotten meanwhile
                return
            await conn.execute(
                "UPDATE outbox SET status = 'blocked', attempts = attempts + 1, "
                "last_error = 'Forbidden', updated_at = ? "
                "WHERE (id = ? AND status = 'sending') OR (user_id = ? AND status = 'pending')",
                (now, row_id, user_id),
            )
            await conn.execute("DELETE FROM subscriptions WHERE user_id = ?", (user_id,))

    async def _move(
        self,
        row_id: int,
        to: str,
        *,
        frm: str = "sending",
        attempt: bool = False,
        error: str | None = None,
        not_before: float | None = None,
    ) -> bool:
        # A row we claimed is resolved only while it is still ours: if our lease expired and
        # another process took the row back, its outcome is that process's to record.
        mine = "" if frm != "sending" or self.owner is None else " AND owner IS ?"
        async with self._db.atomic() as conn:
            cursor = await conn.execute(
                "UPDATE outbox SET status = ?, attempts = attempts + ?, last_error = ?, "  # noqa: S608 - a fixed clause
                f"not_before = COALESCE(?, not_before), updated_at = ? WHERE id = ? AND status = ?{mine}",
                (to, 1 if attempt else 0, error, not_before, utcnow(), row_id, frm)
                + ((self.owner,) if mine else ()),
            )
            return cursor.rowcount > 0


async def _val(conn: aiosqlite.Connection, sql: str, params: Iterable[object]) -> object:
    rows = list(await conn.execute_fetchall(sql, tuple(params)))
    return rows[0][0] if rows else None
