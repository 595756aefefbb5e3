"""The trained classifier at run time: two linear models over the features of `features.py`.

`directory/data/policy_model.bin` (written by `python -m directory.policy.train`) holds:
- a multinomial model over the rules plus "none" and "smalltalk": which rule answers the
  message, or none;
- one-vs-rest models, one per rule: does the message ask this rule's question anywhere? They
  tell a second ask from a story that merely mentions another topic.

Features are hashed into `buckets` rows (crc32, stable across processes); each row holds one
int16 weight per output column, scaled per column. A word's unigram and letter n-grams are
the same in every message, so their rows are summed once per word and kept (hashing and
gathering them was most of the classifier's time); a message then adds one row per word and
one per word pair, column by column (`zip` over the rows, `sum` per column, both in C).

Answering needs no numpy: the weights are a flat `array('h')`, and a message sums a few dozen
rows of a few dozen columns, where numpy's per-call overhead was as large as the sums. Leaving
it out saves about 20 MiB of resident memory and 140 ms of every start (`main.py ask`);
training still uses it (a dev dependency).
"""

from __future__ import annotations

import json
import math
import sys
import zlib
from array import array
from collections import OrderedDict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any
from zlib import crc32

from directory.derived import load_or_build, load_or_build_if_kept
from directory.phrases import known_words
from directory.policy.features import (
    FEATURES_VERSION,
    NGRAM_SIZES,
    RAW_CONCEPT_VALUE,
    WORD_WEIGHT,
    Sentence,
)
from directory.text import WORDS_KEPT

MODEL_FILE = "policy_model.bin"
NONE_CLASSES = frozenset({"none", "smalltalk"})


class ModelError(RuntimeError):
    """The model file is missing, unreadable, or built for other features."""


def bucket(name: str, buckets: int) -> int:
    """The row a feature name hashes to (crc32: the same in every process)."""
    return zlib.crc32(name.encode("utf-8")) % buckets


@lru_cache(maxsize=8)
def _prefix_crc(prefix: str) -> int:
    return zlib.crc32(prefix.encode("utf-8"))


@dataclass(frozen=True)
class Scores:
    """Probabilities from both models for one message (or one part of it)."""

    classes: dict[str, float]  # multinomial: every rule, "none", "smalltalk"; sums to 1
    asked: dict[str, float]  # one-vs-rest: each rule on its own

    @property
    def best(self) -> str:
        return max(self.classes, key=self.classes.__getitem__)


