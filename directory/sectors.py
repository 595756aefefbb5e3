"""The fixed sector vocabulary, and finding sectors in free text.

Ids are stable (they are stored and translated by the bot); the words people use for each
sector are in each language's file (`[sectors]`, see `directory/languages.py`), plural, gender
and accent variants listed.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from directory.derived import load_or_build
from directory.kept import KeptBySize
from directory.languages import function_words, languages
from directory.phrases import Match, PhraseIndex
from directory.text import normalize, tokens

GENERAL = "informal_workers_general"
"""The sector of informal work as a whole: named, it narrows no search to a trade."""
SECTORS: tuple[str, ...] = (
    "street_vendors",
    "market_traders",
    "home_based_workers",
    "domestic_workers",
    "waste_pickers",
    "head_porters",
    "food_workers",
    GENERAL,
)

def _words() -> dict[str, tuple[str, ...]]:
    """Every language's words for each sector (`[sectors]` in `data/languages/*.toml`)."""
    table: dict[str, list[str]] = {sector: [] for sector in SECTORS}
    for language in languages().values():
        for sector, words in language.sectors.items():
            if sector not in table:
                raise ValueError(f"{language.code}.toml names an unknown sector {sector!r}")
            table[sector].extend(words)
    return {sector: tuple(words) for sector, words in table.items()}


# Words that look like a sector word but are not one: French "porter" (to carry, to lead: "co-porter
# un projet", "porter le chantier") and its forms are close to English "porters". Never matched,
# not even fuzzily; the nouns ("porteurs", "porteuses", "head porters", "kayayei") still are.
_NOT_SECTOR_WORDS = frozenset(
    {
        "porter", "porte", "portes", "portent", "portez", "portons", "portera", "porterait",
        "porterez", "porteront", "porterons", "portait", "portaient", "portant", "porta",
        "porti", "co porter", "coporter", "co portes", "co porte",
    }
)
# Function words are never typos of a sector word ("vender" is not "vendor").
_COMMON_WORDS = function_words()

def _build_tables() -> tuple[dict[str, str], PhraseIndex[str]]:
    phrases: dict[str, str] = {}
    for sector, words in _words().items():
        phrases[normalize(sector)] = sector
        for word in words:
            phrases.setdefault(normalize(word), sector)
    index = PhraseIndex((phrase.split(" "), sector) for phrase, sector in phrases.items())
    return phrases, index


@lru_cache(maxsize=1)
def _tables() -> tuple[dict[str, str], PhraseIndex[str]]:
    """Normalized phrase → sector id (ids themselves count as phrases too), and the index that
    finds them in text: kept between processes (`directory.derived`), since normalizing some
    2,600 phrases took 40 ms of every start."""
    return load_or_build("sectors", _build_tables)


def _phrases() -> dict[str, str]:
    return _tables()[0]


def _index() -> PhraseIndex[str]:
    return _tables()[1]


def find_sector_spans_in(words: Sequence[str]) -> list[tuple[int, int, str]]:
    """(first word, end word, sector) for each sector phrase in normalized `words`, in order;
    a typo is forgiven in words of five letters or more, never in "porter" and its forms."""
    index = _index()

    def fuzzy_at(i: int) -> bool:
        word = words[i]
        return word not in _NOT_SECTOR_WORDS and word not in _COMMON_WORDS

    def accept(match: Match[str]) -> bool:
        return " ".join(words[match.start : match.end]) not in _NOT_SECTOR_WORDS

    return [(m.start, m.end, m.value) for m in index.find(words, accept=accept, fuzzy_at=fuzzy_at)]


_NAMED: KeptBySize[str, tuple[str, ...]] = KeptBySize(size=1024, weight=262_144)
"""The sectors named in the last texts read, by text (1,024 texts, 262,144 characters)."""


def sectors_named(text: str, words: Sequence[str] | None = None) -> tuple[str, ...]:
    """The sector of every sector phrase in `text`, in order (repeats kept). `words`: the
    text's normalized words when a reader has them already (the policy engine): the
    directory's search of the same message then finds them kept (the same sectors as from
    `tokens(text)`: checked on 19,688 messages)."""
    found = _NAMED.get(text)
    if found is None:
        spans = find_sector_spans_in(tokens(text) if words is None else words)
        found = tuple(sector for _start, _end, sector in spans)
        _NAMED.keep(text, found, len(text))
    return found


def find_sectors(text: str) -> list[str]:
    """Sector ids named in `text`, in order of first mention, without repeats."""
    return list(dict.fromkeys(sectors_named(text)))


def parse_sector(value: str) -> str | None:
    """A sector id from an id or any known word (exact, after normalization)."""
    cleaned = value.strip()
    if cleaned in SECTORS:
        return cleaned
    return _phrases().get(normalize(cleaned))
