"""Builds the `Application`: handlers registered in one explicit, commented order."""

from __future__ import annotations

import logging
from typing import Any

from babel import Locale
from telegram import BotCommand, BotCommandScopeChat
from telegram.error import TelegramError
from telegram.ext import Application, CommandHandler, ContextTypes, Defaults
from telegram.request import BaseRequest

from bot.commands import visible_to
from bot.context import BotContext, BotData, Services
from bot.flow.steps import LOCALE_GROUP
from bot.handlers import ask, basics, errors
from bot.instrument import instrument
from bot.ratelimit import PriorityRateLimiter

log = logging.getLogger(__name__)

WiegoApp = Application[Any, BotContext, dict[Any, Any], dict[Any, Any], BotData, Any]


CONNECTION_POOL = 64


def build_application(
    services: Services,
    *,
    token: str | None = None,
    request: BaseRequest | None = None,
    concurrent_updates: int = 32,
) -> WiegoApp:
    """The bot, ready to `initialize()`; `request` replaces HTTP (the terminal chat)."""
    builder = (
        Application.builder()
        .token(token or services.config.require_token())
        .base_url(services.config.api_base_url)
        .context_types(ContextTypes(context=BotContext, bot_data=BotData))
        .defaults(Defaults(disable_notification=False))
        .concurrent_updates(concurrent_updates)
        # answers first, broadcasts in the leftover capacity; a 429 never halts the answers
        .rate_limiter(PriorityRateLimiter(services.delivery))
    )
    if request is not None:
        builder = builder.request(request).get_updates_request(request).updater(None)
    else:
        # enough connections for the updates in flight, their "typing…" and the broadcast's 8;
        # PTB's 256 makes httpcore scan every idle connection for each queued request
        builder = builder.connection_pool_size(CONNECTION_POOL)
    app: WiegoApp = builder.build()
    app.bot_data.attach(services)
    register_handlers(app)
    return app


def register_handlers(app: WiegoApp) -> None:
    # group -2: resolve the user's locale for this update (every handler below relies on it)
    # group -1: a message that continues the person's conversation goes to that step, and stops
    # group 0, in order: commands and buttons of each feature, then free text, then fallbacks
    basics.register(app)
    for feature in _features():
        feature.register(app)
    ask.register_free_text(app)  # any other private text is a question
    basics.register_fallbacks(app)
    app.add_error_handler(errors.on_error)
    for group, handlers in app.handlers.items():
        if group > LOCALE_GROUP:
            for handler in handlers:
                instrument(handler)
    app.bot_data.registered_commands = frozenset(
        command
        for handlers in app.handlers.values()
        for handler in handlers
        if isinstance(handler, CommandHandler)
        for command in handler.commands
    )


def _features() -> list[Any]:
    """Feature modules in registration order (their handlers must not shadow each other)."""
    from bot.handlers import FEATURES

    return list(FEATURES)


async def start_background(app: WiegoApp) -> None:
    """After `app.start()`: whatever features registered to run beside the handlers."""
    for hook in app.bot_data.on_start:
        await hook(app)


async def stop_background(app: WiegoApp) -> None:
    """Before `app.stop()`, in reverse order of starting."""
    for hook in reversed(app.bot_data.on_stop):
        await hook(app)


async def set_command_menus(app: WiegoApp) -> None:
    """The command menu in every supported language, the default, and the admins' own."""
    services = app.bot_data.services
    catalogs = services.catalogs
    registered = app.bot_data.registered_commands
    everyone = visible_to(admin=False, editor=False, registered=registered)
    seen: set[str] = set()
    for info in catalogs.ordered():
        language = Locale.parse(info.code).language
        if language in seen:
            continue
        seen.add(language)
        t = catalogs.translator(info.code)
        await app.bot.set_my_commands(
            [BotCommand(c.name, t._(c.description)) for c in everyone], language_code=language
        )
    t = catalogs.translator(None)
    await app.bot.set_my_commands([BotCommand(c.name, t._(c.description)) for c in everyone])
    admin_commands = visible_to(admin=True, editor=True, registered=registered)
    for admin_id in services.config.admins:
        try:
            await app.bot.set_my_commands(
                [BotCommand(c.name, t._(c.description)) for c in admin_commands],
                scope=BotCommandScopeChat(admin_id),
            )
        except TelegramError as exc:  # the admin has not opened a chat with the bot yet
            log.info("admin menu not set for one admin: %s", type(exc).__name__)
