"""Words as the matcher sees them: normalized, stop words dropped, stemmed in every language.

People write in any of the languages the bot reads (or a mix), whatever their locale, so a
question's word is stemmed by every language's Snowball stemmer and a vocabulary term (stemmed in its
own language) matches when its language's stem is among them. Stemming is cached per word:
questions repeat the same few thousand words.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache
from typing import Any

import snowballstemmer

from directory.derived import load_or_build_if_kept
from directory.languages import codes, languages, union
from directory.phrases import known_words
from directory.text import WORDS_KEPT, tokens

LANGS: tuple[str, ...] = codes()

# Function words per language (normalized). They carry no topic, and dropping them lets
# "put me in touch" match "put us in touch".
STOPWORDS: dict[str, frozenset[str]] = {code: lang.stopwords for code, lang in languages().items()}
ALL_STOPWORDS: frozenset[str] = union(lambda lang: lang.stopwords)

# Words that make a sentence a request ("could you...", "necesito...", "pourriez-vous..."): a
# long message is read for the sentences that ask (see `features.sentence_weights`).
ALL_ASK_WORDS: frozenset[str] = union(lambda lang: lang.ask_words)


@lru_cache(maxsize=8)
def _stemmer(lang: str) -> Any:
    """The language's stemmer, with its own cache off: PyStemmer keeps 10,000 words per
    stemmer, filled at load by the vocabulary and then by new words (about 9 MiB over the four),
    beside `stems`' bounded cache, which is the one kept."""
    stemmer = snowballstemmer.stemmer(languages()[lang].stemmer)
    stemmer.maxCacheSize = 0
    return stemmer


_STEMS_SEPARATOR = "\x1f"


def _stems_of(word: str) -> tuple[str, ...]:
    """The word's stem in each of `LANGS`, computed."""
    return tuple(str(_stemmer(lang).stemWord(word)) for lang in LANGS)


@cache
def _stems_ahead() -> dict[str, str]:
    """The stems of the words people write (`lexicon.txt`), joined, computed once and kept
    with the derived data: 4 stemmers cost 10-15 µs a word the first time a process sees it,
    and a look-up here 0.3 µs (the 14,600 words load in about 3 ms). Empty when nothing is
    kept between processes (`WIEGO_CACHE_DIR=off`)."""
    ahead = load_or_build_if_kept(
        "lexicon_stems", lambda: {w: _STEMS_SEPARATOR.join(_stems_of(w)) for w in known_words()}
    )
    return ahead or {}


@lru_cache(maxsize=WORDS_KEPT)
def stems(word: str) -> tuple[str, ...]:
    """The word's stem in each of `LANGS`, in that order."""
    ahead = _stems_ahead().get(word)
    if ahead is not None:
        return tuple(ahead.split(_STEMS_SEPARATOR))
    return _stems_of(word)


# "don't" would otherwise leave "don" (French for a donation) behind: keep it one word.
CONTRACTION = re.compile(r"n[\'’]t\b", re.IGNORECASE)


# Words whose accent is all that tells them from a function word of another language
# (French "thèse" would normalize to English "these").
_ACCENTED = re.compile(r"\bth[èé]ses?\b", re.IGNORECASE)


def prepare(text: str) -> str:
    """Text ready for `tokens`: contractions joined, accent-distinguished words renamed."""
    return _ACCENTED.sub("thesis", CONTRACTION.sub("nt", text))


def content_words(text: str) -> list[str]:
    """The normalized words of `text` that are not function words, in order."""
    return [w for w in tokens(prepare(text)) if w not in ALL_STOPWORDS]
