"""Subscriptions and the outbox as data: opt-in, locales, cascades, the row life cycle."""

from __future__ import annotations

import time

import pytest

from directory.db import Database
from directory.outbox import Counts, Outbox
from directory.subscriptions import Subscriptions
from directory.users import Users


@pytest.fixture
def subs(db: Database) -> Subscriptions:
    return Subscriptions(db)


@pytest.fixture
def outbox(db: Database) -> Outbox:
    return Outbox(db)


async def test_subscribe_is_idempotent_and_refreshes_the_locale(subs: Subscriptions, db: Database) -> None:
    assert await subs.subscribe(1, "fr") is True
    assert await subs.subscribe(1, "fr") is False
    assert await subs.subscribe(1, "es") is False
    assert await subs.count() == 1
    assert await subs.locale_of(1) == "es"
    assert await db.fetchval("SELECT count(*) FROM users WHERE id = 1") == 1


async def test_unsubscribe(subs: Subscriptions) -> None:
    assert await subs.unsubscribe(1) is False
    await subs.subscribe(1, "en")
    assert await subs.unsubscribe(1) is True
    assert not await subs.is_subscribed(1)


async def test_saved_language_wins_over_the_subscription_locale(
    subs: Subscriptions, db: Database, outbox: Outbox
) -> None:
    users = Users(db)
    await subs.subscribe(1, "en")
    await subs.subscribe(2, "fr")
    await users.set_locale(1, "pt")  # /language after subscribing (written behind the reply)
    await db.writer.flush()
    assert await subs.count_by_locale() == {"fr": 1, "pt": 1}
    await users.set_locale(2, "es")
    b0 = await outbox.create(  # a broadcast sees every choice made before it, written or queued
        created_by=900, texts={"en": "Hi"}, default_locale="en", progress_locale="en"
    )
    rows = await db.fetchall("SELECT locale FROM outbox WHERE broadcast_id = ? AND user_id = 2", (b0.id,))
    assert rows[0][0] == "es"
    await users.set_locale(2, None)
    await db.writer.flush()
    b = await outbox.create(
        created_by=900, texts={"en": "Hi", "pt": "Olá"}, default_locale="en", progress_locale="en"
    )
    rows = await db.fetchall(
        "SELECT user_id, locale FROM outbox WHERE broadcast_id = ? ORDER BY user_id", (b.id,)
    )
    assert [tuple(r) for r in rows] == [(1, "pt"), (2, "fr")]
    assert b.text_for("pt") == "Olá"
    assert b.text_for("fr") == "Hi"  # no French text: the default


async def test_create_writes_one_row_per_subscriber_and_nobody_else(
    subs: Subscriptions, db: Database, outbox: Outbox
) -> None:
    users = Users(db)
    await users.touch(50)  # talked to the bot, never opted in
    for uid in (1, 2, 3):
        await subs.subscribe(uid, "en")
    await subs.unsubscribe(3)
    b = await outbox.create(created_by=900, texts={"en": "Hi"}, default_locale="en", progress_locale="en")
    assert b.total == 2
    assert b.status == "queued"
    ids = [r[0] for r in await db.fetchall("SELECT user_id FROM outbox WHERE broadcast_id = ?", (b.id,))]
    assert sorted(ids) == [1, 2]
    assert await outbox.counts(b.id) == Counts(pending=2)


async def test_create_is_all_or_nothing(subs: Subscriptions, db: Database, outbox: Outbox) -> None:
    await subs.subscribe(1, "en")
    with pytest.raises(ValueError, match="default locale"):
        await outbox.create(created_by=900, texts={"fr": "Salut"}, default_locale="en", progress_locale="en")
    await db.conn.execute(
        "CREATE TRIGGER boom BEFORE INSERT ON outbox BEGIN SELECT RAISE(ABORT, 'disk full'); END"
    )
    with pytest.raises(Exception, match="disk full"):
        await outbox.create(created_by=900, texts={"en": "Hi"}, default_locale="en", progress_locale="en")
    assert await outbox.count() == 0
    assert await db.fetchval("SELECT count(*) FROM broadcast_texts") == 0


async def test_forget_cascades_to_subscription_and_outbox(
    subs: Subscriptions, db: Database, outbox: Outbox
) -> None:
    users = Users(db)
    await subs.subscribe(1, "en")
    await subs.subscribe(2, "en")
    await subs.subscribe(900, "en")
    b = await outbox.create(created_by=900, texts={"en": "Hi"}, default_locale="en", progress_locale="en")
    await users.forget(1)
    await users.forget(900)  # the author: the broadcast stays, without their id
    assert await db.fetchval("SELECT count(*) FROM users WHERE id = 1") == 0
    assert await db.fetchval("SELECT count(*) FROM subscriptions WHERE user_id = 1") == 0
    assert await db.fetchval("SELECT count(*) FROM outbox WHERE user_id = 1") == 0
    assert await db.fetchval("SELECT count(*) FROM outbox WHERE user_id = 2") == 1
    kept = await outbox.get(b.id)
    assert kept is not None and kept.created_by is None


async def test_row_life_cycle(subs: Subscriptions, outbox: Outbox) -> None:
    for uid in (1, 2, 3, 4):
        await subs.subscribe(uid, "en")
    b = await outbox.create(created_by=900, texts={"en": "Hi"}, default_locale="en", progress_locale="en")
    assert await outbox.next_runnable() == b
    assert await outbox.start(b.id)
    rows = await outbox.due(b.id, time.time(), 10)
    assert [r.user_id for r in rows] == [1, 2, 3, 4]
    assert await outbox.claim(rows[0].id)
    assert not await outbox.claim(rows[0].id)  # already being sent
    await outbox.mark_sent(rows[0].id)
    assert await outbox.claim(rows[1].id)
    await outbox.retry_later(rows[1].id, not_before=time.time() + 60, error="NetworkError", attempt=True)
    assert [r.user_id for r in await outbox.due(b.id, time.time(), 10)] == [3, 4]
    assert await outbox.claim(rows[2].id)
    await outbox.mark_blocked(rows[2].id)
    assert not await subs.is_subscribed(3)
    assert await outbox.claim(rows[3].id)  # left `sending` by a crash
    assert await outbox.counts(b.id) == Counts(pending=1, sending=1, sent=1, blocked=1)
    assert not await outbox.finish_if_drained(b.id)
    assert await outbox.recover_in_flight() == 1
    assert await outbox.counts(b.id) == Counts(pending=2, sent=1, blocked=1)


async def test_cancel_cancels_pending_rows_only(subs: Subscriptions, outbox: Outbox) -> None:
    for uid in (1, 2, 3):
        await subs.subscribe(uid, "en")
    b = await outbox.create(created_by=900, texts={"en": "Hi"}, default_locale="en", progress_locale="en")
    await outbox.start(b.id)
    first, second, _ = await outbox.due(b.id, time.time(), 10)
    await outbox.claim(first.id)
    await outbox.mark_sent(first.id)
    await outbox.claim(second.id)
    assert await outbox.cancel(b.id)
    assert not await outbox.cancel(b.id)
    assert await outbox.counts(b.id) == Counts(sending=1, sent=1, cancelled=1)
    assert await outbox.unreported() == []  # one is still in flight
    await outbox.mark_sent(second.id)
    [owed] = await outbox.unreported()
    assert owed.status == "cancelled"
    await outbox.mark_reported(b.id)
    assert await outbox.unreported() == []
    assert await outbox.next_runnable() is None
