"""`main.py` subcommands: each module has NAME, HELP, `add_arguments` and async `run`.

A module's `run(config, catalogs, args)` returns the exit status; configuration and database
errors it raises become one line on stderr and exit status 2 in `main.py`.
"""

from __future__ import annotations

import argparse
import gc
from collections.abc import Callable, Coroutine
from importlib import import_module
from typing import Any, Protocol, cast

from bot.config import Config
from bot.i18n import Catalogs

# In the order `--help` lists them.
MODULES = ("run", "chat", "ask", "directory", "db")

# `main.py` starts with the garbage collector off: loading the services builds about a million
# objects that live as long as the process, and collecting while they are built cost 0.1 s of
# `main.py ask`'s start. These subcommands call `settle()` once they are loaded; the others
# run with the collector on from the start.
SETTLE_AFTER_LOADING = frozenset({"run", "chat", "ask"})


def settle(*, collect: bool = False) -> None:
    """Start-up is over: what it loaded stays out of every later collection (`gc.freeze`),
    and the collector is on. `collect` first drops start-up garbage (long-lived processes)."""
    if collect:
        gc.collect()
    gc.freeze()
    gc.enable()


class Subcommand(Protocol):
    NAME: str
    HELP: str

    def add_arguments(self, parser: argparse.ArgumentParser) -> None: ...

    run: Callable[[Config, Catalogs, argparse.Namespace], Coroutine[Any, Any, int]]


def subcommands() -> list[Subcommand]:
    return [cast(Subcommand, import_module(f"bot.cli.{name}")) for name in MODULES]


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="main.py",
        description="WIEGO referral bot. Without a subcommand: `run` when TELEGRAM_BOT_TOKEN is set, "
        "else `chat`.",
    )
    sub = p.add_subparsers(dest="command", metavar="COMMAND")
    for module in subcommands():
        module.add_arguments(sub.add_parser(module.NAME, help=module.HELP, description=module.HELP))
    return p
