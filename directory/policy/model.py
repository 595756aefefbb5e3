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
one per word pair, in one numpy product each.
"""

from __future__ import annotations

import json
import math
import zlib
from collections import OrderedDict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any
from zlib import crc32

import numpy as np
import numpy.typing as npt

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
    zlib-compressed little-endian weights. Rows are gathered and summed by numpy: summing a
    message's thousand n-gram rows in Python was a third of the time of an answer."""

    def __init__(self, header: Mapping[str, Any], weights: npt.NDArray[np.int16]) -> None:
        self.header = dict(header)
        self.classes: tuple[str, ...] = tuple(header["classes"])
        self.columns = len(self.classes) + len(header.get("labels", ()))
        self.buckets = int(header["buckets"])
        self.scale = np.asarray([float(s) for s in header["scale"]], dtype=np.float64)
        self.intercept = np.asarray([float(b) for b in header["intercept"]], dtype=np.float64)
        if weights.size != self.buckets * self.columns or len(self.scale) != self.columns:
            raise ModelError("the model's weights do not match its header")
        self.weights = weights.astype("<i2", copy=False).reshape(self.buckets, self.columns)

    @classmethod
    def from_bytes(cls, data: bytes) -> HashedLinear:
        head, _, body = data.partition(b"\n")
        try:
            header = json.loads(head)
            weights = np.frombuffer(zlib.decompress(body), dtype="<i2")
        except (ValueError, zlib.error) as exc:
            raise ModelError(f"the model file is damaged: {exc}") from exc
        return cls(header, weights)

    def to_bytes(self) -> bytes:
        head = json.dumps(self.header, sort_keys=True, separators=(",", ":")).encode()
        return head + b"\n" + zlib.compress(self.weights.astype("<i2").tobytes(), 9)

    def index(self, names: Iterable[str]) -> npt.NDArray[np.intp]:
        """The rows the features hash to."""
        buckets = self.buckets
        return np.fromiter((crc32(n.encode("utf-8")) % buckets for n in names), dtype=np.intp)

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

    def row(self, name: str) -> npt.NDArray[np.float64]:
        """One feature's row, scaled."""
        row: npt.NDArray[np.float64] = self.weights[bucket(name, self.buckets)] * self.scale
        return row

    def gather(
        self, rows: npt.NDArray[np.intp], values: npt.NDArray[np.float64] | None = None
    ) -> npt.NDArray[np.float64]:
        """The scaled sum of the rows, each multiplied by its value when values are given."""
        # np.take is three times faster than fancy indexing here, and a float product faster
        # than an integer sum along the rows
        block = np.take(self.weights, rows, axis=0).astype(np.float64)
        summed = block.sum(axis=0) if values is None else np.dot(values, block)
        scaled: npt.NDArray[np.float64] = summed * self.scale
        return scaled

    def sum(self, names: Iterable[str]) -> npt.NDArray[np.float64]:
        """The scaled sum of the features' rows."""
        return self.gather(self.index(names))


@dataclass(frozen=True)
class KnownSums:
    """Words summed ahead for `WordSums` (kept with the derived data between processes)."""

    words: tuple[str, ...]
    sums: npt.NDArray[np.float32]
    values: npt.NDArray[np.float32]


