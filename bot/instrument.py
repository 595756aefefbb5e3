"""Timing every handler: one log line per handled update (id, handler, duration), no text."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Coroutine
from functools import wraps
from typing import Any

from telegram import Update
from telegram.ext import BaseHandler, ConversationHandler

log = logging.getLogger("bot.updates")


def _timed(
    callback: Callable[..., Coroutine[Any, Any, Any]], name: str
) -> Callable[..., Coroutine[Any, Any, Any]]:
    @wraps(callback)
    async def timed(update: object, context: Any) -> Any:
        start = time.perf_counter()
        try:
            return await callback(update, context)
        finally:
            duration = round((time.perf_counter() - start) * 1000, 2)
            update_id = update.update_id if isinstance(update, Update) else None
            log.info(
                "update %s handled by %s in %.1f ms",
                update_id,
                name,
                duration,
                extra={"update_id": update_id, "handler": name, "duration_ms": duration},
            )
            context.application.bot_data.on_processed()

    timed.__instrumented__ = True  # type: ignore[attr-defined]
    return timed


def instrument(handler: BaseHandler[Any, Any, Any]) -> None:
    if isinstance(handler, ConversationHandler):
        for inner in [
            *handler.entry_points,
            *handler.fallbacks,
            *(h for hs in handler.states.values() for h in hs),
        ]:
            instrument(inner)
        return
    callback = handler.callback
    if getattr(callback, "__instrumented__", False):
        return
    name = f"{callback.__module__}.{callback.__qualname__}"
    handler.callback = _timed(callback, name)
