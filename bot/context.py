"""A typed callback context: services and the user's translator, no string-keyed lookups."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from telegram import Update
from telegram.ext import Application, CallbackContext, ExtBot

from bot.config import Config
from bot.flood import FloodControl
from bot.flow.state import PendingStore
from bot.i18n import Catalogs, Translator
from bot.ratelimit import DeliverySettings
from directory.chat_memory import ChatMemory
from directory.claims import Claims
from directory.conversations import Conversations
from directory.db import Database
from directory.listings import Listings
from directory.nearby import NearbyOrganizations
from directory.outbox import Outbox
from directory.policy.answer import PolicyEngine
from directory.policy.feedback import PolicyFeedback
from directory.policy.followup import Subjects
from directory.policy.live import live_engine
from directory.referrals import Referrals
from directory.saved_searches import SavedSearches
from directory.search import Directory
from directory.seed import load_seed
from directory.subscriptions import Subscriptions
from directory.users import Users

if TYPE_CHECKING:
    from telegram.ext import JobQueue

log = logging.getLogger(__name__)


@dataclass
class Services:
    """Everything a handler may call, built once at start by `main.py`."""

    config: Config
    db: Database
    catalogs: Catalogs
    users: Users = field(init=False)
    flood: FloodControl = field(init=False)
    listings: Listings = field(init=False)
    subscriptions: Subscriptions = field(init=False)
    outbox: Outbox = field(init=False)
    delivery: DeliverySettings = field(init=False)
    directory: Directory = field(init=False)
    policy: PolicyEngine = field(init=False)
    subjects: Subjects = field(default_factory=Subjects)  # each chat's last subject, for follow-ups
    # each chat's language, from its last message clearly in one we read (short ones keep it)
    chat_languages: ChatMemory[str] = field(default_factory=ChatMemory)
    referrals: Referrals = field(init=False)
    nearby: NearbyOrganizations = field(init=False)
    feedback: PolicyFeedback = field(init=False)
    saved_searches: SavedSearches = field(init=False)
    pending: PendingStore = field(init=False)
    claims: Claims = field(init=False)

    def __post_init__(self) -> None:
        self.users = Users(self.db)
        self.listings = Listings(self.db)
        self.subscriptions = Subscriptions(self.db)
        self.outbox = Outbox(self.db)
        self.delivery = DeliverySettings(
            rate=self.config.broadcast_rate, lease_ttl=self.config.broadcast_lease
        )
        self.flood = FloodControl(self.config.flood_per_minute, float(self.config.flood_cooldown))
        self.directory = Directory(self.db)
        self.policy = live_engine(self.db, self.directory)  # reloads itself after each edit
        self.referrals = Referrals(self.directory)
        self.nearby = NearbyOrganizations(self.directory, self.referrals)
        self.feedback = PolicyFeedback(self.db)
        self.saved_searches = SavedSearches(self.db)
        self.claims = Claims(self.db)
        self.pending = PendingStore(Conversations(self.db), self.claims)

    def is_admin(self, user_id: int | None) -> bool:
        return user_id is not None and user_id in self.config.admins

    async def load(self) -> None:
        """Seed the directory and the policy (idempotent), compile the matcher, read the
        conversations in progress, tidy up."""
        await load_seed(self.db)
        await self.policy.load()
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

    async def is_editor(self, user_id: int) -> bool:
        """Whether the user edits some listing."""
        return await self.listings.is_editor_anywhere(user_id)


StartPayloadHandler = Callable[[Update, "BotContext", str], Awaitable[bool]]


class BotData:
    """`application.bot_data`: holds the services (PTB builds it with no arguments)."""

    def __init__(self) -> None:
        self._services: Services | None = None
        # /start deep-link payloads: "org" for org_<id>, "claim" for claim_<token>, ...
        self.start_payloads: dict[str, StartPayloadHandler] = {}
        # filled once the handlers are registered; /help lists only what exists
        self.registered_commands: frozenset[str] = frozenset()
        # background services (e.g. the broadcast worker) started after the bot, stopped before
        self.on_start: list[Callable[[Any], Awaitable[None]]] = []
        self.on_stop: list[Callable[[Any], Awaitable[None]]] = []
        # called after every processed update (the health endpoint watches it)
        self.on_processed: Callable[[], None] = lambda: None
        # guarded steps (bot.flow.steps): commands by name (private-chat deep links), and the
        # step that takes a conversation's next message, by the conversation's kind
        self.command_routes: dict[str, Any] = {}
        self.text_routes: dict[type, Any] = {}
        # the terminal chat delivers nothing: broadcasts wait in this database for `main.py run`
        self.offline_database: str | None = None

    def attach(self, services: Services) -> None:
        self._services = services

    @property
    def services(self) -> Services:
        if self._services is None:
            raise RuntimeError("services were not attached to the application")
        return self._services


class BotContext(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], BotData]):
    """Carries the translator resolved for this update's user."""

    def __init__(
        self,
        application: Application[Any, Any, Any, Any, Any, JobQueue[Any]],
        chat_id: int | None = None,
        user_id: int | None = None,
    ) -> None:
        super().__init__(application=application, chat_id=chat_id, user_id=user_id)
        self._translator: Translator | None = None

    @property
    def services(self) -> Services:
        return self.bot_data.services

    @property
    def t(self) -> Translator:
        """The translator for this update (the default locale before resolution)."""
        if self._translator is None:
            self._translator = self.services.catalogs.translator(None)
        return self._translator

    def use_locale(self, code: str) -> None:
        self._translator = self.services.catalogs.translator(code)

    @property
    def is_admin(self) -> bool:
        return self.services.is_admin(self._user_id)
