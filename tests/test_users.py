"""The users table and its in-memory caches."""

from __future__ import annotations

from directory import users as users_module
from directory.db import Database
from directory.users import Users


async def test_touch_writes_once_a_day_and_forget_deletes(db: Database) -> None:
    users = Users(db)
    await users.touch(7)
    await users.touch(7)
    assert db.writer.stats.submitted == 1  # once a day: the second touch writes nothing
    await db.writer.flush()
    assert await users.count() == 1
    await users.set_locale(7, "pt")
    assert await users.chosen_locale(7) == "pt"  # at once, before the write lands
    await db.writer.flush()
    assert await db.fetchval("SELECT locale FROM users WHERE id = 7") == "pt"
    await users.forget(7)
    assert await users.count() == 0
    assert await users.chosen_locale(7) is None


async def test_forget_withdraws_writes_not_yet_made(db: Database) -> None:
    """A "seen" write still queued must not bring the row back after /forget."""
    users = Users(db)
    await users.touch(8)
    await users.set_locale(8, "fr")
    gone = await users.forget(8)
    await db.writer.flush()
    assert await users.count() == 0
    assert gone.had_row is False


async def test_caches_stay_bounded_however_many_people_write(db: Database, monkeypatch) -> None:
    monkeypatch.setattr(users_module, "CACHE_SIZE", 50)
    users = Users(db)
    for user_id in range(500):
        await users.touch(user_id)
        await users.chosen_locale(user_id)
    assert len(users._seen_today) <= 51
    assert len(users._locale_cache) <= 51
    await db.writer.flush()
    assert await users.count() == 500
