"""States, provinces and regions inside a country, named as places ("no Ceará", "in Gujarat").

People name their state or province as often as their city: "domestic workers in Gujarat",
"trabalhadoras domésticas no Ceará", "vendors in KwaZulu-Natal". CLDR names countries and UN
regions, and GeoNames' extract names cities, but neither names a country's first-level
subdivisions. pycountry ships ISO 3166-2 (about 3,600 of them); this module keeps those whose
name cannot be read as an ordinary word ("Pará" is Portuguese "para", "Centre" and "Littoral"
are regions of Cameroon) for the gazetteer, which keeps them with its derived data.
"""

from __future__ import annotations

import unicodedata
from collections import defaultdict

from directory.languages import union
from directory.text import normalize

MIN_LENGTH = 4
"""A name needs a word this long of its own: "Goa", "Oyo", "Ica" are too often a word or a part
of one in a chat."""
LOWERCASE_MIN_LENGTH = 7
"""A name this long is a place even written in lower case ("recicladores en antioquia")."""

GENERIC = frozenset(
    {
        "north", "south", "east", "west", "northern", "southern", "eastern", "western", "central",
        "centre", "centrale", "center", "centro", "norte", "sul", "sur", "sud", "nord", "est",
        "ouest", "oeste", "leste", "upper", "lower", "far", "coast", "coastal", "river", "rivers",
        "lakes", "lacs", "littoral", "plateau", "island", "islands", "isla", "region", "province",
        "capital", "district", "gulf", "bay", "sea", "midlands", "highlands", "city", "town",
        "saint", "san", "santa", "sao", "mount", "valley"
    }
)
"""Words that are no name of their own: a subdivision needs another word ("Western Cape",
"Nord-Kivu", "Santa Catarina"); "North West", "Far North", "Upper River" are descriptions."""

COMMON_WORDS = frozenset(
    {
        "alo", "atua", "bono", "chin", "colonia", "cortes", "delta", "flores", "gaza", "grad",
        "isabel", "mara", "marche", "mary", "meta", "moulins", "nan", "para", "pool", "principe",
        "redonda", "salto", "sucre", "tete", "store", "valle", "victoria", "sofia", "montana",
        "cayo", "rivera", "rocha", "cesar", "paola", "kara", "eua", "niger", "panama", "mexico",
        "guatemala", "volta", "granada", "florida", "colorado", "maria", "amazonas", "bolivar",
        "herrera", "guarda", "porto", "braga", "loja", "concepcion", "portuguesa", "salamat",
        "sahel", "nelson", "komi", "rivas", "farah", "amara", "saba", "pembroke", "berea", "faro",
        "atlantique", "maritime", "collines", "montagnes", "cordillera", "cuvette", "limon", "ngozi",
        "sonora", "pichincha", "oriental", "occidental", "central", "norte", "estuaire", "lagunes",
        "savanes", "cascades", "kasai", "hauts bassins", "boucle du mouhoun"
    }
) | frozenset({"gracias a dios", "la source", "la gare", "hope town", "au cap", "dar a", "ma an",
               "long an", "son la", "roi et", "la union", "la colle", "treinta y tres", "el oro",
               "los rios", "los lagos", "los santos", "entre rios", "madre de dios", "el valle"})
"""Single names that are words in one of our languages (or a country's name, read as the
country), and phrases that are sentences' words: never read as a subdivision."""


SAINTS = frozenset({"san", "santa", "santo", "saint", "sainte", "sao", "st"})
SAINTS_KEPT = frozenset(
    {"santa catarina", "santa fe", "san luis potosi", "santiago del estero", "santa cruz",
     "santo domingo", "sao paulo", "sao tome", "san salvador", "santa elena"}
)
"""Saints' names are those of dozens of places and things; only these states and provinces are
known by theirs."""


def subdivision_names(countries: frozenset[str]) -> dict[str, tuple[str, str, frozenset[str]]]:
    """Normalized name → (ISO 3166-2 code, name, every country with a subdivision of that name)
    of the first-level subdivisions of `countries` that can be read as places."""
    import pycountry  # only when the gazetteer is built: the derived data keeps the result

    common = COMMON_WORDS | union(lambda lang: lang.stopwords | lang.ask_words)
    found: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
    for sub in pycountry.subdivisions:
        if sub.parent_code is not None or sub.country_code not in countries:
            continue
        for name in _forms(sub.name):
            key = normalize(name)
            words = key.split()
            if key in common or not any(_distinctive(w, common) for w in words):
                continue  # "Far North", "Upper River", "Pará": words, not a place's name
            if words[0] in SAINTS and key not in SAINTS_KEPT:
                continue  # "San Marcos", "Saint James": a university, a parish, a street
            found[key].append((sub.code, _shown(name), sub.country_code))
    return {
        key: (subs[0][0], subs[0][1], frozenset(c for _code, _name, c in subs))
        for key, subs in found.items()
    }


def _distinctive(word: str, common: frozenset[str]) -> bool:
    """A word that names a place on its own: "Kivu" in "Nord-Kivu", "Cape" in "Western Cape"."""
    return len(word) >= MIN_LENGTH and word not in GENERIC and word not in common


def _shown(name: str) -> str:
    """The name as people write it: ISO's transliteration marks dropped ("Gujarāt" → "Gujarat"),
    the accents of the name's own language kept ("Ceará")."""
    decomposed = unicodedata.normalize("NFD", name)
    return unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in _TRANSLITERATION_MARKS))


_TRANSLITERATION_MARKS = frozenset("\u0304\u0323\u0331\u0306")  # macron, dot and line below, breve


def _forms(name: str) -> list[str]:
    """A name and its parts: "Ilocos (Region I)" → Ilocos; "Catalunya [Cataluña]" → both;
    "Bruxelles-Capitale, Région de" → Bruxelles-Capitale."""
    head = name.split(" (")[0].split(",")[0]
    forms = [head.split(" [")[0]]
    if "[" in head:
        forms.append(head.split("[", 1)[1].rstrip("]"))
    return [f.strip() for f in forms if f.strip()]
