"""Running it for years: webhook with secret, /healthz, SIGTERM, systemd unit, db commands."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
from pathlib import Path

import aiohttp
import pytest

from directory import maintenance
from directory.db import Database
from tests.conftest import TOKEN

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def clean_env(**extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("TELEGRAM_", "WIEGO_", "WEBHOOK_", "HEALTH_", "LOG_", "BACKUP_"))
    }
    env.update(extra)
    return env


async def start_bot(args: list[str], env: dict[str, str], cwd: Path) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        *args,
        env=env,
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


async def wait_http(url: str, timeout: float = 30.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    async with aiohttp.ClientSession() as session:
        while True:
            try:
                async with session.get(url) as response:
                    await response.read()
                    return
            except aiohttp.ClientError:
                if asyncio.get_running_loop().time() > deadline:
                    raise
                await asyncio.sleep(0.1)


def update(update_id: int, user_id: int, text: str) -> dict[str, object]:
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": 0,
            "text": text,
            "chat": {"id": user_id, "type": "private", "first_name": "A"},
            "from": {"id": user_id, "is_bot": False, "first_name": "A", "language_code": "es"},
            **(
                {"entities": [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]}
                if text.startswith("/")
                else {}
            ),
        },
    }


@pytest.mark.slow
async def test_webhook_checks_the_secret_and_serves_health(standin, tmp_path: Path) -> None:
    port = free_port()
    env = clean_env(
        TELEGRAM_BOT_TOKEN=TOKEN,
        TELEGRAM_API_BASE_URL=standin.base_url,
        WIEGO_DB=str(tmp_path / "w.sqlite3"),
        WEBHOOK_URL=f"http://127.0.0.1:{port}/telegram",
        WEBHOOK_PORT=str(port),
        WEBHOOK_SECRET="s3cret-token",
        WEBHOOK_LISTEN="127.0.0.1",
        LOG_FORMAT="json",
    )
    process = await start_bot([sys.executable, str(ROOT / "main.py"), "run"], env, tmp_path)
    emulator = standin.emulator
    try:
        hook = await emulator.wait_for(lambda c: c.method == "setWebhook", timeout=60)
        assert hook.params["secret_token"] == "s3cret-token"
        await wait_http(f"http://127.0.0.1:{port}/healthz")
        async with aiohttp.ClientSession() as session:
            async with session.get(f"http://127.0.0.1:{port}/healthz") as response:
                assert response.status == 200
                assert (await response.json())["database"] is True
            url = f"http://127.0.0.1:{port}/telegram"
            for headers in ({}, {"X-Telegram-Bot-Api-Secret-Token": "wrong"}):
                async with session.post(url, json=update(1, 42, "/start"), headers=headers) as response:
                    assert response.status == 403
            secret = {"X-Telegram-Bot-Api-Secret-Token": "s3cret-token"}
            for body in (
                b"not json",
                b"null",
                b"[]",
                b'"str"',
                b"123",
                b'{"update_id": 7, "message": "x"}',
                b'{"update_id": 8, "message": {}}',
                b'{"update_id": "9"}',
                b"[" * 50_000,
            ):
                async with session.post(url, data=body, headers=secret) as response:
                    assert response.status == 400, body[:40]
            mark = len(emulator.calls)
            async with session.post(
                url, json=update(2, 43, "/start"), headers={"X-Telegram-Bot-Api-Secret-Token": "s3cret-token"}
            ) as response:
                assert response.status == 200
        reply = await emulator.wait_for(lambda c: c.method == "sendMessage", after=mark, timeout=20)
        assert reply.chat_id == 43
        assert not [c for c in emulator.calls if c.method == "sendMessage" and c.chat_id == 42]
    finally:
        process.send_signal(signal.SIGTERM)
        _, stderr = await asyncio.wait_for(process.communicate(), 40)
    assert process.returncode == 0, stderr.decode()
    lines = [json.loads(line) for line in stderr.decode().splitlines() if line.startswith("{")]
    assert any("stopped cleanly" in line["message"] for line in lines)
    assert any(line.get("handler", "").endswith("start") and "duration_ms" in line for line in lines)
    assert TOKEN not in stderr.decode()
    assert "/start" not in " ".join(line["message"] for line in lines)
    assert "Traceback" not in stderr.decode()
    refused = [line for line in lines if "refused: the body" in line["message"] or "is malformed" in line["message"]]
    assert len(refused) == 9 and all(line["level"] == "info" for line in refused), refused


@pytest.mark.slow
async def test_systemd_unit_command_line_starts_and_stops(standin, tmp_path: Path) -> None:
    unit = (ROOT / "deploy/wiego-bot.service").read_text()
    exec_start = next(line.split("=", 1)[1] for line in unit.splitlines() if line.startswith("ExecStart="))
    args = (
        exec_start.replace("/opt/wiego-bot/.venv/bin/python", sys.executable)
        .replace("/opt/wiego-bot", str(ROOT))
        .split()
    )
    example = dict(
        line.split("=", 1)
        for line in (ROOT / "deploy/wiego-bot.env.example").read_text().splitlines()
        if line and not line.startswith("#")
    )
    health = free_port()
    example.update(
        TELEGRAM_BOT_TOKEN=TOKEN,
        TELEGRAM_API_BASE_URL=standin.base_url,
        WIEGO_DB=str(tmp_path / "unit.sqlite3"),
        BACKUP_DIR=str(tmp_path / "backups"),
        HEALTH_PORT=str(health),
    )
    process = await start_bot(args, clean_env(**example), tmp_path)
    try:
        await standin.emulator.wait_for(lambda c: c.method == "setMyCommands", timeout=60)
        await wait_http(f"http://127.0.0.1:{health}/healthz")
    finally:
        process.send_signal(signal.SIGTERM)
        _, stderr = await asyncio.wait_for(process.communicate(), 40)
    assert process.returncode == 0, stderr.decode()
    summary = [
        json.loads(line)["message"] for line in stderr.decode().splitlines() if "WIEGO referral bot" in line
    ]
    assert summary and "organizations" in summary[0] and "polling" in summary[0]


def run_db(args: list[str], db_path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(ROOT / "main.py"), "db", *args],
        env=clean_env(WIEGO_DB=str(db_path)),
        capture_output=True,
        text=True,
        timeout=120,
        cwd=db_path.parent,
    )


async def test_db_commands(tmp_path: Path) -> None:
    path = tmp_path / "ops.sqlite3"
    dry = run_db(["migrate", "--dry-run"], path)
    assert dry.returncode == 0 and "would apply 0001_users" in dry.stdout
    assert not path.exists(), "a dry run must not create the database"
    assert run_db(["migrate"], path).returncode == 0
    again = run_db(["migrate", "--dry-run"], path)
    assert "0 migration(s) pending" in again.stdout
    assert run_db(["check"], path).returncode == 0
    backup = tmp_path / "copy.sqlite3"
    assert run_db(["backup", str(backup)], path).returncode == 0
    assert maintenance.check(backup).ok
    bad = run_db(["backup", str(tmp_path / "missing/dir/x.sqlite3")], path)
    assert bad.returncode == 2 and "Traceback" not in bad.stderr


def test_check_fails_on_a_broken_foreign_key(tmp_path: Path) -> None:
    path = tmp_path / "fk.sqlite3"
    conn = sqlite3.connect(path)
    conn.executescript(
        "CREATE TABLE p (id INTEGER PRIMARY KEY); CREATE TABLE c (p INTEGER REFERENCES p(id)); INSERT INTO c VALUES (7);"
    )
    conn.close()
    result = run_db(["check"], path)
    assert result.returncode == 1
    assert "foreign key" in result.stderr


def test_check_fails_on_garbage(tmp_path: Path) -> None:
    path = tmp_path / "garbage.sqlite3"
    path.write_bytes(b"\x00garbage" * 500)
    assert run_db(["check"], path).returncode == 1


async def test_backup_is_consistent_while_writing(tmp_path: Path) -> None:
    path = tmp_path / "live.sqlite3"
    db = await Database.open(path)
    try:

        async def writer() -> None:
            for i in range(300):
                async with db.atomic() as conn:
                    await conn.execute(
                        "INSERT INTO users (id, first_seen, last_seen) VALUES (?, 'a', 'a')", (i,)
                    )
                await asyncio.sleep(0)

        task = asyncio.create_task(writer())
        copies = []
        for n in range(5):
            copies.append(await asyncio.to_thread(maintenance.backup, path, tmp_path / f"b{n}.sqlite3"))
        await task
    finally:
        await db.close()
    for copy in copies:
        assert maintenance.check(copy).ok
        conn = sqlite3.connect(copy)
        count = conn.execute("SELECT count(*) FROM users").fetchone()[0]
        conn.close()
        assert 0 <= count <= 300


def test_prune_keeps_the_newest(tmp_path: Path) -> None:
    for n in range(10):
        (tmp_path / f"wiego-2026010{n}T000000Z.sqlite3").write_bytes(b"x")
    removed = maintenance.prune_backups(tmp_path, 3)
    assert len(removed) == 7
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        f"wiego-2026010{n}T000000Z.sqlite3" for n in (7, 8, 9)
    ]


def test_starting_on_a_newer_database_refuses(tmp_path: Path) -> None:
    path = tmp_path / "newer.sqlite3"
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA user_version = 999")
    conn.close()
    before = path.read_bytes()
    result = subprocess.run(
        [sys.executable, str(ROOT / "main.py"), "ask", "hello"],
        env=clean_env(WIEGO_DB=str(path)),
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
    )
    assert result.returncode == 2
    assert "newer" in result.stderr and "Traceback" not in result.stderr
    assert path.read_bytes() == before
