"""`main.py directory import FILE | export --format csv|json|hsds`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Literal, cast

from bot.config import Config
from bot.i18n import Catalogs
from bot.services import open_services
from directory import gate
from directory.db import Database

NAME = "directory"
WHO_LIMIT = 60
HELP = "import organizations from CSV/JSON (all rows or none), or export the whole directory"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="directory_command", metavar="ACTION", required=True)
    load = sub.add_parser("import", help="validate every row; apply all in one transaction, or none")
    load.add_argument("file", type=Path, help="CSV with the columns of organizations.csv, or JSON")
    load.add_argument("--who", default="import", help="name recorded in the history (default: import)")
    load.add_argument(
        "--update",
        action="store_true",
        help="upsert by id, keep fields members edited since, print what changed",
    )
    load.add_argument("--dry-run", action="store_true", help="with --update: print changes, apply nothing")
    dump = sub.add_parser("export", help="print the whole directory")
    dump.add_argument("--format", choices=("csv", "json", "hsds"), default="csv")
    dump.add_argument("--output", type=Path, help="write to this file instead of standard output")


async def run(config: Config, catalogs: Catalogs, args: argparse.Namespace) -> int:
    from directory.importexport import export, import_file

    services = await open_services(config, catalogs)
    try:
        if args.directory_command == "export":
            text = await export(services.db, cast(Literal["csv", "json", "hsds"], args.format))
            if args.output:
                args.output.write_text(text, encoding="utf-8")
            else:
                sys.stdout.write(text if text.endswith("\n") else text + "\n")
            return 0
        try:
            args.who = gate.field(args.who, WHO_LIMIT, required=True)
        except gate.InputError:
            print(f"error: --who: expected a short name (at most {WHO_LIMIT} characters)", file=sys.stderr)
            return 2
        if not args.file.is_file():
            print(f"error: {args.file}: no such file", file=sys.stderr)
            return 2
        if args.update or args.dry_run:
            return await _update(services.db, args)
        report = await import_file(services.db, args.file, who=args.who)
        if not report.ok:
            for line, reason in report.errors:
                print(f"{args.file}:{line}: {reason}", file=sys.stderr)
            print(f"nothing imported: {len(report.errors)} bad row(s)", file=sys.stderr)
            return 1
        print(f"imported {args.file}: {report.added} added, {report.updated} updated")
        return 0
    finally:
        await services.close()


async def _update(db: Database, args: argparse.Namespace) -> int:
    from directory.import_update import update_file

    report = await update_file(db, args.file, who=args.who, dry_run=args.dry_run)
    if not report.ok:
        for line, reason in report.errors:
            print(f"{args.file}:{line}: {reason}", file=sys.stderr)
        print(f"nothing imported: {len(report.errors)} bad row(s)", file=sys.stderr)
        return 1
    print("\n".join(report.lines()))
    return 0
