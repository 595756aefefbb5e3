"""Organizations and their append-only history.

An `Organization` is plain data; `Organizations` is the repository that owns the
`organizations`, `org_*` and `org_changes` tables. Every write runs in `db.atomic()` and
appends one history row per changed field, so nothing is overwritten without a trace and any
change can be reverted by id.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, fields, replace
from typing import Any, Literal

import aiosqlite

from directory.db import Database, utcnow
from directory.kept import KeptForVersion
from directory.languages import codes

Kind = Literal["global_network", "regional_network", "national", "local"]
KINDS: tuple[Kind, ...] = ("global_network", "regional_network", "national", "local")
WORLDWIDE = "*"
SUMMARY_LANGS: tuple[str, ...] = codes()
_SCOPE = {"global_network": 3, "regional_network": 2, "national": 0, "local": 0}
_LIST_FIELDS = ("sectors", "countries", "regions", "languages")
_JSON_FIELDS = ("summaries", "details")
_META_FIELDS = ("updated_at",)
PERSON_PREFIX = "user:"  # how a person (editor or admin, through the bot) appears in the history
FORMER_EDITOR = "former-editor"  # what a person's id becomes in the history after /forget
EDITOR_FIELD = "editor"  # history rows of editors joining (new) and removed (old)
INVITATION_FIELD = "invitation"  # history rows of invitations withdrawn


def by_person(who: str) -> bool:
    """Was this history row written by a person (not the seed or an import)?"""
    return who.startswith(PERSON_PREFIX) or who == FORMER_EDITOR


@dataclass(frozen=True)
class Organization:
    """One organization as stored; list fields keep their order; summaries are (lang, text)."""

    id: str
    name: str
    kind: Kind
    acronym: str = ""
    parent: str | None = None
    sectors: tuple[str, ...] = ()  # sorted: the stored form has no order
    countries: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    city: str = ""
    website: str = ""
    languages: tuple[str, ...] = ()
    founded: int | None = None
    members: str = ""
    members_as_of: str = ""
    wiego_relation: str = ""
    sources: str = ""
    summaries: tuple[tuple[str, str], ...] = ()
    details: tuple[tuple[str, str], ...] = ()  # sorted (key, value): public e-mail, phone, ...
    verified_at: str | None = None
    updated_at: str = field(default="", compare=False)

    @property
    def worldwide(self) -> bool:
        return WORLDWIDE in self.countries

    def summary(self, lang: str) -> str:
        """The summary in `lang`, else English, else any."""
        table = dict(self.summaries)
        return table.get(lang) or table.get("en") or next(iter(table.values()), "")

    def detail(self, key: str) -> str:
        """A field kept in `details` ("" when the organization has none)."""
        return dict(self.details).get(key, "")

    def with_detail(self, key: str, value: str) -> Organization:
        """A copy with `key` set to `value` (removed when empty)."""
        table = dict(self.details)
        if value:
            table[key] = value
        else:
            table.pop(key, None)
        return replace(self, details=tuple(sorted(table.items())))


@dataclass(frozen=True)
class Change:
    id: int
    org_id: str
    field: str
    old: str | None
    new: str | None
    who: str
    at: str


def encode(name: str, value: Any) -> str | None:
    """A field's value as history text (lists joined by ';', summaries as JSON)."""
    if value is None:
        return None
    if name in _JSON_FIELDS:
        return json.dumps(dict(value), ensure_ascii=False, sort_keys=True)
    if name in _LIST_FIELDS:
        return ";".join(value)
    return str(value)


def decode(name: str, text: str | None) -> Any:
    """The inverse of `encode` for one field."""
    if name in _JSON_FIELDS:
        return tuple(sorted(json.loads(text).items())) if text else ()
    if name in _LIST_FIELDS:
        return tuple(p for p in (text or "").split(";") if p)
    if name == "founded":
        return int(text) if text else None
    if name in ("parent", "verified_at"):
        return text or None
    return text or ""


_SNAPSHOT_FIELDS = tuple(f for f in fields(Organization) if f.name != "updated_at")
# `details` is recorded in the history key by key (field "email", not "details").
EDITABLE_FIELDS: tuple[str, ...] = tuple(
    f.name for f in fields(Organization) if f.name not in ("id", "details", *_META_FIELDS)
)


async def record_change(
    conn: aiosqlite.Connection,
    org_id: str,
    name: str,
    old: str | None,
    new: str | None,
    who: str,
    at: str,
) -> None:
    """Append one history row (call inside the transaction that made the change)."""
    await conn.execute(
        "INSERT INTO org_changes (org_id, field, old, new, who, at) VALUES (?, ?, ?, ?, ?, ?)",
        (org_id, name, old, new, who, at),
    )


