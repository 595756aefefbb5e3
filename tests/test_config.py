"""Wrong configuration: one clear line naming the variable, exit status 2, no traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.config import ConfigError, load_config

ROOT = Path(__file__).resolve().parent.parent
GOOD_TOKEN = "123456:TEST-token-for-the-stand-in-server"
LOCALES = frozenset({"en", "es", "fr", "pt"})

BAD = [
    ({"TELEGRAM_BOT_TOKEN": "not-a-token"}, "TELEGRAM_BOT_TOKEN"),
    ({"TELEGRAM_API_BASE_URL": "ftp://example"}, "TELEGRAM_API_BASE_URL"),
    ({"WIEGO_ADMINS": "12,abc"}, "WIEGO_ADMINS"),
    ({"WIEGO_DEFAULT_LOCALE": "xx"}, "WIEGO_DEFAULT_LOCALE"),
    ({"WIEGO_DB": "/nonexistent-folder/x.sqlite3"}, "WIEGO_DB"),
    ({"WEBHOOK_URL": "not a url", "WEBHOOK_SECRET": "s"}, "WEBHOOK_URL"),
    ({"WEBHOOK_URL": "https://bot.example.org/hook"}, "WEBHOOK_SECRET"),
    ({"WEBHOOK_PORT": "99999"}, "WEBHOOK_PORT"),
    ({"WEBHOOK_SECRET": "has spaces!"}, "WEBHOOK_SECRET"),
    ({"LOG_FORMAT": "xml"}, "LOG_FORMAT"),
    ({"HEALTH_PORT": "http"}, "HEALTH_PORT"),
    ({"WIEGO_CACHE_DIR": __file__}, "WIEGO_CACHE_DIR"),  # a file, not a folder
]


@pytest.mark.parametrize(("env", "variable"), BAD)
def test_bad_value_names_the_variable(env: dict[str, str], variable: str) -> None:
    with pytest.raises(ConfigError) as info:
        load_config(env, LOCALES)
    assert info.value.variable == variable
    assert "\n" not in str(info.value)


def test_defaults() -> None:
    config = load_config({}, LOCALES)
    assert config.token is None
    assert config.db_path == Path("wiego.sqlite3")
    assert config.default_locale == "en"
    assert config.admins == frozenset()
    assert config.mode == "polling"


def test_values_are_parsed() -> None:
    config = load_config(
        {
            "TELEGRAM_BOT_TOKEN": GOOD_TOKEN,
            "WIEGO_ADMINS": " 1, 22 ,333",
            "WIEGO_DEFAULT_LOCALE": "pt",
            "WEBHOOK_URL": "https://bot.example.org/hook",
            "WEBHOOK_SECRET": "s3cret",
            "WEBHOOK_PORT": "8080",
        },
        LOCALES,
    )
    assert config.admins == {1, 22, 333}
    assert config.default_locale == "pt"
    assert config.mode == "webhook"
    assert config.webhook_port == 8080


def run_main(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "WIEGO_", "WEBHOOK_"))}
    return subprocess.run(
        [sys.executable, str(ROOT / "main.py"), *args],
        env={**clean, **env},
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )


@pytest.mark.parametrize(("env", "variable"), BAD[:4] + BAD[6:7])
def test_main_exits_2_with_one_line(env: dict[str, str], variable: str, tmp_path: Path) -> None:
    result = run_main(["run"], env, tmp_path)
    assert result.returncode == 2
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert variable in lines[0]
    assert "Traceback" not in result.stderr


def test_run_without_token_says_so(tmp_path: Path) -> None:
    result = run_main(["run"], {}, tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [result.stderr.strip()]
    assert "TELEGRAM_BOT_TOKEN" in result.stderr


def test_dotenv_file_is_read(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("WIEGO_ADMINS=oops\n")
    result = run_main(["ask", "hello"], {}, tmp_path)
    assert result.returncode == 2
    assert "WIEGO_ADMINS" in result.stderr


def test_environment_wins_over_dotenv(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("WIEGO_DEFAULT_LOCALE=xx\n")
    result = run_main(["ask", "--json", "hello"], {"WIEGO_DEFAULT_LOCALE": "fr"}, tmp_path)
    assert result.returncode == 0, result.stderr
