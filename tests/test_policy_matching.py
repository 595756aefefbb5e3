"""Every rule triggers in every language, from phrasings that are not in the shared eval set."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from directory.policy.answer import PolicyEngine
from directory.policy.rules import read_seed

SHARED_EVAL = Path(__file__).resolve().parents[2] / "shared" / "eval" / "policy-questions.jsonl"


@cache
def engine() -> PolicyEngine:
    """Matching needs no database: the seed rules and the compiled vocabulary."""
    eng = PolicyEngine(None, None)  # type: ignore[arg-type]
    eng.use_rules(read_seed()[1])
    return eng


def top(text: str) -> list[str]:
    return [m.rule.id for m in engine().match(text)[0]]


CASES: list[tuple[str, str, str]] = [
    # funding
    ("funding", "en", "Could you sponsor our cooperative's new equipment?"),
    ("funding", "en", "is there financial support available from wiego for grassroots groups"),
    ("funding", "es", "¿Nos podrían donar dinero para la cooperativa?"),
    ("funding", "es", "Buscamos patrocinio para nuestra feria"),
    ("funding", "fr", "Est-ce que WIEGO finance des petits projets ?"),
    ("funding", "fr", "nous cherchons une subvention pour notre association"),
    ("funding", "pt", "Vocês dão apoio financeiro para cooperativas?"),
    ("funding", "pt", "preciso de patrocínio para um evento comunitário"),
    # information
    ("information", "en", "Any statistics about informal employment in Africa?"),
    ("information", "en", "where can I learn more about the informal economy, any publications?"),
    ("information", "es", "Necesito estadísticas sobre el empleo informal"),
    ("information", "es", "¿tienen informes sobre economía informal en Perú?"),
    ("information", "fr", "Je cherche des statistiques sur le secteur informel"),
    ("information", "fr", "Avez-vous des données sur les travailleurs informels ?"),
    ("information", "pt", "Vocês têm estatísticas sobre informalidade?"),
    ("information", "pt", "onde posso ler relatórios sobre o setor informal"),
    # student_research
    ("student_research", "en", "Can WIEGO supervise my PhD thesis?"),
    ("student_research", "en", "I need help with the questionnaire for my dissertation"),
    ("student_research", "es", "Estoy escribiendo mi tesis, ¿me pueden asesorar?"),
    ("student_research", "es", "Soy estudiante y necesito ayuda con mi monografía"),
    ("student_research", "fr", "Je rédige ma thèse, pouvez-vous m'aider ?"),
    ("student_research", "fr", "étudiante, j'ai besoin d'aide pour mon mémoire de master"),
    ("student_research", "pt", "Preciso de ajuda com a minha tese de doutorado"),
    ("student_research", "pt", "sou estudante e preciso de orientação para o meu TCC"),
    # media
    ("media", "en", "I'm a TV journalist looking for a spokesperson"),
    ("media", "en", "Do you have a press kit for reporters?"),
    ("media", "es", "Soy periodista y necesito una entrevista con WIEGO"),
    ("media", "es", "¿Quién atiende a la prensa en WIEGO?"),
    ("media", "fr", "Journaliste, je souhaite une interview"),
    ("media", "fr", "Avez-vous un communiqué de presse ?"),
    ("media", "pt", "Sou jornalista de uma revista e gostaria de uma declaração"),
    ("media", "pt", "Quem fala com a imprensa na WIEGO?"),
    # new_subject_area
    ("new_subject_area", "en", "Would you partner with us on a cryptocurrency initiative?"),
    ("new_subject_area", "en", "Let's collaborate on a sports tourism project"),
    ("new_subject_area", "es", "¿Quieren colaborar en un proyecto de videojuegos?"),
    ("new_subject_area", "es", "Buscamos socios para un proyecto de turismo deportivo"),
    ("new_subject_area", "fr", "Un partenariat sur la cybersécurité vous intéresse ?"),
    ("new_subject_area", "fr", "Voulez-vous collaborer à un projet de robotique ?"),
    ("new_subject_area", "pt", "Vamos fazer uma parceria em robótica?"),
    ("new_subject_area", "pt", "Querem colaborar num projeto de turismo?"),
    # private_sector
    ("private_sector", "en", "Our corporation's CSR team wants to engage street traders"),
    (
        "private_sector",
        "en",
        "A multinational brand would like WIEGO's advice on informal suppliers",
    ),
    ("private_sector", "es", "Somos una compañía multinacional y queremos trabajar con vendedores"),
    ("private_sector", "es", "La fundación empresarial de un banco quiere donar a WIEGO"),
    ("private_sector", "fr", "Une multinationale veut travailler avec des vendeurs de rue"),
    ("private_sector", "fr", "Notre marque cherche des conseils sur le secteur informel"),
    ("private_sector", "pt", "Uma multinacional quer apoiar catadores"),
    ("private_sector", "pt", "A nossa marca quer trabalhar com costureiras em domicílio"),
    # internship
    ("internship", "en", "Can I intern at WIEGO next summer?"),
    ("internship", "en", "do you take volunteers"),
    ("internship", "es", "Quiero hacer una pasantía en WIEGO"),
    ("internship", "es", "¿Puedo ser voluntario con ustedes?"),
    ("internship", "fr", "Je cherche un stage chez WIEGO"),
    ("internship", "fr", "Acceptez-vous des stagiaires ?"),
    ("internship", "pt", "Vocês aceitam estagiários?"),
    ("internship", "pt", "Gostaria de fazer trabalho voluntário"),
    # access_to_workers
    ("access_to_workers", "en", "Could you introduce me to some waste pickers in Brazil?"),
    ("access_to_workers", "en", "I need contacts of domestic workers for interviews"),
    ("access_to_workers", "es", "Necesito contactar recicladores en Chile"),
    ("access_to_workers", "es", "¿Me pasan contactos de vendedoras ambulantes?"),
    (
        "access_to_workers",
        "fr",
        "Pouvez-vous me mettre en contact avec des travailleuses domestiques ?",
    ),
    ("access_to_workers", "fr", "J'aimerais rencontrer des récupérateurs au Sénégal"),
    ("access_to_workers", "pt", "Podem me apresentar a catadores em Minas Gerais?"),
    ("access_to_workers", "pt", "Quero o contato de trabalhadoras domésticas"),
    # service_delivery
    ("service_delivery", "en", "Will WIEGO pay for latrines in our slum?"),
    ("service_delivery", "en", "We want to install electricity and drainage at the market"),
    ("service_delivery", "es", "¿Pueden instalar agua potable en el mercado?"),
    ("service_delivery", "es", "Queremos mejorar las viviendas de un asentamiento"),
    ("service_delivery", "fr", "Pouvez-vous construire des toilettes au marché ?"),
    ("service_delivery", "fr", "Nous voulons l'eau potable dans notre quartier précaire"),
    ("service_delivery", "pt", "Vocês fazem campanha de vacinação?"),
    ("service_delivery", "pt", "Precisamos de esgoto e água na comunidade"),
    # government_call
    ("government_call", "en", "Join our consortium for a World Bank tender?"),
    ("government_call", "en", "We're bidding on a public call from the ministry, will you join?"),
    ("government_call", "es", "Hay una convocatoria pública del gobierno, ¿participan?"),
    ("government_call", "es", "Armamos un consorcio para una licitación"),
    (
        "government_call",
        "fr",
        "Un appel d'offres du gouvernement, voulez-vous y répondre avec nous ?",
    ),
    ("government_call", "fr", "Rejoignez notre consortium pour un appel à projets"),
    ("government_call", "pt", "Vamos participar de uma chamada pública do ministério"),
    ("government_call", "pt", "Querem entrar num consórcio para uma licitação?"),
    # short_deadline
    ("short_deadline", "en", "The proposal is due tomorrow, can WIEGO join?"),
    ("short_deadline", "en", "Our application closes in 12 days, be our partner?"),
    ("short_deadline", "es", "La propuesta vence en dos semanas, ¿se suman?"),
    ("short_deadline", "es", "Tenemos plazo hasta el viernes para la propuesta"),
    ("short_deadline", "fr", "La proposition est à rendre la semaine prochaine"),
    ("short_deadline", "fr", "Notre candidature doit partir dans quinze jours, partenaires ?"),
    ("short_deadline", "pt", "A proposta vence amanhã, vocês entram?"),
    ("short_deadline", "pt", "O prazo da candidatura é daqui a três semanas"),
    # speaker
    ("speaker", "en", "Looking for a guest speaker for our conference"),
    ("speaker", "en", "Would WIEGO join a panel discussion as a panelist?"),
    ("speaker", "es", "Buscamos un conferencista para un seminario"),
    ("speaker", "es", "¿Puede alguien de WIEGO ser panelista?"),
    ("speaker", "fr", "Nous cherchons un orateur pour notre congrès"),
    ("speaker", "fr", "Un intervenant de WIEGO pour notre webinaire ?"),
    ("speaker", "pt", "Precisamos de uma palestrante para o nosso evento"),
    ("speaker", "pt", "Vocês podem dar uma palestra?"),
    # partnership
    ("partnership", "en", "We'd love to partner with WIEGO"),
    ("partnership", "en", "Is WIEGO open to collaborations?"),
    ("partnership", "es", "Nos interesa una colaboración con WIEGO"),
    ("partnership", "es", "¿WIEGO hace alianzas con otras organizaciones?"),
    ("partnership", "fr", "Nous souhaitons un partenariat avec WIEGO"),
    ("partnership", "fr", "Pouvons-nous coopérer avec WIEGO ?"),
    ("partnership", "pt", "Gostaríamos de colaborar com a WIEGO"),
    ("partnership", "pt", "A WIEGO faz parcerias?"),
    # directory
    ("directory", "en", "home-based workers networks in Thailand"),
    ("directory", "en", "street vendors unions in Zimbabwe"),
    ("directory", "es", "sindicatos de trabajadoras del hogar en Sudáfrica"),
    ("directory", "es", "redes de recicladores en Colombia"),
    ("directory", "fr", "réseaux de travailleurs à domicile en Asie"),
    ("directory", "fr", "syndicats de vendeurs de rue au Kenya"),
    ("directory", "pt", "redes de trabalhadoras domésticas na América Latina"),
    ("directory", "pt", "sindicatos de vendedores ambulantes no Gana"),
]


def test_cases_are_not_from_the_shared_eval() -> None:
    shared = {json.loads(line)["question"] for line in SHARED_EVAL.read_text().splitlines() if line}
    assert not shared & {q for _r, _l, q in CASES}


def test_every_rule_in_every_language_twice() -> None:
    seen: dict[tuple[str, str], int] = {}
    for rule, lang, _q in CASES:
        seen[(rule, lang)] = seen.get((rule, lang), 0) + 1
    rules = {r.id for r in read_seed()[1]}
    assert {(r, lang) for r in rules for lang in ("en", "es", "fr", "pt")} == set(seen)
    assert min(seen.values()) >= 2


@pytest.mark.parametrize(("rule", "lang", "question"), CASES)
def test_rule_triggers(rule: str, lang: str, question: str) -> None:
    got = top(question)
    assert got and got[0] == rule, (question, got)


@pytest.mark.parametrize(
    ("question", "first", "second"),
    [
        ("Can WIEGO fund water and toilets in a settlement?", "service_delivery", "funding"),
        (
            "Our funding proposal is due in ten days, can you be a partner?",
            "short_deadline",
            "funding",
        ),
        (
            "I'm a student and need phone numbers of waste pickers in India",
            "access_to_workers",
            "student_research",
        ),
        (
            "Sou estudante e quero entrevistar vendedores ambulantes no Brasil",
            "access_to_workers",
            "student_research",
        ),
    ],
)
def test_multi_rule_ordering(question: str, first: str, second: str) -> None:
    got = top(question)
    assert got[0] == first
    assert second in got[1:]


@pytest.mark.parametrize(
    "question",
    [
        "What is the capital of Peru?",
        "I'm a student, what's the capital of Peru?",
        "what's the weather in Nairobi",
        "tell me a joke",
        "hello",
        "¿Qué hora es?",
        "Quel temps fait-il à Dakar ?",
        "Qual é o melhor time de futebol?",
        "🙂🙂🙂",
        "asdkjh qwe zxcmnb",
        "",
    ],
)
def test_off_topic_gets_no_rule(question: str) -> None:
    assert top(question) == []


def test_typos_are_tolerated() -> None:
    assert top("can wiego give me a scholarhsip")[0] == "funding"
    assert top("im a journalsit")[0] == "media"
    assert top("do you ofer internnships")[0] == "internship"


def test_place_names_are_not_typos() -> None:
    assert "funding" not in top("street vendors in Ghana")


@settings(max_examples=75, deadline=None)
@given(st.text(max_size=200))
def test_random_text_never_raises(text: str) -> None:
    matches, cues = engine().match(text)
    assert all(m.score > 0 for m in matches)
    assert cues.language in {"en", "es", "fr", "pt"}


@settings(max_examples=50, deadline=None)
@given(st.text(alphabet=st.sampled_from("bcdfghjklmnpqrstvwxz"), min_size=1, max_size=40))
def test_gibberish_gets_no_rule(text: str) -> None:
    assert top(text) == []


@settings(max_examples=50, deadline=None)
@given(
    st.lists(st.sampled_from(["😀", "🙏", "👍", "🔥", "❤️", "✨", "  ", "!!", "??"]), max_size=20)
)
def test_emoji_gets_no_rule(parts: list[str]) -> None:
    assert top("".join(parts)) == []
