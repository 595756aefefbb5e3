"""Follow-ups: "and in Ghana?" after "Are there organizations of street vendors in Kenya?".

A chat's last subject (the rule answered, the sectors and places it was about) is kept for a
while (`Subjects`: bounded, with an expiry, cleared by /forget). A short message that names
only a place and/or a sector, often opened by "and", "y en", "et pour", "e no", is read as the
previous question with the new place or sector; anything that reads as a question of its own
starts a new subject.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from directory.chat_memory import ChatMemory
from directory.languages import function_words, union
from directory.places import Place

MAX_WORDS = 6
"""A follow-up is short: "and in Ghana?", "e trabalhadoras domésticas?"."""
MAX_WORDS_WITH_OPENER = 9
"""...a little longer when it opens like one: "and what about the waste pickers in Accra?"."""
OWN_QUESTION = 0.8
"""A message read as another rule with this confidence is a question of its own."""
GENERAL = "informal_workers_general"

_OPENERS: tuple[tuple[str, ...], ...] = tuple(
    sorted((tuple(f.split()) for f in union(lambda lang: frozenset(lang.followups))), key=len, reverse=True)
)


NOT_PLACES = function_words() | {"wiego"}
"""Capitalized words after an opener that are no place name ("and What about…", "WIEGO")."""


@dataclass(frozen=True)
class Subject:
    """What an answer was about: its rule, and the sectors and places it was filtered by."""

    rule_id: str
    sectors: tuple[str, ...]
    places: tuple[Place, ...]
    unrecognized: tuple[str, ...] = ()  # "and in Wakanda?": a place nobody knows, said so


FRESH = Subject("directory", (), ())
"""What a follow-up continues when the chat has no subject (new, expired, or forgotten)."""


def opens_like_a_follow_up(words: Sequence[str]) -> bool:
    return any(tuple(words[: len(o)]) == o for o in _OPENERS)


def follow_up(
    previous: Subject | None,
    words: Sequence[str],
    sectors: Sequence[str],
    places: Sequence[Place],
    reading: tuple[str, float],
    unknown: Sequence[str] = (),
) -> Subject | None:
    """The previous subject with the place and/or sector `words` names, if it is a follow-up.
    With no previous subject, a message that opens like a follow-up ("and in Kenya?") asks
    the directory for that place or sector.

    `reading` is what the classifier makes of the message on its own (its best class and that
    class's probability): a confident rule other than the previous one (or "directory") is a
    new question, whatever its length. `unknown`: names written where a place goes that no
    gazetteer knows ("what about Wakanda?"), a follow-up only when it opens like one.
    """
    if not words:
        return None
    opener = opens_like_a_follow_up(words)
    if previous is None:
        # "and in Kenya?" with nothing to follow: that place's organizations; "what about the
        # weather in Accra?" reads as surely nothing (or chat) and stays so
        if not opener or (reading[0] in ("none", "smalltalk") and reading[1] >= OWN_QUESTION):
            return None
        previous = FRESH
    limit = MAX_WORDS_WITH_OPENER if opener else MAX_WORDS
    if sum(len(w) > 1 for w in words) > limit:  # "c'est à Abidjan": c, a and d are not words
        return None
    named = tuple(s for s in sectors if s != GENERAL)
    unknown = tuple(unknown) if opener and not places else ()
    if not named and not places and not unknown:
        return None
    best, p = reading
    if best not in ("none", "smalltalk", "directory", previous.rule_id) and p >= OWN_QUESTION:
        return None
    if unknown:
        return replace(previous, sectors=named or previous.sectors, places=(), unrecognized=unknown)
    return replace(
        previous,
        sectors=named or previous.sectors,
        places=tuple(places) or previous.places,
        unrecognized=(),
    )


def names_after_opener(raw: Sequence[str], capital: Sequence[bool], skip: frozenset[str]) -> tuple[str, ...]:
    """Capitalized words after a follow-up's opener, as written ("what about Wakanda lol" →
    "Wakanda"): where a follow-up puts its place. `skip`: words that are no place (normalized)."""
    return tuple(w for w, c in zip(raw, capital, strict=False) if c and w.casefold() not in skip)


class Subjects(ChatMemory[Subject]):
    """The last subject of each chat (see `directory.chat_memory`)."""
