"""Listing self-service: invitations, editors, validated field edits, reverts and freshness.

An admin invites an organization with a one-time link; whoever opens it first becomes an
editor of that listing. Editors change one field at a time: `parse_field` validates what they
typed (URLs, countries and languages named in any supported language or by code, sectors from
the vocabulary, years, member counts with their date, summaries per language) into an `Edit`,
and `Listings.apply` writes it through `Organizations` so every change lands in the history,
checking the editor's right inside the same transaction. Nothing here speaks to users: errors
are `FieldError` codes the bot words in the user's language.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from enum import Enum
from functools import cache
from typing import Any, Literal

import aiosqlite
import babel

from directory import gate
from directory.db import Database
from directory.organizations import (
    EDITABLE_FIELDS,
    PERSON_PREFIX,
    SUMMARY_LANGS,
    WORLDWIDE,
    Change,
    Organization,
    Organizations,
    decode,
)
from directory.places import DEFAULT_LOCALES, gazetteer
from directory.sectors import parse_sector
from directory.text import normalize

INVITE_DAYS = 7
STALE_DAYS = 180
REMIND_EVERY_DAYS = 30
TOKEN_BYTES = 24  # secrets.token_urlsafe(24): 192 bits, 32 characters
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{32}$")
_SPLIT = re.compile(r"[,;\n]+")
CLEAR = "-"
MIN_YEAR = 1800
MAX_LIST_ITEMS = 60
_CLEARED: Mapping[str, Any] = {"members": ("", ""), "year": None, "languages": ()}

FieldKind = Literal["text", "url", "countries", "languages", "sectors", "year", "members", "summary"]


@dataclass(frozen=True)
class FieldSpec:
    """One field an editor may change: how it is parsed and how long it may be."""

    key: str  # stable id, safe in callback data
    kind: FieldKind
    max_len: int = 200
    clearable: bool = True
    lang: str = ""  # summaries only


FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("name", "text", 200, clearable=False),
    FieldSpec("acronym", "text", 30),
    FieldSpec("website", "url", 300),
    FieldSpec("city", "text", 100),
    FieldSpec("countries", "countries", clearable=False),
    FieldSpec("languages", "languages"),
    FieldSpec("sectors", "sectors", clearable=False),
    FieldSpec("founded", "year"),
    FieldSpec("members", "members", 200),
    *(FieldSpec(f"summary_{lang}", "summary", 1000, lang=lang) for lang in SUMMARY_LANGS),
)
FIELDS_BY_KEY: Mapping[str, FieldSpec] = {f.key: f for f in FIELDS}


# The text gate's error: a code and parameters the bot words in the user's language.
FieldError = gate.InputError


class NotEditor(PermissionError):
    """The person no longer edits this listing (or never did)."""


@dataclass(frozen=True)
class Edit:
    """A validated new value for one field (`None`/empty means cleared)."""

    field: str
    value: Any  # str | int | None | tuple[str, ...] | tuple[members, as_of]

    def apply_to(self, org: Organization) -> Organization:
        spec = FIELDS_BY_KEY[self.field]
        if spec.kind == "summary":
            summaries = dict(org.summaries)
            if self.value:
                summaries[spec.lang] = self.value
            else:
                summaries.pop(spec.lang, None)
            return replace(org, summaries=tuple(sorted(summaries.items())))
        if spec.kind == "members":
            members, as_of = self.value
            return replace(org, members=members, members_as_of=as_of)
        return replace(org, **{self.field: self.value})


def field_value(org: Organization, key: str) -> Any:
    """The field's current value, shaped like `Edit.value`."""
    spec = FIELDS_BY_KEY[key]
    if spec.kind == "summary":
        return dict(org.summaries).get(spec.lang, "")
    if spec.kind == "members":
        return (org.members, org.members_as_of)
    return getattr(org, key)


