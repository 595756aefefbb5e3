"""Questions through the stand-in server: policy answers, referrals, feedback, groups."""

from __future__ import annotations

import re

import pytest

from tests.conftest import ADMIN_ID, USER_ID


async def test_private_question_gets_verdict_links_and_referrals(bot, services, monkeypatch) -> None:
    from bot.handlers import ask

    monkeypatch.setattr(ask, "TYPING_AFTER", 0.0)  # show "typing…" however fast the answer is
    mark = len(bot.emulator.calls)
    reply = await bot.send("Can WIEGO connect me with street vendors in Ghana for interviews?", lang="fr")
    rule = await services.policy.rules.get("access_to_workers")
    assert rule is not None
    assert rule.text("fr").verdict_line in reply.text
    assert "IHVAG" in reply.text or "GAMA" in reply.text
    assert reply.params.get("reply_parameters"), "the answer quotes the question"
    typing = [i for i, c in enumerate(bot.emulator.calls[mark:]) if c.method == "sendChatAction"]
    answer_at = next(i for i, c in enumerate(bot.emulator.calls[mark:]) if c.method == "sendMessage")
    assert typing and typing[0] < answer_at
    assert bot.emulator.calls[mark + typing[0]].params["action"] == "typing"
    assert any(b["callback_data"].startswith("m:") for b in reply.buttons)


async def test_more_continues_past_the_cards_shown(bot, services) -> None:
    reply = await bot.send("How do I get access to waste pickers in India for my study?")
    answer = await services.policy.answer("How do I get access to waste pickers in India for my study?")
    shown = answer.organizations[:3]
    assert all(o.name in reply.text for o in shown)
    more = next(b["callback_data"] for b in reply.buttons if b["callback_data"].startswith("m:"))
    mark = await bot.press(reply, more)
    results = await bot.emulator.wait_for(lambda c: c.method == "sendMessage", after=mark)
    headings = re.findall(r"<b>\d+\. ([^<]+)</b>", results.text)
    assert headings and not any(o.name in heading for o in shown for heading in headings), "never the same three"
    assert answer.organizations[3].name in headings[0]
    assert "<b>4. " in results.text, "numbering goes on from the cards of the answer"
    seen = {b["callback_data"].split(":")[1] for b in results.buttons if b["callback_data"].startswith("o:")}
    assert seen and not seen & {o.id for o in shown}


@pytest.mark.parametrize(
    ("lang", "question"),
    [
        ("en", "Can WIEGO give my organization a grant?"),
        ("es", "¿WIEGO financia proyectos comunitarios?"),
        ("fr", "WIEGO accorde-t-il des financements aux associations ?"),
        ("pt", "A WIEGO oferece financiamento para ONGs?"),
    ],
)
async def test_answer_in_the_users_language_whatever_the_question_language(
    bot, services, lang: str, question: str
) -> None:
    rule = await services.policy.rules.get("funding")
    assert rule is not None
    for user_lang in ("en", "pt"):
        reply = await bot.send(question, lang=user_lang, user=USER_ID + len(question))
        assert rule.text(user_lang).verdict_line in reply.text


async def test_off_topic_is_refused_honestly_and_recorded(bot, services, catalogs) -> None:
    reply = await bot.send("What is the capital of France?")
    t = catalogs.translator("en")
    assert t._("I found nothing in WIEGO’s policy about this, so I won’t guess.") in reply.text
    assert "d" in [b["callback_data"] for b in reply.buttons]
    unanswered = await services.feedback.recent_unanswered()
    assert [e.question for e in unanswered] == ["What is the capital of France?"]


async def test_feedback_is_stored_without_user_id(bot, services) -> None:
    question = "Does WIEGO offer internships?"
    reply = await bot.send(question)
    bad = next(
        b["callback_data"]
        for b in reply.buttons
        if b["callback_data"].endswith(":0") and b["callback_data"].startswith("fb:")
    )
    mark = await bot.press(reply, bad)
    edit = await bot.emulator.wait_for(lambda c: c.method == "editMessageReplyMarkup", after=mark)
    assert not any(b["callback_data"].startswith("fb:") for b in edit.buttons)
    rows = await services.feedback.recent_unhelpful()
    assert [(e.question, e.rule_id) for e in rows] == [(question, "internship")]
    columns = [r[1] for r in await services.db.fetchall("PRAGMA table_info(policy_feedback)")]
    assert not any("user" in c for c in columns)
    assert str(USER_ID) not in repr(await services.db.fetchall("SELECT * FROM policy_feedback"))


@pytest.mark.parametrize(
    "data", ["fb:not_a_rule:1", "fb:funding:7", "fb:funding", "fb::1", "r:made_up", "r:"]
)
async def test_forged_feedback_and_rule_buttons(bot, services, data: str) -> None:
    reply = await bot.send("Does WIEGO offer internships?")
    mark = await bot.press(reply, data)
    answer = next(c for c in bot.emulator.calls[mark:] if c.method == "answerCallbackQuery")
    assert answer.params.get("show_alert") is True
    assert await services.feedback.recent_unhelpful() == []


async def test_feedback_on_a_message_without_question_is_refused(bot, services) -> None:
    mark = len(bot.emulator.calls)
    bot.emulator.callback(USER_ID, "fb:funding:0", message=None)
    answer = await bot.emulator.wait_for(lambda c: c.method == "answerCallbackQuery", after=mark)
    assert answer.params.get("show_alert") is True
    assert await services.feedback.recent_unhelpful() == []


async def test_groups_only_answer_ask(bot, services) -> None:
    emulator = bot.emulator
    mark = len(emulator.calls)
    emulator.message(USER_ID, "Can WIEGO give us a grant?", chat_id=-500, chat_type="group")
    reply = await bot.send("/ask Can WIEGO give us a grant?", chat_id=-500, chat_type="group")
    rule = await services.policy.rules.get("funding")
    assert rule is not None and rule.text("en").verdict_line in reply.text
    assert len([c for c in emulator.calls[mark:] if c.method == "sendMessage" and c.chat_id == -500]) == 1


async def test_ask_without_question_explains(bot, catalogs) -> None:
    reply = await bot.send("/ask", lang="es")
    assert reply.text == catalogs.translator("es")._(
        "Write your question after /ask, for example: /ask Can WIEGO fund our project?"
    )


async def test_unanswered_is_for_admins(bot, catalogs) -> None:
    await bot.send("tell me a joke about cats")
    refused = await bot.send("/unanswered")
    assert refused.text == catalogs.translator("en")._("Only WIEGO admins can do this.")
    listing = await bot.send("/unanswered", user=ADMIN_ID)
    assert "tell me a joke about cats" in listing.text


async def test_a_4096_character_question_is_answered(bot) -> None:
    reply = await bot.send(("Can WIEGO fund us? " * 300)[:4096])
    assert reply.text and len(reply.text) <= 4096
