"""Values kept for one directory version (`Organizations.version_now`), so that what was read
at that version is served again without a statement, and never after a write."""

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
