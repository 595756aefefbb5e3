"""Privacy: a row only for people who address the bot; /forget says exactly what it removed and
leaves the listing history without the person's id."""

from __future__ import annotations

import time

from bot.privacy import forgotten_text
from directory.listing_fields import parse_field
from directory.users import Forgotten
from tests.conftest import ADMIN_ID, USER_ID

GROUP = -1001


async def _settle(bot, services) -> None:
    await bot.idle(0.6)
    await services.db.writer.flush(timeout=5)


async def _users(services) -> set[int]:
    return {int(r[0]) for r in await services.db.fetchall("SELECT id FROM users")}


def _group_chat() -> dict[str, object]:
    return {"id": GROUP, "type": "supergroup", "title": "Vendors"}


async def test_no_row_for_people_who_never_addressed_the_bot(bot, services) -> None:
    emulator = bot.emulator
    emulator.message(201, "hello everyone, market meeting at 5", chat_id=GROUP, chat_type="supergroup")
    emulator.push(
        {
            "message_reaction": {
                "chat": _group_chat(),
                "message_id": 1,
                "user": emulator.user(202),
                "date": int(time.time()),
                "old_reaction": [],
                "new_reaction": [{"type": "emoji", "emoji": "👍"}],
            }
        }
    )
    member = emulator.user(203)
    emulator.push(
        {
            "chat_member": {
                "chat": _group_chat(),
                "from": member,
                "date": int(time.time()),
                "old_chat_member": {"user": member, "status": "left"},
                "new_chat_member": {"user": member, "status": "member"},
            }
        }
    )
    emulator.inline_query(204, "waste pickers")
    await _settle(bot, services)
    assert await _users(services) == set()
    await bot.send("/help", user=205, chat_id=GROUP, chat_type="supergroup")  # a command: yes
    await bot.send("Can WIEGO fund us?", user=206)  # a private message: yes
    await _settle(bot, services)
    assert await _users(services) == {205, 206}


async def test_forget_anonymizes_the_listing_history_and_says_what_went(bot, services, catalogs) -> None:
    listings = services.listings
    invite = await listings.create_invite("kenasvit", created_by=ADMIN_ID)
    assert invite is not None
    await listings.claim(invite.token, USER_ID, "fr")
    await listings.apply("kenasvit", parse_field("city", "Nakuru Town"), USER_ID)
    await listings.apply("kenasvit", parse_field("website", "https://kenasvit.example.org"), USER_ID)
    await bot.send("/subscribe", lang="fr")
    ask = await bot.send("/forget", lang="fr")
    mark = await bot.press(ask, "fgt:yes", lang="fr")
    done = await bot.emulator.wait_for(lambda c: c.method == "editMessageText", after=mark)
    t = catalogs.translator("fr")
    expected = Forgotten(
        had_row=True,
        language=False,
        subscription=True,
        listings=("Kenya National Alliance of Street Vendors and Informal Traders",),
        pending_updates=0,
        history_changes=2,
    )
    assert done.text == forgotten_text(t, expected)
    assert "Kenya National Alliance" in done.text and "2" in done.text
    db = services.db
    named = "SELECT count(*) FROM org_changes WHERE who = ?1 OR old = ?1 OR new = ?1"
    assert await db.fetchval(named, (f"user:{USER_ID}",)) == 0
    rows = await db.fetchall("SELECT field, new, who FROM org_changes WHERE org_id = 'kenasvit' AND field != '*'")
    assert [(r["field"], r["new"], r["who"]) for r in rows] == [
        ("editor", "former-editor", "former-editor"),  # they joined as an editor: not named either
        ("city", "Nakuru Town", "former-editor"),  # the change stays, for the listing's sake
        ("website", "https://kenasvit.example.org", "former-editor"),
    ]
    assert await db.fetchval("SELECT count(*) FROM listing_editors WHERE user_id = ?", (USER_ID,)) == 0
    history = await bot.send("/history kenasvit", user=ADMIN_ID)
    assert "a former editor" in history.text and f"user:{USER_ID}" not in history.text


async def test_forget_with_nothing_stored_says_so(services, catalogs) -> None:
    gone = await services.users.forget(777)  # never wrote to the bot
    assert gone == Forgotten(False, False, False, (), 0, 0)
    t = catalogs.translator("es")
    assert forgotten_text(t, gone).startswith(t._("The bot stored nothing about you, so nothing was deleted."))


async def test_forget_drops_the_subject_a_follow_up_would_continue(bot, services, catalogs) -> None:
    question = "Are there organizations of domestic workers in Ghana?"
    await bot.send(question)
    followed = await bot.send("and in Kenya?")  # a follow-up: domestic workers, in Kenya
    assert "KUDHEIHA" in followed.text and "KENASVIT" not in followed.text
    assert services.subjects.get(USER_ID) is not None
    ask = await bot.send("/forget")
    mark = await bot.press(ask, "fgt:yes")
    done = await bot.emulator.wait_for(lambda c: c.method == "editMessageText", after=mark)
    assert catalogs.translator("en")._("the subject of your last question, kept for follow-ups") in done.text
    assert services.subjects.get(USER_ID) is None
    after = await bot.send("and in Kenya?")  # nothing to follow: Kenya, every sector
    assert "KENASVIT" in after.text
