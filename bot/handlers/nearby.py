"""A location shared in a private chat: the nearest organizations, and the country understood."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import Application, MessageHandler, filters

from bot import callbacks, cards, referral_view
from bot.context import BotContext
from bot.i18n import Translator
from bot.render import clip, h
from directory.nearby import Located, Nearby

NEARBY_CARDS = 5


SAME_CITY_KM = 10.0


def distance(t: Translator, item: Located) -> str:
    """How far, and measured to what: the organization's city, else its country's capital."""
    assert item.km is not None
    if item.capital:
        return t._(
            "About %(km)s km away (measured to %(city)s, the capital)",
            km=t.number(round(item.km)),
            city=item.at,
        )
    if item.km < SAME_CITY_KM:
        return t._("In %(city)s, near you", city=item.at)
    return t._("About %(km)s km away", km=t.number(round(item.km)))


def nearby_text(context: BotContext, found: Nearby) -> str:
    t = context.t
    if found.country is None:
        head = t._(
            "I could not tell which country this location is in, so here are the global networks "
            "of informal workers."
        )
    else:
        head = t._(
            "Near %(city)s, %(country)s: the nearest organizations",
            city=found.city or "",
            country=t.country(found.country),
        )
    lines = ["📍 <b>" + h(head) + "</b>", ""]
    for n, item in enumerate(found.organizations, 1):
        card = cards.card(t, item.org, n, via=found.reach.get(item.org.id))
        if item.km is not None:
            card += "\n" + h(distance(t, item))
        lines.append(card + "\n")
    lines += referral_view.directory_lines(t, found.directories)
    return clip("\n".join(lines))


async def location_shared(update: Update, context: BotContext) -> None:
    message = update.effective_message
    if message is None or message.location is None:
        return
    t = context.t
    location = message.location
    try:
        found = await context.services.nearby.near(location.latitude, location.longitude, NEARBY_CARDS)
    except ValueError:
        await message.reply_text(t._("This location is not on the map. Please share it again."))
        return
    rows = [
        [
            InlineKeyboardButton(f"ℹ️ {n}", callback_data=callbacks.pack("o", item.org.id))
            for n, item in enumerate(found.organizations, 1)
        ]
    ]
    if found.country is not None:
        saved = await context.services.saved_searches.save("", countries=frozenset({found.country}))
        rows.append(
            [
                InlineKeyboardButton(
                    t._("All organizations in %(country)s", country=t.country(found.country)) + " ▶",
                    callback_data=callbacks.pack("m", saved.id, "b", 0),
                )
            ]
        )
    await message.reply_html(
        nearby_text(context, found), reply_markup=InlineKeyboardMarkup(rows), disable_web_page_preview=True
    )


def register(app: Application) -> None:  # type: ignore[type-arg]
    private = filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE
    app.add_handler(MessageHandler(private & filters.LOCATION, location_shared))
