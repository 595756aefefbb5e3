"""Flood control, unsupported updates, group noise, unknown commands: never a crash."""

from __future__ import annotations

import time
import tracemalloc
from typing import Any

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from bot.flood import FloodControl, Verdict
from tests.conftest import USER_ID
from tests.test_policy_asks import engine


def test_flood_control_notifies_once_then_ignores_then_forgives() -> None:
    now = [1000.0]
    flood = FloodControl(per_minute=3, cooldown=30, clock=lambda: now[0])
    assert [flood.check(1) for _ in range(3)] == [Verdict.OK] * 3
    assert flood.check(1) is Verdict.NOTIFY
    assert flood.check(1) is Verdict.IGNORE
    assert flood.check(2) is Verdict.OK, "other users are unaffected"
    now[0] += 31
    assert flood.check(1) is Verdict.OK


def test_flood_window_slides() -> None:
    now = [0.0]
    flood = FloodControl(per_minute=2, cooldown=30, clock=lambda: now[0])
    for _ in range(10):
        assert flood.check(1) is Verdict.OK
        now[0] += 31  # two a minute, never more


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(min_value=1, max_value=4), st.sampled_from([0.0, 0.5, 5.0, 20.0, 31.0, 59.9, 61.0])),
        max_size=400,
    )
)
@example([(1, 0.0)] * 3 + [(2, 31.0), (3, 0.0), (4, 0.0), (1, 0.0)])  # 1 is still in its minute
@example([(2, 0.0)] + [(4, 0.0)] * 4 + [(1, 31.0), (4, 0.0)])  # 4's mute ran out before a sweep
def test_forgetting_silent_users_changes_no_verdict(events: list[tuple[int, float]]) -> None:
    """The table is swept of users silent for a minute (memory stays flat with many users):
    every verdict is the one a table that forgets nothing gives."""
    now = [0.0]
    swept = FloodControl(per_minute=3, cooldown=30, clock=lambda: now[0], sweep_from=2)
    kept = FloodControl(per_minute=3, cooldown=30, clock=lambda: now[0], sweep_from=10**9)
    for user, wait in events:
        now[0] += wait
        assert swept.check(user) is kept.check(user)
    assert set(swept._recent) <= set(kept._recent)


def test_many_one_message_users_leave_a_small_table() -> None:
    now = [0.0]
    flood = FloodControl(clock=lambda: now[0])
    for user in range(20_000):
        now[0] += 0.05  # 20 new people a second, each writing once
        flood.check(user)
    assert len(flood._recent) < 2_500, "only the last minute's people (1,200) and at most as many again"


async def test_flooding_user_gets_one_notice(bot, services, catalogs) -> None:
    services.flood.per_minute = 3
    emulator = bot.emulator
    for _ in range(3):
        await bot.send("/cancel")
    mark = len(emulator.calls)
    for _ in range(5):
        emulator.message(USER_ID, "/cancel")
    other = await bot.send("/cancel", user=USER_ID + 1)
    assert other.text == catalogs.translator("en")._("Nothing to cancel.")
    await bot.idle(0.5)
    replies = [c.text for c in emulator.calls[mark:] if c.method == "sendMessage" and c.chat_id == USER_ID]
    notice = catalogs.translator("en")._(
        "You are sending messages faster than I can answer. Please wait a minute, then try again."
    )
    assert replies == [notice]


