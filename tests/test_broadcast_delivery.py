"""The delivery worker and the request scheduler, through the stand-in Bot API server:
resume after a crash, 429 / 403 / 5xx, askers first, a prompt stop."""

from __future__ import annotations

import asyncio
import random
import time
from collections import Counter
from datetime import timedelta

import pytest
from telegram.error import RetryAfter
from telegram.ext import ExtBot

from bot.config import ConfigError, load_config
from bot.delivery import DeliveryWorker
from bot.delivery_settings import DeliverySettings
from bot.offline import Failure, RateLimit
from bot.ratelimit import BROADCAST, PriorityRateLimiter
from directory.outbox import Counts
from tests.conftest import ADMIN_ID, TOKEN, USER_ID

FAST = DeliverySettings(
    rate=200,
    global_rate=1000,
    backoff_base=0.05,
    progress_interval=0.2,
    idle_poll=1,
    stop_timeout=3,
    max_attempts=3,
    lease_ttl=1.0,  # a crashed worker's lease expires quickly
)


@pytest.fixture(autouse=True)
def fast_delivery(services) -> None:
    services.delivery = FAST


class Harness:
    """A bare `ExtBot` against the stand-in server, and workers that can be crashed."""

    def __init__(self, services, standin) -> None:
        self.services = services
        self.standin = standin
        self.bots: list[ExtBot] = []

    async def worker(self, settings: DeliverySettings = FAST) -> DeliveryWorker:
        bot = ExtBot(TOKEN, base_url=self.standin.base_url, rate_limiter=PriorityRateLimiter(settings))
        await bot.initialize()
        self.bots.append(bot)
        worker = DeliveryWorker(bot, self.services, settings)
        await worker.start()
        return worker

    async def close(self) -> None:
        for bot in self.bots:
            await bot.shutdown()


@pytest.fixture
async def harness(services, standin):
    h = Harness(services, standin)
    try:
        yield h
    finally:
        await h.close()


async def crash(worker: DeliveryWorker) -> None:
    """As close to SIGKILL as a test gets: tasks die where they are, nothing is recorded; the
    lease is left to expire (the heartbeat dies too)."""
    tasks = [worker._task, worker._heartbeat, *worker._in_flight]
    for task in tasks:
        if task is not None:
            task.cancel()
    await asyncio.gather(*(t for t in tasks if t is not None), return_exceptions=True)
    worker._task = None


async def queue(services, ids, locale: str = "en"):
    for uid in ids:
        await services.subscriptions.subscribe(uid, locale)
    return await services.outbox.create(
        created_by=ADMIN_ID, texts={"en": "Update"}, default_locale="en", progress_locale="en"
    )


async def until(predicate, limit: float = 15.0, step: float = 0.05) -> None:
    deadline = time.monotonic() + limit
    while not await predicate():
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        await asyncio.sleep(step)


async def finished(services, broadcast_id: int) -> None:
    async def done() -> bool:
        b = await services.outbox.get(broadcast_id)
        return b is not None and b.status in ("done", "cancelled") and b.finished_at is not None

    await until(done)


def deliveries(emulator, ids) -> Counter[int]:
    wanted = set(ids)
    return Counter(
        c.chat_id
        for c in emulator.calls
        if c.method == "sendMessage" and c.status == 200 and c.chat_id in wanted
    )


# --- crash and resume --------------------------------------------------------------------
async def test_resume_after_a_crash_from_the_rows_left_behind(harness, services, emulator) -> None:
    ids = list(range(1, 21))
    b = await queue(services, ids)
    await services.outbox.start(b.id)
    rows = await services.outbox.due(b.id, time.time(), 100)
    for row in rows[:5]:  # delivered before the crash
        await services.outbox.claim(row.id)
        await services.outbox.mark_sent(row.id)
    for row in rows[5:7]:  # in flight at the crash
        await services.outbox.claim(row.id)
    await harness.worker()
    await finished(services, b.id)
    got = deliveries(emulator, ids)
    assert all(got[r.user_id] == 0 for r in rows[:5])  # never re-sent
    assert all(got[r.user_id] == 1 for r in rows[5:])  # in flight and pending: sent once
    assert await services.outbox.counts(b.id) == Counts(sent=20)