# --- parsing ------------------------------------------------------------------------------
def _today() -> date:
    return datetime.now(UTC).date()


def clean_text(raw: str, max_len: int, *, multiline: bool = False) -> str:
    """The text gate (`directory.gate.field`): NFC, no control or stray invisible characters,
    at most `max_len` characters. Emoji, right-to-left text and the joiners they need stay."""
    return gate.field(raw, max_len, multiline=multiline)


def parse_url(raw: str) -> str:
    return gate.parse_url(raw)


def _items(raw: str) -> list[str]:
    return [p.strip() for p in _SPLIT.split(raw) if p.strip()]


@cache
def _country_names() -> dict[str, str]:
    """Normalized country name (CLDR, every supported language) or code → ISO code."""
    known = gazetteer().countries
    table: dict[str, str] = {}
    for locale in DEFAULT_LOCALES:
        for code, name in babel.Locale.parse(locale).territories.items():
            if code in known:
                table.setdefault(normalize(name), code)
    for code in known:
        table[normalize(code)] = code
    return table


def parse_country(item: str) -> str | None:
    if item.strip() == WORLDWIDE:
        return WORLDWIDE
    key = normalize(item)
    found = _country_names().get(key)
    if found is not None or len(key) < 3:
        return found
    places = [p for p in gazetteer().find(item) if p.kind == "country"]
    return places[0].code if len(places) == 1 else None


@cache
def _language_names() -> dict[str, str]:
    """Normalized language name (CLDR, every supported language) or code → language code."""
    codes = [str(c) for c in babel.Locale("en").languages if "_" not in str(c)]
    table: dict[str, str] = {}
    for locale in DEFAULT_LOCALES:
        names = {str(k): str(v) for k, v in babel.Locale.parse(locale).languages.items()}
        for code in codes:
            if code in names:
                table.setdefault(normalize(names[code]), code)
    for code in codes:
        table[normalize(code)] = code
    return table


def parse_language(item: str) -> str | None:
    return _language_names().get(normalize(item))


def _parse_list(raw: str, one: Any, error: str) -> tuple[str, ...]:
    items = _items(raw)
    if not items:
        raise FieldError("empty")
    if len(items) > MAX_LIST_ITEMS:
        raise FieldError("too_many", limit=MAX_LIST_ITEMS)
    found: list[str] = []
    unknown: list[str] = []
    for item in items:
        value = one(item)
        if value is None:
            unknown.append(item[:40])
        elif value not in found:
            found.append(value)
    if unknown:
        raise FieldError(error, items=", ".join(unknown))
    return tuple(found)


def parse_year(raw: str, today: date) -> int:
    return gate.parse_year(raw, today, earliest=MIN_YEAR)


def parse_as_of(raw: str, today: date) -> str:
    return gate.parse_date(raw, today)


def parse_members(raw: str, max_len: int, today: date) -> tuple[str, str]:
    """ "2,000 waste pickers; 2024-03" → (members, as of); without a date, as of this month."""
    text, sep, when = raw.rpartition(";")
    if not sep:
        text, when = raw, ""
    members = clean_text(text, max_len)
    if not members:
        raise FieldError("empty")
    as_of = parse_as_of(when, today) if when.strip() else today.strftime("%Y-%m")
    return members, as_of