class WordSums:
    """Each word's rows of a `HashedLinear` (its unigram and its letter n-grams) summed once and
    kept in one preallocated matrix, the least recently used word out: a message then costs a
    dictionary look-up per word and one `np.take`. The words a message brings that are not kept
    are hashed and summed together, in one gather (per word, numpy's overhead was most of it).

    A message with more distinct words than half the table (longer than Telegram allows) is
    summed without keeping them, so no word a message uses is evicted while it is read.

    `known` words (the lexicon of words people wrote in the training messages, about 14,500)
    are summed ahead and never evicted: most words of a new message are then not new. Sums of
    int16 rows are whole or half numbers far below 2**23, exact in float32: half the memory."""

    def __init__(
        self, linear: HashedLinear, gram_prefix: str, sizes: Sequence[int], unigram_weight: float,
        size: int = WORDS_KEPT, known: KnownSums | None = None,
    ) -> None:
        self._linear = linear
        self._prefix = gram_prefix
        self._sizes = tuple(sizes)
        self._unigram_weight = unigram_weight
        self._size = size
        self._known: dict[str, int] = {}
        first = 0
        if known is not None:
            self._known = dict(zip(known.words, range(len(known.words)), strict=True))
            first = len(known.words)
        self._first = first  # the kept (evictable) rows come after the known ones
        self._matrix = np.zeros((first + size, linear.columns), dtype=np.float32)
        self._values = np.zeros(first + size, dtype=np.float32)
        if known is not None:
            self._matrix[:first] = known.sums
            self._values[:first] = known.values
        self._slots: OrderedDict[str, int] = OrderedDict()

    def known_sums(self, words: Iterable[str]) -> KnownSums:
        """`words` summed ahead, for a `WordSums` of the same model and features (`known`)."""
        chosen = tuple(dict.fromkeys(words))
        if not chosen:
            return KnownSums((), np.zeros((0, self._linear.columns), np.float32), np.zeros(0, np.float32))
        sums, values = self._summed(chosen)
        return KnownSums(chosen, sums.astype(np.float32), values.astype(np.float32))

    def lexicon_sums(self, also: Iterable[str] = ()) -> KnownSums:
        """The words of `lexicon.txt` (normalized, as people wrote them in the training
        messages), and `also`, summed ahead: what both models load as `known`."""
        return self.known_sums(sorted(known_words().union(also)))

    def rows(self, word: str) -> list[int]:
        """The word's rows: its unigram first, then its n-grams (as `index` gives them)."""
        linear = self._linear
        return [bucket("w:" + word, linear.buckets), *linear.gram_rows(self._prefix, word, self._sizes)]

    def _summed(self, words: Sequence[str]) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
        """The words' rows summed (unscaled, the unigram counting `unigram_weight`) and each
        word's total value, in one gather."""
        rows: list[int] = []
        starts: list[int] = []
        for word in words:
            starts.append(len(rows))
            rows.extend(self.rows(word))
        at = np.asarray(starts, dtype=np.intp)
        block = np.take(self._linear.weights, np.asarray(rows, dtype=np.intp), axis=0).astype(np.float64)
        block[at] *= self._unigram_weight
        lengths = np.diff(np.append(at, len(rows)))
        return np.add.reduceat(block, at, axis=0), lengths - 1 + self._unigram_weight

    def gather(self, words: Sequence[str]) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
        """One summed row per word of `words` (in order) and each word's total value."""
        kept, known = self._slots, self._known
        distinct = [w for w in dict.fromkeys(words) if w not in known]
        if len(distinct) > self._size // 2:  # longer than any message: nothing kept
            return self._summed(words)
        new = []
        for word in distinct:  # this message's kept words become the most recent: none is evicted
            if word in kept:
                kept.move_to_end(word)
            else:
                new.append(word)
        if new:
            summed, values = self._summed(new)
            for word, row, value in zip(new, summed, values, strict=True):
                slot = kept.popitem(last=False)[1] if len(kept) >= self._size else self._first + len(kept)
                self._matrix[slot] = row
                self._values[slot] = value
                kept[word] = slot
        slots = [known[word] if word in known else kept[word] for word in words]
        index = np.asarray(slots, dtype=np.intp)
        return np.take(self._matrix, index, axis=0), np.take(self._values, index)


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

    @property
    def header(self) -> dict[str, Any]:
        return self.linear.header

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
        """Both models' probabilities for a message read as `features.message_features` does:
        every `t` row of the message gathered at once with its value, one product in C."""
        linear = self.linear
        buckets = linear.buckets
        words: list[str] = []
        word_weights: list[float] = []  # each word's sentence weight
        pairs: list[int] = []  # adjacent word pairs: value WORD_WEIGHT x the sentence's weight
        for sentence, weight in zip(parts, weights, strict=True):
            previous = "<s>"
            for word in sentence.words:
                words.append(word)
                word_weights.append(weight)
                pairs.append(crc32(f"b:{previous}_{word}".encode()) % buckets)
                previous = word
        logits = linear.intercept.copy()
        if words:
            summed, values = self._word_sums.gather(words)
            by_weight = np.asarray(word_weights)
            total_t = float(np.dot(by_weight, values + WORD_WEIGHT))
            if total_t > 0:
                t_block = np.dot(by_weight, summed) * linear.scale
                t_block += linear.gather(np.asarray(pairs, dtype=np.intp), WORD_WEIGHT * by_weight)
                logits += total_t**-0.5 * t_block
        cue_names = sorted({"k:" + c for c in cues})
        if cue_names:
            logits += len(cue_names) ** -0.5 * linear.sum(cue_names)
        raw_names = sorted({"r:" + c for c in raw_concepts})
        if raw_names:
            logits += RAW_CONCEPT_VALUE * linear.sum(raw_names)
        values_out = logits.tolist()
        n = len(self.classes)
        return Scores(
            dict(zip(self.classes, _softmax(values_out[:n]), strict=True)),
            {label: _sigmoid(z) for label, z in zip(self.labels, values_out[n:], strict=True)},
        )


def _softmax(logits: Sequence[float]) -> list[float]:
    top = max(logits)
    exps = [math.exp(z - top) for z in logits]
    total = sum(exps)
    return [e / total for e in exps]


def _sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z)) if z >= 0 else math.exp(z) / (1.0 + math.exp(z))
