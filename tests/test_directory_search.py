"""Search quality in four languages, typos, acronyms, hostile FTS text."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from directory.db import Database
from directory.search import Directory, escape_fts
from directory.seed import load_seed


@pytest.fixture
async def directory(db: Database) -> AsyncIterator[Directory]:
    await load_seed(db)
    yield Directory(db)


CASES = [
    ("street vendor organizations in Kenya", ["kenasvit"], 1),
    ("domestic workers union in the Philippines", ["adwn"], 5),
    ("redes de trabajadoras del hogar en América Latina", ["conlactraho"], 1),
    ("organisations de récupérateurs en Afrique", ["sawpa", "bokk-diom"], 5),
    ("cooperativas de catadores no Brasil", ["mncr"], 1),
    ("waste pickers in Brazil", ["mncr", "red-lacre", "iawp"], 3),
    ("street vendors in Ghana", ["ihvag", "gama"], 2),
    ("domestic workers in Peru", ["conlactraho", "idwf"], 2),
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
    assert [h.reason for h in result.hits] == ["place", "region", "global"]
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
