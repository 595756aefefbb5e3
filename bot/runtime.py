"""Running the bot for real: polling or webhook, until SIGINT/SIGTERM."""

from __future__ import annotations

import asyncio
import logging
import signal

from telegram import Update

from bot.app import build_application, set_command_menus
from bot.context import Services

log = logging.getLogger(__name__)


async def run_bot(services: Services) -> None:
    """Serve updates until a stop signal; the database is closed by the caller."""
    config = services.config
    app = build_application(services)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    async with app:
        await set_command_menus(app)
        updater = app.updater
        assert updater is not None
        if config.webhook_url:
            await updater.start_webhook(
                listen="0.0.0.0",  # noqa: S104 - the webhook must be reachable by Telegram
                port=config.webhook_port,
                url_path="telegram",
                webhook_url=config.webhook_url,
                secret_token=config.webhook_secret,
                allowed_updates=Update.ALL_TYPES,
            )
        else:
            await updater.start_polling(allowed_updates=Update.ALL_TYPES)
        await app.start()
        log.info("bot started (%s)", config.mode)
        await stop.wait()
        log.info("stopping: finishing the updates in hand")
        await updater.stop()
        await app.stop()
