"""Running the bot for real: polling or webhook, health endpoint, graceful shutdown.

SIGTERM (or SIGINT): stop taking updates, finish the ones in hand, stop background workers
(the broadcast outbox is left consistent), close the database. A second signal, or 30 s
without finishing, forces the exit.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import os
import signal
from typing import Any
from urllib.parse import urlparse

from telegram import Update

from bot import __version__
from bot.app import WiegoApp, build_application, set_command_menus, start_background, stop_background
from bot.context import Services
from bot.web import Health, start_server
from directory import maintenance

log = logging.getLogger(__name__)

FORCE_EXIT_AFTER = 30.0
BACKUP_EVERY = dt.timedelta(days=1)
BACKUP_FIRST_AFTER = dt.timedelta(minutes=5)
EXIT_FORCED = 70


def _force_exit() -> None:
    log.error("shutdown took too long or was asked twice: exiting now")
    os._exit(EXIT_FORCED)


async def daily_backup(context: Any) -> None:
    """Job: an online backup into BACKUP_DIR, keeping the newest BACKUP_KEEP copies."""
    config = context.application.bot_data.services.config
    if config.backup_dir is None or config.backup_keep == 0:
        return
    try:
        config.backup_dir.mkdir(parents=True, exist_ok=True)
        target = await asyncio.to_thread(maintenance.backup, config.db_path, config.backup_dir)
    except (OSError, maintenance.BackupError) as exc:
        log.error("daily backup not written: %s", exc)
        return
    removed = await asyncio.to_thread(maintenance.prune_backups, config.backup_dir, config.backup_keep)
    log.info("daily backup written to %s; %d old copies removed", target, len(removed))


def schedule_backups(app: WiegoApp) -> None:
    config = app.bot_data.services.config
    if app.job_queue is None or config.backup_keep == 0:
        return
    app.job_queue.run_repeating(
        daily_backup, interval=BACKUP_EVERY, first=BACKUP_FIRST_AFTER, name="daily-backup"
    )


async def startup_summary(services: Services) -> str:
    config = services.config
    organizations = await services.directory_size()
    return (
        f"WIEGO referral bot {__version__} · database {config.db_path} · "
        f"{organizations} organizations · locales {', '.join(i.code for i in services.catalogs.ordered())} · "
        f"{config.mode}"
    )


async def run_bot(services: Services) -> None:
    """Serve updates until a stop signal; the database is closed by the caller."""
    config = services.config
    app: WiegoApp = build_application(services)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()

    def on_signal() -> None:
        if stop.is_set():
            _force_exit()
        stop.set()
        loop.call_later(FORCE_EXIT_AFTER, _force_exit)

    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, on_signal)
    health = Health(services.db, app.update_queue)
    app.bot_data.on_processed = health.processed
    server = None
    async with app:
        await set_command_menus(app)
        updater = app.updater
        assert updater is not None
        if config.webhook_url:
            path = urlparse(config.webhook_url).path or "/"
            server = start_server(
                port=config.webhook_port,
                health=health,
                webhook_path=path,
                application=app,
                secret=config.webhook_secret,
                listen=config.webhook_listen,
            )
            await app.bot.set_webhook(
                config.webhook_url, secret_token=config.webhook_secret, allowed_updates=Update.ALL_TYPES
            )
        else:
            if config.health_port:
                server = start_server(port=config.health_port, health=health, listen="127.0.0.1")
            await updater.start_polling(allowed_updates=Update.ALL_TYPES)
        await app.start()
        await start_background(app)
        schedule_backups(app)
        log.info(await startup_summary(services))
        await stop.wait()
        log.info("stopping: no new updates; finishing the ones in hand")
        if server is not None:
            server.stop()
        if updater.running:
            await updater.stop()
        await stop_background(app)
        await app.stop()
    log.info("stopped cleanly")
