"""`main.py directory import|export` as an operator runs them."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run(args: list[str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "WIEGO_"))}
    env["WIEGO_DB"] = str(tmp_path / "dir.sqlite3")
    return subprocess.run(
        [sys.executable, str(ROOT / "main.py"), "directory", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )


def test_export_formats(tmp_path: Path) -> None:
    csv_out = run(["export", "--format", "csv"], tmp_path)
    assert csv_out.returncode == 0, csv_out.stderr
    rows = list(csv.DictReader(io.StringIO(csv_out.stdout)))
    assert {"streetnet", "mncr", "kayayei"} <= {r["id"] for r in rows}
    records = json.loads(run(["export", "--format", "json"], tmp_path).stdout)
    assert len(records) == len(rows)
    hsds = json.loads(run(["export", "--format", "hsds"], tmp_path).stdout)
    assert {"organization", "service_area", "language"} <= set(hsds)


def test_import_all_or_nothing_with_line_numbers(tmp_path: Path) -> None:
    header = "id,name,acronym,kind,sectors,countries,regions,city,website,languages,founded,members,members_as_of,parent,wiego_relation,summary,sources"
    good = "new-coop,Nueva Cooperativa,NC,local,waste_pickers,CO,,Medellín,https://nc.example.org,es,2010,,,anr,,A cooperative.,https://nc.example.org"
    bad = "bad-one,Bad,,local,astronauts,XX,,,notaurl,zz,3000,,,nobody,,x,"
    (tmp_path / "in.csv").write_text("\n".join([header, good, bad]) + "\n", encoding="utf-8")
    result = run(["import", "in.csv"], tmp_path)
    assert result.returncode == 1
    assert "in.csv:3:" in result.stderr
    exported = run(["export", "--format", "json"], tmp_path).stdout
    assert "new-coop" not in exported
    (tmp_path / "ok.csv").write_text("\n".join([header, good]) + "\n", encoding="utf-8")
    ok = run(["import", "ok.csv"], tmp_path)
    assert ok.returncode == 0, ok.stderr
    assert "1 added" in ok.stdout
    assert "new-coop" in run(["export", "--format", "json"], tmp_path).stdout
    missing = run(["import", "nope.csv"], tmp_path)
    assert missing.returncode == 2 and "Traceback" not in missing.stderr


def test_import_update_prints_what_changed(tmp_path: Path) -> None:
    rows = list(csv.DictReader(io.StringIO(run(["export", "--format", "csv"], tmp_path).stdout)))
    kayayei = next(r for r in rows if r["id"] == "kayayei")
    kayayei["city"] = "Kumasi"
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(kayayei), lineterminator="\n")
    writer.writeheader()
    writer.writerow(kayayei)
    (tmp_path / "up.csv").write_text(out.getvalue(), encoding="utf-8")
    dry = run(["import", "--update", "--dry-run", "up.csv"], tmp_path)
    assert dry.returncode == 0, dry.stderr
    assert dry.stdout.splitlines() == ["changed  kayayei: city", "would apply: 0 added, 1 updated, 0 unchanged, 0 member edit(s) kept"]
    done = run(["import", "--update", "up.csv"], tmp_path)
    assert done.returncode == 0 and done.stdout.splitlines()[-1].startswith("applied: 0 added, 1 updated")
    again = run(["import", "--update", "up.csv"], tmp_path)
    assert again.stdout.splitlines() == ["applied: 0 added, 0 updated, 1 unchanged, 0 member edit(s) kept"]
