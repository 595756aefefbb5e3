"""Opening everything the bot needs once: database (migrated, seeded), domain, catalogs."""

from __future__ import annotations

from bot.config import Config
from bot.context import Services
from bot.i18n import Catalogs
from directory.db import Database


async def open_services(config: Config, catalogs: Catalogs) -> Services:
    db = await Database.open(config.db_path)
    try:
        services = Services(config=config, db=db, catalogs=catalogs)
        await services.load()
    except BaseException:
        await db.close()
        raise
    return services