async def test_crash_mid_broadcast_then_a_new_worker_finishes(harness, services, emulator) -> None:
    ids = list(range(100, 160))
    b = await queue(services, ids)
    first = await harness.worker(
        DeliverySettings(rate=40, global_rate=1000, progress_interval=0.2, lease_ttl=1.0)
    )

    async def some_sent() -> bool:
        return (await services.outbox.counts(b.id)).sent >= 15

    await until(some_sent)
    await crash(first)
    before = await services.outbox.counts(b.id)
    assert before.pending > 0
    await harness.worker()
    await finished(services, b.id)
    got = deliveries(emulator, ids)
    assert set(got) == set(ids)  # nobody lost
    duplicates = sum(n - 1 for n in got.values())
    assert duplicates <= before.sending  # at most the rows in flight at the crash
    assert await services.outbox.counts(b.id) == Counts(sent=60)


async def test_stop_is_prompt_and_loses_nothing(harness, services, emulator) -> None:
    ids = list(range(200, 230))
    b = await queue(services, ids)
    worker = await harness.worker()
    worker.limiter.pause_broadcast(60)  # as after a long 429
    await asyncio.sleep(0.2)
    started = time.monotonic()
    await worker.stop()
    assert time.monotonic() - started < 1.0
    counts = await services.outbox.counts(b.id)
    assert counts.pending + counts.sent == 30 and counts.sending == 0
    await harness.worker()
    await finished(services, b.id)
    assert deliveries(emulator, ids) == Counter(dict.fromkeys(ids, 1))


# --- Telegram's answers ------------------------------------------------------------------
async def test_429_pauses_the_broadcast_and_everyone_gets_it_once(harness, services, emulator) -> None:
    emulator.rate_limit = RateLimit(per_second=10, retry_after=1)
    ids = list(range(300, 325))
    b = await queue(services, ids)
    worker = await harness.worker()
    await finished(services, b.id)
    assert worker.limiter.broadcast_429 > 0
    assert deliveries(emulator, ids) == Counter(dict.fromkeys(ids, 1))
    assert await services.outbox.counts(b.id) == Counts(sent=25)
    attempts = await services.db.fetchval("SELECT max(attempts) FROM outbox WHERE broadcast_id = ?", (b.id,))
    assert attempts == 1  # a 429 is not a failed attempt


async def test_blocked_users_are_marked_and_unsubscribed(harness, services, emulator) -> None:
    emulator.blocked = {402, 407}
    ids = list(range(400, 410))
    b = await queue(services, ids)
    await harness.worker()
    await finished(services, b.id)
    assert await services.outbox.counts(b.id) == Counts(sent=8, blocked=2)
    assert not await services.subscriptions.is_subscribed(402)
    assert await services.subscriptions.is_subscribed(401)


async def test_transient_errors_are_retried_then_failed(harness, services, emulator) -> None:
    emulator.failures += [
        Failure(502, method="sendMessage", chat_id=501, times=2),  # recovers on the third try
        Failure(500, method="sendMessage", chat_id=502, times=10),  # never recovers
        Failure(400, method="sendMessage", chat_id=503, times=1),  # permanent at once
    ]
    ids = list(range(500, 505))
    b = await queue(services, ids)
    await harness.worker()
    await finished(services, b.id)
    rows = {
        r["user_id"]: (r["status"], r["attempts"])
        for r in await services.db.fetchall(
            "SELECT user_id, status, attempts FROM outbox WHERE broadcast_id = ?", (b.id,)
        )
    }
    assert rows[501] == ("sent", 3)
    assert rows[502] == ("failed", FAST.max_attempts)
    assert rows[503] == ("failed", 1)
    assert rows[500] == rows[504] == ("sent", 1)
    error = await services.db.fetchval("SELECT last_error FROM outbox WHERE user_id = 502")
    assert error.startswith("NetworkError")


