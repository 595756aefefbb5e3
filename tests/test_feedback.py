"""👍 / 👎 under answers through the stand-in server: one vote per answer and person, no user
id stored, every press answered (even under flood control), forged votes refused."""

from __future__ import annotations

import pytest

from tests.conftest import USER_ID

QUESTION = "Does WIEGO offer internships?"


def vote(reply, helpful: int) -> str:
    return next(
        b["callback_data"]
        for b in reply.buttons
        if b["callback_data"].startswith("fb:") and b["callback_data"].endswith(f":{helpful}")
    )


def answer_after(bot, mark: int):
    return next(c for c in bot.emulator.calls[mark:] if c.method == "answerCallbackQuery")


async def votes(services) -> list[tuple]:
    rows = await services.db.fetchall("SELECT question, rule_id, helpful, vote_key FROM policy_feedback")
    return [tuple(r) for r in rows if r["helpful"] is not None]


async def test_one_vote_per_answer_and_person_changed_by_pressing_again(bot, services) -> None:
    reply = await bot.send(QUESTION)
    for _ in range(5):  # five presses of one 👎 store one row
        await bot.press(reply, vote(reply, 0))
    stored = await votes(services)
    assert [(q, r, h) for q, r, h, _ in stored] == [(QUESTION, "internship", 0)]
    mark = await bot.press(reply, vote(reply, 0))
    assert answer_after(bot, mark).params["text"] == "You already said so: thank you."
    mark = await bot.press(reply, vote(reply, 1))  # a change of mind changes the vote
    edit = await bot.emulator.wait_for(lambda c: c.method == "editMessageReplyMarkup", after=mark)
    assert [b["text"] for b in edit.buttons if b["callback_data"].startswith("fb:")] == [
        "✓ 👍 Helpful",
        "👎 Not helpful",
    ]
    assert [(q, r, h) for q, r, h, _ in await votes(services)] == [(QUESTION, "internship", 1)]
    assert (await services.feedback.recent_unhelpful()) == []


async def test_no_user_id_is_stored(bot, services) -> None:
    reply = await bot.send(QUESTION)
    await bot.press(reply, vote(reply, 0))
    columns = [r[1] for r in await services.db.fetchall("PRAGMA table_info(policy_feedback)")]
    assert not any("user" in c for c in columns)
    values = [v for row in await services.db.fetchall("SELECT * FROM policy_feedback") for v in tuple(row)]
    assert USER_ID not in values and str(USER_ID) not in values


async def test_each_person_in_a_group_has_a_vote(bot, services) -> None:
    reply = await bot.send(f"/ask {QUESTION}", chat_id=-300, chat_type="group")
    for user in (USER_ID, USER_ID + 1, USER_ID + 1):
        mark = len(bot.emulator.calls)
        bot.emulator.callback(user, vote(reply, 0), message=reply.result, chat_id=-300)
        await bot.emulator.wait_for(lambda c: c.method == "answerCallbackQuery", after=mark)
    assert len(await votes(services)) == 2
    assert len({key for *_, key in await votes(services)}) == 2
    # the group's message is shared: nobody's vote is marked on it
    assert not [c for c in bot.emulator.calls if c.method == "editMessageReplyMarkup"]


@pytest.mark.parametrize(
    "data", ["fb:not_a_rule:1", "fb:funding:7", "fb:funding", "fb::1", "fb:funding:1:2", "r:made_up", "r:"]
)
async def test_forged_feedback_and_rule_buttons(bot, services, data: str) -> None:
    reply = await bot.send(QUESTION)
    mark = await bot.press(reply, data)
    assert answer_after(bot, mark).params.get("show_alert") is True
    assert await votes(services) == []


async def test_feedback_on_a_message_without_question_is_refused(bot, services) -> None:
    mark = len(bot.emulator.calls)
    bot.emulator.callback(USER_ID, "fb:funding:0", message=None)
    answer = await bot.emulator.wait_for(lambda c: c.method == "answerCallbackQuery", after=mark)
    assert answer.params.get("show_alert") is True
    assert await votes(services) == []


async def test_every_press_is_answered_under_flood_control(bot, services) -> None:
    reply = await bot.send(QUESTION)
    services.flood.per_minute = 2
    mark = len(bot.emulator.calls)
    for n in range(12):  # a burst of presses from one person
        bot.emulator.callback(USER_ID, vote(reply, n % 2), message=reply.result)
    await bot.emulator.wait_for(
        lambda c: sum(1 for x in bot.emulator.calls[mark:] if x.method == "answerCallbackQuery") >= 12,
        after=mark,
    )
    answers = [c for c in bot.emulator.calls[mark:] if c.method == "answerCallbackQuery"]
    assert len(answers) == 12
    assert len({c.params["callback_query_id"] for c in answers}) == 12
    assert len(await votes(services)) == 1


async def test_after_a_thumbs_down_what_they_looked_for_is_kept_with_the_vote(bot, services) -> None:
    reply = await bot.send(QUESTION)
    mark = await bot.press(reply, vote(reply, 0))
    asked = await bot.emulator.wait_for(lambda c: c.method == "sendMessage", after=mark)
    assert asked.text.startswith("What were you looking for?")
    thanks = await bot.send("a paid placement with a waste pickers' union in Accra")
    assert thanks.text == "Thank you: we will use it to improve the answers."
    [entry] = await services.feedback.recent_unhelpful()
    assert (entry.question, entry.helpful) == (QUESTION, False)
    assert entry.reason == "a paid placement with a waste pickers' union in Accra"
    values = [v for row in await services.db.fetchall("SELECT * FROM policy_feedback") for v in tuple(row)]
    assert USER_ID not in values and str(USER_ID) not in values
    again = await bot.send(QUESTION)  # the question was answered once: the chat is back to normal
    assert any(b["callback_data"].startswith("fb:") for b in again.buttons)


async def test_the_reason_can_be_skipped_and_a_thumbs_up_asks_nothing(bot, services) -> None:
    reply = await bot.send(QUESTION)
    mark = await bot.press(reply, vote(reply, 0))
    await bot.emulator.wait_for(lambda c: c.method == "sendMessage", after=mark)
    await bot.send("/cancel")
    answered = await bot.send(QUESTION)
    assert any(b["callback_data"].startswith("fb:") for b in answered.buttons), "answered, not kept"
    assert [e.reason for e in await services.feedback.recent_unhelpful()] == [None]
    mark = await bot.press(answered, vote(answered, 1))
    await bot.idle(0.2)
    assert not [c for c in bot.emulator.calls[mark:] if c.method == "sendMessage"]


async def test_a_hostile_reason_is_cleaned_and_clipped_not_refused(bot, services) -> None:
    from directory.policy.feedback import REASON_MAX_CHARS

    reply = await bot.send(QUESTION)
    mark = await bot.press(reply, vote(reply, 0))
    await bot.emulator.wait_for(lambda c: c.method == "sendMessage", after=mark)
    hostile = "busco\x00 prácticas\u202e pagadas 🙏 " + "ñ" * 4000
    thanks = await bot.send(hostile)
    assert thanks.text == "Thank you: we will use it to improve the answers."
    [entry] = await services.feedback.recent_unhelpful()
    assert entry.reason is not None and len(entry.reason) <= REASON_MAX_CHARS
    assert entry.reason.startswith("busco prácticas pagadas 🙏")
    assert "\x00" not in entry.reason and "\u202e" not in entry.reason
