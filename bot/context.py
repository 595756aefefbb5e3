"""A typed callback context: services and the user's translator, no string-keyed lookups."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from telegram import Update
from telegram.ext import Application, CallbackContext, ExtBot

from bot.i18n import Translator
from bot.services import Services

__all__ = ["BotContext", "BotData", "Services", "StartPayloadHandler"]

if TYPE_CHECKING:
    from telegram.ext import JobQueue

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
