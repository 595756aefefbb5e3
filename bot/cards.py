"""Organization cards: the short one in result lists, the full one behind "details"."""

from __future__ import annotations

import datetime as dt

from babel.dates import format_skeleton

from bot import labels
from bot.headcount import members_text
from bot.i18n import Translator
from bot.render import h
from directory.listing_fields import DETAIL_FIELDS
from directory.organizations import Organization

MAX_COUNTRIES_SHOWN = 6
CONTACT_MARKS = {"email": "✉️", "phone": "☎️", "url": "🔗"}  # public contact routes; others get "·"


def deep_link(bot_username: str, org_id: str) -> str:
    return f"https://t.me/{bot_username}?start=org_{org_id}"


def title(org: Organization) -> str:
    if org.acronym and org.acronym.casefold() not in org.name.casefold():
        return f"{org.name} ({org.acronym})"
    return org.name


def coverage(t: Translator, org: Organization) -> str:
    """Where it works, in the reader's language: worldwide, regions, or countries."""
    if "*" in org.countries:
        return t._("Worldwide")
    names = [t.country(code) for code in org.regions]
    countries = sorted(t.country(code) for code in org.countries)
    if len(countries) > MAX_COUNTRIES_SHOWN:
        more = len(countries) - MAX_COUNTRIES_SHOWN
        countries = [*countries[:MAX_COUNTRIES_SHOWN], t.ngettext("%(n)s more", "%(n)s more", more)]
    return ", ".join(names + countries)


def card(
    t: Translator, org: Organization, number: int | None = None, *, via: Organization | None = None
) -> str:
    """The short card; `via` is the network to reach an organization without a website."""
    head = f"{number}. " if number is not None else ""
    sectors = ", ".join(labels.sector(t, s) for s in org.sectors)
    lines = [
        f"<b>{h(head + title(org))}</b>",
        h(" · ".join(p for p in (labels.kind(t, org.kind), sectors, coverage(t, org)) if p)),
    ]
    if org.city:
        lines[-1] += h(f" · {org.city}")
    if org.website:
        lines.append(h(org.website))
    contacts = [(CONTACT_MARKS.get(s.kind, "·"), org.detail(s.key)) for s in DETAIL_FIELDS]
    reachable = [(mark, value) for mark, value in contacts if value]
    lines += [f"{mark} {h(value)}" for mark, value in reachable]
    if not org.website and not reachable and via is not None and via.website:
        lines.append(h(t._("No website of its own: reach it through %(network)s", network=title(via))))
        lines.append(h(via.website))
    return "\n".join(lines)


def members_as_of(t: Translator, value: str) -> str:
    """A month such as "2023-12" as the reader writes it ("déc. 2023"); a year or anything else as is."""
    try:
        if len(value) == 7:
            return format_skeleton("yMMM", dt.date.fromisoformat(value + "-01"), locale=t.locale)
        if len(value) == 10:
            return t.day(value)
    except ValueError:
        pass
    return value


def details(
    t: Translator,
    org: Organization,
    *,
    parent: Organization | None,
    bot_username: str,
    via: Organization | None = None,
) -> str:
    lines = [card(t, org, via=via)]
    summary = org.summary(t.locale)
    if summary:
        lines.append(f"\n<i>{h(summary)}</i>\n")
    facts: list[tuple[str, str]] = []
    if org.founded:
        facts.append((t._("Founded"), str(org.founded)))
    if org.members:
        members = members_text(t, org.members)
        if org.members_as_of:
            members = t._(
                "%(members)s (as of %(date)s)", members=members, date=members_as_of(t, org.members_as_of)
            )
        facts.append((t._("Members"), members))
    if org.languages:
        facts.append((t._("Languages"), ", ".join(t.language_name(code) for code in org.languages)))
    if parent is not None:
        facts.append((t._("Part of"), title(parent)))
    if org.verified_at:
        facts.append((t._("Last verified"), t.day(org.verified_at)))
    lines += [f"<b>{h(label)}:</b> {h(value)}" for label, value in facts]
    sources = [s.strip() for s in org.sources.split(" ; ") if s.strip()]
    if sources:
        lines.append("<b>" + h(t._("Sources")) + ":</b>")
        lines += [h(source) for source in sources]
    lines.append("\n" + h(t._("Link to this listing")) + f": {h(deep_link(bot_username, org.id))}")
    return "\n".join(lines)