async def test_a_429_caused_by_the_broadcast_does_not_stall_answers(bot, services, emulator) -> None:
    ids = list(range(600, 610))
    emulator.failures.append(Failure(429, method="sendMessage", chat_id=600, retry_after=3))
    b = await queue(services, ids)
    await emulator.wait_for(lambda c: c.method == "sendMessage" and c.status == 429)
    started = time.monotonic()
    reply = await bot.send("/help", user=USER_ID)
    assert time.monotonic() - started < 1.0
    assert reply.status == 200
    assert bot.app.bot.rate_limiter.broadcast_paused_for > 1.0  # the broadcast is still waiting
    await finished(services, b.id)
    assert deliveries(emulator, ids) == Counter(dict.fromkeys(ids, 1))


# --- the scheduler on its own ------------------------------------------------------------
async def ok(*_args, **_kwargs) -> bool:
    return True


async def test_answers_pass_while_the_broadcast_is_paused() -> None:
    limiter = PriorityRateLimiter(FAST)

    async def too_many(*_args, **_kwargs):
        raise RetryAfter(timedelta(seconds=30))

    with pytest.raises(RetryAfter):
        await limiter.process_request(too_many, (), {}, "sendMessage", {"chat_id": 1}, BROADCAST)
    assert limiter.broadcast_paused_for > 29
    started = time.monotonic()
    for chat in range(20):
        await limiter.process_request(ok, (), {}, "sendMessage", {"chat_id": chat}, None)
    assert time.monotonic() - started < 0.2


async def test_an_answer_hit_by_429_is_retried_alone() -> None:
    limiter = PriorityRateLimiter(FAST)
    calls = 0

    async def once_too_many(*_args, **_kwargs):
        nonlocal calls
        calls += 1
        if calls == 1:
            raise RetryAfter(timedelta(seconds=0.2))
        return True

    assert await limiter.process_request(once_too_many, (), {}, "sendMessage", {"chat_id": 1}, None) is True
    assert calls == 2
    assert limiter.interactive_429 == 1
    assert limiter.broadcast_429 == 0


async def test_broadcast_is_paced_at_its_rate() -> None:
    limiter = PriorityRateLimiter(DeliverySettings(rate=50, global_rate=1000))
    started = time.monotonic()
    for chat in range(26):
        await limiter.broadcast_slot(chat)
    assert 0.45 < time.monotonic() - started < 0.8


async def test_broadcast_waits_one_second_per_chat() -> None:
    limiter = PriorityRateLimiter(DeliverySettings(rate=200, global_rate=1000, per_chat_interval=0.3))
    await limiter.process_request(ok, (), {}, "sendMessage", {"chat_id": 7}, None)
    assert limiter.chat_wait(7) > 0.2
    started = time.monotonic()
    await limiter.broadcast_slot(7)
    assert time.monotonic() - started > 0.25


async def test_late_arrivals_never_pack_the_window_beyond_its_capacity() -> None:
    """Telegram counts a request when it arrives, somewhere between our send and its reply.
    Requests that arrive late by different amounts (jitter, a busy loop) must still never
    put more than `global_rate` arrivals inside one window, broadcast and answers together;
    a place counted from the moment of sending did not hold this."""
    settings = DeliverySettings(rate=10, global_rate=10, window=1.0, answer_reserve=1)
    limiter = PriorityRateLimiter(settings)
    rng = random.Random(7)
    arrivals: list[float] = []

    def request(delay_before: float, delay_after: float):
        async def send(*_args, **_kwargs) -> bool:
            await asyncio.sleep(delay_before)
            arrivals.append(time.monotonic())  # the server counts it now
            await asyncio.sleep(delay_after)
            return True

        return send

    async def broadcast(chat: int) -> None:
        await limiter.broadcast_slot(chat)
        send = request(rng.choice([0.0, 0.0, 0.04, 0.08]), rng.uniform(0, 0.01))
        await limiter.process_request(send, (), {}, "sendMessage", {"chat_id": chat}, BROADCAST)

    async def answers() -> None:
        for chat in range(1000, 1004):
            await asyncio.sleep(0.5)
            await limiter.process_request(request(0.0, 0.002), (), {}, "sendMessage", {"chat_id": chat}, None)

    started = time.monotonic()
    tasks = [asyncio.create_task(answers())]
    for chat in range(26):
        tasks.append(asyncio.create_task(broadcast(chat)))
    await asyncio.gather(*tasks)
    elapsed = time.monotonic() - started
    arrivals.sort()
    most = max(sum(1 for t in arrivals[i:] if t - arrivals[i] < settings.window) for i in range(len(arrivals)))
    assert len(arrivals) == 30
    assert most <= settings.global_rate
    # and the window is used: 30 requests at 9-10 a second plus round trips take about 3 s
    assert elapsed < 4.5


