"""The terminal chat as a person uses it: Ctrl-C and Ctrl-D in a real terminal (a pty), log lines
kept out of the conversation, acting as an admin, broadcasts that say where they will go,
and locations and photos typed as `#location` and `#photo`."""

from __future__ import annotations

import os
import pty
import select
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bot.i18n import Catalogs
from tests.test_processes import ROOT, clean_env


class Terminal:
    """`main.py chat` on a pseudo-terminal: what a person types, what they see."""

    def __init__(self, tmp_path: Path, *args: str, **env: str) -> None:
        self.db = tmp_path / "chat.sqlite3"
        pid, fd = pty.fork()
        if pid == 0:  # the child: the chat, with the pty as its controlling terminal
            os.chdir(tmp_path)
            full_env = clean_env(WIEGO_DB=str(self.db), **env)
            os.execve(sys.executable, [sys.executable, str(ROOT / "main.py"), "chat", *args], full_env)
        self.pid, self.fd = pid, fd
        self.output = b""

    def read_until(self, marker: bytes, timeout: float = 60.0) -> bytes:
        deadline = time.monotonic() + timeout
        while marker not in self.output:
            left = deadline - time.monotonic()
            assert left > 0, f"no {marker!r} in {self.output[-2000:]!r}"
            ready, _, _ = select.select([self.fd], [], [], left)
            if ready:
                try:
                    chunk = os.read(self.fd, 4096)
                except OSError:  # the child has gone
                    break
                if not chunk:
                    break
                self.output += chunk
        return self.output

    def type(self, data: bytes) -> None:
        os.write(self.fd, data)

    def wait(self, timeout: float = 60.0) -> int:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.drain()
            time.sleep(0.1)
            done, status = os.waitpid(self.pid, os.WNOHANG)
            if done:
                self.drain()
                os.close(self.fd)
                return os.waitstatus_to_exitcode(status)
        os.kill(self.pid, signal.SIGKILL)
        raise AssertionError(f"the chat did not leave: {self.output[-2000:]!r}")

    def drain(self) -> None:
        while select.select([self.fd], [], [], 0.1)[0]:
            try:
                chunk = os.read(self.fd, 4096)
            except OSError:
                return
            if not chunk:
                return
            self.output += chunk


@pytest.mark.slow
def test_ctrl_d_leaves_with_a_newline(tmp_path: Path) -> None:
    term = Terminal(tmp_path)
    term.read_until(b"> ")
    term.type(b"\x04")
    assert term.wait() == 0
    assert term.output.endswith(b"> \r\n"), term.output[-200:]
    assert b"Traceback" not in term.output


@pytest.mark.slow
def test_ctrl_c_leaves_with_a_newline_and_a_closed_database(tmp_path: Path) -> None:
    term = Terminal(tmp_path)
    term.read_until(b"> ")
    term.type(b"/start\r")
    term.read_until(b"/help")
    term.read_until(b"> ")
    term.type(b"\x03")
    assert term.wait() == 0, "Ctrl-C is a way to leave, like Ctrl-D (under `make run`, no make error)"
    assert term.output.endswith(b"\r\n"), term.output[-200:]
    assert b"Traceback" not in term.output and b"Error" not in term.output
    with sqlite3.connect(term.db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert not Path(f"{term.db}-wal").exists() or Path(f"{term.db}-wal").stat().st_size == 0


def chat(tmp_path: Path, lines: list[str], *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(ROOT / "main.py"), "chat", *args],
        input="\n".join(lines) + "\n",
        capture_output=True,
        text=True,
        timeout=120,
        env=clean_env(WIEGO_DB=str(tmp_path / "chat.sqlite3"), **env),
        cwd=tmp_path,
    )


@pytest.mark.slow
def test_log_lines_go_to_a_file_not_into_the_conversation(tmp_path: Path) -> None:
    result = chat(tmp_path, ["/unanswered"])  # a refusal is logged as a warning
    assert result.returncode == 0, result.stderr
    assert "refused" not in result.stdout and "refused" not in result.stderr
    assert "WARNING" not in result.stdout + result.stderr
    log = (tmp_path / "chat-chat.log").read_text(encoding="utf-8")
    assert "refused policy:unanswered for user 1" in log
    on_stderr = chat(tmp_path, ["/unanswered"], "--log", "-")
    assert "refused policy:unanswered for user 1" in on_stderr.stderr
    assert "refused" not in on_stderr.stdout


@pytest.mark.slow
def test_an_admin_composes_a_broadcast_and_is_told_where_it_goes(tmp_path: Path, catalogs: Catalogs) -> None:
    t = catalogs.translator("en")
    result = chat(
        tmp_path,
        ["/subscribe", "/broadcast", "Hello from the offline chat", "#5"],
        "--user",
        "42",
        WIEGO_ADMINS="42",
    )
    assert result.returncode == 0, result.stderr
    assert t._("Only WIEGO admins can do this.") not in result.stdout
    where = t.ngettext(
        "Offline chat: nothing is sent from here. The broadcast waits in the outbox of %(database)s "
        "and goes to its %(n)s subscriber on Telegram the next time the bot runs with a token "
        "(python main.py run).",
        "Offline chat: nothing is sent from here. The broadcast waits in the outbox of %(database)s "
        "and goes to its %(n)s subscribers on Telegram the next time the bot runs with a token "
        "(python main.py run).",
        1,
        database=str(tmp_path / "chat.sqlite3"),
    )
    preview, _, queued = result.stdout.partition(t._("📣 The broadcast is queued."))
    assert where in preview, "the preview says it before sending"
    assert where in queued, "and the confirmation again"
    with sqlite3.connect(tmp_path / "chat.sqlite3") as conn:
        assert conn.execute("SELECT count(*) FROM broadcasts").fetchone() == (1,)
    refused = chat(tmp_path, ["/broadcast"], "--user", "43", WIEGO_ADMINS="42")
    assert t._("Only WIEGO admins can do this.") in refused.stdout


@pytest.mark.slow
def test_locations_and_photos_typed_in_the_chat(tmp_path: Path, catalogs: Catalogs) -> None:
    t = catalogs.translator("pt")
    result = chat(tmp_path, ["#location -1.2864 36.8172", "#photo", "#location here"], "--lang", "pt")
    assert result.returncode == 0, result.stderr
    assert (
        t._("Near %(city)s, %(country)s: the nearest organizations", city="Nairobi", country=t.country("KE"))
        in result.stdout
    )
    assert t._("Thank you! I can only read text, so I cannot see pictures or videos.") in result.stdout
    assert "(#location LATITUDE LONGITUDE" in result.stdout
