"""Broadcast benchmark: throughput against Telegram's limit, duplicates, losses, answer latency,
and a SIGKILL mid-broadcast.

    .venv/bin/python bench/broadcast.py                     # 10,000 subscribers (~7 min a phase)
    .venv/bin/python bench/broadcast.py --subscribers 1000  # quicker
    BROADCAST_RATE=29 .venv/bin/python bench/broadcast.py   # the broadcast's own rate

Everything runs against the stand-in Bot API server on loopback, which enforces Telegram's
limits (30 messages a second overall, 1 a second per chat; 429 with retry_after beyond them)
and answers 403 for the blocked share of subscribers.

Phase 1, in process: the real `Application` polls the stand-in server. Questions from people who
are not subscribed are timed with no broadcast running, then the admin composes a broadcast
through the conversation and confirms it, and the same questions are timed while it runs.

Phase 2, `python main.py run` as a subprocess: subscribers and a queued broadcast are written to
its database before it starts; it is SIGKILLed when about 40% are delivered, restarted, and the
deliveries are counted once the final report arrives.

duplicates: subscribers who got the broadcast more than once.
losses: subscribers who never got it and whose outbox row is not `blocked` or `failed`.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("PTB_TIMEDELTA", "1")

from bot.config import load_config  # noqa: E402
from bot.i18n import Catalogs  # noqa: E402
from bot.offline import BotAPIEmulator, RateLimit  # noqa: E402
from directory.db import Database  # noqa: E402
from directory.outbox import Outbox  # noqa: E402
from tests.standin import StandInServer  # noqa: E402

TOKEN = "123456:TEST-token-for-the-stand-in-server"
ADMIN = 900
FIRST_SUBSCRIBER = 1_000_000
FIRST_ASKER = 9_000_000
ASKERS = 200  # distinct people asking, so that flood control never mutes one
TEXT = "WIEGO policy update: benchmark broadcast."


# --- set-up ----------------------------------------------------------------------------------
async def populate(db_path: Path, subscribers: int) -> list[int]:
    """Users and subscriptions written in bulk (the bench measures sending, not subscribing)."""
    db = await Database.open(db_path)
    ids = list(range(FIRST_SUBSCRIBER, FIRST_SUBSCRIBER + subscribers))
    locales = ["en", "es", "fr", "pt"]
    try:
        async with db.atomic() as conn:
            await conn.executemany(
                "INSERT INTO users (id, locale, first_seen, last_seen) "
                "VALUES (?, NULL, '2025-01-01', '2025-01-01')",
                [(i,) for i in ids],
            )
            await conn.executemany(
                "INSERT INTO subscriptions (user_id, locale, since) "
                "VALUES (?, ?, '2025-01-01T00:00:00+00:00')",
                [(i, locales[i % 4]) for i in ids],
            )
    finally:
        await db.close()
    return ids


def limited_emulator(emulator: BotAPIEmulator, ids: list[int], blocked_share: float, seed: int) -> set[int]:
    emulator.rate_limit = RateLimit(per_second=30, per_chat_per_second=1, retry_after=1)
    emulator.max_poll_wait = 0.5
    blocked = set(random.Random(seed).sample(ids, round(len(ids) * blocked_share)))
    emulator.blocked = blocked
    return blocked


def broadcast_calls(emulator: BotAPIEmulator, ids: set[int]) -> list[Any]:
    return [c for c in emulator.calls if c.method == "sendMessage" and c.chat_id in ids]


async def outcome(db_path: Path, emulator: BotAPIEmulator, ids: list[int]) -> dict[str, Any]:
    wanted = set(ids)
    calls = broadcast_calls(emulator, wanted)
    delivered = Counter(c.chat_id for c in calls if c.status == 200)
    db = await Database.open(db_path)
    try:
        rows = {r[0]: r[1] for r in await db.fetchall("SELECT user_id, status FROM outbox")}
    finally:
        await db.close()
    statuses = Counter(rows.values())
    losses = [i for i in ids if delivered[i] == 0 and rows.get(i) not in ("blocked", "failed")]
    # Every answered request uses Telegram's capacity, delivered (200) or blocked (403).
    ok = [c for c in calls if c.status in (200, 403)]
    span = (ok[-1].at - ok[0].at) if len(ok) > 1 else 0.0
    return {
        "delivered": len(delivered),
        "duplicates": sum(n - 1 for n in delivered.values() if n > 1),
        "losses": len(losses),
        "statuses": dict(statuses),
        "rate": (len(ok) - 1) / span if span else 0.0,
        "span": span,
        "r429": Counter(
            "broadcast" if c.chat_id in wanted else "admin" if c.chat_id == ADMIN else "answers"
            for c in emulator.calls
            if c.status == 429
        ),
    }


class Tally:
    """Looks at each recorded call once. (The emulator's `wait_for` rescans every call since
    `after` on each new call: over a 10,000-message broadcast that costs the shared event loop
    more than the bot does, and would be measured as the bot's latency.)"""

    def __init__(self, emulator: BotAPIEmulator, wanted: set[int]) -> None:
        self.emulator = emulator
        self.wanted = wanted
        self.seen = len(emulator.calls)
        self.delivered = 0
        self.report: Any = None

    def update(self) -> None:
        calls = self.emulator.calls
        for c in calls[self.seen :]:
            if c.method != "sendMessage" or c.status != 200:
                continue
            if c.chat_id in self.wanted:
                self.delivered += 1
            elif c.chat_id == ADMIN and "#1" in c.text:
                self.report = c
        self.seen = len(calls)

    async def until(self, done: Any, limit: float, alive: Any = None) -> None:
        deadline = time.monotonic() + limit
        while True:
            self.update()
            if done(self):
                return
            if time.monotonic() > deadline or (alive is not None and not alive()):
                raise RuntimeError("the bot stopped or stalled")
            await asyncio.sleep(0.02)


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


# --- phase 1: in process -----------------------------------------------------------------------
class Asker:
    """People who are not subscribed send questions; the time to the answer is recorded."""

    def __init__(self, emulator: BotAPIEmulator, text: str) -> None:
        self.emulator = emulator
        self.text = text
        self.n = 0

    async def one(self) -> float:
        user = FIRST_ASKER + self.n % ASKERS
        self.n += 1
        mark = len(self.emulator.calls)
        started = self.emulator.clock()
        self.emulator.message(user, self.text)
        reply = await self.emulator.wait_for(
            lambda c: c.method == "sendMessage" and c.chat_id == user and c.status == 200,
            after=mark,
            timeout=60,
        )
        return reply.at - started

    async def series(
        self, count: int | None, per_second: float, until: asyncio.Event | None = None
    ) -> list[float]:
        tasks: list[asyncio.Task[float]] = []
        sent = 0
        while (count is None or sent < count) and not (until is not None and until.is_set()):
            tasks.append(asyncio.create_task(self.one()))
            sent += 1
            await asyncio.sleep(1.0 / per_second)
        return list(await asyncio.gather(*tasks))


async def question_text(emulator: BotAPIEmulator) -> str:
    """A plain question when the asking feature answers one, else /help."""
    probe = Asker(emulator, "Can WIEGO fund our cooperative of waste pickers in Nairobi?")
    try:
        await asyncio.wait_for(probe.one(), 3)
    except TimeoutError:
        return "/help"
    return probe.text


async def in_process(args: argparse.Namespace, workdir: Path) -> None:
    from bot.app import build_application, set_command_menus, start_background, stop_background
    from bot.services import open_services

    server = await StandInServer().start()
    emulator = server.emulator
    db_path = workdir / "inprocess.sqlite3"
    ids = await populate(db_path, args.subscribers)
    catalogs = Catalogs()
    env = {
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_BASE_URL": server.base_url,
        "WIEGO_DB": str(db_path),
        "WIEGO_ADMINS": str(ADMIN),
        "BROADCAST_RATE": os.environ.get("BROADCAST_RATE", ""),
    }
    services = await open_services(load_config(env, catalogs.codes), catalogs)
    app = build_application(services)
    try:
        async with app:
            await set_command_menus(app)
            assert app.updater is not None
            await app.updater.start_polling(poll_interval=0, timeout=1)
            await app.start()
            await start_background(app)
            try:
                text = await question_text(emulator)
                blocked = limited_emulator(emulator, ids, args.blocked, args.seed)
                print(f"questions: {text!r} from {ASKERS} people who are not subscribed")
                quiet = await Asker(emulator, text).series(args.baseline_questions, args.questions_per_second)
                # the admin composes and confirms through the conversation
                emulator.message(ADMIN, "/broadcast")
                await emulator.wait_for(
                    lambda c: c.method == "sendMessage" and c.chat_id == ADMIN,
                    after=len(emulator.calls) - 1,
                )
                await asyncio.sleep(1.1)  # Telegram's one message a second in one chat
                mark = len(emulator.calls)
                emulator.message(ADMIN, TEXT)
                preview = await emulator.wait_for(
                    lambda c: c.method == "sendMessage" and c.chat_id == ADMIN, after=mark
                )
                send = next(
                    b["callback_data"] for b in preview.buttons if b["callback_data"].startswith("ds:")
                )
                tally = Tally(emulator, set(ids))
                emulator.callback(ADMIN, send, message=preview.result)
                started = time.monotonic()
                done = asyncio.Event()
                busy_task = asyncio.create_task(
                    Asker(emulator, text).series(None, args.questions_per_second, until=done)
                )
                await tally.until(lambda t: t.report is not None, args.subscribers / 5 + 120)
                report = tally.report
                done.set()
                busy = await busy_task
                elapsed = time.monotonic() - started
            finally:
                await app.updater.stop()
                await stop_background(app)
                await app.stop()
    finally:
        await services.close()
        await server.stop()
    result = await outcome(db_path, emulator, ids)
    answers = sum(
        1
        for c in emulator.calls
        if c.method == "sendMessage" and c.status == 200 and (c.chat_id or 0) >= FIRST_ASKER
    )
    total_rate = result["rate"] + len(busy) / result["span"] if result["span"] else 0.0
    settings = services.delivery
    print()
    print(
        f"== in process: {args.subscribers:,} subscribers, {len(blocked):,} blocked "
        f"({args.blocked:.0%}), Telegram limit 30/s, BROADCAST_RATE {settings.rate:g}/s"
    )
    print(
        f"broadcast: {result['delivered']:,} delivered in {result['span']:.1f} s "
        f"(confirm to report {elapsed:.1f} s)"
    )
    print(
        f"  rate (200 and 403 answers) {result['rate']:.2f} msg/s = "
        f"{result['rate'] / 30:.1%} of Telegram's 30/s, "
        f"{result['rate'] / settings.rate:.1%} of BROADCAST_RATE"
    )
    print(
        f"  with the {len(busy)} answers sent meanwhile: {total_rate:.2f} msg/s = "
        f"{total_rate / 30:.1%} of 30/s"
    )
    print(f"  outbox: {result['statuses']}   429 answers from the server: {dict(result['r429'])}")
    print(f"  duplicates {result['duplicates']}   losses {result['losses']}")
    lines = report.text.splitlines()
    print(f"report to the admin: {lines[2] if len(lines) > 2 else report.text!r}")
    print(f"answers ({answers} in all):")
    for name, values in (("no broadcast", quiet), ("during the broadcast", busy)):
        print(
            f"  {name:22} n={len(values):4}  p50 {statistics.median(values) * 1000:6.1f} ms  "
            f"p99 {percentile(values, 99) * 1000:6.1f} ms  max {max(values) * 1000:6.1f} ms"
        )
    ratio = percentile(busy, 99) / percentile(quiet, 99)
    print(f"  p99 during / p99 without: {ratio:.2f}x (target within 1.5x)")


# --- phase 2: SIGKILL ------------------------------------------------------------------------
def bot_process(server: StandInServer, db_path: Path, workdir: Path) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "WIEGO_", "WEBHOOK_"))}
    env.update(
        TELEGRAM_BOT_TOKEN=TOKEN,
        TELEGRAM_API_BASE_URL=server.base_url,
        WIEGO_DB=str(db_path),
        WIEGO_ADMINS=str(ADMIN),
        PTB_TIMEDELTA="1",
    )
    log = (workdir / "bot.log").open("ab")
    return subprocess.Popen(
        [sys.executable, str(ROOT / "main.py"), "run"],
        env=env,
        cwd=workdir,
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=log,
    )


