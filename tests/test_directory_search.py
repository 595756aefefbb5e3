"""Search quality in four languages, typos, acronyms, hostile FTS text."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from directory.db import Database
from directory.search import Directory, escape_fts
from directory.sectors import SECTORS
from directory.seed import load_seed


@pytest.fixture
async def directory(db: Database) -> AsyncIterator[Directory]:
    await load_seed(db)
    yield Directory(db)


CASES = [
    ("street vendor organizations in Kenya", ["kenasvit"], 1),
    ("domestic workers union in the Philippines", ["adwn"], 5),
    ("redes de trabajadoras del hogar en América Latina", ["conlactraho", "cdwn"], 11),
    ("organisations de récupérateurs en Afrique", ["sawpa", "bokk-diom"], 5),
    ("cooperativas de catadores no Brasil", ["mncr"], 1),
    ("waste pickers in Brazil", ["mncr", "unicatadores", "red-lacre", "iawp"], 4),
    ("street vendors in Ghana", ["ihvag", "gama"], 2),
    ("domestic workers in Peru", ["iprofoth", "conlactraho", "idwf"], 3),
    ("vendedores ambulantes en México", ["streetnet"], 1),
    ("waste pickers in India", ["kkpkp", "swach", "aiw", "hasiru-dala", "sewa"], 5),
    ("street vendors in Benin", ["streetnet"], 1),
    ("recicladores en Medellín", ["anr"], 3),
    ("trabalhadoras em domicílio no Sudeste Asiático", ["homenet-southeast-asia"], 5),
    ("IDWF", ["idwf"], 1),
    ("kkpkp", ["kkpkp"], 1),
    ("SEWAA", ["sewa"], 1),
    ("streetnet", ["streetnet"], 1),
    ("Nairbi", ["kenasvit"], 1),
    ("Bogota", ["arb"], 3),
    ("Self-Employed Women's Association", ["sewa"], 1),
]


@pytest.mark.parametrize(("text", "expected", "within"), CASES)
async def test_quality(directory: Directory, text: str, expected: list[str], within: int) -> None:
    result = await directory.search(text, limit=within)
    assert set(expected) <= {h.org.id for h in result.hits}, result


async def test_reasons_rank_place_then_region_then_global(directory: Directory) -> None:
    result = await directory.search("waste pickers in Brazil")
    assert [h.reason for h in result.hits] == ["place", "place", "region", "global"]
    assert result.sectors == {"waste_pickers"} and result.places[0].code == "BR"


async def test_filters_and_paging(directory: Directory) -> None:
    page1 = await directory.search(sectors=["waste_pickers"], countries=["IN"], limit=2)
    page2 = await directory.search(sectors=["waste_pickers"], countries=["IN"], limit=2, offset=2)
    assert page1.total == page2.total >= 5
    assert not {h.org.id for h in page1.hits} & {h.org.id for h in page2.hits}
    assert [o.id for o in await directory.global_networks(["domestic_workers"])] == ["idwf", "iuf"]


async def test_no_result(directory: Directory) -> None:
    result = await directory.search("zzzz qqqq")
    assert result.hits == [] and result.total == 0


@pytest.mark.parametrize("text", ["AND OR NOT", "and", "the", "de la", "et les", "o que"])
async def test_a_search_of_function_words_only_finds_nothing(directory: Directory, text: str) -> None:
    """A black-box tester's "/search AND OR NOT" listed 51 organizations: every summary with "and".
    With no word to search for, nothing is found (the bot then says so)."""
    assert (await directory.search(text)).total == 0
    assert (await directory.search(text + " waste pickers")).total > 0  # they still join a real search


def test_escape_fts_quotes_everything() -> None:
    assert escape_fts('a "b" NEAR(') == ['"a"', '"""b"""', '"NEAR("']


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.text(alphabet=st.sampled_from(list("\"*():^-+ ANDORNEAR{}[]é'\\ab1")), max_size=30)
    | st.text(max_size=20)
)
async def test_hostile_text_never_raises(directory: Directory, text: str) -> None:
    result = await directory.search(text)
    assert isinstance(result.hits, list)


# --- totals and paging: every organization exactly once ------------------------------------
PAGING_QUERIES = [
    "vendedores ambulantes Kenya",
    "street vendors and market traders in Kenya and Ghana",
    "waste pickers in India",
    "domestic workers",
    "Asia",
    "organisations de récupérateurs en Afrique",
    "vendeurs de rue au Bénin et au Sénégal",
    "trabalhadoras domésticas no Brasil",
    "catadores no Brasil",
    "redes de trabajadoras del hogar en América Latina",
    "recicladores en Colombia",
    "union",
    "IDWF",
    "home-based workers in South Asia",
]


async def _all_pages(directory: Directory, text: str = "", limit: int = 2, **filters) -> tuple[int, list[str]]:
    first = await directory.search(text, limit=limit, **filters)
    ids: list[str] = []
    for offset in range(0, first.total, limit):
        page = await directory.search(text, limit=limit, offset=offset, **filters)
        assert page.total == first.total
        assert page.hits, f"empty page at offset {offset} of {first.total} for {text!r} {filters}"
        assert len(page.hits) == min(limit, first.total - offset)
        ids += [h.org.id for h in page.hits]
    after = await directory.search(text, limit=limit, offset=first.total, **filters)
    assert after.hits == []
    return first.total, ids


async def test_total_counts_distinct_organizations(directory: Directory) -> None:
    result = await directory.search("vendedores ambulantes Kenya")
    assert result.total == len({h.org.id for h in result.hits}) == 2
    assert not result.total_capped


@pytest.mark.parametrize("text", PAGING_QUERIES)
async def test_paging_shows_each_organization_once(directory: Directory, text: str) -> None:
    total, ids = await _all_pages(directory, text)
    assert len(ids) == total == len(set(ids))
    whole = await directory.search(text, limit=total or 1)
    assert [h.org.id for h in whole.hits] == ids, "pages follow the single-page order"


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(st.sampled_from(SECTORS), max_size=3, unique=True),
    st.lists(st.sampled_from(["KE", "GH", "IN", "BR", "PE", "ZA", "SN", "BJ", "MX", "PH", "FR"]), max_size=3, unique=True),
    st.lists(st.sampled_from(["002", "019", "142", "419", "034", "011"]), max_size=2, unique=True),
    st.integers(min_value=1, max_value=4),
)
async def test_paging_filters_property(
    directory: Directory, sectors: list[str], countries: list[str], regions: list[str], limit: int
) -> None:
    total, ids = await _all_pages(directory, limit=limit, sectors=sectors, countries=countries, regions=regions)
    assert len(ids) == total == len(set(ids))


async def test_total_is_capped_for_huge_results(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    from directory import search

    await load_seed(db)
    directory = Directory(db)
    monkeypatch.setattr(search, "TOTAL_CAP", 3)
    result = await directory.search("waste pickers", limit=2)
    assert (result.total, result.total_capped) == (3, True)
    total, ids = await _all_pages(directory, "waste pickers", limit=2)
    assert total == 3 and len(set(ids)) == 3
    small = await directory.search("IDWF")
    assert not small.total_capped


async def test_regional_networks_follow_edits(db: Database) -> None:
    from dataclasses import replace

    from directory.organizations import Organizations

    await load_seed(db)
    directory = Directory(db)
    before = await directory.search("domestic workers in Peru", limit=50)
    repo = Organizations(db)
    net = await repo.get("conlactraho")
    assert net is not None and "conlactraho" in {h.org.id for h in before.hits}
    await repo.upsert(replace(net, countries=("FR",), regions=("150",)), "test")
    after = await directory.search("domestic workers in Peru", limit=50)
    assert "conlactraho" not in {h.org.id for h in after.hits}
    assert after.total == before.total - 1


async def test_a_kept_page_is_never_served_after_a_write_from_another_process(db: Database, tmp_path) -> None:
    """Pages are kept by directory version; a write through another connection to the same
    file (an admin's `main.py directory import` while the bot runs) raises the version."""
    from dataclasses import replace

    from directory.organizations import Organizations

    await load_seed(db)
    directory = Directory(db)
    first = await directory.search("street vendors in Kenya", limit=50)
    again = await directory.search("street vendors in Kenya", limit=50)
    assert [h.org.id for h in again.hits] == [h.org.id for h in first.hits] and "kenasvit" in {
        h.org.id for h in first.hits
    }
    other = await Database.open(tmp_path / "test.sqlite3")
    try:
        repo = Organizations(other)
        org = await repo.get("kenasvit")
        assert org is not None
        await repo.upsert(replace(org, countries=("FR",)), "test")
    finally:
        await other.close()
    after = await directory.search("street vendors in Kenya", limit=50)
    assert "kenasvit" not in {h.org.id for h in after.hits}


def _count_statements(db: Database) -> list[str]:
    """Every statement sent to aiosqlite's threads from now on (`read_now` is not one)."""
    statements: list[str] = []
    fetchall, fetchone = db.fetchall, db.fetchone

    async def counting_fetchall(sql, params=()):  # type: ignore[no-untyped-def]
        statements.append(sql)
        return await fetchall(sql, params)

    async def counting_fetchone(sql, params=()):  # type: ignore[no-untyped-def]
        statements.append(sql)
        return await fetchone(sql, params)

    db.fetchall, db.fetchone = counting_fetchall, counting_fetchone  # type: ignore[method-assign]
    return statements


async def test_what_was_read_at_the_directory_version_now_costs_no_round_trip(db: Database) -> None:
    """A kept page, its organizations, the sector's global networks, an organization by id:
    while the version read at once is the one they were read at, nothing goes to the database."""
    await load_seed(db)
    directory = Directory(db)
    first = await directory.search("", sectors=["waste_pickers"], countries=["BR"])
    networks = await directory.global_networks(["waste_pickers"])
    sewa = await directory.get("sewa")
    statements = _count_statements(db)
    again = await directory.search("", sectors=["waste_pickers"], countries=["BR"])
    assert [h.org for h in again.hits] == [h.org for h in first.hits] and again.hits
    assert await directory.global_networks(["waste_pickers"]) == networks and networks
    assert await directory.get("sewa") == sewa and sewa is not None
    assert statements == []


async def test_kept_organizations_are_read_again_after_a_write_from_another_process(
    db: Database, tmp_path
) -> None:
    from dataclasses import replace

    from directory.organizations import Organizations

    await load_seed(db)
    directory = Directory(db)
    before = await directory.get("sewa")
    assert before is not None and await directory.get("sewa") == before
    other = await Database.open(tmp_path / "test.sqlite3")
    try:
        await Organizations(other).upsert(replace(before, city="Surat"), "test")
    finally:
        await other.close()
    statements = _count_statements(db)
    after = await directory.get("sewa")
    assert after is not None and after.city == "Surat" and len(statements) == 1


async def test_what_a_rolled_back_transaction_read_is_never_kept(db: Database) -> None:
    """Inside a transaction the version counts uncommitted rows; after a rollback the same
    number is given to the next write, so nothing read in there may be kept under it."""
    from dataclasses import replace

    from directory.organizations import Organizations

    await load_seed(db)
    repo = Organizations(db)
    sewa = await repo.get("sewa")
    assert sewa is not None
    with pytest.raises(RuntimeError):
        async with db.atomic() as conn:
            await repo.upsert_in(conn, replace(sewa, city="Nowhere"), "test")
            assert db.read_now("SELECT 1") is None  # cannot see this transaction's writes
            assert (await repo.get("sewa")).city == "Nowhere"  # type: ignore[union-attr]
            raise RuntimeError("roll back")
    await repo.upsert(replace(sewa, city="Vadodara"), "test")  # takes the rolled-back version
    assert (await repo.get("sewa")).city == "Vadodara"  # type: ignore[union-attr]
    assert (await Directory(db).get("sewa")).city == "Vadodara"  # type: ignore[union-attr]


async def test_read_now_never_answers_for_a_database_only_one_connection_sees() -> None:
    memory = await Database.open(":memory:")
    try:
        assert memory.read_now("SELECT 1") is None
        assert await memory.fetchval("SELECT 1") == 1
    finally:
        await memory.close()


async def test_read_now_reads_the_file_at_once(db: Database) -> None:
    assert db.read_now("SELECT 41 + 1") == (42,)
    assert db.read_now("SELECT nothing FROM nowhere") is None  # an error is "not now", not a raise


def test_kept_values_are_served_for_their_version_only_and_bounded() -> None:
    from directory.kept import KeptForVersion

    kept: KeptForVersion[str, int] = KeptForVersion(2)
    kept.keep("a", 1, version=7)
    kept.keep("b", 2, version=7)
    assert kept.get_all(["a", "b"], 7) == [1, 2]
    assert kept.get("a", 8) is None and kept.get("a", None) is None
    assert kept.get("a", 7) == 1  # used after "b": "b" is the one to go
    kept.keep("c", 3, version=7)
    assert kept.get("b", 7) is None and kept.get_all(["a", "c"], 7) == [1, 3]
    kept.keep("d", 4, version=8)  # a new version drops the others
    assert kept.get("a", 8) is None and kept.get("d", 8) == 4
