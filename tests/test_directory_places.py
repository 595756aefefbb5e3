"""Places: CLDR names in four languages, aliases, M49 membership, cities, no false positives."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from directory.places import gazetteer, most_specific
from directory.text import normalize, tokens


def codes(text: str) -> list[str]:
    return [p.code for p in gazetteer().find(text)]


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("waste pickers in Brazil", "BR"),
        ("recicladores en Perú", "PE"),
        ("vendeurs au Sénégal", "SN"),
        ("catadores no Quênia", "KE"),
        ("trabajadoras en Kenia", "KE"),
        ("organisations au Mexique", "MX"),
        ("Costa do Marfim", "CI"),
        ("USA", "US"),
        ("the UK", "GB"),
        ("Ivory Coast", "CI"),
        ("Phillipines", "PH"),  # typo
        # everyday short names CLDR lacks (place_aliases.csv); D3's "et au Burkina ?" missed
        ("et au Burkina ?", "BF"),
        ("les vendeuses en Centrafrique", "CF"),
        ("domestic workers in Trinidad", "TT"),
        ("catadores em São Tomé", "ST"),
        ("market women for Naija", "NG"),
        ("waste pickers in Zanzibar", "TZ"),
        ("trabajadoras del hogar en República Dominicana", "DO"),
        ("Latin America", "419"),
        ("América Latina", "419"),
        ("Afrique de l'Ouest", "011"),
        ("Sudeste Asiático", "035"),
        ("Asia", "142"),
        ("África", "002"),
        # a country's own regions, named as its people name them (stop 26)
        ("organizaçoes de catadores no nordeste", "BR"),
        ("costureiras na Baixada Fluminense", "BR"),
        ("cartoneras del conurbano", "AR"),
    ],
)
def test_names_in_every_language(text: str, code: str) -> None:
    assert codes(text) == [code]


@pytest.mark.parametrize(
    ("text", "country"),
    [
        ("recicladores en Medellín", "CO"),
        ("vendeurs à Cotonou", "BJ"),
        ("near Mombasa", "KE"),
        ("Nairbi", "KE"),
        ("Bogota", "CO"),
        ("vendedores en Lima", "PE"),
        ("catadores em São Paulo", "BR"),
    ],
)
def test_city_resolves_to_country(text: str, country: str) -> None:
    places = gazetteer().find(text)
    assert places and places[0].kind == "city" and places[0].countries == {country}


@pytest.mark.parametrize(
    "sentence",
    [
        "I will read the report and come back with more details about our union",
        "The government closed the market and we lost our income",
        "nice to meet you, can you help me find an organization that protects our rights",
        "Nous avons une réunion demain pour discuter des salaires et des conditions de travail",
        "Nous vendons des légumes devant la gare chaque matin",
        "Je suis allé au marché avec ma mère ce matin",
        "Necesitamos apoyo legal para nuestra organización de mujeres trabajadoras",
        "Mi hermana trabaja limpiando casas todos los días, como puedo ayudar para todos",
        "Luchamos por la paz y la resistencia en el pueblo",
        "Precisamos de ajuda com o contrato de trabalho e a segurança social",
        "Eles coletam papelão e plástico nas ruas da cidade, tivemos uma reunião",
        "Feliz Natal e boa sorte para todos",
    ],
)
def test_no_false_positives_in_ordinary_sentences(sentence: str) -> None:
    assert gazetteer().find(sentence) == []


def test_region_membership() -> None:
    gaz = gazetteer()
    assert "BR" in gaz.countries_in_region("419")
    assert "PH" in gaz.countries_in_region("142")
    assert {"011", "202", "002"} <= gaz.regions_of_country("SN")
    assert "001" not in gaz.regions_of_country("SN")
    assert gaz.region_name("011", "fr") == "Afrique occidentale"
    assert gaz.region_name("419", "es") == "Latinoamérica"


def test_longest_match_without_overlap() -> None:
    assert codes("Papua New Guinea and Guinea") == ["PG", "GN"]


def test_normalize_and_tokens() -> None:
    assert normalize("L'Afrique  de l’Ouest, São-Paulo!") == "l afrique de l ouest sao paulo"
    assert tokens("Bogotá D.C.") == ["bogota", "d", "c"]
    assert tokens("   ") == []


@pytest.mark.parametrize(
    ("text", "kind", "code"),
    [
        ("e em Salvador?", "city", "BR"),
        ("catadoras em Salvador, Bahia", "city", "BR"),
        ("street vendors in Salvador", "city", "BR"),
        ("les vendeuses au Salvador", "country", "SV"),
        ("vendedores del Salvador", "country", "SV"),
        ("recicladores en El Salvador", "country", "SV"),
    ],
)
def test_a_country_name_that_is_a_big_city_elsewhere_needs_its_article(text: str, kind: str, code: str) -> None:
    """French "Salvador" is El Salvador; without its article it is Brazil's fourth city."""
    place = gazetteer().find(text)[0]
    assert place.kind == kind and code in place.countries


