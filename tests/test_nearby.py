"""The organizations nearest a point, from the gazetteer's coordinates (no network)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from directory.db import Database
from directory.nearby import NearbyOrganizations, coordinates, distance_km
from directory.referrals import Referrals
from directory.search import Directory
from directory.seed import load_seed


@pytest.fixture
async def nearby(db: Database) -> AsyncIterator[NearbyOrganizations]:
    await load_seed(db)
    directory = Directory(db)
    yield NearbyOrganizations(directory, Referrals(directory))


def test_distance() -> None:
    assert distance_km(0, 0, 0, 0) == 0
    assert distance_km(-1.2864, 36.8172, -0.3031, 36.08) == pytest.approx(137, abs=3)  # Nairobi-Nakuru
    assert distance_km(90, 0, -90, 0) == pytest.approx(20015, abs=5)


@pytest.mark.parametrize(
    ("lat", "lon", "city", "country"),
    [
        (-1.2864, 36.8172, "Nairobi", "KE"),
        (-23.5489, -46.6388, "São Paulo", "BR"),  # a district of it is nearer: the city names it
        (14.6928, -17.4467, "Dakar", "SN"),
        (18.5204, 73.8567, "Pune", "IN"),
    ],
)
def test_nearest_city_names_the_place(lat: float, lon: float, city: str, country: str) -> None:
    found = coordinates().nearest_city(lat, lon)
    assert found is not None
    assert (found[0].name, found[0].country) == (city, country)
    assert found[1] < 25


async def test_members_by_distance_then_the_networks(nearby: NearbyOrganizations) -> None:
    found = await nearby.near(18.5204, 73.8567, limit=30)  # Pune
    assert (found.country, found.city) == ("IN", "Pune")
    kms = [x.km for x in found.organizations if x.km is not None]
    assert kms == sorted(kms)
    assert found.organizations[0].org.id in {"kkpkp", "swach"}
    networks = [x for x in found.organizations if x.km is None]
    assert networks and all(x.org.kind.endswith("network") for x in networks)
    first_network = found.organizations.index(networks[0])
    assert all(x.km is None for x in found.organizations[first_network:]), "networks after members"
    assert found.reach["swach"].id == "kkpkp"


async def test_a_neighbouring_country_counts_when_near(nearby: NearbyOrganizations) -> None:
    found = await nearby.near(5.3600, -4.0083)  # Abidjan, Côte d'Ivoire: none listed; Accra is 420 km
    assert found.country == "CI"
    assert "GH" in found.organizations[0].org.countries


async def test_far_from_any_organization_gives_the_networks(nearby: NearbyOrganizations) -> None:
    found = await nearby.near(64.1466, -21.9426)  # Reykjavík: none listed within reach
    assert found.country == "IS"
    assert all(x.km is None for x in found.organizations)
    assert "wiego" in found.directories


async def test_at_sea_no_country_is_understood(nearby: NearbyOrganizations) -> None:
    found = await nearby.near(0.0, -30.0)
    assert found.country is None and found.city is None
    assert all(x.org.kind == "global_network" for x in found.organizations)


@pytest.mark.parametrize(("lat", "lon"), [(91, 0), (0, 181), (-90.5, 0), (float("nan"), 0)])
async def test_coordinates_off_the_map_are_refused(nearby: NearbyOrganizations, lat: float, lon: float) -> None:
    with pytest.raises(ValueError, match="out of range"):
        await nearby.near(lat, lon)


@settings(max_examples=25, deadline=None)
@given(lat=st.floats(-90, 90), lon=st.floats(-180, 180))
def test_the_nearest_city_is_the_nearest_or_as_near(lat: float, lon: float) -> None:
    coords = coordinates()
    found = coords.nearest_city(lat, lon)
    assert found is not None
    city, km = found
    assert km == pytest.approx(distance_km(lat, lon, city.lat, city.lon))
    truly = min(distance_km(lat, lon, c.lat, c.lon) for c in coords._cities)
    assert truly <= km <= truly + 25.0


async def test_an_organization_without_a_city_is_measured_to_its_capital(nearby: NearbyOrganizations) -> None:
    found = await nearby.near(-2.1894, -79.8891)  # Guayaquil: RENAREC names no city
    renarec = found.organizations[0]
    assert (renarec.org.id, renarec.at, renarec.capital) == ("renarec", "Quito", True)
    assert renarec.km == pytest.approx(266, abs=10)
    pune = await nearby.near(18.5204, 73.8567)
    assert (pune.organizations[0].at, pune.organizations[0].capital) == ("Pune", False)
