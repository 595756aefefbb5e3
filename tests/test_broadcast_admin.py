"""/broadcast and /broadcasts through the stand-in server: composing, authorization on every
step, stale and forged buttons, progress in one edited message, cancelling, the listing."""

from __future__ import annotations

import dataclasses
import logging

import pytest

from bot.delivery_settings import DeliverySettings
from tests.conftest import ADMIN_ID, USER_ID

FAST = DeliverySettings(
    rate=200,
    global_rate=1000,
    backoff_base=0.05,
    progress_interval=0.2,
    idle_poll=1,
    stop_timeout=3,
    max_attempts=3,
    per_chat_interval=0.1,
)


@pytest.fixture(autouse=True)
def fast_delivery(services) -> None:
    """Runs before the `bot` fixture builds the application (autouse fixtures come first)."""
    services.delivery = FAST


def data_of(reply, prefix: str) -> str:
    return next(b["callback_data"] for b in reply.buttons if b["callback_data"].startswith(prefix))


def revoke_admins(services) -> None:
    services.config = dataclasses.replace(services.config, admins=frozenset())


async def subscribe_all(services, ids, locale: str = "en") -> None:
    for uid in ids:
        await services.subscriptions.subscribe(uid, locale)


async def compose(bot, text: str = "Policy update: new rules.") -> object:
    """/broadcast then the default-language text; returns the preview."""
    await bot.send("/broadcast", user=ADMIN_ID)
    return await bot.send(text, user=ADMIN_ID)


async def wait_report(bot, mark: int, word: str = "finished"):
    return await bot.emulator.wait_for(
        lambda c: c.method == "sendMessage" and c.chat_id == ADMIN_ID and word in c.text, after=mark
    )


async def test_compose_in_several_languages_and_deliver(bot, services, catalogs) -> None:
    await subscribe_all(services, [11, 12], "en")
    await subscribe_all(services, [21], "es")
    await subscribe_all(services, [31], "fr")  # no French text: gets the default
    await services.subscriptions.subscribe(41, "en")
    await services.users.set_locale(41, "es")  # chose Spanish later: gets Spanish
    start = await bot.send("/broadcast", user=ADMIN_ID)
    assert "5 subscribers" in start.text
    preview = await bot.send("Hello <all>", user=ADMIN_ID)
    assert "Hello &lt;all&gt;" in preview.text  # the admin's text, HTML-safe
    assert "5 subscribers" in preview.text
    mark = await bot.press(preview, data_of(preview, "dl:").rsplit(":", 1)[0] + ":es", user=ADMIN_ID)
    prompt = await bot.emulator.wait_for(lambda c: c.method == "editMessageText", after=mark)
    assert "Español" in prompt.text
    preview2 = await bot.send("Hola a todas", user=ADMIN_ID)
    assert "Hello &lt;all&gt;" in preview2.text and "Hola a todas" in preview2.text
    assert "Español: 2 recipients" in preview2.text
    assert "3 recipients" in preview2.text  # English 2 + French 1 fall back to the default
    mark = await bot.press(preview2, data_of(preview2, "ds:"), user=ADMIN_ID)
    report = await wait_report(bot, mark)
    assert "Sent 5 of 5" in report.text
    got = {
        c.chat_id: c.text
        for c in bot.emulator.sent(method="sendMessage")[0:]
        if c.chat_id in {11, 12, 21, 31, 41}
    }
    assert got == {
        11: "Hello &lt;all&gt;",
        12: "Hello &lt;all&gt;",
        21: "Hola a todas",
        31: "Hello &lt;all&gt;",
        41: "Hola a todas",
    }


async def test_nobody_who_did_not_opt_in_is_messaged(bot, services) -> None:
    await bot.send("/start", user=70)  # known to the bot, never subscribed
    await bot.send("/subscribe", user=71)
    await bot.send("/subscribe", user=72)
    await bot.send("/unsubscribe", user=72)
    preview = await compose(bot)
    mark = await bot.press(preview, data_of(preview, "ds:"), user=ADMIN_ID)
    await wait_report(bot, mark)
    recipients = [
        c.chat_id for c in bot.emulator.calls[mark:] if c.method == "sendMessage" and c.chat_id != ADMIN_ID
    ]
    assert recipients == [71]


async def test_progress_is_one_edited_message_then_a_report(bot, services) -> None:
    services.delivery = FAST
    bot.app.bot.rate_limiter.settings = dataclasses.replace(FAST, rate=40)
    await subscribe_all(services, range(1000, 1060))
    preview = await compose(bot)
    preview_id = preview.result["message_id"]  # type: ignore[attr-defined]
    mark = await bot.press(preview, data_of(preview, "ds:"), user=ADMIN_ID)
    report = await wait_report(bot, mark)
    to_admin = [c for c in bot.emulator.calls[mark:] if c.chat_id == ADMIN_ID]
    sends = [c for c in to_admin if c.method == "sendMessage"]
    edits = [c for c in to_admin if c.method == "editMessageText"]
    assert sends == [report]  # progress was never re-sent
    assert {e.params["message_id"] for e in edits} == {preview_id}
    bars = [e.text for e in edits if "%" in e.text]
    assert len(bars) >= 3
    assert any("▓" in b and "░" in b for b in bars)
    assert any(b["callback_data"].startswith("bcx:") for e in edits[1:-1] for b in e.buttons)
    assert "100%" in edits[-1].text and not edits[-1].buttons
    assert "Sent 60 of 60" in report.text


