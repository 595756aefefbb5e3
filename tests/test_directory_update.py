"""`directory import --update`: upsert by id, member edits kept, changes listed, all or nothing."""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from pathlib import Path

from directory.db import Database
from directory.import_update import update_file
from directory.importexport import export
from directory.listing_fields import parse_field
from directory.listings import Listings
from directory.organizations import Organizations
from directory.seed import load_seed

EDITOR = 4242


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def _write(path: Path, rows: list[dict[str, str]]) -> Path:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


async def _member_edits(db: Database, org_id: str, **values: str) -> None:
    listings = Listings(db)
    invite = await listings.create_invite(org_id, created_by=1)
    assert invite is not None
    await listings.claim(invite.token, EDITOR)
    for key, raw in values.items():
        await listings.apply(org_id, parse_field(key, raw), EDITOR)


async def test_update_keeps_member_edits_and_lists_changes(db: Database, tmp_path: Path) -> None:
    await load_seed(db)
    await _member_edits(db, "kenasvit", website="https://kenasvit.example.org", summary_es="Texto del miembro.")
    rows = _rows(await export(db, "csv"))
    for row in rows:
        if row["id"] == "kenasvit":
            row["website"] = "https://from-the-file.example.org"  # a member edited it: kept
            row["city"] = "Mombasa"  # nobody edited it: taken
            row["summary_es"] = "Texto del archivo."  # the member's Spanish summary: kept
            row["summary_fr"] = "Texte du fichier."  # French untouched by members: taken
        if row["id"] == "sewa":
            row["members"] = "3 million members"
    rows.append(dict(rows[0], id="new-network", name="New Network", acronym="NN"))
    report = await update_file(db, _write(tmp_path / "in.csv", rows))
    assert report.ok and report.applied
    kenasvit = await Organizations(db).get("kenasvit")
    assert kenasvit is not None
    assert kenasvit.website == "https://kenasvit.example.org"
    assert kenasvit.city == "Mombasa"
    summaries = dict(kenasvit.summaries)
    assert summaries["es"] == "Texto del miembro." and summaries["fr"] == "Texte du fichier."
    lines = report.lines()
    assert "added    new-network" in lines
    assert "changed  kenasvit: city, summary_fr" in lines
    assert "kept     kenasvit: website, summary_es (edited by a member since)" in lines
    assert "changed  sewa: members" in lines
    assert lines[-1] == f"applied: 1 added, 2 updated, {len(rows) - 3} unchanged, 2 member edit(s) kept"
    # the import is now the last writer of `city`: a second run changes nothing
    again = await update_file(db, _write(tmp_path / "in.csv", rows))
    assert again.updates == [u for u in again.updates if not u.changed]
    assert again.unchanged == len(rows) - 1


async def test_a_later_import_of_a_field_releases_it(db: Database, tmp_path: Path) -> None:
    """Once the file's value went in by a plain import, the member edit is history."""
    from directory.importexport import import_file

    await load_seed(db)
    await _member_edits(db, "gama", city="Kumasi")
    rows = [r for r in _rows(await export(db, "csv")) if r["id"] == "gama"]
    rows[0]["city"] = "Accra"
    assert (await import_file(db, _write(tmp_path / "a.csv", rows))).ok  # plain import overwrites
    rows[0]["city"] = "Tema"
    report = await update_file(db, _write(tmp_path / "b.csv", rows))
    assert report.lines()[0] == "changed  gama: city"
    assert (await Organizations(db).get("gama")).city == "Tema"  # type: ignore[union-attr]


async def test_columns_the_file_lacks_are_kept(db: Database, tmp_path: Path) -> None:
    await load_seed(db)
    repo = Organizations(db)
    before = await repo.get("mncr")
    assert before is not None
    verified = replace(before, verified_at="2026-01-01T00:00:00+00:00")
    await repo.upsert(verified, "user:7")
    path = tmp_path / "few.csv"
    path.write_text("id,name,kind\nmncr,MNCR Brasil,national\n", encoding="utf-8")
    report = await update_file(db, path)
    after = await repo.get("mncr")
    assert after is not None and report.lines()[0] == "changed  mncr: name"
    assert after.name == "MNCR Brasil"
    assert after.website == before.website and after.summaries == before.summaries
    assert after.verified_at == "2026-01-01T00:00:00+00:00"


async def test_bad_row_applies_nothing_and_dry_run_applies_nothing(db: Database, tmp_path: Path) -> None:
    await load_seed(db)
    before = await export(db, "csv")
    rows = _rows(before)
    rows[1]["city"] = "Elsewhere"
    rows[5]["kind"] = "club"
    report = await update_file(db, _write(tmp_path / "bad.csv", rows))
    assert not report.ok and [line for line, _ in report.errors] == [7]
    assert await export(db, "csv") == before
    rows[5]["kind"] = _rows(before)[5]["kind"]
    dry = await update_file(db, _write(tmp_path / "dry.csv", rows), dry_run=True)
    assert dry.ok and not dry.applied and dry.lines()[0].startswith("changed ")
    assert dry.lines()[-1].startswith("would apply: 0 added, 1 updated")
    assert await export(db, "csv") == before