@pytest.mark.parametrize(
    ("text", "name", "country"),
    [
        ("Soy técnica del Ayuntamiento de San Bartolomé de Tirajana", "San Bartolomé de Tirajana", "ES"),
        ("vendedores en San Martín de los Andes", "San Martín de los Andes", "AR"),
        ("las vendedoras de Santa Lucía Cotzumalguapa", "Santa Lucía Cotzumalguapa", "GT"),
        ("vendors in Saint Lucia", "St. Lucia", "LC"),
        ("trabajo en San Martín con vendedores", "St. Martin", "MF"),
    ],
)
def test_a_town_whose_name_begins_with_a_countrys_is_the_town(text: str, name: str, country: str) -> None:
    """CLDR's "San Bartolomé" (St. Barthélemy) begins a town's name in Gran Canaria: the longer
    name, written as a name, is the place; the country alone stays the country."""
    place = gazetteer().find(text)[0]
    assert (place.name, sorted(place.countries)) == (name, [country])


def test_a_region_around_a_named_place_is_its_context_not_the_place() -> None:
    """G12: a journalist's letter about Bamako "in the wider context of West Africa" got the
    domestic workers' organizations of Guinea and Liberia first: Mali is what was asked."""
    found = gazetteer().find("les bonnes à Bamako, dans le contexte du travail domestique en Afrique de l'Ouest")
    assert {p.kind for p in found} == {"city", "region"}
    assert [p.code for p in most_specific(found)] == [p.code for p in found if p.kind != "region"]
    alone = gazetteer().find("networks in West Africa and in Asia")
    assert most_specific(alone) == alone  # regions alone, or around nothing named, stay
    elsewhere = gazetteer().find("vendors in Lima and in West Africa")
    assert most_specific(elsewhere) == elsewhere  # Lima is not in West Africa


