"""Directory search through the stand-in server: pages, details, browse, inline, deep links."""

from __future__ import annotations

import re

import pytest

from bot import callbacks
from tests.conftest import USER_ID


def buttons(call) -> dict[str, str]:
    return {b["text"]: b.get("callback_data", "") for b in call.buttons}


async def test_search_shows_cards_and_details_with_back(bot, catalogs) -> None:
    reply = await bot.send("/search street vendors Kenya", lang="es")
    assert "KENASVIT" in reply.text
    assert catalogs.translator("es").country("KE") in reply.text
    data = [b["callback_data"] for b in reply.buttons if b["callback_data"].startswith("o:")]
    assert data[0].startswith("o:kenasvit:")
    mark = await bot.press(reply, data[0], lang="es")
    details = await bot.emulator.wait_for(lambda c: c.method == "editMessageText", after=mark)
    assert "https://t.me/wiego_referral_bot?start=org_kenasvit" in details.text
    assert "Nakuru" in details.text
    back = buttons(details)["↩ " + catalogs.translator("es")._("Back")]
    assert back == "s:" + data[0].split(":", 2)[2], "Back returns to the page the details came from"
    mark = await bot.press(details, back, lang="es")
    again = await bot.emulator.wait_for(lambda c: c.method == "editMessageText", after=mark)
    assert again.text == reply.text
    assert again.buttons == reply.buttons


async def test_details_without_a_way_back_come_as_a_new_message(bot) -> None:
    reply = await bot.send("/search street vendors Kenya")
    mark = await bot.press(reply, "o:kenasvit")
    details = await bot.emulator.wait_for(lambda c: c.method == "sendMessage", after=mark)
    assert "start=org_kenasvit" in details.text


async def test_pagination_moves_through_pages(bot) -> None:
    reply = await bot.send("/search waste pickers")
    nav = [b["callback_data"] for b in reply.buttons if b["callback_data"].startswith("s:")]
    assert len(nav) == 1, "first page: only a next button"
    first_ids = [b["callback_data"] for b in reply.buttons if b["callback_data"].startswith("o:")]
    assert len(first_ids) == 5
    mark = await bot.press(reply, nav[0])
    page2 = await bot.emulator.wait_for(lambda c: c.method == "editMessageText", after=mark)
    second_ids = [b["callback_data"] for b in page2.buttons if b["callback_data"].startswith("o:")]
    assert second_ids and not set(second_ids) & set(first_ids)
    assert any(
        b["callback_data"].endswith(":0") for b in page2.buttons if b["callback_data"].startswith("s:")
    )


@pytest.mark.parametrize(
    "data",
    [
        "s:999999:0",
        "s:1:-1",
        "s:abc:0",
        "s:1",
        "o:no-such-org",
        "o:",
        "d:nope",
        "d:waste_pickers:999",
        "m:77777",
        "m:1:x:3",
        "m:1:b",
        "m:abc:b:3",
        "s:1:0:zz",
        "s:1:0:r",
        "o:kenasvit:abc:0",
        "d:menu:all",
        "w:999999",
        "w:",
        "w:1:2",
        "w:abc",
    ],
)
async def test_forged_search_callbacks_are_refused(bot, data: str) -> None:
    reply = await bot.send("/search waste pickers")
    mark = await bot.press(reply, data)
    answer = next(c for c in bot.emulator.calls[mark:] if c.method == "answerCallbackQuery")
    assert answer.params.get("show_alert") is True
    assert not [c for c in bot.emulator.calls[mark:] if c.method in {"editMessageText", "sendMessage"}]


