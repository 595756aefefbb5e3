"""`main.py` subcommands: each module has NAME, HELP, `add_arguments` and async `run`.

A module's `run(config, catalogs, args)` returns the exit status; configuration and database
errors it raises become one line on stderr and exit status 2 in `main.py`.
"""

from __future__ import annotations

import argparse
import gc
from collections.abc import Callable, Coroutine, Iterator
from contextlib import contextmanager
from importlib import import_module
from typing import Any, Protocol, cast

from bot.config import Config
from bot.i18n import Catalogs

# In the order `--help` lists them.
MODULES = ("run", "chat", "ask", "directory", "db")

@contextmanager
def loading(*, collect: bool = False) -> Iterator[None]:
    """Build what lives as long as the process with the collector off, then keep it out of
    every later collection (`gc.freeze`): collecting while about a million long-lived objects
    were built cost 0.1 s of `main.py ask`'s start. `collect` first drops the garbage start-up
    left (long-lived processes). The collector is on again however the block ends."""
    gc.disable()
    try:
        yield
    finally:
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