class HashedLinear:
    """Linear models over hashed features: `buckets` rows of int16 weights, one per output
    column, scaled per column, plus an intercept; the file is a JSON header line and the
    zlib-compressed little-endian weights, held as one flat `array('h')` (row r is
    `weights[r * columns : (r + 1) * columns]`)."""

    def __init__(self, header: Mapping[str, Any], weights: array[int]) -> None:
        self.header = dict(header)
        self.classes: tuple[str, ...] = tuple(header["classes"])
        self.columns = len(self.classes) + len(header.get("labels", ()))
        self.buckets = int(header["buckets"])
        self.scale: tuple[float, ...] = tuple(float(s) for s in header["scale"])
        self.intercept: tuple[float, ...] = tuple(float(b) for b in header["intercept"])
        shape_ok = len(weights) == self.buckets * self.columns and len(self.scale) == self.columns
        if weights.typecode != "h" or not shape_ok:
            raise ModelError("the model's weights do not match its header")
        self.weights = weights

    @classmethod
    def from_bytes(cls, data: bytes) -> HashedLinear:
        head, _, body = data.partition(b"\n")
        weights = array("h")
        try:
            header = json.loads(head)
            weights.frombytes(zlib.decompress(body))
        except (ValueError, zlib.error) as exc:
            raise ModelError(f"the model file is damaged: {exc}") from exc
        if sys.byteorder == "big":
            weights.byteswap()
        return cls(header, weights)

    @classmethod
    def from_little_endian(cls, header: Mapping[str, Any], data: bytes) -> HashedLinear:
        """A model from its header and its weights as little-endian int16 bytes (training)."""
        weights = array("h")
        weights.frombytes(data)
        if sys.byteorder == "big":
            weights.byteswap()
        return cls(header, weights)

    def to_bytes(self) -> bytes:
        head = json.dumps(self.header, sort_keys=True, separators=(",", ":")).encode()
        weights = array("h", self.weights)
        if sys.byteorder == "big":
            weights.byteswap()
        return head + b"\n" + zlib.compress(weights.tobytes(), 9)

    def index(self, names: Iterable[str]) -> list[int]:
        """The rows the features hash to."""
        buckets = self.buckets
        return [crc32(n.encode("utf-8")) % buckets for n in names]

    def gram_rows(self, prefix: str, word: str, sizes: Sequence[int]) -> list[int]:
        """The rows of `prefix` + each letter n-gram of `<word>` (sizes in order), as `index`
        would give for those names, about twice as fast: the crc runs on from the prefix's, and
        an ASCII word's n-grams are slices of its bytes (one byte, one letter)."""
        padded = f"<{word}>"
        buckets = self.buckets
        if not padded.isascii():
            grams = (prefix + padded[i : i + n] for n in sizes for i in range(len(padded) - n + 1))
            return [crc32(g.encode("utf-8")) % buckets for g in grams]
        data = padded.encode("ascii")
        start = _prefix_crc(prefix)
        end = len(data) + 1
        return [crc32(data[i : i + n], start) % buckets for n in sizes for i in range(end - n)]

    def raw(self, row: int) -> array[int]:
        """One row's int16 weights, unscaled."""
        at = row * self.columns
        return self.weights[at : at + self.columns]

    def row(self, name: str) -> list[float]:
        """One feature's row, scaled."""
        return [w * s for w, s in zip(self.raw(bucket(name, self.buckets)), self.scale, strict=True)]

    def raw_sum(self, rows: Iterable[int]) -> list[float]:
        """The unscaled sum of the rows: a `zip` over them and a `sum` per column, both in C."""
        raws = [self.raw(r) for r in rows]
        if not raws:
            return [0.0] * self.columns
        return [float(x) for x in map(sum, zip(*raws, strict=True))]

    def sum(self, names: Iterable[str]) -> list[float]:
        """The scaled sum of the features' rows."""
        return [x * s for x, s in zip(self.raw_sum(self.index(names)), self.scale, strict=True)]


@dataclass(frozen=True)
class KnownSums:
    """Words summed ahead for `WordSums` (kept with the derived data between processes): word
    i's sum is `sums[i * columns : (i + 1) * columns]`, its total value `values[i]`. float32:
    sums of int16 rows are whole or half numbers far below 2**24, exact in it."""

    words: tuple[str, ...]
    sums: array[float]
    values: array[float]


