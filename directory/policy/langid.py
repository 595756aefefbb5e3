"""Which language a message is written in: one the bot reads, another one, or too short to say.

A person whose Telegram is in English may write in Portuguese, and is answered in Portuguese;
a message in Swahili or Hindi is told, in the person's language and in English, which languages
the bot reads. Scripts other than Latin (Arabic, Devanagari, Cyrillic, CJK...) are told by their
letters. For Latin script, a small linear model over letter n-grams with their accents ("ção",
"ñ", "è") and words tells the languages the bot reads from each other and from the others it
has seen (Swahili, Italian, Catalan, Tagalog...): `data/language_model.bin`, trained with the
policy model by `python -m directory.policy.train`. Short messages ("ok", "internship?") say
too little: `identify` returns None and the caller keeps the language it had.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from typing import Literal

from directory.derived import load_or_build_if_kept
from directory.languages import languages
from directory.phrases import written_words
from directory.policy.model import HashedLinear, KnownSums, ModelError, WordSums, column_sums
from directory.text import normalize

LANGUAGE_MODEL_FILE = "language_model.bin"
OTHER = "other"
NGRAM_SIZES = (1, 2, 3, 4)
MIN_LETTERS = 12
"""Fewer letters than this: too short to tell a language (the caller's language is kept)."""
MIN_WORDS = 3
MIN_WORDS_OTHER = 5
"""A Latin-script message is said to be in another language only with this many words: "e em
Bangladesh?" has too few to be sure it is not Portuguese."""
SAMPLE_WORDS = 40
"""A long message is identified from its first and last this many words (the time of an answer
stays bounded; the opening and the ask at the end are what the reply must match)."""
CONFIDENT = 0.85
"""A language is "clearly" the message's when the model gives it at least this."""
MARKED_WORDS = 8
"""A message this short that the model is unsure of is read as a short one: its markers (an
accent or mark only one of our languages uses, or one of its marker words) decide with the
model's agreement (`SHORT_CONFIDENT`)."""
SHORT_CONFIDENT = 0.5
"""A short message marked as one language only ("¿Qué es WIEGO?", "Vous financez ?",
"Obrigado!") is in it when the model agrees, giving it the most and at least half: its markers
say what the few letters cannot (0.6 turned "¿Financian?" away at 0.59 after a retrain)."""

_WORD = re.compile(r"[^\W\d_]+")
_PAST_LATIN_B = re.compile(r"[^\x00-\u024f]")
Verdict = Literal["ours", "other", "unsure"]


@dataclass(frozen=True)
class Identified:
    """`language` is one of ours when `verdict` is "ours"; "other" means a language the bot
    does not read; "unsure" means too short or too mixed to say."""

    verdict: Verdict
    language: str | None
    confidence: float


UNSURE = Identified("unsure", None, 0.0)


def _script(ch: str) -> str:
    if ch < "\u0250":  # Basic Latin to Latin Extended-B: no need to look the name up
        return "LATIN"
    name = unicodedata.name(ch, "")
    return name.split(" ", 1)[0] if name else ""


def word_language_features(word: str) -> list[str]:
    """One lowercased word's features: itself and its letter n-grams (accents kept)."""
    feats = ["w:" + word]
    padded = f"<{word}>"
    for n in NGRAM_SIZES:
        feats.extend("g:" + padded[i : i + n] for i in range(len(padded) - n + 1))
    return feats


def words_as_read(text: str) -> list[str]:
    """The message's words as the identifier reads them: casefolded, accents kept."""
    return _WORD.findall(text.casefold())


def language_features(text: str) -> list[str]:
    """Letter n-grams (accents kept) and words of the message, lowercased."""
    return [f for word in words_as_read(text) for f in word_language_features(word)]


class LanguageIdentifier:
    """The trained model and the rules around it (see the module docstring)."""

    def __init__(self, model: HashedLinear, known: KnownSums | None = None) -> None:
        self.model = model
        self.languages = tuple(c for c in model.classes if c != OTHER)
        self._word_sums = WordSums(model, "g:", NGRAM_SIZES, 1.0, known=known)

    @classmethod
    def load(cls) -> LanguageIdentifier:
        resource = resources.files("directory.data") / LANGUAGE_MODEL_FILE
        try:
            model = HashedLinear.from_bytes(resource.read_bytes())
        except FileNotFoundError as exc:
            raise ModelError(
                f"{LANGUAGE_MODEL_FILE} is missing: run `python -m directory.policy.train`"
            ) from exc
        # the lexicon's words, and the accented forms people write of them (the identifier
        # reads accents: "información" is not "informacion" to it)
        sums = cls(model)._word_sums
        known = load_or_build_if_kept("language_known_words", lambda: sums.lexicon_sums(written_words()))
        return cls(model, known)

    def identify(self, text: str) -> Identified:
        return _identify(self, text)

    def probabilities(self, text: str) -> dict[str, float]:
        """The model's probability for each language and "other" (features scaled by one over
        the square root of their count, as in training), from at most 2 x `SAMPLE_WORDS` words."""
        words = words_as_read(text)
        if len(words) > 2 * SAMPLE_WORDS:  # a long letter: its opening and its ask say enough
            words = words[:SAMPLE_WORDS] + words[-SAMPLE_WORDS:]
        model = self.model
        logits = list(model.intercept)
        if words:
            vectors, values = self._word_sums.gather(words)
            norm = float(sum(values)) ** -0.5
            summed = column_sums(vectors, model.columns)
            logits = [z + norm * x * s for z, x, s in zip(logits, summed, model.scale, strict=True)]
        top = max(logits)
        exps = [math.exp(z - top) for z in logits]
        total = sum(exps)
        return {c: e / total for c, e in zip(self.model.classes, exps, strict=True)}


@lru_cache(maxsize=64)  # a message's parts and whole within one answer
def _identify(ident: LanguageIdentifier, text: str) -> Identified:
    letters = sum(map(str.isalpha, text))
    if not letters:
        return UNSURE
    # only letters past Latin Extended-B need their script looked up (most messages: none)
    latin = letters - sum(ch.isalpha() and _script(ch) != "LATIN" for ch in _PAST_LATIN_B.findall(text))
    if latin < letters / 2:
        # mostly another script: a language we do not read, however short
        return Identified("other", None, 1.0 - latin / letters)
    words = _WORD.findall(text)
    if letters < MIN_LETTERS or len(words) < MIN_WORDS:
        return _short(ident, text, words)
    probs = ident.probabilities(text)
    best = max(probs, key=probs.__getitem__)
    if probs[best] < CONFIDENT:
        if len(words) <= MARKED_WORDS:  # "hola, ¿WIEGO financia cooperativas?" (es 0.79)
            return _short(ident, text, words)
        return Identified("unsure", None, probs[best])
    if best == OTHER:
        if len(words) < MIN_WORDS_OTHER:
            return UNSURE
        return Identified("other", None, probs[best])
    return Identified("ours", best, probs[best])


@cache
def _short_markers() -> dict[str, tuple[str, frozenset[str]]]:
    """Per language that marks short messages: the accents no other language of ours uses
    ("ê" is French and Portuguese: it tells neither), and its marker words."""
    langs = languages().values()
    out = {}
    for lang in langs:
        if lang.marks_short:
            others = "".join(other.accents for other in langs if other is not lang)
            out[lang.code] = ("".join(ch for ch in lang.accents if ch not in others), lang.markers)
    return out


def _short(ident: LanguageIdentifier, text: str, words: list[str]) -> Identified:
    """A message too short for the model alone: in a language when it bears the markers of that
    language only (an accent or inverted mark it alone uses, or one of its marker words, from
    `[markers]` of its vocabulary file) and the model agrees; else unsure, and the caller keeps
    the language it had. "ok", "internship?", "bolsa?" stay unsure."""
    if not words:
        return UNSURE
    lowered = text.casefold()
    normalized = {normalize(w) for w in words}
    marked = [
        code
        for code, (accents, markers) in _short_markers().items()
        if any(ch in lowered for ch in accents) or not normalized.isdisjoint(markers)
    ]
    if len(marked) != 1:
        return UNSURE
    probs = ident.probabilities(text)
    best = max(probs, key=probs.__getitem__)
    if best != marked[0] or probs[best] < SHORT_CONFIDENT:
        return UNSURE
    return Identified("ours", best, probs[best])
