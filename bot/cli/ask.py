"""`main.py ask`: answer questions without Telegram."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator, Sequence
from contextlib import aclosing

from bot.cli import loading
from bot.cli.chat import check_lang
from bot.config import Config
from bot.i18n import Catalogs

NAME = "ask"
HELP = "answer questions without Telegram (arguments, or '-' for one per line on stdin)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("questions", nargs="*", help="questions; '-' reads one per line from stdin")
    parser.add_argument("--json", action="store_true", help="print one JSON object per question, per line")
    parser.add_argument("--lang", help="locale of the answers (default: WIEGO_DEFAULT_LOCALE)")


def iter_questions(args: Sequence[str]) -> Iterator[str]:
    for arg in args:
        if arg == "-":
            yield from (line.strip() for line in sys.stdin if line.strip())
        elif arg.strip():
            yield arg


async def run(config: Config, catalogs: Catalogs, args: argparse.Namespace) -> int:
    with loading():  # the domain, its data and the views: most of `ask`'s start
        from bot.cli.ask_records import answer_questions

    lang = check_lang(args.lang, catalogs) or config.default_locale
    questions = list(iter_questions(args.questions))
    if not questions:
        print("ask: give questions as arguments, or '-' to read them from stdin", file=sys.stderr)
        return 2
    # closed on any exit (a reader gone: BrokenPipeError), or its database thread would keep
    # the process alive
    async with aclosing(answer_questions(config, catalogs, questions, lang)) as answers:
        async for record, text in answers:
            print(json.dumps(record, ensure_ascii=False) if args.json else text + "\n", flush=True)
    return 0
