"""Finding known phrases in a message's words in one left-to-right pass, typos included.

Sectors ("street vendors"), places ("Côte d'Ivoire", "Belo Horizonte") and policy concepts are
all phrases of one to a few words. A `PhraseIndex` files each phrase under its first word, so a
message of n words costs about n dictionary look-ups instead of one per n-gram. A word that is
nobody's first word may be a typo: `Typos` finds the known words one or two edits away through
a deletion index (the SymSpell idea: "vendros" and "vendors" share the deletion "vendrs"),
checked with rapidfuzz's optimal string alignment distance, and remembers its answers.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from typing import Generic, TypeVar

from rapidfuzz.distance import OSA

from directory.text import WORDS_KEPT

V = TypeVar("V")

_MEMO_SIZE = WORDS_KEPT  # per index; a look-up of a word not seen lately costs about 20 µs
LEXICON_FILE = "lexicon.txt"
WRITTEN_FILE = "lexicon_written.txt"


@cache
def known_words() -> frozenset[str]:
    """Words people really write, as they write them (`data/lexicon.txt`: every word seen at
    least twice in the training messages, normalized). Such a word is never "corrected" into
    a nearby sector, place or concept: the costly typo search is for words nobody wrote."""
    try:
        text = (resources.files("directory.data") / LEXICON_FILE).read_text(encoding="utf-8")
    except FileNotFoundError:
        return frozenset()
    return frozenset(text.split())


@cache
def written_words() -> frozenset[str]:
    """The words of `known_words` as people write them where normalizing changes them
    (casefolded, accents kept: "información", "coopérative"; `data/lexicon_written.txt`, every
    such form seen at least twice in the training messages). The language identifier reads
    accents, so these are the forms it sums ahead."""
    try:
        text = (resources.files("directory.data") / WRITTEN_FILE).read_text(encoding="utf-8")
    except FileNotFoundError:
        return frozenset()
    return frozenset(text.split())


def _deletions_of(word: str, depth: int) -> frozenset[str]:
    """`word` with up to `depth` letters removed (itself included)."""
    out = {word}
    frontier = {word}
    for _ in range(depth):
        frontier = {w[:i] + w[i + 1 :] for w in frontier for i in range(len(w))}
        out |= frontier
    return frozenset(out)


# Each index remembers its own answers (`Typos._memo`): this cache only spares the indexes of
# one message computing the same deletions of its words again. A long word's run to hundreds
# of strings: 1,024 of them held 3.8 MB, so it keeps a message's worth, and building an index
# (every known word's deletions, once) goes around it.
_deletions = lru_cache(maxsize=256)(_deletions_of)


class Typos:
    """Known words within one edit (two for long words) of a word, nearest first."""

    def __init__(
        self,
        words: Iterable[str],
        *,
        min_len: int = 5,
        two_edits_from: int = 10,
        same_first_letter: bool = True,
    ) -> None:
        self.min_len = min_len
        self.two_edits_from = two_edits_from
        self.same_first_letter = same_first_letter
        self.known = frozenset(w for w in words if w)
        # two edits change a length by two at most: a longer word is near nothing known, and its
        # deletions (length cubed: a 4,000-letter word's took gigabytes) are never built
        self.longest = max(map(len, self.known), default=0) + 2
        self._index: dict[str, str | tuple[str, ...]] | None = None  # built on the first look-up
        self._memo: dict[str, tuple[str, ...]] = {}

    def _deletion_index(self) -> dict[str, str | tuple[str, ...]]:
        """Each known word under itself and each of its one-letter deletions. A look-up deletes
        up to two letters of the typed word, so one or two edits meet here (two substitutions
        in a long word excepted: rare, and the cost of building it is not).

        Most keys file one word: it is stored as itself, a few as a tuple, never as a set (a
        set of one word costs 216 bytes: the indexes took 10 MB of a running bot)."""
        if self._index is None:
            index: dict[str, str | tuple[str, ...]] = {}
            for word in sorted(self.known):
                if len(word) >= self.min_len - 1:
                    for deleted in _deletions_of(word, 1):
                        filed = index.get(deleted)
                        if filed is None:
                            index[deleted] = word
                        elif isinstance(filed, str):
                            index[deleted] = (filed, word)
                        else:
                            index[deleted] = (*filed, word)
            self._index = index
        return self._index

    def candidates(self, word: str) -> tuple[str, ...]:
        """Known words close to `word` (not `word` itself), nearest first, then alphabetical."""
        if word in self._memo:
            return self._memo[word]
        found: tuple[str, ...] = ()
        if (
            self.min_len <= len(word) <= self.longest
            and word not in self.known
            and word not in known_words()
        ):
            limit = 2 if len(word) >= self.two_edits_from else 1
            index = self._deletion_index()
            near: set[str] = set()
            for deleted in _deletions(word, limit):
                filed = index.get(deleted)
                if isinstance(filed, str):
                    near.add(filed)
                elif filed is not None:
                    near.update(filed)
            scored = sorted(
                (d, w)
                for w in near
                if (not self.same_first_letter or w[0] == word[0])
                and (d := OSA.distance(word, w, score_cutoff=limit)) <= limit
            )
            found = tuple(w for _d, w in scored)
        if len(self._memo) >= _MEMO_SIZE:
            self._memo.clear()
        self._memo[word] = found
        return found


@dataclass(frozen=True)
class Match(Generic[V]):
    """A phrase found at words[start:end] (`fuzzy` when a typo was forgiven)."""

    start: int
    end: int
    value: V
    fuzzy: bool = False


class PhraseIndex(Generic[V]):
    """Phrases (tuples of normalized words) filed by their first word, longest first."""

    def __init__(self, phrases: Iterable[tuple[Sequence[str], V]], *, typos: bool = True) -> None:
        by_first: dict[str, list[tuple[tuple[str, ...], V]]] = defaultdict(list)
        seen: set[tuple[str, ...]] = set()
        for words, value in phrases:
            key = tuple(words)
            if not key or key in seen:
                continue
            seen.add(key)
            by_first[key[0]].append((key[1:], value))
        self._by_first = {
            first: sorted(rest, key=lambda rv: -len(rv[0])) for first, rest in by_first.items()
        }
        self.max_words = 1 + max((len(r) for rs in self._by_first.values() for r, _v in rs), default=0)
        self.typos = Typos(self._by_first) if typos else None
        self._rest_words = frozenset(w for rs in self._by_first.values() for r, _v in rs for w in r)
        self.rest_typos = Typos(self._rest_words) if typos else None

    def first_words(self) -> frozenset[str]:
        return frozenset(self._by_first)

    def _at(
        self, words: Sequence[str], i: int, first: str, accept: Callable[[Match[V]], bool], fuzzy: bool
    ) -> Match[V] | None:
        """The longest phrase filed under `first` that `words` spell from `i` (typos in its
        later words forgiven when `fuzzy`), if `accept` takes it."""
        for rest, value in self._by_first.get(first, ()):
            end = i + 1 + len(rest)
            if end > len(words):
                continue
            typo = first != words[i]
            for k, known in enumerate(rest):
                word = words[i + 1 + k]
                if word == known:
                    continue
                if fuzzy and self.rest_typos is not None and known in self.rest_typos.candidates(word):
                    typo = True
                    continue
                break
            else:
                match = Match(i, end, value, typo)
                if accept(match):
                    return match
        return None

    def find(
        self,
        words: Sequence[str],
        *,
        accept: Callable[[Match[V]], bool] = lambda _m: True,
        fuzzy_at: Callable[[int], bool] = lambda _i: True,
    ) -> list[Match[V]]:
        """Phrases in `words`, left to right, the longest at each place, never overlapping.

        A typo is forgiven only where `fuzzy_at(i)` allows it (places: capitalized names only,
        for example); `accept` may refuse a match (a city that is also a common word).
        """
        found: list[Match[V]] = []
        by_first, typos = self._by_first, self.typos
        i, n = 0, len(words)
        while i < n:
            word = words[i]
            match = None
            if word in by_first:
                match = self._at(words, i, word, accept, fuzzy=False)
                if match is None and typos is not None and fuzzy_at(i):
                    match = self._at(words, i, word, accept, fuzzy=True)
            elif typos is not None and len(word) >= typos.min_len and fuzzy_at(i):
                for near in typos.candidates(word):
                    match = self._at(words, i, near, accept, fuzzy=True)
                    if match is not None:
                        break
            if match is None:
                i += 1
                continue
            found.append(match)
            i = match.end
        return found
