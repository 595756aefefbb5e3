"""Directory search: understand sector and place cues, then rank nearest first.

Tiers: organizations in the place itself (requested sector, then related and general ones),
regional networks covering the place, then global networks of the sector. Without any cue the
text goes to FTS5 (escaped, bm25), then to a typo-tolerant pass over names, acronyms, cities.
Every tier is read from a covering index with a LIMIT, so cost does not grow with the directory.
"""

from __future__ import annotations

from collections import OrderedDict, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal

from rapidfuzz import fuzz, process

from directory.db import Database
from directory.kept import KeptForVersion
from directory.languages import function_words
from directory.org_names import NamedOrg, OrgNames
from directory.organizations import VERSION_SQL, Organization, Organizations
from directory.places import Gazetteer, Place, gazetteer, most_specific
from directory.sectors import GENERAL, SECTORS, sectors_named
from directory.text import normalize, tokens

Reason = Literal["place", "region", "global", "text", "sector"]
RELATED: dict[str, tuple[str, ...]] = {
    "street_vendors": ("market_traders",),
    "market_traders": ("street_vendors",),
}
PAGE_CACHE = 512
"""Search pages kept (see `Directory.search`), and sectors' global networks: the referrals of most
answers repeat a few searches (a sector in a country, a sector's networks), each three
statements on aiosqlite's thread; a kept page needs none while the directory is unchanged."""
_ACRONYM_WORDS = 20  # words of a text looked up as acronyms or ids
_FUZZY_MIN_LEN = 5
_FUZZY_CUTOFF = 80.0


@dataclass(frozen=True)
class Hit:
    org: Organization
    reason: Reason
    score: float


@dataclass(frozen=True)
class SearchResult:
    """The requested page of hits, the total, and what the query was understood to ask.

    `total` counts distinct organizations: paging with `offset` over [0, total) shows each
    exactly once. Past `TOTAL_CAP` matches counting stops: `total` is `TOTAL_CAP` and
    `total_capped` is true (show "1,000+"); only the first `TOTAL_CAP` can be paged to.
    """

    hits: list[Hit]
    total: int
    sectors: frozenset[str]
    places: list[Place]
    total_capped: bool = False


TOTAL_CAP = 1000


@dataclass(frozen=True)
class _Branch:
    """Rows of one child table at one scope whose key columns take any of the listed values."""

    table: str
    scope: int
    keys: tuple[tuple[str, tuple[str, ...]], ...]

    def select(self, where: str, where_params: tuple[Any, ...]) -> tuple[str, tuple[Any, ...]]:
        """Every matching row (duplicates possible), keys as IN lists."""
        conds = [f"t.{col} IN ({_marks(vals)})" for col, vals in self.keys]
        params = tuple(v for _col, vals in self.keys for v in vals)
        return self._sql(conds, where), (*params, self.scope, *where_params)

    def size(self) -> int:
        n = 1
        for _col, vals in self.keys:
            n *= len(vals)
        return n

    def member(self, outer: str) -> tuple[str, tuple[Any, ...]]:
        """An EXISTS test that `outer` (an org_num expression) has a row here."""
        conds = "".join(f" AND +x.{col} IN ({_marks(vals)})" for col, vals in self.keys)
        params = tuple(v for _col, vals in self.keys for v in vals)
        return (
            f"EXISTS (SELECT 1 FROM {self.table} AS x "  # noqa: S608 - only placeholders and fixed SQL are interpolated
            f"WHERE x.org_num = {outer} AND x.scope = ?{conds})",
            (self.scope, *params),
        )

    def _sql(self, conds: list[str], where: str) -> str:
        return (
            f"SELECT t.org_num AS org_num FROM {self.table} AS t "  # noqa: S608 - only placeholders and fixed SQL are interpolated
            f"WHERE {' AND '.join([*conds, 't.scope = ?'])}{f' AND {where}' if where else ''}"
        )


@dataclass(frozen=True)
class _Source:
    """One tier of results: distinct organizations in a fixed order.

    `count_sql` is a scalar subquery counting them, stopping at the `{limit}` it is given
    (the room left under TOTAL_CAP + 1 after the sources before it); `page_sql` lists them
    in order and takes a LIMIT (and OFFSET unless `repeats`) after `page_params`.
    """

    reason: Reason
    count_sql: str
    count_params: tuple[Any, ...]
    page_sql: str
    page_params: tuple[Any, ...]
    nums: tuple[int, ...] | None = None  # rows already known (regional networks): no page SQL
    repeats: bool = False  # page_sql may list an organization more than once (adjacent)


