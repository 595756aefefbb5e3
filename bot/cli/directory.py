"""`main.py directory import FILE | export --format csv|json|hsds | editors ORG`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Literal, cast

from bot.config import Config
from bot.i18n import Catalogs
from directory import gate
from directory.db import Database

if TYPE_CHECKING:  # imported when needed: `main.py ask` builds this parser too
    from directory.listings import Listings

NAME = "directory"
WHO_LIMIT = 60
HELP = (
    "import organizations from CSV/JSON (all rows or none), export the whole directory, "
    "or list and remove a listing's editors"
)


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
    people = sub.add_parser("editors", help="a listing's editors and open invitations; remove, withdraw")
    people.add_argument("org", help="the organization's id")
    people.add_argument("--remove", type=int, metavar="USER_ID", help="take away this editor's right")
    people.add_argument(
        "--revoke",
        nargs="?",
        type=int,
        const=0,
        metavar="INVITATION",
        help="withdraw this open invitation (by number), or every open one",
    )
    people.add_argument("--who", default="cli", help="name recorded in the history (default: cli)")


async def run(config: Config, catalogs: Catalogs, args: argparse.Namespace) -> int:
    """The database and the listings only: no Telegram, no policy engine, a fast start."""
    from directory.importexport import export, import_file
    from directory.seed import load_seed

    db = await Database.open(config.db_path)
    try:
        await load_seed(db)
        if args.directory_command == "export":
            text = await export(db, cast(Literal["csv", "json", "hsds"], args.format))
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
        if args.directory_command == "editors":
            from directory.listings import Listings

            return await editors(Listings(db), args)
        if not args.file.is_file():
            print(f"error: {args.file}: no such file", file=sys.stderr)
            return 2
        if args.update or args.dry_run:
            return await _update(db, args)
        report = await import_file(db, args.file, who=args.who)
        if not report.ok:
            for line, reason in report.errors:
                print(f"{args.file}:{line}: {reason}", file=sys.stderr)
            print(f"nothing imported: {len(report.errors)} bad row(s)", file=sys.stderr)
            return 1
        print(f"imported {args.file}: {report.added} added, {report.updated} updated")
        return 0
    finally:
        await db.close()


async def editors(listings: Listings, args: argparse.Namespace) -> int:
    """List a listing's editors and open invitations; with --remove / --revoke, change them
    (each change recorded in the listing's history)."""
    org = await listings.organizations.get(args.org)
    if org is None:
        print(f"error: no organization has the id {args.org!r}", file=sys.stderr)
        return 1
    status = 0
    if args.remove is not None:
        if await listings.remove_editor(org.id, args.remove, args.who):
            print(f"removed editor {args.remove} of {org.id}")
        else:
            print(f"error: user {args.remove} does not edit {org.id}", file=sys.stderr)
            status = 1
    if args.revoke is not None:
        numbers = [args.revoke] if args.revoke else [i.id for i in await listings.open_invites(org.id)]
        for number in numbers:
            if await listings.revoke_invite(org.id, number, args.who):
                print(f"withdrew invitation #{number} to {org.id}")
            else:
                print(f"error: invitation #{number} to {org.id} is not open", file=sys.stderr)
                status = 1
    for editor in await listings.editors_of(org.id):
        print(f"editor {editor.user_id} since {editor.since}")
    for invite in await listings.open_invites(org.id):
        print(f"invitation #{invite.id} by {invite.created_by}, open until {invite.expires_at}")
    return status


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
