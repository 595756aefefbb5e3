"""The fixed sector vocabulary and the words people use for each sector in en/es/fr/pt.

Ids are stable (they are stored and translated by the bot); the words here only recognize
sectors in free text, so plural, gender and accent variants are listed or derived.
"""

from __future__ import annotations

from functools import lru_cache

from rapidfuzz import fuzz, process

from directory.text import ngrams, normalize, tokens

SECTORS: tuple[str, ...] = (
    "street_vendors",
    "market_traders",
    "home_based_workers",
    "domestic_workers",
    "waste_pickers",
    "head_porters",
    "food_workers",
    "informal_workers_general",
)

_WORDS: dict[str, tuple[str, ...]] = {
    "street_vendors": (
        "street vendor",
        "street vendors",
        "street vending",
        "street trader",
        "street traders",
        "hawker",
        "hawkers",
        "peddler",
        "peddlers",
        "vendor",
        "vendors",
        "informal traders",
        "vendedor ambulante",
        "vendedores ambulantes",
        "vendedora ambulante",
        "vendedoras ambulantes",
        "ambulante",
        "ambulantes",
        "vendedores de calle",
        "venta ambulante",
        "comercio ambulante",
        "vendedores callejeros",
        "vendedor",
        "vendedores",
        "vendedora",
        "vendedoras",
        "camelô",
        "camelôs",
        "camelo",
        "camelos",
        "vendedores de rua",
        "vendedoras de rua",
        "vendedor de rua",
        "comércio de rua",
        "vendeur de rue",
        "vendeurs de rue",
        "vendeuse de rue",
        "vendeuses de rue",
        "marchand ambulant",
        "marchands ambulants",
        "marchande ambulante",
        "marchandes ambulantes",
        "vendeurs ambulants",
        "vendeur ambulant",
        "vendeurs",
        "commerce de rue",
        "commerçants ambulants",
    ),
    "market_traders": (
        "market trader",
        "market traders",
        "market vendor",
        "market vendors",
        "market women",
        "market sellers",
        "market workers",
        "comerciante de mercado",
        "comerciantes de mercado",
        "vendedores de mercado",
        "vendedoras de mercado",
        "placeras",
        "comerçant des marchés",
        "commerçants des marchés",
        "commerçantes des marchés",
        "commerçants de marché",
        "vendeuses des marchés",
        "feirante",
        "feirantes",
        "comerciantes de feira",
        "vendedores de feira",
    ),
    "home_based_workers": (
        "home based worker",
        "home based workers",
        "homeworker",
        "homeworkers",
        "home workers",
        "homebased workers",
        "outworkers",
        "trabajadora a domicilio",
        "trabajadoras a domicilio",
        "trabajadores a domicilio",
        "trabajadores en domicilio",
        "trabajadoras en domicilio",
        "trabajo a domicilio",
        "travailleur à domicile",
        "travailleurs à domicile",
        "travailleuses à domicile",
        "travail à domicile",
        "trabalhadora em domicílio",
        "trabalhadoras em domicílio",
        "trabalhadores em domicílio",
        "trabalhadoras a domicílio",
        "trabalhadores a domicílio",
        "trabalho em domicílio",
        "trabalho a domicílio",
    ),
    "domestic_workers": (
        "domestic worker",
        "domestic workers",
        "domestic work",
        "household worker",
        "household workers",
        "housekeeper",
        "housekeepers",
        "maid",
        "maids",
        "nanny",
        "nannies",
        "caregivers",
        "domestic helpers",
        "domestic helper",
        "trabajadora del hogar",
        "trabajadoras del hogar",
        "trabajadores del hogar",
        "trabajo del hogar",
        "trabajadora doméstica",
        "trabajadoras domésticas",
        "trabajadores domésticos",
        "empleada doméstica",
        "empleadas domésticas",
        "empleadas del hogar",
        "empleada del hogar",
        "travailleuse domestique",
        "travailleuses domestiques",
        "travailleurs domestiques",
        "travailleur domestique",
        "employée de maison",
        "employées de maison",
        "employés de maison",
        "femme de ménage",
        "femmes de ménage",
        "aide ménagère",
        "aides ménagères",
        "trabalhadora doméstica",
        "trabalhadoras domésticas",
        "trabalhadores domésticos",
        "empregada doméstica",
        "empregadas domésticas",
        "diarista",
        "diaristas",
        "doméstica",
        "domésticas",
        "babá",
        "babás",
    ),
    "waste_pickers": (
        "waste picker",
        "waste pickers",
        "wastepicker",
        "wastepickers",
        "waste collectors",
        "waste collector",
        "recycler",
        "recyclers",
        "rag picker",
        "rag pickers",
        "ragpickers",
        "scavengers",
        "reclaimers",
        "binners",
        "reciclador",
        "recicladores",
        "recicladora",
        "recicladoras",
        "cartonero",
        "cartoneros",
        "cartonera",
        "cartoneras",
        "pepenadores",
        "catador",
        "catadores",
        "catadora",
        "catadoras",
        "catadores de materiais recicláveis",
        "récupérateur",
        "récupérateurs",
        "récupératrices",
        "chiffonnier",
        "chiffonniers",
        "recycleurs",
        "ramasseurs de déchets",
        "trieurs de déchets",
        "collecteurs de déchets",
    ),
    "head_porters": (
        "head porter",
        "head porters",
        "market porter",
        "market porters",
        "porters",
        "kayayei",
        "kayayo",
        "cargador",
        "cargadores",
        "cargadoras",
        "estibadores",
        "carregador",
        "carregadores",
        "carregadoras",
        "porteur",
        "porteurs",
        "porteuses",
        "portefaix",
    ),
    "food_workers": (
        "food worker",
        "food workers",
        "restaurant workers",
        "hotel workers",
        "catering workers",
        "agricultural workers",
        "farm workers",
        "hospitality workers",
        "trabajadores de la alimentación",
        "trabajadoras de la alimentación",
        "trabajadores de restaurantes",
        "travailleurs de l'alimentation",
        "travailleurs de la restauration",
        "trabalhadores da alimentação",
        "trabalhadores de restaurantes",
    ),
    "informal_workers_general": (
        "informal worker",
        "informal workers",
        "informal economy",
        "informal sector",
        "trabajador informal",
        "trabajadores informales",
        "trabajadoras informales",
        "economía informal",
        "sector informal",
        "travailleur informel",
        "travailleurs informels",
        "travailleuses informelles",
        "économie informelle",
        "secteur informel",
        "trabalhador informal",
        "trabalhadores informais",
        "trabalhadoras informais",
        "economia informal",
        "setor informal",
    ),
}

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

