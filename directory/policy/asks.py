"""Which rules a message asks for, in the order it asks: one ask, two asks, or none.

The multinomial model reads the whole message and names its main rule (or none, or small
talk). A second ask is a part of the message (a sentence, or a clause after "also", "y
también", "et aussi", "e também"...) that asks something, that the multinomial model reads as
another rule on its own with confidence, and that the one-vs-rest model backs for the whole
message (or a one-vs-rest score so high it needs no part to show it). Two asks are answered in
the order they were asked. A student who asks for contacts of workers is answered on both
counts: access to workers first, student research second (`RULES.md`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from typing import NamedTuple

from directory.languages import languages
from directory.policy.features import split_sentences
from directory.policy.lexicon import ALL_ASK_WORDS, ALL_STOPWORDS, content_words
from directory.policy.model import NONE_CLASSES, Scores
from directory.sectors import GENERAL
from directory.text import alternation, normalize, strip_accents, tokens

PART_STRENGTH = 0.5
"""A part names a rule on its own when the multinomial model gives it at least this."""
ASKED_SUPPORT = 0.1
"""...and the one-vs-rest model backs that rule for the whole message with at least this."""
JOINED_STRENGTH = 0.4
"""A part a joiner opens ("also", "y también", "PS") that asks and reads as another rule this
surely is a second ask, even when the whole message, dominated by its first ask, does not back
it: the joiner already says that a second question is coming. 0.4 (was 0.6, stop 27): by
rotation over 4,460 messages, `also` 546 → 552 of 663 for one more second rule nobody asked
(119 → 120 of 2,952), top-1 unchanged; 0.5 gave 550 and 119."""
ASKED_ALONE = 0.9
"""A one-vs-rest score that names a second ask without a part to show it."""
SHORT_LAST_ASK = 4
"""A message's last part this short ("…? and stats?", "¿y becas?", "e fotos?") is often too
short for the multinomial model (small talk 0.30, information 0.12 for "Et des chiffres ?"):
it is read with the message's own features around it, and its one-vs-rest reading decides
(`PART_ASKED_SURE`)."""
PART_ASKED_SURE = 0.8
"""A part that asks, whose own one-vs-rest reading is this sure of a rule (information 0.99 for
"Et des chiffres ?"; about WIEGO 0.87, and 0.22 multinomial, for "Y otra, ¿me pasan el correo
de WIEGO para mandar mi CV?"), gives a second ask..."""
PART_ASKED_SUPPORT = 0.05
"""...when the whole message's one-vs-rest gives that rule at least this. Stop 29 did this for
short last parts only (at 0.8 / 0.1: `also` +3 of 200 on G21-G25); stop 31 for every part that
asks, by rotation (3 folds, 4,460 messages, stop 31's fold models): `also` 568 → 585 of 663,
unasked 114 → 119 of 2,952 (0.7 / 0.05: 588 and 122; 0.8 / 0.1: 584 and 119)."""
RUNNER_UP = 0.2
"""A runner-up rule this likely is offered as a button ("Also: ...")."""


def _as_typed(phrases: Iterable[str]) -> Iterator[str]:
    """Each phrase as written and without its accents: "y tambien" is typed as often as "y
    también"."""
    for phrase in phrases:
        yield phrase
        yield strip_accents(phrase)


_JOINERS = re.compile(
    r"\b(?:"
    + alternation(_as_typed(j for lang in languages().values() for j in lang.joiners))
    + r")(?!\w)[,:]?",  # "p.s." ends on a dot: no word boundary after it
    re.IGNORECASE,
)
_CLAUSE_ASK = re.compile(
    r"\s+(?=(?:"
    + alternation(_as_typed(c for lang in languages().values() for c in lang.clause_asks))
    + r")(?![\w'’]))",
    re.IGNORECASE,
)
"""Where a second request starts inside one sentence: "and" and a word that opens a request
("…link us to waste picker groups in Kenya and fund our baling machine", "…y si nos financian
una prensa"). The clause is a part like a sentence: read alone, backed by the whole message."""
_OPENS_AS_A_CLAUSE_ASK = re.compile(
    r"^\s*(?:"
    + alternation(_as_typed(c for lang in languages().values() for c in lang.clause_asks))
    + r")(?![\w'’])",
    re.IGNORECASE,
)
"""A sentence that opens the way a second request opens inside one ("And can you…", "n any
support for them", "Y nos pueden mandar…"): it asks, and is read, whatever its words."""
_ON_A_CONDITION = re.compile(
    r"^(?:" + alternation(c for lang in languages().values() for c in lang.conditional_asks) + r")\b"
)
"""A sentence that opens by asking on a condition ("And if you have data on Lagos, even
better", "O al menos mándenme lecturas", "Se não, pelo menos partilhar estudos") is a second
ask as surely as one a joiner opens, though it often has no question mark or request word."""
STUDENT_RULE, ACCESS_RULE = "student_research", "access_to_workers"
ONE_ASK = (frozenset({"directory", ACCESS_RULE}),)
"""Rules that read the same ask two ways, never two asks: organizations of workers named
(`directory`) or WIEGO asked to connect ("put me in touch with waste pickers in Bogotá");
what the words ask for decides, else the one the one-vs-rest model backs more
(`_one_of_two_readings`)."""
STUDENT_CONCEPT = "asker_student"
CONTACT_CONCEPT = "contact_access"
ORGANIZATION_CONCEPTS = frozenset({"org_words", "org_generic"})
MEDIA_RULE = "media"
INTERVIEW_CONCEPT, JOURNALIST_CONCEPT = "interview", "asker_journalist"
"""A student who asks WIEGO for an interview and is no journalist is doing research
(`RULES.md`): of the training and held-out messages that read so, 444 are student_research
and 4 media (a campus paper's reporter)."""
CONTACTS_FOR = frozenset(
    {INTERVIEW_CONCEPT, JOURNALIST_CONCEPT, "asker_consultancy", "consult_weak", "gov_consult",
     "asker_researcher", "asker_company"}
)
"""What a message may say its contacts of workers' organizations are for (a survey, a film, a
consultation, a company's or a researcher's work): access to workers, not the directory. Of the
training and held-out messages that ask one of the two and name both contacts and
organizations, 494 with one of these are access and 77 the directory; without: 143 and 213."""


def parts(text: str) -> list[str]:
    """Sentences, and clauses a joiner starts: where a second ask may be."""
    return [p.text for p in joined_parts(text)]


SIGN_OFF_WORDS = 3
"""A last part this short that asks nothing ("Thanks so much,", "Ana Lucía") is a sign-off:
the part before it is where a letter's last ask is."""


def last_ask_at(pieces: Sequence[Part], asks: Sequence[bool]) -> int:
    """Index of the part read as the message's last ask even without a request word: the last
    part, or the one before the sign-off lines after it."""
    last = len(pieces) - 1
    while last > 0 and not asks[last] and len(pieces[last].text.split()) <= SIGN_OFF_WORDS:
        last -= 1
    return last


class Part(NamedTuple):
    """A part of a message: a sentence, or a clause a joiner starts."""

    text: str
    joined: bool  # a joiner ("also", "y también", "PS") or a condition ("and if you have") opened it
    announced: bool = False  # ...at its sentence's start, or a request opened it: read, asks or not
    on_condition: bool = False  # a condition opened it: it asks ("or at least send me readings")


_OPENED_QUESTION = re.compile(r"(?<=\S)\s+(?=¿)")


def _sentences_and_questions(text: str) -> list[str]:
    """The message's sentences, a Spanish question opened inside one cut off as its own
    ("Necesitamos contactos de recicladores en Montevideo, ¿y ustedes tienen estadísticas?"):
    "¿" says where it starts."""
    return [question for sentence in split_sentences(text) for question in _OPENED_QUESTION.split(sentence)]


def joined_parts(text: str) -> list[Part]:
    """`parts`, each with whether a joiner ("also", "y también", "PS") opened it. A joiner
    written as a line or a sentence of its own ("P.S.", "PD:", "Another thing.") opens the
    part after it. A joiner inside a sentence ("we give extra points, also when…") opens a
    part but does not announce it: it may only say "too"."""
    out: list[Part] = []
    pending = False
    for sentence in _sentences_and_questions(text):
        pieces = _JOINERS.split(sentence)
        at_start = not _has_words(pieces[0])
        if len(pieces) > 1 and _asking_head(pieces[0]):
            # "On aimerait aussi utiliser vos photos": the request before the joiner is the
            # joined part's own, and the joiner announces it as surely as at the start
            pieces = ["", f"{pieces[0].strip()} {pieces[1].lstrip(' ,:')}", *pieces[2:]]
            at_start = True
        kept = [
            Part(
                p,
                i > 0 or on_condition,
                (i == 1 and at_start) or on_condition or _OPENS_AS_A_CLAUSE_ASK.match(p) is not None,
                on_condition,
            )
            for i, p in enumerate(pieces)
            if _has_words(p)
            for on_condition in [opens_on_a_condition(p)]
        ]
        if not kept:
            pending = pending or len(pieces) > 1
            continue
        if pending:
            kept[0] = kept[0]._replace(joined=True, announced=True)
            pending = False
        for part in kept:
            first, *rest = _clauses(part.text)
            out.append(part._replace(text=first))
            # no joiner, so backed like a sentence; but the request that opens it ("and fund",
            # "y si nos financian") announces it: read, and never a story
            out.extend(Part(clause, False, announced=True) for clause in rest)
    return out


def _clauses(piece: str) -> list[str]:
    """`piece` cut where a request opens inside it (`_CLAUSE_ASK`), when the clause before has
    words of its own: "and can" alone does not start a part."""
    cut = _CLAUSE_ASK.split(piece)
    return [piece] if len(cut) == 1 or not _has_words(cut[0]) else cut


HEAD_WORDS = 4
"""A request this short before a joiner, with no object of its own ("on aimerait aussi…",
"could you also…"), is the joined part's own request, not a part of its own; "Queremos una
entrevista y también…" asks one thing before the joiner and another after it."""


def _asking_head(piece: str) -> bool:
    """A few words before a joiner that make a request and name nothing ("on aimerait",
    "could you", "nos gustaría")."""
    words = tokens(piece)
    return (
        0 < len(words) <= HEAD_WORDS
        and not ALL_ASK_WORDS.isdisjoint(words)
        and all(w in ALL_ASK_WORDS or w in ALL_STOPWORDS for w in words)
    )


def short_last_part(pieces: Sequence[Part], at: int) -> bool:
    """Whether part `at` is the message's last and a few words that name something ("…? and
    stats?", "e fotos?"; not "…? and you?"), read as `SHORT_LAST_ASK` says."""
    text = pieces[at].text
    return at == len(pieces) - 1 and len(text.split()) <= SHORT_LAST_ASK and bool(content_words(text))


def opens_on_a_condition(piece: str) -> bool:
    """Whether `piece` opens by asking on a condition (`_ON_A_CONDITION`)."""
    return _ON_A_CONDITION.match(normalize(piece.lstrip()[:_OPENING])) is not None


_OPENING = 48
"""Characters of a part that hold any opener (the longest is under 30): a long sentence is not
normalized whole to read its first words."""


def _has_words(piece: str) -> bool:
    """Whether a piece has a letter or a digit: "," or ":" left by a joiner is no part."""
    return any(c.isalnum() for c in piece)


@dataclass(frozen=True)
class PartReading:
    """What one part of a message says, read on its own."""

    position: int
    asks: bool  # it has a question mark or a request word, or it is the last part
    scores: Scores
    joined: bool = False  # a joiner opened it: "..., and also, are there unions in Lima?"
    story: bool = False  # read only as the last part: it neither asks nor requests
    short: bool = False  # the message's last part, a few words naming something: "…? and stats?"
    declines_money: bool = False  # it says money is not asked: "we are not asking for funding"
    seeks_organizations: bool = False  # it names a trade's organizations: "any cooperative of catadores?"
    concepts: frozenset[str] = frozenset()  # what its words name (`_part_rule`)


@dataclass(frozen=True)
class Asked:
    """The rules a message asks, in order, with their scores; `runner_up` is a close second
    reading of the main ask (not a second ask); `smalltalk` when the message is chat."""

    rules: tuple[tuple[str, float], ...]
    runner_up: tuple[str, float] | None = None
    smalltalk: bool = False


WHOLE_NAMES_MAIN = 0.99
"""Two asks are answered in the order their parts come, unless the whole message reads as its
first rule at least this surely: a student's letter read as `student_research` at 0.99999, whose
interview request a part misread as about WIEGO. By rotation: top-1 4,283 → 4,292 (nine
messages now get their second ask wrong instead of their first; 0.9: 4,277, 0.999: 4,285)."""

ASK_OVER_STORY = 0.8
"""A part that asks and reads as one rule this surely decides a message whose story, read
whole, tipped it towards no rule (`DOUBTFUL_NONE`)."""
DOUBTFUL_NONE = 0.25
"""...when the whole message still gave that rule at least this."""
SURE_ASK = 0.95
"""A last ask this sure decides a message whatever its story gave that rule: "Good morning to
the whole team. I hope this finds you well. I write from Dakar. I am a journalist, could you
give me an interview?" reads as chat whole (media 0.08), as media at its end (0.99).
Cross-validated (stop 25) it changes none of the 4,460 held-out answers: it is for letters
longer on courtesies than any set has."""
TOLD_YET_ASKED = 0.5
"""A last part with no word of asking ("…, and also a grant for equipment") still asks when
its own one-vs-rest reading is sure (`PART_ASKED_SURE`) and the whole message's backs it at
least this much: then it is no story for `ASK_OVER_TOLD` to pass over."""
ASK_OVER_TOLD = 0.7
"""The one part that asks, reading as a rule this surely, decides a message whose whole reading
came from what its last sentence only tells: "Can you fund our cooperative of recyclers in
Bogotá? We also work in Latin America and Peru." is funding, not a directory search. A whole
reading less sure than this has its parts read (`needs_parts`)."""


def _top_rule(scores: Scores) -> tuple[str, float]:
    rule = max((r for r in scores.classes if r not in NONE_CLASSES), key=scores.classes.__getitem__)
    return rule, scores.classes[rule]


def needs_parts(whole: Scores) -> bool:
    """Whether the message's parts must be read one by one: a second ask is possible (the
    one-vs-rest model backs another rule enough), or the story may have drowned the ask."""
    if whole.best in NONE_CLASSES:
        return True  # the story may have drowned the ask (`SURE_ASK`)
    if whole.classes[whole.best] < ASK_OVER_TOLD:
        return True  # an unsure reading: the ask may be in one part, a story in another
    return any(p >= ASKED_SUPPORT for r, p in whole.asked.items() if r != whole.best)


ABOUT_ORGANIZATIONS = frozenset({"directory", ACCESS_RULE})
"""Rules a question about a named party may still ask: "do you know if StreetNet has a member
in Ghana?" asks the directory."""


FUNDING_RULE = "funding"


def money_declined(asked: Asked, readings: Sequence[PartReading]) -> Asked:
    """What a message asks when it says it asks no money ("we are not asking for funding", "je
    ne vous écris pas pour de l'argent"): not funding, which its story of grants and budgets
    may have made the first reading, unless one of its asks, itself declining nothing, reads as
    funding. With nothing else asked, its last ask's rule."""
    runner_up = asked.runner_up if asked.runner_up and asked.runner_up[0] != FUNDING_RULE else None
    kept = replace(asked, runner_up=runner_up)  # no "Also: funding" button either
    if FUNDING_RULE not in (r for r, _ in asked.rules):
        return kept
    if any(p.scores.best == FUNDING_RULE for p in readings if not p.story and not p.declines_money):
        return kept
    rest = tuple((r, s) for r, s in asked.rules if r != FUNDING_RULE)
    if not rest:
        asking = [p for p in readings if not p.story and p.scores.best not in NONE_CLASSES]
        if not asking or asking[-1].scores.best == FUNDING_RULE:
            return kept
        rule = asking[-1].scores.best
        rest = ((rule, asking[-1].scores.classes[rule]),)
    return replace(kept, rules=rest)


def for_a_third_party(asked: Asked) -> Asked:
    """What a message asks when its last ask is whether a named third party does something
    ("do you know if the Ministry has published the new minimum wage?"): its first rule, read
    from the topic's words (a wage, a grant), is that party's business and not answered; a
    second ask, or a question about organizations, still is."""
    if not asked.rules or asked.rules[0][0] in ABOUT_ORGANIZATIONS:
        return asked
    return Asked(asked.rules[1:])


def seeks_organizations(concepts: frozenset[str], sectors: Sequence[str]) -> bool:
    """Whether a text names organizations of a trade ("tem alguma cooperativa de catador por
    aqui"): a directory question even without a question mark or a word of asking."""
    return not concepts.isdisjoint(ORGANIZATION_CONCEPTS) and any(s != GENERAL for s in sectors)


def _ask_over_what_is_told(whole: Scores, readings: Sequence[PartReading]) -> Asked | None:
    """`ASK_OVER_TOLD`'s decision, or None when it does not apply. A last part that names
    organizations of a trade does not only tell: "O que é a WIEGO? Meu irmão cata reciclável em
    Manaus, tem alguma cooperativa de catador por aqui" asks both."""
    asking = [r for r in readings if r.asks and not r.story]
    told = [r for r in readings if r.story]
    if len(asking) != 1 or not told or told[-1].scores.best != whole.best:
        return None
    if whole.best == "directory" and told[-1].seeks_organizations:
        return None
    if (
        told[-1].scores.asked.get(whole.best, 0.0) >= PART_ASKED_SURE
        and whole.asked.get(whole.best, 0.0) >= TOLD_YET_ASKED
    ):
        return None  # "…un partenariat avec WIEGO, et aussi un financement pour du matériel"
    rule = asking[0].scores.best
    if rule in NONE_CLASSES or rule == whole.best or asking[0].scores.classes[rule] < ASK_OVER_TOLD:
        return None
    return Asked(((rule, whole.classes[rule]),), runner_up=(whole.best, whole.classes[whole.best]))


def _one_of_two_readings(best: str, other: str, whole: Scores, concepts: frozenset[str]) -> str:
    """The answer to an ask read both as the directory and as access to workers: what its words
    ask for when they say it, contacts of people ("put me in touch with vendors": access, 892
    of 915 such training and held-out messages) or organizations with no contacts asked ("is
    there a union of vendors in Lima?": directory, 1,892 of 1,935); else the reading the
    one-vs-rest model backs more."""
    contact, organization = CONTACT_CONCEPT in concepts, not concepts.isdisjoint(ORGANIZATION_CONCEPTS)
    if contact != organization:
        return ACCESS_RULE if contact else "directory"
    return max((best, other), key=lambda r: whole.asked.get(r, 0.0))


def _part_rule(part: PartReading, concepts: frozenset[str]) -> str:
    """The rule a part reads as: its best class, or, for an ask read both as the directory and
    as access to workers, the one its own words or its own one-vs-rest scores choose ("Además
    necesito el contacto del sindicato de trabajadoras domésticas de Uruguay": the union's
    contact, directory 0.96 against access 0.75, though its classes say access 0.68), unless
    the message says what the contacts are for (`CONTACTS_FOR`, in `concepts`)."""
    best = part.scores.best
    others = _readings_of(best) - {best}
    if not others or not concepts.isdisjoint(CONTACTS_FOR):
        return best
    (other,) = others
    return _one_of_two_readings(best, other, part.scores, part.concepts)


def _readings_of(rule: str) -> frozenset[str]:
    """`rule` and the other reading of the same ask (`ONE_ASK`), if it has one."""
    return next((pair for pair in ONE_ASK if rule in pair), frozenset({rule}))


def _support(whole: Scores, rule: str) -> float:
    """How much the whole message backs `rule` as an ask: its one-vs-rest score, or the more
    backed of the two readings of the same ask (`ONE_ASK`)."""
    return max(whole.asked.get(r, 0.0) for r in _readings_of(rule))


def _research_not_press(rules: list[tuple[str, float]], whole: Scores) -> list[tuple[str, float]]:
    """`rules` with media read as student research (`INTERVIEW_CONCEPT`), once."""
    out: list[tuple[str, float]] = []
    for rule, p in rules:
        if rule == MEDIA_RULE:
            rule, p = STUDENT_RULE, max(p, whole.asked.get(STUDENT_RULE, 0.0))
        if all(rule != seen for seen, _p in out):
            out.append((rule, p))
    return out


def decide(whole: Scores, readings: Sequence[PartReading], concepts: frozenset[str]) -> Asked:
    """Combine the whole message's scores and its parts' into the rules it asks."""
    best = whole.best
    if best not in NONE_CLASSES and (told := _ask_over_what_is_told(whole, readings)) is not None:
        return told
    if best in NONE_CLASSES:
        rule, p = _top_rule(whole)
        # the last part that asks, not a story told after it ("what is WIEGO? saw the name on
        # a banner at the march"): a part that only tells is read as an ask when nothing asks
        asking = [r for r in readings if r.asks and not r.story] or [r for r in readings if r.asks]
        last = asking[-1].scores.classes[rule] if asking and asking[-1].scores.best == rule else 0.0
        if (p >= DOUBTFUL_NONE and last >= ASK_OVER_STORY) or last >= SURE_ASK:
            return Asked(((rule, p),))
        if p >= DOUBTFUL_NONE and whole.asked.get(rule, 0.0) >= SURE_ASK:
            # one breath with no full stop, the story first: "…o patrão dela não quer assinar a
            # carteira aí eu queria saber se tem sindicato das domésticas aqui em Fortaleza…"
            # reads as no rule at 0.53, the directory at 0.47, and one-vs-rest directory 0.99
            return Asked(((rule, p),))
        other = asking[-1].scores.best if asking else "none"
        if (  # an ask sure of another rule than the whole's runner-up, which the one-vs-rest
            # model backs: "What's WIEGO? I saw your name on a poster at the rally."
            other not in NONE_CLASSES
            and asking[-1].scores.classes[other] >= SURE_ASK
            and whole.asked.get(other, 0.0) >= ASKED_SUPPORT
        ):
            return Asked(((other, whole.classes[other]),))
        return Asked((), smalltalk=best == "smalltalk")
    first_at: dict[str, int] = {}
    strength: dict[str, float] = {}
    for part in readings:
        if not part.asks or part.scores.best in NONE_CLASSES:
            continue
        rule = _part_rule(part, concepts)
        first_at.setdefault(rule, part.position)
        strength[rule] = max(strength.get(rule, 0.0), part.scores.classes[part.scores.best])
    candidates = [
        r
        for r in first_at
        if r != best and strength[r] >= PART_STRENGTH and _support(whole, r) >= ASKED_SUPPORT
    ]
    candidates += [
        r for r, p in whole.asked.items() if r != best and r not in candidates and p >= ASKED_ALONE
    ]
    candidates += [  # "also" says a second question is coming: its part needs no whole's support
        rule
        for part in readings
        if part.joined
        and part.asks
        and part.scores.best not in NONE_CLASSES
        and part.scores.classes[part.scores.best] >= JOINED_STRENGTH
        for rule in [_part_rule(part, concepts)]
        if rule != best and rule not in candidates
    ]
    candidates += [  # "…? and stats?", "Y otra, ¿me pasan el correo?": sure one-vs-rest
        rule
        for part in readings
        if part.asks and not part.story
        for rule in [max(part.scores.asked, key=part.scores.asked.__getitem__, default=best)]
        if rule != best
        and rule not in NONE_CLASSES
        and rule not in candidates
        and part.scores.asked[rule] >= PART_ASKED_SURE
        and whole.asked.get(rule, 0.0) >= PART_ASKED_SUPPORT
    ]
    first = best
    for other in [r for r in candidates if frozenset({best, r}) in ONE_ASK]:
        # the same ask read two ways: one answer (`_one_of_two_readings`); another candidate is
        # still a second ask ("connect us to other waste picker orgs in kenya and fund our
        # first weighing scale": directory, access to workers, funding)
        if other in first_at and best not in first_at:
            first = other  # the part that asks it read it so (`_part_rule`), the whole did not
        else:
            first = _one_of_two_readings(best, other, whole, concepts)
        candidates = [r for r in candidates if r != other]
    rules = [(first, whole.classes[first])]
    if candidates:
        second = max(candidates, key=lambda r: whole.asked.get(r, 0.0))
        rules.append((second, whole.asked.get(second, 0.0)))
        if (
            first in first_at
            and second in first_at
            and first_at[second] < first_at[first]
            and whole.classes[first] < WHOLE_NAMES_MAIN
        ):
            rules.reverse()
    ids = [r for r, _s in rules]
    not_offered = {*_readings_of(rules[0][0]), *NONE_CLASSES}  # never a runner-up, nor its other reading
    student_interview = {STUDENT_CONCEPT, INTERVIEW_CONCEPT} <= concepts
    if MEDIA_RULE in ids and student_interview and JOURNALIST_CONCEPT not in concepts:
        # "soy estudiante… ¿me pueden dar una entrevista alguien de WIEGO?"
        rules = _research_not_press(rules, whole)
        ids = [r for r, _s in rules]
        not_offered |= {rules[0][0], MEDIA_RULE}  # nor "Also: media"
    if ACCESS_RULE in ids and STUDENT_RULE not in ids and STUDENT_CONCEPT in concepts:
        rules.append((STUDENT_RULE, whole.asked.get(STUDENT_RULE, 0.0)))
    if ids[:2] == [STUDENT_RULE, ACCESS_RULE]:
        rules.reverse()  # RULES.md: a student's ask for workers is answered access first
    runner_up = None
    if len(rules) == 1:
        others = [(r, p) for r, p in whole.classes.items() if r not in not_offered]
        if others:
            rule, p = max(others, key=lambda rp: rp[1])
            if p >= RUNNER_UP:
                runner_up = (rule, p)
    return Asked(tuple(rules), runner_up)
