"""/policy through the stand-in Bot API server: versions, the live engine, rights on every step."""

from __future__ import annotations

import dataclasses
import logging

import pytest

from directory.policy.answer import PolicyEngine
from directory.policy.rules import PolicyRules
from tests.conftest import ADMIN_ID, USER_ID

QUESTION = "Can WIEGO fund our project?"


@pytest.fixture
def engine(services) -> PolicyEngine:
    """The live engine the bot answers from."""
    return services.policy


@pytest.fixture
def repo(services, engine) -> PolicyRules:
    return engine.rules


def answer_after(bot, mark: int):
    return next(c for c in bot.emulator.calls[mark:] if c.method == "answerCallbackQuery")


async def after_press(
    bot, message, data: str, *, user: int = ADMIN_ID, method: str = "editMessageText"
):
    mark = await bot.press(message, data, user=user)
    return await bot.emulator.wait_for(
        lambda c: c.method == method and c.chat_id == user, after=mark
    )


async def test_policy_lists_every_rule_for_admins(bot, repo) -> None:
    reply = await bot.send("/policy", user=ADMIN_ID)
    datas = [b["callback_data"] for b in reply.buttons]
    assert datas == [f"pr:{rule.id}" for rule in await repo.current()]
    assert "Funding and grants · No" in [b["text"] for b in reply.buttons]


async def test_rule_view_shows_verdict_and_every_language(bot, repo) -> None:
    listing = await bot.send("/policy", user=ADMIN_ID)
    view = await after_press(bot, listing, "pr:funding")
    rule = await repo.get("funding")
    assert rule is not None
    for lang in ("en", "es", "fr", "pt"):
        assert rule.texts[lang].verdict_line in view.text
    assert "Verdict: No · version 1" in view.text
    datas = [b["callback_data"] for b in view.buttons]
    assert "pv:funding:1" in datas and "pl:funding:es:1" in datas and "ph:funding" in datas


async def test_verdict_edit_creates_a_version_and_offers_a_broadcast(
    bot, repo, engine, caplog
) -> None:
    caplog.set_level(logging.INFO)
    listing = await bot.send("/policy", user=ADMIN_ID)
    menu = await after_press(bot, listing, "pv:funding:1")
    assert [b["callback_data"] for b in menu.buttons][:4] == [
        "ps:funding:no:1",
        "ps:funding:yes:1",
        "ps:funding:sometimes:1",
        "ps:funding:not_applicable:1",
    ]
    saved = await after_press(bot, listing, "ps:funding:sometimes:1")
    assert "Saved as version 2: the verdict is now Sometimes (it was No)." in saved.text
    assert "pb:funding:2" in [b["callback_data"] for b in saved.buttons]
    versions = await repo.versions("funding")
    last = versions[-1]
    assert (last.version, last.who) == (2, f"user:{ADMIN_ID}")
    assert (
        last.before is not None
        and last.before.verdict == "no"
        and last.after.verdict == "sometimes"
    )
    matches, _ = engine.match(QUESTION)
    assert matches[0].rule.id == "funding" and matches[0].rule.verdict == "sometimes"
    # the same press again, from buttons drawn for version 1: refused, nothing new
    mark = await bot.press(listing, "ps:funding:no:1", user=ADMIN_ID)
    assert answer_after(bot, mark).params.get("show_alert") is True
    assert len(await repo.versions("funding")) == 2


async def test_text_edit_in_one_language_is_a_new_version_the_engine_uses(
    bot, repo, engine
) -> None:
    listing = await bot.send("/policy", user=ADMIN_ID)
    parts = await after_press(bot, listing, "pl:funding:es:1")
    assert "pf:funding:es:why:1" in [b["callback_data"] for b in parts.buttons]
    prompt = await after_press(bot, listing, "pf:funding:es:why:1", method="sendMessage")
    old = (await repo.get("funding")).texts["es"].why
    assert old in prompt.text
    new_text = "WIEGO no financia proyectos: es una red, no un donante. 🙂 <i>nuevo</i>"
    preview = await bot.send(new_text, user=ADMIN_ID)
    assert "&lt;i&gt;nuevo&lt;/i&gt;" in preview.text
    confirm = next(
        b["callback_data"] for b in preview.buttons if b["callback_data"].startswith("pk:")
    )
    saved = await after_press(bot, preview, confirm)
    assert "Saved as version 2" in saved.text
    rule = await repo.get("funding")
    assert rule is not None and rule.texts["es"].why == new_text
    assert rule.texts["en"].why != new_text  # other languages untouched
    last = (await repo.versions("funding"))[-1]
    assert (
        last.who == f"user:{ADMIN_ID}"
        and last.before is not None
        and last.before.texts["es"].why == old
    )
    matches, _ = engine.match(QUESTION)
    assert matches[0].rule.text("es").why == new_text
    # replaying the save changes nothing
    mark = await bot.press(preview, confirm, user=ADMIN_ID)
    assert answer_after(bot, mark).params.get("show_alert") is True
    assert len(await repo.versions("funding")) == 2


