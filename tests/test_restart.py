"""A restart (or a deploy) in the middle of an edit or a draft loses nothing: the conversation
is in the database, and the buttons drawn before the restart still work after it."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from bot.config import load_config
from bot.delivery_settings import DeliverySettings
from bot.services import open_services
from directory.organizations import Organization, Organizations
from tests.conftest import ADMIN_ID, TOKEN, USER_ID, Conversation, running

LINK = re.compile(r"start=claim_([A-Za-z0-9_-]+)")


@asynccontextmanager
async def running_bot(db_path: Path, standin, catalogs) -> AsyncIterator[Conversation]:
    """The whole bot, from opening the database to closing it: one process's life."""
    env = {
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_BASE_URL": standin.base_url,
        "WIEGO_DB": str(db_path),
        "WIEGO_ADMINS": str(ADMIN_ID),
    }
    services = await open_services(load_config(env, catalogs.codes), catalogs)
    services.delivery = DeliverySettings(rate=200, global_rate=1000, progress_interval=0.2, idle_poll=1)
    try:
        async with running(services, standin.emulator) as bot:
            yield bot
    finally:
        await services.close()


def data_of(reply, prefix: str) -> str:
    return next(b["callback_data"] for b in reply.buttons if b["callback_data"].startswith(prefix))


async def test_a_listing_edit_survives_a_restart(tmp_path, standin, emulator, catalogs) -> None:
    db_path = tmp_path / "bot.sqlite3"
    async with running_bot(db_path, standin, catalogs) as bot:
        services = bot.app.bot_data.services
        await Organizations(services.db).add_many(
            [Organization(id="test-alpha", name="Alpha Recyclers", kind="national", countries=("KE",))], "seed"
        )
        invite = await bot.send("/invite test-alpha", user=ADMIN_ID)
        mark = len(emulator.calls)
        await bot.send(f"/start claim_{LINK.search(invite.text)[1]}")  # type: ignore[index]
        listing = await emulator.wait_for(lambda c: c.chat_id == USER_ID and bool(c.buttons), after=mark)
        mark = await bot.press(listing, data_of(listing, "le:").rsplit(":", 1)[0] + ":phone")
        await emulator.wait_for(lambda c: c.method == "sendMessage" and c.chat_id == USER_ID, after=mark)
        preview = await bot.send("020 2710000")  # a local number, read in Kenya
        assert "New: +254 20 2710000" in preview.text
    # the process ends mid-edit; a new one starts on the same database
    async with running_bot(db_path, standin, catalogs) as bot:
        mark = await bot.press(preview, data_of(preview, "lc:"))
        saved = await emulator.wait_for(lambda c: c.method == "editMessageText", after=mark)
        assert saved.text == "Saved. Phone is now: +254 20 2710000"
        org = await bot.app.bot_data.services.listings.organizations.get("test-alpha")
        assert org is not None and org.detail("phone") == "+254 20 2710000"


async def test_a_half_written_value_is_still_expected_after_a_restart(tmp_path, standin, emulator, catalogs) -> None:
    db_path = tmp_path / "bot.sqlite3"
    async with running_bot(db_path, standin, catalogs) as bot:
        listing = await bot.send("/policy", user=ADMIN_ID)
        mark = await bot.press(listing, "pf:media:fr:instead:1", user=ADMIN_ID)
        await emulator.wait_for(lambda c: c.method == "sendMessage" and c.chat_id == ADMIN_ID, after=mark)
    async with running_bot(db_path, standin, catalogs) as bot:
        preview = await bot.send("Écrivez au service de presse.", user=ADMIN_ID)
        assert "Save this as a new version of the rule?" in preview.text
        mark = await bot.press(preview, data_of(preview, "pk:"), user=ADMIN_ID)
        await emulator.wait_for(lambda c: c.method == "editMessageText", after=mark)
        rule = await bot.app.bot_data.services.policy.rules.get("media")
        assert rule is not None and rule.texts["fr"].instead == "Écrivez au service de presse."


async def test_a_broadcast_draft_survives_a_restart(tmp_path, standin, emulator, catalogs) -> None:
    db_path = tmp_path / "bot.sqlite3"
    async with running_bot(db_path, standin, catalogs) as bot:
        await bot.app.bot_data.services.subscriptions.subscribe(31, "en")
        await bot.send("/broadcast", user=ADMIN_ID)
        preview = await bot.send("Sent after a restart.", user=ADMIN_ID)
    async with running_bot(db_path, standin, catalogs) as bot:
        mark = await bot.press(preview, data_of(preview, "ds:"), user=ADMIN_ID)
        delivered = await emulator.wait_for(lambda c: c.chat_id == 31, after=mark)
        assert delivered.text == "Sent after a restart."
        assert await bot.app.bot_data.services.pending.get(ADMIN_ID) is None


async def test_cancel_after_a_restart_ends_the_conversation(tmp_path, standin, emulator, catalogs) -> None:
    db_path = tmp_path / "bot.sqlite3"
    async with running_bot(db_path, standin, catalogs) as bot:
        await bot.send("/broadcast", user=ADMIN_ID)
    async with running_bot(db_path, standin, catalogs) as bot:
        stopped = await bot.send("/cancel", user=ADMIN_ID)
        assert stopped.text == "Stopped. Nothing was changed."
        question = await bot.send("Can WIEGO fund our project?", user=ADMIN_ID)
        assert "Preview of the broadcast" not in question.text  # a question again, not a draft
