"""Referrals that always reach someone: which organizations to name for a question, and why.

A referral takes what the question asks for (sectors, places, the words, and whom the policy
rule refers to: networks, member organizations or both) and returns the organizations nearest
first together with what happened: found in the place; nobody of that sector there, so the
networks that cover the place; a place was named but not recognized, so the sector's global
networks; or no place named at all. It never fills a gap with organizations of unrelated
countries, and it knows the larger directories that list far more organizations than ours.

The same request always gives the same order, so "more" can continue where an answer stopped.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import cache, lru_cache
from typing import Literal

from directory.organizations import Organization
from directory.places import (
    Gazetteer,
    Place,
    calendar_and_language_words,
    gazetteer,
    most_specific,
)
from directory.search import Directory, Hit
from directory.sectors import GENERAL, find_sectors
from directory.text import normalize, strip_accents, tokens

RefersTo = Literal["networks", "members", "both"]
Outcome = Literal["in_place", "others_in_place", "around_place", "place_unknown", "no_place"]
"""What the referral found:

- `in_place`: organizations of the sector (any sector, if none was named) in the place;
- `others_in_place`: none of that sector there, but organizations of related or all-sector
  workers in the place, then the networks that cover it;
- `around_place`: nobody listed in the place: the regional networks covering it and the
  sector's global networks;
- `place_unknown`: a place was named that neither the gazetteer nor the directory knows:
  the sector's global networks;