async def test_text_edit_cancel_and_bad_text(bot, repo) -> None:
    listing = await bot.send("/policy", user=ADMIN_ID)
    await after_press(bot, listing, "pf:funding:en:verdict_line:1", method="sendMessage")
    too_long = await bot.send("x" * 301, user=ADMIN_ID)
    assert too_long.text.startswith("That is too long: 301 characters")
    required = await bot.send("-", user=ADMIN_ID)
    assert required.text.startswith("This part cannot be empty.")
    preview = await bot.send("No: WIEGO has no grants.", user=ADMIN_ID)
    drop = next(b["callback_data"] for b in preview.buttons if b["callback_data"].startswith("px:"))
    cancelled = await after_press(bot, preview, drop)
    assert cancelled.text == "Cancelled. Nothing was changed."
    assert len(await repo.versions("funding")) == 1


async def test_instead_can_be_emptied(bot, repo) -> None:
    listing = await bot.send("/policy", user=ADMIN_ID)
    await after_press(bot, listing, "pf:media:fr:instead:1", method="sendMessage")
    preview = await bot.send("-", user=ADMIN_ID)
    confirm = next(
        b["callback_data"] for b in preview.buttons if b["callback_data"].startswith("pk:")
    )
    await after_press(bot, preview, confirm)
    rule = await repo.get("media")
    assert rule is not None and rule.texts["fr"].instead == "" and rule.version == 2


async def test_an_edit_overtaken_by_another_admin_is_not_saved(bot, repo) -> None:
    listing = await bot.send("/policy", user=ADMIN_ID)
    await after_press(bot, listing, "pf:funding:en:why:1", method="sendMessage")
    preview = await bot.send("A new reason.", user=ADMIN_ID)
    await repo.update_rule("funding", "user:901", verdict="yes")  # someone else, meanwhile
    confirm = next(
        b["callback_data"] for b in preview.buttons if b["callback_data"].startswith("pk:")
    )
    mark = await bot.press(preview, confirm, user=ADMIN_ID)
    answer = answer_after(bot, mark)
    assert answer.params["text"] == "This was changed meanwhile. Here it is as it stands now."
    current = await bot.emulator.wait_for(lambda c: c.method == "editMessageText", after=mark)
    assert "Verdict: Yes · version 2" in current.text  # the rule as it stands, to start again from
    rule = await repo.get("funding")
    assert rule is not None and rule.texts["en"].why != "A new reason." and rule.version == 2
    assert await bot.app.bot_data.services.pending.get(ADMIN_ID) is None


async def test_versions_view(bot, repo) -> None:
    await repo.update_rule("funding", f"user:{ADMIN_ID}", verdict="yes")
    await repo.update_rule("funding", f"user:{ADMIN_ID}", lang="pt", text={"why": "Nova razão."})
    listing = await bot.send("/policy", user=ADMIN_ID)
    view = await after_press(bot, listing, "ph:funding")
    assert "v3 · " in view.text and "Why (pt)" in view.text
    assert "verdict: No → Yes" in view.text and "first version" in view.text


async def test_share_opens_a_broadcast_draft_in_every_language(bot, repo, catalogs) -> None:
    await repo.update_rule("funding", f"user:{ADMIN_ID}", verdict="sometimes")
    listing = await bot.send("/policy", user=ADMIN_ID)
    mark = await bot.press(listing, "pb:funding:2", user=ADMIN_ID)
    preview = await bot.emulator.wait_for(lambda c: c.method == "sendMessage", after=mark)
    rule = await repo.get("funding")
    assert rule is not None
    assert catalogs.translator("en")._("Preview of the broadcast") in preview.text
    for lang in ("en", "es", "fr", "pt"):
        t = catalogs.translator(lang)
        header = t._("WIEGO policy update: %(topic)s", topic=t._("Funding and grants"))
        assert header in preview.text and rule.texts[lang].verdict_line in preview.text, lang
    # the admin reviews it and sends it with the draft's own button
    assert any(b["callback_data"].startswith("ds:") for b in preview.buttons)
    assert "Changed in this version: English, Español, Français, Português." in preview.text