async def test_answers_go_before_the_broadcast_when_the_window_is_full() -> None:
    limiter = PriorityRateLimiter(DeliverySettings(rate=3, global_rate=3, window=0.3))
    order: list[str] = []
    for chat in range(3):
        await limiter.process_request(ok, (), {}, "sendMessage", {"chat_id": chat}, None)

    async def answer() -> None:
        await limiter.process_request(ok, (), {}, "sendMessage", {"chat_id": 99}, None)
        order.append("answer")

    async def broadcast() -> None:
        await limiter.broadcast_slot(50)
        order.append("broadcast")

    b = asyncio.create_task(broadcast())
    await asyncio.sleep(0.01)
    a = asyncio.create_task(answer())
    await asyncio.gather(a, b)
    assert order == ["answer", "broadcast"]


async def test_answers_go_at_once_and_fill_the_window_the_broadcast_waits_for() -> None:
    limiter = PriorityRateLimiter(DeliverySettings(rate=5, global_rate=5, window=0.3, answer_reserve=1))
    started = time.monotonic()
    for chat in range(6):  # more answers than the window holds: none is held back
        await limiter.process_request(ok, (), {}, "sendMessage", {"chat_id": chat}, None)
    assert time.monotonic() - started < 0.1
    # the window is full of answers: the broadcast waits until they age out
    started = time.monotonic()
    await limiter.broadcast_slot(100)
    assert time.monotonic() - started > 0.25
    # requests that are not messages do not count
    started = time.monotonic()
    for _ in range(10):
        await limiter.process_request(ok, (), {}, "answerCallbackQuery", {}, None)
    assert time.monotonic() - started < 0.1


@pytest.mark.parametrize(
    ("value", "rate"),
    [
        ("", 30.0),
        ("10", 10.0),
        ("29.5", 29.5),
        ("abc", None),
        ("0", None),
        ("31", None),
        ("nan", None),
    ],
)
def test_broadcast_rate_is_read_through_config(catalogs, value: str, rate: float | None) -> None:
    env = {"BROADCAST_RATE": value}
    if rate is None:
        with pytest.raises(ConfigError, match="BROADCAST_RATE"):
            load_config(env, catalogs.codes)
    else:
        assert load_config(env, catalogs.codes).broadcast_rate == rate


@pytest.mark.parametrize(
    ("value", "seconds"),
    [("", 30.0), ("3", 3.0), ("90.5", 90.5), ("0.5", None), ("abc", None), ("inf", None), ("nan", None)],
)
def test_broadcast_lease_is_read_through_config(catalogs, value: str, seconds: float | None) -> None:
    env = {"BROADCAST_LEASE": value}
    if seconds is None:
        with pytest.raises(ConfigError, match="BROADCAST_LEASE"):
            load_config(env, catalogs.codes)
    else:
        assert load_config(env, catalogs.codes).broadcast_lease == seconds


def test_backoff_grows_with_jitter() -> None:
    settings = DeliverySettings(backoff_base=1.0, backoff_max=10.0)
    assert 0.5 <= settings.backoff(1) <= 1.5
    assert 1.0 <= settings.backoff(2) <= 3.0
    assert settings.backoff(20) <= 15.0
