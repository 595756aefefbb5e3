"""Deadlines in four languages, who is asking, and the question's language."""

from __future__ import annotations

import pytest

from directory.policy.cues import askers, deadline_days, is_short
from directory.policy.matcher import load_vocabulary


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
        ("I worked there for two weeks", None),
        ("two weeks ago", None),
        ("il y a deux semaines", None),
        ("hace un mes", None),
        ("no deadline mentioned", None),
    ],
)
def test_deadline_days(text: str, days: int | None) -> None:
    assert deadline_days(text) == days


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