async def test_a_short_list_for_one_sector_offers_every_sector_of_that_place(bot, catalogs) -> None:
    t = catalogs.translator("fr")
    reply = await bot.send("/search street vendors South Africa", lang="fr")
    wanted = "🔎 " + t._("Other sectors in %(place)s", place=t.country("ZA"))
    widen = buttons(reply)[wanted]
    assert widen.startswith("w:")
    first = {b["callback_data"].split(":")[1] for b in reply.buttons if b["callback_data"].startswith("o:")}
    mark = await bot.press(reply, widen, lang="fr")
    wide = await bot.emulator.wait_for(lambda c: c.method == "sendMessage", after=mark)
    ids = {b["callback_data"].split(":")[1] for b in wide.buttons if b["callback_data"].startswith("o:")}
    assert ids - first, "organizations of other sectors in South Africa"
    assert not any(b["callback_data"].startswith("w:") for b in wide.buttons), "nothing left to widen"


async def test_no_widening_where_the_search_named_no_sector(bot) -> None:
    reply = await bot.send("/search Kenya")
    assert not any(b["callback_data"].startswith("w:") for b in reply.buttons)


async def test_callback_data_fits_in_64_bytes(bot) -> None:
    reply = await bot.send("/search " + "x" * 3000)
    for b in reply.buttons:
        assert len(b.get("callback_data", "").encode()) <= callbacks.MAX_BYTES


async def test_no_result_names_the_global_networks(bot, catalogs) -> None:
    reply = await bot.send("/search qwertyuiop zxcvbnm", lang="fr")
    t = catalogs.translator("fr")
    assert t._("The global networks of informal workers") in reply.text
    for name in ("StreetNet International", "International Domestic Workers Federation"):
        assert name in reply.text


async def test_search_without_words_explains(bot, catalogs) -> None:
    reply = await bot.send("/search", lang="pt")
    assert reply.text == catalogs.translator("pt")._(
        "Tell me what to look for, for example: /search street vendors Kenya"
    )


async def test_directory_browse_by_sector_then_region_and_back(bot, catalogs) -> None:
    back = "↩ " + catalogs.translator("en")._("Back")
    menu = await bot.send("/directory")
    sector = next(b["callback_data"] for b in menu.buttons if b["callback_data"] == "d:domestic_workers")
    mark = await bot.press(menu, sector)
    regions = await bot.emulator.wait_for(lambda c: c.method == "editMessageText", after=mark)
    assert "d:domestic_workers:419" in [b["callback_data"] for b in regions.buttons]
    mark = await bot.press(menu, "d:domestic_workers:419")
    results = await bot.emulator.wait_for(lambda c: c.method == "editMessageText", after=mark)
    # A region asked for: its own network first, then the organizations of its countries.
    first_card = results.text.index("<b>1. ")
    assert "CONLACTRAHO" in results.text[first_card : results.text.index("<b>2. ")]
    assert "No organization" not in results.text
    next_label = catalogs.translator("en")._("Next") + " ▶"
    mark = await bot.press(results, buttons(results)[next_label])
    page = await bot.emulator.wait_for(lambda c: c.method == "editMessageText", after=mark)
    assert "National organization · Domestic workers" in page.text
    # details, then Back to the results, Back to the regions, Back to the sectors
    info = next(b["callback_data"] for b in results.buttons if b["callback_data"].startswith("o:"))
    mark = await bot.press(results, info)
    details = await bot.emulator.wait_for(lambda c: c.method == "editMessageText", after=mark)
    mark = await bot.press(details, buttons(details)[back])
    again = await bot.emulator.wait_for(lambda c: c.method == "editMessageText", after=mark)
    assert again.text == results.text
    assert buttons(again)[back] == "d:domestic_workers"
    mark = await bot.press(again, "d:domestic_workers")
    regions_again = await bot.emulator.wait_for(lambda c: c.method == "editMessageText", after=mark)
    assert regions_again.buttons == regions.buttons
    mark = await bot.press(regions_again, buttons(regions_again)[back])
    sectors_again = await bot.emulator.wait_for(lambda c: c.method == "editMessageText", after=mark)
    assert [b["callback_data"] for b in sectors_again.buttons] == [b["callback_data"] for b in menu.buttons]


