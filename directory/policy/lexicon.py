"""Words as the matcher sees them: normalized, stop words dropped, stemmed in every language.

People write in any of the languages the bot reads (or a mix), whatever their locale, so a
question's word is stemmed by every language's Snowball stemmer and a vocabulary term (stemmed in its
own language) matches when its language's stem is among them. Stemming is cached per word:
questions repeat the same few thousand words.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

import snowballstemmer

from directory.languages import codes, languages, union
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
    return snowballstemmer.stemmer(languages()[lang].stemmer)


@lru_cache(maxsize=WORDS_KEPT)
def stem(word: str, lang: str) -> str:
    """One normalized word's stem in one language."""
    return str(_stemmer(lang).stemWord(word))


@lru_cache(maxsize=WORDS_KEPT)
def stems(word: str) -> tuple[str, ...]:
    """The word's stem in each of `LANGS`, in that order."""
    return tuple(stem(word, lang) for lang in LANGS)


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
