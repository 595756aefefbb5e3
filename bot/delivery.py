"""Broadcast delivery: a durable outbox drained under Telegram's limits, askers first.

The pace comes from `bot.ratelimit` (the bot's one request window, answers first).

The worker (`DeliveryWorker`)
-----------------------------
Started by the `on_start` hook after the application starts and stopped by `on_stop` with a
stop signal (it is a plain task, not `Application.create_task`, whose tasks are awaited on stop).
For the current broadcast it reads due `pending` rows in id order, and for each: waits for a
broadcast slot, claims the row (`pending -> sending`, committed), sends it from a bounded pool
of concurrent requests (`concurrency`; Telegram's latency needs a few in flight to reach the
rate), and records the outcome:

* success -> `sent`;
* 403 Forbidden -> `blocked`, and the person is unsubscribed;
* 429 RetryAfter -> back to `pending` after `retry_after` (not counted as an attempt), and the
  broadcast lane pauses;
* NetworkError / TimedOut / 5xx -> back to `pending` after exponential backoff with jitter;
  `failed` after `max_attempts`;
* 400 Bad Request and other Telegram errors -> `failed` at once.

One drainer per database: the worker first takes the `broadcast` lease (`directory.leases`,
`BROADCAST_LEASE` seconds, renewed every third of that). A second process on the same database
stands by while the lease is alive and takes over once it expires (at once when the holder was
a process of this machine that no longer exists); every claim is fenced by the lease in the
same statement, so a process that lost its lease cannot claim another row.

Crash rule (at least once for the in-flight rows): when a worker takes the lease, rows other
owners left `sending` go back to `pending` and are sent again; every `sent` row stays sent.
So a crash re-sends at most the messages that were in flight at that moment (at most
`concurrency`, usually one or two) and loses none. A TimedOut is treated the same way
(Telegram may have delivered it; it is sent again). Stopping normally waits for the in-flight
requests, so a clean stop re-sends nothing.

The admin sees one progress message, edited at most every `progress_interval` seconds, then a
final report; both are owed durably (`broadcasts.finished_at`) and sent after a restart.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import sqlite3
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from babel.dates import format_timedelta
from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError

from bot.callbacks import CallbackData
from bot.delivery_settings import DeliverySettings
from bot.i18n import Translator
from bot.ratelimit import BROADCAST, PriorityRateLimiter, retry_seconds
from bot.render import h
from directory.leases import Leases, new_owner
from directory.outbox import LEASE, Broadcast, Counts, Delivery, Outbox

if TYPE_CHECKING:
    from telegram.ext import ExtBot

    from bot.context import Services

log = logging.getLogger(__name__)



@dataclass(frozen=True)
class BroadcastCancel(CallbackData, prefix="bcx"):
    """The "cancel this broadcast" button under the progress message."""

    broadcast: int


# --- progress and report rendering ---------------------------------------------------------
BAR_CELLS = 10


def progress_bar(done: int, total: int) -> str:
    fraction = 1.0 if total <= 0 else min(1.0, done / total)
    filled = math.floor(fraction * BAR_CELLS)
    return "▓" * filled + "░" * (BAR_CELLS - filled) + f" {math.floor(fraction * 100)}%"


def duration(t: Translator, seconds: float) -> str:
    """A rounded duration in the translator's language ("7 minutes", "40 secondes")."""
    return str(format_timedelta(timedelta(seconds=max(1.0, seconds)), threshold=1.5, locale=t.locale))


def counts_line(t: Translator, counts: Counts, total: int) -> str:
    return t._(
        "Sent %(sent)s of %(total)s · failed %(failed)s · blocked %(blocked)s",
        sent=t.number(counts.sent),
        total=t.number(total),
        failed=t.number(counts.failed),
        blocked=t.number(counts.blocked),
    )


def progress_text(t: Translator, broadcast: Broadcast, counts: Counts, eta: float | None) -> str:
    total = broadcast.total
    if broadcast.status == "queued":
        head = t._("📣 Broadcast #%(id)s is queued.", id=broadcast.id)
    else:
        head = t._("📣 Broadcast #%(id)s: sending…", id=broadcast.id)
    lines = [
        f"<b>{h(head)}</b>",
        progress_bar(counts.resolved, total),
        h(counts_line(t, counts, total)),
    ]
    if eta is not None and counts.remaining:
        lines.append(h(t._("About %(eta)s left.", eta=duration(t, eta))))
    return "\n".join(lines)


