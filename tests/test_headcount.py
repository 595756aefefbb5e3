"""Member counts read from the sources' English and said in the reader's language."""

from __future__ import annotations

import re

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from bot.headcount import members_text
from bot.i18n import Catalogs
from directory.headcount import Amount, Part, parse


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        ("about 2 million members", (Part(Amount("about", 2_000_000, "members")),)),
        ("528,645 members from 888 organizations", (
            Part(Amount("", 528_645, "members"), Amount("", 888, "organizations")),
        )),
        ("affiliates in 45 countries", (Part(Amount("", None, "affiliates"), Amount("", 45, "countries")),)),
        ("90 affiliates in 69 countries; over 669,000 members", (
            Part(Amount("", 90, "affiliates"), Amount("", 69, "countries")),
            Part(Amount("over", 669_000, "members")),
        )),
        ("more than 2,000 members", (Part(Amount("over", 2000, "members")),)),
        ("24,602", (Part(Amount("", 24_602, "")),)),
        ("615 (601 women, 14 men)", ()),
        ("22 unions and one association in 13 states", ()),
        ("members", ()),
        ("", ()),
    ],
)
def test_parse(text: str, parts: tuple[Part, ...]) -> None:
    assert parse(text).parts == parts


@pytest.mark.parametrize(
    ("lang", "text", "expected"),
    [
        ("en", "about 2 million members", "about 2,000,000 members"),
        ("fr", "about 2 million members", "environ 2\u202f000\u202f000 membres"),
        ("es", "528,645 members from 888 organizations", "528.645 miembros en 888 organizaciones"),
        ("pt", "90 affiliates in 69 countries; over 669,000 members",
         "90 afiliados em 69 países; mais de 669.000 membros"),
        ("fr", "1 member", "1 membre"),
        ("fr", "affiliates in 45 countries", "affiliés dans 45 pays"),
        ("fr", "more than 2,000 vendor members", "more than 2\u202f000 vendor members"),  # words kept
        ("fr", "615 (601 women, 14 men)", "615 (601 women, 14 men)"),
        ("de", "30,150 members", "30,150 members"),  # no catalog: the default language
    ],
)
def test_said_in_the_readers_language(catalogs, lang: str, text: str, expected: str) -> None:
    assert members_text(catalogs.translator(lang), text) == expected


FRENCH = Catalogs().translator("fr")


@given(st.text(alphabet=st.sampled_from("0123456789, abcmembrs();é"), max_size=60))
def test_a_count_of_another_shape_keeps_its_words(text: str) -> None:
    assume(not parse(text).understood)
    result = members_text(FRENCH, text)

    def words(value: str) -> str:
        return re.sub(r"[\d,\u202f]", "", value)

    assert words(result) == words(text)


async def test_details_card_in_french_numbers(bot, catalogs) -> None:
    reply = await bot.send("/start org_nasvi", lang="fr")
    t = catalogs.translator("fr")
    assert t.ngettext("%(n)s member", "%(n)s members", 528_645) in reply.text
    assert "528\u202f645 membres dans 888 organisations" in reply.text
    assert "528,645" not in reply.text
