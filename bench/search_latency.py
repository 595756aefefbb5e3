"""Search latency at scale: a synthetic directory of N organizations, mixed queries.

Run: .venv/bin/python bench/search_latency.py [--orgs 100000] [--queries 1000]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from directory.db import Database
from directory.organizations import Kind, Organization, Organizations
from directory.places import gazetteer
from directory.search import Directory
from directory.sectors import SECTORS
from directory.seed import load_seed

WORDS = [
    "Union",
    "Association",
    "Alliance",
    "Federation",
    "Cooperative",
    "Network",
    "Movement",
    "Collective",
    "Forum",
    "Chamber",
]
PLACES = [
    "Nairobi",
    "Accra",
    "Lima",
    "Pune",
    "Durban",
    "Dakar",
    "Bogotá",
    "Lagos",
    "Manila",
    "Dhaka",
]
TRADES = {
    "street_vendors": "Street Vendors",
    "market_traders": "Market Traders",
    "home_based_workers": "Home-Based Workers",
    "domestic_workers": "Domestic Workers",
    "waste_pickers": "Waste Pickers",
    "head_porters": "Head Porters",
    "food_workers": "Food Workers",
    "informal_workers_general": "Informal Workers",
}
QUERIES = [
    "street vendors in Kenya",
    "waste pickers in India",
    "domestic workers in Peru",
    "vendedores ambulantes en México",
    "recicladores en Colombia",
    "catadores no Brasil",
    "travailleuses domestiques au Sénégal",
    "trabalhadoras domésticas em Moçambique",
    "organisations de récupérateurs en Afrique",
    "redes de trabajadoras del hogar en América Latina",
    "home-based workers in South Asia",
    "Sudeste Asiático",
    "Afrique de l'Ouest",
    "Asia",
    "vendeurs à Cotonou",
    "recicladores en Medellín",
    "near Mombasa",
    "IDWF",
    "kkpkp",
    "SEWAA",
    "Nairbi",
    "streetnet",
    "Bogota",
    "waste pikers in Brazil",
    "self employed women",
    "cooperative of women in the city",
    '" * NEAR( AND OR - ^ :',
    "NOT OR AND",
    "x:y -z ^w",
    "where can I get help",
    "market traders Ghana",
    "head porters Accra",
    "union",
]


def synthetic(n: int, rng: random.Random) -> list[Organization]:
    gaz = gazetteer()
    countries = sorted(gaz.countries)
    regions = ["419", "142", "002", "011", "014", "034", "035", "151", "143", "150"]
    out: list[Organization] = []
    for i in range(n):
        sector = rng.choice(SECTORS)
        extra = rng.choice(SECTORS)
        roll = rng.random()
        kind: Kind = (
            "global_network"
            if roll < 0.002
            else "regional_network"
            if roll < 0.02
            else ("national" if roll < 0.5 else "local")
        )
        cc = rng.choice(countries)
        city = rng.choice(PLACES)
        name = f"{city} {TRADES[sector]} {rng.choice(WORDS)} {i}"
        acronym = "".join(w[0] for w in name.split()[:4]).upper() + str(i % 97)
        if kind == "global_network":
            where: tuple[str, ...] = ("*",)
            regs: tuple[str, ...] = ()
        elif kind == "regional_network":
            where, regs = tuple(rng.sample(countries, 3)), (rng.choice(regions),)
        else:
            where, regs = (cc,), ()
        out.append(
            Organization(
                id=f"org-{i}",
                name=name,
                kind=kind,
                acronym=acronym,
                sectors=tuple(dict.fromkeys((sector, extra))),
                countries=where,
                regions=regs,
                city=city,
                languages=("en",),
                summaries=(
                    ("en", f"Organization of {TRADES[sector].lower()} in {city}, number {i}."),
                    ("es", f"Organización de trabajadores en {city}, número {i}."),
                ),
            )
        )
    return out


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--orgs", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=1000)
    args = parser.parse_args()
    rng = random.Random(42)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.sqlite3"
        start = time.perf_counter()
        db = await Database.open(path)
        await load_seed(db)
        orgs = synthetic(args.orgs, rng)
        repo = Organizations(db)
        for chunk in range(0, len(orgs), 5000):
            await repo.add_many(orgs[chunk : chunk + 5000], "bench")
        await db.conn.execute("PRAGMA optimize")
        build = time.perf_counter() - start
        await db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        size = path.stat().st_size
        directory = Directory(db)
        await directory.search("warm up waste pickers in Kenya")
        await directory.search("Nairbi")
        await directory.search("IDWF")  # loads the cached FTS vocabulary once per process
        timings: list[float] = []
        for i in range(args.queries):
            query = QUERIES[i % len(QUERIES)]
            if i >= len(QUERIES):  # vary the text so caches do not answer everything
                query = f"{query} {rng.choice(PLACES)}" if rng.random() < 0.3 else query
            t0 = time.perf_counter()
            await directory.search(query, limit=5, offset=rng.choice((0, 0, 0, 5)))
            timings.append((time.perf_counter() - t0) * 1000)
        await db.close()
    timings.sort()

    def pct(p: float) -> float:
        return timings[min(len(timings) - 1, int(p * len(timings)))]

    print(f"organizations: {args.orgs + 43:,}  queries: {args.queries:,}")
    print(f"build: {build:.1f} s   database: {size / 1e6:.1f} MB")
    print(
        f"search latency ms: p50 {pct(0.50):.2f}  p95 {pct(0.95):.2f}  p99 {pct(0.99):.2f}  "
        f"max {timings[-1]:.2f}  mean {statistics.mean(timings):.2f}"
    )
    print(f"peak memory: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    asyncio.run(main())
