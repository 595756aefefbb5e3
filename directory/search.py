"""Directory search: understand sector and place cues, then rank nearest first.

Tiers: organizations in the place itself (requested sector, then related and general ones),
regional networks covering the place, then global networks of the sector. Without any cue the
text goes to FTS5 (escaped, bm25), then to a typo-tolerant pass over names, acronyms, cities.
Every tier is read from a covering index with a LIMIT, so cost does not grow with the directory.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from rapidfuzz import fuzz, process

from directory.db import Database
from directory.organizations import Organization, Organizations
from directory.places import Gazetteer, Place, gazetteer
from directory.sectors import SECTORS, find_sector_spans
from directory.text import normalize, tokens

Reason = Literal["place", "region", "global", "text", "sector"]
GENERAL = "informal_workers_general"
RELATED: dict[str, tuple[str, ...]] = {
    "street_vendors": ("market_traders",),
    "market_traders": ("street_vendors",),
}
_FUZZY_MIN_LEN = 5
_FUZZY_CUTOFF = 80.0


@dataclass(frozen=True)
class Hit:
    org: Organization
    reason: Reason
    score: float


@dataclass(frozen=True)
class SearchResult:
    """The requested page of hits, the total, and what the query was understood to ask."""

    hits: list[Hit]
    total: int
    sectors: frozenset[str]
    places: list[Place]


@dataclass(frozen=True)
class _Tier:
    reason: Reason
    sql: str
    params: tuple[Any, ...]
    order: str = "ORDER BY 1"  # rowid order within a tier; FTS tiers come ranked already


def escape_fts(text: str) -> list[str]:
    """Every whitespace-separated bit as a quoted FTS5 string: operators become plain words."""
    return ['"' + bit.replace('"', '""') + '"' for bit in text.split() if normalize(bit)]


def _marks(values: Sequence[Any]) -> str:
    return ",".join("?" * len(values))


class Directory:
    """Search and lookups over the directory; caches the fuzzy vocabulary between writes."""

    def __init__(self, db: Database, gaz: Gazetteer | None = None) -> None:
        self._db = db
        self._orgs = Organizations(db)
        self._gaz = gaz or gazetteer()
        self._vocab: _Vocabulary | None = None
        self._vocab_version: object = None

    async def get(self, org_id: str) -> Organization | None:
        return await self._orgs.get(org_id)

    async def global_networks(self, sectors: Iterable[str] = ()) -> list[Organization]:
        wanted = tuple(sectors) or SECTORS
        rows = await self._db.fetchall(
            "SELECT DISTINCT org_num FROM org_sectors "  # noqa: S608 - placeholders only
            f"WHERE scope = 3 AND sector IN ({_marks(wanted)}) "
            "ORDER BY org_num",
            wanted,
        )
        return await self._orgs.by_nums([r[0] for r in rows])

    async def search(
        self,
        text: str = "",
        *,
        sectors: Iterable[str] = (),
        countries: Iterable[str] = (),
        regions: Iterable[str] = (),
        limit: int = 5,
        offset: int = 0,
    ) -> SearchResult:
        spans = find_sector_spans(text)
        wanted = list(dict.fromkeys([*sectors, *(s for _a, _b, s in spans)]))
        places = self._gaz.find(text) if text.strip() else []
        places += [
            Place("country", c.upper(), self._gaz.country_name(c, "en"), frozenset({c.upper()}))
            for c in countries
        ]
        places += [
            Place("region", r, self._gaz.region_name(r, "en"), self._gaz.countries_in_region(r))
            for r in regions
        ]
        place_countries = frozenset(c for p in places for c in p.countries)
        if wanted or place_countries:
            tiers = self._tiers(wanted, place_countries)
        else:
            tiers = await self._text_tiers(text)
        nums, reasons, total = await self._page(tiers, limit, offset)
        orgs = await self._orgs.by_nums(nums)
        hits = [Hit(o, reasons[i], 1.0 / (offset + i + 1)) for i, o in enumerate(orgs)]
        return SearchResult(hits, total, frozenset(wanted), places)

    # --- cue search -------------------------------------------------------------------------
    def _tiers(self, wanted: list[str], countries: frozenset[str]) -> list[_Tier]:
        exact = tuple(wanted)
        related = tuple(
            dict.fromkeys(
                r for s in wanted for r in (*RELATED.get(s, ()), GENERAL) if r not in wanted
            )
        )
        by_sector = "SELECT org_num FROM org_sectors WHERE scope = {} AND sector IN ({})"
        if not countries:
            return [
                _Tier("global", by_sector.format(3, _marks(exact)), exact),
                _Tier("region", by_sector.format(2, _marks(exact)), exact),
                _Tier("sector", by_sector.format(0, _marks(exact)), exact),
            ]
        cc = tuple(sorted(countries))
        regions = tuple(sorted({r for c in cc for r in self._gaz.regions_of_country(c)}))
        covering = (
            f"SELECT org_num FROM org_countries WHERE scope = 2 AND country IN ({_marks(cc)}) "  # noqa: S608 - only placeholders and fixed SQL are interpolated
            "UNION SELECT org_num FROM org_regions "
            f"WHERE scope = 2 AND region IN ({_marks(regions)})"
        )
        if not exact:
            return [
                _Tier(
                    "place",
                    "SELECT org_num FROM org_countries "  # noqa: S608 - placeholders only
                    f"WHERE scope = 0 AND country IN ({_marks(cc)})",
                    cc,
                ),
                _Tier("region", covering, cc + regions),
            ]
        facet = (
            "SELECT org_num FROM org_facets WHERE scope = 0 AND sector IN ({}) AND country IN ({})"
        )
        tiers = [_Tier("place", facet.format(_marks(exact), _marks(cc)), exact + cc)]
        if related:
            tiers.append(_Tier("place", facet.format(_marks(related), _marks(cc)), related + cc))
        both = exact + related
        tiers.append(
            _Tier(
                "region",
                f"SELECT * FROM ({covering}) INTERSECT {by_sector.format(2, _marks(both))}",  # noqa: S608 - only placeholders and fixed SQL are interpolated
                cc + regions + both,
            )
        )
        tiers.append(_Tier("global", by_sector.format(3, _marks(exact)), exact))
        return tiers

    async def _page(
        self, tiers: list[_Tier], limit: int, offset: int
    ) -> tuple[list[int], list[Reason], int]:
        """Two queries: every tier's count, then the first offset+limit rows of each tier.

        A tier's count may include an organization twice when it matches two requested
        sectors or countries; the page itself never repeats one.
        """
        if not tiers:
            return [], [], 0
        counts_sql = ", ".join(f"(SELECT count(*) FROM ({t.sql}))" for t in tiers)  # noqa: S608 - only placeholders and fixed SQL are interpolated
        row = await self._db.fetchone(f"SELECT {counts_sql}", [p for t in tiers for p in t.params])
        counts = [int(v) for v in row] if row is not None else [0] * len(tiers)
        live = [(i, t) for i, t in enumerate(tiers) if counts[i]]
        if not live or offset >= sum(counts):
            return [], [], sum(counts)
        union = " UNION ALL ".join(
            f"SELECT * FROM (SELECT org_num, {i} FROM ({t.sql}) {t.order} LIMIT ?)"  # noqa: S608
            for i, t in live
        )
        params = [p for _i, t in live for p in (*t.params, offset + limit * 2)]
        rows = await self._db.fetchall(union, params)
        ordered: list[tuple[int, Reason]] = []
        seen: set[int] = set()
        for num, tier in rows:
            if num not in seen:
                seen.add(num)
                ordered.append((num, tiers[tier].reason))
        page = ordered[offset : offset + limit]
        return [n for n, _r in page], [r for _n, r in page], sum(counts)

    # --- text search ------------------------------------------------------------------------
    async def _text_tiers(self, text: str) -> list[_Tier]:
        """Rare words ranked by bm25 (AND, else OR); typo correction when no word is known."""
        if not escape_fts(text):
            return []
        vocab = await self._vocabulary()
        words = list(dict.fromkeys(w for w in tokens(text) if w in vocab.docs))
        if not words:
            words = self._corrected(text, vocab)
        tiers = [self._acronym_tier(text)]
        if not words:
            return tiers
        common = max(1000, vocab.total // 50)
        rare = [w for w in words if vocab.docs[w] <= common]
        quoted = escape_fts(" ".join(rare or words))
        query = " ".join(quoted)
        if len(quoted) > 1 and not await self._db.fetchval(
            "SELECT 1 FROM org_fts WHERE org_fts MATCH ? LIMIT 1", (query,)
        ):
            query = " OR ".join(quoted)
        if rare:
            # bm25 weights: name, acronym, city, summaries; at most 200 ranked candidates.
            tiers.append(
                _Tier(
                    "text",
                    "SELECT rowid AS org_num FROM (SELECT rowid, bm25(org_fts, 10.0, "
                    "10.0, 4.0, 1.0) AS r FROM org_fts WHERE org_fts MATCH ? ORDER BY r LIMIT 200)",
                    (query,),
                    "",
                )
            )
        else:  # only very common words: ranking every match would cost more than it tells
            tiers.append(
                _Tier(
                    "text",
                    "SELECT rowid AS org_num FROM org_fts WHERE org_fts MATCH ? LIMIT 200",
                    (query,),
                    "",
                )
            )
        return tiers

    def _acronym_tier(self, text: str) -> _Tier:
        bits = tuple(dict.fromkeys(b for b in text.split() if len(b) >= 2))[:20] or ("",)
        return _Tier(
            "text",
            "SELECT num AS org_num FROM organizations WHERE acronym COLLATE NOCASE "  # noqa: S608 - only placeholders and fixed SQL are interpolated
            f"IN ({_marks(bits)}) OR id IN ({_marks(bits)})",
            bits + tuple(b.lower() for b in bits),
        )

    @staticmethod
    def _corrected(text: str, vocab: _Vocabulary) -> list[str]:
        out: list[str] = []
        for word in tokens(text):
            if len(word) < _FUZZY_MIN_LEN:
                continue
            best = process.extractOne(
                word, vocab.fuzzy.get(word[0], []), scorer=fuzz.ratio, score_cutoff=_FUZZY_CUTOFF
            )
            if best is not None:
                out.append(best[0])
        return out

    async def _vocabulary(self) -> _Vocabulary:
        """FTS terms with document counts, reloaded only after a write to the directory."""
        version = await self._db.fetchval("SELECT max(id) FROM org_changes")
        if version != self._vocab_version or self._vocab is None:
            rows = await self._db.fetchall("SELECT term, col, doc FROM org_fts_terms")
            docs: dict[str, int] = defaultdict(int)
            fuzzy: dict[str, set[str]] = defaultdict(set)
            for term, col, doc in rows:
                docs[term] += doc
                if col in ("name", "acronym", "city") and len(term) >= 3 and not term.isdigit():
                    fuzzy[term[0]].add(term)
            total = int(await self._db.fetchval("SELECT count(*) FROM organizations"))
            self._vocab = _Vocabulary(dict(docs), {k: sorted(v) for k, v in fuzzy.items()}, total)
            self._vocab_version = version
        return self._vocab


@dataclass(frozen=True)
class _Vocabulary:
    docs: dict[str, int]
    fuzzy: dict[str, list[str]]
    total: int