def parse_field(key: str, raw: str, today: date | None = None) -> Edit:
    """Validate what an editor typed for field `key`; raises `FieldError`."""
    spec = FIELDS_BY_KEY.get(key)
    if spec is None:
        raise FieldError("unknown_field")
    today = today or _today()
    if raw.strip() == CLEAR:
        if not spec.clearable:
            raise FieldError("required")
        return Edit(key, _CLEARED.get(spec.kind, ""))
    if spec.kind in ("text", "summary"):
        value = clean_text(raw, spec.max_len, multiline=spec.kind == "summary")
        if not value:
            raise FieldError("empty")
        return Edit(key, value)
    if spec.kind == "url":
        return Edit(key, parse_url(raw))
    if spec.kind == "countries":
        countries = _parse_list(raw, parse_country, "unknown_countries")
        if WORLDWIDE in countries and len(countries) > 1:
            countries = (WORLDWIDE,)
        return Edit(key, countries)
    if spec.kind == "languages":
        return Edit(key, _parse_list(raw, parse_language, "unknown_languages"))
    if spec.kind == "sectors":
        return Edit(key, _parse_list(raw, parse_sector, "unknown_sectors"))
    if spec.kind == "year":
        return Edit(key, parse_year(raw, today))
    return Edit(key, parse_members(raw, spec.max_len, today))


# --- invitations ----------------------------------------------------------------------------
class ClaimResult(Enum):
    CLAIMED = "claimed"
    ALREADY_EDITOR = "already_editor"
    USED = "used"
    EXPIRED = "expired"
    INVALID = "invalid"


@dataclass(frozen=True)
class Claim:
    result: ClaimResult
    org_id: str | None = None


@dataclass(frozen=True)
class Invite:
    token: str  # shown once, in the link; only its hash is stored
    org_id: str
    expires_at: str


@dataclass(frozen=True)
class Reminder:
    org_id: str
    org_name: str
    user_id: int
    locale: str | None


@dataclass(frozen=True)
class Revert:
    change: Change
    changed: list[str]  # fields that changed back ([] when the value was already the old one)
    new_change_id: int | None


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _stamp(when: datetime) -> str:
    return when.astimezone(UTC).replace(microsecond=0).isoformat()


def _now(now: datetime | None) -> datetime:
    return now or datetime.now(UTC)


def who_for(user_id: int) -> str:
    """How a person appears in the history."""
    return f"{PERSON_PREFIX}{user_id}"


