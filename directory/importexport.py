"""Import and export the whole directory: CSV (the seed's columns), JSON, and HSDS tables.

Imports validate every row first and apply all of them in one transaction, or none: a report
lists each bad row by the line number a person sees in a spreadsheet (header = line 1).
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import cache
from pathlib import Path
from typing import Any, Literal

import babel

from directory import gate
from directory.db import Database
from directory.fields import FieldError
from directory.listing_fields import DETAIL_FIELDS, parse_field, phone_region
from directory.organizations import (
    KINDS,
    SUMMARY_LANGS,
    WORLDWIDE,
    Organization,
    Organizations,
)
from directory.places import gazetteer
from directory.sectors import parse_sector

COLUMNS: tuple[str, ...] = (
    "id",
    "name",
    "acronym",
    "kind",
    "sectors",
    "countries",
    "regions",
    "city",
    "website",
    "languages",
    "founded",
    "members",
    "members_as_of",
    "parent",
    "wiego_relation",
    "summary",
    "sources",
)
DETAIL_COLUMNS: tuple[str, ...] = tuple(spec.key for spec in DETAIL_FIELDS)  # optional
SUMMARY_COLUMNS: tuple[str, ...] = tuple(
    f"summary_{lang}" for lang in SUMMARY_LANGS if lang != "en"
)
_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")


def _today() -> date:
    return datetime.now(UTC).date()


class RowError(ValueError):
    """One reason a row cannot be imported."""


@dataclass
class ImportReport:
    errors: list[tuple[int, str]] = field(default_factory=list)
    added: int = 0
    updated: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors


@cache
def _territories() -> frozenset[str]:
    codes = [str(c) for c in babel.Locale("en").territories]
    return frozenset(c for c in codes if len(c) == 2 and c.isalpha())


@cache
def _languages() -> frozenset[str]:
    return frozenset(babel.Locale("en").languages)


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# A phone number in international form starts with "+": digits and separators only, so a
# spreadsheet has nothing to run in it (export still prefixes it with ').
_PHONE_COLUMNS = frozenset(spec.key for spec in DETAIL_FIELDS if spec.kind == "phone")
_PHONE_NUMBER = re.compile(r"^\+[0-9][0-9 ().-]*$")


def neutralize(cell: str) -> str:
    """A CSV cell a spreadsheet will not run as a formula (OWASP: prefix with an apostrophe).

    A cell that already starts with an apostrophe before such a character gets one more, so
    that `unneutralize` gives back exactly what was stored.
    """
    if cell.startswith(_FORMULA_START) or (cell.startswith("'") and cell[1:2] in (*_FORMULA_START, "'")):
        return "'" + cell
    return cell


def unneutralize(key: str, cell: str) -> str:
    """An imported CSV cell: our own export's apostrophe is removed; a live formula is refused."""
    text = gate.clean(cell, multiline=True)
    if text.startswith("'") and text[1:2] in (*_FORMULA_START, "'"):
        return cell.replace("'", "", 1)
    if text.startswith(_FORMULA_START) and not (key in _PHONE_COLUMNS and _PHONE_NUMBER.match(text)):
        raise RowError(
            f"{key} starts with {text[0]!r}, which a spreadsheet would run as a formula; "
            "prefix the cell with ' to keep it as text"
        )
    return cell


def _show(value: Any) -> str:
    """A value quoted for an error message: one line, never long."""
    return repr(gate.clip(str(value), 40))


def _kind_of(value: Any) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def _raw(record: Mapping[str, Any], key: str, *, numbers: bool = False) -> str:
    """The field as text; JSON values must be text (or a whole number where `numbers`)."""
    value = record.get(key)
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if numbers and isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    raise RowError(f"{key} must be text, not {_kind_of(value)}")


