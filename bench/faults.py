"""Fault benchmark: answers while another process holds the write lock; two bot processes on one
database during a broadcast, one of them SIGKILLed.

    .venv/bin/python bench/faults.py                    # both scenarios (about 3 minutes)
    .venv/bin/python bench/faults.py --only lock        # or: --only drain
    .venv/bin/python bench/faults.py --lock-seconds 10 --askers 50 --subscribers 2000

Everything runs against the stand-in Bot API server on loopback, with `python main.py run` as
real subprocesses.

1. lock: another process takes the database's write lock (BEGIN IMMEDIATE, then a write) and
   holds it for `--lock-seconds`, as a long `directory import` or a full disk would. Meanwhile
   `--askers` people who never wrote before ask a question each (their first message: the bot
   records them, logs unanswered questions and saves searches, all writes). Printed: the time
   from each message to its reply (p50, p99, max; target p99 under 1 s), the apologies ("Sorry,
   something went wrong", target 0), /healthz while the lock is held, and whether the writes
   landed once the lock was released (the writer's counters: written, retried, dropped).

2. drain: `--subscribers` subscribers and a queued broadcast; bot process A starts and drains,
   bot process B starts a little later on the same database (it must stand by), A is SIGKILLed
   at about 40 %, B takes over. The stand-in enforces Telegram's limits (30/s, 1/s per chat).
   Printed: deliveries, duplicates and how many rows were in flight at the kill (target: no
   duplicate beyond those), losses (target 0), who sent what, and how long the takeover took.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("PTB_TIMEDELTA", "1")

from bot.i18n import Catalogs  # noqa: E402
from bot.offline import RateLimit  # noqa: E402
from directory.db import Database  # noqa: E402
from directory.outbox import Outbox  # noqa: E402
from tests.standin import StandInServer  # noqa: E402

TOKEN = "123456:TEST-token-for-the-stand-in-server"
ADMIN = 900
FIRST_ASKER = 7_000_000
FIRST_SUBSCRIBER = 3_000_000
QUESTIONS = [
    ("en", "Can WIEGO fund our cooperative of waste pickers?"),
    ("es", "¿Pueden darnos una beca para nuestra asociación de vendedores?"),
    ("fr", "Est-ce que WIEGO peut financer notre projet au Sénégal ?"),
    ("pt", "A WIEGO pode nos ajudar a encontrar catadores no Brasil?"),
    ("en", "street vendors organizations in Kenya"),
    ("en", "What is the capital of Peru?"),  # unanswered: logged
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def bot_process(server: StandInServer, db_path: Path, workdir: Path, name: str, **extra: str) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "WIEGO_", "WEBHOOK_", "HEALTH_"))}
    env.update(
        TELEGRAM_BOT_TOKEN=TOKEN,
        TELEGRAM_API_BASE_URL=server.base_url,
        WIEGO_DB=str(db_path),
        WIEGO_ADMINS=str(ADMIN),
        BACKUP_KEEP="0",
        PTB_TIMEDELTA="1",
        **extra,
    )
    with (workdir / f"{name}.log").open("ab") as log:
        return subprocess.Popen(
            [sys.executable, str(ROOT / "main.py"), "run"],
            env=env,
            cwd=workdir,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=log,
        )


def stop(process: subprocess.Popen[bytes] | None) -> None:
    if process is not None and process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(40)
        except subprocess.TimeoutExpired:
            process.kill()


def health(port: int) -> dict[str, Any]:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
            return {"status": response.status, **json.loads(response.read())}
    except urllib.error.HTTPError as exc:
        return {"status": exc.code, **json.loads(exc.read() or b"{}")}
    except OSError:
        return {"status": None}


async def until(predicate: Any, limit: float, alive: Any = None, step: float = 0.05) -> None:
    deadline = time.monotonic() + limit
    while not predicate():
        if alive is not None and not alive():
            raise RuntimeError("the bot process ended")
        if time.monotonic() > deadline:
            raise TimeoutError("timed out")
        await asyncio.sleep(step)


LOCK_HOLDER = """
import sqlite3, sys, time
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN IMMEDIATE")
conn.execute("INSERT INTO meta (key, value) VALUES ('fault-bench', 'held') "
             "ON CONFLICT(key) DO UPDATE SET value = excluded.value")
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
conn.execute("COMMIT")
print("released", flush=True)
"""


def lock_holder(db_path: Path, seconds: float) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", LOCK_HOLDER, str(db_path), str(seconds)], stdout=subprocess.PIPE, text=True
    )


# --- 1. the write lock held by another process -------------------------------------------------
async def lock_scenario(args: argparse.Namespace, workdir: Path) -> None:
    server = await StandInServer().start()
    emulator = server.emulator
    emulator.max_poll_wait = 0.2
    db_path = workdir / "lock.sqlite3"
    port = free_port()
    bot = bot_process(server, db_path, workdir, "lock-bot", HEALTH_PORT=str(port))
    catalogs = Catalogs()
    apologies = {
        catalogs.translator(code)._(text)
        for code in catalogs.codes
        for text in (
            "Sorry, something went wrong on our side. Please try again in a moment.",
            "Sorry, something went wrong. Please try again.",
        )
    }
    holder: subprocess.Popen[str] | None = None
    try:
        await until(lambda: health(port).get("status") == 200, 120, lambda: bot.poll() is None, 0.2)
        mark = len(emulator.calls)
        emulator.message(1, "Can WIEGO fund us?")  # warm up
        await until(lambda: any(c.method == "sendMessage" for c in emulator.calls[mark:]), 30)
        holder = lock_holder(db_path, args.lock_seconds)
        assert holder.stdout is not None
        line = await asyncio.to_thread(holder.stdout.readline)
        assert line.strip() == "locked", line
        locked_at = time.monotonic()
        sent: dict[int, float] = {}
        gap = min(0.1, args.lock_seconds / 2 / max(1, args.askers))
        health_during: list[dict[str, Any]] = []
        for n in range(args.askers):
            user = FIRST_ASKER + n
            lang, question = QUESTIONS[n % len(QUESTIONS)]
            sent[user] = time.monotonic()
            emulator.message(user, question, language_code=lang)
            if n % 10 == 0:
                health_during.append(await asyncio.to_thread(health, port))
            await asyncio.sleep(gap)

        def replies() -> dict[int, Any]:
            out: dict[int, Any] = {}
            for c in emulator.calls[mark:]:
                if c.method == "sendMessage" and c.chat_id in sent and c.chat_id not in out:
                    out[c.chat_id] = c
            return out

        await until(lambda: len(replies()) == len(sent), args.lock_seconds + 60)
        answered_by = time.monotonic() - locked_at
        got = replies()
        times = [got[u].at - sent[u] for u in sent]
        sorry = sum(1 for c in emulator.calls[mark:] if c.method == "sendMessage" and c.text in apologies)
        during_lock = sum(1 for u in sent if got[u].at - locked_at < args.lock_seconds)
        holder.wait(args.lock_seconds + 30)
        released = time.monotonic()
        # once the lock is gone the writer catches up: wait for the rows to land
        def landed() -> int:
            conn = sqlite3.connect(db_path)
            try:
                return int(conn.execute(
                    "SELECT count(*) FROM users WHERE id BETWEEN ? AND ?", (FIRST_ASKER, FIRST_ASKER + args.askers)
                ).fetchone()[0])
            finally:
                conn.close()

        with contextlib.suppress(TimeoutError):
            await until(lambda: landed() == args.askers, 30, step=0.2)
        caught_up = time.monotonic() - released
        after = await asyncio.to_thread(health, port)
    finally:
        if holder is not None and holder.poll() is None:
            holder.kill()
        stop(bot)
        await server.stop()
    print(f"== another process holds the write lock for {args.lock_seconds:g} s; {args.askers} new users ask")
    print(
        f"  reply time  p50 {statistics.median(times) * 1000:7.1f} ms   p99 {percentile(times, 99) * 1000:7.1f} ms"
        f"   max {max(times) * 1000:7.1f} ms   (target p99 < 1000 ms)"
    )
    print(f"  apologies   {sorry}   (target 0);  {during_lock} of {len(sent)} answered while the lock was held")
    codes = Counter(h.get("status") for h in health_during)
    print(f"  /healthz during the lock: {dict(codes)}")
    print(
        f"  writes behind the answers: {landed()} of {args.askers} new users recorded "
        f"{caught_up:.1f} s after the lock was released; writer {after.get('writes')}"
    )
    print(f"  (all {len(sent)} replies were out {answered_by:.1f} s after the lock was taken)")


# --- 2. two processes, one broadcast, one SIGKILL ------------------------------------------------
async def drain_scenario(args: argparse.Namespace, workdir: Path) -> None:
    server = await StandInServer().start()
    emulator = server.emulator
    emulator.rate_limit = RateLimit(per_second=30, per_chat_per_second=1, retry_after=1)
    emulator.max_poll_wait = 0.5
    db_path = workdir / "drain.sqlite3"
    n = args.subscribers
    ids = list(range(FIRST_SUBSCRIBER, FIRST_SUBSCRIBER + n))
    db = await Database.open(db_path)
    try:
        async with db.atomic() as conn:
            await conn.executemany(
                "INSERT INTO users (id, first_seen, last_seen) VALUES (?, '2025-01-01', '2025-01-01')",
                [(i,) for i in ids],
            )
            await conn.executemany(
                "INSERT INTO subscriptions (user_id, locale, since) VALUES (?, 'en', '2025-01-01')",
                [(i,) for i in ids],
            )
        await Outbox(db).create(
            created_by=ADMIN, texts={"en": "Fault bench broadcast."}, default_locale="en", progress_locale="en"
        )
    finally:
        await db.close()
    wanted = set(ids)

    def delivered() -> Counter[int]:
        return Counter(
            c.chat_id for c in emulator.calls if c.method == "sendMessage" and c.status == 200 and c.chat_id in wanted
        )

    def rows() -> list[tuple[int, str, str | None]]:
        conn = sqlite3.connect(db_path)
        try:
            return [tuple(r) for r in conn.execute("SELECT user_id, status, owner FROM outbox")]
        finally:
            conn.close()

    lease = {"BROADCAST_LEASE": str(args.lease)} if args.lease else {}
    first = bot_process(server, db_path, workdir, "drain-a", **lease)
    second: subprocess.Popen[bytes] | None = None
    try:
        await until(lambda: sum(delivered().values()) >= n * 0.1, n / 5 + 120, lambda: first.poll() is None, 0.2)
        second = bot_process(server, db_path, workdir, "drain-b", **lease)
        await until(lambda: sum(delivered().values()) >= n * 0.4, n / 5 + 120, lambda: first.poll() is None, 0.2)
        owners_before = Counter(owner for _u, status, owner in rows() if status != "pending")
        first.send_signal(signal.SIGKILL)
        first.wait()
        killed_at = time.monotonic()
        at_kill = rows()
        in_flight = sum(1 for _u, status, _o in at_kill if status == "sending")
        sent_at_kill = sum(delivered().values())
        owner_a = next(iter(owners_before))

        def taken_over() -> bool:
            return any(status == "sent" and owner not in (None, owner_a) for _u, status, owner in rows())

        await until(taken_over, 120, lambda: second is not None and second.poll() is None, 0.2)
        takeover = time.monotonic() - killed_at
        await until(
            lambda: all(status in ("sent", "blocked", "failed") for _u, status, _o in rows()), n / 5 + 120, step=0.5
        )
        finished = time.monotonic() - killed_at
    finally:
        if first.poll() is None:
            first.kill()
        stop(second)
        await server.stop()
    got = delivered()
    final = rows()
    statuses = Counter(status for _u, status, _o in final)
    losses = [i for i in ids if got[i] == 0]
    duplicates = sum(c - 1 for c in got.values() if c > 1)
    by_owner = Counter(owner for _u, status, owner in final if status == "sent")
    print(f"== two bot processes on one database, {n:,} subscribers; A SIGKILLed after {sent_at_kill:,} deliveries")
    print(
        f"  before the kill: rows claimed by {len(owners_before)} process (B stood by: "
        f"{'yes' if len(owners_before) == 1 else 'NO'})"
    )
    print(f"  delivered {len(got):,} of {n:,}; losses {len(losses)} (target 0); outbox {dict(statuses)}")
    print(f"  duplicates {duplicates}; rows in flight at the kill {in_flight} (target: duplicates <= in flight)")
    print(f"  B took over {takeover:.1f} s after the kill and finished {finished:.1f} s after it")
    print(f"  sent rows by owner: {sorted(by_owner.values(), reverse=True)}")


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", choices=("lock", "drain"))
    parser.add_argument("--lock-seconds", type=float, default=10.0)
    parser.add_argument("--askers", type=int, default=50)
    parser.add_argument("--subscribers", type=int, default=2000)
    parser.add_argument("--lease", type=float, default=0, help="BROADCAST_LEASE for the two processes (default: the bot's)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="wiego-faults-") as tmp:
        workdir = Path(tmp)
        if args.only in (None, "lock"):
            await lock_scenario(args, workdir)
        if args.only in (None, "drain"):
            await drain_scenario(args, workdir)


if __name__ == "__main__":
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(main())
