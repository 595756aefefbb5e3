"""Import and export against hostile files: formulas, wrong JSON types, deep nesting, huge or
invisible values. Every error is one line with its row number; nothing malformed is stored."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from directory import gate
from directory.db import Database
from directory.importexport import (
    COLUMNS,
    RowError,
    export,
    import_file,
    neutralize,
    org_from_record,
    unneutralize,
)
from directory.organizations import Organizations
from directory.seed import load_seed

HEADER = "id,name,kind,sectors,countries,city,website,founded,members,members_as_of"
OK = "ok-org,Good Org,local,waste_pickers,KE,Nairobi,https://ok.example.org,2001,40 groups,2024-03"


def _csv(tmp_path: Path, *rows: str) -> Path:
    path = tmp_path / "in.csv"
    path.write_text("\n".join([HEADER, OK, *rows]) + "\n", encoding="utf-8")
    return path


def _json(tmp_path: Path, data: object) -> Path:
    path = tmp_path / "in.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def _one_line_each(errors: list[tuple[int, str]]) -> None:
    for _line, reason in errors:
        assert "\n" not in reason and "\r" not in reason and len(reason) < 300, reason


@pytest.mark.parametrize(
    ("row", "fragment"),
    [
        ('bad-1,"=HYPERLINK(""http://evil.example"",""x"")",local,waste_pickers,KE,,,,,', "formula"),
        ("bad-2,+cmd|' /C calc'!A0,local,waste_pickers,KE,,,,,", "formula"),
        ("bad-3,@SUM(1+1),local,waste_pickers,KE,,,,,", "formula"),
        ("bad-4,Fine,local,waste_pickers,KE,-2+3,,,,", "formula"),
        ('bad-5,"\t=1+1",local,waste_pickers,KE,,,,,', "formula"),
        ("bad-6,\u200b\u200d\u2060,local,waste_pickers,KE,,,,,", "name is empty"),
        ("bad-7,X,local,waste_pickers,KE,,http://[::1,,,", "website"),
        ("bad-8,X,local,waste_pickers,KE,,https://[zz]/,,,", "website"),
        ("bad-9,X,local,waste_pickers,KE,,,¹⁹⁹⁰,,", "founded"),
        ("bad-10,X,local,waste_pickers,KE,,,,500,9999-99-99", "members_as_of"),
        ("bad-11,X,local,waste_pickers,KE,,,,500,2024-02-30", "members_as_of"),
        ("bad-12," + "N" * 100_000 + ",local,waste_pickers,KE,,,,,", "name is too long: 100000 characters, at most 200"),
    ],
)
async def test_bad_csv_rows_are_one_line_each_and_nothing_is_stored(
    db: Database, tmp_path: Path, row: str, fragment: str
) -> None:
    report = await import_file(db, _csv(tmp_path, row))
    assert [line for line, _ in report.errors] == [3], report.errors
    assert fragment in report.errors[0][1]
    _one_line_each(report.errors)
    assert await Organizations(db).count() == 0


async def test_control_characters_are_cleaned_not_stored(db: Database, tmp_path: Path) -> None:
    report = await import_file(db, _csv(tmp_path, "ctl,Na\x00me\x07 \u202eX\u202c,local,waste_pickers,KE,Ci\x1bty,,,,"))
    assert report.ok, report.errors
    org = await Organizations(db).get("ctl")
    assert org is not None and org.name == "Name X" and org.city == "City"


@pytest.mark.parametrize(
    ("value", "kind"),
    [(["a", "b"], "a list"), ({"x": 1}, "an object"), (True, "true/false"), (1.5, "a number"), (7, "a number")],
)
async def test_json_values_must_be_text(db: Database, tmp_path: Path, value: object, kind: str) -> None:
    record = {"id": "j1", "name": value, "kind": "local", "sectors": "waste_pickers", "countries": "KE"}
    report = await import_file(db, _json(tmp_path, [record]))
    assert report.errors == [(1, f"name must be text, not {kind}")]


async def test_json_lists_numbers_where_they_make_sense(db: Database, tmp_path: Path) -> None:
    record = {
        "id": "j2",
        "name": "J",
        "kind": "local",
        "sectors": ["waste_pickers"],
        "countries": ["KE", "UG"],
        "founded": 1999,
    }
    report = await import_file(db, _json(tmp_path, [record, dict(record, id="j3", sectors=["x", 3])]))
    assert report.errors == [(2, "sectors must be a list of texts")]
    report = await import_file(db, _json(tmp_path, [record]))
    assert report.ok
    org = await Organizations(db).get("j2")
    assert org is not None and org.countries == ("KE", "UG") and org.founded == 1999


@pytest.mark.parametrize(
    "text",
    ["[" * 100_000 + "]" * 100_000, '[{"id": "x", "name": ' + "[" * 5000 + "]" * 5000 + "}]", "[NaN]", "[1e999999]", "{"],
)
async def test_hostile_json_is_one_line(db: Database, tmp_path: Path, text: str) -> None:
    path = tmp_path / "deep.json"
    path.write_text(text, encoding="utf-8")
    report = await import_file(db, path)
    assert len(report.errors) == 1 and report.errors[0][0] == 1, report.errors
    _one_line_each(report.errors)


async def test_export_neutralizes_formulas_and_round_trips(db: Database, tmp_path: Path) -> None:
    await load_seed(db)
    repo = Organizations(db)
    sewa = await repo.get("sewa")
    assert sewa is not None
    tricky = replace(sewa, name='=HYPERLINK("http://evil.example","x")', city="@Ahmedabad", members="+2 million", acronym="'=x")
    await repo.upsert(tricky, "user:5")
    dump = await export(db, "csv")
    row = next(r for r in csv.DictReader(io.StringIO(dump)) if r["id"] == "sewa")
    assert row["name"] == "'=HYPERLINK(\"http://evil.example\",\"x\")"
    assert row["city"] == "'@Ahmedabad" and row["members"] == "'+2 million" and row["acronym"] == "''=x"
    for other in csv.DictReader(io.StringIO(dump)):
        for key in COLUMNS:
            assert not other[key].startswith(("=", "+", "-", "@", "\t", "\r")), (other["id"], key)
    path = tmp_path / "dump.csv"
    path.write_text(dump, encoding="utf-8")
    fresh = await Database.open(tmp_path / "fresh.sqlite3")
    try:
        assert (await import_file(fresh, path)).ok
        back = await Organizations(fresh).get("sewa")
        assert back is not None
        assert (back.name, back.city, back.members, back.acronym) == (tricky.name, tricky.city, tricky.members, "'=x")
        assert await export(fresh, "csv") == dump
    finally:
        await fresh.close()


@given(st.text(max_size=40).map(lambda t: gate.clean(t, multiline=True)))
def test_neutralize_round_trips_and_leaves_no_formula(text: str) -> None:
    """Every stored value (the gate's output) survives export and import unchanged."""
    cell = neutralize(text)
    assert not cell.startswith(("=", "+", "-", "@", "\t", "\r"))
    assert unneutralize("x", cell) == text


_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=8,
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(st.sampled_from([*COLUMNS, "summary_es", "junk"]), _values, max_size=10))
def test_any_json_record_is_a_row_or_one_clear_error(record: dict[str, object]) -> None:
    try:
        org = org_from_record(record)
    except RowError as exc:
        assert "\n" not in str(exc) and len(str(exc)) < 300
    else:
        assert org.name and "\x00" not in org.name