def _split(record: Mapping[str, Any], key: str) -> list[str]:
    """A list field: `a;b;c` text, or (JSON) a list of texts."""
    value = record.get(key)
    if isinstance(value, list):
        if not all(isinstance(v, str) for v in value):
            raise RowError(f"{key} must be a list of texts")
        items = [str(v) for v in value]
    else:
        items = _raw(record, key).split(";")
    cleaned = [gate.clean(item) for item in items]
    if sum(len(item) for item in cleaned) > gate.LIMITS["list"]:
        raise RowError(f"{key} is too long")
    return [item for item in cleaned if item]


def _text(
    record: Mapping[str, Any],
    key: str,
    *,
    limit_key: str | None = None,
    limit: int | None = None,
    multiline: bool = False,
    numbers: bool = False,
) -> str:
    """One text field through the gate: cleaned, within its limit (raises RowError)."""
    limit = limit if limit is not None else gate.LIMITS[limit_key or key]
    try:
        return gate.field(_raw(record, key, numbers=numbers), limit, multiline=multiline)
    except gate.InputError as exc:
        raise RowError(
            f"{key} is too long: {exc.params.get('length')} characters, at most {limit}"
        ) from None


def org_from_record(record: Mapping[str, Any]) -> Organization:
    """Validate one CSV/JSON record and build the Organization (raises RowError)."""
    org_id = _text(record, "id")
    if not _SLUG.match(org_id):
        raise RowError(f"id {_show(org_id)} must be a lowercase slug (letters, digits, '-')")
    name = _text(record, "name")
    if not name:
        raise RowError("name is empty")
    kind = _text(record, "kind")
    if kind not in KINDS:
        raise RowError(f"kind {_show(kind)} is not one of {', '.join(KINDS)}")
    sectors: list[str] = []
    for value in _split(record, "sectors"):
        sector = parse_sector(value)
        if sector is None:
            raise RowError(f"unknown sector {_show(value)}")
        sectors.append(sector)
    countries = [c.upper() if c != WORLDWIDE else c for c in _split(record, "countries")]
    for cc in countries:
        if cc != WORLDWIDE and cc not in _territories():
            raise RowError(f"unknown country code {_show(cc)}")
    regions = _split(record, "regions")
    for region in regions:
        if region not in gazetteer().regions:
            raise RowError(f"unknown UN M49 region {_show(region)}")
    languages = _split(record, "languages")
    for lang in languages:
        if lang not in _languages():
            raise RowError(f"unknown language code {_show(lang)}")
    website = _text(record, "website")
    if website:
        try:
            gate.parse_url(website, assume_https=False)
        except gate.InputError:
            raise RowError(f"website {_show(website)} is not an http(s) address with a host") from None
    founded_text = _text(record, "founded", limit_key="name", numbers=True)
    founded = None
    if founded_text:
        try:
            founded = gate.parse_year(founded_text, _today())
        except gate.InputError:
            raise RowError(f"founded {_show(founded_text)} is not a year from 1800 to this year") from None
    as_of = _text(record, "members_as_of", limit_key="name")
    if as_of:
        try:
            as_of = gate.parse_date(as_of, _today())
        except gate.InputError:
            raise RowError(
                f"members_as_of {_show(as_of)} is not a past date: YYYY, YYYY-MM or YYYY-MM-DD"
            ) from None
    parent = _text(record, "parent") or None
    if parent == org_id:
        raise RowError("an organization cannot be its own parent")
    summaries = {"en": _text(record, "summary", multiline=True)}
    summaries |= {
        col.removeprefix("summary_"): _text(record, col, limit_key="summary", multiline=True)
        for col in SUMMARY_COLUMNS
    }
    details: dict[str, str] = {}
    for spec in DETAIL_FIELDS:
        raw = _text(record, spec.key, limit=spec.max_len)
        try:
            if raw:
                details[spec.key] = parse_field(spec.key, raw, region=phone_region(countries)).value
        except FieldError as exc:
            raise RowError(f"{spec.key} {_show(raw)} is not valid ({exc.code})") from None
    return Organization(
        id=org_id,
        name=name,
        kind=kind,
        acronym=_text(record, "acronym"),
        parent=parent,
        sectors=tuple(sorted(set(sectors))),
        countries=tuple(dict.fromkeys(countries)),
        regions=tuple(dict.fromkeys(regions)),
        city=_text(record, "city"),
        website=website,
        languages=tuple(dict.fromkeys(languages)),
        founded=founded,
        members=_text(record, "members", numbers=True),
        members_as_of=as_of,
        wiego_relation=_text(record, "wiego_relation"),
        sources=_text(record, "sources"),
        summaries=tuple(sorted((k, v) for k, v in summaries.items() if v)),
        details=tuple(sorted((k, v) for k, v in details.items() if v)),
    )


