"""After a policy edit, "Tell the subscribers" says which languages changed and, unless the
admin chooses otherwise, reaches only the subscribers whose language changed."""

from __future__ import annotations

from typing import Any

import pytest

from bot.delivery_settings import DeliverySettings
from tests.conftest import ADMIN_ID

FAST = DeliverySettings(rate=200, global_rate=1000, progress_interval=0.2, idle_poll=1, stop_timeout=3)
SUBSCRIBERS = {11: "en", 12: "en", 21: "es", 31: "fr", 41: "pt"}


@pytest.fixture(autouse=True)
async def subscribers(services) -> None:
    services.delivery = FAST
    for uid, lang in SUBSCRIBERS.items():
        await services.subscriptions.subscribe(uid, lang)


def data_of(reply, prefix: str) -> str:
    return next(b["callback_data"] for b in reply.buttons if b["callback_data"].startswith(prefix))


async def edit_english_why(bot: Any) -> Any:
    """An admin changes the English "why" of `funding`; returns the "saved" message."""
    listing = await bot.send("/policy", user=ADMIN_ID)
    mark = await bot.press(listing, "pf:funding:en:why:1", user=ADMIN_ID)
    await bot.emulator.wait_for(lambda c: c.method == "sendMessage" and c.chat_id == ADMIN_ID, after=mark)
    preview = await bot.send("WIEGO is a network, not a funder.", user=ADMIN_ID)
    mark = await bot.press(preview, data_of(preview, "pk:"), user=ADMIN_ID)
    return await bot.emulator.wait_for(lambda c: c.method == "editMessageText", after=mark)


async def share(bot: Any, saved: Any) -> Any:
    mark = await bot.press(saved, data_of(saved, "pb:"), user=ADMIN_ID)
    return await bot.emulator.wait_for(
        lambda c: c.method == "sendMessage" and "Preview of the broadcast" in c.text, after=mark
    )


async def send_and_wait(bot, preview) -> list[int]:
    mark = await bot.press(preview, data_of(preview, "ds:"), user=ADMIN_ID)
    await bot.emulator.wait_for(lambda c: c.chat_id == ADMIN_ID and "finished" in c.text, after=mark)
    return sorted(c.chat_id for c in bot.emulator.calls[mark:] if c.method == "sendMessage" and c.chat_id in SUBSCRIBERS)


async def test_only_the_changed_language_is_told_by_default(bot, services) -> None:
    preview = await share(bot, await edit_english_why(bot))
    assert "Changed in this version: English." in preview.text
    assert "Not changed: Español, Français, Português." in preview.text
    assert "Their subscribers get nothing" in preview.text
    assert "It goes to 2 subscribers." in preview.text
    assert "WIEGO is a network, not a funder." in preview.text
    rule = await services.policy.rules.get("funding")
    assert rule is not None and rule.texts["es"].why not in preview.text
    assert await send_and_wait(bot, preview) == [11, 12]


async def test_the_admin_may_tell_every_language(bot, services) -> None:
    preview = await share(bot, await edit_english_why(bot))
    mark = await bot.press(preview, data_of(preview, "da:"), user=ADMIN_ID)
    everyone = await bot.emulator.wait_for(lambda c: c.method == "editMessageText", after=mark)
    assert "Their subscribers get it too, as you chose." in everyone.text
    assert "It goes to 5 subscribers." in everyone.text
    assert "Only the changed languages" in [b["text"].removeprefix("🔁 ") for b in everyone.buttons]
    assert await send_and_wait(bot, everyone) == sorted(SUBSCRIBERS)


async def test_a_verdict_change_is_news_in_every_language(bot) -> None:
    listing = await bot.send("/policy", user=ADMIN_ID)
    mark = await bot.press(listing, "ps:funding:sometimes:1", user=ADMIN_ID)
    saved = await bot.emulator.wait_for(lambda c: c.method == "editMessageText", after=mark)
    preview = await share(bot, saved)
    assert "Changed in this version: English, Español, Français, Português." in preview.text
    assert not any(b["callback_data"].startswith("da:") for b in preview.buttons)
    assert await send_and_wait(bot, preview) == sorted(SUBSCRIBERS)


async def test_a_stale_share_button_is_refused_like_the_others(bot, services) -> None:
    saved = await edit_english_why(bot)
    await services.policy.rules.update_rule("funding", "user:901", verdict="yes")  # version 3 meanwhile
    mark = await bot.press(saved, data_of(saved, "pb:"), user=ADMIN_ID)
    answer = next(c for c in bot.emulator.calls[mark:] if c.method == "answerCallbackQuery")
    assert answer.params["text"] == "This was changed meanwhile. Here it is as it stands now."
    current = await bot.emulator.wait_for(lambda c: c.method == "editMessageText", after=mark)
    assert "version 3" in current.text
    assert not [c for c in bot.emulator.calls[mark:] if "Preview of the broadcast" in c.text]


async def test_a_discarded_update_can_be_told_again(bot) -> None:
    saved = await edit_english_why(bot)
    preview = await share(bot, saved)
    mark = await bot.press(preview, data_of(preview, "dd:"), user=ADMIN_ID)
    await bot.emulator.wait_for(lambda c: c.method == "editMessageText" and "Discarded" in c.text, after=mark)
    again = await share(bot, saved)
    assert "Changed in this version: English." in again.text