class Listings:
    """Repository for invitations, editors and reminders; edits go through `Organizations`."""

    def __init__(self, db: Database, organizations: Organizations | None = None) -> None:
        self._db = db
        self.organizations = organizations or Organizations(db)

    # --- organizations by number (callback data carries the short rowid) --------------------
    async def num_of(self, org_id: str) -> int | None:
        value = await self._db.fetchval("SELECT num FROM organizations WHERE id = ?", (org_id,))
        return None if value is None else int(value)

    async def id_of(self, num: int) -> str | None:
        value = await self._db.fetchval("SELECT id FROM organizations WHERE num = ?", (num,))
        return None if value is None else str(value)

    # --- invitations ------------------------------------------------------------------------
    async def create_invite(self, org_id: str, created_by: int, now: datetime | None = None) -> Invite | None:
        """A new one-time link for `org_id` (None when there is no such organization)."""
        when = _now(now)
        token = secrets.token_urlsafe(TOKEN_BYTES)
        expires = _stamp(when + timedelta(days=INVITE_DAYS))
        async with self._db.atomic() as conn:
            async with conn.execute("SELECT 1 FROM organizations WHERE id = ?", (org_id,)) as cur:
                if await cur.fetchone() is None:
                    return None
            await conn.execute(
                "INSERT INTO listing_invites (token_hash, org_id, created_by, created_at, "
                "expires_at) VALUES (?, ?, ?, ?, ?)",
                (token_hash(token), org_id, created_by, _stamp(when), expires),
            )
        return Invite(token, org_id, expires)

    async def claim(
        self, token: str, user_id: int, locale: str | None = None, now: datetime | None = None
    ) -> Claim:
        """Use the invitation: once, before it expires. The winner becomes an editor."""
        if not _TOKEN.match(token):
            return Claim(ClaimResult.INVALID)
        digest = token_hash(token)
        stamp = _stamp(_now(now))
        async with self._db.atomic() as conn:
            await conn.execute(
                "INSERT INTO users (id, locale, first_seen, last_seen) VALUES (?, NULL, ?, ?) "
                "ON CONFLICT (id) DO NOTHING",
                (user_id, stamp[:10], stamp[:10]),
            )
            async with conn.execute(
                "UPDATE listing_invites SET used_at = ?, used_by = ? "
                "WHERE token_hash = ? AND used_at IS NULL AND expires_at > ? RETURNING org_id",
                (stamp, user_id, digest, stamp),
            ) as cur:
                row = await cur.fetchone()
            if row is not None:
                await conn.execute(
                    "INSERT INTO listing_editors (user_id, org_id, locale, since) "
                    "VALUES (?, ?, ?, ?) "
                    "ON CONFLICT (user_id, org_id) DO UPDATE SET locale = excluded.locale",
                    (user_id, row[0], locale, stamp),
                )
                return Claim(ClaimResult.CLAIMED, str(row[0]))
        invite = await self._db.fetchone(
            "SELECT org_id, used_at, used_by FROM listing_invites WHERE token_hash = ?", (digest,)
        )
        if invite is None:
            return Claim(ClaimResult.INVALID)
        org_id = str(invite["org_id"])
        if invite["used_at"] is not None:
            if invite["used_by"] == user_id and await self.is_editor(user_id, org_id):
                return Claim(ClaimResult.ALREADY_EDITOR, org_id)
            return Claim(ClaimResult.USED)
        return Claim(ClaimResult.EXPIRED)

    # --- editors ----------------------------------------------------------------------------
    async def is_editor(self, user_id: int, org_id: str) -> bool:
        return (
            await self._db.fetchval(
                "SELECT 1 FROM listing_editors WHERE user_id = ? AND org_id = ?", (user_id, org_id)
            )
            is not None
        )

    async def is_editor_anywhere(self, user_id: int) -> bool:
        return (
            await self._db.fetchval("SELECT 1 FROM listing_editors WHERE user_id = ? LIMIT 1", (user_id,))
            is not None
        )

    async def listings_of(self, user_id: int) -> list[Organization]:
        """The organizations this person edits, by name."""
        rows = await self._db.fetchall(
            "SELECT o.num FROM listing_editors e JOIN organizations o ON o.id = e.org_id "
            "WHERE e.user_id = ? ORDER BY o.name COLLATE NOCASE",
            (user_id,),
        )
        return await self.organizations.by_nums([int(r[0]) for r in rows])

    async def editors_of(self, org_id: str) -> list[int]:
        rows = await self._db.fetchall(
            "SELECT user_id FROM listing_editors WHERE org_id = ? ORDER BY since", (org_id,)
        )
        return [int(r[0]) for r in rows]

    async def remove_editor(self, user_id: int, org_id: str) -> bool:
        async with self._db.atomic() as conn:
            cur = await conn.execute(
                "DELETE FROM listing_editors WHERE user_id = ? AND org_id = ?", (user_id, org_id)
            )
            return cur.rowcount > 0

    # --- edits ------------------------------------------------------------------------------
    async def _editable(self, conn: aiosqlite.Connection, org_id: str, user_id: int) -> Organization:
        """The listing, checked inside the writing transaction: the person still edits it."""
        async with conn.execute(
            "SELECT 1 FROM listing_editors WHERE user_id = ? AND org_id = ?", (user_id, org_id)
        ) as cur:
            if await cur.fetchone() is None:
                raise NotEditor(org_id)
        current = await self.organizations.get(org_id)
        if current is None:
            raise NotEditor(org_id)
        return current

    async def apply(self, org_id: str, edit: Edit, user_id: int) -> list[str]:
        """Write an editor's edit with history; the right is checked in the same transaction.

        Returns the changed field names ([] when the value was already that). Raises
        `NotEditor` when the person does not (or no longer) edit this listing.
        """
        async with self._db.atomic() as conn:
            current = await self._editable(conn, org_id, user_id)
            edited = edit.apply_to(current)
            return await self.organizations.upsert_in(conn, edited, who_for(user_id))

    async def verify(self, org_id: str, user_id: int, now: datetime | None = None) -> str:
        """The editor says the listing is still correct: `verified_at` becomes now."""
        stamp = _stamp(_now(now))
        async with self._db.atomic() as conn:
            current = await self._editable(conn, org_id, user_id)
            checked = replace(current, verified_at=stamp)
            await self.organizations.upsert_in(conn, checked, who_for(user_id))
        return stamp

    # --- history ----------------------------------------------------------------------------
    async def change(self, change_id: int) -> Change | None:
        row = await self._db.fetchone(
            "SELECT id, org_id, field, old, new, who, at FROM org_changes WHERE id = ?",
            (change_id,),
        )
        return None if row is None else Change(*tuple(row))

    async def revert(self, change_id: int, who: str) -> Revert | None:
        """Put the field back to its value before `change_id`, recorded as a new change.

        None when there is no such change; `ValueError` for a change that cannot be undone
        (the listing's creation, or a listing that no longer exists).
        """
        async with self._db.atomic() as conn:
            change = await self.change(change_id)
            if change is None:
                return None
            if change.field not in EDITABLE_FIELDS:
                raise ValueError("not revertible")
            current = await self.organizations.get(change.org_id)
            if current is None:
                raise ValueError("organization gone")
            restored = replace(current, **{change.field: decode(change.field, change.old)})
            changed = await self.organizations.upsert_in(conn, restored, who)
            new_id = None
            if changed:
                async with conn.execute(
                    "SELECT max(id) FROM org_changes WHERE org_id = ?", (change.org_id,)
                ) as cur:
                    row = await cur.fetchone()
                new_id = int(row[0]) if row and row[0] is not None else None
        return Revert(change, changed, new_id)

    async def recent_changes(self, org_id: str, limit: int = 30) -> list[Change]:
        """The latest changes to one listing, newest first."""
        rows = await self._db.fetchall(
            "SELECT id, org_id, field, old, new, who, at FROM org_changes WHERE org_id = ? "
            "ORDER BY id DESC LIMIT ?",
            (org_id, limit),
        )
        return [Change(*tuple(r)) for r in rows]

    # --- freshness --------------------------------------------------------------------------
    async def due_reminders(
        self,
        now: datetime | None = None,
        stale_days: int = STALE_DAYS,
        every_days: int = REMIND_EVERY_DAYS,
    ) -> list[Reminder]:
        """Editors of listings not verified for `stale_days`, not reminded in `every_days`."""
        when = _now(now)
        rows = await self._db.fetchall(
            "SELECT e.org_id, o.name, e.user_id, coalesce(u.locale, e.locale) AS locale "
            "FROM listing_editors e "
            "JOIN organizations o ON o.id = e.org_id "
            "JOIN users u ON u.id = e.user_id "
            "LEFT JOIN listing_reminders r ON r.org_id = e.org_id AND r.user_id = e.user_id "
            "WHERE (o.verified_at IS NULL OR o.verified_at < :stale) "
            "AND (r.sent_at IS NULL OR r.sent_at < :reminded) "
            "ORDER BY e.org_id, e.user_id",
            {
                "stale": _stamp(when - timedelta(days=stale_days)),
                "reminded": _stamp(when - timedelta(days=every_days)),
            },
        )
        return [Reminder(r["org_id"], r["name"], int(r["user_id"]), r["locale"]) for r in rows]

    async def reminded(self, org_id: str, user_id: int, now: datetime | None = None) -> None:
        async with self._db.atomic() as conn:
            await conn.execute(
                "INSERT INTO listing_reminders (org_id, user_id, sent_at) VALUES (?, ?, ?) "
                "ON CONFLICT (org_id, user_id) DO UPDATE SET sent_at = excluded.sent_at",
                (org_id, user_id, _stamp(_now(now))),
            )