_MAX_WORDS = 5
_FUZZY_MIN_LEN = 5
_FUZZY_CUTOFF = 88.0


@lru_cache(maxsize=1)
def _phrases() -> dict[str, str]:
    """Normalized phrase → sector id (ids themselves count as phrases too)."""
    table: dict[str, str] = {}
    for sector, words in _WORDS.items():
        table[normalize(sector)] = sector
        for word in words:
            table.setdefault(normalize(word), sector)
    return table


@lru_cache(maxsize=1)
def _fuzzy_choices() -> list[str]:
    return [p for p in _phrases() if len(p) >= _FUZZY_MIN_LEN]


@lru_cache(maxsize=16384)
def _lookup(phrase: str) -> str | None:
    if phrase in _NOT_SECTOR_WORDS:
        return None
    exact = _phrases().get(phrase)
    if exact is not None or len(phrase) < _FUZZY_MIN_LEN:
        return exact
    best = process.extractOne(
        phrase, _fuzzy_choices(), scorer=fuzz.ratio, score_cutoff=_FUZZY_CUTOFF
    )
    return None if best is None else _phrases()[best[0]]


def find_sector_spans(text: str) -> list[tuple[int, int, str]]:
    """(first token, end token, sector) for every sector phrase, longest match first."""
    words = tokens(text)
    taken = [False] * len(words)
    spans: list[tuple[int, int, str]] = []
    for start, end, phrase in ngrams(words, _MAX_WORDS):
        if any(taken[start:end]):
            continue
        sector = _lookup(phrase)
        if sector is not None:
            spans.append((start, end, sector))
            for i in range(start, end):
                taken[i] = True
    spans.sort()
    return spans


def find_sectors(text: str) -> list[str]:
    """Sector ids named in `text`, in order of first mention, without repeats."""
    seen: list[str] = []
    for _start, _end, sector in find_sector_spans(text):
        if sector not in seen:
            seen.append(sector)
    return seen


def parse_sector(value: str) -> str | None:
    """A sector id from an id or any known word (exact, after normalization)."""
    cleaned = value.strip()
    if cleaned in SECTORS:
        return cleaned
    return _phrases().get(normalize(cleaned))
