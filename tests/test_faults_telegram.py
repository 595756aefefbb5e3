"""While another process holds the database's write lock, people still get their answers at once
(no apology), buttons still work, and what they caused is written once the lock is gone."""

from __future__ import annotations

import asyncio
import sqlite3
import time

from tests.conftest import USER_ID


async def test_answers_buttons_and_writes_while_another_process_holds_the_lock(bot, services, catalogs) -> None:
    db = services.db
    await db.conn.execute("PRAGMA busy_timeout = 200")  # the writer's attempts end sooner in a test
    db.writer.retry_first = db.writer.retry_max = 0.1
    apologies = {
        catalogs.translator(code)._("Sorry, something went wrong on our side. Please try again in a moment.")
        for code in catalogs.codes
    }
    other = sqlite3.connect(services.config.db_path, isolation_level=None, check_same_thread=False)
    # taken in a thread: the bot's own transactions must be able to finish meanwhile
    await asyncio.to_thread(other.execute, "BEGIN IMMEDIATE")
    other.execute("INSERT INTO meta (key, value) VALUES ('held', 'x')")
    try:
        askers = range(USER_ID + 1, USER_ID + 7)
        questions = ["Can WIEGO fund us?", "What is the capital of Peru?", "/search domestic workers Latin America"]
        replies = []
        for n, user in enumerate(askers):
            started = time.monotonic()
            reply = await bot.send(questions[n % len(questions)], user=user, lang=["en", "es", "fr"][n % 3])
            replies.append(reply)
            assert time.monotonic() - started < 1.5
            assert reply.text not in apologies
        search = replies[2]  # the search's "Next" button: its row is not written yet
        next_page = next(b["callback_data"] for b in search.buttons if b["callback_data"].startswith("s:"))
        mark = await bot.press(search, next_page, user=USER_ID + 3)
        page = await bot.emulator.wait_for(lambda c: c.method == "editMessageText", after=mark)
        assert "2" in page.text
        busy = await bot.send("/subscribe", user=USER_ID + 1)  # a write that must not be deferred
        assert busy.text == catalogs.translator("en")._(
            "The database is busy for a moment (a backup or an import). Please try again in a minute."
        )
        assert await db.fetchval("SELECT count(*) FROM users") == 0  # nothing written yet
        assert db.writer.pending > 0 and db.writer.stats.retries > 0
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert await db.writer.flush(timeout=10)
    ids = {int(r[0]) for r in await db.fetchall("SELECT id FROM users")}
    assert set(askers) <= ids
    unanswered = await services.feedback.recent_unanswered()
    assert "What is the capital of Peru?" in [e.question for e in unanswered]
    assert await db.fetchval("SELECT count(*) FROM saved_searches") >= 1
    assert db.writer.stats.dropped == 0