def report_text(t: Translator, broadcast: Broadcast, counts: Counts) -> str:
    if broadcast.status == "cancelled":
        head = t._("📣 Broadcast #%(id)s was cancelled.", id=broadcast.id)
    else:
        head = t._("📣 Broadcast #%(id)s is finished.", id=broadcast.id)
    lines = [
        f"<b>{h(head)}</b>",
        progress_bar(counts.resolved, broadcast.total),
        h(counts_line(t, counts, broadcast.total)),
    ]
    if counts.cancelled:
        lines.append(
            h(
                t.ngettext(
                    "%(n)s message was not sent (cancelled).",
                    "%(n)s messages were not sent (cancelled).",
                    counts.cancelled,
                )
            )
        )
    if broadcast.started_at:
        elapsed = (datetime.now(UTC) - datetime.fromisoformat(broadcast.started_at)).total_seconds()
        lines.append(h(t._("Took %(duration)s.", duration=duration(t, elapsed))))
    return "\n".join(lines)


def cancel_keyboard(t: Translator, broadcast_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    "⏹ " + t._("Cancel the broadcast"),
                    callback_data=BroadcastCancel(broadcast_id).pack(),
                )
            ]
        ]
    )


class Progress:
    """The one progress message of a broadcast: edited at most every `interval` seconds."""

    def __init__(
        self,
        bot: ExtBot[Any],
        outbox: Outbox,
        t: Translator,
        broadcast_id: int,
        settings: DeliverySettings,
    ) -> None:
        self._bot = bot
        self._outbox = outbox
        self._t = t
        self._id = broadcast_id
        self._settings = settings
        self._last_at = -math.inf
        self._last_text = ""
        self._started = time.monotonic()
        self._resolved_at_start: int | None = None

    async def update(self, *, force: bool = False) -> Broadcast | None:
        """Refresh the message if it is time; returns the broadcast as it is now."""
        now = time.monotonic()
        if not force and now - self._last_at < self._settings.progress_interval:
            return None
        self._last_at = now
        broadcast = await self._outbox.get(self._id)
        if broadcast is None:
            return None
        counts = await self._outbox.counts(self._id)
        if self._resolved_at_start is None:
            self._resolved_at_start = counts.resolved
            self._started = now
        done_here = counts.resolved - self._resolved_at_start
        elapsed = now - self._started
        rate = done_here / elapsed if done_here > 0 and elapsed > 1.0 else self._settings.rate
        eta = counts.remaining / rate if rate > 0 else None
        text = progress_text(self._t, broadcast, counts, eta)
        if broadcast.active and text != self._last_text:
            await edit_progress(self._bot, broadcast, text, cancel_keyboard(self._t, broadcast.id))
            self._last_text = text
        return broadcast


async def edit_progress(
    bot: ExtBot[Any], broadcast: Broadcast, text: str, markup: InlineKeyboardMarkup | None
) -> None:
    if broadcast.progress_chat_id is None or broadcast.progress_message_id is None:
        return
    try:
        await bot.edit_message_text(
            text,
            chat_id=broadcast.progress_chat_id,
            message_id=broadcast.progress_message_id,
            parse_mode=ParseMode.HTML,
            reply_markup=markup,
        )
    except TelegramError as exc:  # not modified, deleted by the admin, ...: progress is optional
        log.info("progress of broadcast %s not edited: %s", broadcast.id, type(exc).__name__)


