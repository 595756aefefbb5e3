"""Multi-turn conversations written by someone who never saw the code, played through the
stand-in server (tests/conversations/runner.py): follow-ups, small talk, unknown places, buttons,
a location, media, other languages, in four languages."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conversations.runner import CONVERSATIONS, Player, load

HOLD_TARGETS = {
    CONVERSATIONS.name: 0.9,
    "held_out_D2.jsonl": 0.8,  # first measure 23/32 (bench/heldout/first_measures/D2_*); 29/32 now
    "held_out_D3.jsonl": 0.85,  # first measure 31/32 (bench/heldout/first_measures/D3_*)
}
"""Per file, the share of conversations that must hold entirely (every turn as expected).
A held-out file joins with its first measure recorded in the README, its target below it."""


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(HOLD_TARGETS))
async def test_most_conversations_hold(bot, services, catalogs, name: str) -> None:
    conversations = load(Path(CONVERSATIONS).with_name(name))
    assert len(conversations) >= 30
    assert {c["lang"] for c in conversations} == {"en", "es", "fr", "pt"}
    from directory.organizations import Organizations

    orgs = await Organizations(services.db).list_all()
    player = Player(bot, catalogs, orgs)
    player.rules = {r.id: r for r in await services.policy.rules.current()}
    outcomes = [await player.play(c, user=5000 + i) for i, c in enumerate(conversations)]
    failed = [o for o in outcomes if not o.holds]
    report = "\n".join(f"{o.conversation}: {'; '.join(o.misses)}" for o in failed)
    held = len(outcomes) - len(failed)
    print(f"\n{held}/{len(outcomes)} conversations hold\n{report}")
    assert held >= HOLD_TARGETS[name] * len(outcomes), report
