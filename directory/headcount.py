"""Member counts as data: "about 2 million members", "90 affiliates in 69 countries".

The directory keeps what the sources say, in English. `parse()` reads the common shapes into
numbers and units, so the bot can say them in the reader's language; anything else stays as
written (`Headcount.parts` is empty) and only its numbers are put in the reader's format.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

Qualifier = Literal["", "about", "over"]

# What the sources write (singular and plural) → a unit id the bot knows how to say.
_UNIT_WORDS: dict[str, str] = {
    "member": "members",
    "members": "members",
    "worker": "workers",
    "workers": "workers",
    "affiliate": "affiliates",
    "affiliates": "affiliates",
    "organization": "organizations",
    "organizations": "organizations",
    "organisations": "organizations",
    "member organization": "member_organizations",
    "member organizations": "member_organizations",
    "affiliated organization": "affiliated_organizations",
    "affiliated organizations": "affiliated_organizations",
    "base organization": "base_organizations",
    "base organizations": "base_organizations",
    "member group": "member_groups",
    "member groups": "member_groups",
    "group": "groups",
    "groups": "groups",
    "association": "associations",
    "associations": "associations",
    "branch": "branches",
    "branches": "branches",
    "union": "unions",
    "unions": "unions",
    "country": "countries",
    "countries": "countries",
    "state": "states",
    "states": "states",
    "district": "districts",
    "districts": "districts",
    "province": "provinces",
    "provinces": "provinces",
    "sector": "sectors",
    "sectors": "sectors",
    "recycler": "recyclers",
    "recyclers": "recyclers",
    "grassroots cooperative": "grassroots_cooperatives",
    "grassroots cooperatives": "grassroots_cooperatives",
    "national movements": "national_movements",
}
UNITS: frozenset[str] = frozenset(_UNIT_WORDS.values())
# Units that may stand without a count of their own ("affiliates in 45 countries").
UNCOUNTED_UNITS: frozenset[str] = frozenset({"affiliates", "organizations", "branches", "national_movements"})

_QUALIFIERS: dict[str, Qualifier] = {"about": "about", "over": "over", "more than": "over"}
_NUMBER = r"(\d{1,3}(?:,\d{3})+|\d+)(?:\s+(million))?"
_AMOUNT = re.compile(rf"^(?:(about|over|more than)\s+)?(?:{_NUMBER})?\s*([a-z][a-z ]*?)?\s*$")
_WITHIN = re.compile(r"^(.*?)\s+(?:in|from|across)\s+(\d[\d,]*)\s+([a-z][a-z ]*?)\s*$")


@dataclass(frozen=True)
class Amount:
    qualifier: Qualifier
    value: int | None  # None: a unit without a count of its own
    unit: str  # a unit id, or "" when the text names none ("about 8,000")


@dataclass(frozen=True)
class Part:
    """One statement: an amount, and where it is counted ("in 69 countries")."""

    amount: Amount
    within: Amount | None = None


@dataclass(frozen=True)
class Headcount:
    text: str  # as the sources say it
    parts: tuple[Part, ...]  # empty when the text has another shape

    @property
    def understood(self) -> bool:
        return bool(self.parts)


def _number(digits: str, million: str | None) -> int:
    value = int(digits.replace(",", ""))
    return value * 1_000_000 if million else value


def _amount(text: str) -> Amount | None:
    match = _AMOUNT.match(text.strip())
    if match is None:
        return None
    qualifier, digits, million, unit_words = match.groups()
    unit = _UNIT_WORDS.get((unit_words or "").strip()) if unit_words else ""
    if unit is None:
        return None
    if digits is None:
        if qualifier or unit not in UNCOUNTED_UNITS:
            return None
        return Amount("", None, unit)
    return Amount(_QUALIFIERS[qualifier] if qualifier else "", _number(digits, million), unit)


def _part(text: str) -> Part | None:
    within_match = _WITHIN.match(text.strip())
    if within_match is not None:
        head, digits, where = within_match.groups()
        amount = _amount(head)
        where_unit = _UNIT_WORDS.get(where.strip())
        if amount is None or where_unit is None:
            return None
        return Part(amount, Amount("", _number(digits, None), where_unit))
    amount = _amount(text)
    if amount is None or amount.value is None:
        return None
    return Part(amount)


def parse(text: str) -> Headcount:
    """The member count in `text`, understood where it has one of the common shapes."""
    pieces = [p for p in text.split(";") if p.strip()]
    parts = [_part(p.casefold()) for p in pieces]
    if not pieces or any(p is None for p in parts):
        return Headcount(text, ())
    return Headcount(text, tuple(p for p in parts if p is not None))


_DIGITS = re.compile(r"\b(?:\d{1,3}(?:,\d{3})+|\d{5,})\b")


def numbers_in(text: str) -> list[tuple[int, int, int]]:
    """(start, end, value) of each count written in `text` ("528,645" → 528645); numbers
    of four digits or fewer without a separator are left alone (years, small counts)."""
    return [(m.start(), m.end(), int(m.group().replace(",", ""))) for m in _DIGITS.finditer(text)]
