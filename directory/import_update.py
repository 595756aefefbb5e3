"""`directory import --update`: bring an updated data file into a running directory.

Upserts by id, like a plain import, but a field that a person (a listing editor or an admin,
through the bot) changed since the data file last set it keeps the person's value: the listing
history says who wrote each field last. Summaries are judged per language, contact details
(e-mail, phone, ...) per key. Columns the file does not carry are left alone, and so is
`verified_at`, which no data file holds. Every row is validated first and everything is
applied in one transaction, or nothing.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from directory.db import Database
from directory.importexport import DETAIL_COLUMNS, Row, validate_file
from directory.organizations import EDITABLE_FIELDS, Organization, Organizations, by_person

_FILE_FIELDS: dict[str, str] = {
    "name": "name",
    "acronym": "acronym",
    "kind": "kind",
    "sectors": "sectors",
    "countries": "countries",
    "regions": "regions",
    "city": "city",
    "website": "website",
    "languages": "languages",
    "founded": "founded",
    "members": "members",
    "members_as_of": "members_as_of",
    "parent": "parent",
    "wiego_relation": "wiego_relation",
    "sources": "sources",
}
_CHUNK = 500


@dataclass(frozen=True)
class OrgUpdate:
    """What the file does to one organization."""

    org_id: str
    line: int
    added: bool = False
    changed: tuple[str, ...] = ()  # fields written (summaries as summary_<lang>)
    kept: tuple[str, ...] = ()  # fields the file would change but a person edited since


@dataclass
class UpdateReport:
    errors: list[tuple[int, str]] = field(default_factory=list)
    updates: list[OrgUpdate] = field(default_factory=list)
    unchanged: int = 0
    applied: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def added(self) -> int:
        return sum(u.added for u in self.updates)

    @property
    def updated(self) -> int:
        return sum(bool(u.changed) and not u.added for u in self.updates)

    def lines(self) -> list[str]:
        """One line per organization the file touches, then the totals."""
        out: list[str] = []
        for u in self.updates:
            if u.added:
                out.append(f"added    {u.org_id}")
                continue
            if u.changed:
                out.append(f"changed  {u.org_id}: {', '.join(u.changed)}")
            if u.kept:
                out.append(f"kept     {u.org_id}: {', '.join(u.kept)} (edited by a member since)")
        verb = "applied" if self.applied else "would apply"
        out.append(
            f"{verb}: {self.added} added, {self.updated} updated, {self.unchanged} unchanged, "
            f"{sum(len(u.kept) for u in self.updates)} member edit(s) kept"
        )
        return out


@dataclass
class _Protected:
    """Fields (and summary languages) whose latest write was a person's."""

    fields: set[str] = field(default_factory=set)
    summary_langs: set[str] = field(default_factory=set)


async def _protected(db: Database, org_ids: Sequence[str]) -> dict[str, _Protected]:
    """Replay each listing's history in order: the last writer of each field decides."""
    out: dict[str, _Protected] = defaultdict(_Protected)
    for start in range(0, len(org_ids), _CHUNK):
        chunk = list(org_ids[start : start + _CHUNK])
        marks = ",".join("?" * len(chunk))
        rows = await db.fetchall(
            "SELECT org_id, field, old, new, who FROM org_changes "  # noqa: S608 - only placeholders are interpolated
            f"WHERE org_id IN ({marks}) AND field != '*' ORDER BY id",
            chunk,
        )
        for row in rows:
            state = out[row["org_id"]]
            person = by_person(row["who"])
            if row["field"] == "summaries":
                for lang in _summary_langs_changed(row["old"], row["new"]):
                    (state.summary_langs.add if person else state.summary_langs.discard)(lang)
            elif person:
                state.fields.add(row["field"])
            else:
                state.fields.discard(row["field"])
    return out


def _summary_langs_changed(old: str | None, new: str | None) -> set[str]:
    before: dict[str, Any] = json.loads(old) if old else {}
    after: dict[str, Any] = json.loads(new) if new else {}
    return {lang for lang in before.keys() | after.keys() if before.get(lang) != after.get(lang)}


def _merge(
    current: Organization, row: Row, protected: _Protected
) -> tuple[Organization, list[str], list[str]]:
    """The organization after the update, the fields written and the fields kept."""
    values: dict[str, Any] = {}
    changed: list[str] = []
    kept: list[str] = []
    for column, name in _FILE_FIELDS.items():
        if column not in row.columns or name not in EDITABLE_FIELDS:
            continue
        new, old = getattr(row.org, name), getattr(current, name)
        if new == old:
            continue
        if name in protected.fields:
            kept.append(name)
        else:
            values[name] = new
            changed.append(name)
    merged = current
    for column in DETAIL_COLUMNS:  # public e-mail, phone, ...: recorded key by key
        new_detail, old_detail = row.org.detail(column), current.detail(column)
        if column not in row.columns or new_detail == old_detail:
            continue
        if column in protected.fields:
            kept.append(column)
        else:
            merged = merged.with_detail(column, new_detail)
            changed.append(column)
    summaries = dict(current.summaries)
    incoming = dict(row.org.summaries)
    for lang in sorted(summaries.keys() | incoming.keys()):
        column = "summary" if lang == "en" else f"summary_{lang}"
        if column not in row.columns or summaries.get(lang, "") == incoming.get(lang, ""):
            continue
        if lang in protected.summary_langs:
            kept.append(f"summary_{lang}")
            continue
        changed.append(f"summary_{lang}")
        if incoming.get(lang):
            summaries[lang] = incoming[lang]
        else:
            summaries.pop(lang, None)
    values["summaries"] = tuple(sorted(summaries.items()))
    return replace(merged, **values), changed, kept


async def update_file(
    db: Database, path: str | Path, who: str = "import", *, dry_run: bool = False
) -> UpdateReport:
    """Validate the file, work out every change, then apply all of them at once (or none)."""
    rows, errors = await validate_file(db, path)
    report = UpdateReport(errors=errors)
    if errors:
        return report
    if dry_run:
        await _plan(db, rows, report)
        return report
    repo = Organizations(db)
    async with db.atomic() as conn:  # planned and written under one lock: no edit slips between
        writes = await _plan(db, rows, report)
        for org in writes:
            await repo.upsert_in(conn, org, who)
    report.applied = True
    return report


async def _plan(db: Database, rows: Sequence[Row], report: UpdateReport) -> list[Organization]:
    """The organizations to write; fills `report` with what happens to each row."""
    by_id = {o.id: o for o in await Organizations(db).by_ids([r.org.id for r in rows])}
    protected = await _protected(db, list(by_id))
    writes: list[Organization] = []
    for row in rows:
        current = by_id.get(row.org.id)
        if current is None:
            writes.append(row.org)
            report.updates.append(OrgUpdate(row.org.id, row.line, added=True))
            continue
        merged, changed, kept = _merge(current, row, protected[row.org.id])
        if changed:
            writes.append(merged)
        if changed or kept:
            report.updates.append(OrgUpdate(row.org.id, row.line, False, tuple(changed), tuple(kept)))
        else:
            report.unchanged += 1
    return writes
