"""Seed: idempotent, fast when unchanged, never clobbers edits; history on every change."""

from __future__ import annotations

from dataclasses import replace

import pytest

from directory import seed
from directory.db import Database
from directory.listings import Listings
from directory.organizations import Organization, Organizations


async def test_seed_is_idempotent(db: Database) -> None:
    assert await seed.load_seed(db) == 97  # the shipped directory (../shared/data, issue 10)
    first = await Organizations(db).list_all()
    assert await seed.load_seed(db) == 0
    assert await Organizations(db).list_all() == first
    mncr = await Organizations(db).get("mncr")
    assert mncr is not None and mncr.summary("pt").startswith("Movimento")
    assert {lang for lang, _t in mncr.summaries} == {"en", "es", "fr", "pt"}


def test_every_seeded_organization_has_a_summary_in_every_language() -> None:
    for org in seed.seed_organizations():
        summaries = dict(org.summaries)
        assert set(summaries) == {"en", "es", "fr", "pt"}, org.id
        assert all(text.strip() and "\n" not in text for text in summaries.values()), org.id


async def test_caribbean_network_covers_caribbean_countries(db: Database) -> None:
    from directory.search import Directory

    await seed.load_seed(db)
    result = await Directory(db).search(sectors=["domestic_workers"], countries=["BB"], limit=10)
    assert "cdwn" in [h.org.id for h in result.hits]


async def test_seed_update_keeps_member_edits(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    await seed.load_seed(db)
    repo = Organizations(db)
    sewa = await repo.get("sewa")
    assert sewa is not None
    await repo.upsert(replace(sewa, members="3 million members"), "admin:42")
    original = seed.seed_organizations

    def updated() -> list[Organization]:
        orgs = original()
        orgs = [
            replace(o, members="changed by seed") if o.id in ("sewa", "kkpkp") else o for o in orgs
        ]
        return [*orgs, replace(orgs[0], id="new-network", name="New Network")]

    monkeypatch.setattr(seed, "seed_organizations", updated)
    monkeypatch.setattr(seed, "seed_hash", lambda: "another")
    assert await seed.load_seed(db) == 2
    assert (await repo.get("sewa")).members == "3 million members"  # type: ignore[union-attr]
    assert (await repo.get("kkpkp")).members == "changed by seed"  # type: ignore[union-attr]
    assert await repo.get("new-network") is not None


async def test_history_and_revert(db: Database) -> None:
    await seed.load_seed(db)
    repo = Organizations(db)
    org = await repo.get("kenasvit")
    assert org is not None
    changed = await repo.upsert(
        replace(org, website="https://kenasvit.example.org", city="Nairobi"), "admin:1"
    )
    assert sorted(changed) == ["city", "website"]
    history = await repo.history("kenasvit")
    assert [h.field for h in history] == ["*", "city", "website"]
    assert (
        history[1].old == "Nakuru" and history[1].new == "Nairobi" and history[1].who == "admin:1"
    )
    done = await Listings(db, repo).revert(history[1].id, "admin:2")
    reverted = await repo.get("kenasvit")
    assert done is not None and reverted is not None and reverted.city == "Nakuru"
    assert reverted.website == "https://kenasvit.example.org"
    assert len(await repo.history("kenasvit")) == 4
    assert await repo.upsert(reverted, "admin:3") == []  # no change, no history
