"""Keeping the data: online backups, integrity checks, backup rotation.

Backups use SQLite's online backup API, so they are consistent while the bot writes; each is
written to a temporary name and renamed, so a half-written backup never looks like a good one.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

BACKUP_PREFIX = "wiego-"
BACKUP_SUFFIX = ".sqlite3"


def backup(source: Path, target: Path) -> Path:
    """Copy the live database `source` to `target` (a file, or a folder to put a dated copy in)."""
    if target.is_dir():
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
        target = target / f"{BACKUP_PREFIX}{stamp}{BACKUP_SUFFIX}"
    partial = target.with_name(target.name + ".partial")
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        dst = sqlite3.connect(partial)
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()
    partial.replace(target)
    return target


@dataclass(frozen=True)
class CheckResult:
    problems: list[str]

    @property
    def ok(self) -> bool:
        return not self.problems


def check(path: Path) -> CheckResult:
    """`PRAGMA integrity_check` and `foreign_key_check`, read-only."""
    if not path.exists():
        return CheckResult([f"{path} does not exist"])
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        return CheckResult([f"cannot open {path}: {exc}"])
    problems: list[str] = []
    try:
        rows = conn.execute("PRAGMA integrity_check").fetchall()
        problems += [str(r[0]) for r in rows if r[0] != "ok"]
        for table, rowid, parent, _fk in conn.execute("PRAGMA foreign_key_check").fetchall():
            problems.append(f"foreign key: {table} row {rowid} points to a missing {parent}")
    except sqlite3.DatabaseError as exc:
        problems.append(f"{path} is not a usable SQLite database: {exc}")
    finally:
        conn.close()
    return CheckResult(problems)


def prune_backups(folder: Path, keep: int) -> list[Path]:
    """Delete all but the newest `keep` backups made by `backup()` in `folder`."""
    copies = sorted(folder.glob(f"{BACKUP_PREFIX}*{BACKUP_SUFFIX}"))
    doomed = copies[:-keep] if keep > 0 else []
    for path in doomed:
        path.unlink(missing_ok=True)
    return doomed
