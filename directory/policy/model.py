"""The trained classifier at run time: two linear models over the features of `features.py`.

`directory/data/policy_model.bin` (written by `python -m directory.policy.train`) holds:
- a multinomial model over the rules plus "none" and "smalltalk": which rule answers the
  message, or none;
- one-vs-rest models, one per rule: does the message ask this rule's question anywhere? They
  tell a second ask from a story that merely mentions another topic.

Features are hashed into `buckets` rows (crc32, stable across processes); each row holds one
int16 weight per output column, scaled per column. numpy gathers a message's rows and sums
them in one product (in pure Python that sum was a third of an answer's time); a word's row
numbers are cached, since hashing its n-grams is the other costly part and words recur.
"""

from __future__ import annotations

import json
import math
import zlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any
from zlib import crc32

import numpy as np
import numpy.typing as npt

from directory.derived import load_or_build
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

    def gram_rows(self, prefix: str, word: str, sizes: Sequence[int]) -> npt.NDArray[np.intp]:
        """The rows of `prefix` + each letter n-gram of `<word>` (sizes in order), as `index`
        would give for those names, about twice as fast: the crc runs on from the prefix's, and
        an ASCII word's n-grams are slices of its bytes (one byte, one letter)."""
        padded = f"<{word}>"
        if not padded.isascii():
            return self.index(prefix + padded[i : i + n] for n in sizes for i in range(len(padded) - n + 1))
        data = padded.encode("ascii")
        start = _prefix_crc(prefix)
        buckets = self.buckets
        end = len(data) + 1
        return np.array(
            [crc32(data[i : i + n], start) % buckets for n in sizes for i in range(end - n)],
            dtype=np.intp,
        )

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


class PolicyModel:
    """The two policy models in one `HashedLinear` (see the module docstring)."""

    def __init__(self, linear: HashedLinear) -> None:
        header = linear.header
        if header.get("features_version") != FEATURES_VERSION:
            raise ModelError(
                f"the policy model was trained for features v{header.get('features_version')}, "
                f"the code has v{FEATURES_VERSION}: run `python -m directory.policy.train`"
            )
        self.linear = linear
        self.classes = linear.classes
        self.labels: tuple[str, ...] = tuple(header["labels"])
        # a word's rows (its unigram and letter n-grams) recur across messages: hashing them
        # is the costly part, so the row numbers are cached, not the sums
        self._word_rows = lru_cache(maxsize=WORDS_KEPT)(self._word_rows_uncached)

    @property
    def header(self) -> dict[str, Any]:
        return self.linear.header

    @classmethod
    def load(cls, path: Path | None = None) -> PolicyModel:
        if path is None:
            resource = resources.files("directory.data") / MODEL_FILE
            try:  # inflating 4 MB of zlib took 60 ms a start: the derived-data cache keeps it
                linear = load_or_build("policy_model", lambda: HashedLinear.from_bytes(resource.read_bytes()))
                return cls(linear)
            except FileNotFoundError as exc:
                raise ModelError(f"{MODEL_FILE} is missing: run `python -m directory.policy.train`") from exc
        return cls(HashedLinear.from_bytes(path.read_bytes()))

    def _word_rows_uncached(self, word: str) -> tuple[int, npt.NDArray[np.intp]]:
        """A word's unigram row and its letter n-gram rows."""
        return bucket("w:" + word, self.linear.buckets), self.linear.gram_rows("c:", word, NGRAM_SIZES)

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
        word_rows = self._word_rows
        rows: list[int] = []  # unigrams and pairs: value WORD_WEIGHT x the sentence's weight
        row_values: list[float] = []
        grams: list[npt.NDArray[np.intp]] = []  # n-grams: value = the sentence's weight
        gram_counts: list[int] = []
        gram_weights: list[float] = []
        total_t = 0.0
        for sentence, weight in zip(parts, weights, strict=True):
            if not sentence.words:
                continue
            previous = "<s>"
            value = WORD_WEIGHT * weight
            for word in sentence.words:
                unigram, word_grams = word_rows(word)
                rows.append(unigram)
                rows.append(crc32(f"b:{previous}_{word}".encode()) % buckets)
                grams.append(word_grams)
                gram_counts.append(len(word_grams))
                gram_weights.append(weight)
                total_t += weight * (2 * WORD_WEIGHT + len(word_grams))
                previous = word
            row_values.extend((value,) * (len(rows) - len(row_values)))
        logits = linear.intercept.copy()
        if total_t > 0:
            all_rows = np.concatenate([np.asarray(rows, dtype=np.intp), *grams])
            values = np.concatenate([np.asarray(row_values), np.repeat(gram_weights, gram_counts)])
            logits += total_t**-0.5 * linear.gather(all_rows, values)
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
