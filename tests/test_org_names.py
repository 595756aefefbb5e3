"""Organizations named in a message (directory/org_names.py), and the answer that follows."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from directory.db import Database
from directory.org_names import NamedOrg, OrgNames
from directory.policy import PolicyEngine
from directory.search import Directory

ORGS = [
    NamedOrg("sewa", "Self-Employed Women's Association", "SEWA"),
    NamedOrg("streetnet", "StreetNet International", "StreetNet"),
    NamedOrg("homenet-kenya", "HomeNet Kenya", ""),
    NamedOrg("idea-cambodia", "Independent Democracy of Informal Economy Association", "IDEA"),
    NamedOrg("united-philippines", "United Vendors of the Philippines", "UNITED"),
    NamedOrg("kenasvit", "Kenya National Alliance of Street Vendors and Informal Traders", "KENASVIT"),
    NamedOrg("iuf", "International Union of Food Workers", "IUF"),
]


@pytest.mark.parametrize(
    ("text", "ids"),
    [
        ("how do I contact SEWA?", ["sewa"]),
        ("how do i contact sewa", ["sewa"]),
        ("¿y cómo contacto a StreetNet?", ["streetnet"]),
        ("homenet kenya phone number", ["homenet-kenya"]),
        ("the Self Employed Women's Association and kenasvit", ["sewa", "kenasvit"]),
        ("the IDEA union", ["idea-cambodia"]),
        ("email of the IUF", ["iuf"]),
    ],
)
def test_names_ids_and_acronyms_are_found(text: str, ids: list[str]) -> None:
    assert OrgNames(ORGS).find(text) == ids


@pytest.mark.parametrize(
    "text", ["I have an idea for united action", "the iuf", "streets of Nairobi", "", "🙂 ¿?"]
)
def test_words_that_happen_to_be_acronyms_name_nobody(text: str) -> None:
    assert OrgNames(ORGS, frozenset({"united"})).find(text) == []


@pytest.mark.parametrize("text", ["anyone know if Leeds United won last night?", "United we stand"])
def test_an_acronym_that_is_the_first_word_of_its_name_counts_only_in_capitals(text: str) -> None:
    """ "UNITED" (United Vendors of the Philippines) is a word: no list of words needed to
    tell "Leeds United" from the union; written as the directory has it, it still names it."""
    names = OrgNames(ORGS)
    assert names.find(text) == []
    assert names.find("how do I reach UNITED in Manila?") == ["united-philippines"]
    assert names.find("StreetNet or streetnet") == ["streetnet"], "its id still counts in any case"


@pytest.mark.parametrize(
    ("question", "org"),
    [
        ("how do I contact SEWA?", "sewa"),
        ("y cómo contacto a StreetNet?", "streetnet"),
        ("comment joindre la FAINATRASIT ?", "fainatrasit"),
        ("como falo com o MNCR?", "mncr"),
    ],
)
async def test_asking_for_a_named_organization_is_a_directory_request(
    engine: PolicyEngine, db: Database, question: str, org: str
) -> None:
    answer = await engine.answer(question)
    assert answer.best is not None and answer.best.rule.id == "directory"
    result = await Directory(db).search(question)
    assert [h.org.id for h in result.hits] == [org], "the organization, not every summary naming it"


@pytest.mark.parametrize(
    "text",
    [
        "Merci beaucoup pour votre réponse rapide. Je vais écrire à StreetNet comme vous avez dit. Bonne journée",
        "Thanks a lot, I will write to SEWA then",
    ],
)
async def test_thanks_that_name_an_organization_are_thanks(engine: PolicyEngine, text: str) -> None:
    """After a referral people say whom they will write to: that asks the directory nothing."""
    answer = await engine.answer(text)
    assert answer.best is None and answer.thanks and not answer.organizations


@pytest.mark.parametrize(
    "text", ["Thanks. Could you help me find a job as a driver?", "thanks, can you tell me the bus times to Kibera"]
)
async def test_thanks_before_a_request_no_rule_covers_is_not_thanked_back(engine: PolicyEngine, text: str) -> None:
    """A request after the thanks is answered as one (no rule covers it), not with "you're welcome"."""
    answer = await engine.answer(text)
    assert answer.best is None and not answer.thanks


async def test_wiego_itself_stays_about_wiego(engine: PolicyEngine) -> None:
    for question in ("how do I contact WIEGO?", "Is StreetNet part of WIEGO?"):
        answer = await engine.answer(question)
        assert answer.best is not None and answer.best.rule.id == "about_wiego", question


async def test_a_named_organization_beside_another_ask_keeps_that_ask(engine: PolicyEngine) -> None:
    answer = await engine.answer("We are members of KENASVIT. Can WIEGO give us a grant for our stalls?")
    assert answer.best is not None and answer.best.rule.id == "funding"


@pytest.mark.parametrize(
    ("text", "rules", "named"),
    [
        ("Do you give grants? Also how can I reach StreetNet?", ["funding", "directory"], "streetnet"),
        ("What is WIEGO's email? Can you give a grant to SEWA?", ["about_wiego", "funding"], None),
        ("We work with SEWA in Ahmedabad. What is WIEGO's email?", ["about_wiego"], None),
        # read whole, WIEGO's name made these about WIEGO alone (0.96)
        ("Can WIEGO fund us? And how do I contact SEWA?", ["funding", "directory"], "sewa"),
        ("¿WIEGO nos puede financiar? ¿Y cómo contacto a StreetNet?", ["funding", "directory"], "streetnet"),
        ("What is WIEGO's email? And how do I contact SEWA?", ["about_wiego", "directory"], "sewa"),
        ("I read about WIEGO in the news. How do I contact SEWA?", ["directory"], "sewa"),
        ("how do I contact WIEGO and SEWA?", ["about_wiego"], None),
        # the whole read no contacts at all: the question names StreetNet outright
        ("Could WIEGO send a speaker to our forum? Also, how do I reach StreetNet?",
         ["speaker", "directory"], "streetnet"),
        # an organization named in passing ("kayayei" is also an association's name) asks nothing
        ("I am an MPhil student working on kayayei in Accra. Please, do you have figures on head "
         "porters?", ["information"], None),
    ],
)
async def test_a_second_ask_for_a_named_organization_is_the_directory(
    engine: PolicyEngine, text: str, rules: list[str], named: str | None
) -> None:
    """Two asks, one of them contacts: the contacts are the organization's when the part that
    asks them names it (and not WIEGO), and the other ask keeps its rule."""
    answer = await engine.answer(text)
    assert [m.rule.id for m in answer.rules][: len(rules)] == rules
    assert (answer.organizations[0].id if answer.organizations else None) == named


async def test_a_new_name_is_found_after_a_write(engine: PolicyEngine, db: Database) -> None:
    from directory.organizations import Organization, Organizations

    directory = Directory(db)
    assert await directory.named_in("how do I reach ZZWA?") == []
    new = Organization(
        id="zzwa", name="Zanzibar Waste Association", kind="local", acronym="ZZWA",
        sectors=("waste_pickers",), countries=("TZ",),
    )
    await Organizations(db).add_many([new], who="test")
    assert [o.id for o in await directory.named_in("how do I reach ZZWA?")] == ["zzwa"]


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=400))
def test_any_text_names_only_known_organizations_once(text: str) -> None:
    found = OrgNames(ORGS).find(text)
    assert set(found) <= {o.id for o in ORGS}
    assert len(found) == len(set(found))