def read_records(path: Path) -> tuple[list[tuple[int, dict[str, Any]]], list[tuple[int, str]]]:
    """(line, record) pairs and per-line errors for a CSV or JSON file; never raises on content.

    JSON records are numbered from 1 in the order of the list ("line" is the record number).
    """
    raw = path.read_bytes()
    if path.suffix.lower() == ".json":
        try:
            data = gate.load_json(raw.decode("utf-8-sig"))
        except UnicodeDecodeError as exc:
            return [], [(1, f"not valid UTF-8: {exc.reason} at byte {exc.start}")]
        except gate.InputError as exc:
            return [], [(1, f"not valid JSON: {exc.params.get('reason', exc.code)}")]
        if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
            return [], [(1, "JSON must be a list of objects")]
        return list(enumerate(data, start=1)), []
    return _read_csv(raw.decode("utf-8-sig", errors="surrogateescape"))


def _read_csv(text: str) -> tuple[list[tuple[int, dict[str, Any]]], list[tuple[int, str]]]:
    reader = csv.reader(io.StringIO(text, newline=""))
    errors: list[tuple[int, str]] = []
    try:
        header = [h.strip() for h in next(reader)]
    except (StopIteration, csv.Error):
        return [], [(1, "no header row")]
    missing = [c for c in ("id", "name", "kind") if c not in header]
    if missing:
        return [], [(1, f"header lacks {', '.join(missing)}")]
    records: list[tuple[int, dict[str, Any]]] = []
    line = reader.line_num + 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            errors.append((line, f"broken CSV: {exc}"))
            line = reader.line_num + 1
            continue
        if not row or not any(cell.strip() for cell in row):
            line = reader.line_num + 1
            continue
        if len(row) != len(header):
            errors.append((line, f"{len(row)} columns where the header has {len(header)}"))
        elif any(_has_bad_bytes(cell) for cell in row):
            errors.append((line, "not valid UTF-8 text"))
        else:
            try:
                cells = [unneutralize(key, cell) for key, cell in zip(header, row, strict=True)]
            except RowError as exc:
                errors.append((line, str(exc)))
            else:
                records.append((line, dict(zip(header, cells, strict=True))))
        line = reader.line_num + 1
    return records, errors


def _has_bad_bytes(cell: str) -> bool:
    return any("\udc80" <= ch <= "\udcff" for ch in cell)


@dataclass(frozen=True)
class Row:
    """One valid row of an import file: its line, the organization, the columns it carries."""

    line: int
    org: Organization
    columns: frozenset[str]


async def validate_file(db: Database, path: str | Path) -> tuple[list[Row], list[tuple[int, str]]]:
    """Every row of the file checked (values, duplicate ids, parents); errors sorted by line."""
    records, errors = read_records(Path(path))
    errors = list(errors)
    rows: list[Row] = []
    seen: dict[str, int] = {}
    for line, record in records:
        try:
            org = org_from_record(record)
        except RowError as exc:
            errors.append((line, str(exc)))
            continue
        if org.id in seen:
            errors.append((line, f"duplicate id {org.id!r} (first on line {seen[org.id]})"))
            continue
        seen[org.id] = line
        rows.append(Row(line, org, frozenset(record)))
    existing = {r[0] for r in await db.fetchall("SELECT id FROM organizations")}
    for row in rows:
        parent = row.org.parent
        if parent and parent not in existing and parent not in seen:
            errors.append(
                (row.line, f"parent {parent!r} is neither in the directory nor in the file")
            )
    errors.sort()
    return rows, errors