def _indexed(
    reason: Reason, branch: _Branch, where: str = "", where_params: tuple[Any, ...] = ()
) -> _Source | None:
    """A source over one child table's index ranges, in organization (rowid) order.

    The count reads at most the room left under TOTAL_CAP + 1 distinct organizations. The
    page reads rows in org order with a LIMIT (SQLite stops each index range early), so
    neither reads a whole continent's rows; an organization matching two key combinations
    comes twice and is dropped in `_distinct_prefix`.
    """
    if not branch.size():
        return None
    rows_sql, rows_params = branch.select(where, where_params)
    count_sql = (
        f"(SELECT count(*) FROM (SELECT DISTINCT +org_num FROM ({rows_sql}) LIMIT {{limit}}))"  # noqa: S608 - only placeholders and fixed SQL are interpolated
    )
    return _Source(
        reason, count_sql, rows_params, f"{rows_sql} ORDER BY 1", rows_params, repeats=True
    )


def _listed(reason: Reason, nums: Sequence[int]) -> _Source | None:
    """A source whose organizations are already known, in order."""
    return _Source(reason, "?", (len(nums),), "", (), tuple(nums)) if nums else None


@dataclass(frozen=True)
class _Regional:
    """Regional networks (scope 2) by sector, country and region, as of one directory version.

    They are few (a network per region and trade), but "which ones cover Kenya or a region
    around it" joins three tables; over these sets it is a couple of unions in memory.
    """

    version: object
    by_sector: dict[str, frozenset[int]]
    by_country: dict[str, frozenset[int]]
    by_region: dict[str, frozenset[int]]

    def covering(
        self, countries: Iterable[str], regions: Iterable[str], sectors: Iterable[str] | None
    ) -> list[int]:
        """Networks listing one of the countries or regions (and, if given, of a sector)."""
        found: set[int] = set()
        for c in countries:
            found |= self.by_country.get(c, frozenset())
        for r in regions:
            found |= self.by_region.get(r, frozenset())
        if sectors is not None:
            of_sector: set[int] = set()
            for sector in sectors:
                of_sector |= self.by_sector.get(sector, frozenset())
            found &= of_sector
        return sorted(found)


@dataclass(frozen=True)
class _Page:
    """What a search found, as row numbers: kept between searches of one directory version."""

    nums: tuple[int, ...]
    reasons: tuple[Reason, ...]
    total: int
    capped: bool
    sectors: frozenset[str]
    places: tuple[Place, ...]
    version: object  # the directory version its counts were read at (None: nothing was read)


def _ranked(reason: Reason, sql: str, params: tuple[Any, ...]) -> _Source:
    """A source from a query already yielding distinct `org_num`s in rank order (few rows)."""
    return _Source(reason, f"(SELECT count(*) FROM ({sql}))", params, sql, params)  # noqa: S608 - only placeholders and fixed SQL are interpolated

