"""Text normalization shared by search, places, sectors and policy matching.

Everything that compares words compares `normalize()`d text, so "Bogotá", "BOGOTA" and
"bogota" are the same and punctuation never glues or splits words differently per caller.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_NOT_WORD = re.compile(r"[^\w]+|_")
_SPACES = re.compile(r"\s+")
# Letters that do not decompose under NFKD but that people type without their mark.
_EXTRA_FOLD = str.maketrans(
    {"ø": "o", "đ": "d", "ł": "l", "ħ": "h", "ı": "i", "ŧ": "t", "æ": "ae", "œ": "oe"}
)


@lru_cache(maxsize=65536)
def strip_accents(text: str) -> str:
    """Remove combining marks (é → e, ç → c, ã → a), keeping the base letters."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@lru_cache(maxsize=65536)
def normalize(text: str) -> str:
    """Casefold, drop diacritics, turn punctuation into spaces, collapse whitespace.

    Apostrophes join nothing: "l'Afrique" becomes "l afrique", so "afrique" is a token.
    """
    folded = strip_accents(text.casefold()).translate(_EXTRA_FOLD)
    spaced = _NOT_WORD.sub(" ", folded)
    return _SPACES.sub(" ", spaced).strip()


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
