"""The answer names organizations from the directory, filtered by the question's cues."""

from __future__ import annotations

import pytest

from directory.db import Database
from directory.policy import PolicyEngine


async def _orgs(engine: PolicyEngine, text: str) -> tuple[str, list[str]]:
    answer = await engine.answer(text)
    assert answer.rules, text
    return answer.rules[0].rule.id, [o.id for o in answer.organizations]


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("Can you put me in touch with domestic workers in Peru?", {"conlactraho", "idwf"}),
        ("I need contacts of street vendors in Ghana", {"ihvag", "gama"}),
        ("How can I reach waste pickers in India?", {"aiw", "kkpkp", "swach", "hasiru-dala"}),
        ("¿Me pueden contactar con vendedores ambulantes en México?", {"streetnet"}),
    ],
)
async def test_access_refers_by_sector_and_place(
    engine: PolicyEngine, question: str, expected: set[str]
) -> None:
    rule, orgs = await _orgs(engine, question)
    assert rule == "access_to_workers"
    assert expected & set(orgs[:5])
    assert len(orgs) <= 5


async def test_access_without_cues_names_global_networks(engine: PolicyEngine) -> None:
    rule, orgs = await _orgs(engine, "Can WIEGO put me in touch with informal workers?")
    assert rule == "access_to_workers"
    assert orgs and {"streetnet", "idwf", "iawp", "homenet-international"} & set(orgs)


async def test_internship_names_members_in_the_place(engine: PolicyEngine) -> None:
    answer = await engine.answer("I want an internship with a waste pickers group in India")
    assert answer.rules[0].rule.id == "internship"
    assert answer.organizations
    assert all(o.kind in {"national", "local"} for o in answer.organizations)
    assert all("IN" in o.countries for o in answer.organizations)
    assert answer.referral is not None and answer.referral.outcome == "in_place"


async def test_speaker_requests_lead_with_networks(engine: PolicyEngine) -> None:
    answer = await engine.answer("We need a keynote speaker on domestic work for our conference")
    assert answer.rules[0].rule.id == "speaker"
    networks = [o.kind.endswith("network") for o in answer.organizations]
    assert networks[:3] == [True, True, True]
    assert networks == sorted(networks, reverse=True), "members, if any, only after every network"


async def test_an_unrecognized_place_is_reported_not_filled_from_elsewhere(engine: PolicyEngine) -> None:
    answer = await engine.answer("Can WIEGO connect me with street vendors in QV for interviews?")
    assert answer.rules[0].rule.id == "access_to_workers"
    assert answer.referral is not None
    assert answer.referral.outcome == "place_unknown" and answer.referral.unrecognized == ("QV",)
    assert [o.id for o in answer.organizations] == ["streetnet"]


async def test_rules_that_refer_to_none_name_nobody(engine: PolicyEngine) -> None:
    answer = await engine.answer("Can WIEGO give my waste pickers cooperative in Brazil a grant?")
    assert answer.rules[0].rule.id == "funding"
    assert answer.organizations == []


async def test_directory_rule_gives_search_results(engine: PolicyEngine) -> None:
    rule, orgs = await _orgs(engine, "cooperativas de catadores no Brasil")
    assert rule == "directory"
    assert "mncr" in orgs


async def test_off_topic_answer_is_empty(engine: PolicyEngine) -> None:
    answer = await engine.answer("What is the capital of France?")
    assert answer.rules == [] and answer.organizations == [] and answer.close_second is None
    assert [p.code for p in answer.cues.places] == ["FR"]


async def test_admin_edit_is_answered_after_reload(engine: PolicyEngine) -> None:
    await engine.rules.update_rule("funding", "admin", lang="en", text={"why": "Edited."})
    await engine.load()
    answer = await engine.answer("Do you give grants?")
    assert answer.rules[0].rule.text("en").why == "Edited."


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        (
            "Do you give grants to street vendor groups? If not, are there vendor unions in Kenya we could join?",
            {"kenasvit"},
        ),
        (
            "¿Nos pueden financiar un taller? Y también, ¿qué organizaciones de trabajadoras del hogar hay en Perú?",
            {"conlactraho"},
        ),
    ],
)
async def test_a_directory_request_asked_second_names_its_organizations(
    engine: PolicyEngine, question: str, expected: set[str]
) -> None:
    """The first ask refers to no one (funding), the second is for organizations: they are
    named, not only promised ("here are organizations that match" over an empty list)."""
    answer = await engine.answer(question)
    assert [m.rule.id for m in answer.rules[:2]] == ["funding", "directory"]
    assert answer.second_ask is not None and answer.second_ask.rule.id == "directory"
    assert expected <= {o.id for o in answer.organizations}


async def test_warming_up_answers_in_every_language_and_writes_nothing(
    engine: PolicyEngine, db: Database
) -> None:
    """`main.py run` warms up before its first update: every language the bot reads, typos,
    cities and regions, with nothing written to the database."""
    from directory.policy.answer import WARM_UP

    languages = {engine.read(text).cues.language.language for text in WARM_UP}
    assert languages == {"en", "es", "fr", "pt"}
    answers = [await engine.answer(text) for text in WARM_UP]
    assert all(a.rules and a.rules[0].rule.id == "funding" for a in answers)
    assert all(a.cues.places for a in answers)
    before = db.conn.total_changes
    await engine.warm_up()
    assert db.conn.total_changes == before