_PIECES = [
    "in", "em", "à", "de", "Lagos", "São Paulo", "Côte d'Ivoire", "Eastern Africa", "l'Afrique",
    "don't", "can't", "thèse", "Thèse", "street vendors", "recicladoras", "waste pickers",
    "Ghana", "Accra", "Bogotá", "America Latina", "kayayei", "domestic workers", "Nairobi's",
    "!", "?", ".", ",", "\n", "🙏", "WIEGO", "the", "Don", "Georgia", "Niger", "Lima", "market",
]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=25))
def test_places_and_sectors_read_from_the_engines_words_are_those_of_the_text(pieces: list[str]) -> None:
    """The policy engine reads a message's places and sectors from its own words (contractions
    joined, "thèse" renamed: `lexicon.prepare`) and keeps them by text for the directory's
    search of the same message, which would read them from the text: both readings agree."""
    from directory.policy.lexicon import prepare
    from directory.sectors import find_sector_spans_in, sectors_named
    from directory.text import words_of

    text = " ".join(pieces)
    gaz = gazetteer()
    read = words_of(prepare(text))
    assert gaz.find_in_text(text, read) == gaz._find(text)
    assert list(gaz.find_in_text(text, read)) == gaz.find(text)
    assert sectors_named(text, read.words) == tuple(s for _a, _b, s in find_sector_spans_in(tokens(text)))


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("las caseritas del mercado Rodríguez en La Paz no tienen agua", ["La Paz"]),
        ("vendo en el mercado de La Paz", ["La Paz"]),
        ("les commerçantes du marché Dantokpa à Cotonou", ["Cotonou"]),
        ("as catadoras do bairro Liberdade em São Paulo", ["São Paulo"]),
        ("contacts vendeuses de rue Niamey svp", ["Niamey"]),
        ("trabajo en la plaza San Francisco de La Paz", ["La Paz"]),
    ],
)
def test_a_name_after_a_market_or_a_neighbourhood_is_not_a_city_elsewhere(text: str, names: list[str]) -> None:
    """ "mercado Rodríguez" is a market of La Paz, not Rodriguez in the Philippines (G15's
    first measure sent these market women to Filipino organizations); after "de" or "rue" the
    city is a city."""
    assert [p.name for p in gazetteer()._find(text)] == names


@pytest.mark.parametrize(
    ("text", "city", "country"),
    [
        ("¿Hay algún sindicato de trabajadoras del hogar en la CDMX?", "Mexico City", "MX"),
        ("contato de diaristas em BH pra pesquisa", "Belo Horizonte", "BR"),
        ("cartoneros de CABA", "Buenos Aires", "AR"),
        ("any street traders' group in Jozi?", "Johannesburg", "ZA"),
        ("les vendeuses de Ouaga", "Ouagadougou", "BF"),
        ("catadoras em SP", "São Paulo", "BR"),
    ],
)
def test_a_city_s_everyday_short_name_is_that_city(text: str, city: str, country: str) -> None:
    """`data/city_aliases.csv`: "CDMX", "BH", "Jozi" are how people name their cities."""
    found = [(p.name, p.countries) for p in gazetteer().find(text) if p.kind == "city"]
    assert found == [(city, frozenset({country}))], text


@pytest.mark.parametrize("text", ["we need sp advice", "tell your kin", "pueden dar una charla", "the bh of it"])
def test_short_city_names_written_in_lower_case_are_words(text: str) -> None:
    assert [p for p in gazetteer().find(text) if p.kind == "city"] == [], text


@pytest.mark.parametrize(
    ("text", "name", "country"),
    [
        ("domestic workers in Gujarat", "Gujarat", "IN"),
        ("trabalhadoras domesticas aqui no Ceara", "Ceará", "BR"),
        ("vendors in KwaZulu-Natal", "Kwazulu-Natal", "ZA"),
        ("recicladores en antioquia", "Antioquia", "CO"),
        ("traders in Kwara State", "Kwara", "NG"),
        ("vendeuses au Sud-Kivu", "Sud-Kivu", "CD"),
        ("catadores no Rio Grande do Sul", "Rio Grande do Sul", "BR"),  # not the city Rio Grande
        ("cooperativas em Santa Catarina", "Santa Catarina", "BR"),
    ],
)
def test_a_state_or_province_is_a_place_of_its_country(text: str, name: str, country: str) -> None:
    """People name their state or province as often as their city (pycountry's ISO 3166-2)."""
    places = gazetteer().find(text)
    assert [(p.kind, p.name, p.countries) for p in places] == [("area", name, frozenset({country}))]


@pytest.mark.parametrize(
    "text",
    [
        "Para mi tesis necesito datos",  # Pará (Brazil)
        "Centre de formation",  # Centre (Cameroon, Burkina Faso)
        "salamat po",  # Salamat (Chad): thanks in Filipino
        "uma associação portuguesa",  # Portuguesa (Venezuela)
        "Marche avec nous",  # Marche (Italy)
        "Universidad Nacional Mayor de San Marcos",  # a saint's name: a university, not Guatemala
        "Upper River",  # a description, no name of its own
    ],
)
def test_words_that_are_also_a_subdivision_s_name_are_words(text: str) -> None:
    assert [p for p in gazetteer().find(text) if p.kind == "area"] == []


