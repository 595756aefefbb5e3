"""Policy matcher accuracy and latency over the shared evaluation set and our own questions.

    .venv/bin/python bench/policy_accuracy.py [--eval PATH] [--own PATH ...] [-v]

`--own` may be given several times (default: `bench/questions_own.jsonl`).

Builds a temporary database (migrations, directory seed, policy seed), answers every question
and prints: top-1 rule accuracy per language and per rule, recall of `also` rules (and how
often a second rule was answered that nobody asked for), off-topic refusals, referral hits (an
expected organization among the first five), how often the reply would be in the message's own
language, and the p50/p99 latency of `answer()` (first readings; then the same questions sent
again, whose readings are kept). Targets (issue 9 and 13): >=95% top-1 in
every language, >=95% refusals, >=95% referrals, >=90% `also` recall, answer() p50 <= 0.5 ms and
p99 <= 1 ms. Exit status 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from directory.db import Database  # noqa: E402
from directory.policy import PolicyEngine  # noqa: E402
from directory.search import Directory  # noqa: E402
from directory.seed import load_seed  # noqa: E402

SHARED_EVAL = ROOT.parent / "shared" / "eval" / "policy-questions.jsonl"
OWN_EVAL = ROOT / "bench" / "questions_own.jsonl"
TOP1_TARGET, REFUSAL_TARGET, REFERRAL_TARGET, ALSO_TARGET = 0.95, 0.95, 0.95, 0.90
P50_TARGET_MS, P99_TARGET_MS = 0.5, 1.0


@dataclass
class Tally:
    """Hits out of totals per key."""

    hits: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    totals: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    def add(self, key: str, ok: bool) -> None:
        self.totals[key] += 1
        self.hits[key] += int(ok)

    def rate(self, key: str) -> float:
        return self.hits[key] / self.totals[key] if self.totals[key] else 1.0

    def line(self, key: str) -> str:
        return f"{self.rate(key):6.1%}  ({self.hits[key]}/{self.totals[key]})"


def read_cases(path: Path) -> list[dict[str, Any]]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def shortened(text: str, keep: int = 500) -> str:
    """A long letter's head and tail: the ask is usually at the end."""
    if len(text) <= keep:
        return text
    return f"{text[: keep // 3]} [...] {text[-(keep * 2) // 3:]}"


@dataclass
class Figures:
    """The tallies of one or more question files: what `bench/policy_accuracy.py` prints."""

    by_lang: Tally = field(default_factory=Tally)
    by_rule: Tally = field(default_factory=Tally)
    also: Tally = field(default_factory=Tally)
    refusals: Tally = field(default_factory=Tally)
    referrals: Tally = field(default_factory=Tally)
    extra: Tally = field(default_factory=Tally)
    language: Tally = field(default_factory=Tally)

    def add(self, other: Figures) -> None:
        """Count `other`'s hits and totals in these (cross-validation's sum over its folds)."""
        for name in self.__dataclass_fields__:
            mine, theirs = getattr(self, name), getattr(other, name)
            for key, total in theirs.totals.items():
                mine.totals[key] += total
                mine.hits[key] += theirs.hits[key]

    def print(self, title: str) -> None:
        print(f"\n== {title}")
        print("top-1 rule accuracy per language:")
        for lang in sorted(self.by_lang.totals):
            print(f"  {lang:18} {self.by_lang.line(lang)}")
        print("top-1 rule accuracy per rule:")
        for rule in sorted(self.by_rule.totals):
            print(f"  {rule:18} {self.by_rule.line(rule)}")
        print(f"also-rule recall     {self.also.line('also')}")
        print(f"second rule not asked {self.extra.line('extra')}")
        print(f"reply language right {self.language.line('lang')}  (sure and wrong counts as wrong)")
        print(f"off-topic refusals   {self.refusals.line('off-topic')}")
        print(f"referral hits        {self.referrals.line('orgs')}")

    def met(self) -> bool:
        """Whether every accuracy target of issue 9 holds."""
        return (
            all(self.by_lang.rate(lang) >= TOP1_TARGET for lang in self.by_lang.totals)
            and self.refusals.rate("off-topic") >= REFUSAL_TARGET
            and self.referrals.rate("orgs") >= REFERRAL_TARGET
            and self.also.rate("also") >= ALSO_TARGET
        )


