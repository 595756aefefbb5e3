"""One drainer per database: the broadcast lease, claims fenced by it, and two real processes
on one database with one of them SIGKILLed mid-broadcast."""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from directory.db import Database
from directory.leases import Leases, new_owner
from directory.outbox import LEASE, Outbox
from directory.subscriptions import Subscriptions
from tests.conftest import ADMIN_ID, TOKEN

ROOT = Path(__file__).resolve().parent.parent


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


async def test_a_live_lease_is_never_shared_and_an_expired_one_is_taken_over(db: Database) -> None:
    clock = Clock()
    leases = Leases(db, clock=clock)
    first, second = "elsewhere:1:a", "elsewhere:2:b"  # another machine: only expiry counts
    assert await leases.acquire(LEASE, first, ttl=30)
    assert not await leases.acquire(LEASE, second, ttl=30)
    clock.now += 20
    assert await leases.renew(LEASE, first, ttl=30)  # heartbeat: alive until now + 30
    clock.now += 25
    assert not await leases.acquire(LEASE, second, ttl=30)
    clock.now += 6  # no heartbeat for 31 s: expired
    assert await leases.acquire(LEASE, second, ttl=30)
    assert not await leases.renew(LEASE, first, ttl=30)  # the first owner learns it lost it
    holder = await leases.holder(LEASE)
    assert holder is not None and holder.owner == second
    await leases.release(LEASE, second)
    assert await leases.holder(LEASE) is None


def _finished_pid() -> int:
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True, check=True)
    return int(dead.stdout)


async def test_a_dead_process_on_this_machine_is_replaced_at_once(db: Database) -> None:
    import socket

    owner = f"{socket.gethostname()}:{_finished_pid()}:x"
    leases = Leases(db)
    assert await leases.acquire(LEASE, owner, ttl=300)
    assert await leases.acquire(LEASE, new_owner(), ttl=300)  # its pid no longer exists


async def _queued(db: Database, n: int, first_id: int = 5000) -> int:
    subs = Subscriptions(db)
    for uid in range(first_id, first_id + n):
        await subs.subscribe(uid, "en")
    broadcast = await Outbox(db).create(
        created_by=ADMIN_ID, texts={"en": "Update"}, default_locale="en", progress_locale="en"
    )
    return broadcast.id


async def test_claims_need_a_live_lease_and_recovery_takes_only_other_owners_rows(db: Database) -> None:
    broadcast_id = await _queued(db, 6)
    clock = Clock()
    leases = Leases(db, clock=clock)
    mine, theirs = Outbox(db), Outbox(db)
    mine.owner, theirs.owner = "host-a:1:a", "host-b:2:b"
    rows = await mine.due(broadcast_id, time.time(), 10)
    assert await leases.acquire(LEASE, theirs.owner, ttl=10)
    assert not await mine.claim(rows[0].id, now=clock.now)  # no lease: no claim
    assert await theirs.claim(rows[0].id, now=clock.now)
    assert await theirs.claim(rows[1].id, now=clock.now)
    clock.now += 11
    assert not await theirs.claim(rows[2].id, now=clock.now)  # expired: its claims stop
    assert await leases.acquire(LEASE, mine.owner, ttl=10)
    assert await mine.claim(rows[3].id, now=clock.now)
    assert await mine.recover_in_flight() == 2  # the two rows of the expired owner, not ours
    statuses = {r[0]: r[1] for r in await db.fetchall("SELECT id, status FROM outbox")}
    assert [statuses[r.id] for r in rows[:4]] == ["pending", "pending", "pending", "sending"]
    await theirs.mark_sent(rows[3].id)  # not theirs to resolve
    assert await db.fetchval("SELECT status FROM outbox WHERE id = ?", (rows[3].id,)) == "sending"


# --- two processes ---------------------------------------------------------------------------
def _start(standin, db_path: Path, workdir: Path, name: str) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "WIEGO_", "WEBHOOK_", "HEALTH_"))}
    env.update(
        TELEGRAM_BOT_TOKEN=TOKEN,
        TELEGRAM_API_BASE_URL=standin.base_url,
        WIEGO_DB=str(db_path),
        WIEGO_ADMINS=str(ADMIN_ID),
        BROADCAST_RATE="15",
        BROADCAST_LEASE="3",
        BACKUP_KEEP="0",
        PTB_TIMEDELTA="1",
    )
    with (workdir / f"{name}.log").open("wb") as log:  # the child keeps its own descriptor
        return subprocess.Popen(
            [sys.executable, str(ROOT / "main.py"), "run"], env=env, cwd=workdir, stdout=log, stderr=log
        )


def _outbox(db_path: Path) -> list[tuple[int, str, str | None]]:
    conn = sqlite3.connect(db_path)
    try:
        return [tuple(r) for r in conn.execute("SELECT user_id, status, owner FROM outbox ORDER BY id")]
    finally:
        conn.close()


async def _until(predicate, limit: float) -> None:
    deadline = time.monotonic() + limit
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        await asyncio.sleep(0.1)


@pytest.mark.slow
async def test_two_processes_one_killed_mid_broadcast(standin, tmp_path: Path) -> None:
    db_path = tmp_path / "two.sqlite3"
    db = await Database.open(db_path)
    try:
        await _queued(db, 90)
    finally:
        await db.close()
    ids = set(range(5000, 5090))
    emulator = standin.emulator

    def delivered() -> Counter[int]:
        return Counter(c.chat_id for c in emulator.calls if c.method == "sendMessage" and c.status == 200 and c.chat_id in ids)

    first = _start(standin, db_path, tmp_path, "first")
    second = None
    try:
        await _until(lambda: sum(delivered().values()) >= 20, 60)
        second = _start(standin, db_path, tmp_path, "second")
        await _until(lambda: sum(delivered().values()) >= 40, 60)
        owners = {owner for _uid, status, owner in _outbox(db_path) if status != "pending"}
        assert len(owners) == 1, owners  # the second process stood by
        first.send_signal(signal.SIGKILL)
        first.wait()
        at_kill = _outbox(db_path)
        in_flight = sum(1 for _uid, status, _owner in at_kill if status == "sending")
        await _until(lambda: all(status == "sent" for _u, status, _o in _outbox(db_path)), 60)
        got = delivered()
        assert set(got) == ids  # nobody lost
        assert sum(n - 1 for n in got.values()) <= in_flight  # duplicates: only rows in flight
        after = {owner for _uid, _status, owner in _outbox(db_path)} - owners
        assert len(after) == 1 and after != owners  # the second process finished it
    finally:
        for process in (first, second):
            if process is not None and process.poll() is None:
                process.send_signal(signal.SIGTERM)
                process.wait(40)
    assert second is not None and second.returncode == 0, (tmp_path / "second.log").read_text()[-2000:]
