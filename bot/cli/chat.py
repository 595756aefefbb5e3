"""`main.py chat`: the offline terminal chat."""

from __future__ import annotations

import argparse

from bot.config import Config, ConfigError
from bot.i18n import Catalogs

NAME = "chat"
HELP = "talk to the bot offline in this terminal, with the same handlers as on Telegram"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--lang", help="locale to talk in (default: your saved choice, else WIEGO_DEFAULT_LOCALE)"
    )
    parser.add_argument("--user", type=int, default=1, help="Telegram user id to pretend to be (default 1)")


def check_lang(lang: str | None, catalogs: Catalogs) -> str | None:
    if lang is not None and lang not in catalogs.codes:
        raise ConfigError("--lang", f"expected one of {', '.join(sorted(catalogs.codes))}, got {lang!r}")
    return lang


async def run(config: Config, catalogs: Catalogs, args: argparse.Namespace) -> int:
    from bot.cli.chat_mode import run_chat

    return await run_chat(config, catalogs, lang=check_lang(args.lang, catalogs), user_id=args.user)
