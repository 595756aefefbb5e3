"""A message sent again is not read again: its reading is kept, bounded, and gives the same
answer as a first reading would, for the same day and model."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from directory.db import Database
from directory.kept import KeptBySize
from directory.policy import PolicyEngine
from directory.policy.model import PolicyModel
from directory.search import Directory

HELD_OUT = Path(__file__).resolve().parents[1] / "bench" / "heldout" / "G13.jsonl"


def _questions(n: int) -> list[str]:
    lines = [json.loads(line) for line in HELD_OUT.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [row["question"] for row in lines[:n]]


@given(st.lists(st.tuples(st.integers(0, 12), st.integers(0, 40)), max_size=60))
def test_kept_by_size_holds_its_bounds_and_the_newest_value(keeps: list[tuple[int, int]]) -> None:
    kept: KeptBySize[int, int] = KeptBySize(size=5, weight=30)
    for key, weight in keeps:
        kept.keep(key, weight, weight)
        assert len(kept) <= 5 and kept.weight <= 30
        if weight <= 30:
            assert kept.get(key) == weight  # the value just kept is never the one dropped
    present = [k for k in range(13) if kept.get(k) is not None]
    assert kept.weight == sum(kept.get(k) or 0 for k in present)


def test_kept_by_size_drops_the_least_recently_used_first() -> None:
    kept: KeptBySize[str, str] = KeptBySize(size=2, weight=100)
    kept.keep("a", "A", 1)
    kept.keep("b", "B", 1)
    assert kept.get("a") == "A"  # used after "b"
    kept.keep("c", "C", 1)
    assert kept.get("b") is None and kept.get("a") == "A" and kept.get("c") == "C"
    kept.keep("huge", "H", 101)  # heavier than all it may hold: not kept, nothing dropped
    assert kept.get("huge") is None and len(kept) == 2
    kept.clear()
    assert len(kept) == 0 and kept.weight == 0


async def test_an_answer_read_again_is_the_answer_read_first(engine: PolicyEngine, db: Database) -> None:
    questions = _questions(60)
    first = [await engine.answer(q) for q in questions]
    again = [await engine.answer(q) for q in questions]
    assert again == first
    fresh = PolicyEngine(db, Directory(db))
    await fresh.load()
    assert [await fresh.answer(q) for q in reversed(questions)] == list(reversed(first))


async def test_a_reading_is_kept_for_its_day_only(db: Database) -> None:
    from directory.seed import load_seed

    await load_seed(db)
    today = [dt.date(2026, 12, 1)]
    engine = PolicyEngine(db, Directory(db), today=lambda: today[0])
    await engine.load()
    text = "Can WIEGO join our funding proposal? The deadline is 15 December 2026."
    before = await engine.answer(text)
    today[0] = dt.date(2026, 12, 10)
    after = await engine.answer(text)
    assert before.cues.deadline_days is not None and after.cues.deadline_days is not None
    assert before.cues.deadline_days - after.cues.deadline_days == 9


class _CountingModel:
    """The shipped model, counting the messages it scores."""

    def __init__(self, model: PolicyModel) -> None:
        self.model = model
        self.calls = 0

    def scores(self, *args: Any) -> Any:
        self.calls += 1
        return self.model.scores(*args)


async def test_a_new_model_reads_every_message_again(engine: PolicyEngine) -> None:
    text = "Do you give small grants to street vendor cooperatives?"
    await engine.answer(text)
    counting = _CountingModel(PolicyModel.load())
    engine.use_model(counting)  # type: ignore[arg-type]
    await engine.answer(text)
    assert counting.calls >= 1
    scored = counting.calls
    await engine.answer(text)
    assert counting.calls == scored  # the same day, the same model: kept
