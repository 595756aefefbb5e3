"""The derived-data cache: built once, read back the same, never stale, never in the way."""

from __future__ import annotations

import os
import pickle
from pathlib import Path

import pytest

from directory import derived


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("WIEGO_CACHE_DIR", str(folder))
    return folder


class Builder:
    def __init__(self, value: object) -> None:
        self.value = value
        self.calls = 0

    def __call__(self) -> object:
        self.calls += 1
        return self.value


def test_built_once_then_read_back(cache: Path) -> None:
    build = Builder({"names": ("Accra", "Lomé"), "n": 3})
    assert derived.load_or_build("thing", build) == build.value
    assert derived.load_or_build("thing", build) == build.value
    assert build.calls == 1
    assert [p.name for p in cache.iterdir()] == [f"thing-{derived.fingerprint()}.pickle"]


def test_a_torn_file_is_rebuilt_and_replaced(cache: Path) -> None:
    build = Builder([1, 2, 3])
    derived.load_or_build("thing", build)
    path = next(cache.iterdir())
    path.write_bytes(path.read_bytes()[:5])
    assert derived.load_or_build("thing", build) == [1, 2, 3]
    assert build.calls == 2
    assert pickle.loads(path.read_bytes()) == [1, 2, 3]


def test_turned_off_builds_every_time_and_writes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WIEGO_CACHE_DIR", "off")
    monkeypatch.setenv("HOME", str(tmp_path))
    build = Builder("x")
    derived.load_or_build("thing", build)
    derived.load_or_build("thing", build)
    assert build.calls == 2
    assert list(tmp_path.iterdir()) == []


def test_turned_off_sums_no_word_ahead(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Words summed ahead only pay when kept between processes: turned off, a one-question
    `main.py ask` does not spend a second summing 14,000 words for its one answer."""
    from directory.policy.model import PolicyModel

    monkeypatch.setenv("WIEGO_CACHE_DIR", "off")
    assert derived.load_or_build_if_kept("thing", Builder("x")) is None
    assert PolicyModel.load()._word_sums._known == {}
    monkeypatch.setenv("WIEGO_CACHE_DIR", str(tmp_path))
    assert derived.load_or_build_if_kept("thing", Builder("x")) == "x"


def test_a_folder_that_cannot_be_written_is_no_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("WIEGO_CACHE_DIR", str(blocker / "cache"))
    assert derived.load_or_build("thing", Builder(7)) == 7


def test_default_folder_is_the_users_cache(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("WIEGO_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert derived.cache_dir() == tmp_path / "wiego-bot"


def test_any_change_to_code_or_data_gives_a_new_name_and_drops_the_old(
    cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    package = tmp_path / "package"
    (package / "data").mkdir(parents=True)
    module, data = package / "a.py", package / "data" / "cities.tsv"
    module.write_text("x = 1\n")
    data.write_text("Accra\n")
    monkeypatch.setattr(derived, "PACKAGE", package)
    derived.fingerprint.cache_clear()
    try:
        first = derived.fingerprint()
        derived.load_or_build("thing", Builder("old"))
        data.write_text("Accra\nKumasi\n")
        os.utime(data, ns=(1, 1))
        derived.fingerprint.cache_clear()
        assert derived.fingerprint() != first
        build = Builder("new")
        assert derived.load_or_build("thing", build) == "new" and build.calls == 1
        assert [p.name for p in cache.iterdir()] == [f"thing-{derived.fingerprint()}.pickle"]
    finally:
        derived.fingerprint.cache_clear()


TEXTS = [
    "street vendors in Accra and Kumasi",
    "recicladores en Bogota, Colombia y en la region andina",
    "Je cherche des syndicats à Abidjan (Côte d'Ivoire)",
    "catadores em Belo Horizonte e no Brasil, América do Sul",
    "home-based workers in Ahmedabd and South Asia",  # a typo forgiven
    "nothing here at all",
]


def test_a_gazetteer_read_back_finds_what_a_fresh_one_finds(cache: Path) -> None:
    from directory import places

    fresh = places._build_gazetteer()
    derived.load_or_build("gazetteer", places._build_gazetteer)
    read_back = derived.load_or_build("gazetteer", Builder(None))
    assert isinstance(read_back, places.Gazetteer)
    for text in TEXTS:
        assert read_back._find(text) == fresh._find(text), text
    assert any(read_back._find(text) for text in TEXTS)


def test_languages_and_model_read_back_equal(cache: Path) -> None:
    from directory import languages
    from directory.policy.model import PolicyModel

    parsed = languages._read_languages()
    assert derived.load_or_build("languages", languages._read_languages) == parsed
    assert derived.load_or_build("languages", Builder(None)) == parsed
    first, second = PolicyModel.load(), PolicyModel.load()
    assert first.linear.weights == second.linear.weights and len(first.linear.weights) > 0
    # the lexicon's words summed ahead (model.WordSums) are read back the same
    assert first._word_sums._known == second._word_sums._known and len(first._word_sums._known) > 10_000
    assert first._word_sums._known_sums == second._word_sums._known_sums
    assert sorted(p.name.split("-")[0] for p in cache.iterdir()) == ["languages", "policy_known_words", "policy_model"]


def test_the_lexicons_stems_read_back_are_the_stemmers(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The stems of `lexicon.txt`'s words are computed once and kept; read back, each is what
    the four stemmers give, and `stems` serves them. Turned off, none is kept."""
    from directory.phrases import known_words
    from directory.policy import lexicon

    lexicon._stems_ahead.cache_clear()
    built = lexicon._stems_ahead()
    lexicon._stems_ahead.cache_clear()
    read_back = lexicon._stems_ahead()
    assert read_back == built and len(read_back) == len(known_words()) > 10_000
    assert sorted(p.name.split("-")[0] for p in cache.iterdir()) == ["lexicon_stems"]
    for word in sorted(known_words())[::97]:
        assert tuple(read_back[word].split("\x1f")) == lexicon._stems_of(word) == lexicon.stems(word)
    monkeypatch.setenv("WIEGO_CACHE_DIR", "off")
    lexicon._stems_ahead.cache_clear()
    assert lexicon._stems_ahead() == {}
    lexicon._stems_ahead.cache_clear()


def test_the_stemmers_keep_no_words_of_their_own() -> None:
    """`stems` is the one bounded cache of stems: PyStemmer's own (10,000 words a stemmer)
    held 9 MiB of a running bot. Every stemmer has its cache off, and stems stay what they were."""
    from directory.policy import lexicon
    from directory.policy.lexicon import LANGS

    words = [f"trabajador{n}es" for n in range(300)]
    first = [lexicon._stems_of(w) for w in words]
    for lang in LANGS:
        assert lexicon._stemmer(lang).maxCacheSize == 0
    assert [lexicon._stems_of(w) for w in words] == first
    assert lexicon._stems_of("running")[LANGS.index("en")] == "run"
