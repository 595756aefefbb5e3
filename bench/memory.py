"""Resident memory and latency of `answer()` over many distinct messages, in one process.

    .venv/bin/python bench/memory.py [--messages 4000]

Answers that many different messages (the training sets, long letters included, in file
order) with the shipped model and prints RSS before the first and after every 1,000th, plus
p50/p99 of `answer()` per thousand: where the bounded caches level off, and what they buy.
Each message is new to the caches, as every real message is.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from directory.db import Database  # noqa: E402
from directory.policy import PolicyEngine  # noqa: E402
from directory.search import Directory  # noqa: E402
from directory.seed import load_seed  # noqa: E402


def rss_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def messages(limit: int) -> list[str]:
    seen: set[str] = set()
    out: list[str] = []
    for path in sorted((ROOT / "training" / "messages").glob("T*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            text = json.loads(line)["question"]
            if text not in seen:
                seen.add(text)
                out.append(text)
    return out[:limit]


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--messages", type=int, default=4000)
    args = parser.parse_args()
    texts = messages(args.messages)
    with tempfile.TemporaryDirectory() as tmp:
        db = await Database.open(Path(tmp) / "bench.sqlite3")
        try:
            await load_seed(db)
            engine = PolicyEngine(db, Directory(db))
            await engine.load()
            await engine.answer("warm-up: street vendors in Ghana")
            print(f"{len(texts)} distinct messages; RSS after loading {rss_mib():.1f} MiB", flush=True)
            times: list[float] = []
            for i, text in enumerate(texts, 1):
                start = time.perf_counter()
                await engine.answer(text)
                times.append((time.perf_counter() - start) * 1000)
                if i % 1000 == 0 or i == len(texts):
                    q = statistics.quantiles(times, n=100)
                    print(
                        f"after {i:5d}: RSS {rss_mib():6.1f} MiB · these {len(times)}: "
                        f"p50 {q[49]:.2f} ms, p99 {q[98]:.2f} ms",
                        flush=True,
                    )
                    times = []
        finally:
            await db.close()


if __name__ == "__main__":
    asyncio.run(main())
