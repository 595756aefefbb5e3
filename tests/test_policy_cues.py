"""Deadlines in four languages, who is asking, and the question's language."""

from __future__ import annotations

import pytest

from directory.policy.cues import askers, day_word_deadline, deadline_days, deadline_days_in, is_short
from directory.policy.matcher import load_vocabulary
from directory.text import tokens


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("the proposal is due in two weeks", 14),
        ("deadline next week", 7),
        ("we submit in 10 days", 10),
        ("it closes by Friday", 7),
        ("in twenty-one days", 21),
        ("in three months", 90),
        ("within a month", 29),
        ("due tomorrow", 1),
        ("la propuesta vence la semana que viene", 7),
        ("en quince días", 15),
        ("dentro de tres semanas", 20),
        ("el mes que viene", 30),
        ("dans dix jours", 10),
        ("d'ici vendredi", 7),
        ("dans dix-sept jours", 17),
        ("le mois prochain", 30),
        ("la semana que vem", 7),
        ("em duas semanas", 14),
        ("daqui a vinte e cinco dias", 25),
        ("até sexta-feira", 7),
        ("¡Gana 3.000€ al mes desde casa!", None),  # an amount a month, not a deadline
        ("earn 2 000 a month", None),
        ("I worked there for two weeks", None),
        ("two weeks ago", None),
        ("il y a deux semaines", None),
        ("hace un mes", None),
        ("no deadline mentioned", None),
    ],
)
def test_deadline_days(text: str, days: int | None) -> None:
    assert deadline_days(text) == days


@pytest.mark.parametrize(
    ("text", "by_day_word"),
    [
        ("a Rede que reúne hoje 37 cooperativas; o prazo é daqui a cinco meses", True),
        ("hoy vendemos en la calle", True),
        ("deadline tomorrow!!", True),
        ("on dépose demain soir, la date limite est le 2 décembre", True),  # "demain" is nearer
        ("today we are 40 women; the proposal is due in two weeks", False),
        ("la propuesta vence la semana que viene", False),
        ("the call closes in three months", False),  # not short at all
        ("no deadline mentioned", False),
    ],
)
def test_a_deadline_short_only_by_a_day_word_is_told_apart(text: str, by_day_word: bool) -> None:
    """"que reúne hoje 37 cooperativas" names no deadline of today: a short deadline that only
    "today", "hoy", "demain"… make is a feature of its own, weighed by the classifier."""
    words = tokens(text)
    assert day_word_deadline(words, deadline_days_in(words)) is by_day_word
    assert deadline_days_in(["hoy", "en", "dos", "semanas"], day_words=False) == 14


def test_short_is_under_a_month() -> None:
    assert is_short(29)
    assert not is_short(30)
    assert not is_short(None)


@pytest.mark.parametrize(
    ("text", "asker"),
    [
        ("I'm a master's student at Makerere", "student"),
        ("Soy periodista de un diario", "journalist"),
        ("Notre entreprise souhaite", "company"),
        ("Somos uma consultoria", "consultancy"),
        ("I work at the ministry of labour", "government"),
        ("Je suis chercheuse", "researcher"),
        ("Somos una ONG de Lima", "ngo"),
        ("We are a membership based organization of vendors", "worker_org"),
    ],
)
def test_askers(text: str, asker: str) -> None:
    assert asker in askers(load_vocabulary().concepts(text))
