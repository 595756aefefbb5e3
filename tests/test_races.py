"""Every state-changing button pressed twice at once, through the stand-in server: the two
presses reach the bot in one batch of updates and are handled concurrently; the work is done
exactly once and the other press is told so."""

from __future__ import annotations

import re

import pytest

from bot.delivery_settings import DeliverySettings
from directory.organizations import Organizations
from tests.conftest import ADMIN_ID, USER_ID

SECOND_ADMIN = 901
ALREADY = "Already done: this was pressed before."
LINK = re.compile(r"start=claim_([A-Za-z0-9_-]+)")
FAST = DeliverySettings(rate=200, global_rate=1000, progress_interval=0.2, idle_poll=1, stop_timeout=3)


@pytest.fixture(autouse=True)
def setup(services) -> None:
    services.delivery = FAST
    services.config = services.config.__class__(
        **{**vars(services.config), "admins": frozenset({ADMIN_ID, SECOND_ADMIN})}
    )


def data_of(reply, prefix: str) -> str:
    return next(b["callback_data"] for b in reply.buttons if b["callback_data"].startswith(prefix))


async def press_at_once(bot, reply, datas: list[str], user: int = ADMIN_ID) -> list[str]:
    """Queue the presses together, then wait for each to be answered; returns the answers."""
    mark = len(bot.emulator.calls)
    message = reply.result
    for data in datas:
        bot.emulator.callback(user, data, message=message, chat_id=message["chat"]["id"])

    def answered() -> list:
        return [c for c in bot.emulator.calls[mark:] if c.method == "answerCallbackQuery"]

    await bot.emulator.wait_for(lambda _c: len(answered()) >= len(datas), after=mark)
    await bot.idle(0.3)  # whatever the presses send after answering
    return [str(c.params.get("text") or "") for c in answered()]


async def count(services, sql: str, *params) -> int:
    return int(await services.db.fetchval(sql, params))


async def test_broadcast_send(bot, services) -> None:
    for uid in (11, 12, 13):
        await services.subscriptions.subscribe(uid, "en")
    await bot.send("/broadcast", user=ADMIN_ID)
    preview = await bot.send("One update.", user=ADMIN_ID)
    answers = await press_at_once(bot, preview, [data_of(preview, "ds:")] * 2)
    assert sorted(answers) == sorted(["Queued.", ALREADY])
    await bot.emulator.wait_for(lambda c: c.chat_id == ADMIN_ID and "finished" in c.text)
    assert await services.outbox.count() == 1
    for uid in (11, 12, 13):
        assert len(bot.emulator.sent(chat_id=uid, method="sendMessage")) == 1


async def test_broadcast_send_and_discard_at_once(bot, services) -> None:
    await services.subscriptions.subscribe(11, "en")
    await bot.send("/broadcast", user=ADMIN_ID)
    preview = await bot.send("One update.", user=ADMIN_ID)
    answers = await press_at_once(bot, preview, [data_of(preview, "ds:"), data_of(preview, "dd:")])
    assert ALREADY in answers  # one of the two acted, the other was told
    sent = await services.outbox.count()
    discarded = any("Discarded" in c.text for c in bot.emulator.calls if c.method == "editMessageText")
    assert (sent, discarded) in ((1, False), (0, True))


async def rule_preview(bot, text: str = "A new reason.", user: int = ADMIN_ID):
    listing = await bot.send("/policy", user=user)
    mark = await bot.press(listing, "pf:funding:en:why:1", user=user)
    await bot.emulator.wait_for(lambda c: c.method == "sendMessage" and c.chat_id == user, after=mark)
    return await bot.send(text, user=user)


async def test_policy_save(bot, services) -> None:
    preview = await rule_preview(bot)
    answers = await press_at_once(bot, preview, [data_of(preview, "pk:")] * 2)
    assert sorted(answers) == sorted(["Saved.", ALREADY])
    assert len(await services.policy.rules.versions("funding")) == 2


async def test_two_admins_saving_the_same_rule(bot, services) -> None:
    first = await rule_preview(bot, "The first reason.", ADMIN_ID)
    second = await rule_preview(bot, "The second reason.", SECOND_ADMIN)
    mark = len(bot.emulator.calls)
    bot.emulator.callback(ADMIN_ID, data_of(first, "pk:"), message=first.result)
    bot.emulator.callback(SECOND_ADMIN, data_of(second, "pk:"), message=second.result)
    await bot.emulator.wait_for(
        lambda _c: sum(1 for c in bot.emulator.calls[mark:] if c.method == "answerCallbackQuery") >= 2,
        after=mark,
    )
    answers = [c.params.get("text") for c in bot.emulator.calls[mark:] if c.method == "answerCallbackQuery"]
    assert sorted(answers) == sorted(["Saved.", "This was changed meanwhile. Here it is as it stands now."])
    versions = await services.policy.rules.versions("funding")
    assert len(versions) == 2  # one saved, no IntegrityError, no apology
    assert versions[-1].after.texts["en"].why in ("The first reason.", "The second reason.")
    assert not [c for c in bot.emulator.calls[mark:] if "Sorry" in c.text]


async def test_set_verdict(bot, services) -> None:
    listing = await bot.send("/policy", user=ADMIN_ID)
    answers = await press_at_once(bot, listing, ["ps:funding:yes:1"] * 2)
    assert sorted(answers) == sorted(["Saved.", ALREADY])
    assert len(await services.policy.rules.versions("funding")) == 2