def test_a_state_named_like_its_capital_is_the_city() -> None:
    assert [(p.kind, p.name) for p in gazetteer().find("vendors in Lagos")] == [("city", "Lagos")]


@pytest.mark.parametrize(
    ("text", "city", "country"),
    [
        ("street traders union freetown", "Freetown", "SL"),
        ("vendedoras en tegucigalpa", "Tegucigalpa", "HN"),
        ("domestic workers maseru", "Maseru", "LS"),
    ],
)
def test_a_capital_written_in_lower_case_is_that_city(text: str, city: str, country: str) -> None:
    """Capitals are known by their names however they are typed (other cities in lower case
    need a million people: "natal" and "santos" are words)."""
    places = gazetteer().find(text)
    assert [(p.kind, p.name, p.countries) for p in places] == [("city", city, frozenset({country}))]


@pytest.mark.parametrize(
    ("text", "names"),
    [("the market queens of Makola", ["Accra"]), ("I sew Ankara tote bags", []), ("fomos à praia", [])],
)
def test_words_that_are_a_city_elsewhere_stay_words(text: str, names: list[str]) -> None:
    """"queens" is not Queens (New York), "Ankara" a print; Makola is Accra's market."""
    assert [p.name for p in gazetteer().find(text)] == names


@pytest.mark.parametrize(
    ("text", "city", "country"),
    [
        ("Our market at Makeni has no toilet", "Makeni", "SL"),  # 85,000 people
        ("traders at Beitbridge border post", "Beitbridge", "ZW"),
        ("une ONG à Kpalimé", "Kpalimé", "TG"),
    ],
)
def test_a_small_town_after_in_or_at_is_a_place(text: str, city: str, country: str) -> None:
    places = gazetteer().find(text)
    assert [(p.kind, p.name, p.countries) for p in places] == [("city", city, frozenset({country}))]


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("meet me in March", []),  # a month (and March, a town in England)
        ("sou feirante em Feira de Santana", ["Feira de Santana"]),  # not Feira (Portugal)
        ("a União Europeia em Moçambique", ["Mozambique"]),
        ("my gogo sells veggies at Warwick in Durban", ["Durban"]),  # not Warwick (USA)
        ("women who sell at Kibuye in Kisumu", ["Kisumu"]),  # Kisumu's market, not Rwanda's town
        ("Makeni is a town", []),  # a small town only after "in", "at", "em", "à"...
        ("vendors at makeni", []),  # ...and written with its capital
    ],
)
def test_a_small_town_is_not_read_where_it_is_a_word_or_elsewhere(text: str, names: list[str]) -> None:
    assert [p.name for p in gazetteer().find(text)] == names


@pytest.mark.parametrize(
    ("text", "city"),
    [
        ("Gikomba traders have no clean water", "Nairobi"),
        ("au marché Dantokpa", "Cotonou"),  # a landmark after "marché" is that market's city
        ("catadoras de Jardim Gramacho", "Duque de Caxias"),
        ("los de Gamarra", "Lima"),
        ("trabajadoras del hogar en Villa El Salvador", "Lima"),  # Lima's district, not the country
        ("les revendeuses du marché Mfoundi", "Yaoundé"),
        ("sindicato de trabajadoras del hogar en El Alto?", "La Paz"),  # La Paz's twin city
    ],
)
def test_a_known_market_or_neighbourhood_is_its_city(text: str, city: str) -> None:
    assert [p.name for p in gazetteer().find(text)] == [city]


@pytest.mark.parametrize("text", ["el alto costo de la vida", "El alto costo del alquiler nos mata"])
def test_a_landmark_that_is_also_a_phrase_needs_its_capitals(text: str) -> None:
    assert gazetteer().find(text) == []
