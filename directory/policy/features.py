"""What the classifier sees in a message: words, word pairs, letter n-grams, concepts and cues.

A message becomes two blocks of weighted counts: `t` (its words, adjacent word pairs, and the
letter n-grams inside each word, so "financiamento", "financement" and a misspelt "finacing"
share most of theirs) and `k` (the vocabulary's concepts and the cues: money, a student, a
sector, a place, a short deadline, WIEGO addressed...), plus `r`, every concept named before
gating. Each of `t` and `k` is scaled by one over the square root of its total weight, so a
long letter and a three-word fragment land on the same scale, and the classifier's weights
stay additive per word (see `model.py`, which caches a word's contribution).

Long messages are read for their ask: in a message of several sentences, the sentences that
only tell the story before the question count `STORY_WEIGHT`, the ones that ask count fully.
Training and answering both go through `message_features`, so they can never disagree.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from directory.policy.lexicon import prepare
from directory.text import normalize

FEATURES_VERSION = 6
"""Bump when features change: the trained model must then be retrained (a test checks)."""

NGRAM_SIZES = (3, 4, 5)
STORY_WEIGHT = 0.35
"""Weight of a sentence that does not ask anything, in a message of three sentences or more."""
_MIN_SENTENCES_FOR_WEIGHTING = 3
STORY_TOTAL = 3.5
"""The story's sentences together count at most this much (ten sentences at `STORY_WEIGHT`):
in a letter of fifty sentences that asks once at the end, each counts 0.07, so the story,
however long, cannot drown the ask."""

_SENTENCE_SPLIT = re.compile(r"(?<=[.!?…;])\s+|\n+")
_WORD = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class Sentence:
    """One sentence of a message: its normalized words and whether it asks something."""

    words: tuple[str, ...]
    asks: bool


@lru_cache(maxsize=4096)  # answering caches the model's sums per word (model.py) instead
def word_features(word: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(`w` features, `c` features) of one normalized word; cached, words recur."""
    padded = f"<{word}>"
    grams = tuple(
        "c:" + padded[i : i + n]
        for n in NGRAM_SIZES
        for i in range(len(padded) - n + 1)
    )
    return ("w:" + word,), grams


def split_sentences(text: str) -> list[str]:
    """The message's sentences, as written (line breaks and end punctuation split them)."""
    return [s for s in (part.strip() for part in _SENTENCE_SPLIT.split(text)) if s]


@lru_cache(maxsize=64)  # a part is split once to see whether it asks, and again when it is read
def sentences(text: str, ask_words: frozenset[str]) -> tuple[Sentence, ...]:
    """Each sentence's normalized words, and whether it asks (a "?" or a request word)."""
    out: list[Sentence] = []
    for raw in split_sentences(prepare(text)):
        words = tuple(normalize(raw).split())
        if words:
            asks = "?" in raw or "¿" in raw or bool(ask_words.intersection(words))
            out.append(Sentence(words, asks))
    return tuple(out)


def sentence_weights(parts: Sequence[Sentence]) -> list[float]:
    """How much each sentence counts: all fully in a short message; in a longer one, the ones
    that ask and the last one fully, the story before them `STORY_WEIGHT` (less when it is
    longer than `STORY_TOTAL` allows)."""
    if len(parts) < _MIN_SENTENCES_FOR_WEIGHTING:
        return [1.0] * len(parts)
    story = sum(not s.asks for s in parts)
    each = min(STORY_WEIGHT, STORY_TOTAL / story) if story else STORY_WEIGHT
    weights = [1.0 if s.asks else each for s in parts]
    if not any(s.asks for s in parts):
        weights[-1] = 1.0
        if len(parts) > 1:
            weights[-2] = 1.0
    return weights


NORMALIZED_BLOCKS = ("t", "k")
WORD_WEIGHT = 2.5
"""Words and word pairs count this much more than a letter n-gram inside the `t` block: a
word has about fifteen n-grams, so both kinds weigh about the same in the block's norm."""
RAW_CONCEPT_VALUE = 0.3
"""Value of an ungated concept (`r` block, not normalized): a hint, weaker than a gated one."""


@dataclass(frozen=True)
class Features:
    """Weighted feature counts per block: "t" (words, pairs, n-grams) and "k" (concepts, cues),
    each normalized, and "r" (ungated concepts, as is)."""

    blocks: dict[str, dict[str, float]]

    def scaled(self) -> dict[str, float]:
        """Every feature's value as the classifier multiplies it (block scaling applied)."""
        out: dict[str, float] = {}
        for block, counts in self.blocks.items():
            total = sum(counts.values())
            if total <= 0:
                continue
            scale = total**-0.5 if block in NORMALIZED_BLOCKS else 1.0
            for name, value in counts.items():
                out[name] = out.get(name, 0.0) + value * scale
        return out


def message_features(
    parts: Sequence[Sentence],
    weights: Sequence[float],
    cues: Iterable[str],
    raw_concepts: Iterable[str] = (),
) -> Features:
    """Features of a message from its sentences, their weights, its gated concepts and cues,
    and every concept named before gating."""
    text: dict[str, float] = defaultdict(float)
    for sentence, weight in zip(parts, weights, strict=True):
        previous = "<s>"
        for word in sentence.words:
            w_feats, c_feats = word_features(word)
            for f in w_feats:
                text[f] += WORD_WEIGHT * weight
            for f in c_feats:
                text[f] += weight
            text[f"b:{previous}_{word}"] += WORD_WEIGHT * weight
            previous = word
    concepts = {"k:" + c: 1.0 for c in cues}
    raw = {"r:" + c: RAW_CONCEPT_VALUE for c in raw_concepts}
    return Features({"t": dict(text), "k": concepts, "r": raw})
