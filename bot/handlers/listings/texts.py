"""The words of the listing flows: each field's label, prompt and example, the reasons a value
is refused, and how a value and a history row read in the reader's language.

Adding a listing field: its `FieldSpec` in `directory/listing_fields.py`, its words in
`FIELD_WORDS` here, then `make extract` and the catalogs. Nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot import cards, labels
from bot.i18n import N_, Translator
from bot.render import clip, h
from directory.fields import FieldError
from directory.listing_fields import FIELDS, FIELDS_BY_KEY, FieldSpec, field_value
from directory.organizations import EDITOR_FIELD, INVITATION_FIELD, WORLDWIDE, Change, Organization
from directory.sectors import SECTORS

SUMMARY_SHOWN = 160  # characters of each summary in the listing view
VALUE_SHOWN = 120  # characters of a value in /history and admin notices


@dataclass(frozen=True)
class FieldWords:
    label: str  # msgids, translated where they are shown
    prompt: str = ""
    example: str = ""  # an msgid, or a value that reads the same in every language


FIELD_WORDS: dict[str, FieldWords] = {
    "name": FieldWords(
        N_("Name"), N_("Send the organization's full name."), N_("Association of Waste Pickers of Bogotá")
    ),
    "acronym": FieldWords(N_("Acronym"), N_("Send the organization's short name or acronym."), "ARB"),
    "website": FieldWords(
        N_("Website"), N_("Send the address of the organization's website."), "https://www.example.org"
    ),
    "email": FieldWords(
        N_("E-mail"),
        N_("Send the organization's public e-mail address (not a person's own address)."),
        "info@example.org",
    ),
    "phone": FieldWords(
        N_("Phone"),
        N_(
            "Send the organization's public phone number, with its country code (+…). Never a "
            "person's private number."
        ),
        "+57 601 555 0100",
    ),
    "social": FieldWords(
        N_("Social media"),
        N_("Send the address of the organization's page on a social network."),
        "https://www.facebook.com/example",
    ),
    "city": FieldWords(N_("City"), N_("Send the city where the organization is based."), "Bogotá"),
    "countries": FieldWords(
        N_("Countries"),
        N_(
            "Send the countries where the organization works, separated by commas: their names in "
            "any language, or their two-letter codes. Send * if it works worldwide."
        ),
        N_("Colombia, Ecuador"),
    ),
    "languages": FieldWords(
        N_("Languages"),
        N_("Send the languages the organization works in, separated by commas."),
        N_("Spanish, English"),
    ),
    "sectors": FieldWords(
        N_("Sectors"),
        N_("Send the sectors of the workers the organization brings together, separated by commas."),
    ),
    "founded": FieldWords(N_("Founded"), N_("Send the year the organization was founded."), "1990"),
    "members": FieldWords(
        N_("Members"),
        N_(
            "Send how many members the organization has, then a semicolon and when they were "
            "counted (a year, or a year and month)."
        ),
        N_("2,500 waste pickers; 2024-03"),
    ),
    # stored fields that editors do not change directly, as /history shows them
    "members_as_of": FieldWords(N_("Members counted on")),
    "summaries": FieldWords(N_("Summaries")),
    "verified_at": FieldWords(N_("Last verified")),
    "kind": FieldWords(N_("Kind")),
    "parent": FieldWords(N_("Part of")),
    "regions": FieldWords(N_("Regions")),
    "wiego_relation": FieldWords(N_("Relation to WIEGO")),
    "sources": FieldWords(N_("Sources")),
    "*": FieldWords(N_("Listing created")),
    EDITOR_FIELD: FieldWords(N_("Editor")),
    INVITATION_FIELD: FieldWords(N_("Invitation withdrawn")),
}
SUMMARY_PROMPT = N_(
    "Send a short description of the organization in %(language)s, at most %(limit)s characters."
)

ERRORS: dict[str, str] = {
    "too_long": N_("That is too long: %(length)s characters, and this field takes at most %(limit)s."),
    "empty": N_("Please send some text."),
    "required": N_("This field cannot be empty."),
    "control_characters": N_("Please send plain text, without control characters."),
    "bad_url": N_("That is not a web address. Send one like https://www.example.org"),
    "bad_email": N_("That is not an e-mail address. Send one like info@example.org"),
    "bad_phone": N_(
        "That is not a phone number I can check. Send it with its country code, like +57 601 555 0100."
    ),
    "personal_phone": N_("That is a personal number. Please send the organization's public number."),
    "unknown_countries": N_(
        "I don’t know these countries: %(items)s. Write their names, or their two-letter codes."
    ),
    "unknown_languages": N_("I don’t know these languages: %(items)s."),
    "unknown_sectors": N_("I don’t know these sectors: %(items)s. Choose from: %(sectors)s."),
    "too_many": N_("That is too many: at most %(limit)s."),
    "bad_year": N_("Send a year of four digits, from %(earliest)s on."),
    "future_year": N_("That year has not come yet."),
    "bad_date": N_(
        "After the semicolon, send when the members were counted: a year (2024) or a year and "
        "month (2024-03)."
    ),
    "future_date": N_("That date has not come yet."),
}


def field_label(t: Translator, key: str) -> str:
    spec = FIELDS_BY_KEY.get(key)
    if spec is not None and spec.kind == "summary":
        return t._("Summary (%(language)s)", language=t.language_name(spec.lang))
    return t._(FIELD_WORDS[key].label) if key in FIELD_WORDS else key


def short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def show_value(t: Translator, key: str, value: Any) -> str:
    """A field's value in the reader's language (plain text: escape it for HTML)."""
    kind = FIELDS_BY_KEY[key].kind
    empty = t._("(empty)")
    if kind == "countries":
        if WORLDWIDE in value:
            return t._("Worldwide")
        return ", ".join(t.country(code) for code in value) or empty
    if kind == "languages":
        return ", ".join(t.language_name(code) for code in value) or empty
    if kind == "sectors":
        return ", ".join(labels.sector(t, s) for s in value) or empty
    if kind == "members":
        members, as_of = value
        if not members:
            return empty
        return t._("%(members)s (as of %(date)s)", members=members, date=as_of) if as_of else members
    if value is None or value == "":
        return empty
    return str(value)


def current_value(t: Translator, org: Organization, key: str) -> str:
    return show_value(t, key, field_value(org, key))


def listing_text(t: Translator, org: Organization) -> str:
    lines = [
        f"<b>{h(cards.title(org))}</b>",
        "<i>"
        + h(t._("Press a field to change it. Changes are public at once, and WIEGO is told about each one."))
        + "</i>",
        "",
    ]
    for spec in FIELDS:
        value = current_value(t, org, spec.key)
        if spec.kind == "summary":
            value = short(value, SUMMARY_SHOWN)
        lines.append(f"<b>{h(field_label(t, spec.key))}:</b> {h(value)}")
    checked = t.day(org.verified_at) if org.verified_at else t._("never")
    lines.append("\n<b>" + h(t._("Last verified")) + f":</b> {h(checked)}")
    return clip("\n".join(lines))


def prompt_text(t: Translator, spec: FieldSpec, org: Organization) -> str:
    if spec.kind == "summary":
        ask = t._(SUMMARY_PROMPT, language=t.language_name(spec.lang), limit=t.number(spec.max_len))
    else:
        ask = t._(FIELD_WORDS[spec.key].prompt)
    now = t._("Now")
    lines = [
        f"<b>{h(field_label(t, spec.key))}</b> · {h(cards.title(org))}",
        f"{h(now)}: {h(current_value(t, org, spec.key))}",
        "",
        h(ask),
    ]
    example = FIELD_WORDS[spec.key].example if spec.key in FIELD_WORDS else ""
    if spec.kind == "sectors":
        names = ", ".join(labels.sector(t, s) for s in SECTORS)
        lines.append(h(t._("The sectors: %(sectors)s.", sectors=names)))
    elif example:
        lines.append(h(t._("For example: %(example)s", example=t._(example))))
    if spec.clearable:
        lines.append(h(t._("Send - to leave this field empty.")))
    lines.append(h(t._("/cancel stops without changing anything.")))
    return clip("\n".join(lines))


def error_text(t: Translator, error: FieldError, errors: dict[str, str] = ERRORS) -> str:
    """Why a value was refused, and how to go on (listing fields and policy texts alike)."""
    params = dict(error.params)
    if error.code == "unknown_sectors":
        params["sectors"] = ", ".join(labels.sector(t, s) for s in SECTORS)
    for key in ("limit", "length"):
        if key in params:
            params[key] = t.number(params[key])
    message = t._(errors[error.code], **params) if error.code in errors else t._("That value cannot be used.")
    return message + "\n" + t._("Try again, or send /cancel to stop.")


def change_line(t: Translator, change: Change) -> str:
    """One history row, plain text: "#12 · 3 Mar 2025 · user:100 · Website: old → new"."""
    who = labels.who(t, change.who)
    head = f"#{change.id} · {t.day(change.at)} · {who} · {field_label(t, change.field)}"
    if change.field == "*":
        return head
    old, new = change.old, change.new
    if change.field == EDITOR_FIELD:  # the values are people: a forgotten one is not named
        old, new = (labels.who(t, v) if v else v for v in (old, new))
    return f"{head}: {short(old or '—', VALUE_SHOWN)} → {short(new or '—', VALUE_SHOWN)}"