# --- the worker ----------------------------------------------------------------------------
class DeliveryWorker:
    """Drains the outbox; `start()` after the application starts, `stop()` before it stops."""

    def __init__(
        self,
        bot: ExtBot[Any],
        services: Services,
        settings: DeliverySettings | None = None,
        *,
        limiter: PriorityRateLimiter | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._bot = bot
        self._services = services
        self._outbox = services.outbox
        self.settings = settings or services.delivery
        found = getattr(bot, "rate_limiter", None)
        self.limiter = limiter or (
            found if isinstance(found, PriorityRateLimiter) else PriorityRateLimiter(self.settings)
        )
        self._clock = clock  # wall clock: `not_before` and leases survive restarts
        self._stopping = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._in_flight: set[asyncio.Task[None]] = set()
        self.owner = new_owner()
        self._leases = Leases(services.db, clock=clock)
        self._holding = False  # this process holds the broadcast lease
        self._recovered = False  # ...and has taken back the rows other owners left in flight
        self._heartbeat: asyncio.Task[None] | None = None

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    @property
    def holding(self) -> bool:
        """Whether this process is the database's drainer now (holds the broadcast lease)."""
        return self._holding

    async def start(self) -> None:
        self._stopping.clear()
        self._task = asyncio.create_task(self._run(), name="broadcast-worker")

    # --- the lease: one drainer per database ---------------------------------------------
    async def _take_lease(self) -> bool:
        """Hold the lease (taking it if free or expired); on taking it, recover the rows that
        other owners left `sending`. False while another live process drains."""
        if not self._holding:
            try:
                got = await self._leases.acquire(LEASE, self.owner, self.settings.lease_ttl)
            except sqlite3.OperationalError as exc:  # the database is busy: try again later
                log.info("broadcast lease not checked: %s", exc)
                return False
            if not got:
                return False
            self._holding, self._recovered = True, False
            self._outbox.owner = self.owner
            self._heartbeat = asyncio.create_task(self._beat(), name="broadcast-lease")
            log.info("broadcast: this process drains the outbox (lease %s)", self.owner)
        if not self._recovered:  # raises when busy: the next round tries again
            recovered = await self._outbox.recover_in_flight()
            self._recovered = True
            if recovered:
                log.warning("broadcast: %s message(s) in flight at a previous stop go again", recovered)
        return True

    async def _beat(self) -> None:
        """Renew the lease every third of its life; stop draining the moment it is lost."""
        interval = self.settings.lease_ttl / 3
        while self._holding and not self._stopping.is_set():
            await self._until_stopped(asyncio.sleep(interval))
            if self._stopping.is_set():
                return
            try:
                kept = await self._leases.renew(LEASE, self.owner, self.settings.lease_ttl)
            except sqlite3.OperationalError as exc:  # busy: the next beat tries again
                log.info("broadcast lease not renewed this time: %s", exc)
                continue
            if not kept:
                log.warning("broadcast: the lease was taken over by another process; draining stops here")
                self._holding = False
                self._outbox.notify()

    async def _release_lease(self) -> None:
        beat, self._heartbeat = self._heartbeat, None
        if beat is not None:
            beat.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await beat
        if self._holding:
            self._holding = False
            with contextlib.suppress(sqlite3.Error):
                await self._leases.release(LEASE, self.owner)

    async def stop(self) -> None:
        self._stopping.set()
        self._outbox.notify()
        task, self._task = self._task, None
        if task is None:
            await self._release_lease()
            return
        try:
            await asyncio.wait_for(asyncio.shield(task), self.settings.stop_timeout)
        except TimeoutError:
            log.warning("broadcast worker did not stop in time: cancelling it")
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await self._release_lease()

    async def _run(self) -> None:
        while not self._stopping.is_set():
            try:
                if not await self._take_lease():  # another process drains: stand by
                    await self._until_stopped(asyncio.sleep(self.settings.lease_ttl / 3))
                    continue
                await self._report_finished()
                broadcast = await self._outbox.next_runnable()
                if broadcast is None:
                    await self._outbox.wait_for_work(self.settings.idle_poll)
                    continue
                await self._deliver(broadcast)
            except Exception:
                log.exception("broadcast worker error; retrying shortly")
                await self._until_stopped(asyncio.sleep(5))

    async def _until_stopped(self, awaitable: Awaitable[Any]) -> bool:
        """Await `awaitable` unless stopping comes first; True when it completed."""
        if self._stopping.is_set():
            if asyncio.iscoroutine(awaitable):
                awaitable.close()
            return False
        work = asyncio.ensure_future(awaitable)
        stopper = asyncio.ensure_future(self._stopping.wait())
        done, _ = await asyncio.wait({work, stopper}, return_when=asyncio.FIRST_COMPLETED)
        if work in done:
            stopper.cancel()
            work.result()
            return True
        work.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await work
        return False

    def _translator(self, broadcast: Broadcast) -> Translator:
        return self._services.catalogs.translator(broadcast.progress_locale)

    async def _deliver(self, broadcast: Broadcast) -> None:
        if broadcast.status == "queued":
            await self._outbox.start(broadcast.id)
            log.info("broadcast %s started: %s recipients", broadcast.id, broadcast.total)
        found = await self._outbox.get(broadcast.id)
        if found is None or found.status != "running":
            return
        broadcast = found
        progress = Progress(self._bot, self._outbox, self._translator(broadcast), broadcast.id, self.settings)
        await progress.update(force=True)
        slots = asyncio.Semaphore(self.settings.concurrency)
        while not self._stopping.is_set() and self._holding:
            rows = await self._outbox.due(broadcast.id, self._clock(), self.settings.batch)
            if not rows:
                if not await self._idle_step(broadcast.id, progress):
                    break
                continue
            sent_any = False
            for row in rows:
                if self._stopping.is_set() or not self._holding or await self._cancelled(broadcast.id):
                    break
                if self.limiter.chat_wait(row.user_id) > 0:
                    continue  # answered a moment ago: it stays pending for a later pass
                if not await self._until_stopped(slots.acquire()):
                    break
                # Claimed (a committed write) before waiting for the slot, so that a slot is
                # not held through the write: the window counts a place from its grant.
                # False: cancelled or forgotten meanwhile, or our lease is gone.
                if not await self._outbox.claim(row.id, now=self._clock()):
                    slots.release()
                    continue
                if not await self._until_stopped(self.limiter.broadcast_slot(row.user_id)):
                    await self._outbox.unclaim(row.id)
                    slots.release()
                    break
                sent_any = True
                task = asyncio.create_task(self._send(broadcast, row))
                self._in_flight.add(task)
                task.add_done_callback(self._in_flight.discard)
                task.add_done_callback(lambda _: slots.release())
                await progress.update()
            if not sent_any and not self._stopping.is_set():
                await self._until_stopped(asyncio.sleep(min(self.settings.per_chat_interval, 0.2)))
        if self._in_flight:  # a clean stop records what is in flight: nothing is sent twice
            await asyncio.wait(set(self._in_flight), timeout=self.settings.stop_timeout)
        await progress.update(force=True)

    async def _idle_step(self, broadcast_id: int, progress: Progress) -> bool:
        """Nothing due now; False once the broadcast is over (done, cancelled or gone)."""
        if self._in_flight:
            await asyncio.wait(set(self._in_flight), timeout=self.settings.progress_interval)
            await progress.update()
            return True
        if await self._outbox.finish_if_drained(broadcast_id):
            log.info("broadcast %s delivered", broadcast_id)
            return False
        current = await self._outbox.get(broadcast_id)
        if current is None or current.status != "running":
            return False
        due_at = await self._outbox.next_due_at(broadcast_id)
        wait = self.settings.progress_interval if due_at is None else due_at - self._clock()
        wait = min(max(wait, 0.01), self.settings.progress_interval)
        await self._until_stopped(self._outbox.wait_for_work(wait))
        await progress.update()
        return True

    async def _cancelled(self, broadcast_id: int) -> bool:
        """Checked between messages, costing a query only after a signal (cancel, new work)."""
        if not self._outbox.signalled():
            return False
        self._outbox.clear_signal()
        await self._report_finished()  # e.g. a queued broadcast cancelled meanwhile
        current = await self._outbox.get(broadcast_id)
        return current is None or current.status != "running"

    async def _send(self, broadcast: Broadcast, row: Delivery) -> None:
        outbox = self._outbox
        try:
            await self._bot.send_message(
                chat_id=row.user_id,
                text=broadcast.text_for(row.locale),
                parse_mode=ParseMode.HTML,
                rate_limit_args=BROADCAST,
            )
        except RetryAfter as exc:
            delay = retry_seconds(exc.retry_after)
            await outbox.retry_later(
                row.id, not_before=self._clock() + delay, error="RetryAfter", attempt=False
            )
        except Forbidden:
            await outbox.mark_blocked(row.id)
        except BadRequest as exc:
            await outbox.mark_failed(row.id, f"BadRequest: {exc.message[:200]}")
        except NetworkError as exc:  # TimedOut, connection errors, 5xx
            attempts = row.attempts + 1
            error = f"{type(exc).__name__}: {exc.message[:200]}"
            if attempts >= self.settings.max_attempts:
                await outbox.mark_failed(row.id, error)
            else:
                await outbox.retry_later(
                    row.id,
                    not_before=self._clock() + self.settings.backoff(attempts),
                    error=error,
                    attempt=True,
                )
        except TelegramError as exc:
            await outbox.mark_failed(row.id, type(exc).__name__)
        except Exception:  # the row stays `sending`: resent after a restart, never lost
            log.exception("broadcast %s: unexpected error sending one message", broadcast.id)
        else:
            await outbox.mark_sent(row.id)

    async def _report_finished(self) -> None:
        for broadcast in await self._outbox.unreported():
            t = self._translator(broadcast)
            counts = await self._outbox.counts(broadcast.id)
            text = report_text(t, broadcast, counts)
            await edit_progress(self._bot, broadcast, text, None)
            if broadcast.progress_chat_id is not None:
                try:
                    await self._bot.send_message(broadcast.progress_chat_id, text, parse_mode=ParseMode.HTML)
                except TelegramError as exc:
                    log.warning("report of broadcast %s not sent: %s", broadcast.id, type(exc).__name__)
            await self._outbox.mark_reported(broadcast.id)
            log.info(
                "broadcast %s %s: sent %s, failed %s, blocked %s, cancelled %s",
                broadcast.id,
                broadcast.status,
                counts.sent,
                counts.failed,
                counts.blocked,
                counts.cancelled,
            )


@dataclass
class WorkerHooks:
    """The `on_start` / `on_stop` pair a feature registers for the worker."""

    worker: DeliveryWorker | None = None
    factory: Callable[[Any], DeliveryWorker] = field(
        default=lambda app: DeliveryWorker(app.bot, app.bot_data.services)
    )

    async def start(self, app: Any) -> None:
        self.worker = self.factory(app)
        await self.worker.start()

    async def stop(self, app: Any) -> None:
        worker, self.worker = self.worker, None
        if worker is not None:
            await worker.stop()
