"""WIEGO referral bot: the one entry point. `python main.py --help` lists the subcommands."""

from __future__ import annotations

import asyncio
import gc
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from bot.cli import parser, subcommands
from bot.config import ConfigError, load_config
from bot.i18n import CatalogError, Catalogs
from directory.db import DatabaseError

EXIT_USAGE = 2


def environment() -> dict[str, str]:
    """The process environment over an optional `.env` in the working directory.

    Values from `.env` are also exported (without overriding the environment), so settings
    read by a feature module (e.g. BROADCAST_RATE) see them too.
    """
    if Path(".env").is_file():
        from dotenv import dotenv_values  # 13 ms of imports, only for a start that has a .env

        for key, value in dotenv_values(".env").items():
            if value is not None:
                os.environ.setdefault(key, value)
    return dict(os.environ)


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        catalogs = Catalogs()
        config = load_config(environment(), catalogs.codes)
        catalogs.set_default(config.default_locale)
    except (ConfigError, CatalogError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    command = args.command or ("run" if config.token else "chat")
    if args.command is None:
        args = parser().parse_args([command])
    from bot.logs import setup_logging

    setup_logging(config, verbose=command == "run")
    module = next(m for m in subcommands() if command == m.NAME)
    try:
        return asyncio.run(module.run(config, catalogs, args))
    except (ConfigError, DatabaseError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `main.py ask - < questions | head`: the reader left, say nothing
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # nor at exit's flush
        return 1


if __name__ == "__main__":
    status = main()
    gc.freeze()  # the exit's last collection need not walk everything loaded (0.25 s for `ask`)
    sys.exit(status)