async def killed(args: argparse.Namespace, workdir: Path) -> None:
    server = await StandInServer().start()
    emulator = server.emulator
    db_path = workdir / "killed.sqlite3"
    n = args.kill_subscribers or args.subscribers
    ids = await populate(db_path, n)
    blocked = limited_emulator(emulator, ids, args.blocked, args.seed)
    db = await Database.open(db_path)
    try:
        await Outbox(db).create(
            created_by=ADMIN,
            texts={"en": TEXT, "es": "Actualización de WIEGO."},
            default_locale="en",
            progress_locale="en",
            progress_chat_id=ADMIN,
        )
    finally:
        await db.close()
    tally = Tally(emulator, set(ids))
    first = bot_process(server, db_path, workdir)
    try:
        target = int(n * 0.4)
        await tally.until(lambda t: t.delivered >= target, n / 5 + 120, lambda: first.poll() is None)
        first.send_signal(signal.SIGKILL)
        first.wait()
        tally.update()
        at_kill = tally.delivered
        killed_at = time.monotonic()
        await asyncio.sleep(1.0)
        second = bot_process(server, db_path, workdir)
        try:
            await tally.until(lambda t: t.report is not None, n / 5 + 120, lambda: second.poll() is None)
            resumed = time.monotonic() - killed_at
        finally:
            second.send_signal(signal.SIGTERM)
            second.wait(30)
    finally:
        if first.poll() is None:
            first.kill()
        await server.stop()
    result = await outcome(db_path, emulator, ids)
    print()
    print(f"== SIGKILL: `main.py run` killed after {at_kill:,} of {n:,} deliveries, restarted 1 s later")
    print(
        f"  {result['delivered']:,} delivered; {len(blocked):,} blocked; "
        f"finished {resumed:.1f} s after the kill"
    )
    print(f"  outbox: {result['statuses']}   429 answers from the server: {dict(result['r429'])}")
    print(f"  duplicates {result['duplicates']}   losses {result['losses']}")
    print(
        "  (the crash rule: rows in flight at the kill are sent again, so a duplicate is possible"
        " only for a message Telegram accepted in the last moment before the kill)"
    )


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--subscribers", type=int, default=10_000)
    parser.add_argument(
        "--kill-subscribers", type=int, default=None, help="for phase 2 (default: --subscribers)"
    )
    parser.add_argument(
        "--blocked", type=float, default=0.02, help="share of subscribers who blocked the bot"
    )
    parser.add_argument("--questions-per-second", type=float, default=2.0)
    parser.add_argument("--baseline-questions", type=int, default=100)
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--skip-kill", action="store_true")
    parser.add_argument("--only-kill", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="wiego-bench-") as tmp:
        workdir = Path(tmp)
        if not args.only_kill:
            await in_process(args, workdir)
        if not args.skip_kill:
            await killed(args, workdir)


if __name__ == "__main__":
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(main())