class WordSums:
    """Each word's rows of a `HashedLinear` (its unigram and its letter n-grams) summed once and
    kept, the least recently used word out: a message then costs a dictionary look-up per
    word, and one sum per column over its words.

    A message with more distinct words than half the table (longer than Telegram allows) is
    summed without keeping them, so no word a message uses is evicted while it is read.

    `known` words (the lexicon of words people wrote in the training messages, about 14,500)
    are summed ahead, in one flat float32 array, and never evicted: most words of a new
    message are then not new."""

    def __init__(
        self, linear: HashedLinear, gram_prefix: str, sizes: Sequence[int], unigram_weight: float,
        size: int = WORDS_KEPT, known: KnownSums | None = None,
    ) -> None:
        self._linear = linear
        self._columns = linear.columns
        self._prefix = gram_prefix
        self._sizes = tuple(sizes)
        self._unigram_weight = unigram_weight
        self._size = size
        self._known: dict[str, int] = {}
        self._known_sums: array[float] = array("f")
        self._known_values: array[float] = array("f")
        if known is not None:
            if len(known.sums) != len(known.words) * self._columns:
                raise ModelError("the words summed ahead do not match the model")
            self._known = dict(zip(known.words, range(len(known.words)), strict=True))
            self._known_sums, self._known_values = known.sums, known.values
        self._kept: OrderedDict[str, tuple[array[float], float]] = OrderedDict()

    def known_sums(self, words: Iterable[str]) -> KnownSums:
        """`words` summed ahead, for a `WordSums` of the same model and features (`known`)."""
        chosen = tuple(dict.fromkeys(words))
        sums: array[float] = array("f")
        values: array[float] = array("f")
        for word in chosen:
            summed, value = self._summed(word)
            sums.fromlist(summed.tolist())
            values.append(value)
        return KnownSums(chosen, sums, values)

    def lexicon_sums(self, also: Iterable[str] = ()) -> KnownSums:
        """The words of `lexicon.txt` (normalized, as people wrote them in the training
        messages), and `also`, summed ahead: what both models load as `known`."""
        return self.known_sums(sorted(known_words().union(also)))

    def rows(self, word: str) -> list[int]:
        """The word's rows: its unigram first, then its n-grams (as `index` gives them)."""
        linear = self._linear
        return [bucket("w:" + word, linear.buckets), *linear.gram_rows(self._prefix, word, self._sizes)]

    def _summed(self, word: str) -> tuple[array[float], float]:
        """The word's rows summed (unscaled, the unigram counting `unigram_weight`) and its
        total value."""
        linear = self._linear
        first, *grams = self.rows(word)
        weight = self._unigram_weight
        unigram = linear.raw(first)
        if not grams:
            return array("d", [weight * u for u in unigram]), weight
        rest = linear.raw_sum(grams)
        return array("d", [weight * u + g for u, g in zip(unigram, rest, strict=True)]), len(grams) + weight

    def vector(self, word: str) -> tuple[Sequence[float], float]:
        """The word's summed rows and total value: summed ahead, kept, or summed now (and kept,
        the least recently used word out)."""
        at = self._known.get(word)
        if at is not None:
            columns = self._columns
            return self._known_sums[at * columns : (at + 1) * columns], self._known_values[at]
        kept = self._kept
        found = kept.get(word)
        if found is not None:
            kept.move_to_end(word)
            return found
        found = self._summed(word)
        if len(kept) >= self._size:
            kept.popitem(last=False)
        kept[word] = found
        return found

    def gather(self, words: Sequence[str]) -> tuple[list[Sequence[float]], list[float]]:
        """One summed row per word of `words` (in order) and each word's total value."""
        distinct = [w for w in dict.fromkeys(words) if w not in self._known]
        if len(distinct) > self._size // 2:  # longer than any message: nothing kept
            found = {w: self._summed(w) for w in distinct}
            pairs = [found[w] if w in found else self.vector(w) for w in words]
        else:
            pairs = [self.vector(w) for w in words]
        return [p[0] for p in pairs], [p[1] for p in pairs]


def column_sums(rows: Sequence[Sequence[float]], columns: int) -> list[float]:
    """The sum of each column over the rows (zeros for none)."""
    if not rows:
        return [0.0] * columns
    return [float(x) for x in map(sum, zip(*rows, strict=True))]


SENTENCES_KEPT = 64
"""Sentences whose sums `PolicyModel` keeps: a letter's, read whole and then part by part."""


