"""What a person is in the middle of: typed, one at a time, kept in the database.

`Pending` is a `ListingEdit`, a `RuleEdit`, a broadcast `Draft` or a `FeedbackReason`. Each carries a random
`token` and a `version` bumped by every preview: a button carries both, so only the newest
preview's buttons work. `PendingStore` writes every change through to the `conversations`
table, so a restart or a deploy in the middle of an edit loses nothing and the buttons drawn
before it still work after it.
"""

from __future__ import annotations

import dataclasses
import secrets
from dataclasses import asdict, dataclass
from typing import Any

from directory.claims import Claims
from directory.conversations import Conversations


def new_token() -> str:
    return secrets.token_hex(4)


@dataclass
class ListingEdit:
    """A field of a listing being changed: what the next message is for, then its preview."""

    org_id: str
    num: int
    field: str
    token: str = dataclasses.field(default_factory=new_token)
    version: int = 0
    previewed: bool = False
    value: Any = None  # the previewed value (an `Edit`'s value)
    before: Any = None  # the field's value when the preview was drawn


@dataclass
class RuleEdit:
    """A new text for one part of a rule's answer in one language, being written."""

    rule_id: str
    lang: str
    field: str
    base_version: int  # the rule's version when the admin started
    token: str = dataclasses.field(default_factory=new_token)
    version: int = 0
    text: str | None = None


@dataclass
class Draft:
    """A broadcast being composed: texts by locale (Telegram HTML), and what comes next."""

    default_locale: str
    token: str = dataclasses.field(default_factory=new_token)
    version: int = 0
    texts: dict[str, str] = dataclasses.field(default_factory=dict)
    plain: dict[str, str] = dataclasses.field(default_factory=dict)
    awaiting: str | None = None  # the locale whose text the next message is
    changed: list[str] | None = None  # a policy update: the languages whose text changed
    everyone: bool = True  # False: only subscribers reading a changed language get it
    origin: str | None = None  # the claimed press that opened it ("tell the subscribers")

    @property
    def locales(self) -> list[str] | None:
        """Whose language gets it: None for every subscriber."""
        return None if self.everyone or self.changed is None else self.changed


@dataclass
class FeedbackReason:
    """After a 👎: the person's next message says what they were looking for (optional)."""

    vote_key: str  # the vote it completes (a hash, never the person's id)
    token: str = dataclasses.field(default_factory=new_token)
    version: int = 0


Pending = ListingEdit | RuleEdit | Draft | FeedbackReason
KINDS: dict[str, type[ListingEdit] | type[RuleEdit] | type[Draft] | type[FeedbackReason]] = {
    "listing": ListingEdit,
    "rule": RuleEdit,
    "draft": Draft,
    "reason": FeedbackReason,
}
_KIND_OF = {cls: kind for kind, cls in KINDS.items()}


def _tupled(value: Any) -> Any:
    """JSON gives lists; the domain's values are tuples (countries, a member count and date)."""
    return tuple(_tupled(v) for v in value) if isinstance(value, list) else value


def from_json(kind: str, state: dict[str, Any]) -> Pending | None:
    cls = KINDS.get(kind)
    if cls is None:
        return None
    try:
        pending = cls(**state)
    except TypeError:  # written by another version of the bot: start again
        return None
    if isinstance(pending, ListingEdit):
        pending.value, pending.before = _tupled(pending.value), _tupled(pending.before)
    return pending


class PendingStore:
    """The one way to read and write a person's conversation."""

    def __init__(self, conversations: Conversations, claims: Claims) -> None:
        self._repo = conversations
        self._claims = claims
        # Who may have a conversation: a superset (never shrinks while running), so plain
        # messages of everyone else are routed without a query.
        self._maybe: set[int] = set()

    async def load(self) -> None:
        await self._repo.purge()
        self._maybe = await self._repo.users()

    def may_have(self, user_id: int) -> bool:
        return user_id in self._maybe

    async def get(self, user_id: int) -> Pending | None:
        if user_id not in self._maybe:
            return None
        stored = await self._repo.get(user_id)
        return None if stored is None else from_json(stored.kind, stored.state)

    async def put(self, user_id: int, pending: Pending) -> None:
        self._maybe.add(user_id)
        await self._repo.put(user_id, _KIND_OF[type(pending)], asdict(pending))

    async def drop(self, user_id: int) -> bool:
        """The conversation is over (done)."""
        return await self._repo.drop(user_id) if user_id in self._maybe else False

    async def abandon(self, user_id: int) -> bool:
        """The conversation is over, undone: a draft opened by a claimed press ("tell the
        subscribers") frees that press, so it can be made again."""
        pending = await self.get(user_id)
        if isinstance(pending, Draft) and pending.origin:
            await self._claims.release(pending.origin)
        return await self.drop(user_id)
