"""Not only text, through the stand-in server: voice notes, photos, stickers, documents and
videos get a kind reply in the user's language; a shared location gets the nearest
organizations and says which country it understood."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from bot.offline import SAMPLE_ATTACHMENTS, ApiCall, location_fields
from tests.conftest import USER_ID

LANGS = ["en", "es", "fr", "pt"]
FIRST_LINES = {
    "voice": "Thank you for the voice message! I can only read text, so I cannot listen to it.",
    "audio": "Thank you for the voice message! I can only read text, so I cannot listen to it.",
    "video_note": "Thank you for the voice message! I can only read text, so I cannot listen to it.",
    "photo": "Thank you! I can only read text, so I cannot see pictures or videos.",
    "video": "Thank you! I can only read text, so I cannot see pictures or videos.",
    "sticker": "Thank you for the sticker! I can only read text.",
    "document": "Thank you! I can only read text, so I cannot open files.",
}
SECOND_LINE = (
    "Please write your question in a few words, for example “street vendors in Kenya”, "
    "or share a location to see the nearest organizations. /help shows what I can do."
)


async def send(
    bot: Any, fields: dict[str, Any], *, lang: str = "en", chat_id: int | None = None, user: int = USER_ID
) -> ApiCall:
    mark = len(bot.emulator.calls)
    bot.emulator.attachment(user, fields, language_code=lang, chat_id=chat_id)
    target = chat_id if chat_id is not None else user
    return await bot.emulator.wait_for(
        lambda c: c.method == "sendMessage" and c.chat_id == target, after=mark, timeout=30
    )


@pytest.mark.parametrize("kind", sorted(SAMPLE_ATTACHMENTS))
@pytest.mark.parametrize("lang", LANGS)
async def test_a_kind_reply_in_the_users_language(bot, catalogs, kind: str, lang: str) -> None:
    reply = await send(bot, SAMPLE_ATTACHMENTS[kind], lang=lang)
    t = catalogs.translator(lang)
    assert reply.text == t._(FIRST_LINES[kind]) + "\n" + t._(SECOND_LINE)
    assert "/help" in reply.text


async def test_attachments_in_groups_are_left_alone(bot) -> None:
    mark = len(bot.emulator.calls)
    bot.emulator.attachment(USER_ID, SAMPLE_ATTACHMENTS["photo"], chat_id=-300, chat_type="group")
    bot.emulator.attachment(USER_ID, location_fields(-1.29, 36.82), chat_id=-300, chat_type="group")
    await asyncio.sleep(1.0)
    assert not [c for c in bot.emulator.calls[mark:] if c.method == "sendMessage"]


@pytest.mark.parametrize("lang", LANGS)
async def test_a_location_gets_the_nearest_organizations(bot, catalogs, lang: str) -> None:
    t = catalogs.translator(lang)
    reply = await send(bot, location_fields(-1.2864, 36.8172), lang=lang)  # Nairobi
    head = t._(
        "Near %(city)s, %(country)s: the nearest organizations", city="Nairobi", country=t.country("KE")
    )
    assert head in reply.text
    assert reply.text.index("KENASVIT") < reply.text.index("KIWAPWA")  # Nakuru before Kisumu
    assert t._("About %(km)s km away", km=t.number(137)) in reply.text  # Nakuru, by road less
    assert "SEWA" not in reply.text
    more = next(b for b in reply.buttons if b["callback_data"].startswith("m:"))
    assert t.country("KE") in more["text"]
    mark = await bot.press(reply, more["callback_data"], lang=lang)
    listing = await bot.emulator.wait_for(lambda c: c.method == "sendMessage", after=mark)
    assert "KENASVIT" in listing.text
    heading = listing.text.split("\n")[0]
    assert heading == "<b>" + t.ngettext("%(n)s organization found", "%(n)s organizations found", 5) + "</b>"


async def test_the_nearest_organizations_may_be_across_a_border(bot, catalogs) -> None:
    reply = await send(bot, location_fields(5.3600, -4.0083))  # Abidjan: Accra is 420 km away
    assert catalogs.translator("en").country("CI") in reply.text
    first_card = reply.text.split("\n\n")[1]
    assert "Ghana" in first_card


async def test_a_location_at_sea_gets_the_global_networks(bot, catalogs) -> None:
    reply = await send(bot, location_fields(0.0, -30.0))
    t = catalogs.translator("en")
    assert (
        t._(
            "I could not tell which country this location is in, so here are the global networks "
            "of informal workers."
        )
        in reply.text
    )
    assert "StreetNet International" in reply.text
    assert not [b for b in reply.buttons if b["callback_data"].startswith("m:")]


async def test_a_location_off_the_map_is_refused_kindly(bot, catalogs) -> None:
    reply = await send(bot, location_fields(91.0, 200.0))
    assert reply.text == catalogs.translator("en")._(
        "This location is not on the map. Please share it again."
    )


async def test_distances_say_what_they_were_measured_to(bot, catalogs) -> None:
    t = catalogs.translator("es")
    dakar = await send(bot, location_fields(14.6928, -17.4467), lang="es")
    assert t._("In %(city)s, near you", city="Dakar") in dakar.text
    guayaquil = await send(bot, location_fields(-2.1894, -79.8891), lang="es")
    assert "RENAREC" in guayaquil.text.split("\n\n")[1], "the nearest is the Ecuadorian network"
    measured = t._(
        "About %(km)s km away (measured to %(city)s, the capital)", km=t.number(266), city="Quito"
    )
    assert measured.split(" km")[1] in guayaquil.text
