"""`main.py chat`: the offline terminal chat."""

from __future__ import annotations

import argparse
from pathlib import Path

from bot.config import Config, ConfigError
from bot.i18n import Catalogs

NAME = "chat"
HELP = "talk to the bot offline in this terminal, with the same handlers as on Telegram"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--lang", help="locale to talk in (default: your saved choice, else WIEGO_DEFAULT_LOCALE)"
    )
    parser.add_argument(
        "--user",
        type=int,
        default=1,
        help="Telegram user id to pretend to be (default 1); an id listed in WIEGO_ADMINS acts as an admin",
    )
    parser.add_argument(
        "--log",
        metavar="FILE",
        help="where log lines go (default: <database>-chat.log beside the database; '-' for stderr)",
    )


def check_lang(lang: str | None, catalogs: Catalogs) -> str | None:
    if lang is not None and lang not in catalogs.codes:
        raise ConfigError("--lang", f"expected one of {', '.join(sorted(catalogs.codes))}, got {lang!r}")
    return lang


def log_path(config: Config, option: str | None) -> Path | None:
    """The log file of the chat (None: stderr), so log lines never land in the conversation."""
    if option == "-":
        return None
    if option:
        return Path(option)
    return config.db_path.with_name(f"{config.db_path.stem}-chat.log")


async def run(config: Config, catalogs: Catalogs, args: argparse.Namespace) -> int:
    from bot.cli.chat_mode import run_chat
    from bot.logs import setup_logging

    lang = check_lang(args.lang, catalogs)
    path = log_path(config, args.log)
    setup_logging(config, verbose=False, path=path)
    t = catalogs.translator(lang or config.default_locale)
    note = t._("Log lines go to %(path)s.", path=path) if path is not None else ""
    return await run_chat(config, catalogs, lang=lang, user_id=args.user, log_note=note)
