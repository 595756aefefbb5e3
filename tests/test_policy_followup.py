"""Follow-ups with nothing to follow: a new chat, an expired subject, or one /forget dropped."""

from __future__ import annotations

import pytest

from directory.policy.answer import PolicyEngine

FRESH_FOLLOW_UPS = [
    ("and in Kenya?", "KE"),
    ("y en Perú?", "PE"),
    ("et au Sénégal ?", "SN"),
    ("e em Moçambique?", "MZ"),
    ("what about Ghana?", "GH"),
]


@pytest.mark.parametrize(("text", "country"), FRESH_FOLLOW_UPS)
async def test_a_follow_up_with_no_subject_asks_the_directory_for_that_place(
    engine: PolicyEngine, text: str, country: str
) -> None:
    answer = await engine.answer(text)
    assert [m.rule.id for m in answer.rules] == ["directory"]
    assert answer.followup is not None and [p.code for p in answer.followup.places] == [country]
    assert answer.organizations
    assert all(country in o.countries or o.kind in ("regional_network", "global_network") for o in answer.organizations)


async def test_a_sector_alone_with_no_subject_asks_the_directory_for_that_sector(engine: PolicyEngine) -> None:
    answer = await engine.answer("and domestic workers?")
    assert [m.rule.id for m in answer.rules] == ["directory"]
    assert answer.organizations and all("domestic_workers" in o.sectors for o in answer.organizations)


@pytest.mark.parametrize(
    "text",
    [
        "what about the weather in Accra?",  # opens like one, but surely no question for us
        "Kenya is beautiful",  # no opener
        "hi from Nairobi",
    ],
)
async def test_a_place_in_a_message_that_is_no_follow_up_starts_no_directory_answer(
    engine: PolicyEngine, text: str
) -> None:
    answer = await engine.answer(text)
    assert answer.followup is None
    assert "directory" not in [m.rule.id for m in answer.rules]
