"""Referrals always reach someone, never organizations of unrelated countries, and say why."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from directory.db import Database
from directory.organizations import Organization
from directory.places import Place, gazetteer
from directory.referrals import Referral, Referrals, place_like_names
from directory.search import Directory
from directory.sectors import SECTORS
from directory.seed import load_seed


@pytest.fixture
async def referrals(db: Database) -> AsyncIterator[Referrals]:
    await load_seed(db)
    yield Referrals(Directory(db))


def country(code: str) -> Place:
    return Place("country", code, code, frozenset({code}))


def related(org: Organization, cc: str) -> bool:
    """The organization works in the country, covers it as a network, or works worldwide."""
    gaz = gazetteer()
    return org.worldwide or cc in org.countries or bool(set(org.regions) & gaz.regions_of_country(cc))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I need contacts of street vendors in QV", ["QV"]),
        ("catadores de QV para entrevistas", ["QV"]),
        ("vendors in the Kibera slum", ["Kibera"]),
        ("vendeurs à Pikine. Merci", ["Pikine"]),
        ("street vendors in Senegal", ["Senegal"]),  # a place all the same: the gazetteer decides
        ("materials in Spanish please", []),
        ("an event in March", []),
        ("Red de Mujeres Recicladoras", []),
        ("STREET VENDORS IN QV", []),  # all capitals: the case tells nothing
        ("I work in CSR at a bank", []),
        ("Is WIEGO in Telegram?", []),
    ],
)
def test_place_like_names(text: str, expected: list[str]) -> None:
    assert place_like_names(text) == expected


async def test_nobody_of_the_sector_in_the_place_gives_the_networks_that_cover_it(
    referrals: Referrals,
) -> None:
    got = await referrals.refer("both", ["street_vendors"], [country("SN")], "street vendors in Senegal")
    assert got.outcome == "around_place"
    assert [o.id for o in got.organizations] == ["streetnet"]
    assert "wiego" in got.directories


async def test_a_place_with_organizations_of_the_sector(referrals: Referrals) -> None:
    got = await referrals.refer("both", ["waste_pickers"], [country("SN")], "waste pickers in Senegal")
    assert got.outcome == "in_place"
    assert got.organizations[0].id == "bokk-diom"
    assert got.directories[0] == "globalrec"


async def test_others_in_the_place_are_said_to_be_of_another_sector(referrals: Referrals) -> None:
    got = await referrals.refer("both", ["domestic_workers"], [country("ZM")], "domestic workers, Zambia")
    assert got.outcome == "others_in_place"
    assert got.organizations[0].id == "aziea"
    assert all(related(o, "ZM") for o in got.organizations)


async def test_no_sector_named_gives_the_places_organizations_then_the_global_networks(
    referrals: Referrals,
) -> None:
    """"No toilets at our market in Dakar": the trade is not named, so after Dakar's one
    organization (a waste pickers' group) come the networks that reach every trade there."""
    dakar = Place("city", "2253354", "Dakar", frozenset({"SN"}))
    got = await referrals.refer("both", [], [dakar], "no lights at the market in Dakar", limit=10)
    assert got.outcome == "in_place"
    assert got.organizations[0].id == "bokk-diom"
    rest = got.organizations[1:]
    assert rest and all(o.kind == "global_network" for o in rest)
    assert "streetnet" in {o.id for o in rest}


async def test_an_unrecognized_place_is_said_and_gives_only_global_networks(referrals: Referrals) -> None:
    got = await referrals.refer("both", ["street_vendors"], [], "I need contacts of street vendors in QV")
    assert got.outcome == "place_unknown"
    assert got.unrecognized == ("QV",)
    assert got.organizations and all(o.kind == "global_network" for o in got.organizations)


async def test_no_place_gives_the_sectors_networks_not_some_countrys_organizations(referrals: Referrals) -> None:
    for refers_to in ("both", "members", "networks"):
        got = await referrals.refer(refers_to, ["waste_pickers"], [], "Can you put me in touch with waste pickers?")
        assert got.outcome == "no_place"
        assert got.organizations[0].id == "iawp"
        assert all(o.kind in ("global_network", "regional_network") for o in got.organizations)


async def test_a_name_the_directory_knows_is_not_an_unknown_place(referrals: Referrals) -> None:
    text = "Can I meet waste pickers in Mbeubeuss?"  # Dakar's landfill: the gazetteer reads Dakar
    got = await referrals.refer("both", ["waste_pickers"], gazetteer().find(text), text)
    assert got.outcome == "in_place"
    assert got.unrecognized == ()
    assert got.organizations[0].id == "bokk-diom"


async def test_speakers_lead_with_networks_and_interns_with_members(referrals: Referrals) -> None:
    speaker = await referrals.refer("networks", ["waste_pickers"], [country("IN")], "a speaker", limit=30)
    kinds = [o.kind.endswith("network") for o in speaker.organizations]
    assert kinds[0] and kinds == sorted(kinds, reverse=True), "every network before any member"
    intern = await referrals.refer("members", ["waste_pickers"], [country("IN")], "an internship", limit=30)
    kinds = [o.kind in ("national", "local") for o in intern.organizations]
    assert kinds[0] and kinds == sorted(kinds, reverse=True), "every member before any network"
    assert {o.id for o in speaker.organizations} == {o.id for o in intern.organizations}


async def test_a_country_named_does_not_put_its_members_before_networks(referrals: Referrals) -> None:
    brazil = Place("country", "BR", "Brazil", frozenset({"BR"}))
    text = "We need a keynote speaker on waste pickers for our conference in Brazil"
    got = await referrals.refer("networks", ["waste_pickers"], [brazil], text)
    assert [o.id for o in got.organizations] == ["red-lacre", "iawp", "mncr", "unicatadores"]


async def test_a_city_named_puts_its_organizations_first(referrals: Referrals) -> None:
    bengaluru = Place("city", "1277333", "Bengaluru", frozenset({"IN"}))
    text = "I want to interview waste pickers in Bengaluru"
    got = await referrals.refer("both", ["waste_pickers"], [bengaluru], text)
    assert got.organizations[0].id == "hasiru-dala"


async def test_more_continues_past_what_was_shown(referrals: Referrals) -> None:
    async def refer(limit: int, offset: int = 0) -> Referral:
        return await referrals.refer(
            "both", ["waste_pickers"], [country("IN")], "waste pickers in India", limit=limit, offset=offset
        )

    first = await refer(3)
    assert first.total > 3
    seen = [o.id for o in first.organizations]
    offset = 3
    while offset < first.total:
        page = await refer(5, offset)
        assert page.total == first.total
        seen += [o.id for o in page.organizations]
        offset += 5
    assert len(seen) == len(set(seen)) == first.total


async def test_a_card_without_website_is_reached_through_its_network(referrals: Referrals) -> None:
    got = await referrals.refer("both", ["waste_pickers"], [country("IN")], "waste pickers India", limit=30)
    reach = {org_id: net.id for org_id, net in got.reach.items()}
    assert reach["swach"] == "kkpkp"
    assert reach["hasiru-dala"] == "aiw"
    assert "kkpkp" not in reach, "it has a website of its own"
    assert all(net.website for net in got.reach.values())


async def test_by_words_unknown_place_and_found_place(referrals: Referrals) -> None:
    unknown = await referrals.refer("both", [], [], "street vendors in QV", by_words=True)
    assert unknown.outcome == "place_unknown"
    assert all(o.kind == "global_network" for o in unknown.organizations)
    found = await referrals.refer("both", [], [], "cooperativas de catadores no Brasil", by_words=True)
    assert found.outcome == "in_place"
    assert found.organizations[0].id == "mncr"
    plain = await referrals.refer("both", [], [], "SEWA", by_words=True)
    assert plain.outcome == "no_place" and plain.organizations[0].id == "sewa"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    sector=st.sampled_from(SECTORS),
    cc=st.sampled_from(sorted(gazetteer().countries)),
    refers_to=st.sampled_from(["networks", "members", "both"]),
)
async def test_never_organizations_of_unrelated_countries(
    referrals: Referrals, sector: str, cc: str, refers_to: str
) -> None:
    got = await referrals.refer(refers_to, [sector], [country(cc)], f"{sector} in {cc}", limit=30)  # type: ignore[arg-type]
    assert got.organizations, "a referral always reaches someone"
    assert all(related(o, cc) for o in got.organizations), [o.id for o in got.organizations]
    assert got.outcome in ("in_place", "others_in_place", "around_place")
