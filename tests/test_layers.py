"""The layers go one way: `directory/` (the domain) never imports Telegram or the bot, and
`bot/` holds no SQL (the repositories in `directory/` own every table)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SQL = re.compile(
    r"^\s*(SELECT|INSERT|UPDATE|DELETE|REPLACE|CREATE|DROP|ALTER|PRAGMA|BEGIN|COMMIT|WITH)\b", re.IGNORECASE
)


def imported_modules(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def test_directory_never_imports_telegram_or_bot() -> None:
    files = sorted((ROOT / "directory").rglob("*.py"))
    assert len(files) > 20
    offenders = {
        str(path.relative_to(ROOT)): sorted(
            m for m in imported_modules(path) if m.split(".")[0] in {"telegram", "bot", "tests"}
        )
        for path in files
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def test_the_check_would_see_such_an_import(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text("import telegram.ext\nfrom bot.context import Services\n", encoding="utf-8")
    assert imported_modules(sample) == {"telegram.ext", "bot.context"}


def sql_strings(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in docstrings
        and SQL.match(node.value)
        and re.search(r"\b(FROM|INTO|SET|TABLE|VALUES|user_version|journal_mode)\b|^\s*SELECT\s+\d", node.value, re.I)
    ]


def test_bot_holds_no_sql() -> None:
    files = sorted((ROOT / "bot").rglob("*.py"))
    found = {str(p.relative_to(ROOT)): sql_strings(p) for p in files}
    assert {k: v for k, v in found.items() if v} == {}


def test_the_sql_check_would_see_a_query(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text('"""Select a language."""\nq = "SELECT count(*) FROM users"\nw = "Select one"\n', encoding="utf-8")
    assert sql_strings(sample) == ["SELECT count(*) FROM users"]


def test_database_directory_and_ask_commands_start_without_telegram(tmp_path: Path) -> None:
    """`main.py db …`, `main.py directory …` and `main.py ask …` load no Telegram code: they
    start fast, and run where the bot's dependencies are not the point (answering from the
    terminal used to take longer to import Telegram than to answer)."""
    import json
    import subprocess
    import sys

    probe = (
        "import sys, main\n"
        "status = main.main(sys.argv[1:])\n"
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] == 'telegram')\n"
        "print('TELEGRAM', len(loaded))\n"
        "sys.exit(status)\n"
    )
    env = {"WIEGO_DB": str(tmp_path / "bot.sqlite3"), "PATH": "/usr/bin:/bin"}
    ask = ["ask", "--json", "Can WIEGO fund our cooperative?"]
    for argv in (["db", "migrate"], ["db", "check"], ["directory", "export", "--format", "csv"], ask):
        result = subprocess.run(
            [sys.executable, "-c", probe, *argv], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
        )
        assert result.returncode == 0, (argv, result.stderr)
        assert "TELEGRAM 0" in result.stdout, argv
    assert json.loads(result.stdout.splitlines()[0])["rules"] == ["funding"]
