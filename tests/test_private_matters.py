"""Private matters stay private: every admin command, listing editing and invitation links
used in a group answer with one button that opens a private chat with the bot, and nothing
else reaches the group; the button's link runs the same command there."""

from __future__ import annotations

import re

import pytest

from tests.conftest import ADMIN_ID, USER_ID

GROUP = -4242
PRIVATE = "This is private: let’s continue in a private chat."
LINK = re.compile(r"start=claim_([A-Za-z0-9_-]+)")


@pytest.fixture
async def world(services, alpha) -> None:
    """A listing with an editor, a past broadcast, a question nobody answered."""
    invite = await services.listings.create_invite("test-alpha", ADMIN_ID)
    assert invite is not None
    await services.listings.claim(invite.token, USER_ID)
    await services.subscriptions.subscribe(55, "en")
    await services.outbox.create(
        created_by=ADMIN_ID, texts={"en": "Secret broadcast text"}, default_locale="en", progress_locale="en"
    )
    await services.feedback.record_unanswered("someone's private question")


ADMIN_COMMANDS = [
    ("/unanswered", "go_unanswered"),
    ("/broadcasts", "go_broadcasts"),
    ("/broadcast", "go_broadcast"),
    ("/history test-alpha", "go_history_test-alpha"),
    ("/editors test-alpha", "go_editors_test-alpha"),
    ("/invite test-alpha", "go_invite_test-alpha"),
    ("/revert 1", "go_revert_1"),
    ("/policy", "go_policy"),
]


async def in_group(bot, text: str, user: int):
    """Send in the group; returns every message the bot sent there afterwards."""
    mark = len(bot.emulator.calls)
    await bot.send(text, user=user, chat_id=GROUP, chat_type="group")
    await bot.idle(0.3)
    return [c for c in bot.emulator.calls[mark:] if c.chat_id == GROUP and c.method != "sendChatAction"]


@pytest.mark.parametrize(("command", "payload"), ADMIN_COMMANDS)
async def test_admin_commands_in_a_group_only_offer_a_private_chat(bot, world, services, command, payload) -> None:
    sent = await in_group(bot, command, ADMIN_ID)
    assert [c.text for c in sent] == [PRIVATE]
    assert sent[0].buttons == [
        {"text": "🔒 Open a private chat", "url": f"https://t.me/{bot.emulator.username}?start={payload}"}
    ]
    assert await services.pending.get(ADMIN_ID) is None  # /broadcast started nothing there
    assert await services.db.fetchval("SELECT count(*) FROM listing_invites") == 1  # /invite made none


@pytest.mark.parametrize(("command", "payload"), ADMIN_COMMANDS)
async def test_the_private_chat_button_runs_the_command(bot, world, command, payload) -> None:
    reply = await bot.send(f"/start {payload}", user=ADMIN_ID)
    assert reply.text != PRIVATE and "Hello!" not in reply.text
    assert reply.chat_id == ADMIN_ID


@pytest.mark.parametrize("command", [c for c, _ in ADMIN_COMMANDS])
async def test_strangers_are_refused_in_groups_too(bot, world, command) -> None:
    sent = await in_group(bot, command, 777)
    assert [c.text for c in sent] == ["Only WIEGO admins can do this."]


@pytest.mark.parametrize("command", ["/mylisting", "/subscribe", "/forget"])
async def test_member_matters_in_a_group_only_offer_a_private_chat(bot, world, services, command) -> None:
    sent = await in_group(bot, command, USER_ID)
    assert [c.text for c in sent] == [PRIVATE]
    assert await services.subscriptions.is_subscribed(USER_ID) is False


async def test_a_claim_link_opened_in_a_group_claims_nothing_and_repeats_no_token(bot, world, services) -> None:
    invite = await services.listings.create_invite("test-alpha", ADMIN_ID)
    assert invite is not None
    sent = await in_group(bot, f"/start claim_{invite.token}", 888)
    assert len(sent) == 1 and invite.token not in repr(sent[0].params)
    assert sent[0].buttons == [{"text": "🔒 Open a private chat", "url": f"https://t.me/{bot.emulator.username}"}]
    assert not await services.listings.is_editor_anywhere(888)
    # it still works where it belongs
    await bot.send(f"/start claim_{invite.token}", user=888)
    assert await services.listings.is_editor(888, "test-alpha")


async def test_admin_and_editor_buttons_pressed_in_a_group_do_nothing(bot, world, services) -> None:
    message = await bot.send("/ask Can WIEGO fund us?", user=ADMIN_ID, chat_id=GROUP, chat_type="group")
    num = await services.listings.num_of("test-alpha")
    for user, data in [(ADMIN_ID, "pa"), (ADMIN_ID, "pr:funding"), (ADMIN_ID, "bcl:0"), (USER_ID, f"lm:{num}")]:
        mark = len(bot.emulator.calls)
        bot.emulator.callback(user, data, message=message.result, chat_id=GROUP)
        answer = await bot.emulator.wait_for(lambda c: c.method == "answerCallbackQuery", after=mark)
        assert answer.params["text"] == "Please do this in a private chat with me.", data
        await bot.idle(0.2)
        assert not [c for c in bot.emulator.calls[mark:] if c.chat_id == GROUP and c.method != "answerCallbackQuery"]


async def test_the_help_and_menus_still_list_admin_commands_privately(bot, world) -> None:
    admin = await bot.send("/help", user=ADMIN_ID)
    assert "/editors" in admin.text and "/unanswered" in admin.text
    stranger = await bot.send("/help", user=777)
    assert "/editors" not in stranger.text
