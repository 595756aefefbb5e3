"""Import validation (all or nothing), export round trip, HSDS shape."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from directory.db import Database
from directory.importexport import export, import_file
from directory.organizations import Organizations
from directory.seed import load_seed, seed_organizations

HEADER = (
    "id,name,acronym,kind,sectors,countries,regions,city,website,languages,founded,parent,summary"
)
GOOD = (
    "new-org,New Org,NO,local,waste_pickers,KE,,Nairobi,https://example.org,en,2001,iawp,A new org."
)


@pytest.mark.parametrize(
    ("bad_row", "reason"),
    [
        ("Bad Id,X,,local,waste_pickers,KE,,,,en,,,", "slug"),
        ("x1,X,,club,waste_pickers,KE,,,,en,,,", "kind"),
        ("x2,X,,local,astronauts,KE,,,,en,,,", "sector"),
        ("x3,X,,local,waste_pickers,QQ,,,,en,,,", "country"),
        ("x4,X,,local,waste_pickers,KE,999,,,en,,,", "region"),
        ("x5,X,,local,waste_pickers,KE,,,ftp://x.org,en,,,", "http"),
        ("x6,X,,local,waste_pickers,KE,,,https://,en,,,", "http"),
        ("x7,X,,local,waste_pickers,KE,,,,zz9,,,", "language"),
        ("x8,X,,local,waste_pickers,KE,,,,en,19x5,,", "year"),
        ("x9,X,,local,waste_pickers,KE,,,,en,,nowhere,", "parent"),
        ("x10,X,,local", "columns"),
        ("new-org,Again,,local,waste_pickers,KE,,,,en,,,", "duplicate"),
    ],
)
async def test_bad_rows_change_nothing(
    db: Database, tmp_path: Path, bad_row: str, reason: str
) -> None:
    await load_seed(db)
    before = await export(db, "csv")
    path = tmp_path / "in.csv"
    path.write_text(f"{HEADER}\n{GOOD}\n{bad_row}\n", encoding="utf-8")
    report = await import_file(db, path)
    assert [line for line, _ in report.errors] == [3], report.errors
    assert reason in report.errors[0][1]
    assert report.added == report.updated == 0
    assert await export(db, "csv") == before


async def test_bad_encoding_is_an_error(db: Database, tmp_path: Path) -> None:
    await load_seed(db)
    path = tmp_path / "in.csv"
    path.write_bytes(
        f"{HEADER}\n{GOOD}\n".encode() + b"x,Caf\xe9,,local,waste_pickers,KE,,,,en,,,\n"
    )
    report = await import_file(db, path)
    assert report.errors and report.errors[0][0] == 3 and "UTF-8" in report.errors[0][1]


async def test_good_import_adds_and_updates(db: Database, tmp_path: Path) -> None:
    await load_seed(db)
    path = tmp_path / "in.csv"
    path.write_text(
        f"{HEADER}\n{GOOD}\nchild,Child,,local,waste_pickers,KE,,,,en,,new-org,\n", encoding="utf-8"
    )
    report = await import_file(db, path, who="import:test")
    assert report.errors == [] and report.added == 2
    org = await Organizations(db).get("child")
    assert org is not None and org.parent == "new-org"
    assert (await Organizations(db).history("child"))[0].who == "import:test"


async def test_export_round_trip(db: Database, tmp_path: Path) -> None:
    await load_seed(db)
    for fmt, name in (("csv", "dump.csv"), ("json", "dump.json")):
        dump = await export(db, fmt)  # type: ignore[arg-type]
        path = tmp_path / name
        path.write_text(dump, encoding="utf-8")
        other = await Database.open(tmp_path / f"{fmt}.sqlite3")
        try:
            report = await import_file(other, path)
            assert report.errors == [] and report.added == len(seed_organizations())
            assert await export(other, fmt) == dump  # type: ignore[arg-type]
        finally:
            await other.close()


async def test_hsds_tables(db: Database) -> None:
    await load_seed(db)
    data = json.loads(await export(db, "hsds"))
    assert set(data) == {"organization", "service_area", "language", "phone"}
    assert len(data["organization"]) == len(seed_organizations())
    assert any(
        a["organization_id"] == "red-lacre" and a["extent"] == "419" for a in data["service_area"]
    )


CONTACT_HEADER = "id,name,kind,countries,email,phone,social"


async def test_contact_routes_are_imported_checked_and_exported(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "contacts.csv"
    path.write_text(
        f"{CONTACT_HEADER}\n"
        "kenya-traders,Kenya Traders,national,KE,Info@Traders.example.org,020 2710000,facebook.com/kt\n"
        "global-net,Global Net,global_network,*,,+33 1 42 68 53 00,\n",
        encoding="utf-8",
    )
    report = await import_file(db, path)
    assert report.errors == [] and report.added == 2
    org = await Organizations(db).get("kenya-traders")
    assert org is not None
    # the local number is read in the organization's only country and kept in international form
    assert dict(org.details) == {
        "email": "Info@traders.example.org",
        "phone": "+254 20 2710000",
        "social": "https://facebook.com/kt",
    }
    rows = {r["id"]: r for r in json.loads(await export(db, "json"))}
    assert rows["kenya-traders"]["phone"] == "+254 20 2710000"
    assert rows["global-net"]["email"] == "" and rows["global-net"]["phone"] == "+33 1 42 68 53 00"
    hsds = json.loads(await export(db, "hsds"))
    assert {"id": "kenya-traders:phone", "organization_id": "kenya-traders", "number": "+254 20 2710000"} in hsds[
        "phone"
    ]
    assert next(o for o in hsds["organization"] if o["id"] == "kenya-traders")["email"] == "Info@traders.example.org"
    assert "email,phone,social" in (await export(db, "csv")).splitlines()[0]


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        ("x1,X,local,KE,not-an-address,,", "email"),
        ("x2,X,local,KE,,12345,", "phone"),
        ("x3,X,local,*,,020 2710000,", "phone"),  # a local number needs one country to be read in
        ("x4,X,local,KE,,,javascript:alert(1)", "social"),
    ],
)
async def test_bad_contact_routes_are_refused(db: Database, tmp_path: Path, row: str, reason: str) -> None:
    path = tmp_path / "contacts.csv"
    path.write_text(f"{CONTACT_HEADER}\n{row}\n", encoding="utf-8")
    report = await import_file(db, path)
    assert [line for line, _ in report.errors] == [2] and reason in report.errors[0][1]
    assert await Organizations(db).count() == 0
