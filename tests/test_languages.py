"""One language list: every language the bot speaks is one its domain reads, from one file."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from bot.i18n import Catalogs
from directory.languages import codes, languages
from directory.policy.lexicon import LANGS, STOPWORDS
from directory.sectors import SECTORS, find_sectors

LANGUAGE_DIR = Path(__file__).resolve().parents[1] / "directory" / "data" / "languages"


def test_every_catalog_language_is_one_the_matcher_reads(catalogs: Catalogs) -> None:
    spoken = {code.split("_")[0] for code in catalogs.codes}
    assert spoken <= set(codes()), f"catalogs without a vocabulary file: {spoken - set(codes())}"


def test_every_language_file_is_complete() -> None:
    required = {"code", "name", "stemmer", "stopwords", "ask_words", "joiners", "markers", "time",
                "third_party", "places", "sectors", "concepts"}
    for path in sorted(LANGUAGE_DIR.glob("*.toml")):
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        assert required <= set(data), f"{path.name} lacks {required - set(data)}"
        assert path.stem == data["code"]
        assert set(data["sectors"]) <= set(SECTORS)
        assert {"units", "numbers", "relative", "months"} <= set(data["time"])


def test_the_domain_reads_the_languages_from_the_files() -> None:
    assert LANGS == codes() == tuple(sorted(languages()))
    for code, language in languages().items():
        assert STOPWORDS[code] == language.stopwords
        assert language.name  # its own name: "Español", "Français"...


@pytest.mark.parametrize(
    ("text", "sector"),
    [("buhoneros en Caracas", "street_vendors"), ("les vendeuses du marché", "market_traders"),
     ("catadores de recicláveis", "waste_pickers"), ("house helps in Lagos", "domestic_workers")],
)
def test_sector_words_come_from_each_language_file(text: str, sector: str) -> None:
    assert sector in find_sectors(text)