class PolicyModel:
    """The two policy models in one `HashedLinear` (see the module docstring)."""

    def __init__(self, linear: HashedLinear, known: KnownSums | None = None) -> None:
        header = linear.header
        if header.get("features_version") != FEATURES_VERSION:
            raise ModelError(
                f"the policy model was trained for features v{header.get('features_version')}, "
                f"the code has v{FEATURES_VERSION}: run `python -m directory.policy.train`"
            )
        self.linear = linear
        self.classes = linear.classes
        self.labels: tuple[str, ...] = tuple(header["labels"])
        # a word's contribution to the `t` block (its unigram and its letter n-grams) is the
        # same in every message: kept per word, summed, so a message adds one row per word
        self._word_sums = WordSums(linear, "c:", NGRAM_SIZES, WORD_WEIGHT, known=known)
        self._sentences: dict[tuple[str, ...], tuple[list[float], list[float], float]] = {}

    @property
    def header(self) -> dict[str, Any]:
        return self.linear.header

    def _sentence_sums(self, words: tuple[str, ...]) -> tuple[list[float], list[float], float]:
        """A sentence's words' rows summed, its word pairs' rows summed (both unscaled) and its
        total value, kept for the few sentences of one message: its parts are read again, one
        by one, and are its sentences."""
        kept = self._sentences.get(words)
        if kept is not None:
            return kept
        linear = self.linear
        buckets = linear.buckets
        vectors, values = self._word_sums.gather(words)
        previous = "<s>"
        pair_rows = []
        for word in words:
            pair_rows.append(crc32(f"b:{previous}_{word}".encode()) % buckets)
            previous = word
        found = (
            column_sums(vectors, linear.columns),
            linear.raw_sum(pair_rows),
            sum(values) + WORD_WEIGHT * len(values),
        )
        if len(self._sentences) >= SENTENCES_KEPT:
            self._sentences.pop(next(iter(self._sentences)))  # the oldest: a past message's
        self._sentences[words] = found
        return found

    @classmethod
    def load(cls, path: Path | None = None) -> PolicyModel:
        if path is None:
            resource = resources.files("directory.data") / MODEL_FILE
            try:  # inflating 4 MB of zlib took 60 ms a start: the derived-data cache keeps it
                linear = load_or_build("policy_model", lambda: HashedLinear.from_bytes(resource.read_bytes()))
                known = load_or_build_if_kept("policy_known_words", cls(linear)._word_sums.lexicon_sums)
                return cls(linear, known)
            except FileNotFoundError as exc:
                raise ModelError(f"{MODEL_FILE} is missing: run `python -m directory.policy.train`") from exc
        return cls(HashedLinear.from_bytes(path.read_bytes()))

    def scores(
        self,
        parts: Sequence[Sentence],
        weights: Sequence[float],
        cues: Iterable[str],
        raw_concepts: Iterable[str] = (),
    ) -> Scores:
        """Both models' probabilities for a message read as `features.message_features` does.
        A sentence's words and word pairs share its weight, so each sentence is summed column
        by column once and then weighted."""
        linear = self.linear
        t_raw = [0.0] * linear.columns
        total_t = 0.0
        for sentence, weight in zip(parts, weights, strict=True):
            if not sentence.words:
                continue
            words_sum, pairs_sum, value = self._sentence_sums(sentence.words)
            sums = zip(t_raw, words_sum, pairs_sum, strict=True)
            t_raw = [t + weight * (w + WORD_WEIGHT * p) for t, w, p in sums]
            total_t += weight * value
        logits = list(linear.intercept)
        if total_t > 0:
            norm = total_t**-0.5
            logits = [z + norm * t * s for z, t, s in zip(logits, t_raw, linear.scale, strict=True)]
        cue_names = sorted({"k:" + c for c in cues})
        if cue_names:
            norm = len(cue_names) ** -0.5
            logits = [z + norm * c for z, c in zip(logits, linear.sum(cue_names), strict=True)]
        raw_names = sorted({"r:" + c for c in raw_concepts})
        if raw_names:
            logits = [z + RAW_CONCEPT_VALUE * c for z, c in zip(logits, linear.sum(raw_names), strict=True)]
        n = len(self.classes)
        return Scores(
            dict(zip(self.classes, _softmax(logits[:n]), strict=True)),
            {label: _sigmoid(z) for label, z in zip(self.labels, logits[n:], strict=True)},
        )


def _softmax(logits: Sequence[float]) -> list[float]:
    top = max(logits)
    exps = [math.exp(z - top) for z in logits]
    total = sum(exps)
    return [e / total for e in exps]


def _sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z)) if z >= 0 else math.exp(z) / (1.0 + math.exp(z))
