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
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlparse

import babel

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
_AS_OF = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


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


def _split(value: Any) -> list[str]:
    if isinstance(value, list):
        return [str(v).strip() for v in value if str(v).strip()]
    return [p.strip() for p in str(value or "").split(";") if p.strip()]


def _text(record: Mapping[str, Any], key: str) -> str:
    value = record.get(key)
    return "" if value is None else str(value).strip()


def org_from_record(record: Mapping[str, Any]) -> Organization:
    """Validate one CSV/JSON record and build the Organization (raises RowError)."""
    org_id = _text(record, "id")
    if not _SLUG.match(org_id):
        raise RowError(f"id {org_id!r} must be a lowercase slug (letters, digits, '-')")
    name = _text(record, "name")
    if not name:
        raise RowError("name is empty")
    kind = _text(record, "kind")
    if kind not in KINDS:
        raise RowError(f"kind {kind!r} is not one of {', '.join(KINDS)}")
    sectors: list[str] = []
    for value in _split(record.get("sectors")):
        sector = parse_sector(value)
        if sector is None:
            raise RowError(f"unknown sector {value!r}")
        sectors.append(sector)
    countries = [c.upper() if c != WORLDWIDE else c for c in _split(record.get("countries"))]
    for cc in countries:
        if cc != WORLDWIDE and cc not in _territories():
            raise RowError(f"unknown country code {cc!r}")
    regions = _split(record.get("regions"))
    for region in regions:
        if region not in gazetteer().regions:
            raise RowError(f"unknown UN M49 region {region!r}")
    languages = _split(record.get("languages"))
    for lang in languages:
        if lang not in _languages():
            raise RowError(f"unknown language code {lang!r}")
    website = _text(record, "website")
    if website:
        url = urlparse(website)
        if url.scheme not in ("http", "https") or not url.hostname or " " in website:
            raise RowError(f"website {website!r} is not an http(s) address with a host")
    founded_text = _text(record, "founded")
    founded = None
    if founded_text:
        if not founded_text.isdigit() or not 1800 <= int(founded_text) <= datetime.now(UTC).year:
            raise RowError(f"founded {founded_text!r} is not a year")
        founded = int(founded_text)
    as_of = _text(record, "members_as_of")
    if as_of and not _AS_OF.match(as_of):
        raise RowError(f"members_as_of {as_of!r} is not YYYY, YYYY-MM or YYYY-MM-DD")
    parent = _text(record, "parent") or None
    if parent == org_id:
        raise RowError("an organization cannot be its own parent")
    summaries = {"en": _text(record, "summary")}
    summaries |= {col.removeprefix("summary_"): _text(record, col) for col in SUMMARY_COLUMNS}
    details: dict[str, str] = {}
    for spec in DETAIL_FIELDS:
        raw = _text(record, spec.key)
        try:
            if raw:
                details[spec.key] = parse_field(spec.key, raw, region=phone_region(countries)).value
        except FieldError as exc:
            raise RowError(f"{spec.key} {raw[:80]!r} is not valid ({exc.code})") from exc
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
        members=_text(record, "members"),
        members_as_of=as_of,
        wiego_relation=_text(record, "wiego_relation"),
        sources=_text(record, "sources"),
        summaries=tuple(sorted((k, v) for k, v in summaries.items() if v)),
        details=tuple(sorted((k, v) for k, v in details.items() if v)),
    )


def read_records(path: Path) -> tuple[list[tuple[int, dict[str, Any]]], list[tuple[int, str]]]:
    """(line, record) pairs and per-line errors for a CSV or JSON file; never raises on content."""
    raw = path.read_bytes()
    if path.suffix.lower() == ".json":
        try:
            data = json.loads(raw.decode("utf-8-sig"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            return [], [(1, f"not valid UTF-8 JSON: {exc}")]
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
            records.append((line, dict(zip(header, row, strict=True))))
        line = reader.line_num + 1
    return records, errors


def _has_bad_bytes(cell: str) -> bool:
    return any("\udc80" <= ch <= "\udcff" for ch in cell)


async def import_file(db: Database, path: str | Path, who: str = "import") -> ImportReport:
    """Validate every row, then apply all of them in one transaction (or nothing)."""
    records, errors = read_records(Path(path))
    report = ImportReport(errors=list(errors))
    orgs: list[tuple[int, Organization]] = []
    seen: dict[str, int] = {}
    for line, record in records:
        try:
            org = org_from_record(record)
        except RowError as exc:
            report.errors.append((line, str(exc)))
            continue
        if org.id in seen:
            report.errors.append((line, f"duplicate id {org.id!r} (first on line {seen[org.id]})"))
            continue
        seen[org.id] = line
        orgs.append((line, org))
    existing = {r[0] for r in await db.fetchall("SELECT id FROM organizations")}
    for line, org in orgs:
        if org.parent and org.parent not in existing and org.parent not in seen:
            report.errors.append(
                (line, f"parent {org.parent!r} is neither in the directory nor in the file")
            )
    if report.errors:
        report.errors.sort()
        return report
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
    writer.writerows(org_record(o) for o in orgs)
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