async def test_inline_query_returns_articles(bot) -> None:
    emulator = bot.emulator
    mark = len(emulator.calls)
    emulator.inline_query(USER_ID, "street vendors Kenya", language_code="fr")
    answer = await emulator.wait_for(lambda c: c.method == "answerInlineQuery", after=mark)
    ids = [r["id"] for r in answer.params["results"]]
    assert ids[0] == "kenasvit"
    assert "streetnet" in ids
    empty_mark = len(emulator.calls)
    emulator.inline_query(USER_ID, "")
    empty = await emulator.wait_for(lambda c: c.method == "answerInlineQuery", after=empty_mark)
    assert {"streetnet", "idwf", "iawp"} <= {r["id"] for r in empty.params["results"]}


async def test_deep_link_opens_a_listing(bot, catalogs) -> None:
    reply = await bot.send("/start org_idwf", lang="pt")
    assert "International Domestic Workers Federation" in reply.text
    assert "start=org_idwf" in reply.text
    missing = await bot.send("/start org_gone-forever", lang="pt")
    assert missing.text == catalogs.translator("pt")._("This organization is no longer in the directory.")


@pytest.mark.parametrize(
    "hostile",
    ['"', "NEAR(a b)", "a* OR b", "-x AND NOT y", "^start", "col:val", "''", "😀😀", "مرحبا بالعالم"],
)
async def test_hostile_search_text_gets_an_answer(bot, hostile: str) -> None:
    reply = await bot.send(f"/search {hostile}")
    assert reply.text


async def test_a_page_past_the_end_shows_the_last_page_with_its_cards(bot) -> None:
    reply = await bot.send("/search waste pickers")
    saved = next(b["callback_data"] for b in reply.buttons if b["callback_data"].startswith("s:")).split(":")[1]
    mark = await bot.press(reply, f"s:{saved}:99")
    page = await bot.emulator.wait_for(lambda c: c.method == "editMessageText", after=mark)
    last = re.search(r"Page (\d+) of (\d+)", page.text)
    assert last is not None and last[1] == last[2]
    first_on_page = (int(last[1]) - 1) * 5 + 1
    assert f"<b>{first_on_page}. " in page.text  # its cards, not an empty page
    assert f"ℹ️ {first_on_page}" in [b["text"] for b in page.buttons]


async def test_details_of_a_message_too_old_to_edit_come_as_a_new_message(bot) -> None:
    from bot.offline import Failure

    reply = await bot.send("/search street vendors Kenya")
    info = next(b["callback_data"] for b in reply.buttons if b["callback_data"].startswith("o:"))
    bot.emulator.failures.append(
        Failure(400, "editMessageText", description="Bad Request: message can't be edited")
    )
    mark = await bot.press(reply, info)
    details = await bot.emulator.wait_for(lambda c: c.method == "sendMessage", after=mark)
    assert "start=org_kenasvit" in details.text
    assert [b["callback_data"] for b in details.buttons] == ["s:" + info.split(":", 2)[2]]


async def test_back_from_details_returns_to_the_page_they_came_from(bot) -> None:
    reply = await bot.send("/search waste pickers")
    nxt = next(b["callback_data"] for b in reply.buttons if b["text"].endswith("▶"))
    mark = await bot.press(reply, nxt)
    page2 = await bot.emulator.wait_for(lambda c: c.method == "editMessageText", after=mark)
    info = next(b["callback_data"] for b in page2.buttons if b["callback_data"].startswith("o:"))
    mark = await bot.press(page2, info)
    details = await bot.emulator.wait_for(lambda c: c.method == "editMessageText", after=mark)
    back = next(b["callback_data"] for b in details.buttons)
    mark = await bot.press(details, back)
    again = await bot.emulator.wait_for(lambda c: c.method == "editMessageText", after=mark)
    assert again.text == page2.text