async def evaluate(
    engine: PolicyEngine, path: Path, verbose: bool, into: Figures | None = None
) -> tuple[bool, list[float]]:
    """Print the figures for one question file (and count them `into` a sum); True when every
    target is met."""
    figures = Figures()
    by_lang, by_rule, also, refusals, referrals = (
        figures.by_lang, figures.by_rule, figures.also, figures.refusals, figures.referrals
    )
    extra, language = figures.extra, figures.language
    latencies: list[float] = []
    misses: list[str] = []
    for case in read_cases(path):
        start = time.perf_counter()
        answer = await engine.answer(case["question"])
        latencies.append((time.perf_counter() - start) * 1000)
        got = [m.rule.id for m in answer.rules]
        if case["rules"]:
            ok = bool(got) and got[0] in case["rules"]
            by_lang.add(case["lang"], ok)
            by_rule.add(case["rules"][0], ok)
        else:
            ok = not got
            refusals.add("off-topic", ok)
            by_lang.add(case["lang"], ok)
        for rule in case["also"]:
            also.add("also", rule in got)
            ok = ok and rule in got
        if case["rules"] and not case["also"] and answer.second_ask is not None:
            extra.add("extra", answer.second_ask.rule.id not in case["rules"])
        elif case["rules"] and not case["also"]:
            extra.add("extra", False)
        found = answer.cues.language
        language.add("lang", found.verdict != "ours" or found.language == case["lang"])
        if case["orgs"]:
            first = [o.id for o in answer.organizations[:5]]
            hit = any(o in first for o in case["orgs"])
            referrals.add("orgs", hit)
            ok = ok and hit
        if not ok:
            misses.append(
                f"  {case['id']}: {shortened(case['question'])!r}\n"
                f"      want {case['rules']} also {case['also']} orgs {case['orgs'][:5]}\n"
                f"      got  {got} orgs {[o.id for o in answer.organizations[:5]]}"
            )
    figures.print(str(path))
    if misses and verbose:
        print("misses:", *misses, sep="\n")
    if into is not None:
        into.add(figures)
    return figures.met(), latencies


def percentiles(latencies: list[float]) -> tuple[float, float]:
    """p50 and p99 (nearest rank) of the latencies, in their unit."""
    ordered = sorted(latencies)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]


async def answered_again(engine: PolicyEngine, paths: list[Path]) -> list[float]:
    """The latency of each question answered a second time by the same engine: what a text
    sent again costs (the targets are judged on the first reading, above)."""
    latencies: list[float] = []
    for path in paths:
        for case in read_cases(path):
            start = time.perf_counter()
            await engine.answer(case["question"])
            latencies.append((time.perf_counter() - start) * 1000)
    return latencies


async def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--eval", type=Path, default=SHARED_EVAL, help="shared evaluation set")
    parser.add_argument(
        "--own", type=Path, action="append", help="our own question set (repeatable)"
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="list the misses")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        db = await Database.open(Path(tmp) / "bench.sqlite3")
        try:
            await load_seed(db)
            engine = PolicyEngine(db, Directory(db))
            start = time.perf_counter()
            await engine.load()
            print(f"engine load (seed + vocabulary): {(time.perf_counter() - start) * 1000:.0f} ms")
            met, latencies = True, list[float]()
            paths = [args.eval, *(args.own or [OWN_EVAL])]
            for path in paths:
                ok, lat = await evaluate(engine, path, args.verbose)
                met, latencies = met and ok, latencies + lat
            again = await answered_again(engine, paths)
        finally:
            await db.close()
    p50, p99 = percentiles(latencies)
    print(f"\nanswer() latency over {len(latencies)} questions, each read for the first time: "
          f"p50 {p50:.2f} ms, p99 {p99:.2f} ms, max {max(latencies):.2f} ms")
    again50, again99 = percentiles(again)
    print(f"the same questions sent again (their readings kept): p50 {again50:.2f} ms, "
          f"p99 {again99:.2f} ms")
    met = met and p50 <= P50_TARGET_MS and p99 <= P99_TARGET_MS
    print("all targets met" if met else "TARGETS MISSED")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
