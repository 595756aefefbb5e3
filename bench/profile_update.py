"""Where the time of one update goes: the real Application, in process, under cProfile.

    .venv/bin/python bench/profile_update.py [--updates 600] [--top 25]

Each update is a question from a new person (policy and directory, four languages) processed
by `Application.process_update` with the in-process Bot API emulator (no sockets), so the
profile shows our code and PTB's, not the network. Prints the mean time per update, the share
of it in each part (parsing the update, the answer, rendering, the database, PTB's request
path), and the functions with the most time of their own. `bench/PROFILE.md` reads it.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import json
import pstats
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from telegram import Update  # noqa: E402 - after sys.path

from bot.app import build_application  # noqa: E402
from bot.config import load_config  # noqa: E402
from bot.i18n import Catalogs  # noqa: E402
from bot.offline import FAKE_TOKEN, BotAPIEmulator, InProcessRequest  # noqa: E402
from bot.services import open_services  # noqa: E402

LANGS = ("en", "es", "fr", "pt")
# (label, substring of "file:function") - the parts of an update, by cumulative time
PARTS = (
    ("PTB: Update.de_json (parsing the update)", "telegram/_update.py:de_json"),
    ("PTB: process_update (whole update)", "telegram/ext/_application.py:process_update"),
    ("our handler: reply_to_question", "bot/handlers/ask.py:reply_to_question"),
    ("  answer(): read, classify, refer", "directory/policy/answer.py:answer"),
    ("    reading (words, cues, places, sectors)", "directory/policy/answer.py:read"),
    ("    referral (search the directory)", "directory/referrals.py:refer"),
    ("  composing the reply (text, cards, buttons)", "bot/answer_view.py:compose_answer"),
    ("  PTB: Bot.send_message (request path)", "telegram/_bot.py:send_message"),
    ("database reads (aiosqlite)", "aiosqlite/core.py:_execute"),
    ("writer task (batched writes)", "directory/writer.py:_write"),
)


def questions() -> list[str]:
    found = []
    for path in sorted((ROOT / "bench/heldout").glob("[HF]*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                found.append(json.loads(line)["question"])
    return found


async def run(updates: int, top: int) -> None:
    with tempfile.TemporaryDirectory(prefix="wiego-profile-") as tmp:
        catalogs = Catalogs()
        config = load_config({"WIEGO_DB": str(Path(tmp) / "p.sqlite3")}, catalogs.codes)
        services = await open_services(config, catalogs)
        emulator = BotAPIEmulator()
        app = build_application(services, token=FAKE_TOKEN, request=InProcessRequest(emulator))
        texts = questions()
        try:
            async with app:

                async def one(n: int) -> None:
                    raw = emulator.message(10_000 + n, texts[n % len(texts)], language_code=LANGS[n % 4])
                    await app.process_update(Update.de_json(raw, app.bot))

                for n in range(100):  # warm: look-up tables, caches, the first of each kind
                    await one(n)
                started = time.perf_counter()
                for n in range(100, 100 + updates):  # the same kind of load, not profiled
                    await one(n)
                plain = time.perf_counter() - started
                profile = cProfile.Profile()
                started = time.perf_counter()
                profile.enable()
                for n in range(100 + updates, 100 + 2 * updates):
                    await one(n)
                profile.disable()
                elapsed = time.perf_counter() - started
        finally:
            await services.close()
    stats = pstats.Stats(profile)
    print(
        f"{updates} updates, each from a new person: {1000 * plain / updates:.2f} ms per update "
        f"({updates / plain:.0f} updates/s) without the profiler, {1000 * elapsed / updates:.2f} ms under it"
    )

    raw = stats.stats  # type: ignore[attr-defined]
    total = sum(tt for (_cc, _nc, tt, _ct, _callers) in raw.values())
    print(f"\nshare of the profiled time (cumulative, {total:.2f} s in all):")
    for label, key in PARTS:
        suffix, name = key.split(":")
        cumulative = sum(
            ct
            for (file, _line, func), (_cc, _nc, _tt, ct, _cs) in raw.items()
            if file.endswith(suffix) and func == name
        )
        print(
            f"  {label:48} {100 * cumulative / total:5.1f} %   {1000 * cumulative / updates:6.2f} ms/update"
        )
    print(f"\nthe {top} functions with the most time of their own:")
    stats.sort_stats("tottime").print_stats(top)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--updates", type=int, default=600)
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args()
    asyncio.run(run(args.updates, args.top))


if __name__ == "__main__":
    main()
