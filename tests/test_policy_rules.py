"""Rules as data: seeded idempotently, edited by admins with every version kept; feedback."""

from __future__ import annotations

import json

import pytest

from directory.db import Database
from directory.policy.feedback import PolicyFeedback
from directory.policy.rules import PolicyRules, RuleError, RuleText, read_seed

RULE_IDS = {
    "funding",
    "information",
    "student_research",
    "media",
    "new_subject_area",
    "private_sector",
    "internship",
    "access_to_workers",
    "service_delivery",
    "government_call",
    "short_deadline",
    "speaker",
    "partnership",
    "directory",
    "membership",
    "about_wiego",
}


def _seed_v2(change: str) -> str:
    """The bundled seed one version newer, with changed English verdict lines."""
    data = json.loads(json.dumps(_bundled()))
    data["version"] = int(data["version"]) + 1
    for rule in data["rules"]:
        rule["text"]["en"]["verdict_line"] = change
    return json.dumps(data)


def _bundled() -> dict[str, object]:
    from importlib import resources

    return json.loads((resources.files("directory.data") / "policy_rules.json").read_text())


def test_seed_covers_the_contract_in_four_languages() -> None:
    version, rules = read_seed()
    assert version >= 1
    assert {r.id for r in rules} == RULE_IDS
    for rule in rules:
        assert set(rule.texts) == {"en", "es", "fr", "pt"}
        assert all(t.verdict_line and t.why and t.instead for t in rule.texts.values())
        assert all(link.startswith("https://www.wiego.org/") for link in rule.links)


async def test_seed_is_idempotent(db: Database) -> None:
    repo = PolicyRules(db)
    assert await repo.load_seed() == len(RULE_IDS)
    assert await repo.load_seed() == 0
    assert {r.id for r in await repo.current()} == RULE_IDS
    assert len(await repo.versions("funding")) == 1


async def test_edit_creates_a_version_with_before_and_after(db: Database) -> None:
    repo = PolicyRules(db)
    await repo.load_seed()
    edited = await repo.update_rule("speaker", "admin:42", verdict="no")
    edited = await repo.update_rule("speaker", "admin:42", lang="es", text={"why": "Nuevo motivo."})
    assert edited.verdict == "no"
    assert edited.text("es").why == "Nuevo motivo."
    assert edited.version == 3
    versions = await repo.versions("speaker")
    assert [v.version for v in versions] == [1, 2, 3]
    assert versions[1].who == "admin:42"
    assert versions[1].before is not None and versions[1].before.verdict == "sometimes"
    assert versions[1].after.verdict == "no"
    assert versions[2].after.text("es").verdict_line == versions[1].after.text("es").verdict_line


async def test_a_no_op_edit_stores_nothing(db: Database) -> None:
    repo = PolicyRules(db)
    await repo.load_seed()
    rule = await repo.update_rule("media", "admin", verdict="yes")
    assert rule.version == 1
    assert len(await repo.versions("media")) == 1


async def test_bad_edits_are_refused(db: Database) -> None:
    repo = PolicyRules(db)
    await repo.load_seed()
    with pytest.raises(RuleError):
        await repo.update_rule("nope", "admin", verdict="no")
    with pytest.raises(RuleError):
        await repo.update_rule("media", "admin", verdict="maybe")
    with pytest.raises(RuleError):
        await repo.update_rule("media", "admin", text=RuleText("a", "b", "c"))
    with pytest.raises(RuleError):
        await repo.update_rule("media", "admin", lang="en", text={"colour": "red"})


async def test_newer_seed_updates_only_rules_admins_did_not_edit(db: Database) -> None:
    repo = PolicyRules(db)
    await repo.load_seed()
    await repo.update_rule("funding", "admin", lang="en", text={"verdict_line": "Admin words."})
    assert await repo.load_seed(_seed_v2("Seed v2 words.")) == len(RULE_IDS) - 1
    rules = {r.id: r for r in await repo.current()}
    assert rules["funding"].text("en").verdict_line == "Admin words."
    assert rules["media"].text("en").verdict_line == "Seed v2 words."
    assert [v.who for v in await repo.versions("media")] == ["seed", "seed"]
    assert await repo.load_seed(_seed_v2("Seed v2 words.")) == 0


async def test_feedback_has_no_user_id(db: Database) -> None:
    columns = {row["name"] for row in await db.fetchall("PRAGMA table_info(policy_feedback)")}
    assert columns == {"id", "at", "question", "rule_id", "helpful", "vote_key", "reason"}
    assert not any("user" in c for c in columns)


async def test_feedback_lists_unanswered_and_unhelpful(db: Database) -> None:
    feedback = PolicyFeedback(db)
    await feedback.record("Can you fund us?", "funding", True)
    await feedback.record("Where are the statistics?", "information", False)
    await feedback.record_unanswered("What's the capital of Peru?")
    assert [e.question for e in await feedback.recent_unhelpful()] == ["Where are the statistics?"]
    unanswered = await feedback.recent_unanswered()
    assert [(e.question, e.rule_id, e.helpful) for e in unanswered] == [
        ("What's the capital of Peru?", None, None)
    ]