async def import_file(db: Database, path: str | Path, who: str = "import") -> ImportReport:
    """Validate every row, then apply all of them in one transaction (or nothing)."""
    rows, errors = await validate_file(db, path)
    report = ImportReport(errors=errors)
    if report.errors:
        return report
    orgs = [(row.line, row.org) for row in rows]
    repo = Organizations(db)
    async with db.atomic() as conn:
        for _line, org in orgs:
            changed = await repo.upsert_in(conn, org, who)
            if changed == ["*"]:
                report.added += 1
            elif changed:
                report.updated += 1
    return report


def org_record(org: Organization) -> dict[str, Any]:
    """The CSV/JSON record of one organization (lists joined by ';')."""
    summaries = dict(org.summaries)
    record: dict[str, Any] = {
        "id": org.id,
        "name": org.name,
        "acronym": org.acronym,
        "kind": org.kind,
        "sectors": ";".join(org.sectors),
        "countries": ";".join(org.countries),
        "regions": ";".join(org.regions),
        "city": org.city,
        "website": org.website,
        "languages": ";".join(org.languages),
        "founded": "" if org.founded is None else str(org.founded),
        "members": org.members,
        "members_as_of": org.members_as_of,
        "parent": org.parent or "",
        "wiego_relation": org.wiego_relation,
        "summary": summaries.get("en", ""),
        "sources": org.sources,
    }
    record |= {col: org.detail(col) for col in DETAIL_COLUMNS}
    record |= {col: summaries.get(col.removeprefix("summary_"), "") for col in SUMMARY_COLUMNS}
    return record


async def export(db: Database, fmt: Literal["csv", "json", "hsds"]) -> str:
    """The whole directory as CSV, JSON (list of records) or HSDS-style tables (JSON)."""
    orgs = await Organizations(db).list_all()
    if fmt == "json":
        return json.dumps([org_record(o) for o in orgs], ensure_ascii=False, indent=1)
    if fmt == "hsds":
        return json.dumps(_hsds(orgs), ensure_ascii=False, indent=1)
    out = io.StringIO()
    writer = csv.DictWriter(
        out, fieldnames=[*COLUMNS, *DETAIL_COLUMNS, *SUMMARY_COLUMNS], lineterminator="\n"
    )
    writer.writeheader()
    writer.writerows(
        {key: neutralize(value) if isinstance(value, str) else value for key, value in org_record(o).items()}
        for o in orgs
    )
    return out.getvalue()


def _hsds(orgs: list[Organization]) -> dict[str, list[dict[str, Any]]]:
    """Open Referral HSDS: organization, service_area and language tables."""
    gaz = gazetteer()
    organization = [
        {
            "id": o.id,
            "name": o.name,
            "alternate_name": o.acronym or None,
            "description": o.summary("en"),
            "website": o.website or None,
            "email": o.detail("email") or None,
            "year_incorporated": o.founded,
            "legal_status": o.kind,
            "parent_organization_id": o.parent,
        }
        for o in orgs
    ]
    service_area = [
        {
            "id": f"{o.id}:{area}",
            "organization_id": o.id,
            "name": "worldwide"
            if area == WORLDWIDE
            else (gaz.region_name(area, "en") if area.isdigit() else gaz.country_name(area, "en")),
            "extent_type": "country"
            if area.isalpha()
            else ("region" if area.isdigit() else "world"),
            "extent": area,
        }
        for o in orgs
        for area in (*o.countries, *o.regions)
    ]
    language = [
        {"id": f"{o.id}:{lang}", "organization_id": o.id, "language": lang}
        for o in orgs
        for lang in o.languages
    ]
    phone = [
        {"id": f"{o.id}:phone", "organization_id": o.id, "number": o.detail("phone")}
        for o in orgs
        if o.detail("phone")
    ]
    return {
        "organization": organization,
        "service_area": service_area,
        "language": language,
        "phone": phone,
    }
