"""`main.py run`: the Telegram bot."""

from __future__ import annotations

import argparse

from bot.cli import loading
from bot.config import Config
from bot.i18n import Catalogs

NAME = "run"
HELP = "run the Telegram bot (polling; webhook when WEBHOOK_URL is set; needs TELEGRAM_BOT_TOKEN)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    return None


async def run(config: Config, catalogs: Catalogs, args: argparse.Namespace) -> int:
    config.require_token()
    services = None
    try:
        with loading(collect=True):  # what is loaded and warmed now lives as long as the process
            from bot.runtime import run_bot
            from bot.services import open_services

            services = await open_services(config, catalogs)
            await services.policy.warm_up()
        await run_bot(services)
    finally:
        if services is not None:
            await services.close()
    return 0
