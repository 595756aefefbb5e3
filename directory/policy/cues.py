"""Cues in a question besides its topic: a deadline, who is asking.

A proposal "due in three weeks" is a different answer from one due in three months, and a
student asking for workers' contacts is answered as both; these cues are read here with small
tables from each language's file (`directory/languages.py`), so the matcher and the referral can use them.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from typing import Any

from directory.languages import languages
from directory.text import alternation, normalize, tokens

SHORT_DEADLINE_DAYS = 30
"""A proposal due in fewer days than this is "within the next month"."""

def _time(key: str) -> list[Any]:
    """`[time] key` of every language, as a list of values (tables become their items)."""
    out: list[Any] = []
    for language in languages().values():
        value = language.time.get(key, ())
        out.extend(value.items() if isinstance(value, dict) else value)
    return out


_UNITS: dict[str, int] = {normalize(w): int(d) for w, d in _time("units")}
_HOURS = frozenset(normalize(w) for w in _time("hours"))
_NUMBERS: dict[str, int] = {normalize(w): int(n) for w, n in _time("numbers")}
_TEN_WORDS: dict[str, int] = {normalize(w): int(n) for w, n in _time("tens")}
_JOINERS = frozenset(normalize(w) for w in _time("number_joiners"))
# Words before a number of days that make it not a deadline ("for two weeks", "hace un mes").
_NOT_AHEAD_BEFORE = frozenset(normalize(w) for w in _time("not_ahead_before"))
_NOT_AHEAD_AFTER = frozenset(normalize(w) for w in _time("not_ahead_after"))
_WITHIN = frozenset(normalize(w) for w in _time("within"))
# Relative phrases (normalized) and the days they leave.
_RELATIVE: dict[str, int] = {normalize(p): int(d) for p, d in _time("relative")}
_WEEKDAYS = frozenset(normalize(w) for w in _time("weekdays"))
# "até sexta", "na quinta": a weekday written without its "feira" ("a sexta parte" is not one)
_SHORT_WEEKDAYS = frozenset(normalize(w) for w in _time("weekdays_short"))
_WEEKDAY_CUES = frozenset(normalize(w) for w in _time("weekday_cues"))
_WEEKDAY_RE = re.compile(r"\b(" + alternation(_WEEKDAYS) + r")\b")
_MONTHS: dict[str, int] = {normalize(w): int(m) for w, m in _time("months")}
_DATE_LINKS = frozenset({"de", "of", "del"})
_DAY_RE = re.compile(r"^(\d{1,2})(?:st|nd|rd|th|er|e|o|a)?$")
_RELATIVE_RE = re.compile(r"\b(" + alternation(_RELATIVE) + r")\b")
_DAY_WORD_DAYS = 1
"""Relative words this near ("today", "hoje", "demain", "esta noche") are day words: they name
a deadline ("deadline tomorrow!!") far less often than they tell a story ("que reúne hoje 37
cooperativas", "hoy vendemos en la calle", "ce matin… ce soir"). In the training and held-out
data, of the messages whose deadline is short only by such a word, 33 ask short_deadline and
774 do not (`day_word_deadline`)."""


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
            if value == 0 or (start > 0 and words[start - 1].isdigit()):
                break  # "3.000 al mes" (a thousands group), "0 days": an amount, no deadline
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


def _day_of_month(word: str) -> int | None:
    """1..31 from "15", "15th", "1st", "1er", "1o"; None otherwise."""
    match = _DAY_RE.match(word)
    if match is None:
        return None
    day = int(match.group(1))
    return day if 1 <= day <= 31 else None


def _dated(words: list[str], today: dt.date) -> Iterable[int]:
    """Days until dates written with a month name: "15 December", "December 15th",
    "15 de diciembre", "le 3 mars", "dia 5 de maio" (the next such date from `today`)."""
    for k, word in enumerate(words):
        month = _MONTHS.get(word)
        if month is None:
            continue
        day = None
        for j in (k - 1, k - 2, k + 1):  # "15 December", "15 de diciembre", "December 15"
            if 0 <= j < len(words) and (day := _day_of_month(words[j])) is not None:
                if j == k - 2 and words[k - 1] not in _DATE_LINKS:
                    day = None
                    continue
                break
        if day is None:
            continue
        try:
            when = dt.date(today.year, month, day)
            if when < today:
                when = dt.date(today.year + 1, month, day)
        except ValueError:  # 31 February
            continue
        yield (when - today).days


def deadline_days(text: str, today: dt.date | None = None) -> int | None:
    """Days until the nearest deadline the text names, or None when it names none."""
    return deadline_days_in(tokens(text), today)


def deadline_days_in(
    words: Sequence[str], today: dt.date | None = None, *, day_words: bool = True
) -> int | None:
    """`deadline_days` of a message's normalized words (read once, see `text.words_of`);
    without `day_words`, "today", "tonight", "tomorrow" and theirs count for nothing."""
    words = list(words)
    found = list(_counted(words))
    found += _dated(words, today or dt.date.today())
    joined = " ".join(words)
    for match in _RELATIVE_RE.finditer(joined):
        days = _RELATIVE[match.group(1)]
        if days <= _DAY_WORD_DAYS and not day_words:
            continue
        prefix = joined[: match.start()].split()[-2:]
        if days >= SHORT_DEADLINE_DAYS and any(w in _WITHIN for w in prefix):
            days = SHORT_DEADLINE_DAYS - 1
        found.append(days)
    for match in _WEEKDAY_RE.finditer(joined):
        if match.group(1) in _WEEKDAYS:
            found.append(7)
    for k, word in enumerate(words):
        if word in _SHORT_WEEKDAYS and k > 0 and words[k - 1] in _WEEKDAY_CUES:
            found.append(7)
    return min(found) if found else None


def is_short(days: int | None) -> bool:
    return days is not None and days < SHORT_DEADLINE_DAYS


def day_word_deadline(words: Sequence[str], days: int | None, today: dt.date | None = None) -> bool:
    """Whether a short deadline (`days`, from `deadline_days_in`) is short only by a day word
    (`_DAY_WORD_DAYS`): the classifier weighs such a deadline on its own."""
    return is_short(days) and not is_short(deadline_days_in(words, today, day_words=False))


ASKER_PREFIX = "asker_"


def askers(concepts: Iterable[str]) -> tuple[str, ...]:
    """Who is asking, from the matcher's `asker_*` concepts (student, journalist, company...)."""
    found = (c.removeprefix(ASKER_PREFIX) for c in concepts if c.startswith(ASKER_PREFIX))
    return tuple(sorted(found))