async def test_photo_sticker_voice_get_a_text_only_answer(bot, catalogs) -> None:
    emulator = bot.emulator
    t = catalogs.translator("fr")
    sticker = {
        "file_id": "x",
        "file_unique_id": "y",
        "width": 1,
        "height": 1,
        "is_animated": False,
        "is_video": False,
        "type": "regular",
    }
    cases: list[tuple[str, dict[str, Any]]] = [
        ("Thank you for the sticker! I can only read text.", {"sticker": sticker}),
        (
            "Thank you for the voice message! I can only read text, so I cannot listen to it.",
            {"voice": {"file_id": "v", "file_unique_id": "w", "duration": 2}},
        ),
        (
            "Thank you! I can only read text, so I cannot see pictures or videos.",
            {"photo": [{"file_id": "p", "file_unique_id": "q", "width": 1, "height": 1}]},
        ),
    ]
    for first, extra in cases:
        mark = len(emulator.calls)
        emulator.push(
            {
                "message": {
                    "message_id": 99,
                    "date": int(time.time()),
                    "chat": {"id": 77, "type": "private", "first_name": "A"},
                    "from": {"id": 77, "is_bot": False, "first_name": "A", "language_code": "fr"},
                    **extra,
                }
            }
        )
        reply = await emulator.wait_for(lambda c: c.method == "sendMessage" and c.chat_id == 77, after=mark)
        assert reply.text.startswith(t._(first) + "\n")
        assert "/help" in reply.text


async def test_edited_messages_channel_posts_and_group_noise_are_ignored(bot) -> None:
    emulator = bot.emulator
    mark = len(emulator.calls)
    chat = {"id": -100, "type": "channel", "title": "c"}
    emulator.push({"channel_post": {"message_id": 1, "date": 0, "chat": chat, "text": "hello"}})
    emulator.push(
        {
            "edited_message": {
                "message_id": 1,
                "date": 0,
                "edit_date": 1,
                "chat": {"id": 5, "type": "private", "first_name": "A"},
                "from": {"id": 5, "is_bot": False, "first_name": "A"},
                "text": "edited",
            }
        }
    )
    emulator.message(6, "can wiego fund us?", chat_id=-200, chat_type="group")
    emulator.message(6, "/unknowncommand", chat_id=-200, chat_type="group")
    # a marker to know the bot has processed the updates above
    reply = await bot.send("/cancel", user=7)
    assert reply.chat_id == 7
    assert [c for c in emulator.calls[mark:] if c.method == "sendMessage" and c.chat_id != 7] == []


async def test_unknown_command_in_private(bot, catalogs) -> None:
    reply = await bot.send("/frobnicate now", lang="pt")
    assert reply.text == catalogs.translator("pt")._("I don’t know that command. /help lists what I can do.")


async def test_callback_for_a_forgotten_message(bot, catalogs) -> None:
    emulator = bot.emulator
    mark = len(emulator.calls)
    emulator.callback(USER_ID, "zz:unknown:stuff", message=None)
    answer = await emulator.wait_for(lambda c: c.method == "answerCallbackQuery", after=mark)
    assert answer.params["text"] == catalogs.translator("en")._("This button is no longer valid.")


def test_a_word_longer_than_any_known_word_builds_no_typo_deletions() -> None:
    """A black-box tester's 4,000-letter word made the typo search build every two-letter
    deletion (length cubed: 24 GB, then the kernel killed the bot). Two edits change a length
    by two at most, so a longer word is near nothing known and nothing is built for it."""
    from directory.phrases import Typos, _deletions

    typos = Typos(["vendors", "waste", "pickers"], two_edits_from=6)
    assert typos.candidates("vendorss") == ("vendors",)  # typos still forgiven
    before = _deletions.cache_info().misses
    assert typos.candidates("v" + "endorsx" * 9) == ()
    assert typos.candidates("pickersxxx") == ()  # three letters too long: nothing, nothing built
    assert _deletions.cache_info().misses == before


@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.large_base_example])
@given(st.text(alphabet=st.characters(whitelist_categories=("Ll", "Lu", "Lo")), min_size=1000, max_size=1200))
def test_one_long_run_of_letters_is_answered_within_bounded_memory(word: str) -> None:
    """Any script, a thousand letters with no space: the reading's memory stays bounded
    (tracemalloc's peak; it was about a gigabyte before the fix, so a regression fails here
    instead of exhausting the machine, as 4,000 letters would). Longer words take the same
    path as the test above shows: no deletion is built for them at all."""
    reader = engine()
    reader.asked("warm up: can you fund us?")
    tracemalloc.start()
    try:
        reader.asked(word)
        reader.asked(" ".join([word[:800]] * 5))
        _size, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 64 * 1024 * 1024
