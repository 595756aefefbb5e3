"""Text normalization shared by search, places, sectors and policy matching.

Everything that compares words compares `normalize()`d text, so "Bogotá", "BOGOTA" and
"bogota" are the same and punctuation never glues or splits words differently per caller.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache, wraps

_NOT_WORD = re.compile(r"[^\w]+|_")
_SPACES = re.compile(r"\s+")
# Letters that do not decompose under NFKD but that people type without their mark.
_EXTRA_FOLD = str.maketrans(
    {"ø": "o", "đ": "d", "ł": "l", "ħ": "h", "ı": "i", "ŧ": "t", "æ": "ae", "œ": "oe"}
)


# Words come back in message after message: thousands are kept. A whole message is read a few
# times within its own answer and never again: a handful are kept. One cache for both held
# 8,192 whole letters of up to 4,096 characters, tens of megabytes of a running bot.
_WORD_SIZED = 40  # characters: longer strings are texts
_TEXTS_KEPT = 32
WORDS_KEPT = 2048
"""How many words each per-word cache of the reading keeps (normalized forms, stems, typo
corrections, the classifier's rows). Words people write often are summed and stemmed ahead
(the lexicon) and need no cache; 2,048 hold the rest that come back. 4,096 cost 3.5 MiB more
over 3,000 new messages for no measurable speed, 8,192 and 16,384 20 MB more
(`bench/memory.py`)."""


def _kept_by_length(function: Callable[[str], str]) -> Callable[[str], str]:
    """`function` with its results kept: many for words, a few for whole texts."""
    words = lru_cache(maxsize=WORDS_KEPT)(function)
    texts = lru_cache(maxsize=_TEXTS_KEPT)(function)

    @wraps(function)
    def kept(text: str) -> str:
        return words(text) if len(text) <= _WORD_SIZED else texts(text)

    return kept


@_kept_by_length
def strip_accents(text: str) -> str:
    """Remove combining marks (é → e, ç → c, ã → a), keeping the base letters."""
    if text.isascii():  # most words: nothing to remove, and no need to decompose
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@_kept_by_length
def normalize(text: str) -> str:
    """Casefold, drop diacritics, turn punctuation into spaces, collapse whitespace.

    Apostrophes join nothing: "l'Afrique" becomes "l afrique", so "afrique" is a token.
    """
    folded = strip_accents(text.casefold()).translate(_EXTRA_FOLD)
    spaced = _NOT_WORD.sub(" ", folded)
    return _SPACES.sub(" ", spaced).strip()


def alternation(phrases: Iterable[str]) -> str:
    """A regular expression's alternatives for `phrases`, escaped and longest first, so that
    "y también" is tried before "y" (the pattern matches the longest phrase written)."""
    return "|".join(sorted({re.escape(p) for p in phrases}, key=len, reverse=True))


def tokens(text: str) -> list[str]:
    """The words of `normalize(text)`, in order (letters and digits only)."""
    norm = normalize(text)
    return norm.split(" ") if norm else []


def ngrams(words: list[str], max_len: int) -> list[tuple[int, int, str]]:
    """Each run of up to `max_len` consecutive words as (start, end, text), longest first."""
    out: list[tuple[int, int, str]] = []
    for size in range(min(max_len, len(words)), 0, -1):
        for start in range(len(words) - size + 1):
            out.append((start, start + size, " ".join(words[start : start + size])))
    return out


_WORD = re.compile(r"[^\W_]+")
# What ends a sentence, for telling a name ("in Lima") from a sentence start ("Lima is...").
_SENTENCE_END = frozenset(".!?¡¿\n:")


@dataclass(frozen=True)
class Words:
    """A message's words, read once and shared by every reader (places, sectors, concepts,
    deadlines, third parties): `words` normalized, `raw` as written, `capital` whether a word
    was capitalized mid-sentence (a name, not a sentence start), `upper` capitalized at all."""

    words: tuple[str, ...]
    raw: tuple[str, ...]
    capital: tuple[bool, ...]
    upper: tuple[bool, ...]


@lru_cache(maxsize=64)  # a message's own readers share it; messages do not come back
def words_of(text: str) -> Words:
    words: list[str] = []
    raw: list[str] = []
    capital: list[bool] = []
    upper: list[bool] = []
    for match in _WORD.finditer(text):
        i = match.start() - 1
        while i >= 0 and text[i] in " \t\r":  # the character before the word, spaces skipped
            i -= 1
        sentence_start = i < 0 or text[i] in _SENTENCE_END
        written = match.group()
        initial = written[0].isupper()
        for part in normalize(written).split():
            words.append(part)
            raw.append(written)
            capital.append(initial and not sentence_start)
            upper.append(initial)
    return Words(tuple(words), tuple(raw), tuple(capital), tuple(upper))
