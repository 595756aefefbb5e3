"""Multi-turn conversations written by someone who never saw the code, played through the
stand-in server (tests/conversations/runner.py): follow-ups, small talk, unknown places, buttons,
a location, media, other languages, in four languages."""

from __future__ import annotations

import pytest

from tests.conversations.runner import Player, load

HOLD_TARGET = 0.9
"""Share of conversations that must hold entirely (every turn as expected)."""


@pytest.mark.slow
async def test_most_conversations_hold(bot, services, catalogs) -> None:
    conversations = load()
    assert len(conversations) >= 40
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
    assert held >= HOLD_TARGET * len(outcomes), report
