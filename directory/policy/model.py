"""The trained classifier at run time: two linear models over the features of `features.py`.

`directory/data/policy_model.bin` (written by `python -m directory.policy.train`) holds:
- a multinomial model over the rules plus "none" and "smalltalk": which rule answers the
  message, or none;
- one-vs-rest models, one per rule: does the message ask this rule's question anywhere? They
  tell a second ask from a story that merely mentions another topic.

Features are hashed into `buckets` rows (crc32, stable across processes); each row holds one
int16 weight per output column, scaled per column. Nothing but the standard library is needed
to answer, so starting `main.py ask` does not pay for numpy. A word's weights are summed once
and cached: the same few thousand words make up most messages.
"""

from __future__ import annotations

import json
import math
import sys
import zlib
from array import array
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from operator import add, mul
from pathlib import Path
from typing import Any
from zlib import crc32

from directory.derived import load_or_build
from directory.policy.features import (
    FEATURES_VERSION,
    RAW_CONCEPT_VALUE,
    WORD_WEIGHT,
    Sentence,
    word_features,
)

MODEL_FILE = "policy_model.bin"
NONE_CLASSES = frozenset({"none", "smalltalk"})


class ModelError(RuntimeError):
    """The model file is missing, unreadable, or built for other features."""


def bucket(name: str, buckets: int) -> int:
    """The row a feature name hashes to (crc32: the same in every process)."""
    return zlib.crc32(name.encode("utf-8")) % buckets


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
    zlib-compressed little-endian weights."""

    def __init__(self, header: Mapping[str, Any], weights: array[int]) -> None:
        self.header = dict(header)
        self.classes: tuple[str, ...] = tuple(header["classes"])
        self.columns = len(self.classes) + len(header.get("labels", ()))
        self.buckets = int(header["buckets"])
        self._scale = [float(s) for s in header["scale"]]
        self.intercept = [float(b) for b in header["intercept"]]
        if len(weights) != self.buckets * self.columns or len(self._scale) != self.columns:
            raise ModelError("the model's weights do not match its header")
        self.weights = weights

    @classmethod
    def from_bytes(cls, data: bytes) -> HashedLinear:
        head, _, body = data.partition(b"\n")
        try:
            header = json.loads(head)
            weights = array("h")
            weights.frombytes(zlib.decompress(body))
        except (ValueError, zlib.error) as exc:
            raise ModelError(f"the model file is damaged: {exc}") from exc
        if sys.byteorder != "little":
            weights.byteswap()
        return cls(header, weights)

    def to_bytes(self) -> bytes:
        weights = array("h", self.weights)
        if sys.byteorder != "little":
            weights.byteswap()
        head = json.dumps(self.header, sort_keys=True, separators=(",", ":")).encode()
        return head + b"\n" + zlib.compress(weights.tobytes(), 9)

    def row(self, name: str) -> array[float]:
        """One feature's row, scaled (not cached: callers cache what they build from it)."""
        start = bucket(name, self.buckets) * self.columns
        return array("d", map(mul, self.weights[start : start + self.columns], self._scale))

    def sum(self, names: Iterable[str]) -> list[float]:
        """The sum of the features' rows: the int16 rows added column by column in C (`zip`,
        `sum`), then scaled once."""
        cols, weights, buckets = self.columns, self.weights, self.buckets
        rows = [weights[(s := crc32(n.encode("utf-8")) % buckets * cols) : s + cols] for n in names]
        if not rows:
            return [0.0] * cols
        return list(map(mul, map(sum, zip(*rows, strict=True)), self._scale))

    def logits(self, names: Iterable[str]) -> list[float]:
        return [a + b for a, b in zip(self.intercept, self.sum(names), strict=True)]


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
        # cached vectors are arrays of doubles: a third of the memory of tuples of floats
        self._word = lru_cache(maxsize=4096)(self._word_uncached)
        self._step = lru_cache(maxsize=8192)(self._step_uncached)

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

    def _word_uncached(self, word: str) -> tuple[array[float], array[float], int]:
        """A word's unigram row, the sum of its letter n-gram rows, and how many n-grams."""
        w_feats, c_feats = word_features(word)
        return array("d", self.linear.sum(w_feats)), array("d", self.linear.sum(c_feats)), len(c_feats)

    def _step_uncached(self, previous: str, word: str) -> tuple[array[float], float]:
        """What one word adds to the `t` block after `previous` (its unigram and pair rows,
        weighted, and its n-gram rows) and how much it adds to the block's total weight."""
        uni, grams, n = self._word(word)
        pair = self.linear.row(f"b:{previous}_{word}")
        vector = array("d", (WORD_WEIGHT * (u + p) + g for u, p, g in zip(uni, pair, grams, strict=True)))
        return vector, 2 * WORD_WEIGHT + n

    def scores(
        self,
        parts: Sequence[Sentence],
        weights: Sequence[float],
        cues: Iterable[str],
        raw_concepts: Iterable[str] = (),
    ) -> Scores:
        """Both models' probabilities for a message read as `features.message_features` does."""
        linear = self.linear
        cols = linear.columns
        block_t = [0.0] * cols
        total_t = 0.0
        step = self._step
        for sentence, weight in zip(parts, weights, strict=True):
            if not sentence.words:
                continue
            previous = "<s>"
            vectors = []
            total = 0.0
            for word in sentence.words:
                vector, added = step(previous, word)
                vectors.append(vector)
                total += added
                previous = word
            inside = map(sum, zip(*vectors, strict=True))  # column sums, in C
            if weight == 1.0:
                block_t = list(map(add, block_t, inside))
            else:
                block_t = [a + weight * b for a, b in zip(block_t, inside, strict=True)]
            total_t += weight * total
        cue_names = sorted({"k:" + c for c in cues})
        block_k = linear.sum(cue_names)
        block_r = linear.sum(sorted({"r:" + c for c in raw_concepts}))
        logits = list(linear.intercept)
        blocks = ((block_t, total_t), (block_k, float(len(cue_names))))
        for block, total in blocks:
            if total > 0:
                scale = total**-0.5
                logits = [a + scale * b for a, b in zip(logits, block, strict=True)]
        logits = [a + RAW_CONCEPT_VALUE * b for a, b in zip(logits, block_r, strict=True)]
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
