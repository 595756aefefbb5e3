"""WIEGO referral bot: one entry point.

    python main.py            the bot if TELEGRAM_BOT_TOKEN is set, else the offline chat
    python main.py run        the Telegram bot (polling; webhook when WEBHOOK_URL is set)
    python main.py chat       an offline terminal chat with the same handlers
    python main.py ask Q...   answer questions without Telegram (--json for machines)
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path

from dotenv import dotenv_values

from bot.config import Config, ConfigError, load_config
from bot.i18n import Catalogs, CatalogError

EXIT_USAGE = 2


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="main.py", description="WIEGO referral bot")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")
    sub.add_parser("run", help="run the Telegram bot (needs TELEGRAM_BOT_TOKEN)")
    chat = sub.add_parser("chat", help="talk to the bot offline in this terminal")
    chat.add_argument("--lang", help="locale to talk in (default: WIEGO_DEFAULT_LOCALE)")
    chat.add_argument("--user", type=int, default=1, help="Telegram user id to pretend to be")
    ask = sub.add_parser("ask", help="answer questions without Telegram")
    ask.add_argument("questions", nargs="*", help="questions; '-' reads one per line from stdin")
    ask.add_argument("--json", action="store_true", help="one JSON object per question, per line")
    ask.add_argument("--lang", help="locale of the answers")
    return p


def environment() -> dict[str, str]:
    """The process environment over an optional `.env` in the working directory."""
    values = {k: v for k, v in dotenv_values(".env").items() if v is not None} if Path(".env").exists() else {}
    values.update(os.environ)
    return values


def iter_questions(args: Sequence[str]) -> Iterator[str]:
    for arg in args:
        if arg == "-":
            for line in sys.stdin:
                if line.strip():
                    yield line.strip()
        elif arg.strip():
            yield arg


def check_lang(lang: str | None, catalogs: Catalogs) -> str | None:
    if lang is not None and lang not in catalogs.codes:
        raise ConfigError("--lang", f"expected one of {', '.join(sorted(catalogs.codes))}, got {lang!r}")
    return lang


async def cmd_ask(config: Config, catalogs: Catalogs, args: argparse.Namespace) -> int:
    from bot.ask_cli import answer_questions

    lang = check_lang(args.lang, catalogs) or config.default_locale
    questions = list(iter_questions(args.questions))
    if not questions:
        print("ask: give questions as arguments, or '-' to read them from stdin", file=sys.stderr)
        return EXIT_USAGE
    async for record, text in answer_questions(config, catalogs, questions, lang):
        print(json.dumps(record, ensure_ascii=False) if args.json else text + "\n")
    return 0


async def cmd_chat(config: Config, catalogs: Catalogs, args: argparse.Namespace) -> int:
    from bot.chat import run_chat

    lang = check_lang(args.lang, catalogs)
    return await run_chat(config, catalogs, lang=lang, user_id=args.user)


async def cmd_run(config: Config, catalogs: Catalogs, args: argparse.Namespace) -> int:
    from bot.runtime import run_bot
    from bot.services import open_services

    config.require_token()
    services = await open_services(config, catalogs)
    try:
        await run_bot(services)
    finally:
        await services.close()
    return 0


COMMANDS = {"run": cmd_run, "chat": cmd_chat, "ask": cmd_ask}


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    env = environment()
    try:
        catalogs = Catalogs()
        config = load_config(env, catalogs.codes)
        catalogs.set_default(config.default_locale)
    except (ConfigError, CatalogError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    logging.basicConfig(
        level=logging.INFO if args.command == "run" or args.command is None and config.token else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    logging.getLogger("httpx").setLevel(logging.WARNING)
    command = args.command or ("run" if config.token else "chat")
    if args.command is None:
        args = parser().parse_args([command])
    from directory.db import DatabaseError

    try:
        return asyncio.run(COMMANDS[command](config, catalogs, args))
    except (ConfigError, DatabaseError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
