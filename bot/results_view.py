"""A page of directory results (a search, /directory browsing, the rest of a referral):
its text and buttons, composed without Telegram.

A page is a `View` of a saved search, so every button carries a short id, never the words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot import callbacks, cards, labels, referral_view
from bot.i18n import Translator
from bot.keyboard import Button, Rows
from bot.referral_view import place_name
from bot.render import clip, h
from bot.services import Services
from directory.places import Place
from directory.referrals import Referral, RefersTo
from directory.saved_searches import MAX_ID, SavedSearch

PAGE_SIZE = 5


@dataclass(frozen=True)
class View:
    """A results page that buttons open and return to: `s:<saved search>:<page>[:<mode>]`.

    `mode` is "" for a search by words, "d" for /directory browsing (Back goes to the region
    choice), or "r" + n/m/b + k for the rest of a referral after the k cards of an answer.
    """

    saved_id: int
    page: int
    mode: str = ""

    def parts(self) -> tuple[object, ...]:
        return (self.saved_id, self.page, self.mode) if self.mode else (self.saved_id, self.page)

    @property
    def data(self) -> str:
        return callbacks.pack("s", *self.parts())

    def at(self, page: int) -> View:
        return View(self.saved_id, page, self.mode)

    @property
    def referral(self) -> tuple[RefersTo, int] | None:
        """Whom the referral refers to and how many cards the answer showed, in referral mode."""
        if not self.mode.startswith("r"):
            return None
        return referral_view.REFERS_BY_CODE[self.mode[1]], int(self.mode[2:])

    @classmethod
    def parse(cls, parts: tuple[str, ...]) -> View:
        if len(parts) not in (2, 3):
            raise callbacks.CallbackDataError("a view is a saved search, a page and a mode")
        mode = parts[2] if len(parts) == 3 else ""
        if not _VIEW_MODE.match(mode):
            raise callbacks.CallbackDataError("unknown view mode")
        data = callbacks.Callback("s", parts)
        # saved-search ids are 60-bit digests (directory.saved_searches), not small counters
        return cls(data.int_part(0, maximum=MAX_ID), data.int_part(1, maximum=10_000), mode)


_VIEW_MODE = re.compile(r"^(|d|r[nmb]\d{1,2})$")


def _places(saved: SavedSearch) -> list[Place]:
    """The places a saved search filters by (named by code: the reader's language names them)."""
    return [
        *(Place("country", c, c, frozenset({c})) for c in sorted(saved.countries)),
        *(Place("region", r, r, frozenset()) for r in sorted(saved.regions)),
    ]


async def view_referral(services: Services, saved: SavedSearch, view: View) -> Referral:
    """The organizations of one page of a view, and what they mean."""
    referrals = services.referrals
    referral = view.referral
    if referral is None:  # the search's own words, filters, pages
        return await referrals.refer(
            "both",
            saved.sectors,
            _places(saved),
            saved.text,
            by_words=True,
            limit=PAGE_SIZE,
            offset=view.page * PAGE_SIZE,
        )
    refers_to, shown = referral
    return await referrals.refer(
        refers_to,
        saved.sectors,
        _places(saved),
        saved.text,
        limit=PAGE_SIZE,
        offset=shown + view.page * PAGE_SIZE,
    )


def _details_button(number: int, org_id: str, view: View) -> Button:
    try:
        data = callbacks.pack("o", org_id, *view.parts())
    except ValueError:  # an id too long to carry the way back: details without Back
        data = callbacks.pack("o", org_id)
    return Button(f"ℹ️ {number}", data)


async def results_message(
    t: Translator, services: Services, saved: SavedSearch, page: int, mode: str = ""
) -> tuple[str, Rows | None]:
    """The text and buttons of one page of a saved search (or of the rest of a referral)."""
    view = View(saved.id, max(page, 0), mode)
    referral = await view_referral(services, saved, view)
    shown = view.referral[1] if view.referral else 0
    remaining = referral.total - shown
    if remaining <= 0:
        return await no_results(t, services, saved.text), None
    pages = (remaining + PAGE_SIZE - 1) // PAGE_SIZE
    if view.page >= pages:  # a page that no longer exists: the last one
        view = view.at(pages - 1)
        referral = await view_referral(services, saved, view)
    if shown:  # the rest of an answer's referral
        head = t._("More organizations")
        understood = ""
    else:
        head = t.ngettext("%(n)s organization found", "%(n)s organizations found", referral.total)
        if referral.total_capped:
            head = t._(
                "More than %(n)s organizations found: add a place or a sector to narrow it",
                n=t.number(referral.total),
            )
        understood = understood_line(t, referral.sectors, [place_name(t, p) for p in referral.places])
    lines = [f"<b>{h(head)}</b>" + (f"\n{h(understood)}" if understood else "")]
    outcome = referral_view.outcome_line(t, referral)
    if outcome:
        lines.append(h(outcome))
    lines.append("")
    first = shown + view.page * PAGE_SIZE + 1
    lines += [line + "\n" for line in referral_view.cards_lines(t, referral, first)]
    if pages > 1:
        lines.append(
            h(t._("Page %(page)s of %(pages)s", page=t.number(view.page + 1), pages=t.number(pages)))
        )
    if view.page + 1 == pages:
        lines += referral_view.directory_lines(t, referral.directories)
    rows = [[_details_button(first + i, org.id, view) for i, org in enumerate(referral.organizations)]]
    nav = []
    if view.page > 0:
        nav.append(Button("◀ " + t._("Previous"), view.at(view.page - 1).data))
    if view.page + 1 < pages:
        nav.append(Button(t._("Next") + " ▶", view.at(view.page + 1).data))
    if nav:
        rows.append(nav)
    if view.page + 1 == pages:
        rows += _widen_rows(t, saved, referral)
    back = _back_from(view, saved)
    if back is not None:
        rows.append([back_button(t, back)])
    return clip("\n".join(lines)), rows


def _widen_rows(t: Translator, saved: SavedSearch, referral: Referral) -> Rows:
    """At the end of a search for a sector in one place: every sector there, one press away,
    so a short list never ends the conversation."""
    place = one_place(referral)
    if not referral.sectors or place is None or referral.outcome != "in_place":
        return []
    label = t._("Other sectors in %(place)s", place=t.country(place))
    return [[Button("🔎 " + label, callbacks.pack("w", saved.id))]]


def one_place(referral: Referral) -> str | None:
    """The one country or region a referral is about (its cities folded into their country)."""
    countries, regions = referral.countries, referral.regions
    if len(countries) + len(regions) != 1:
        return None
    return (countries or regions)[0]


def back_button(t: Translator, data: str) -> Button:
    return Button("↩ " + t._("Back"), data)


def _back_from(view: View, saved: SavedSearch) -> str | None:
    """Where Back goes from a results page: browsing returns to the choice of region."""
    if view.mode == "d" and len(saved.sectors) == 1:
        sector = next(iter(saved.sectors))
        if sector in labels.SECTOR_NAMES:
            return callbacks.pack("d", sector)
    return None


def understood_line(t: Translator, sectors: frozenset[str] | tuple[str, ...], places: list[str]) -> str:
    parts = [labels.sector(t, s) for s in sorted(sectors)] + places
    return t._("Understood: %(filters)s", filters=", ".join(parts)) if parts else ""


async def no_results(t: Translator, services: Services, text: str) -> str:
    networks = await services.directory.global_networks()
    lines = [
        h(t._("No organization matches “%(query)s”.", query=text[:80])),
        h(t._("Try fewer words, or only a sector or a country, for example “waste pickers Brazil”.")),
        "",
        "<b>" + h(t._("The global networks of informal workers")) + "</b>",
    ]
    lines += [cards.card(t, org) for org in networks]
    lines += ["", *referral_view.directory_lines(t, ["wiego"])]
    return "\n".join(lines)
