"""Cues in a question besides its topic: a deadline, who is asking, which language.

A proposal "due in three weeks" is a different answer from one due in three months, and a
student asking for workers' contacts is answered as both; these cues are read here with small
tables in the four languages, so the matcher and the referral can use them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from directory.policy.lexicon import CONTRACTION, LANGS, STOPWORDS
from directory.text import tokens

SHORT_DEADLINE_DAYS = 30
"""A proposal due in fewer days than this is "within the next month"."""

_UNITS: dict[str, int] = {}
for _days, _words in (
    (1, "day days dia dias jour jours diario"),
    (7, "week weeks semana semanas semaine semaines"),
    (30, "month months mes meses mois"),
    (365, "year years ano anos an ans annee annees"),
    (14, "fortnight fortnights"),
    (15, "quincena quincenas quinzaine quinzaines quinzena quinzenas"),
):
    _UNITS.update(dict.fromkeys(_words.split(), _days))
_HOURS = frozenset({"hour", "hours", "hora", "horas", "heure", "heures", "h", "hrs"})

_NUMBERS: dict[str, int] = {}
for _lang_words in (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen twenty",
    "cero uno dos tres cuatro cinco seis siete ocho nueve diez once doce trece catorce quince "
    "dieciseis diecisiete dieciocho diecinueve veinte",
    "zero un deux trois quatre cinq six sept huit neuf dix onze douze treize quatorze quinze "
    "seize dixsept dixhuit dixneuf vingt",
    "zero um dois tres quatro cinco seis sete oito nove dez onze doze treze catorze quinze "
    "dezesseis dezessete dezoito dezenove vinte",
):
    _NUMBERS.update({w: i for i, w in enumerate(_lang_words.split())})
_NUMBERS.update(
    {"a": 1, "an": 1, "una": 1, "une": 1, "uma": 1, "duas": 2, "quatorze": 14,
     "dezasseis": 16, "dezassete": 17, "dezanove": 19, "thirty": 30, "treinta": 30,
     "trente": 30, "trinta": 30, "couple": 2, "par": 2, "few": 3, "several": 3, "unos": 3,
     "unas": 3, "algunos": 3, "algunas": 3, "quelques": 3, "alguns": 3, "algumas": 3,
     "poucos": 3, "poucas": 3, "pocos": 3, "pocas": 3}
)
_TENS = {20: ("twenty", "veinte", "vingt", "vinte"), 30: ("thirty", "treinta", "trente", "trinta")}
_TEN_WORDS = {w: n for n, ws in _TENS.items() for w in ws}
_JOINERS = frozenset({"y", "e", "et"})
# Words before a number of days that make it not a deadline ("for two weeks", "hace un mes").
_NOT_AHEAD_BEFORE = frozenset(
    {"for", "since", "during", "past", "last", "hace", "durante", "desde", "pendant", "depuis",
     "ha", "faz", "por", "lasted", "old"}
)
_NOT_AHEAD_AFTER = frozenset(
    {"ago", "atras", "old", "long", "experience", "experiencia", "internship"}
)
_WITHIN = frozenset(
    {"within", "under", "dentro", "ici", "menos", "moins", "less", "before", "antes", "avant"}
)

# Relative phrases (normalized) and the days they leave.
_RELATIVE: dict[str, int] = {}
for _days, _phrases in (
    (0, "today|tonight|hoy|esta noche|aujourd hui|ce soir|hoje|hoje a noite"),
    (1, "tomorrow|manana|demain|amanha"),
    (2, "day after tomorrow|pasado manana|apres demain|depois de amanha"),
    (3, "next few days|coming days|proximos dias|prochains jours|proximos dias"),
    (5, "this week|end of the week|esta semana|fin de semana|cette semaine|fin de la semaine"
        "|essa semana|fim da semana|fim de semana"),
    (7, "next week|coming week|semana que viene|proxima semana|semana proxima|semana entrante"
        "|semaine prochaine|semaine qui vient|semana que vem|a semana que vem"),
    (12, "end of next week|fin de la semana que viene|fin de la semaine prochaine"
         "|fim da semana que vem|fim da proxima semana"),
    (20, "this month|end of the month|end of this month|este mes|fin de mes|finales de mes"
         "|fin del mes|ce mois|fin du mois|fin de ce mois|este mes|esse mes|fim do mes"),
    (30, "next month|mes que viene|proximo mes|mes proximo|mois prochain|mes que vem"),
    (35, "early next month"),
):
    _RELATIVE.update(dict.fromkeys(_phrases.split("|"), _days))
_WEEKDAYS = frozenset(
    {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
     "lunes", "martes", "miercoles", "jueves", "viernes", "sabado", "domingo",
     "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"}
)
_PT_WEEKDAYS = frozenset({"segunda", "terca", "quarta", "quinta", "sexta"})
# "até sexta", "na quinta": a Portuguese weekday without "feira" ("a sexta parte" is not one)
_PT_WEEKDAY_BEFORE = frozenset({"ate", "na", "nesta", "proxima", "essa", "esta"})
_RELATIVE_RE = re.compile(
    r"\b(" + "|".join(sorted(map(re.escape, _RELATIVE), key=len, reverse=True)) + r")\b"
)


def _number_at(words: list[str], i: int) -> tuple[int, int] | None:
    """(value, first index) of a number ending at `words[i]`: digits, words, "twenty one"."""
    word = words[i]
    if word.isdigit() and len(word) <= 4:
        value, start = int(word), i
    elif word in _NUMBERS:
        value, start = _NUMBERS[word], i
    else:
        return None
    # "twenty one", "veinte y uno", "vingt et un", "vinte e um", "dix sept"
    j = i - 1
    if j >= 0 and words[j] in _JOINERS:
        j -= 1
    if 0 <= j < i and words[j] in _TEN_WORDS and value < 10:
        return _TEN_WORDS[words[j]] + value, j
    if j >= 0 and words[j] == "dix" and value < 10:
        return 10 + value, j
    return value, start


def _counted(words: list[str]) -> Iterable[int]:
    """Days in "<number> <unit>" spans that look ahead ("in 10 days", not "10 days ago")."""
    for k, word in enumerate(words):
        unit = _UNITS.get(word)
        hours = word in _HOURS
        if unit is None and not hours:
            continue
        # the number right before the unit, or one word earlier ("10 working days")
        for back in (1, 2):
            if k - back < 0:
                break
            found = _number_at(words, k - back)
            if found is None:
                continue
            value, start = found
            before = words[start - 1] if start > 0 else ""
            after = words[k + 1] if k + 1 < len(words) else ""
            if before in _NOT_AHEAD_BEFORE or after in _NOT_AHEAD_AFTER:
                break
            if words[max(start - 3, 0) : start] == ["il", "y", "a"]:  # French "ago"
                break
            days = (value + 23) // 24 if hours else value * (unit or 0)
            if before in _WITHIN or (start > 1 and words[start - 2] in _WITHIN):
                days = max(days - 1, 0)
            yield days
            break


def deadline_days(text: str) -> int | None:
    """Days until the nearest deadline the text names, or None when it names none."""
    words = tokens(text)
    found = list(_counted(words))
    joined = " ".join(words)
    for match in _RELATIVE_RE.finditer(joined):
        days = _RELATIVE[match.group(1)]
        prefix = joined[: match.start()].split()[-2:]
        if days >= SHORT_DEADLINE_DAYS and any(w in _WITHIN for w in prefix):
            days = SHORT_DEADLINE_DAYS - 1
        found.append(days)
    for k, word in enumerate(words):
        nxt = words[k + 1] if k + 1 < len(words) else ""
        prev = words[k - 1] if k > 0 else ""
        if word in _WEEKDAYS or (
            word in _PT_WEEKDAYS and (nxt == "feira" or prev in _PT_WEEKDAY_BEFORE)
        ):
            found.append(7)
    return min(found) if found else None


def is_short(days: int | None) -> bool:
    return days is not None and days < SHORT_DEADLINE_DAYS


# Words only one of the four languages uses often: enough to tell them apart in a sentence.
_COMMON_VERBS = {
    "en": {"want", "need", "looking", "would", "like", "thanks", "thank", "get", "give", "help"},
    "es": {"tienen", "pueden", "puede", "quiero", "necesito", "puedo", "hacer", "gracias",
           "quisiera", "tengo", "estamos", "quisieramos", "queremos", "busco", "hay"},
    "fr": {"vous", "nous", "avez", "pouvez", "voudrais", "besoin", "merci", "cherche",
           "aimerions", "souhaite", "souhaitons", "faire", "peut", "est", "sont"},
    "pt": {"tem", "voces", "voce", "podem", "pode", "quero", "preciso", "obrigado", "obrigada",
           "gostaria", "estamos", "fazer", "nao", "sao", "tenho", "queremos", "vcs"},
}
_MARKERS: dict[str, frozenset[str]] = {
    lang: (STOPWORDS[lang] | _COMMON_VERBS[lang])
    - frozenset().union(*(STOPWORDS[o] | _COMMON_VERBS[o] for o in LANGS if o != lang))
    for lang in LANGS
}
_ACCENT_HINTS = {"es": "ñ¿¡", "fr": "èêàùœîâë", "pt": "ãõâêô"}
_SUFFIX_HINTS = {
    "en": ("ing", "ship"),
    "es": ("cion", "ciones", "miento", "dad", "mos"),
    "fr": ("tion", "tions", "eaux", "ique", "ez"),
    "pt": ("cao", "coes", "mento", "dade", "mos", "nh"),
}


def detect_language(text: str) -> str:
    """The question's language among en/es/fr/pt, by distinctive function words (default en)."""
    words = tokens(CONTRACTION.sub("nt", text))
    scores = {lang: float(sum(w in _MARKERS[lang] for w in words)) for lang in LANGS}
    lowered = text.lower()
    for lang, marks in _ACCENT_HINTS.items():
        scores[lang] += sum(0.5 for ch in lowered if ch in marks)
    for lang, suffixes in _SUFFIX_HINTS.items():
        scores[lang] += sum(0.5 for w in words if w.endswith(suffixes))
    best = max(LANGS, key=lambda lang: scores[lang])
    return best if scores[best] > 0 else "en"


ASKER_PREFIX = "asker_"


def askers(concepts: Iterable[str]) -> tuple[str, ...]:
    """Who is asking, from the matcher's `asker_*` concepts (student, journalist, company...)."""
    found = (c.removeprefix(ASKER_PREFIX) for c in concepts if c.startswith(ASKER_PREFIX))
    return tuple(sorted(found))
