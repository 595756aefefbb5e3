"""Listing self-service in the domain: invitations, field validation, edits, reverts, freshness."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta

import pytest

from directory.fields import FieldError
from directory.listing_fields import FIELDS, Edit, parse_field
from directory.listings import ClaimResult, Listings, NotEditor, token_hash
from directory.organizations import Organization, Organizations

TODAY = date(2025, 6, 15)
NOW = datetime(2025, 6, 15, 12, 0, tzinfo=UTC)
ADMIN = 900


@pytest.fixture
async def listings(db) -> Listings:
    repo = Organizations(db)
    await repo.add_many(
        [
            Organization(
                id="test-alpha",
                name="Alpha Recyclers",
                kind="national",
                sectors=("waste_pickers",),
                countries=("CO",),
                languages=("es",),
                summaries=(("en", "Alpha in English"),),
            ),
            Organization(id="test-beta", name="Beta Vendors", kind="local", countries=("KE",)),
        ],
        "seed",
    )
    return Listings(db, repo)


async def editor(listings: Listings, user_id: int, org_id: str = "test-alpha") -> None:
    invite = await listings.create_invite(org_id, ADMIN)
    assert invite is not None
    claim = await listings.claim(invite.token, user_id)
    assert claim.result is ClaimResult.CLAIMED


# --- invitations ---------------------------------------------------------------------------
async def test_invite_token_is_long_random_and_stored_only_as_a_hash(listings, db) -> None:
    a = await listings.create_invite("test-alpha", ADMIN)
    b = await listings.create_invite("test-alpha", ADMIN)
    assert a is not None and b is not None
    assert a.token != b.token and len(a.token) >= 32  # 24 random bytes = 192 bits
    rows = await db.fetchall("SELECT * FROM listing_invites")
    stored = " ".join(str(v) for r in rows for v in tuple(r))
    assert a.token not in stored and b.token not in stored
    assert token_hash(a.token) in stored


async def test_invite_for_an_unknown_organization(listings, db) -> None:
    assert await listings.create_invite("no-such-org", ADMIN) is None
    assert await db.fetchval("SELECT count(*) FROM listing_invites") == 0


async def test_claim_once_then_used_then_already(listings) -> None:
    invite = await listings.create_invite("test-alpha", ADMIN)
    assert invite is not None
    first = await listings.claim(invite.token, 101)
    assert first.result is ClaimResult.CLAIMED and first.org_id == "test-alpha"
    assert await listings.is_editor(101, "test-alpha")
    assert (await listings.claim(invite.token, 102)).result is ClaimResult.USED
    assert not await listings.is_editor(102, "test-alpha")
    assert (await listings.claim(invite.token, 101)).result is ClaimResult.ALREADY_EDITOR


async def test_claim_after_seven_days_is_expired(listings) -> None:
    invite = await listings.create_invite("test-alpha", ADMIN, now=NOW)
    assert invite is not None
    late = NOW + timedelta(days=7, seconds=1)
    assert (await listings.claim(invite.token, 101, now=late)).result is ClaimResult.EXPIRED
    assert not await listings.is_editor(101, "test-alpha")
    in_time = NOW + timedelta(days=6, hours=23)
    assert (await listings.claim(invite.token, 101, now=in_time)).result is ClaimResult.CLAIMED


@pytest.mark.parametrize(
    "token",
    ["", "short", "x" * 32, "a" * 31 + "!", "../../etc/passwd", "A" * 200, "é" * 32],
)
async def test_wrong_or_garbage_tokens_are_invalid(listings, token: str) -> None:
    await listings.create_invite("test-alpha", ADMIN)
    assert (await listings.claim(token, 101)).result is ClaimResult.INVALID
    assert not await listings.is_editor_anywhere(101)


async def test_concurrent_claims_have_one_winner(listings) -> None:
    invite = await listings.create_invite("test-alpha", ADMIN)
    assert invite is not None
    results = await asyncio.gather(*(listings.claim(invite.token, 200 + i) for i in range(8)))
    assert [r.result for r in results].count(ClaimResult.CLAIMED) == 1
    assert len(await listings.editors_of("test-alpha")) == 1


# --- parsing every field ----------------------------------------------------------------------
GOOD: list[tuple[str, str, object]] = [
    ("name", "  Asociación   de Recicladores  ", "Asociación de Recicladores"),
    ("name", "جمعية 😀 <b>Ação</b>", "جمعية 😀 <b>Ação</b>"),
    ("acronym", "ARB", "ARB"),
    ("acronym", "-", ""),
    ("website", "https://www.example.org/about?x=1", "https://www.example.org/about?x=1"),
    ("website", "example.org", "https://example.org"),
    ("website", "http://bücher.example", "http://bücher.example"),
    ("website", "-", ""),
    ("email", "Info@Example.ORG", "Info@example.org"),
    ("email", "mailto:contact@réseau.org", "contact@xn--rseau-bsa.org"),
    ("email", "-", ""),
    ("phone", "+254 20 2710000", "+254 20 2710000"),
    ("phone", "+57 601 3344556", "+57 601 3344556"),
    ("phone", "+33 1 42 68 53 00", "+33 1 42 68 53 00"),
    ("phone", "-", ""),
    ("social", "facebook.com/streetnet", "https://facebook.com/streetnet"),
    ("city", "Medellín", "Medellín"),
    ("countries", "Kenya, Uganda", ("KE", "UG")),
    ("countries", "Sudáfrica; Costa de Marfil", ("ZA", "CI")),  # es
    ("countries", "Afrique du Sud, Côte d’Ivoire, Royaume-Uni", ("ZA", "CI", "GB")),  # fr
    ("countries", "Quênia, África do Sul, Moçambique", ("KE", "ZA", "MZ")),  # pt
    ("countries", "co, BR, br", ("CO", "BR")),
    ("countries", "*", ("*",)),
    ("languages", "Spanish, English", ("es", "en")),
    ("languages", "inglés, portugués, suajili", ("en", "pt", "sw")),  # es
    ("languages", "anglais, espagnol, wolof", ("en", "es", "wo")),  # fr
    ("languages", "inglês, francês, suaíli", ("en", "fr", "sw")),  # pt
    ("languages", "fr, pt", ("fr", "pt")),
    ("languages", "-", ()),
    ("sectors", "waste pickers, street vendors", ("waste_pickers", "street_vendors")),
    ("sectors", "recicladores; vendedores ambulantes", ("waste_pickers", "street_vendors")),
    ("sectors", "travailleuses domestiques", ("domestic_workers",)),
    ("sectors", "catadores", ("waste_pickers",)),
    ("founded", "1990", 1990),
    ("founded", "2025", 2025),
    ("founded", "-", None),
    ("members", "2,500 waste pickers; 2024-03", ("2,500 waste pickers", "2024-03")),
    ("members", "300 membres ; 2023", ("300 membres", "2023")),
    ("members", "about 40 groups", ("about 40 groups", "2025-06")),
    ("members", "-", ("", "")),
    (
        "summary_es",
        "Organización de recicladores.\n\nTrabaja en Bogotá.",
        "Organización de recicladores.\n\nTrabaja en Bogotá.",
    ),
    ("summary_pt", "-", ""),
    ("summary_fr", "é" * 1000, "é" * 1000),
    ("name", "bad\x00null", "badnull"),  # NUL and control characters are removed, not stored
    ("name", "\u202eSEWA\u202c", "SEWA"),  # bidi overrides too
    ("name", "Mujeres 👩\u200d👩\u200d👧 Unidas", "Mujeres 👩\u200d👩\u200d👧 Unidas"),
    ("founded", "١٩٩٠", 1990),  # Arabic-Indic digits are digits
]


@pytest.mark.parametrize(("key", "raw", "expected"), GOOD)
def test_good_values(key: str, raw: str, expected: object) -> None:
    assert parse_field(key, raw, today=TODAY) == Edit(key, expected)


BAD: list[tuple[str, str, str]] = [
    ("name", "-", "required"),
    ("name", "   ", "empty"),
    ("name", "x" * 201, "too_long"),
    ("name", "\u200b\u200c\u2060\ufeff", "empty"),  # only invisible characters: blank
    ("name", "\x00\x07 \t", "empty"),
    ("website", "http://[::1", "bad_url"),
    ("website", "https://[zz]/", "bad_url"),
    ("founded", "¹⁹⁹⁰", "bad_year"),  # superscripts are not digits to read a year from
    ("founded", "²", "bad_year"),
    ("members", "500; 9999-99-99", "bad_date"),
    ("website", "not a url", "bad_url"),
    ("website", "javascript:alert(1)", "bad_url"),
    ("website", "ftp://example.org", "bad_url"),
    ("website", "http://localhost", "bad_url"),
    ("website", "https://user:pw@example.org", "bad_url"),
    ("website", "https://example.org:99999", "bad_url"),
    ("website", "https://10.0.0.1", "bad_url"),
    ("email", "not an address", "bad_email"),
    ("email", "a@localhost", "bad_email"),
    ("email", "two@@example.org", "bad_email"),
    ("email", ".dot@example.org", "bad_email"),
    ("phone", "12345", "bad_phone"),
    ("phone", "call us", "bad_phone"),
    ("phone", "+1 555 0100", "bad_phone"),
    ("phone", "x" * 41, "too_long"),
    ("social", "javascript:alert(1)", "bad_url"),
    ("countries", "Narnia, Kenya", "unknown_countries"),
    ("countries", "-", "required"),
    ("countries", ", ,", "empty"),
    ("languages", "Klingonese", "unknown_languages"),
    ("sectors", "astronauts", "unknown_sectors"),
    ("sectors", "-", "required"),
    ("founded", "2999", "future_year"),
    ("founded", "2026", "future_year"),
    ("founded", "1200", "bad_year"),
    ("founded", "nineteen ninety", "bad_year"),
    ("members", "500; 2099", "future_date"),
    ("members", "500; last year", "bad_date"),
    ("members", "500; 2024-13", "bad_date"),
    ("members", "; 2024", "empty"),
    ("summary_en", "x" * 4096, "too_long"),
    ("summary_en", "x" * 1001, "too_long"),
    ("nonexistent", "x", "unknown_field"),
]


@pytest.mark.parametrize(("key", "raw", "code"), BAD)
def test_bad_values(key: str, raw: str, code: str) -> None:
    with pytest.raises(FieldError) as caught:
        parse_field(key, raw, today=TODAY)
    assert caught.value.code == code


def test_every_field_has_a_good_example() -> None:
    assert {f.key for f in FIELDS} <= {key for key, _, _ in GOOD} | {"summary_en"}


# --- edits, history, revert -----------------------------------------------------------------
async def test_apply_records_history_with_the_editor(listings) -> None:
    await editor(listings, 101)
    changed = await listings.apply("test-alpha", parse_field("website", "alpha.example.org"), 101)
    assert changed == ["website"]
    org = await listings.organizations.get("test-alpha")
    assert org is not None and org.website == "https://alpha.example.org"
    last = (await listings.recent_changes("test-alpha", 1))[0]
    assert (last.field, last.old, last.new, last.who) == (
        "website",
        "",
        "https://alpha.example.org",
        "user:101",
    )


async def test_summary_edit_keeps_other_languages(listings) -> None:
    await editor(listings, 101)
    await listings.apply("test-alpha", parse_field("summary_es", "Alfa en español"), 101)
    org = await listings.organizations.get("test-alpha")
    assert org is not None and dict(org.summaries) == {
        "en": "Alpha in English",
        "es": "Alfa en español",
    }
    await listings.apply("test-alpha", parse_field("summary_en", "-"), 101)
    org = await listings.organizations.get("test-alpha")
    assert org is not None and dict(org.summaries) == {"es": "Alfa en español"}


async def test_members_edit_sets_both_fields(listings) -> None:
    await editor(listings, 101)
    changed = await listings.apply(
        "test-alpha", parse_field("members", "900 recicladores; 2024", TODAY), 101
    )
    assert sorted(changed) == ["members", "members_as_of"]


async def test_apply_refuses_non_editors_and_other_listings(listings) -> None:
    await editor(listings, 101, "test-alpha")
    with pytest.raises(NotEditor):
        await listings.apply("test-beta", parse_field("city", "Nairobi"), 101)
    with pytest.raises(NotEditor):
        await listings.apply("test-alpha", parse_field("city", "Cali"), 555)
    beta = await listings.organizations.get("test-beta")
    alpha = await listings.organizations.get("test-alpha")
    assert beta is not None and beta.city == "" and alpha is not None and alpha.city == ""


async def test_revert_restores_as_a_new_change(listings) -> None:
    await editor(listings, 101)
    await listings.apply("test-alpha", parse_field("countries", "Colombia, Ecuador"), 101)
    change = (await listings.recent_changes("test-alpha", 1))[0]
    done = await listings.revert(change.id, "user:900")
    assert (
        done is not None and done.changed == ["countries"] and done.new_change_id == change.id + 1
    )
    org = await listings.organizations.get("test-alpha")
    assert org is not None and org.countries == ("CO",)
    last = (await listings.recent_changes("test-alpha", 1))[0]
    assert (last.old, last.new, last.who) == ("CO;EC", "CO", "user:900")
    again = await listings.revert(change.id, "user:900")
    assert again is not None and again.changed == []


async def test_revert_unknown_and_creation(listings) -> None:
    assert await listings.revert(99999, "user:900") is None
    created = (await listings.organizations.history("test-alpha"))[0]
    assert created.field == "*"
    with pytest.raises(ValueError, match="not revertible"):
        await listings.revert(created.id, "user:900")


# --- freshness --------------------------------------------------------------------------------
async def test_due_reminders_only_for_stale_listings_and_once_a_month(listings, db) -> None:
    await editor(listings, 101, "test-alpha")
    await editor(listings, 102, "test-beta")
    recent = (NOW - timedelta(days=10)).isoformat()
    await db.conn.execute(
        "UPDATE organizations SET verified_at = ? WHERE id = 'test-beta'", (recent,)
    )
    due = await listings.due_reminders(NOW)
    assert [(r.org_id, r.user_id) for r in due] == [("test-alpha", 101)]
    await listings.reminded("test-alpha", 101, NOW)
    assert await listings.due_reminders(NOW + timedelta(days=1)) == []
    assert len(await listings.due_reminders(NOW + timedelta(days=31))) == 1
    await listings.verify("test-alpha", 101, now=NOW + timedelta(days=31))
    assert await listings.due_reminders(NOW + timedelta(days=62)) == []
    assert len(await listings.due_reminders(NOW + timedelta(days=31 + 181))) == 2


async def test_verify_refuses_non_editors(listings) -> None:
    with pytest.raises(NotEditor):
        await listings.verify("test-alpha", 101)
    org = await listings.organizations.get("test-alpha")
    assert org is not None and org.verified_at is None


async def test_forgetting_a_user_removes_their_editor_rights(listings, db) -> None:
    from directory.users import Users

    await editor(listings, 101)
    await Users(db).forget(101)
    assert not await listings.is_editor_anywhere(101)