_EDGE_PUNCTUATION = "\"'.,;:!?¿¡()[]{}«»“”‘’"


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
        self._regional: _Regional | None = None
        self._names: OrgNames | None = None  # read with the vocabulary, for the same version
        self._pages: OrderedDict[tuple[Any, ...], _Page] = OrderedDict()
        self._networks: KeptForVersion[tuple[str, ...], tuple[int, ...]] = KeptForVersion(PAGE_CACHE)

    async def get(self, org_id: str) -> Organization | None:
        return await self._orgs.get(org_id)

    async def global_networks(self, sectors: Iterable[str] = ()) -> list[Organization]:
        """The global networks of any of these sectors (of every sector when none is given);
        kept by sectors for the directory version, like search pages."""
        wanted = tuple(sectors) or SECTORS
        version = self._orgs.version_now()
        nums = self._networks.get(wanted, version)
        if nums is None:
            rows = await self._db.fetchall(
                "SELECT DISTINCT org_num FROM org_sectors "  # noqa: S608 - placeholders only
                f"WHERE scope = 3 AND sector IN ({_marks(wanted)}) "
                "ORDER BY org_num",
                wanted,
            )
            nums = tuple(int(r[0]) for r in rows)
        orgs, read_at = await self._orgs.by_nums_with_version(nums)
        if read_at == version:  # not written in between: the networks are of that version
            self._networks.keep(wanted, nums, read_at)
        return orgs

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
        """One page of organizations for the text and filters (see `SearchResult`).

        Pages are kept by the directory version they were found at (`max(id)` of
        `org_changes`, which every write raises, from any process). A kept page is served only
        when its organizations are read at that same version: with them kept too
        (`Organizations`), a kept page costs no statement, and a write, wherever it came from,
        is never hidden."""
        key = (text, tuple(sectors), tuple(countries), tuple(regions), limit, offset)
        page = self._pages.get(key)
        if page is not None:
            orgs, version = await self._orgs.by_nums_with_version(page.nums)
            if version == page.version:
                self._pages.move_to_end(key)
            else:  # the directory changed: every kept page is of an older version
                self._pages.clear()
                page = None
        if page is None:
            page = await self._search_page(*key)
            orgs, version = await self._orgs.by_nums_with_version(page.nums)
            if page.version is not None and version == page.version:
                self._pages[key] = page
                if len(self._pages) > PAGE_CACHE:
                    self._pages.popitem(last=False)
        nums, reasons = list(page.nums), list(page.reasons)
        if len(orgs) != len(nums):  # one was deleted between the two reads: keep reasons aligned
            kept = [(n, r) for n, r in zip(nums, reasons, strict=True) if await self._orgs.by_nums([n])]
            nums, reasons = [n for n, _r in kept], [r for _n, r in kept]
            orgs = await self._orgs.by_nums(nums)
        first = max(offset, 0) + 1
        hits = [
            Hit(o, reason, 1.0 / (first + i))
            for i, (o, reason) in enumerate(zip(orgs, reasons, strict=False))
        ]
        return SearchResult(hits, page.total, page.sectors, list(page.places), page.capped)

    async def _search_page(
        self,
        text: str,
        sectors: tuple[str, ...],
        countries: tuple[str, ...],
        regions: tuple[str, ...],
        limit: int,
        offset: int,
    ) -> _Page:
        wanted = list(dict.fromkeys([*sectors, *sectors_named(text)]))
        places = most_specific(self._gaz.find(text)) if text.strip() else []
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
            regional = self._regional or await self._load_regional()
            # a region asked for ("in Latin America") is answered by the networks that cover it
            # first: its countries' own organizations are many, and none of them is the region's
            region_first = bool(places) and all(p.kind == "region" for p in places)
            # "informal workers in South Africa": every sector's organizations there
            filtering = [] if place_countries and set(wanted) == {GENERAL} else wanted
            sources = self._sources(filtering, place_countries, regional, region_first=region_first)
            counts, version = await self._counts(sources)
            if version != regional.version:  # the directory changed since the networks were read
                regional = await self._load_regional()
                sources = self._sources(filtering, place_countries, regional, region_first=region_first)
                counts, version = await self._counts(sources)
        else:
            sources = await self._text_sources(text)
            counts, version = await self._counts(sources)
        nums, reasons, total, capped = await self._page(sources, counts, limit, offset)
        return _Page(tuple(nums), tuple(reasons), total, capped, frozenset(wanted), tuple(places), version)

    # --- cue search -------------------------------------------------------------------------
    def _sources(
        self,
        wanted: list[str],
        countries: frozenset[str],
        regional: _Regional,
        *,
        region_first: bool = False,
    ) -> list[_Source]:
        """Tiers nearest first. Tiers of different scopes never share an organization; the
        one pair of the same scope (requested then related sectors in the place) is kept
        apart by an exclusion, so the tiers' counts add up to distinct organizations."""
        exact = tuple(wanted)
        related = tuple(
            dict.fromkeys(
                r for s in wanted for r in (*RELATED.get(s, ()), GENERAL) if r not in wanted
            )
        )
        if not countries:
            candidates = [
                _indexed("global", _Branch("org_sectors", 3, (("sector", exact),))),
                _indexed("region", _Branch("org_sectors", 2, (("sector", exact),))),
                _indexed("sector", _Branch("org_sectors", 0, (("sector", exact),))),
            ]
            return [s for s in candidates if s is not None]
        cc = tuple(sorted(countries))
        regions = _covering_regions(self._gaz, cc)
        if not exact:
            candidates = [
                _indexed("place", _Branch("org_countries", 0, (("country", cc),))),
                _listed("region", regional.covering(cc, regions, None)),
            ]
            if region_first:
                candidates.reverse()
            return [s for s in candidates if s is not None]
        in_place = _Branch("org_facets", 0, (("sector", exact), ("country", cc)))
        already, already_params = in_place.member("t.org_num")
        candidates = [
            _indexed("place", in_place),
            _indexed(
                "place",
                _Branch("org_facets", 0, (("sector", related), ("country", cc))),
                f"NOT {already}",
                already_params,
            ),
            _listed("region", regional.covering(cc, regions, exact + related)),
            _indexed("global", _Branch("org_sectors", 3, (("sector", exact),))),
        ]
        if region_first:
            candidates.insert(0, candidates.pop(2))
        return [s for s in candidates if s is not None]

    async def _page(
        self, sources: list[_Source], counts: list[int], limit: int, offset: int
    ) -> tuple[list[int], list[Reason], int, bool]:
        """The rows of the requested page, given the sources' capped counts.

        The sources are disjoint, so the counts add up to distinct organizations and the page
        at `offset` is found by walking them; only the source (rarely two) it falls in is
        read, from its own offset.
        """
        found = sum(counts)
        total = min(found, TOTAL_CAP)
        offset = max(offset, 0)
        end = min(offset + max(limit, 0), total)
        nums: list[int] = []
        reasons: list[Reason] = []
        start = 0
        for source, n in zip(sources, counts, strict=True):
            lo, hi = max(offset, start) - start, min(end, start + n) - start
            start += n
            if lo >= hi:
                continue
            if source.nums is not None:
                got = list(source.nums[lo:hi])
            elif source.repeats:
                got = (await self._distinct_prefix(source, hi))[lo:hi]
            else:
                rows = await self._db.fetchall(
                    f"SELECT org_num FROM ({source.page_sql}) LIMIT ? OFFSET ?",  # noqa: S608 - only placeholders and fixed SQL are interpolated
                    (*source.page_params, hi - lo, lo),
                )
                got = [int(r[0]) for r in rows]
            nums += got
            reasons += [source.reason] * len(got)
        return nums, reasons, total, found > total

    async def _distinct_prefix(self, source: _Source, n: int) -> list[int]:
        """The first `n` distinct organizations of a source whose rows may repeat one.

        Rows come in org order, so repeats are adjacent and any prefix of the rows holds the
        smallest distinct ones; read twice as many rows as needed, more only if that was
        not enough (an organization matching many requested sectors and countries).
        """
        want = 2 * n
        while True:
            rows = await self._db.fetchall(
                f"{source.page_sql} LIMIT ?", (*source.page_params, want)
            )
            out = list(dict.fromkeys(int(r[0]) for r in rows))
            if len(out) >= n or len(rows) < want:
                return out[:n]
            want *= 4

    async def _counts(self, sources: list[_Source]) -> tuple[list[int], object]:
        """Every source's count and the directory version, in one statement.

        Together the counts stop at TOTAL_CAP + 1 (each source counts only the room the ones
        before it left), so a continent-wide search reads about a thousand index entries, not
        tens of thousands.
        """
        if not sources:
            return [], None
        ctes: list[str] = []
        params: list[Any] = []
        for i, source in enumerate(sources):
            if i == 0:
                count = source.count_sql.replace("{limit}", str(TOTAL_CAP + 1))
                ctes.append(f"c0(n0) AS MATERIALIZED (SELECT {count})")
            else:
                before = [f"n{j}" for j in range(i)]
                room = f"(SELECT {TOTAL_CAP + 1} - {' - '.join(before)} FROM c{i - 1})"  # noqa: S608 - fixed SQL
                count = source.count_sql.replace("{limit}", room)
                ctes.append(
                    f"c{i}({', '.join([*before, f'n{i}'])}) AS MATERIALIZED (SELECT "  # noqa: S608 - only placeholders and fixed SQL are interpolated
                    f"{', '.join(before)}, CASE WHEN {' + '.join(before)} > {TOTAL_CAP} "
                    f"THEN 0 ELSE {count} END FROM c{i - 1})"
                )
            params += source.count_params
        row = await self._db.fetchone(
            f"WITH {', '.join(ctes)} SELECT *, ({VERSION_SQL}) "  # noqa: S608 - only placeholders and fixed SQL are interpolated
            f"FROM c{len(sources) - 1}",
            params,
        )
        if row is None:  # pragma: no cover - a SELECT without FROM always has its row
            return [0] * len(sources), None
        return [int(v) for v in tuple(row)[:-1]], row[-1]

    async def _load_regional(self) -> _Regional:
        """Read the regional networks with the version they belong to, in one statement.

        Not kept while a transaction is open on the connection: its writes may be half done.
        """
        rows = await self._db.fetchall(
            f"SELECT 'v', NULL, ({VERSION_SQL}) "  # noqa: S608 - fixed SQL
            "UNION ALL SELECT 's', sector, org_num FROM org_sectors WHERE scope = 2 "
            "UNION ALL SELECT 'c', country, org_num FROM org_countries WHERE scope = 2 "
            "UNION ALL SELECT 'r', region, org_num FROM org_regions WHERE scope = 2"
        )
        tables: dict[str, dict[str, set[int]]] = {"s": {}, "c": {}, "r": {}}
        version: object = None
        for kind, key, value in rows:
            if kind == "v":
                version = value
            else:
                tables[kind].setdefault(key, set()).add(int(value))
        frozen = {k: {key: frozenset(v) for key, v in t.items()} for k, t in tables.items()}
        regional = _Regional(version, frozen["s"], frozen["c"], frozen["r"])
        if not self._db.conn.in_transaction:
            self._regional = regional
        return regional

    # --- text search ------------------------------------------------------------------------
    async def _text_sources(self, text: str) -> list[_Source]:
        """Rare words ranked by bm25 (AND, else OR); typo correction when no word is known."""
        if not escape_fts(text):
            return []
        vocab = await self._vocabulary()
        asked = list(dict.fromkeys(tokens(text)))
        if function_words().issuperset(asked):  # also when no word is left: "a", "x"
            words = []  # "and", "AND OR NOT": nothing to search for, not every summary with "and"
        else:
            words = [w for w in asked if w in vocab.docs] or self._corrected(text, vocab)
        acronym_sql, acronym_params = self._acronym_query(text)
        sources = [_ranked("text", acronym_sql + " ORDER BY 1", acronym_params)]
        if words and self._names is not None:  # "how do I contact SEWA?": the acronym is the search
            named = self._names.code_words(acronym_params)
            if named:
                ignored = named | function_words()
                words = [w for w in words if w not in ignored]
                if not self._rare_enough(words, vocab):
                    return sources
        if not words:
            return sources
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
            matches = (
                "SELECT rowid AS org_num FROM (SELECT rowid, bm25(org_fts, 10.0, 10.0, 4.0, 1.0) "
                "AS r FROM org_fts WHERE org_fts MATCH ? ORDER BY r LIMIT 200)"
            )
        else:  # only very common words: ranking every match would cost more than it tells
            matches = "SELECT rowid AS org_num FROM org_fts WHERE org_fts MATCH ? LIMIT 200"
        # Acronym hits come first; the text tier leaves them out so none is counted twice.
        sources.append(
            _ranked(
                "text",
                f"SELECT org_num FROM ({matches}) WHERE org_num NOT IN ({acronym_sql})",  # noqa: S608 - only placeholders and fixed SQL are interpolated
                (query, *acronym_params),
            )
        )
        return sources

    @staticmethod
    def _rare_enough(words: list[str], vocab: _Vocabulary) -> bool:
        """Whether words left beside a named organization still say something of their own
        ("SEWA Ahmedabad"), rather than "how do I contact": rarer than one organization in ten."""
        return any(vocab.docs.get(w, 0) <= max(1, vocab.total // 10) for w in words)

    @staticmethod
    def _acronym_query(text: str) -> tuple[str, tuple[Any, ...]]:
        distinct: dict[str, None] = {}
        for written in text.split():
            bare = written.strip(_EDGE_PUNCTUATION)  # "SEWA?", "(KKPKP)", "«SWaCH»"
            if len(bare) >= 2:
                distinct[bare] = None
                if len(distinct) == _ACRONYM_WORDS:  # a letter's first words say it, if any do
                    break
        bits = tuple(distinct) or ("",)
        return (
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

    async def named_in(self, text: str) -> list[Organization]:
        """The organizations `text` names by name, id or acronym (`directory/org_names.py`),
        in order of mention; the names are read again only after a write to the directory."""
        await self._vocabulary()
        assert self._names is not None
        found = [await self.get(org_id) for org_id in self._names.find(text)]
        return [org for org in found if org is not None]

    async def _vocabulary(self) -> _Vocabulary:
        """FTS terms with document counts, reloaded only after a write to the directory."""
        version = await self._orgs.version()
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
            names = await self._db.fetchall("SELECT id, name, acronym FROM organizations")
            self._names = OrgNames((NamedOrg(i, n, a or "") for i, n, a in names), function_words())
            self._vocab_version = version
        return self._vocab


@dataclass(frozen=True)
class _Vocabulary:
    docs: dict[str, int]
    fuzzy: dict[str, list[str]]
    total: int


@lru_cache(maxsize=1024)
def _covering_regions(gaz: Gazetteer, countries: tuple[str, ...]) -> tuple[str, ...]:
    """Every region that contains one of the countries (continents expand to many)."""
    return tuple(sorted({r for c in countries for r in gaz.regions_of_country(c)}))
