"""Everything the bot needs, opened once: database (migrated, seeded), domain, catalogs.

Free of Telegram: `main.py ask` and the terminal tools build the same services without loading
python-telegram-bot; the handlers reach them through `BotContext.services`. What answering a
question needs is built at once; the rest (listings, broadcasts, conversations in progress…)
on first use, so `main.py ask` neither imports nor builds it.
"""

from __future__ import annotations

import logging
import sqlite3
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

from bot.config import Config
from bot.i18n import Catalogs
from directory.chat_memory import ChatMemory
from directory.db import Database
from directory.policy.answer import PolicyEngine
from directory.policy.feedback import PolicyFeedback
from directory.policy.followup import Subjects
from directory.policy.live import live_engine
from directory.referrals import Referrals
from directory.saved_searches import SavedSearches
from directory.search import Directory
from directory.seed import load_seed

if TYPE_CHECKING:
    from bot.delivery_settings import DeliverySettings
    from bot.flood import FloodControl
    from bot.flow.state import PendingStore
    from directory.claims import Claims
    from directory.listings import Listings
    from directory.nearby import NearbyOrganizations
    from directory.outbox import Outbox
    from directory.subscriptions import Subscriptions
    from directory.users import Users

log = logging.getLogger(__name__)


@dataclass
class Services:
    """Everything a handler may call, built once at start by `main.py`."""

    config: Config
    db: Database
    catalogs: Catalogs
    directory: Directory = field(init=False)
    policy: PolicyEngine = field(init=False)
    subjects: Subjects = field(default_factory=Subjects)  # each chat's last subject, for follow-ups
    # each chat's language, from its last message clearly in one we read (short ones keep it)
    chat_languages: ChatMemory[str] = field(default_factory=ChatMemory)
    referrals: Referrals = field(init=False)
    feedback: PolicyFeedback = field(init=False)
    saved_searches: SavedSearches = field(init=False)

    def __post_init__(self) -> None:
        self.directory = Directory(self.db)
        self.policy = live_engine(self.db, self.directory)  # reloads itself after each edit
        self.referrals = Referrals(self.directory)
        self.feedback = PolicyFeedback(self.db)
        self.saved_searches = SavedSearches(self.db)

    # --- built on first use -------------------------------------------------------------
    @cached_property
    def users(self) -> Users:
        from directory.users import Users

        return Users(self.db)

    @cached_property
    def listings(self) -> Listings:
        from directory.listings import Listings

        return Listings(self.db)

    @cached_property
    def subscriptions(self) -> Subscriptions:
        from directory.subscriptions import Subscriptions

        return Subscriptions(self.db)

    @cached_property
    def outbox(self) -> Outbox:
        from directory.outbox import Outbox

        return Outbox(self.db)

    @cached_property
    def delivery(self) -> DeliverySettings:
        from bot.delivery_settings import DeliverySettings

        return DeliverySettings(rate=self.config.broadcast_rate, lease_ttl=self.config.broadcast_lease)

    @cached_property
    def flood(self) -> FloodControl:
        from bot.flood import FloodControl

        return FloodControl(self.config.flood_per_minute, float(self.config.flood_cooldown))

    @cached_property
    def nearby(self) -> NearbyOrganizations:
        from directory.nearby import NearbyOrganizations

        return NearbyOrganizations(self.directory, self.referrals)

    @cached_property
    def claims(self) -> Claims:
        from directory.claims import Claims

        return Claims(self.db)

    @cached_property
    def pending(self) -> PendingStore:
        from bot.flow.state import PendingStore
        from directory.conversations import Conversations

        return PendingStore(Conversations(self.db), self.claims)

    def is_admin(self, user_id: int | None) -> bool:
        return user_id is not None and user_id in self.config.admins

    async def load(self, *, chats: bool = True) -> None:
        """Seed the directory and the policy (idempotent), compile the matcher; for a bot that
        takes chats (not `main.py ask`), read the conversations in progress and tidy up."""
        await load_seed(self.db)
        await self.policy.load()
        if not chats:
            return
        await self.pending.load()
        for tidy in (self.saved_searches.purge, self.claims.purge):
            try:  # tidying up can wait for the next start (another process may hold the lock)
                await tidy()
            except sqlite3.OperationalError as exc:
                log.warning("%s not done: %s", tidy.__qualname__, exc)

    async def directory_size(self) -> int:
        """How many organizations the directory holds (for the startup line)."""
        return await self.listings.organizations.count()

    async def close(self) -> None:
        await self.db.close()

    async def choose_language(self, user_id: int, chat_id: int | None, code: str) -> None:
        """A person's language choice (/language, its buttons, "keep Español"): saved, and the
        chat's language from then on, so a short "ok" after "/language english" is answered in
        English, not in the language of the chat's earlier messages."""
        await self.users.set_locale(user_id, code)
        if chat_id is not None:
            self.chat_languages.remember(chat_id, code)

    async def is_editor(self, user_id: int) -> bool:
        """Whether the user edits some listing."""
        return await self.listings.is_editor_anywhere(user_id)


async def open_services(config: Config, catalogs: Catalogs, *, chats: bool = True) -> Services:
    """The services over the configured database; `chats=False` for answering questions only
    (see `Services.load`)."""
    db = await Database.open(config.db_path)
    try:
        services = Services(config=config, db=db, catalogs=catalogs)
        await services.load(chats=chats)
    except BaseException:
        await db.close()
        raise
    return services
