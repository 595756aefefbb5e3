"""Catalogs are complete, current and consistent; languages are discovered, not listed."""

from __future__ import annotations

import io
import re
import shutil
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from bot.i18n import LOCALES_DIR, Catalogs

ROOT = Path(__file__).resolve().parent.parent
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}
CATALOGS = sorted(LOCALES_DIR.glob("*/LC_MESSAGES/messages.po"))


def load(po: Path):
    with po.open("rb") as fh:
        return read_po(fh)


def extracted_ids() -> set[str]:
    ids: set[str] = set()
    for folder in ("bot", "directory"):
        for _file, _line, message, _comments, _ctx in extract_from_dir(ROOT / folder, keywords=KEYWORDS):
            ids.add(message if isinstance(message, str) else message[0])
    with (ROOT / "main.py").open("rb") as fh:
        from babel.messages.extract import extract

        for _line, message, _comments, _ctx in extract("python", fh, keywords=KEYWORDS):
            ids.add(message if isinstance(message, str) else message[0])
    return ids


def test_at_least_the_four_languages() -> None:
    assert {"en", "es", "fr", "pt"} <= {po.parent.parent.name for po in CATALOGS}


def test_template_is_current() -> None:
    template = {
        m.id if isinstance(m.id, str) else m.id[0] for m in load(LOCALES_DIR / "messages.pot") if m.id
    }
    code = extracted_ids()
    assert code - template == set(), "run `make extract`: strings missing from messages.pot"
    assert template - code == set(), "run `make extract`: messages.pot has strings the code no longer uses"


@pytest.mark.parametrize("po", CATALOGS, ids=lambda p: p.parent.parent.name)
def test_catalog_complete_and_not_fuzzy(po: Path) -> None:
    catalog = load(po)
    template = {
        m.id if isinstance(m.id, str) else m.id[0] for m in load(LOCALES_DIR / "messages.pot") if m.id
    }
    have = {m.id if isinstance(m.id, str) else m.id[0] for m in catalog if m.id}
    assert template - have == set(), f"{po}: missing entries, run `make extract`"
    for message in catalog:
        if not message.id:
            continue
        assert not message.fuzzy, f"{po}: fuzzy entry {message.id!r}"
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        assert all(s.strip() for s in strings), f"{po}: untranslated {message.id!r}"


@pytest.mark.parametrize("po", CATALOGS, ids=lambda p: p.parent.parent.name)
def test_placeholders_match(po: Path) -> None:
    for message in load(po):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        expected = set().union(*(set(PLACEHOLDER.findall(i)) for i in ids))
        for string in strings:
            assert set(PLACEHOLDER.findall(string)) == expected, f"{po}: {message.id!r}"


@pytest.mark.parametrize(
    ("telegram", "expected"),
    [
        ("pt-BR", "pt"),
        ("pt_br", "pt"),
        ("es-419", "es"),
        ("fr-CA", "fr"),
        ("EN", "en"),
        ("en-US", "en"),
        ("de", "en"),
        ("zh-hans", "en"),
        (None, "en"),
        ("", "en"),
        ("x-invalid-@@", "en"),
    ],
)
def test_negotiation(catalogs: Catalogs, telegram: str | None, expected: str) -> None:
    assert catalogs.resolve(None, telegram) == expected


def test_saved_choice_wins(catalogs: Catalogs) -> None:
    assert catalogs.resolve("fr", "pt-BR") == "fr"
    assert catalogs.resolve("gone", "pt-BR") == "pt"


def test_a_dropped_in_catalog_is_a_new_language(tmp_path: Path) -> None:
    """Nothing lists languages by hand: copying a .po in adds the language everywhere."""
    for po in CATALOGS:
        target = tmp_path / po.relative_to(LOCALES_DIR)
        target.parent.mkdir(parents=True)
        shutil.copy(po, target)
    catalog = load(LOCALES_DIR / "es/LC_MESSAGES/messages.po")
    catalog.locale = "it"  # type: ignore[assignment]
    from babel.messages.pofile import write_po

    for message in catalog:
        if message.id == "Choose your language:":
            message.string = "Scegli la tua lingua:"
    target = tmp_path / "it/LC_MESSAGES/messages.po"
    target.parent.mkdir(parents=True)
    buf = io.BytesIO()
    write_po(buf, catalog)
    target.write_bytes(buf.getvalue())

    found = Catalogs(tmp_path)
    assert "it" in found.codes
    assert found.negotiate("it-IT") == "it"
    assert "Italiano" in [info.native_name for info in found.ordered()]
    assert found.translator("it")._("Choose your language:") == "Scegli la tua lingua:"


def test_translator_formats_with_locale(catalogs: Catalogs) -> None:
    assert catalogs.translator("fr").number(1234567) == "1\u202f234\u202f567"
    assert catalogs.translator("en").number(1234567) == "1,234,567"
    assert catalogs.translator("es").country("CI") == "Côte d’Ivoire"
    assert catalogs.translator("pt").country("DE") == "Alemanha"
    assert "2024" in catalogs.translator("pt").day("2024-03-05T10:00:00+00:00")


def test_no_translation_inside_an_f_string() -> None:
    """Babel cannot see `t._("...")` inside an f-string (Python 3.11 tokenizes it whole),
    so such a string would never reach the catalogs: call it outside and interpolate."""
    import ast

    offenders = []
    for path in [*(ROOT / "bot").rglob("*.py"), *(ROOT / "directory").rglob("*.py")]:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.JoinedStr):
                continue
            for inner in ast.walk(node):
                if (
                    isinstance(inner, ast.Call)
                    and isinstance(inner.func, ast.Attribute)
                    and inner.func.attr in {"_", "ngettext"}
                    and inner.args
                    and isinstance(inner.args[0], ast.Constant)
                ):
                    offenders.append(f"{path.relative_to(ROOT)}:{inner.lineno}")
    assert offenders == []
