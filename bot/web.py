"""The bot's own HTTP server: Telegram's webhook (secret checked on every request) and
`/healthz` (200 when the database answers and updates are draining, 503 otherwise).

PTB's built-in webhook server has no room for a health endpoint, so this small tornado app
(tornado comes with PTB's webhooks extra) feeds `application.update_queue` itself.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import time
from dataclasses import dataclass, field
from typing import Any

from telegram import Update
from tornado.httpserver import HTTPServer
from tornado.web import Application as TornadoApp
from tornado.web import RequestHandler

from directory.db import Database

log = logging.getLogger(__name__)

STALL_SECONDS = 30.0  # updates waiting and none processed for this long: unhealthy
DB_TIMEOUT = 2.0
MAX_BODY = 1 << 20


@dataclass
class Health:
    """What /healthz reports; `processed()` is called after every update."""

    db: Database
    queue: asyncio.Queue[Any]
    last_progress: float = field(default_factory=time.monotonic)

    def processed(self) -> None:
        self.last_progress = time.monotonic()

    async def check(self) -> tuple[bool, dict[str, Any]]:
        try:
            await asyncio.wait_for(self.db.ping(), DB_TIMEOUT)
            database = True
        except Exception:  # any failure to answer is "unhealthy", reported, not raised
            database = False
        waiting = self.queue.qsize()
        draining = waiting == 0 or time.monotonic() - self.last_progress < STALL_SECONDS
        writer = self.db.writer
        details = {
            "database": database,
            "queued_updates": waiting,
            "draining": draining,
            "writes": writer.stats.as_dict(writer.pending),  # behind the answers; never blocks them
        }
        return database and draining, details


class HealthHandler(RequestHandler):
    def initialize(self, health: Health) -> None:
        self.health = health

    async def get(self) -> None:
        ok, details = await self.health.check()
        self.set_status(200 if ok else 503)
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps({"ok": ok, **details}))


class WebhookHandler(RequestHandler):
    def initialize(self, bot_app: Any, secret: str) -> None:
        self.application_ = bot_app
        self.secret = secret

    async def post(self) -> None:
        given = self.request.headers.get("X-Telegram-Bot-Api-Secret-Token", "")
        if not hmac.compare_digest(given.encode(), self.secret.encode()):
            log.warning("webhook request refused: wrong or missing secret token")
            self.set_status(403)
            self.finish()
            return
        if len(self.request.body) > MAX_BODY:
            self.set_status(413)
            self.finish()
            return
        update = parse_update(self.request.body, self.application_.bot)
        if update is None:
            self.set_status(400)
            self.finish()
            return
        await self.application_.update_queue.put(update)
        self.set_status(200)
        self.finish()


def parse_update(body: bytes, bot: Any) -> Update | None:
    """The update in a webhook body, or None (and one info line) for anything that is not one.

    Telegram only ever sends a JSON object with an integer `update_id`; a body that is not
    that, or whose parts PTB cannot read (`"message": "x"`), is refused with 400 before it
    reaches a handler, so it can never end in a traceback.
    """
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):
        log.info("webhook request refused: the body is not JSON")
        return None
    update_id = data.get("update_id") if isinstance(data, dict) else None
    if not isinstance(update_id, int) or isinstance(update_id, bool):
        log.info("webhook request refused: the body is not an update object")
        return None
    try:
        return Update.de_json(data, bot)
    except Exception as exc:  # PTB raises whatever the malformed part provokes
        log.info("webhook request refused: update %s is malformed (%s)", update_id, type(exc).__name__)
        return None


def start_server(
    *,
    port: int,
    health: Health,
    listen: str = "0.0.0.0",  # noqa: S104 - Telegram must reach it
    webhook_path: str | None = None,
    application: Any = None,
    secret: str | None = None,
) -> HTTPServer:
    routes: list[Any] = [(r"/healthz", HealthHandler, {"health": health})]
    if webhook_path is not None:
        routes.append((webhook_path, WebhookHandler, {"bot_app": application, "secret": secret}))
    server = HTTPServer(TornadoApp(routes), max_body_size=MAX_BODY)
    server.listen(port, address=listen)
    return server
