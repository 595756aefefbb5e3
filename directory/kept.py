"""Bounded caches: values kept for one directory version (`Organizations.version_now`), so
that what was read at that version is served again without a statement, and never after a
write; and values kept by count and total size."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable, Sequence
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class KeptForVersion(Generic[K, V]):
    """At most `size` values, least recently used out, all read at one version: a value is
    served only for that version, and keeping one of another version drops the rest."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._values: OrderedDict[K, V] = OrderedDict()
        self._version: int | None = None

    def get(self, key: K, version: int | None) -> V | None:
        found = self.get_all([key], version)
        return found[0] if found else None

    def get_all(self, keys: Sequence[K], version: int | None) -> list[V] | None:
        """The values of every key, when all are kept and of `version` (None: unknown)."""
        if version is None or version != self._version:
            return None
        try:
            values = [self._values[k] for k in keys]
        except KeyError:
            return None
        for k in keys:
            self._values.move_to_end(k)
        return values

    def keep(self, key: K, value: V, version: int) -> None:
        if version != self._version:
            self._values.clear()
            self._version = version
        self._values[key] = value
        self._values.move_to_end(key)
        while len(self._values) > self._size:
            self._values.popitem(last=False)


class KeptBySize(Generic[K, V]):
    """At most `size` values and `weight` in all (a value's weight is given when it is kept,
    such as its text's length), least recently used out: a few long letters cannot hold the
    memory that many short questions would use better. A value heavier than `weight` is not
    kept."""

    def __init__(self, size: int, weight: int) -> None:
        self._size = size
        self._limit = weight
        self._values: OrderedDict[K, tuple[V, int]] = OrderedDict()
        self._weight = 0

    def __len__(self) -> int:
        return len(self._values)

    @property
    def weight(self) -> int:
        return self._weight

    def get(self, key: K) -> V | None:
        found = self._values.get(key)
        if found is None:
            return None
        self._values.move_to_end(key)
        return found[0]

    def keep(self, key: K, value: V, weight: int) -> None:
        if weight > self._limit:
            return
        old = self._values.pop(key, None)
        if old is not None:
            self._weight -= old[1]
        self._values[key] = (value, weight)
        self._weight += weight
        while len(self._values) > self._size or self._weight > self._limit:
            _key, (_value, dropped) = self._values.popitem(last=False)
            self._weight -= dropped

    def clear(self) -> None:
        self._values.clear()
        self._weight = 0
