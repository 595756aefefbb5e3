"""Rendering a referral: what was found and why, the cards, the larger directories, "more".

Shared by the answer to a question, the search and browse views and the reply to a shared
location, so the same outcome reads the same everywhere.
"""

from __future__ import annotations

from collections.abc import Iterable

from babel.lists import format_list

from bot import callbacks, cards, labels
from bot.i18n import Translator
from bot.keyboard import Button, Rows
from bot.render import h
from bot.services import Services
from directory.places import Place
from directory.referrals import Referral, RefersTo, larger_directory

REFERRAL_CARDS = 3  # cards under an answer; "More organizations" goes on from there
REFERS_CODES: dict[RefersTo, str] = {"networks": "n", "members": "m", "both": "b"}
REFERS_BY_CODE: dict[str, RefersTo] = {code: name for name, code in REFERS_CODES.items()}


def place_name(t: Translator, place: Place) -> str:
    """Countries and regions in the reader's language (CLDR); cities as written."""
    return place.name if place.kind in ("city", "area") else t.country(place.code)


def _in_sentence(label: str) -> str:
    return label[:1].lower() + label[1:]


def outcome_line(t: Translator, referral: Referral) -> str | None:
    """One plain sentence when the organizations are not simply those of the place asked for."""
    places = format_list([place_name(t, p) for p in referral.places], locale=t.locale)
    sectors = format_list(
        [_in_sentence(labels.sector(t, s)) for s in referral.sectors], style="or", locale=t.locale
    )
    if referral.outcome == "others_in_place" and sectors:
        return t._(
            "No organization of %(sectors)s in %(place)s is listed: here are other informal "
            "workers' organizations there and the networks that cover it.",
            sectors=sectors,
            place=places,
        )
    if referral.outcome == "around_place" and sectors:
        return t._(
            "No organization of %(sectors)s in %(place)s is listed: here are the networks that cover it.",
            sectors=sectors,
            place=places,
        )
    if referral.outcome == "around_place":
        return t._(
            "No organization in %(place)s is listed: here are the networks that cover it.", place=places
        )
    if referral.outcome == "place_unknown":
        return t._(
            "I did not recognize the place you named (%(place)s), so here are the networks that "
            "work everywhere. A country or a large city finds organizations nearer to you.",
            place=format_list([f"“{name}”" for name in referral.unrecognized], locale=t.locale),
        )
    if referral.outcome == "no_place" and sectors:
        return t._(
            "Name a country or a city to find the organizations of %(sectors)s there.", sectors=sectors
        )
    return None


def directory_lines(t: Translator, directories: Iterable[str]) -> list[str]:
    """Where many more organizations are listed (HTML lines)."""
    lines = []
    for directory_id in directories:
        directory = larger_directory(directory_id)
        name = labels.larger_directory(t, directory_id)
        lines.append(
            "🌐 " + h(t._("More organizations in %(directory)s:", directory=name)) + f" {h(directory.url)}"
        )
    return lines


def cards_lines(t: Translator, referral: Referral, first: int) -> list[str]:
    return [
        cards.card(t, org, first + i, via=referral.reach.get(org.id))
        for i, org in enumerate(referral.organizations)
    ]


def more_button(t: Translator, saved_id: int, refers_to: RefersTo, shown: int) -> Button:
    """Opens the rest of a referral, starting after the `shown` cards."""
    data = callbacks.pack("m", saved_id, REFERS_CODES[refers_to], shown)
    return Button(t._("More organizations") + " ▶", data)


async def answer_block(
    t: Translator, services: Services, referral: Referral, question: str
) -> tuple[list[str], Rows]:
    """The organizations under an answer: what was found, three cards, where to find more,
    and a button that goes on past the cards shown (never the same three again)."""
    lines = ["\n<b>" + h(t._("Organizations you can contact directly")) + "</b>"]
    outcome = outcome_line(t, referral)
    if outcome:
        lines.append(h(outcome))
    shown = Referral(
        referral.organizations[:REFERRAL_CARDS],
        referral.outcome,
        referral.total,
        reach=referral.reach,
    )
    lines += cards_lines(t, shown, 1)
    lines += directory_lines(t, referral.directories)
    rows: Rows = []
    if referral.total > REFERRAL_CARDS:
        # the same request again, from the same words, so the order is the same
        saved = await services.saved_searches.save(
            question,
            sectors=frozenset(referral.sectors),
            countries=frozenset(referral.countries),
            regions=frozenset(referral.regions),
        )
        rows.append([more_button(t, saved.id, referral.refers_to, REFERRAL_CARDS)])
    return lines, rows
