"""The languages the bot reads, each one data file: `data/languages/<code>.toml`.

Every language-specific word the domain uses lives in its language's file: function words,
request words, joiners between two questions, deadline words, sector words, the policy
concepts, the words that name a third party or introduce a place. Modules ask this one for
them, so adding a language is adding a file (and a catalog under `locales/`), not editing the
matcher, the cues, the sectors and the places one by one.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from directory.derived import load_or_build
from directory.text import normalize

_DIR = "languages"


@dataclass(frozen=True)
class Language:
    """One language's data; lists are normalized (lowercase, no accents) unless noted."""

    code: str
    name: str  # in the language itself ("Español"), as written
    stemmer: str  # snowballstemmer's name for it
    stopwords: frozenset[str]
    ask_words: frozenset[str]
    joiners: tuple[str, ...]  # as written: they are matched in raw text
    clause_asks: tuple[str, ...]  # as written: "and fund", "y nos pueden": a second request in one sentence
    followups: tuple[str, ...]  # normalized phrases that open a follow-up ("and in", "y en")
    conditional_asks: tuple[str, ...]  # normalized openers of a request on a condition ("and if you have")
    markers: frozenset[str]
    accents: str
    marks_short: bool  # its markers alone tell a short message's language (`langid`)
    suffixes: tuple[str, ...]
    time: Mapping[str, Any]
    third_party: Mapping[str, frozenset[str]]
    places: Mapping[str, frozenset[str]]
    sectors: Mapping[str, tuple[str, ...]]  # as written
    concepts: Mapping[str, tuple[str, ...]]  # as written ("=word" marks an exact word)


def normalized_set(values: Iterable[str]) -> frozenset[str]:
    return frozenset(normalize(v) for v in values)


def _parse(data: Mapping[str, Any]) -> Language:
    markers = data.get("markers", {})
    return Language(
        code=str(data["code"]),
        name=str(data["name"]),
        stemmer=str(data["stemmer"]),
        stopwords=normalized_set(data.get("stopwords", ())),
        ask_words=normalized_set(data.get("ask_words", ())),
        joiners=tuple(data.get("joiners", ())),
        clause_asks=tuple(data.get("clause_asks", ())),
        followups=tuple(normalize(f) for f in data.get("followups", ())),
        conditional_asks=tuple(normalize(f) for f in data.get("conditional_asks", ())),
        markers=normalized_set(markers.get("words", ())),
        accents=str(markers.get("accents", "")),
        marks_short=bool(markers.get("short", True)),
        suffixes=tuple(markers.get("suffixes", ())),
        time=dict(data.get("time", {})),
        third_party={k: normalized_set(v) for k, v in data.get("third_party", {}).items()},
        places={k: normalized_set(v) for k, v in data.get("places", {}).items()},
        sectors=_sectors(data.get("sectors", {}), data.get("sector_combos", {})),
        concepts={k: tuple(v) for k, v in data.get("concepts", {}).items()},
    )


def _sectors(words: Mapping[str, Any], combos: Mapping[str, Any]) -> dict[str, tuple[str, ...]]:
    """`[sectors]` as written, plus every phrase of `[sector_combos]`: a sector's people, a
    link word, a place of work ("commerçantes" "au" "marché"): people join the three freely, so
    the phrases are generated rather than listed one by one."""
    out = {k: list(v) for k, v in words.items()}
    for sector, combo in combos.items():
        generated = [
            f"{who} {link} {where}".replace("  ", " ")
            for who in combo["who"]
            for link in combo.get("links", [""])
            for where in combo["where"]
        ]
        out.setdefault(sector, []).extend(g for g in generated if g not in out[sector])
    return {k: tuple(v) for k, v in out.items()}


@cache
def languages() -> dict[str, Language]:
    """Every language file shipped, by code, in code order (parsed once, then read from the
    derived-data cache: parsing TOML took a tenth of a second at every start)."""
    return load_or_build("languages", _read_languages)


def _read_languages() -> dict[str, Language]:
    import tomllib

    found: dict[str, Language] = {}
    folder = resources.files("directory.data").joinpath(_DIR)
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".toml"):
            language = _parse(tomllib.loads(entry.read_text(encoding="utf-8")))
            if entry.name != f"{language.code}.toml":
                raise ValueError(f"{entry.name} declares code {language.code!r}")
            found[language.code] = language
    return found


@cache
def thanks_words() -> frozenset[str]:
    """Normalized words that thank, in every language (`data/smalltalk.toml`)."""
    import tomllib

    text = (resources.files("directory.data") / "smalltalk.toml").read_text(encoding="utf-8")
    return normalized_set(w for words in tomllib.loads(text)["thanks"].values() for w in words)


@cache
def codes() -> tuple[str, ...]:
    """The codes of the languages the bot reads ("en", "es", ...), in a fixed order."""
    return tuple(languages())


@cache
def function_words() -> frozenset[str]:
    """Function and question words of every language ("the", "how", "cómo"): never a typo of a
    sector word, never a place name, never a search term beside an organization's name."""
    return union(lambda lang: lang.stopwords | lang.ask_words)


def union(pick: Any) -> frozenset[str]:
    """The union over languages of `pick(language)` (a set of words)."""
    out: set[str] = set()
    for language in languages().values():
        out |= pick(language)
    return frozenset(out)