async def test_cancel_a_running_broadcast(bot, services) -> None:
    bot.app.bot.rate_limiter.settings = dataclasses.replace(FAST, rate=10)
    await subscribe_all(services, range(2000, 2040))
    preview = await compose(bot)
    mark = await bot.press(preview, data_of(preview, "ds:"), user=ADMIN_ID)
    progress = await bot.emulator.wait_for(
        lambda c: (
            c.method == "editMessageText" and any(b["callback_data"].startswith("bcx:") for b in c.buttons)
        ),
        after=mark,
    )
    # a non-admin pressing the admin's cancel button changes nothing
    await bot.press(progress, data_of(progress, "bcx:"), user=USER_ID)
    [b] = await services.outbox.page(0, 1)
    assert (await services.outbox.get(b.id)).status == "running"
    await bot.press(progress, data_of(progress, "bcx:"), user=ADMIN_ID)
    report = await wait_report(bot, mark, "cancelled")
    counts = await services.outbox.counts(b.id)
    assert counts.cancelled > 0 and counts.sent < 40 and counts.pending == counts.sending == 0
    assert "not sent (cancelled)" in report.text
    sent_after = len(
        [c for c in bot.emulator.calls if c.method == "sendMessage" and 2000 <= (c.chat_id or 0) < 2040]
    )
    assert sent_after == counts.sent
    await bot.idle(0.3)
    assert (
        len([c for c in bot.emulator.calls if c.method == "sendMessage" and 2000 <= (c.chat_id or 0) < 2040])
        == sent_after
    )


# --- authorization ---------------------------------------------------------------------------
async def test_non_admin_is_refused_and_logged_without_text(bot, services, caplog) -> None:
    await subscribe_all(services, [5])
    caplog.set_level(logging.INFO)
    for command in ("/broadcast", "/broadcasts"):
        reply = await bot.send(command, user=USER_ID)
        assert reply.text == "Only WIEGO admins can do this."
    # text a non-admin sends afterwards is not a broadcast step
    assert await services.pending.get(USER_ID) is None
    assert "refused broadcast:start for user 100" in caplog.text
    assert await services.outbox.count() == 0


@pytest.mark.parametrize(
    "data",
    [
        "ds:deadbeef:1",
        "dl:deadbeef:1:fr",
        "dd:deadbeef:1",
        "da:deadbeef:1",
        "bcx:1",
        "bcl:0",
        "ds",
        "bcx:",
        "bcl:-1",
    ],
)
async def test_forged_admin_callbacks_from_a_non_admin_are_refused(bot, services, data: str, caplog) -> None:
    await subscribe_all(services, [5])
    b = await services.outbox.create(
        created_by=ADMIN_ID, texts={"en": "x"}, default_locale="en", progress_locale="en"
    )
    await services.outbox.cancel(b.id)
    keyboard = await bot.send("/language", user=USER_ID)
    mark = await bot.press(keyboard, data, user=USER_ID)
    answer = next(c for c in bot.emulator.calls[mark:] if c.method == "answerCallbackQuery")
    assert answer.params.get("show_alert") is True
    assert answer.params["text"] == "Only WIEGO admins can do this."
    assert "user 100" in caplog.text
    assert await services.outbox.count() == 1


@pytest.mark.parametrize(
    "data",
    [
        "ds:deadbeef:1",
        "ds:x:y",
        "dl:TOKEN:1:xx",
        "dl:TOKEN:7:fr",
        "ds:TOKEN:1:extra",
        "ds:TOK/EN:1",
        "bcx:abc",
        "bcl:x",
        "fgt:maybe",
    ],
)
async def test_forged_callbacks_from_the_admin_are_stale(bot, services, data: str) -> None:
    await subscribe_all(services, [5])
    preview = await compose(bot)
    token = data_of(preview, "ds:").split(":")[1]
    mark = await bot.press(preview, data.replace("TOKEN", token), user=ADMIN_ID)
    answer = next(c for c in bot.emulator.calls[mark:] if c.method == "answerCallbackQuery")
    assert answer.params["text"] == "This button is no longer valid."
    assert await services.outbox.count() == 0


async def test_non_admin_pressing_the_admins_preview_button(bot, services) -> None:
    await subscribe_all(services, [5])
    preview = await compose(bot)
    send = data_of(preview, "ds:")
    mark = await bot.press(preview, send, user=USER_ID)
    answer = next(c for c in bot.emulator.calls[mark:] if c.method == "answerCallbackQuery")
    assert answer.params["text"] == "Only WIEGO admins can do this."
    assert await services.outbox.count() == 0
    # the admin's own draft is untouched and still works
    mark = await bot.press(preview, send, user=ADMIN_ID)
    await wait_report(bot, mark)
    assert await services.outbox.count() == 1


