"""Load the shipped seed (`data/organizations.csv` + `data/summaries.csv`) at every start.

Idempotent and cheap: a hash of the seed files in `meta` skips everything when nothing
changed. A new seed adds new organizations and updates those nobody but the seed ever edited;
an organization a person edited keeps the person's version.
"""

from __future__ import annotations

import csv
import hashlib
import io
from importlib import resources

from directory.db import Database
from directory.organizations import Organization, Organizations

SEED_WHO = "seed"
_FILES = ("organizations.csv", "summaries.csv")


def _read(name: str) -> str:
    return resources.files("directory.data").joinpath(name).read_text(encoding="utf-8")


def seed_hash() -> str:
    digest = hashlib.sha256()
    for name in _FILES:
        digest.update(_read(name).encode("utf-8"))
    return digest.hexdigest()


def seed_organizations() -> list[Organization]:
    """The seed rows with their summaries in every language (raises if the seed is invalid)."""
    from directory.importexport import org_from_record  # only when the seed changed: a start needs none

    summaries = {row["id"]: row for row in csv.DictReader(io.StringIO(_read("summaries.csv")))}
    orgs: list[Organization] = []
    for row in csv.DictReader(io.StringIO(_read("organizations.csv"))):
        extra = summaries.get(row["id"], {})
        record = dict(row) | {f"summary_{lang}": extra.get(lang, "") for lang in ("es", "fr", "pt")}
        if extra.get("en"):
            record["summary"] = extra["en"]
        orgs.append(org_from_record(record))
    return orgs


async def load_seed(db: Database) -> int:
    """Apply the seed; returns how many organizations were added or updated (0 if unchanged)."""
    digest = seed_hash()
    if await db.fetchval("SELECT value FROM meta WHERE key = 'seed_hash'") == digest:
        return 0
    repo = Organizations(db)
    orgs = seed_organizations()
    existing = {r[0] for r in await db.fetchall("SELECT id FROM organizations")}
    edited = await repo.edited_ids(except_who=SEED_WHO)
    changed = 0
    async with db.atomic() as conn:
        new = [o for o in orgs if o.id not in existing]
        if new:
            changed += await repo.add_many(new, SEED_WHO)
        for org in orgs:
            if (
                org.id in existing
                and org.id not in edited
                and await repo.upsert_in(conn, org, SEED_WHO)
            ):
                changed += 1
        await conn.execute(
            "INSERT INTO meta (key, value) VALUES ('seed_hash', ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (digest,),
        )
    return changed
