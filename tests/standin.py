"""The stand-in Telegram Bot API server: the emulator served over HTTP on loopback.

The bot under test reaches it through `TELEGRAM_API_BASE_URL` (PTB's `base_url`), exactly as
it would reach a self-hosted Bot API server.
"""

from __future__ import annotations

import json
from typing import Any

from aiohttp import web

from bot.offline import BotAPIEmulator


class StandInServer:
    def __init__(self, emulator: BotAPIEmulator | None = None) -> None:
        self.emulator = emulator or BotAPIEmulator()
        self.tokens: set[str] = set()
        self._runner: web.AppRunner | None = None
        self.port = 0

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    async def _handle(self, request: web.Request) -> web.Response:
        self.tokens.add(request.match_info["token"])
        params: dict[str, str] = dict(request.query)
        if request.can_read_body:
            if request.content_type == "application/json":
                body: Any = await request.json()
                params.update({k: v if isinstance(v, str) else json.dumps(v) for k, v in body.items()})
            else:
                form = await request.post()
                params.update({k: v for k, v in form.items() if isinstance(v, str)})
        status, payload = await self.emulator.handle(request.match_info["method"], params)
        return web.json_response(payload, status=status)

    async def start(self) -> StandInServer:
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        server = site._server
        assert server is not None
        self.port = server.sockets[0].getsockname()[1]  # type: ignore[attr-defined]
        return self

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
