"""Listing self-service: invitations, editors, edits with history, reverts and freshness.

An admin invites an organization with a one-time link; whoever opens it first becomes an
editor of that listing, until an admin removes them (an open invitation can be withdrawn).
Editors change one field at a time (`directory.listing_fields` validates what they typed) and
`Listings.apply` writes it through `Organizations`, so every change lands in the history,
checking inside the same transaction that the person still edits the listing and that nobody
changed the field since they saw it. Editors joining and leaving are in the history too.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from enum import Enum
from typing import Any

import aiosqlite

from directory.db import Database
from directory.listing_fields import Edit, field_value, restore
from directory.organizations import (
    EDITOR_FIELD,
    INVITATION_FIELD,
    PERSON_PREFIX,
    Change,
    Organization,
    Organizations,
    record_change,
)
from directory.outcomes import ChangedMeanwhile
from directory.users import ensure_user_in

INVITE_DAYS = 7
STALE_DAYS = 180
REMIND_EVERY_DAYS = 30
TOKEN_BYTES = 24  # secrets.token_urlsafe(24): 192 bits, 32 characters
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{32}$")
_UNSEEN: Any = object()


class NotEditor(PermissionError):
    """The person no longer edits this listing (or never did)."""


# --- invitations ----------------------------------------------------------------------------
class ClaimResult(Enum):
    CLAIMED = "claimed"
    ALREADY_EDITOR = "already_editor"
    USED = "used"
    EXPIRED = "expired"
    REVOKED = "revoked"
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
class OpenInvite:
    """An invitation nobody has used yet (its token is not stored, only its number)."""

    id: int
    created_by: int
    created_at: str
    expires_at: str


@dataclass(frozen=True)
class Editor:
    user_id: int
    since: str


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
        """Use the invitation: once, before it expires or is withdrawn. The winner becomes an
        editor (recorded in the listing's history)."""
        if not _TOKEN.match(token):
            return Claim(ClaimResult.INVALID)
        digest = token_hash(token)
        stamp = _stamp(_now(now))
        async with self._db.atomic() as conn:
            await ensure_user_in(conn, user_id)
            async with conn.execute(
                "UPDATE listing_invites SET used_at = ?, used_by = ? WHERE token_hash = ? "
                "AND used_at IS NULL AND revoked_at IS NULL AND expires_at > ? RETURNING org_id",
                (stamp, user_id, digest, stamp),
            ) as cur:
                row = await cur.fetchone()
            if row is not None:
                org_id = str(row[0])
                cursor = await conn.execute(
                    "INSERT INTO listing_editors (user_id, org_id, locale, since) VALUES (?, ?, ?, ?) "
                    "ON CONFLICT (user_id, org_id) DO NOTHING",
                    (user_id, org_id, locale, stamp),
                )
                if cursor.rowcount == 1:
                    who = who_for(user_id)
                    await record_change(conn, org_id, EDITOR_FIELD, None, who, who, stamp)
                else:
                    await conn.execute(
                        "UPDATE listing_editors SET locale = ? WHERE user_id = ? AND org_id = ?",
                        (locale, user_id, org_id),
                    )
                return Claim(ClaimResult.CLAIMED, org_id)
        invite = await self._db.fetchone(
            "SELECT org_id, used_at, used_by, revoked_at FROM listing_invites WHERE token_hash = ?",
            (digest,),
        )
        if invite is None:
            return Claim(ClaimResult.INVALID)
        org_id = str(invite["org_id"])
        if invite["used_at"] is not None:
            if invite["used_by"] == user_id and await self.is_editor(user_id, org_id):
                return Claim(ClaimResult.ALREADY_EDITOR, org_id)
            return Claim(ClaimResult.USED)
        return Claim(ClaimResult.REVOKED if invite["revoked_at"] else ClaimResult.EXPIRED)

    async def open_invites(self, org_id: str, now: datetime | None = None) -> list[OpenInvite]:
        """Invitations to `org_id` that could still be used, oldest first."""
        rows = await self._db.fetchall(
            "SELECT id, created_by, created_at, expires_at FROM listing_invites WHERE org_id = ? "
            "AND used_at IS NULL AND revoked_at IS NULL AND expires_at > ? ORDER BY id",
            (org_id, _stamp(_now(now))),
        )
        return [OpenInvite(int(r[0]), int(r[1]), str(r[2]), str(r[3])) for r in rows]

    async def revoke_invite(self, org_id: str, invite_id: int, who: str) -> bool:
        """Withdraw an unused invitation (recorded in the history); False if there is none."""
        stamp = _stamp(_now(None))
        async with self._db.atomic() as conn:
            cursor = await conn.execute(
                "UPDATE listing_invites SET revoked_at = ? WHERE id = ? AND org_id = ? "
                "AND used_at IS NULL AND revoked_at IS NULL",
                (stamp, invite_id, org_id),
            )
            if cursor.rowcount == 0:
                return False
            await record_change(conn, org_id, INVITATION_FIELD, f"#{invite_id}", None, who, stamp)
        return True

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

    async def editors_of(self, org_id: str) -> list[Editor]:
        rows = await self._db.fetchall(
            "SELECT user_id, since FROM listing_editors WHERE org_id = ? ORDER BY since, user_id",
            (org_id,),
        )
        return [Editor(int(r[0]), str(r[1])) for r in rows]

    async def remove_editor(self, org_id: str, user_id: int, who: str) -> bool:
        """Take away the right to edit (recorded in the history); False if they had none."""
        stamp = _stamp(_now(None))
        async with self._db.atomic() as conn:
            cursor = await conn.execute(
                "DELETE FROM listing_editors WHERE user_id = ? AND org_id = ?", (user_id, org_id)
            )
            if cursor.rowcount == 0:
                return False
            await record_change(conn, org_id, EDITOR_FIELD, who_for(user_id), None, who, stamp)
        return True

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

    async def apply(self, org_id: str, edit: Edit, user_id: int, expected: Any = _UNSEEN) -> list[str]:
        """Write an editor's edit with history; the right is checked in the same transaction.

        `expected` is the field's value when the editor saw it: if someone changed it since,
        `ChangedMeanwhile` carries the listing as it is now and nothing is written. Returns the
        changed field names ([] when the value was already that). Raises `NotEditor` when the
        person does not (or no longer) edit this listing.
        """
        async with self._db.atomic() as conn:
            current = await self._editable(conn, org_id, user_id)
            if expected is not _UNSEEN and field_value(current, edit.field) != expected:
                raise ChangedMeanwhile(current)
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

    async def version(self, org_id: str) -> int:
        """The listing's version: its latest history row (changes, editors, invitations)."""
        value = await self._db.fetchval("SELECT max(id) FROM org_changes WHERE org_id = ?", (org_id,))
        return int(value or 0)

    async def revert(self, change_id: int, who: str, expected_version: int | None = None) -> Revert | None:
        """Put the field back to its value before `change_id`, recorded as a new change.

        None when there is no such change; `ValueError` for a change that cannot be undone (the
        listing's creation, an editor's arrival, a listing that no longer exists);
        `ChangedMeanwhile` (with the listing as it is now) when the listing is no longer at
        `expected_version`, the version the admin saw.
        """
        async with self._db.atomic() as conn:
            change = await self.change(change_id)
            if change is None:
                return None
            current = await self.organizations.get(change.org_id)
            if current is None:
                raise ValueError("organization gone")
            restored = restore(current, change.field, change.old)
            if expected_version is not None and await self.version(change.org_id) != expected_version:
                raise ChangedMeanwhile(current)
            changed = await self.organizations.upsert_in(conn, restored, who)
            new_id = await self.version(change.org_id) if changed else None
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
