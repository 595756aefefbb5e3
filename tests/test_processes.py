"""The bot as a user runs it: `python main.py run` and `python main.py chat` as processes."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.i18n import Catalogs
from tests.conftest import TOKEN

ROOT = Path(__file__).resolve().parent.parent
LANGS = ["en", "es", "fr", "pt"]


def clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "WIEGO_", "WEBHOOK_"))}
    env.update(extra)
    return env


@pytest.mark.slow
async def test_main_run_answers_in_four_languages(standin, catalogs: Catalogs, tmp_path: Path) -> None:
    emulator = standin.emulator
    emulator.max_poll_wait = 0.2
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        str(ROOT / "main.py"),
        "run",
        env=clean_env(
            TELEGRAM_BOT_TOKEN=TOKEN,
            TELEGRAM_API_BASE_URL=standin.base_url,
            WIEGO_DB=str(tmp_path / "run.sqlite3"),
        ),
        cwd=tmp_path,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        await emulator.wait_for(lambda c: c.method == "setMyCommands", timeout=60)
        for n, lang in enumerate(LANGS):
            t = catalogs.translator(lang)
            user = 500 + n
            for command, expected in [
                (
                    "/start",
                    t._(
                        "Hello! I tell you whether WIEGO can help with what you need, from its published policy."
                    ),
                ),
                ("/help", t._("List the commands")),
                ("/language", t._("Choose your language:")),
            ]:
                mark = len(emulator.calls)
                emulator.message(user, command, language_code=lang)
                reply = await emulator.wait_for(
                    lambda c, u=user: c.method == "sendMessage" and c.chat_id == u, after=mark, timeout=20
                )
                assert expected in reply.text
        assert TOKEN in standin.tokens
    finally:
        process.terminate()
        _, stderr = await asyncio.wait_for(process.communicate(), 30)
    assert process.returncode == 0, stderr.decode()
    assert b"Traceback" not in stderr


def test_chat_mode_driven_through_stdin(tmp_path: Path, catalogs: Catalogs) -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "main.py"), "chat", "--lang", "fr"],
        input="/start\n/language\n#3\n/help\n#9\n/quit\n",
        capture_output=True,
        text=True,
        timeout=60,
        env=clean_env(WIEGO_DB=str(tmp_path / "chat.sqlite3")),
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    fr = catalogs.translator("fr")
    out = result.stdout
    assert (
        fr._("Hello! I tell you whether WIEGO can help with what you need, from its published policy.") in out
    )
    assert "[#1]" in out and "Français" in out
    assert "(no button #9)" in out
    third = catalogs.ordered()[2]
    assert (
        catalogs.translator(third.code)._("Language set to %(language)s.", language=third.native_name) in out
    )


def test_main_without_token_starts_the_chat(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "main.py")],
        input="/start\n",
        capture_output=True,
        text=True,
        timeout=60,
        env=clean_env(WIEGO_DB=str(tmp_path / "x.sqlite3")),
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert "WIEGO" in result.stdout


def test_help_everywhere() -> None:
    for args in ([], ["run"], ["chat"], ["ask"]):
        result = subprocess.run(
            [sys.executable, str(ROOT / "main.py"), *args, "--help"],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.returncode == 0
        assert "usage:" in result.stdout
