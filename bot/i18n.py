"""Catalogs, locale negotiation and a per-update translator.

Languages are discovered from `locales/<lang>/LC_MESSAGES/messages.po`: adding a language is
dropping in a catalog. The translator travels on the callback context (never a process-wide
"current locale"), so sequential or concurrent updates cannot leak a language between users.
"""

from __future__ import annotations

import datetime as dt
import gettext
import io
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from babel import Locale, UnknownLocaleError, negotiate_locale
from babel.dates import format_date, format_datetime
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal

from directory.text import normalize

log = logging.getLogger(__name__)

DOMAIN = "messages"
LOCALES_DIR = Path(__file__).resolve().parent.parent / "locales"


def N_(message: str) -> str:
    """Mark a string for extraction; it is translated later, where the locale is known."""
    return message


class Translator:
    """gettext for one locale, with named placeholders and Babel's CLDR formatting."""

    def __init__(self, locale: str, translations: gettext.NullTranslations) -> None:
        self.locale = locale
        self._translations = translations
        self._babel = Locale.parse(locale)

    def _(self, message: str, **values: Any) -> str:
        text = self._translations.gettext(message)
        return text % values if values else text

    def ngettext(self, singular: str, plural: str, n: int, **values: Any) -> str:
        text = self._translations.ngettext(singular, plural, n)
        return text % {"n": self.number(n), **values}

    # --- CLDR data in this locale ---------------------------------------------------------
    def number(self, value: float) -> str:
        return format_decimal(value, locale=self._babel)

    def date(self, value: dt.date | dt.datetime | str) -> str:
        if isinstance(value, str):
            value = dt.datetime.fromisoformat(value)
        if isinstance(value, dt.datetime):
            return format_datetime(value, format="medium", locale=self._babel)
        return format_date(value, format="medium", locale=self._babel)

    def day(self, value: dt.date | dt.datetime | str) -> str:
        """A date without time, even from a timestamp."""
        if isinstance(value, str):
            value = dt.datetime.fromisoformat(value)
        if isinstance(value, dt.datetime):
            value = value.date()
        return format_date(value, format="medium", locale=self._babel)

    def country(self, code: str) -> str:
        return str(self._babel.territories.get(code.upper(), code))

    def language_name(self, code: str) -> str:
        return str(self._babel.languages.get(code, code))


@dataclass(frozen=True)
class LocaleInfo:
    code: str
    native_name: str


class CatalogError(RuntimeError):
    """A catalog that cannot be loaded; the message says which file."""


class Catalogs:
    """Every locale found on disk, loaded once at start."""

    def __init__(self, directory: Path = LOCALES_DIR, default: str = "en") -> None:
        self.directory = directory
        self._translations: dict[str, gettext.NullTranslations] = {}
        for po in sorted(directory.glob(f"*/LC_MESSAGES/{DOMAIN}.po")):
            code = po.parent.parent.name
            try:
                Locale.parse(code)
            except (ValueError, UnknownLocaleError) as exc:
                raise CatalogError(f"{po}: {code!r} is not a locale Babel knows") from exc
            self._translations[code] = self._load(po)
        if not self._translations:
            raise CatalogError(f"no catalogs found under {directory}")
        self.default = default if default in self._translations else sorted(self._translations)[0]
        self._translators = {code: Translator(code, t) for code, t in self._translations.items()}
        self._lower = {code.lower(): code for code in self._translations}

    @staticmethod
    def _load(po: Path) -> gettext.NullTranslations:
        mo = po.with_suffix(".mo")
        if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            with mo.open("rb") as fh:
                return gettext.GNUTranslations(fh)
        # No compiled catalog (or a stale one): compile in memory rather than silently
        # answering in English. Fuzzy entries are left out, as `pybabel compile` does.
        log.warning("compiling %s in memory: run `make setup` to compile catalogs", po)
        with po.open("rb") as fh:
            catalog = read_po(fh)
        buf = io.BytesIO()
        write_mo(buf, catalog, use_fuzzy=False)
        buf.seek(0)
        return gettext.GNUTranslations(buf)

    def set_default(self, code: str) -> None:
        if code not in self._translations:
            raise CatalogError(f"no catalog for the default locale {code!r}")
        self.default = code

    @property
    def codes(self) -> frozenset[str]:
        return frozenset(self._translations)

    def ordered(self) -> list[LocaleInfo]:
        """Locales with their names in their own language, default first."""
        codes = sorted(self._translations, key=lambda c: (c != self.default, c))
        return [LocaleInfo(c, (Locale.parse(c).get_display_name(c) or c).capitalize()) for c in codes]

    def named(self, text: str) -> str | None:
        """The locale `text` names: its code ("es", "pt-BR") or its name in its own language or
        in English, any case, accents optional ("español", "Portugues", "french"); else None."""
        wanted = normalize(text)
        if not wanted:
            return None
        code = text.strip().casefold().replace("_", "-").split("-")[0]
        for info in self.ordered():
            names = {info.native_name, Locale.parse(info.code).get_display_name("en") or ""}
            if code == info.code or wanted in {normalize(n) for n in names}:
                return info.code
        return None

    def native_name(self, code: str) -> str:
        """A locale's name in its own language ("Español")."""
        return next((i.native_name for i in self.ordered() if i.code == code), code)

    def translator(self, code: str | None) -> Translator:
        return self._translators.get(code or self.default, self._translators[self.default])

    def negotiate(self, language_code: str | None) -> str | None:
        """Telegram's `language_code` (e.g. `pt-BR`) to a supported locale, or None."""
        if not language_code:
            return None
        try:
            wanted = str(Locale.parse(language_code.replace("-", "_")))
        except (ValueError, UnknownLocaleError):
            wanted = language_code.replace("-", "_").lower()
        found = negotiate_locale([wanted], list(self._translations), sep="_")
        return self._lower.get(found.lower()) if found else None

    def resolve(self, saved: str | None, language_code: str | None) -> str:
        """Saved choice, else Telegram's language negotiated, else the default."""
        if saved in self._translations:
            return saved
        return self.negotiate(language_code) or self.default
