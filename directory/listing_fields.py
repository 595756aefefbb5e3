"""The fields of a listing, in one registry: how each is parsed, stored, imported and exported.

`FIELDS` says, for every field an editor may change, what kind of value it takes and how long
it may be. `parse_field` validates what was typed (URLs, e-mail addresses, phone numbers checked
and formatted by `phonenumbers`, countries and languages named in any supported language or by
code, sectors from the vocabulary, years, member counts with their date, summaries per
language) into an `Edit`. Fields marked `detail` need no column: they live in `org_details`,
and import and export carry them as a column of the same name, so adding one is a line here
(and its words in the bot). Nothing here speaks to people: errors are `FieldError` codes.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from functools import cache
from typing import Any, Literal

import babel

from directory import gate
from directory.fields import CLEAR, FieldError, clean_text
from directory.organizations import EDITABLE_FIELDS, SUMMARY_LANGS, WORLDWIDE, Organization, decode
from directory.places import DEFAULT_LOCALES, gazetteer
from directory.sectors import parse_sector
from directory.text import normalize

_SPLIT = re.compile(r"[,;\n]+")
_HOST_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
_LOCAL_PART = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}$")
MIN_YEAR = gate.MIN_YEAR
MAX_LIST_ITEMS = 60
# Numbers that belong to a person rather than to an organization's office.

FieldKind = Literal[
    "text", "url", "email", "phone", "countries", "languages", "sectors", "year", "members", "summary"
]
_CLEARED: Mapping[str, Any] = {"members": ("", ""), "year": None, "languages": ()}


@dataclass(frozen=True)
class FieldSpec:
    """One field an editor may change: how it is parsed and how long it may be."""

    key: str  # stable id, safe in callback data, the import/export column of a detail
    kind: FieldKind
    max_len: int = 200
    clearable: bool = True
    lang: str = ""  # summaries only
    detail: bool = False  # kept in `org_details` rather than a column of its own


FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("name", "text", 200, clearable=False),
    FieldSpec("acronym", "text", 30),
    FieldSpec("website", "url", 300),
    FieldSpec("email", "email", 254, detail=True),
    FieldSpec("phone", "phone", 40, detail=True),
    FieldSpec("social", "url", 300, detail=True),
    FieldSpec("city", "text", 100),
    FieldSpec("countries", "countries", clearable=False),
    FieldSpec("languages", "languages"),
    FieldSpec("sectors", "sectors", clearable=False),
    FieldSpec("founded", "year"),
    FieldSpec("members", "members", 200),
    *(FieldSpec(f"summary_{lang}", "summary", 1000, lang=lang) for lang in SUMMARY_LANGS),
)
FIELDS_BY_KEY: Mapping[str, FieldSpec] = {f.key: f for f in FIELDS}
DETAIL_FIELDS: tuple[FieldSpec, ...] = tuple(f for f in FIELDS if f.detail)


@dataclass(frozen=True)
class Edit:
    """A validated new value for one field (`None`/empty means cleared)."""

    field: str
    value: Any  # str | int | None | tuple[str, ...] | tuple[members, as_of]

    def apply_to(self, org: Organization) -> Organization:
        spec = FIELDS_BY_KEY[self.field]
        if spec.detail:
            return org.with_detail(spec.key, self.value or "")
        if spec.kind == "summary":
            summaries = dict(org.summaries)
            if self.value:
                summaries[spec.lang] = self.value
            else:
                summaries.pop(spec.lang, None)
            return replace(org, summaries=tuple(sorted(summaries.items())))
        if spec.kind == "members":
            members, as_of = self.value
            return replace(org, members=members, members_as_of=as_of)
        return replace(org, **{self.field: self.value})


def field_value(org: Organization, key: str) -> Any:
    """The field's current value, shaped like `Edit.value`."""
    spec = FIELDS_BY_KEY[key]
    if spec.detail:
        return org.detail(key)
    if spec.kind == "summary":
        return dict(org.summaries).get(spec.lang, "")
    if spec.kind == "members":
        return (org.members, org.members_as_of)
    return getattr(org, key)


def restorable(field: str) -> bool:
    """Whether a history row is a field's change (not a creation, an editor added or removed)."""
    return field in EDITABLE_FIELDS or (field in FIELDS_BY_KEY and FIELDS_BY_KEY[field].detail)


def restore(org: Organization, field: str, old: str | None) -> Organization:
    """`org` with one field back to a value from the history; `ValueError` if not `restorable`."""
    if field in EDITABLE_FIELDS:
        return replace(org, **{field: decode(field, old)})
    if restorable(field):
        return org.with_detail(field, old or "")
    raise ValueError(f"{field!r} is not revertible")


def phone_region(countries: Sequence[str]) -> str | None:
    """The country a local phone number is read in: the organization's only country."""
    return countries[0] if len(countries) == 1 and countries[0] != WORLDWIDE else None


# --- parsing ------------------------------------------------------------------------------
def _today() -> date:
    return datetime.now(UTC).date()


def _host_ok(host: str) -> str | None:
    """The host in lowercase ASCII if it is a real domain name, else None."""
    try:
        ascii_host = host.rstrip(".").encode("idna").decode("ascii").lower()
    except UnicodeError:
        return None
    labels = ascii_host.split(".")
    if len(labels) < 2 or labels[-1].isdigit() or not all(_HOST_LABEL.match(x) for x in labels):
        return None
    return ascii_host


def parse_url(raw: str) -> str:
    """An http(s) address with a real host name (the text gate's parser: it never raises
    anything but `FieldError`, whatever was typed)."""
    return gate.parse_url(raw)