_ORG_COLUMNS = (
    "o.num AS num, id, name, acronym, kind, parent_id, city, website, founded, members, "
    "members_as_of, "
    "wiego_relation, sources, verified_at, updated_at"
)


VERSION_SQL = "SELECT coalesce(max(id), 0) FROM org_changes"
"""The directory version: every write to an organization appends to `org_changes` in the
transaction that makes it, from whichever process, so the version rises with each commit."""
_VERSION_COLUMN = f"({VERSION_SQL}) AS version, "
KEPT = 4096
"""Organizations kept between reads (see `Organizations.by_nums_with_version`): the referrals
of most answers show the same few networks and national organizations."""
_KEEP_AT_MOST = 200  # rows read at once beyond this (an export, a listing) are not kept


class Organizations:
    """Repository for organizations: reads in batches, writes with history.

    Rows read outside a transaction are kept for the directory version they were read at; while
    `Database.read_now` says the version is still that one, they are served without a statement
    (a hop to aiosqlite's thread costs more than everything else a referral does).
    """

    def __init__(self, db: Database) -> None:
        self._db = db
        self._kept: KeptForVersion[int, Organization] = KeptForVersion(KEPT)  # by row number
        self._num_of: KeptForVersion[str, int] = KeptForVersion(KEPT)  # row numbers by id

    # --- reading ----------------------------------------------------------------------------
    def version_now(self) -> int | None:
        """The directory version read at once, or None when it cannot be (`Database.read_now`)."""
        row = self._db.read_now(VERSION_SQL)
        return None if row is None else int(row[0])

    async def version(self) -> int:
        """The directory version, read at once when possible, else with a statement."""
        now = self.version_now()
        return now if now is not None else int(await self._db.fetchval(VERSION_SQL))

    async def get(self, org_id: str) -> Organization | None:
        """One organization by id, in one statement (two could see it deleted in between)."""
        version = self.version_now()
        num = self._num_of.get(org_id, version)
        kept = None if num is None else self._kept.get(num, version)
        if kept is not None:
            return kept
        rows = await self._select("o.id = ?", (org_id,), _VERSION_COLUMN)
        if not rows:
            return None
        self._keep(rows, rows[0]["version"])
        return _from_row(rows[0])

    async def by_ids(self, ids: Sequence[str]) -> list[Organization]:
        """The organizations with these ids that exist, in no particular order."""
        nums: list[int] = []
        for start in range(0, len(ids), 500):
            chunk = list(ids[start : start + 500])
            marks = ",".join("?" * len(chunk))
            rows = await self._db.fetchall(
                f"SELECT num FROM organizations WHERE id IN ({marks})",  # noqa: S608 - placeholders only
                chunk,
            )
            nums += [int(r[0]) for r in rows]
        return await self.by_nums(nums)

    async def list_all(self) -> list[Organization]:
        nums = [
            int(r[0]) for r in await self._db.fetchall("SELECT num FROM organizations ORDER BY num")
        ]
        return await self.by_nums(nums)

    async def count(self) -> int:
        return int(await self._db.fetchval("SELECT count(*) FROM organizations"))

    async def by_nums(self, nums: Sequence[int]) -> list[Organization]:
        """Organizations for these rowids, in the given order, in one query (or none)."""
        return (await self.by_nums_with_version(nums))[0]

    async def by_nums_with_version(self, nums: Sequence[int]) -> tuple[list[Organization], int]:
        """`by_nums`, and the directory version its organizations are of: what a kept search
        page is checked against. Kept organizations of the version now cost no statement;
        otherwise one statement reads the rows and the version together."""
        version = self.version_now()
        kept = self._kept.get_all(nums, version)
        if kept is not None and version is not None:
            return kept, version
        if not nums:
            return [], version if version is not None else int(await self._db.fetchval(VERSION_SQL))
        marks = ",".join("?" * len(nums))
        rows = await self._select(f"num IN ({marks})", nums, _VERSION_COLUMN)
        if not rows:
            return [], await self.version()
        read_at = int(rows[0]["version"])
        if len(nums) <= _KEEP_AT_MOST:
            self._keep(rows, read_at)
        return _in_order(rows, nums), read_at

    def _keep(self, rows: Sequence[Any], version: int) -> None:
        """Keep rows read at `version`; never rows read inside a transaction, which may yet
        roll back (and its version number then be reused by another write)."""
        if self._db.in_transaction():
            return
        for row in rows:
            org = _from_row(row)
            self._kept.keep(row["num"], org, version)
            self._num_of.keep(org.id, row["num"], version)

    async def _select(self, where: str, params: Sequence[Any], extra: str = "") -> list[Any]:
        """Whole organization rows (with their sectors, places, languages, summaries and
        details) matching `where`, a fixed condition with placeholders; `extra`, fixed
        columns to add."""
        return await self._db.fetchall(
            f"SELECT {extra}{_ORG_COLUMNS}, "  # noqa: S608 - only placeholders and fixed SQL are interpolated
            "(SELECT group_concat(sector, ';') FROM (SELECT sector FROM org_sectors "
            " WHERE org_num = o.num ORDER BY sector)) AS sectors, "
            "(SELECT group_concat(country, ';') FROM (SELECT country FROM org_countries "
            " WHERE org_num = o.num ORDER BY pos)) AS countries, "
            "(SELECT group_concat(region, ';') FROM (SELECT region FROM org_regions "
            " WHERE org_num = o.num ORDER BY pos)) AS regions, "
            "(SELECT group_concat(lang, ';') FROM (SELECT lang FROM org_languages "
            " WHERE org_num = o.num ORDER BY pos)) AS languages, "
            "(SELECT json_group_object(lang, text) FROM org_summaries "
            " WHERE org_num = o.num) AS summaries, "
            "(SELECT json_group_object(key, value) FROM org_details "
            " WHERE org_num = o.num) AS details "
            f"FROM organizations AS o WHERE {where}",
            params,
        )

    async def history(self, org_id: str) -> list[Change]:
        rows = await self._db.fetchall(
            "SELECT id, org_id, field, old, new, who, at FROM org_changes "
            "WHERE org_id = ? ORDER BY id",
            (org_id,),
        )
        return [Change(*tuple(r)) for r in rows]

    async def edited_ids(self, except_who: str) -> set[str]:
        """Ids of organizations changed by anyone other than `except_who` (e.g. the seed)."""
        rows = await self._db.fetchall(
            "SELECT DISTINCT org_id FROM org_changes WHERE who != ?", (except_who,)
        )
        return {r[0] for r in rows}

    # --- writing ----------------------------------------------------------------------------
    async def upsert(self, org: Organization, who: str) -> list[str]:
        """Create or update one organization; returns the names of the fields that changed."""
        async with self._db.atomic() as conn:
            return await self.upsert_in(conn, org, who)

    async def upsert_in(self, conn: aiosqlite.Connection, org: Organization, who: str) -> list[str]:
        """`upsert` inside a transaction the caller holds (imports apply many rows at once)."""
        now = utcnow()
        old = await self.get(org.id)
        if old is None:
            await self._insert(conn, [replace(org, updated_at=now)])
            await record_change(conn, org.id, "*", None, _snapshot(org), who, now)
            return ["*"]
        changes = [
            (f, encode(f, getattr(old, f)), encode(f, getattr(org, f)))
            for f in EDITABLE_FIELDS
            if getattr(old, f) != getattr(org, f)
        ]
        before, after = dict(old.details), dict(org.details)
        changes += [
            (key, before.get(key) or None, after.get(key) or None)
            for key in sorted(before.keys() | after.keys())
            if before.get(key) != after.get(key)
        ]
        if not changes:
            return []
        for name, old_text, new_text in changes:
            await record_change(conn, org.id, name, old_text, new_text, who, now)
        num = await self._write_row(conn, replace(org, updated_at=now))
        await self._write_children(conn, num, org)
        return [name for name, _old, _new in changes]

    async def add_many(self, orgs: Iterable[Organization], who: str) -> int:
        """Bulk-create new organizations (seed, benchmark): one history row each."""
        batch = list(orgs)
        now = utcnow()
        async with self._db.atomic() as conn:
            await self._insert(conn, [replace(o, updated_at=now) for o in batch])
            await conn.executemany(
                "INSERT INTO org_changes (org_id, field, old, new, who, at) "
                "VALUES (?, '*', NULL, ?, ?, ?)",
                [(o.id, _snapshot(o), who, now) for o in batch],
            )
        return len(batch)

    # --- rows -------------------------------------------------------------------------------
    async def _insert(self, conn: aiosqlite.Connection, orgs: Sequence[Organization]) -> None:
        await conn.executemany(
            "INSERT INTO organizations (id, name, acronym, kind, parent_id, worldwide, city, "
            "website, "
            "founded, members, members_as_of, wiego_relation, sources, verified_at, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [_row(o) for o in orgs],
        )
        nums = await self._nums(conn, [o.id for o in orgs])
        await self._insert_children(conn, [(nums[o.id], o) for o in orgs])

    async def _nums(self, conn: aiosqlite.Connection, ids: Sequence[str]) -> dict[str, int]:
        out: dict[str, int] = {}
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ",".join("?" * len(chunk))
            async with conn.execute(
                f"SELECT id, num FROM organizations WHERE id IN ({marks})",  # noqa: S608
                chunk,
            ) as cur:
                out.update({r[0]: r[1] for r in await cur.fetchall()})
        return out

    async def _write_row(self, conn: aiosqlite.Connection, org: Organization) -> int:
        await conn.execute(
            "UPDATE organizations SET name = ?, acronym = ?, kind = ?, parent_id = ?, "
            "worldwide = ?, city = ?, website = ?, founded = ?, members = ?, members_as_of = ?, "
            "wiego_relation = ?, "
            "sources = ?, verified_at = ?, updated_at = ? WHERE id = ?",
            (*_row(org)[1:], org.id),
        )
        return int((await self._nums(conn, [org.id]))[org.id])

    async def _write_children(
        self, conn: aiosqlite.Connection, num: int, org: Organization, fresh: bool = False
    ) -> None:
        if not fresh:
            for table in (
                "org_sectors",
                "org_facets",
                "org_countries",
                "org_regions",
                "org_languages",
                "org_summaries",
                "org_details",
            ):
                await conn.execute(f"DELETE FROM {table} WHERE org_num = ?", (num,))  # noqa: S608 - only placeholders and fixed SQL are interpolated
        await self._insert_children(conn, [(num, org)])

    async def _insert_children(
        self, conn: aiosqlite.Connection, orgs: Sequence[tuple[int, Organization]]
    ) -> None:
        """The child rows of many organizations: one statement per table, not per organization."""
        await conn.executemany(
            "INSERT OR IGNORE INTO org_sectors (sector, scope, org_num) VALUES (?, ?, ?)",
            [(s, _SCOPE[o.kind], num) for num, o in orgs for s in o.sectors],
        )
        await conn.executemany(
            "INSERT OR IGNORE INTO org_facets (sector, country, scope, org_num) "
            "VALUES (?, ?, ?, ?)",
            [
                (s, c, 0, num)
                for num, o in orgs
                if _SCOPE[o.kind] == 0
                for s in o.sectors
                for c in o.countries
            ],
        )
        await conn.executemany(
            "INSERT OR IGNORE INTO org_countries (country, scope, org_num, pos) "
            "VALUES (?, ?, ?, ?)",
            [(c, _SCOPE[o.kind], num, i) for num, o in orgs for i, c in enumerate(o.countries)],
        )
        await conn.executemany(
            "INSERT OR IGNORE INTO org_regions (region, scope, org_num, pos) VALUES (?, ?, ?, ?)",
            [(r, _SCOPE[o.kind], num, i) for num, o in orgs for i, r in enumerate(o.regions)],
        )
        await conn.executemany(
            "INSERT OR IGNORE INTO org_languages (org_num, lang, pos) VALUES (?, ?, ?)",
            [(num, lang, i) for num, o in orgs for i, lang in enumerate(o.languages)],
        )
        await conn.executemany(
            "INSERT OR REPLACE INTO org_summaries (org_num, lang, text) VALUES (?, ?, ?)",
            [(num, lang, text) for num, o in orgs for lang, text in o.summaries if text],
        )
        await conn.executemany(
            "INSERT OR REPLACE INTO org_details (org_num, key, value) VALUES (?, ?, ?)",
            [(num, key, value) for num, o in orgs for key, value in o.details if value],
        )