- `no_place`: no place named: the sector's networks, global first, then regional.
"""

NETWORK_KINDS = frozenset({"global_network", "regional_network"})
MEMBER_KINDS = frozenset({"national", "local"})
POOL = 20  # organizations considered for one referral (its answer and every "more" page)
_MAX_NAMED = 2  # a proper noun found in more records than this sets nobody apart
_MIN_NAME_LEN = 4
_MAX_NAME_WORDS = 3
_REACH_DEPTH = 4  # parents followed to find a network with a website


@dataclass(frozen=True)
class LargerDirectory:
    """A public directory far larger than ours; `sectors` empty means every sector."""

    id: str
    url: str
    sectors: frozenset[str] = frozenset()


# WIEGO's own and the networks' directories (../shared/data/README.md). The StreetNet and
# IDWF pages are the listings their affiliates' own pages live under in the sources.
LARGER_DIRECTORIES: tuple[LargerDirectory, ...] = (
    LargerDirectory("globalrec", "https://globalrec.org/waw/", frozenset({"waste_pickers"})),
    LargerDirectory(
        "streetnet", "https://streetnet.org.za/organization/", frozenset({"street_vendors", "market_traders"})
    ),
    LargerDirectory("idwf", "https://idwfed.org/en/affiliates", frozenset({"domestic_workers"})),
    LargerDirectory("wiego", "https://www.wiego.org/organizing/organizations"),
)
_DIRECTORY_BY_ID = {d.id: d for d in LARGER_DIRECTORIES}


def larger_directory(directory_id: str) -> LargerDirectory:
    return _DIRECTORY_BY_ID[directory_id]


@dataclass(frozen=True)
class Referral:
    """One page of a referral and what it means."""

    organizations: tuple[Organization, ...]  # this page, nearest first
    outcome: Outcome
    total: int  # organizations in the whole referral (pages: offset in [0, total))
    refers_to: RefersTo = "both"
    sectors: tuple[str, ...] = ()  # the sectors asked for (the all-sector one left out)
    places: tuple[Place, ...] = ()  # the places recognized
    unrecognized: tuple[str, ...] = ()  # place-like names nobody knows ("BH", "Kibera")
    directories: tuple[str, ...] = ()  # ids of LARGER_DIRECTORIES that fit, best first
    reach: dict[str, Organization] = field(default_factory=dict, compare=False)
    """For an organization without a website: the network to reach it through, by its id."""
    offset: int = 0
    total_capped: bool = False  # only for searches by words: more than `total` matched

    @property
    def countries(self) -> tuple[str, ...]:
        return tuple(sorted({c for p in self.places if p.kind != "region" for c in p.countries}))

    @property
    def regions(self) -> tuple[str, ...]:
        return tuple(sorted({p.code for p in self.places if p.kind == "region"}))


# --- names in the question ------------------------------------------------------------------
_WORD = re.compile(r"[^\W\d_][^\W_]*(?:[-'’][^\W\d_]+)*")
_OPENERS = " \t\r\"'«“("  # may stand between a sentence's end and its first word
_SENTENCE_END = ".!?¡¿\n:;"
# Words after which a capitalized name is most likely a place ("in BH", "em Kibera", "à Pikine").
_LOCATIVES = frozenset({"in", "near", "en", "em", "no", "na", "nos", "nas", "dans", "à", "au", "aux"})
# "de BH", "do RJ": only short abbreviations count after these ("Red de Mujeres" abounds).
_WEAK_LOCATIVES = frozenset({"de", "do", "da", "del"})
_ARTICLES = frozenset({"the", "la", "el", "los", "las", "le", "les", "o", "a", "os", "as"})
# "en la colonia Pitufolandia", "au quartier Ça-Va-Aller", "no bairro Buraco do Zezé": the name
# comes after a word for a part of a town.
_DISTRICT_WORDS = frozenset(
    {
        "colonia", "barrio", "barrios", "bairro", "comuna", "favela", "vila", "villa", "quartier",
        "quartiers", "cite", "commune", "neighbourhood", "neighborhood", "district", "township",
        "estate", "settlement", "slum", "asentamiento", "sector", "zona", "zone", "localidad",
        "distrito",
    }
)
# Capitalized words and acronyms that follow "in" or "de" without naming a place.
_NOT_PLACE_WORDS = (
    "wiego ong ongs ngo ngos un onu ilo oit who oms imf fmi eu ue sdg ods csr rse esg btp hr rh "
    "it ai ia pr phd msc mba covid telegram whatsapp facebook google internet my our your this "
    "that mi mis su sus nuestro nuestra este esta mon ma mes notre nos ce cette meu minha nosso "
    "nossa i we yo je eu general all every todo toda tout toute"
)
_NOT_PLACES = frozenset(_NOT_PLACE_WORDS.split())


@cache
def _not_names() -> frozenset[str]:
    """Capitalized words that name no place or market: "in March", "ILO", "WIEGO"."""
    return _NOT_PLACES | calendar_and_language_words()


@lru_cache(maxsize=64)
def _words(text: str) -> tuple[tuple[str, bool], ...]:
    """The words of `text` as written (possessive 's dropped), each with whether it starts a
    sentence (where a capital letter says nothing); kept for the few texts of one answer, which
    reads them for places and for names."""
    out: list[tuple[str, bool]] = []
    end = 0
    for match in _WORD.finditer(text):
        gap = text[end : match.start()].rstrip(_OPENERS)  # what is before it, quotes aside
        starts = gap[-1] in _SENTENCE_END if gap else not out
        word = match.group()
        out.append((word[:-2] if word.endswith(("'s", "’s")) else word, starts))
        end = match.end()
    return tuple(out)


def _capitalized(word: str) -> bool:
    return word[:1].isupper()


def _abbreviation(word: str, longest: int = 5) -> bool:
    return 2 <= len(word) <= longest and word.isupper() and word.isalpha()


def place_like_names(text: str) -> list[str]:
    """Capitalized names written where a place goes ("in BH", "em Kibera"), as written.

    Whether anyone knows them is decided later (the gazetteer, then the directory). A message
    written all in capitals tells nothing by its case, so it yields none.
    """
    if not any(ch.islower() for ch in text):
        return []
    marked = _words(text)
    words = [w for w, _start in marked]
    excluded = calendar_and_language_words()
    found: list[str] = []
    for i, word in enumerate(words[:-1]):
        key = word.casefold()
        strong = key in _LOCATIVES
        if not strong and key not in _WEAK_LOCATIVES:
            continue
        j = i + 1
        while j < len(words) - 1 and words[j].casefold() in _ARTICLES and not marked[j][1]:
            j += 1
        if j < len(words) - 1 and strip_accents(words[j].casefold()) in _DISTRICT_WORDS:
            j += 1
            while j < len(words) - 1 and words[j].casefold() in (*_ARTICLES, "de", "do", "da", "del", "du"):
                j += 1
        run: list[str] = []
        while j < len(words) and len(run) < _MAX_NAME_WORDS and _capitalized(words[j]) and not marked[j][1]:
            run.append(words[j])
            j += 1
        if not run or (not strong and not (len(run) == 1 and _abbreviation(run[0], 3))):
            continue
        name = " ".join(run)
        norm = normalize(name)
        if not norm or any(w in _NOT_PLACES or w in excluded for w in norm.split()):
            continue
        if find_sectors(name) or norm in {normalize(n) for n in found}:
            continue
        found.append(name)
    return found


def proper_nouns(text: str) -> frozenset[str]:
    """Capitalized words that do not start a sentence, normalized: names of markets, landfills,
    places the gazetteer may not know ("la décharge de Mbeubeuss")."""
    excluded = _not_names()
    return frozenset(
        norm
        for word, start in _words(text)
        if not start
        and _capitalized(word)
        and len(word) >= _MIN_NAME_LEN
        and (norm := normalize(word))
        and " " not in norm
        and norm not in excluded
    )


@lru_cache(maxsize=4096)
def _record_words(org: Organization) -> frozenset[str]:
    """The words of an organization's record (kept: the same organizations come up again)."""
    return frozenset(tokens(" ".join([org.name, org.acronym, org.city, *(t for _l, t in org.summaries)])))


def named_first(names: frozenset[str], pool: Sequence[Organization]) -> list[Organization]:
    """`pool` with the organizations whose record names one of `names` first.

    Only a name that sets a few organizations apart counts ("WIEGO", in many records, does not).
    """
    if not names or not pool:
        return list(pool)
    records = [_record_words(o) & names for o in pool]
    rare = {n for n in names if 0 < sum(n in r for r in records) <= _MAX_NAMED}
    if not rare:
        return list(pool)
    order = sorted(range(len(pool)), key=lambda i: not records[i] & rare)
    return [pool[i] for i in order]


def _ordered(refers_to: RefersTo, names: frozenset[str], pool: Iterable[Organization]) -> list[Organization]:
    """Networks first for "networks" (speakers), members first for "members" (interns); within
    each group, those whose record names the question's proper nouns first."""
    lead = {"networks": NETWORK_KINDS, "members": MEMBER_KINDS}.get(refers_to)
    items = list(pool)
    if lead is None:
        return named_first(names, items)
    first = [o for o in items if o.kind in lead]
    return named_first(names, first) + named_first(names, [o for o in items if o.kind not in lead])


def _unique(orgs: Iterable[Organization]) -> list[Organization]:
    seen: set[str] = set()
    out: list[Organization] = []
    for org in orgs:
        if org.id not in seen:
            seen.add(org.id)
            out.append(org)
    return out


def _place_outcome(sectors: Sequence[str], first: Hit | None, region_asked: bool = False) -> Outcome:
    """What a search in a place found, from its first hit (the nearest tier comes first; when
    the place asked for is a region, its own networks are that tier)."""
    nearest = ("place", "region") if region_asked else ("place",)
    if first is None or first.reason not in nearest:
        return "around_place"
    if not sectors or set(first.org.sectors) & set(sectors):
        return "in_place"
    return "others_in_place"


def fitting_directories(sectors: Iterable[str], outcome: Outcome) -> tuple[str, ...]:
    """The larger directories for these sectors; WIEGO's own when nothing fits better or
    when ours has nobody in the place."""
    wanted = set(sectors)
    fitting = [d.id for d in LARGER_DIRECTORIES if d.sectors & wanted]
    if not fitting or outcome not in ("in_place", "no_place"):
        fitting.append("wiego")
    return tuple(fitting)


class Referrals:
    """Chooses the organizations for a question; plain data in, plain data out."""

    def __init__(self, directory: Directory, gaz: Gazetteer | None = None) -> None:
        self._directory = directory
        self._gaz = gaz or gazetteer()

    async def refer(
        self,
        refers_to: RefersTo,
        sectors: Iterable[str],
        places: Iterable[Place],
        text: str,
        *,
        by_words: bool = False,
        limit: int = 5,
        offset: int = 0,
        unknown: Sequence[str] = (),
    ) -> Referral:
        """Organizations for the question, nearest first, from `offset`, and what happened.

        `by_words` searches the directory with the question's own words too (the directory
        rule, /search): the order is the search's, paged by the database.
        """
        wanted = [s for s in dict.fromkeys(sectors) if s != GENERAL]
        known = tuple(most_specific(dict.fromkeys(places)))
        found, named_orgs = await self._unknown_names(text, known)
        unknown = tuple(dict.fromkeys([*unknown, *found]))  # `unknown`: a follow-up's "and in Wakanda?"
        if by_words:
            given = list(dict.fromkeys(sectors))
            return await self._by_words(text, given, known, unknown, named_orgs, limit, offset)
        names = self._names(text)
        countries = sorted({c for p in known if p.kind != "region" for c in p.countries})
        regions = sorted({p.code for p in known if p.kind == "region"})
        outcome: Outcome
        if countries or regions:
            result = await self._directory.search(
                "", sectors=wanted, countries=countries, regions=regions, limit=POOL
            )
            pool = [h.org for h in result.hits]
            outcome = _place_outcome(
                wanted, result.hits[0] if result.hits else None, region_asked=bool(regions) and not countries
            )
            if not pool or (not wanted and text.strip()):
                # a question that names no trade: after the place's organizations, the global
                # networks, which reach every trade there ("no toilets at our market in Dakar");
                # a listing of a place's organizations (no question) stays that place's
                pool += await self._global_networks(wanted)
        elif unknown:
            outcome = "place_unknown"
            pool = named_orgs + await self._global_networks(wanted)
        elif wanted:
            # no place: the sector's networks, which reach its organizations everywhere, never
            # the national organizations of whichever country happens to rank first
            outcome = "no_place"
            result = await self._directory.search("", sectors=wanted, limit=POOL)
            networks = [h.org for h in result.hits if h.org.kind != "national" and h.org.kind != "local"]
            pool = _unique([*named_orgs, *await self._global_networks(wanted), *networks])
        else:
            outcome = "no_place"
            pool = await self._directory.global_networks()
        ordered = _ordered(refers_to, names, _unique(pool))
        referral = await self._page(ordered, outcome, wanted, known, unknown, limit, offset)
        return replace(referral, refers_to=refers_to)

    async def _by_words(
        self,
        text: str,
        sectors: list[str],
        places: tuple[Place, ...],
        unknown: tuple[str, ...],
        named_orgs: list[Organization],
        limit: int,
        offset: int,
    ) -> Referral:
        countries = sorted({c for p in places if p.kind != "region" for c in p.countries})
        regions = sorted({p.code for p in places if p.kind == "region"})
        result = await self._directory.search(
            text, sectors=sectors, countries=countries, regions=regions, limit=limit, offset=offset
        )
        wanted = [s for s in result.sectors if s != GENERAL]
        found_places = tuple(dict.fromkeys(result.places))
        if not found_places and unknown and result.sectors:
            # "street vendors in BH": not every street vendors' organization in the world
            pool = _unique([*named_orgs, *await self._global_networks(wanted or sorted(result.sectors))])
            return await self._page(pool, "place_unknown", wanted, (), unknown, limit, offset)
        outcome: Outcome = "no_place"
        region_asked = all(p.kind == "region" for p in found_places)
        if found_places and offset <= 0:  # the first page starts with the nearest tier
            first = result.hits[0] if result.hits else None
            outcome = _place_outcome(wanted, first, region_asked)
        elif found_places:
            place_countries = sorted({c for p in found_places if p.kind != "region" for c in p.countries})
            place_regions = sorted({p.code for p in found_places if p.kind == "region"})
            probe = await self._directory.search(
                "", sectors=sorted(result.sectors), countries=place_countries, regions=place_regions, limit=1
            )
            first = probe.hits[0] if probe.hits else None
            outcome = _place_outcome(wanted, first, region_asked)
        orgs = tuple(h.org for h in result.hits)
        return Referral(
            organizations=orgs,
            outcome=outcome,
            total=result.total,
            sectors=tuple(sorted(result.sectors)),  # as understood, the all-sector one too
            places=found_places,
            unrecognized=unknown if not found_places else (),
            directories=fitting_directories(result.sectors, outcome),
            reach=await self.reach_through(orgs),
            offset=offset,
            total_capped=result.total_capped,
        )

    async def _page(
        self,
        pool: list[Organization],
        outcome: Outcome,
        wanted: list[str],
        places: tuple[Place, ...],
        unknown: tuple[str, ...],
        limit: int,
        offset: int,
    ) -> Referral:
        start = max(offset, 0)
        page = tuple(pool[start : start + max(limit, 0)])
        return Referral(
            organizations=page,
            outcome=outcome,
            total=len(pool),
            sectors=tuple(sorted(wanted)),
            places=places,
            unrecognized=unknown if outcome == "place_unknown" else (),
            directories=fitting_directories(wanted, outcome),
            reach=await self.reach_through(page),
            offset=start,
        )

    def _names(self, text: str) -> frozenset[str]:
        """Proper nouns that may single organizations out: a city does (organizations there come
        first), a country or a region does not (it already chose the organizations)."""
        return frozenset(
            name
            for name in proper_nouns(text)
            if not any(p.kind != "city" for p in self._gaz.find(f"in {name}"))
        )

    async def _global_networks(self, sectors: Sequence[str]) -> list[Organization]:
        """The sectors' global networks; every global network when none is of those sectors."""
        return await self._directory.global_networks(sectors) or await self._directory.global_networks()

    async def _unknown_names(
        self, text: str, places: tuple[Place, ...]
    ) -> tuple[tuple[str, ...], list[Organization]]:
        """Place-like names neither the gazetteer nor the directory knows, and the
        organizations whose own record names one of the others (a market, a landfill)."""
        unknown: list[str] = []
        named: list[Organization] = []
        for name in place_like_names(text):
            if self._gaz.find(f"in {name}"):  # as written after "in": cities that are words too
                continue
            words = set(tokens(name))
            hits = await self._directory.search(name, limit=10)
            naming = [h.org for h in hits.hits if words <= _record_words(h.org)]
            if naming:
                named += naming
            elif not places:
                unknown.append(name)
        return tuple(unknown), _unique(named)

    async def reach_through(self, orgs: Iterable[Organization]) -> dict[str, Organization]:
        """For each organization without a website, the nearest network it belongs to that
        has one (its `parent`, else the parent's parent...)."""
        out: dict[str, Organization] = {}
        cache: dict[str, Organization | None] = {}
        for org in orgs:
            if org.website:
                continue
            parent_id, depth, seen = org.parent, 0, {org.id}
            while parent_id and parent_id not in seen and depth < _REACH_DEPTH:
                seen.add(parent_id)
                if parent_id not in cache:
                    cache[parent_id] = await self._directory.get(parent_id)
                parent = cache[parent_id]
                if parent is None:
                    break
                if parent.website:
                    out[org.id] = parent
                    break
                parent_id, depth = parent.parent, depth + 1
        return out
