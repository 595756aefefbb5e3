"""/subscribe, /unsubscribe and /forget through the stand-in Bot API server."""

from __future__ import annotations

import pytest

from bot.privacy import forgotten_text
from directory.users import Forgotten
from tests.conftest import ADMIN_ID, USER_ID

LANGS = ["en", "es", "fr", "pt"]


@pytest.mark.parametrize("lang", LANGS)
async def test_subscribe_is_idempotent_and_stores_the_locale(bot, services, catalogs, lang: str) -> None:
    t = catalogs.translator(lang)
    first = await bot.send("/subscribe", lang=lang)
    assert first.text == t._("You are subscribed to WIEGO policy updates. /unsubscribe stops them.")
    again = await bot.send("/subscribe", lang=lang)
    assert again.text == t._("You are already subscribed to WIEGO policy updates. /unsubscribe stops them.")
    assert await services.subscriptions.count() == 1
    assert await services.subscriptions.locale_of(USER_ID) == lang


async def test_unsubscribe(bot, services, catalogs) -> None:
    t = catalogs.translator("fr")
    reply = await bot.send("/unsubscribe", lang="fr")
    assert reply.text == t._("You were not subscribed, so there is nothing to stop.")
    await bot.send("/subscribe", lang="fr")
    reply = await bot.send("/unsubscribe", lang="fr")
    assert reply.text == t._("Done: you will not receive policy updates any more.")
    assert not await services.subscriptions.is_subscribed(USER_ID)


async def test_subscribe_in_a_group_is_refused(bot, services) -> None:
    reply = await bot.send("/subscribe", chat_id=-100, chat_type="group")
    assert "private chat" in reply.text
    assert await services.subscriptions.count() == 0


@pytest.mark.parametrize("lang", LANGS)
async def test_forget_deletes_everything_after_confirming(bot, services, catalogs, lang: str) -> None:
    t = catalogs.translator(lang)
    await bot.send("/subscribe", lang=lang)
    await services.subscriptions.subscribe(555, "en")
    bot.app.bot.rate_limiter.pause_broadcast(60)  # keep the rows pending
    await services.outbox.create(
        created_by=ADMIN_ID, texts={"en": "x"}, default_locale="en", progress_locale="en"
    )
    ask = await bot.send("/forget", lang=lang)
    assert [b["callback_data"] for b in ask.buttons] == ["fgt:yes", "fgt:no"]
    mark = await bot.press(ask, "fgt:yes", lang=lang)
    done = await bot.emulator.wait_for(lambda c: c.method == "editMessageText", after=mark)
    expected = Forgotten(
        had_row=True, language=False, subscription=True, listings=(), pending_updates=1, history_changes=0
    )
    assert done.text == forgotten_text(t, expected)
    db = services.db
    for table, column in (("users", "id"), ("subscriptions", "user_id"), ("outbox", "user_id")):
        assert await db.fetchval(f"SELECT count(*) FROM {table} WHERE {column} = ?", (USER_ID,)) == 0, table
    assert await db.fetchval("SELECT count(*) FROM outbox WHERE user_id = 555") == 1  # others untouched


async def test_forget_can_be_declined(bot, services) -> None:
    await bot.send("/subscribe")
    ask = await bot.send("/forget")
    mark = await bot.press(ask, "fgt:no")
    done = await bot.emulator.wait_for(lambda c: c.method == "editMessageText", after=mark)
    assert done.text == "Nothing was deleted."
    assert await services.subscriptions.is_subscribed(USER_ID)


async def test_help_lists_the_subscription_commands(bot) -> None:
    reply = await bot.send("/help")
    for command in ("/subscribe", "/unsubscribe", "/forget"):
        assert command in reply.text
    assert "/broadcast " not in reply.text
    admin = await bot.send("/help", user=ADMIN_ID)
    assert "/broadcast " in admin.text and "/broadcasts " in admin.text