# --- rights on every step -----------------------------------------------------------------------
STEPS = [
    "pa",
    "pr:funding",
    "pv:funding:1",
    "ps:funding:yes:1",
    "pl:funding:es:1",
    "pf:funding:es:why:1",
    "pk:deadbeef:1",
    "px:deadbeef:1",
    "ph:funding",
    "pb:funding:1",
]


async def test_non_admins_are_refused_everywhere(bot, repo, services, caplog) -> None:
    caplog.set_level(logging.WARNING)
    reply = await bot.send("/policy", user=USER_ID)
    assert reply.text == "Only WIEGO admins can do this."
    admin_view = await bot.send("/policy", user=ADMIN_ID)
    for data in STEPS:
        mark = await bot.press(admin_view, data, user=USER_ID)
        answer = answer_after(bot, mark)
        assert (
            answer.params.get("show_alert") is True
            and answer.params["text"] == "Only WIEGO admins can do this."
        ), data
        assert not [
            c for c in bot.emulator.calls[mark:] if c.method in ("editMessageText", "sendMessage")
        ], data
    assert await services.pending.get(USER_ID) is None
    assert len(await repo.versions("funding")) == 1
    assert "policy:set_verdict" in caplog.text and f"user {USER_ID}" in caplog.text


@pytest.mark.parametrize(
    "data",
    [
        "pr:nope",
        "ps:funding:maybe:1",
        "ps:funding:yes:x",
        "pf:funding:xx:why:1",
        "pf:funding:en:links:1",
        "pk:wrong:1",
        "pa:1",
        "pa:0",
        "pv:funding",
        "pl:funding:es",
        "pr:" + "a" * 70,
        "pr:../x",
    ],
)
async def test_forged_presses_are_refused(bot, repo, data: str) -> None:
    view = await bot.send("/policy", user=ADMIN_ID)
    mark = await bot.press(view, data, user=ADMIN_ID)
    assert answer_after(bot, mark).params.get("show_alert") is True
    assert len(await repo.versions("funding")) == 1
    assert not [c for c in bot.emulator.calls[mark:] if c.method == "sendMessage"]


async def test_admin_rights_removed_mid_edit(bot, repo, services) -> None:
    listing = await bot.send("/policy", user=ADMIN_ID)
    await after_press(bot, listing, "pf:funding:en:why:1", method="sendMessage")
    config = services.config
    services.config = dataclasses.replace(config, admins=frozenset())
    try:
        reply = await bot.send("A reason nobody may save.", user=ADMIN_ID)
        assert reply.text == "Only WIEGO admins can do this."
        assert await services.pending.get(ADMIN_ID) is None
    finally:
        services.config = config
    rule = await repo.get("funding")
    assert rule is not None and rule.version == 1


async def test_a_preview_confirmed_after_rights_were_removed_saves_nothing(
    bot, repo, services
) -> None:
    listing = await bot.send("/policy", user=ADMIN_ID)
    await after_press(bot, listing, "pf:funding:en:why:1", method="sendMessage")
    preview = await bot.send("A new reason.", user=ADMIN_ID)
    confirm = next(
        b["callback_data"] for b in preview.buttons if b["callback_data"].startswith("pk:")
    )
    config = services.config
    services.config = dataclasses.replace(config, admins=frozenset())
    try:
        mark = await bot.press(preview, confirm, user=ADMIN_ID)
        assert answer_after(bot, mark).params["text"] == "Only WIEGO admins can do this."
    finally:
        services.config = config
    assert len(await repo.versions("funding")) == 1


async def test_policy_stays_out_of_groups(bot, repo) -> None:
    reply = await bot.send("/policy", user=ADMIN_ID, chat_id=-7, chat_type="group")
    assert reply.text == "This is private: let’s continue in a private chat."
    assert [b["url"] for b in reply.buttons] == [f"https://t.me/{bot.emulator.username}?start=go_policy"]