async def test_rights_removed_before_the_text(bot, services, caplog) -> None:
    await subscribe_all(services, [5])
    await bot.send("/broadcast", user=ADMIN_ID)
    revoke_admins(services)
    reply = await bot.send("Secret policy text", user=ADMIN_ID)
    assert reply.text == "Only WIEGO admins can do this."
    assert "refused broadcast:text for user 900" in caplog.text
    assert "Secret policy text" not in caplog.text
    assert await services.pending.get(ADMIN_ID) is None


async def test_rights_removed_before_confirming(bot, services) -> None:
    await subscribe_all(services, [5])
    preview = await compose(bot)
    revoke_admins(services)
    mark = await bot.press(preview, data_of(preview, "ds:"), user=ADMIN_ID)
    answer = next(c for c in bot.emulator.calls[mark:] if c.method == "answerCallbackQuery")
    assert answer.params["text"] == "Only WIEGO admins can do this."
    assert await services.outbox.count() == 0
    assert not [c for c in bot.emulator.calls[mark:] if c.method == "sendMessage" and c.chat_id == 5]


async def test_rights_removed_before_cancelling(bot, services) -> None:
    await subscribe_all(services, [5])
    b = await services.outbox.create(
        created_by=ADMIN_ID, texts={"en": "x"}, default_locale="en", progress_locale="en"
    )
    bot.app.bot.rate_limiter.pause_broadcast(30)  # keep it running
    revoke_admins(services)
    keyboard = await bot.send("/language", user=ADMIN_ID)
    mark = await bot.press(keyboard, f"bcx:{b.id}", user=ADMIN_ID)
    answer = next(c for c in bot.emulator.calls[mark:] if c.method == "answerCallbackQuery")
    assert answer.params["text"] == "Only WIEGO admins can do this."
    assert (await services.outbox.get(b.id)).active


async def test_cancel_and_stale_preview_buttons(bot, services) -> None:
    await subscribe_all(services, [5])
    preview = await compose(bot)
    send = data_of(preview, "ds:")
    reply = await bot.send("/cancel", user=ADMIN_ID)
    assert reply.text == "Stopped. Nothing was changed."
    mark = await bot.press(preview, send, user=ADMIN_ID)
    answer = next(c for c in bot.emulator.calls[mark:] if c.method == "answerCallbackQuery")
    assert answer.params["text"] == "This button is no longer valid."
    # an older preview of the same draft is stale once a newer step happened
    preview = await compose(bot)
    old_send = data_of(preview, "ds:")
    await bot.press(preview, data_of(preview, "dl:"), user=ADMIN_ID)
    mark = await bot.press(preview, old_send, user=ADMIN_ID)
    answer = next(c for c in bot.emulator.calls[mark:] if c.method == "answerCallbackQuery")
    assert answer.params["text"] == "This button is no longer valid."
    assert await services.outbox.count() == 0
    # after /cancel, plain text is not taken as a broadcast text any more
    await bot.send("/cancel", user=ADMIN_ID)
    assert await services.pending.get(ADMIN_ID) is None


async def test_discard_and_nobody_subscribed(bot, services) -> None:
    preview = await compose(bot)
    mark = await bot.press(preview, data_of(preview, "ds:"), user=ADMIN_ID)
    answer = next(c for c in bot.emulator.calls[mark:] if c.method == "answerCallbackQuery")
    assert "Nobody is subscribed" in answer.params["text"]
    mark = await bot.press(preview, data_of(preview, "dd:"), user=ADMIN_ID)
    edit = await bot.emulator.wait_for(lambda c: c.method == "editMessageText", after=mark)
    assert edit.text == "Discarded. Nothing was sent."
    assert await services.outbox.count() == 0


async def test_too_long_text_is_refused(bot, services) -> None:
    await bot.send("/broadcast", user=ADMIN_ID)
    reply = await bot.send("x" * 4097, user=ADMIN_ID)
    assert "too long" in reply.text
    assert (await services.pending.get(ADMIN_ID)).texts == {}


async def test_broadcasts_lists_past_broadcasts_with_pages(bot, services) -> None:
    await subscribe_all(services, [5])
    for n in range(7):
        await services.outbox.create(
            created_by=ADMIN_ID,
            texts={"en": f"Update number {n}"},
            default_locale="en",
            progress_locale="en",
        )
    await bot.emulator.wait_for(
        lambda c: c.method == "sendMessage" and c.chat_id == 5 and "number 6" in c.text
    )
    listing = await bot.send("/broadcasts", user=ADMIN_ID)
    assert "page 1 of 2" in listing.text
    assert "#7" in listing.text and "#3" in listing.text and "#2" not in listing.text
    assert "Update number 6" in listing.text
    mark = await bot.press(listing, data_of(listing, "bcl:"), user=ADMIN_ID)
    page2 = await bot.emulator.wait_for(lambda c: c.method == "editMessageText", after=mark)
    assert "page 2 of 2" in page2.text and "#1" in page2.text and "#3" not in page2.text
    assert [b["callback_data"] for b in page2.buttons] == ["bcl:0"]