def _from_row(r: aiosqlite.Row) -> Organization:
    return Organization(
        id=r["id"],
        name=r["name"],
        acronym=r["acronym"],
        kind=r["kind"],
        parent=r["parent_id"],
        sectors=decode("sectors", r["sectors"]),
        countries=decode("countries", r["countries"]),
        regions=decode("regions", r["regions"]),
        city=r["city"],
        website=r["website"],
        languages=decode("languages", r["languages"]),
        founded=r["founded"],
        members=r["members"],
        members_as_of=r["members_as_of"],
        wiego_relation=r["wiego_relation"],
        sources=r["sources"],
        summaries=decode("summaries", r["summaries"]),
        details=decode("details", r["details"]),
        verified_at=r["verified_at"],
        updated_at=r["updated_at"],
    )


def _row(org: Organization) -> tuple[Any, ...]:
    return (
        org.id,
        org.name,
        org.acronym,
        org.kind,
        org.parent,
        int(org.worldwide),
        org.city,
        org.website,
        org.founded,
        org.members,
        org.members_as_of,
        org.wiego_relation,
        org.sources,
        org.verified_at,
        org.updated_at,
    )


def _snapshot(org: Organization) -> str:
    # Same JSON as dataclasses.asdict (tuples become lists) without its deep copies.
    data: dict[str, Any] = {f.name: getattr(org, f.name) for f in _SNAPSHOT_FIELDS}
    data["summaries"] = dict(org.summaries)
    data["details"] = dict(org.details)
    return json.dumps(data, ensure_ascii=False, sort_keys=True)


def _in_order(rows: Sequence[Any], nums: Sequence[int]) -> list[Organization]:
    """The rows' organizations in the order of `nums` (those that still exist)."""
    by_num = {r["num"]: _from_row(r) for r in rows}
    return [by_num[n] for n in nums if n in by_num]
