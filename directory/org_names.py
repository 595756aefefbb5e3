"""Which organizations of the directory a message names: "how do I contact StreetNet?",
"el correo de la CONLACTRAHO", "SEWA's phone number".

A name counts when the message spells the organization's full name, its id ("streetnet",
"homenet kenya"), or its acronym. An acronym that is also a word ("IDEA", "NEST", "ARC", or
"UNITED", the first word of its own name: "Leeds United won") counts only written in capitals
as the directory has it; a longer one written otherwise ("kenasvit", "Streetnet") counts too,
unless it is a word people write anyway (an id still counts in any case: "streetnet").
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from directory.phrases import PhraseIndex
from directory.text import normalize, tokens, words_of

_ID_MIN = 4  # a one-word id shorter than this ("iuf", "mua") counts only as a capitalized acronym
_ANY_CASE_MIN = 5  # an acronym this long counts however it is written


@dataclass(frozen=True)
class NamedOrg:
    id: str
    name: str
    acronym: str


class OrgNames:
    """Names, ids and acronyms of the directory's organizations, for one directory version."""

    def __init__(self, orgs: Iterable[NamedOrg], common_words: frozenset[str] = frozenset()) -> None:
        phrases: list[tuple[list[str], str]] = []
        self._exact: dict[str, list[str]] = {}  # acronyms that count only as written
        self._codes: dict[str, set[str]] = {}  # an acronym (casefolded) or id → its words
        for org in orgs:
            code_words = set(tokens(f"{org.acronym} {org.id}"))
            for code in (org.acronym.casefold(), org.id):
                if code:
                    self._codes.setdefault(code, set()).update(code_words)
            name = normalize(org.name).split()
            if len(name) >= 2:
                phrases.append((name, org.id))
            slug = org.id.replace("-", " ").split()
            if len(slug) >= 2 or (slug and len(slug[0]) >= _ID_MIN and slug[0] not in common_words):
                phrases.append((slug, org.id))
            acronym = org.acronym.strip()
            if len(acronym) < 3:
                continue
            folded = normalize(acronym).split()
            a_word = " ".join(folded) in common_words or folded == name[:1]  # "UNITED": United…
            if len(acronym) >= _ANY_CASE_MIN and not a_word:
                phrases.append((folded, org.id))
            else:
                self._exact.setdefault(acronym, []).append(org.id)
        self._index = PhraseIndex(phrases, typos=False)

    def code_words(self, bits: Iterable[str]) -> set[str]:
        """The words of the organizations whose acronym (any case) or id is one of `bits`
        ("SEWA", "streetnet"): what a search may set aside as already found."""
        return {w for bit in bits for w in self._codes.get(bit.casefold(), ())}

    def find(self, text: str) -> list[str]:
        """Ids of the organizations `text` names, in order of mention, without repeats."""
        read = words_of(text)
        found = [m.value for m in self._index.find(read.words)]
        for raw in read.raw:
            found += self._exact.get(raw, [])
        return list(dict.fromkeys(found))
