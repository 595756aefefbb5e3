"""`main.py db backup|check|migrate`: operating the SQLite file."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from bot.config import Config
from bot.i18n import Catalogs
from directory import maintenance
from directory.db import Database, bundled_migrations

NAME = "db"
HELP = "database operations: backup PATH, check, migrate [--dry-run]"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    backup = sub.add_parser("backup", help="consistent copy of the live database (online backup API)")
    backup.add_argument("path", type=Path, help="target file, or a folder for a dated copy")
    sub.add_parser("check", help="integrity_check and foreign_key_check; non-zero exit on a problem")
    migrate = sub.add_parser("migrate", help="apply pending migrations")
    migrate.add_argument("--dry-run", action="store_true", help="list what would be applied, change nothing")


async def run(config: Config, catalogs: Catalogs, args: argparse.Namespace) -> int:
    path = config.db_path
    if args.db_command == "check":
        result = await asyncio.to_thread(maintenance.check, path)
        for problem in result.problems:
            print(f"problem: {problem}", file=sys.stderr)
        print("ok" if result.ok else f"{len(result.problems)} problem(s) in {path}")
        return 0 if result.ok else 1
    if args.db_command == "backup":
        if not path.exists():
            print(f"error: WIEGO_DB: {path} does not exist", file=sys.stderr)
            return 2
        if not args.path.parent.exists():
            print(f"error: backup: the folder {args.path.parent} does not exist", file=sys.stderr)
            return 2
        try:
            target = await asyncio.to_thread(maintenance.backup, path, args.path)
        except maintenance.BackupError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        print(f"backed up {path} to {target}")
        return 0
    if args.dry_run and not path.exists():
        print(f"{path}: does not exist yet; {len(bundled_migrations())} migration(s) pending")
        for migration in bundled_migrations():
            print(f"  would apply {migration.version:04d}_{migration.name}")
        return 0
    db = await Database.open(path, migrate=False)
    try:
        pending = await db.pending_migrations(bundled_migrations())
        current = await db.schema_version()
        if args.dry_run:
            print(f"{path}: schema version {current}; {len(pending)} migration(s) pending")
            for migration in pending:
                print(f"  would apply {migration.version:04d}_{migration.name}")
            return 0
        applied = await db.migrate(bundled_migrations())
        print(f"{path}: applied {len(applied)} migration(s); now at version {await db.schema_version()}")
        return 0
    finally:
        await db.close()