def parse_email(raw: str) -> str:
    """An organization's public address: `local@domain`, the domain a real host name."""
    local, at, domain = raw.strip().removeprefix("mailto:").rpartition("@")
    host = _host_ok(domain) if at else None
    if not _LOCAL_PART.match(local) or local.startswith(".") or ".." in local or host is None:
        raise FieldError("bad_email")
    return f"{local}@{host}"


def parse_phone(raw: str, region: str | None) -> str:
    """Checked by `phonenumbers` and kept in international form (+254 20 1234567).

    `phonenumbers` is imported here, not at the top: its metadata takes a quarter of a second
    to load, and only an editor typing a number needs it.
    """
    import phonenumbers
    from phonenumbers import NumberParseException, PhoneNumberFormat, PhoneNumberType

    personal = {PhoneNumberType.PERSONAL_NUMBER, PhoneNumberType.PAGER}
    try:
        number = phonenumbers.parse(raw.strip(), region)
    except NumberParseException as exc:
        raise FieldError("bad_phone") from exc
    if not phonenumbers.is_valid_number(number):
        raise FieldError("bad_phone")
    if phonenumbers.number_type(number) in personal:
        raise FieldError("personal_phone")
    return phonenumbers.format_number(number, PhoneNumberFormat.INTERNATIONAL)


def _items(raw: str) -> list[str]:
    return [p.strip() for p in _SPLIT.split(raw) if p.strip()]


@cache
def _country_names() -> dict[str, str]:
    """Normalized country name (CLDR, every supported language) or code → ISO code."""
    known = gazetteer().countries
    table: dict[str, str] = {}
    for locale in DEFAULT_LOCALES:
        for code, name in babel.Locale.parse(locale).territories.items():
            if code in known:
                table.setdefault(normalize(name), code)
    for code in known:
        table[normalize(code)] = code
    return table


def parse_country(item: str) -> str | None:
    if item.strip() == WORLDWIDE:
        return WORLDWIDE
    key = normalize(item)
    found = _country_names().get(key)
    if found is not None or len(key) < 3:
        return found
    places = [p for p in gazetteer().find(item) if p.kind == "country"]
    return places[0].code if len(places) == 1 else None


@cache
def _language_names() -> dict[str, str]:
    """Normalized language name (CLDR, every supported language) or code → language code."""
    codes = [str(c) for c in babel.Locale("en").languages if "_" not in str(c)]
    table: dict[str, str] = {}
    for locale in DEFAULT_LOCALES:
        names = {str(k): str(v) for k, v in babel.Locale.parse(locale).languages.items()}
        for code in codes:
            if code in names:
                table.setdefault(normalize(names[code]), code)
    for code in codes:
        table[normalize(code)] = code
    return table


def parse_language(item: str) -> str | None:
    return _language_names().get(normalize(item))


def _parse_list(raw: str, one: Any, error: str) -> tuple[str, ...]:
    items = _items(raw)
    if not items:
        raise FieldError("empty")
    if len(items) > MAX_LIST_ITEMS:
        raise FieldError("too_many", limit=MAX_LIST_ITEMS)
    found: list[str] = []
    unknown: list[str] = []
    for item in items:
        value = one(item)
        if value is None:
            unknown.append(item[:40])
        elif value not in found:
            found.append(value)
    if unknown:
        raise FieldError(error, items=", ".join(unknown))
    return tuple(found)


def parse_year(raw: str, today: date) -> int:
    """Four decimal digits of any script (١٩٩٠ is 1990; superscripts are not digits)."""
    return gate.parse_year(raw, today, earliest=MIN_YEAR)


def parse_as_of(raw: str, today: date) -> str:
    """YYYY, YYYY-MM or YYYY-MM-DD: a real date, not in the future."""
    return gate.parse_date(raw, today)


def parse_members(raw: str, max_len: int, today: date) -> tuple[str, str]:
    """ "2,000 waste pickers; 2024-03" → (members, as of); without a date, as of this month."""
    text, sep, when = raw.rpartition(";")
    if not sep:
        text, when = raw, ""
    members = clean_text(text, max_len)
    if not members:
        raise FieldError("empty")
    as_of = parse_as_of(when, today) if when.strip() else today.strftime("%Y-%m")
    return members, as_of


def parse_field(key: str, raw: str, today: date | None = None, region: str | None = None) -> Edit:
    """Validate what an editor typed for field `key`; raises `FieldError`.

    `region` is the country a phone number without a country code is read in.
    """
    spec = FIELDS_BY_KEY.get(key)
    if spec is None:
        raise FieldError("unknown_field")
    today = today or _today()
    if raw.strip() == CLEAR:
        if not spec.clearable:
            raise FieldError("required")
        return Edit(key, _CLEARED.get(spec.kind, ""))
    if spec.kind in ("text", "summary"):
        value = clean_text(raw, spec.max_len, multiline=spec.kind == "summary")
        if not value:
            raise FieldError("empty")
        return Edit(key, value)
    if spec.kind in ("url", "email", "phone"):
        text = clean_text(raw, spec.max_len)
        if not text:
            raise FieldError("empty")
        if spec.kind == "url":
            return Edit(key, parse_url(text))
        return Edit(key, parse_email(text) if spec.kind == "email" else parse_phone(text, region))
    if spec.kind == "countries":
        countries = _parse_list(raw, parse_country, "unknown_countries")
        if WORLDWIDE in countries and len(countries) > 1:
            countries = (WORLDWIDE,)
        return Edit(key, countries)
    if spec.kind == "languages":
        return Edit(key, _parse_list(raw, parse_language, "unknown_languages"))
    if spec.kind == "sectors":
        return Edit(key, _parse_list(raw, parse_sector, "unknown_sectors"))
    if spec.kind == "year":
        return Edit(key, parse_year(raw, today))
    return Edit(key, parse_members(raw, spec.max_len, today))
