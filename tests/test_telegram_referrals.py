"""Referrals through the stand-in server: the outcome said plainly, networks to reach
organizations without a website, larger directories, and "more" that goes on."""

from __future__ import annotations

import re

import pytest
from babel.lists import format_list

from bot import labels

LANGS = ["en", "es", "fr", "pt"]
# The same question in each language: the answer comes in the language it is written in.
SENEGAL = {
    "en": "Can WIEGO connect me with street vendors in Senegal for interviews?",
    "es": "¿Pueden ponerme en contacto con vendedores ambulantes en Senegal para entrevistas?",
    "fr": "Pouvez-vous me mettre en contact avec des vendeurs de rue au Sénégal pour des entretiens ?",
    "pt": "Vocês podem me colocar em contato com vendedores ambulantes no Senegal para entrevistas?",
}
QV = {
    "en": "Can WIEGO connect me with street vendors in QV for interviews?",
    "es": "¿Pueden ponerme en contacto con vendedores ambulantes en QV para entrevistas?",
    "fr": "Pouvez-vous me mettre en contact avec des vendeurs de rue à QV pour des entretiens ?",
    "pt": "Vocês podem me colocar em contato com vendedores ambulantes em QV para entrevistas?",
}


def headings(text: str) -> list[str]:
    return re.findall(r"<b>\d+\. ([^<]+)</b>", text)


@pytest.mark.parametrize("lang", LANGS)
async def test_nobody_of_the_sector_there_is_said_and_only_covering_networks_follow(
    bot, catalogs, lang: str
) -> None:
    t = catalogs.translator(lang)
    reply = await bot.send(SENEGAL[lang], lang=lang)
    sector = labels.sector(t, "street_vendors")
    line = t._(
        "No organization of %(sectors)s in %(place)s is listed: here are the networks that cover it.",
        sectors=sector[:1].lower() + sector[1:],
        place=t.country("SN"),
    )
    assert line in reply.text
    assert [h.split(" (")[0] for h in headings(reply.text)] == ["StreetNet International"]
    assert "SEWA" not in reply.text and "LACRE" not in reply.text
    assert "https://www.wiego.org/organizing/organizations" in reply.text


@pytest.mark.parametrize("lang", LANGS)
async def test_an_unrecognized_place_is_said_to_be_unrecognized(bot, catalogs, lang: str) -> None:
    t = catalogs.translator(lang)
    reply = await bot.send(QV[lang], lang=lang)
    line = t._(
        "I did not recognize the place you named (%(place)s), so here are the networks that "
        "work everywhere. A country or a large city finds organizations nearer to you.",
        place=format_list(["“QV”"], locale=lang),
    )
    assert line in reply.text
    assert [h.split(" (")[0] for h in headings(reply.text)] == ["StreetNet International"]
    assert "SEWA" not in reply.text


async def test_a_card_without_website_names_the_network_to_reach_it(bot, catalogs) -> None:
    t = catalogs.translator("fr")
    reply = await bot.send("Pouvez-vous me mettre en contact avec des récupérateurs au Sénégal ?", lang="fr")
    assert headings(reply.text)[0].startswith("Association Bokk Diom")
    line = t._(
        "No website of its own: reach it through %(network)s",
        network="International Alliance of Waste Pickers (IAWP)",
    )
    assert f"{line}\nhttps://globalrec.org\n" in reply.text
    directory = t._("More organizations in %(directory)s:", directory=labels.larger_directory(t, "globalrec"))
    assert f"{directory} https://globalrec.org/waw/" in reply.text


async def test_more_pages_go_on_and_never_repeat(bot) -> None:
    reply = await bot.send("Can WIEGO put me in touch with waste pickers in India?")
    seen = headings(reply.text)
    more = next(b["callback_data"] for b in reply.buttons if b["callback_data"].startswith("m:"))
    mark = await bot.press(reply, more)
    page = await bot.emulator.wait_for(lambda c: c.method == "sendMessage", after=mark)
    while True:
        seen += headings(page.text)
        nxt = [b["callback_data"] for b in page.buttons if b["text"].endswith("▶")]
        if not nxt:
            break
        mark = await bot.press(page, nxt[0])
        page = await bot.emulator.wait_for(lambda c: c.method == "editMessageText", after=mark)
    assert len(seen) == len(set(seen)) > 5
    numbers = [int(n) for n in re.findall(r"<b>(\d+)\. ", page.text)]
    assert numbers == list(range(len(seen) - len(numbers) + 1, len(seen) + 1))


async def test_no_more_button_when_everything_is_shown(bot) -> None:
    reply = await bot.send("Can WIEGO connect me with street vendors in Senegal for interviews?")
    assert not [b for b in reply.buttons if b["callback_data"].startswith("m:")]
