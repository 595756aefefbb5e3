"""Small towns (15,000 to 100,000 people) by name, in a form that costs about 2 MB.

"Our market at Makeni", "à Kpalimé", "em Caicó": people name their town, and the town tells the
country whose organizations to name. GeoNames lists about 25,000 such towns; as a dict of objects
with a phrase index they held 10 MiB more in every process. The gazetteer looks a town up only
where one can be (a capitalized name right after "in", "at", "à", "em"...), a few times a
message at most, so one sorted text with a binary search over its line offsets is enough.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from directory.cities import CityRow

MIN_POPULATION = 15_000
MIN_NAME_LENGTH = 5  # "Bo", "Kabala" aside, short names are words somewhere


@dataclass(frozen=True)
class Town:
    geonameid: str
    name: str
    country: str
    population: int


class Towns:
    """Town names (normalized) → the largest town of that name, from one sorted text."""

    def __init__(self, rows: Iterable[tuple[str, CityRow]]) -> None:
        best: dict[str, CityRow] = {}
        for key, row in rows:
            if "\t" in key or "\n" in key:
                continue
            kept = best.get(key)
            if kept is None or kept.population < row.population:
                best[key] = row
        lines = [
            f"{key}\t{r.geonameid}\t{r.name}\t{r.country}\t{r.population}\n"
            for key, r in sorted(best.items())
        ]
        self._text = "".join(lines)
        self._starts = array("I")
        at = 0
        for line in lines:
            self._starts.append(at)
            at += len(line)

    def __len__(self) -> int:
        return len(self._starts)

    def get(self, key: str) -> Town | None:
        """The town of that normalized name, or None."""
        text, starts = self._text, self._starts
        lo, hi = 0, len(starts)
        while lo < hi:
            mid = (lo + hi) // 2
            start = starts[mid]
            name = text[start : text.index("\t", start)]
            if name < key:
                lo = mid + 1
            elif name > key:
                hi = mid
            else:
                _key, gid, shown, country, pop = text[start : text.index("\n", start)].split("\t")
                return Town(gid, shown, country, int(pop))
        return None


def small_towns(
    rows: Iterable[CityRow], normalize: Callable[[str], str], taken: Callable[[str], bool], below: int
) -> Towns:
    """The towns of `rows` with `MIN_POPULATION` to `below` people, whose names are long enough
    and not `taken` (a country's, a region's or a larger city's name)."""
    return Towns(
        (key, row)
        for row in rows
        if MIN_POPULATION <= row.population < below
        and len(key := normalize(row.name)) >= MIN_NAME_LENGTH
        and not taken(key)
    )
