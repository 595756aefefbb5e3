"""Words as the matcher sees them: normalized, stop words dropped, stemmed in every language.

People write in English, Spanish, French or Portuguese (or a mix), whatever their locale, so a
question's word is stemmed by all four Snowball stemmers and a vocabulary term (stemmed in its
own language) matches when its language's stem is among them. Stemming is cached per word:
questions repeat the same few thousand words.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

import snowballstemmer

from directory.text import tokens

LANGS: tuple[str, ...] = ("en", "es", "fr", "pt")
_SNOWBALL = {"en": "english", "es": "spanish", "fr": "french", "pt": "portuguese"}

# Function words per language (already accent-free, as `normalize` leaves them). They carry no
# topic, and dropping them lets "put me in touch" match "put us in touch".
STOPWORDS: dict[str, frozenset[str]] = {
    "en": frozenset(
        [
            "a", "an", "the", "of", "to", "in", "on", "at", "for", "from", "by", "with", "and",
            "or", "but", "is", "are", "was", "were", "be", "been", "am", "i", "me", "my", "we",
            "us", "our", "you", "your", "he", "she", "it", "its", "they", "them", "their", "this",
            "that", "these", "those", "there", "here", "do", "does", "did", "can", "could", "would",
            "will", "shall", "should", "may", "might", "must", "have", "has", "had", "not", "no",
            "so", "if", "as", "about", "into", "than", "then", "what", "which", "who", "whom",
            "whose", "how", "when", "where", "why", "any", "some", "all", "also", "just", "very",
            "please", "hi", "hello", "dear", "im", "ive", "id", "youre", "were", "its", "dont",
            "cant", "s", "t", "ll", "ve", "m", "re", "d"
        ]
    ),
    "es": frozenset(
        [
            "el", "la", "los", "las", "un", "una", "unos", "unas", "de", "del", "al", "a", "en",
            "por", "para", "con", "sin", "y", "o", "u", "e", "que", "es", "son", "fue", "ser",
            "estar", "esta", "este", "estos", "estas", "ese", "esa", "eso", "mi", "mis", "tu",
            "tus", "su", "sus", "nuestro", "nuestra", "nuestros", "nuestras", "yo", "me", "te",
            "se", "nos", "le", "les", "lo", "ustedes", "usted", "vosotros", "hay", "muy", "mas",
            "pero", "si", "no", "como", "cuando", "donde", "quien", "cual", "cuales", "porque",
            "hola", "buenos", "buenas", "soy", "somos", "estoy"
        ]
    ),
    "fr": frozenset(
        [
            "le", "la", "les", "l", "un", "une", "des", "de", "du", "d", "au", "aux", "a", "en",
            "dans", "par", "pour", "avec", "sans", "et", "ou", "que", "qu", "qui", "est", "sont",
            "etait", "etre", "ce", "cet", "cette", "ces", "mon", "ma", "mes", "ton", "ta", "tes",
            "son", "sa", "ses", "notre", "nos", "votre", "vos", "leur", "leurs", "je", "j", "me",
            "m", "tu", "te", "t", "il", "elle", "on", "nous", "vous", "ils", "elles", "se", "s",
            "y", "ne", "n", "pas", "plus", "mais", "si", "comme", "quand", "ou", "bonjour", "suis",
            "sommes"
        ]
    ),
    "pt": frozenset(
        [
            "o", "a", "os", "as", "um", "uma", "uns", "umas", "de", "do", "da", "dos", "das", "ao",
            "aos", "em", "no", "na", "nos", "nas", "num", "numa", "por", "pelo", "pela", "para",
            "com", "sem", "e", "ou", "que", "eh", "sao", "foi", "ser", "estar", "este", "esta",
            "estes", "estas", "esse", "essa", "isso", "meu", "minha", "meus", "minhas", "seu",
            "sua", "seus", "suas", "nosso", "nossa", "nossos", "nossas", "eu", "me", "te", "se",
            "lhe", "voces", "voce", "ele", "ela", "eles", "elas", "muito", "mais", "mas", "nao",
            "como", "quando", "onde", "quem", "qual", "porque", "ola", "sou", "somos", "estou"
        ]
    ),
}
ALL_STOPWORDS: frozenset[str] = frozenset().union(*STOPWORDS.values())


@lru_cache(maxsize=8)
def _stemmer(lang: str) -> Any:
    return snowballstemmer.stemmer(_SNOWBALL[lang])


@lru_cache(maxsize=65536)
def stem(word: str, lang: str) -> str:
    """One normalized word's stem in one language."""
    return str(_stemmer(lang).stemWord(word))


@lru_cache(maxsize=65536)
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
