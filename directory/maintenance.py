"""Keeping the data: online backups, integrity checks, backup rotation.

Backups use SQLite's online backup API, so they are consistent while the bot writes; each is
written to a temporary name and renamed, so a half-written backup never looks like a good one.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

BACKUP_PREFIX = "wiego-"
BACKUP_SUFFIX = ".sqlite3"


class BackupError(Exception):
    """A backup that could not be written; the message is one line, the target is untouched."""


def read_only_uri(path: Path) -> str:
    """A read-only SQLite URI for `path`, percent-quoted: `?` and `#` stay part of the name.

    In a folder this user cannot write, SQLite could not create the WAL index beside the file,
    so the file is opened as immutable: nobody with our rights can be writing it.
    """
    absolute = Path(path).absolute()
    frozen = not os.access(absolute.parent, os.W_OK)
    return absolute.as_uri() + ("?mode=ro&immutable=1" if frozen else "?mode=ro")


def backup(source: Path, target: Path) -> Path:
    """Copy the live database `source` to `target` (a file, or a folder to put a dated copy in).

    The copy is written to `<target>.partial` and renamed when complete; on any failure (full
    disk, read-only folder, unreadable source) the partial file is removed and `BackupError`
    says why in one line.
    """
    if target.is_dir():
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
        target = target / f"{BACKUP_PREFIX}{stamp}{BACKUP_SUFFIX}"
    partial = target.with_name(target.name + ".partial")
    try:
        src = sqlite3.connect(read_only_uri(source), uri=True)
        try:
            dst = sqlite3.connect(partial)
            try:
                src.backup(dst)
            finally:
                dst.close()
        finally:
            src.close()
        partial.replace(target)
    except (sqlite3.Error, OSError) as exc:
        with contextlib.suppress(OSError):
            partial.unlink(missing_ok=True)
        raise BackupError(f"backup of {source} to {target} failed: {_reason(exc)}") from exc
    return target


def _reason(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror.lower()
    return " ".join(str(exc).split()) or type(exc).__name__


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
        conn = sqlite3.connect(read_only_uri(path), uri=True)
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