async def test_tell_the_subscribers(bot, services) -> None:
    listing = await bot.send("/policy", user=ADMIN_ID)
    mark = await bot.press(listing, "ps:funding:sometimes:1", user=ADMIN_ID)
    saved = await bot.emulator.wait_for(lambda c: c.method == "editMessageText", after=mark)
    mark = len(bot.emulator.calls)
    answers = await press_at_once(bot, saved, [data_of(saved, "pb:")] * 2)
    assert ALREADY in answers
    previews = [c for c in bot.emulator.calls[mark:] if "Preview of the broadcast" in c.text]
    assert len(previews) == 1


async def make_editor(bot, org_id: str = "test-alpha", user: int = USER_ID):
    invite = await bot.send(f"/invite {org_id}", user=ADMIN_ID)
    token = LINK.search(invite.text)[1]  # type: ignore[index]
    mark = len(bot.emulator.calls)
    await bot.send(f"/start claim_{token}", user=user)
    return await bot.emulator.wait_for(
        lambda c: c.method == "sendMessage" and c.chat_id == user and bool(c.buttons), after=mark
    )


async def test_claim(bot, services, alpha) -> None:
    invite = await bot.send(f"/invite {alpha}", user=ADMIN_ID)
    token = LINK.search(invite.text)[1]  # type: ignore[index]
    mark = len(bot.emulator.calls)
    for _ in range(2):
        bot.emulator.message(USER_ID, f"/start claim_{token}")
    await bot.emulator.wait_for(
        lambda _c: sum(1 for c in bot.emulator.calls[mark:] if c.buttons and c.chat_id == USER_ID) >= 2,
        after=mark,
    )
    texts = [c.text for c in bot.emulator.calls[mark:] if c.method == "sendMessage" and not c.buttons]
    assert sorted(t.split(" ")[0] for t in texts) == ["Welcome!", "You"]  # "You already edit ..."
    assert await count(services, "SELECT count(*) FROM listing_editors WHERE org_id = ?", alpha) == 1
    assert await count(services, "SELECT count(*) FROM org_changes WHERE field = 'editor'") == 1


async def test_listing_confirm(bot, services, alpha) -> None:
    listing = await make_editor(bot)
    mark = await bot.press(listing, data_of(listing, "le:") .rsplit(":", 1)[0] + ":city")
    await bot.emulator.wait_for(lambda c: c.method == "sendMessage" and c.chat_id == USER_ID, after=mark)
    preview = await bot.send("Cali")
    before = await count(services, "SELECT count(*) FROM org_changes WHERE field = 'city'")
    answers = await press_at_once(bot, preview, [data_of(preview, "lc:")] * 2, user=USER_ID)
    assert sorted(answers) == sorted(["Saved.", ALREADY])
    assert await count(services, "SELECT count(*) FROM org_changes WHERE field = 'city'") == before + 1
    notices = [c for c in bot.emulator.calls if c.chat_id == ADMIN_ID and "was changed by its editor" in c.text]
    assert len(notices) == 1


async def test_listing_confirm_and_cancel_at_once(bot, services, alpha) -> None:
    listing = await make_editor(bot)
    mark = await bot.press(listing, data_of(listing, "le:").rsplit(":", 1)[0] + ":city")
    await bot.emulator.wait_for(lambda c: c.method == "sendMessage" and c.chat_id == USER_ID, after=mark)
    preview = await bot.send("Cali")
    answers = await press_at_once(bot, preview, [data_of(preview, "lc:"), data_of(preview, "lx:")], user=USER_ID)
    assert ALREADY in answers
    org = await services.listings.organizations.get(alpha)
    saved = "Saved." in answers
    assert org is not None and org.city == ("Cali" if saved else "")


async def test_revert(bot, services, alpha) -> None:
    repo = Organizations(services.db)
    org = await repo.get(alpha)
    assert org is not None
    await repo.upsert(org.__class__(**{**vars(org), "city": "Cali"}), "user:5")
    change = (await services.listings.recent_changes(alpha, 1))[0]
    preview = await bot.send(f"/revert {change.id}", user=ADMIN_ID)
    answers = await press_at_once(bot, preview, [data_of(preview, "rv:")] * 2)
    assert sorted(answers) == sorted(["Undone.", ALREADY])
    assert await count(services, "SELECT count(*) FROM org_changes WHERE field = 'city'") == 2


async def test_remove_editor(bot, services, alpha) -> None:
    await make_editor(bot)
    view = await bot.send(f"/editors {alpha}", user=ADMIN_ID)
    answers = await press_at_once(bot, view, [data_of(view, "er:")] * 2)
    assert sorted(answers) == sorted([f"user:{USER_ID} no longer edits this listing.", ALREADY])
    removed = "SELECT count(*) FROM org_changes WHERE field = 'editor' AND new IS NULL"
    assert await count(services, removed) == 1
    assert not await services.listings.is_editor(USER_ID, alpha)


async def test_withdraw_invitation(bot, services, alpha) -> None:
    await bot.send(f"/invite {alpha}", user=ADMIN_ID)
    view = await bot.send(f"/editors {alpha}", user=ADMIN_ID)
    answers = await press_at_once(bot, view, [data_of(view, "ei:")] * 2)
    assert ALREADY in answers
    assert await count(services, "SELECT count(*) FROM org_changes WHERE field = 'invitation'") == 1
