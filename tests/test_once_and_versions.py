"""The domain's guarantees the guarded layer relies on: a claim is taken once, in the writing
transaction; a version is checked inside the transaction; the live engine follows every stored
change once it is committed; a conversation survives as typed state; a vote is one row."""

from __future__ import annotations

import asyncio

import pytest

from bot.flow.state import Draft, ListingEdit, PendingStore, RuleEdit
from directory.claims import Claims
from directory.conversations import Conversations
from directory.db import Database
from directory.fields import FieldError
from directory.outcomes import AlreadyDone, ChangedMeanwhile
from directory.policy.feedback import PolicyFeedback, Vote
from directory.policy.live import live_engine
from directory.policy.rules import PolicyRules, changed_languages, parse_part
from directory.search import Directory


async def test_a_claim_is_taken_once_even_at_the_same_moment(db: Database) -> None:
    claims = Claims(db)

    async def press() -> bool:
        try:
            async with db.atomic() as conn:
                await Claims.take_in(conn, "ds:ab12:3")
                await asyncio.sleep(0)  # the work of the press
        except AlreadyDone:
            return False
        return True

    results = await asyncio.gather(*(press() for _ in range(5)))
    assert sorted(results) == [False, False, False, False, True]
    assert await claims.taken("ds:ab12:3")


async def test_a_claim_rolls_back_with_failed_work(db: Database) -> None:
    with pytest.raises(RuntimeError):
        async with db.atomic() as conn:
            await Claims.take_in(conn, "pk:ff00:1")
            raise RuntimeError("the work failed")
    assert not await Claims(db).taken("pk:ff00:1")


async def test_on_commit_hooks_run_after_commit_and_never_after_rollback(db: Database) -> None:
    ran: list[str] = []

    async def hook() -> None:
        ran.append("hook")

    async with db.atomic():
        await db.on_commit(hook)
        assert ran == []
    assert ran == ["hook"]
    with pytest.raises(RuntimeError):
        async with db.atomic():
            await db.on_commit(hook)
            raise RuntimeError
    assert ran == ["hook"]
    await db.on_commit(hook)  # outside a transaction: at once
    assert ran == ["hook", "hook"]


async def test_the_version_is_checked_inside_the_transaction(db: Database) -> None:
    rules = PolicyRules(db)
    await rules.load_seed()
    saved = await rules.update_rule("funding", "user:1", verdict="yes", expected_version=1)
    assert saved.version == 2
    with pytest.raises(ChangedMeanwhile) as caught:
        await rules.update_rule("funding", "user:2", verdict="sometimes", expected_version=1)
    assert caught.value.current.version == 2 and caught.value.current.verdict == "yes"
    assert len(await rules.versions("funding")) == 2


async def test_two_admins_saving_at_once_never_raise_an_integrity_error(db: Database) -> None:
    rules = PolicyRules(db)
    await rules.load_seed()

    async def save(why: str) -> str:
        try:
            await rules.update_rule("funding", why, lang="en", text={"why": why}, expected_version=1)
        except ChangedMeanwhile:
            return "changed meanwhile"
        return "saved"

    assert sorted(await asyncio.gather(save("first"), save("second"))) == ["changed meanwhile", "saved"]
    assert [v.version for v in await rules.versions("funding")] == [1, 2]


async def test_the_live_engine_follows_every_committed_change(db: Database) -> None:
    engine = live_engine(db, Directory(db))
    await engine.load()
    question = "Can WIEGO fund our project?"
    assert engine.match(question)[0][0].rule.verdict == "no"
    await engine.rules.update_rule("funding", "user:1", verdict="sometimes")
    assert engine.match(question)[0][0].rule.verdict == "sometimes"  # no load() called
    with pytest.raises(RuntimeError):
        async with db.atomic():
            await engine.rules.update_rule("funding", "user:1", verdict="yes")
            raise RuntimeError("rolled back")
    assert engine.match(question)[0][0].rule.verdict == "sometimes"


async def test_changed_languages(db: Database) -> None:
    rules = PolicyRules(db)
    await rules.load_seed()
    await rules.update_rule("media", "user:1", lang="pt", text={"why": "Outra razão."})
    text_edit = (await rules.versions("media"))[-1]
    assert changed_languages(text_edit.before, text_edit.after) == {"pt"}
    await rules.update_rule("media", "user:1", verdict="not_applicable")
    verdict_edit = (await rules.versions("media"))[-1]
    assert changed_languages(verdict_edit.before, verdict_edit.after) == {"en", "es", "fr", "pt"}
    assert changed_languages(None, verdict_edit.after) == {"en", "es", "fr", "pt"}


@pytest.mark.parametrize(
    ("part", "raw", "result"),
    [
        ("why", "  Because.\n\n\n\nReally. ", "Because.\n\nReally."),
        ("instead", "-", ""),
        ("why", "-", "required"),
        ("verdict_line", "x" * 301, "too_long"),
        ("verdict_line", "   ", "empty"),
        ("links", "x", "unknown_field"),
    ],
)
def test_text_limits_and_required_parts_are_domain_rules(part: str, raw: str, result: str) -> None:
    try:
        assert parse_part(part, raw) == result
    except FieldError as error:
        assert error.code == result


async def test_a_conversation_is_kept_as_typed_state(db: Database) -> None:
    store = PendingStore(Conversations(db), Claims(db))
    await store.load()
    edit = ListingEdit("test-alpha", 7, "members", previewed=True, value=("40", "2024"), before=("", ""))
    await store.put(5, edit)
    again = PendingStore(Conversations(db), Claims(db))  # another process, after a restart
    await again.load()
    assert again.may_have(5) and not again.may_have(6)
    assert await again.get(5) == edit  # tuples come back as tuples
    await again.put(5, RuleEdit("funding", "es", "why", 3))
    found = await again.get(5)
    assert isinstance(found, RuleEdit) and found.base_version == 3
    assert await again.drop(5) and await again.get(5) is None


async def test_abandoning_a_shared_update_frees_its_button(db: Database) -> None:
    claims = Claims(db)
    store = PendingStore(Conversations(db), claims)
    async with db.atomic() as conn:
        await Claims.take_in(conn, "pb:funding:2")
    await store.put(9, Draft("en", origin="pb:funding:2"))
    await store.drop(9)  # sent: the press stays done
    assert await claims.taken("pb:funding:2")
    await store.put(9, Draft("en", origin="pb:funding:2"))
    await store.abandon(9)  # discarded: it may be pressed again
    assert not await claims.taken("pb:funding:2")


async def test_one_vote_per_key_and_no_user_id(db: Database) -> None:
    feedback = PolicyFeedback(db)
    key = await feedback.vote_key(-100, 42, 123456)
    assert "123456" not in key and key == await feedback.vote_key(-100, 42, 123456)
    assert key != await feedback.vote_key(-100, 42, 123457)
    assert await feedback.vote(key, "Q?", "funding", False) is Vote.NEW
    assert await feedback.vote(key, "Q?", "funding", False) is Vote.SAME
    assert await feedback.vote(key, "Q?", "funding", True) is Vote.CHANGED
    rows = await db.fetchall("SELECT helpful FROM policy_feedback")
    assert [r[0] for r in rows] == [1]
