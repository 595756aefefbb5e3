"""The README tells the truth: its tables of Telegram commands, of `main.py` subcommands and of
settings list exactly what the code has."""

from __future__ import annotations

import argparse
import ast
import re
from pathlib import Path

from bot.cli import parser
from bot.commands import COMMANDS

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def table_after(heading: str) -> list[str]:
    """The first column of each row of the first table after `heading`."""
    section = README.split(heading, 1)[1]
    rows: list[str] = []
    for line in section.splitlines()[1:]:
        if line.startswith("#"):
            break
        if line.startswith("|") and not set(line) <= {"|", "-", " "}:
            rows.append(line.split("|")[1].strip())
    return rows[1:]  # without the header row


def test_telegram_commands_table_matches_the_command_table(bot) -> None:
    in_readme = {m for cell in table_after("### Telegram commands") for m in re.findall(r"`/(\w+)", cell)}
    declared = {c.name for c in COMMANDS}
    assert in_readme == declared
    assert bot.app.bot_data.registered_commands == declared  # and each has a handler


def subcommands(command: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    found: dict[str, argparse.ArgumentParser] = {}
    for action in command._actions:
        if isinstance(action, argparse._SubParsersAction):
            found.update(action.choices)
    return found


def test_subcommand_table_matches_the_parser() -> None:
    in_readme = {re.match(r"[a-z]+(?: [a-z]+)?", cell.strip("`"))[0] for cell in table_after("## Commands")}  # type: ignore[index]
    in_code: set[str] = set()
    for name, sub in subcommands(parser()).items():
        actions = subcommands(sub)
        in_code |= {f"{name} {action}" for action in actions} if actions else {name}
    assert "directory editors" in in_code
    assert in_readme == in_code


def config_variables() -> set[str]:
    tree = ast.parse((ROOT / "bot" / "config.py").read_text(encoding="utf-8"))
    return {
        str(node.args[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "get"
        and node.args
        and isinstance(node.args[0], ast.Constant)
    }


def test_settings_table_matches_the_configuration() -> None:
    in_readme = {cell.strip("`") for cell in table_after("## Configuration")}
    read = config_variables()
    assert "BROADCAST_RATE" in read and "TELEGRAM_BOT_TOKEN" in read
    assert in_readme == read
