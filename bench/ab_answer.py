"""`answer()` latency of two checkouts, measured in lockstep: the same question to each in turn.

    .venv/bin/python bench/ab_answer.py --old /path/to/older/checkout [--new .] [SET ...]

SET names files of `bench/heldout/` (default: G9-G14). Each checkout answers in its own process
(its own code, data and model, over a seeded temporary database, warmed up as `main.py run`
does), and the driver hands every question to one then the other, alternating which goes
first. This machine's speed drifts by a third within minutes, so two runs one after the other
disagree by more than most changes; side by side, both see the same moment. Prints each
checkout's first-reading p50, p90, p99 and mean, and the median per-question ratio new/old.
The older checkout's derived data is kept in its own folder (`WIEGO_CACHE_DIR`), so the two
never rebuild each other's.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SETS = ("G9", "G10", "G11", "G12", "G13", "G14")


async def _serve() -> None:
    """Worker: answer each JSON question read from stdin, print its latency in seconds."""
    sys.path.insert(0, str(Path.cwd()))
    from directory.db import Database
    from directory.policy import PolicyEngine
    from directory.search import Directory
    from directory.seed import load_seed

    with tempfile.TemporaryDirectory() as tmp:
        db = await Database.open(Path(tmp) / "ab.sqlite3")
        try:
            await load_seed(db)
            engine = PolicyEngine(db, Directory(db))
            await engine.load()
            await engine.warm_up()
            print("ready", flush=True)
            loop = asyncio.get_running_loop()
            while line := await loop.run_in_executor(None, sys.stdin.readline):
                question = json.loads(line)
                start = time.perf_counter()
                await engine.answer(question)
                print(time.perf_counter() - start, flush=True)
        finally:
            await db.close()


class Worker:
    def __init__(self, checkout: Path, cache: Path | None) -> None:
        env = dict(os.environ)
        if cache is not None:
            env["WIEGO_CACHE_DIR"] = str(cache)
        python = checkout / ".venv" / "bin" / "python"
        self.process = subprocess.Popen(
            [str(python if python.exists() else Path(sys.executable)), __file__, "--worker"],
            cwd=checkout,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=env,
        )
        if self._line() != "ready":
            raise SystemExit(f"{checkout}: the worker did not start")
        self.latencies: list[float] = []

    def _line(self) -> str:
        assert self.process.stdout is not None
        return self.process.stdout.readline().strip()

    def ask(self, question: str) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(json.dumps(question) + "\n")
        self.process.stdin.flush()
        self.latencies.append(float(self._line()))

    def close(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.close()
        self.process.wait()


def summary(name: str, latencies: list[float]) -> str:
    ordered = sorted(latencies)
    n = len(ordered)

    def at(q: float) -> float:
        return ordered[min(n - 1, int(n * q))] * 1000

    return (
        f"{name}: n={n} p50 {statistics.median(ordered) * 1000:.2f} ms, p90 {at(0.9):.2f} ms, "
        f"p99 {at(0.99):.2f} ms, mean {statistics.fmean(ordered) * 1000:.2f} ms"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--old", type=Path, required=True, help="the checkout to compare against")
    parser.add_argument("--new", type=Path, default=ROOT, help="the checkout measured (default: this one)")
    parser.add_argument("sets", nargs="*", default=list(DEFAULT_SETS), help="bench/heldout/ file names")
    args = parser.parse_args(argv)
    questions = [
        json.loads(line)["question"]
        for name in args.sets
        for line in (ROOT / "bench" / "heldout" / f"{name}.jsonl").read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    with tempfile.TemporaryDirectory() as cache:
        old, new = Worker(args.old.resolve(), Path(cache)), Worker(args.new.resolve(), None)
        try:
            for i, question in enumerate(questions):
                for worker in (old, new) if i % 2 == 0 else (new, old):
                    worker.ask(question)
        finally:
            old.close()
            new.close()
    print(f"{len(questions)} questions ({', '.join(args.sets)}), each to both checkouts in turn")
    print(summary(f"old ({args.old})", old.latencies))
    print(summary(f"new ({args.new})", new.latencies))
    ratios = [b / a for a, b in zip(old.latencies, new.latencies, strict=True) if a > 0]
    print(f"per-question ratio new/old: median {statistics.median(ratios):.3f}")
    return 0


if __name__ == "__main__":
    if sys.argv[1:] == ["--worker"]:
        asyncio.run(_serve())
    else:
        sys.exit(main())
