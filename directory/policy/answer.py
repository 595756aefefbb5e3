"""The policy engine: a question in, the rules that answer it and the organizations to name.

`PolicyEngine.load()` seeds the rules and compiles the vocabulary once; `answer()` then reads
cues (sector, place, deadline, who asks, language), scores every rule, and asks the directory
for the organizations the best referring rule points to, filtered by the question's sector and
place. It never contacts anyone and never invents a policy: below the threshold, no rule.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, replace

from directory.db import Database
from directory.kept import KeptBySize
from directory.languages import thanks_words
from directory.organizations import Organization
from directory.places import Gazetteer, Place, gazetteer
from directory.policy.asks import (
    ASK_OVER_STORY,
    Asked,
    PartReading,
    decide,
    for_a_third_party,
    joined_parts,
    last_ask_at,
    money_declined,
    needs_parts,
    seeks_organizations,
    short_last_part,
)
from directory.policy.cues import askers, day_word_deadline, deadline_days_in, is_short
from directory.policy.features import Sentence, sentence_weights, sentences
from directory.policy.followup import NOT_PLACES, Subject, follow_up, names_after_opener
from directory.policy.langid import UNSURE, Identified, LanguageIdentifier
from directory.policy.lexicon import ALL_ASK_WORDS, content_words, prepare
from directory.policy.matcher import ADDRESSED, MONEY_DECLINED, Vocabulary, load_vocabulary
from directory.policy.model import NONE_CLASSES, PolicyModel, Scores
from directory.policy.rules import PolicyRules, Rule
from directory.referrals import Referral, Referrals
from directory.search import Directory
from directory.sectors import GENERAL, find_sectors, sectors_named
from directory.text import Words, normalize, words_of

MAX_RULES = 3
_PROPOSAL_CONCEPTS = frozenset({"proposal", "proposal_weak", "gov_call", "gov_weak", "money"})
_JOINT_WORK = frozenset({"collab", "join_project", "project", "new_area"})
_IN_THE_FIELD = frozenset({"@domain", "field_topic", "informal_economy", "@sector", "asker_worker_org"})
_OPENING_END = re.compile(r"[\n:,;]")


_HEADER_FIELD = re.compile(r"\s*(\w+)\s*:")
FORWARD_MARK_WORDS = 8
"""A line this short that names the forwarding ("---------- Message transféré ----------") is a
forward's mark, not its letter."""


def _past_mail_headers(text: str, forwarded: Collection[str], headers: Collection[str]) -> str:
    """`text` from the line after a forwarded mail's mark and header lines ("De : Collectif des
    vendeurs", "À : Mairie du 18e", "Objet : …"): where its letter, and its greeting, start."""
    lines = text[:600].lstrip().split("\n")
    start = 0
    for line in lines:
        words = words_of(prepare(line[:200])).words
        field = _HEADER_FIELD.match(line)
        mark = 0 < len(words) <= FORWARD_MARK_WORDS and any(w in forwarded for w in words) and ":" not in line
        if words and not mark and not (field and normalize(field.group(1)) in headers):
            break
        start += 1
    return "\n".join(lines[start:]) if 0 < start < len(lines) else text


def _opening(text: str, forwarded: Collection[str] = (), headers: Collection[str] = ()) -> tuple[str, ...]:
    """The normalized words of a message's first line, up to its first colon or comma: where a
    letter greets whom it is written to. A forward's first line ("Fwd:", "Reenviado:",
    "Transféré depuis le groupe :") is passed over, and a forwarded mail's header lines: the
    letter's greeting follows them."""
    text = _past_mail_headers(text, forwarded, headers)
    pieces = [p for p in _OPENING_END.split(text[:400].lstrip(), maxsplit=4) if p.strip()] or [""]
    words = words_of(prepare(pieces[0][:200])).words
    if words and words[0] in forwarded and len(pieces) > 1:
        words = words_of(prepare(pieces[1][:200])).words
    return words
MAX_ORGS = 5
WARM_UP = (
    "Hello, can WIEGO fund our cooperative of waste pickrs in Nairobi? We also work in Eastern "
    "Africa and the Philipines. And how do I contact SEWA?",
    "Hola, ¿pueden financiar a nuestra cooperativa de recicladoes en Bogotá? También trabajamos "
    "en América Latina y en el Perú.",
    "Bonjour, pouvez-vous financer notre coopérative de récupératrices à Dakar ? Nous travaillons "
    "aussi en Afrique de l'Ouest et au Bénin.",
    "Olá, vocês podem financiar nossa cooperativa de catadoras em São Paulo? Também trabalhamos "
    "na África Austral e em Moçambique.",
)
"""Messages `PolicyEngine.warm_up` answers: typos, cities, regions and names in each language."""
READINGS_KEPT = 512
READ_CHARACTERS_KEPT = 65_536
"""How many messages' readings `PolicyEngine` keeps, and their characters in all: people send
the same words again ("hi", "grants?", a forwarded call, a button's text), and a reading is a
pure function of the text, the day and the model. A reading takes about 43 bytes a character
(its sentences, words, features and cues): 65,536 characters are under 3 MiB (1,024 texts and
262,144 characters held 9.6 MiB); a 4,096-character letter takes a sixteenth of it."""


@dataclass(frozen=True)
class Cues:
    """What the question says besides its topic."""

    sectors: tuple[str, ...]
    places: tuple[Place, ...]
    deadline_days: int | None
    askers: tuple[str, ...]
    language: Identified  # the language the message is written in, if it says
    day_word_deadline: bool = False  # short only by "today", "mañana"... (`cues.day_word_deadline`)


@dataclass(frozen=True)
class Reading:
    """A message as the classifier reads it: sentences and their weights, the concepts and cues
    found in it (gated, as features), every concept named (ungated), and the cues."""

    text: str
    parts: tuple[Sentence, ...]
    weights: tuple[float, ...]
    features: frozenset[str]
    concepts: frozenset[str]
    cues: Cues
    third_partys: bool = False  # its last ask is a third party's business (`for_a_third_party`)
    elsewhere: bool = False  # a letter to someone else: it opens greeting a mayor, a minister, a bank


@dataclass(frozen=True)
class RuleMatch:
    rule: Rule
    score: float


@dataclass(frozen=True)
class Answer:
    question: str
    rules: list[RuleMatch]  # best first; [] when no rule fits
    cues: Cues
    organizations: list[Organization]  # nearest first
    close_second: RuleMatch | None  # another reading of the same ask, offered as a button
    second_ask: RuleMatch | None = None  # a second thing the message asks, answered too
    smalltalk: bool = False  # a greeting, thanks, "who are you?": no rule, no complaint
    referral: Referral | None = None  # the organizations' outcome: found in the place, or why not
    followup: Subject | None = None  # set when the message changed only the last answer's place/sector
    thanks: bool = False  # small talk that thanks ("merci beaucoup 🙏"): "you're welcome", not "hello"

    @property
    def subject(self) -> Subject | None:
        """What this answer was about, for a follow-up to change: its rule, sectors and places;
        a message no rule fitted that named a sector is a search for it ("directory")."""
        if self.rules:
            return Subject(self.rules[0].rule.id, self.cues.sectors, self.cues.places)
        named = [s for s in self.cues.sectors if s != GENERAL]
        if named and not self.smalltalk:
            return Subject("directory", self.cues.sectors, self.cues.places)
        return None

    @property
    def best(self) -> RuleMatch | None:
        return self.rules[0] if self.rules else None

    def reply_language(self, readable: Collection[str], interface: str) -> str:
        """The language to answer in: the message's own when it is clearly one we have a
        catalog for, else the asker's interface language. The chat and `ask --json` agree."""
        found = self.cues.language
        if found.verdict == "ours" and found.language is not None and found.language in readable:
            return found.language
        return interface


@dataclass(frozen=True)
class _Asking:
    """What `PolicyEngine` read in a message: the rules asked, the reading, the whole
    message's scores and its words (kept together, see `READINGS_KEPT`)."""

    asked: Asked
    reading: Reading
    whole: Scores
    words: Words


THANKS = thanks_words()
THANKS_CHAT = 0.25
"""A message that thanks and asks no rule is thanked back when the model reads it as small talk
at least this likely, though not first: "Thanks a lot, I will write to SEWA then" (none 0.52,
small talk 0.48; "will" is a request word)."""

TRAINING_DATE = dt.date(2026, 11, 30)
"""The "today" training reads deadlines from ("due 15 December" is short on this date), so the
same messages give the same features whenever the model is retrained."""


@functools.cache
def reader() -> Callable[[str], Reading]:
    """`PolicyEngine.read` without a database: how training reads its messages."""
    engine = PolicyEngine(None, None, today=lambda: TRAINING_DATE)  # type: ignore[arg-type]
    engine.load_vocabulary()
    return engine.read


def _asks_of_whom_it_names(text: str, part_asks: bool, words: Sequence[str]) -> bool:
    """Whether a message that names an organization may be asking for it: a sentence asks
    something (`part_asks`: a question, a request word), and it is not thanks without a
    question. "Thanks, I'll write to StreetNet", "The court ruled for the kayayei, well done
    SEWA" ask nothing of them; "Thanks! How do I reach StreetNet?" does."""
    return part_asks and ("?" in text or THANKS.isdisjoint(words))


def _part_asks(piece: str) -> bool:
    """Whether a part of a message asks: one of its sentences has a question mark or a request
    word."""
    return any(s.asks for s in sentences(piece, ALL_ASK_WORDS))


def _names_wiego(piece: str) -> bool:
    return "wiego" in words_of(prepare(piece)).words


class PolicyEngine:
    """Answers questions from the stored rules; call `load()` once, and again after edits."""

    def __init__(
        self,
        db: Database,
        directory: Directory,
        gaz: Gazetteer | None = None,
        today: Callable[[], dt.date] = dt.date.today,
    ) -> None:
        self._repo = PolicyRules(db)
        self._today = today
        self._directory = directory
        self._gaz = gaz or gazetteer()
        self._referrals = Referrals(directory, self._gaz)
        self._vocab: Vocabulary | None = None
        self._model: PolicyModel | None = None
        self._langid: LanguageIdentifier | None = None
        self._rules: dict[str, Rule] = {}
        self._readings: KeptBySize[tuple[str, dt.date], _Asking] = KeptBySize(
            READINGS_KEPT, READ_CHARACTERS_KEPT
        )

    @property
    def rules(self) -> PolicyRules:
        """The repository (admins edit through it, then call `load()`)."""
        return self._repo

    @property
    def rule_ids(self) -> frozenset[str]:
        """Ids of the rules in force (callback data is checked against them)."""
        return frozenset(self._rules)

    async def load(self) -> None:
        """Seed the rules if needed, read them, compile the vocabulary (once per process)."""
        await self._repo.load_seed()
        self.use_rules(await self._repo.current())

    def use_rules(self, rules: Iterable[Rule]) -> None:
        """Answer from these rules (what `load` read; tests pass the seed directly)."""
        self._rules = {r.id: r for r in rules}
        if self._model is None:
            self.load_vocabulary()
            self._model = PolicyModel.load()
            self._langid = LanguageIdentifier.load()
            self.match("warm up: Nairobi street vendors")  # builds the gazetteer and sector tables

    async def warm_up(self) -> None:
        """Answer a few messages that touch every lazily built table (typo indexes, city and
        region names in each language, the directory's vocabulary), so that the first people
        to write do not wait for them (up to 150 ms each). For long-lived processes only:
        `main.py ask` answers one question and stops."""
        for text in WARM_UP:
            await self.answer(text)

    def use_model(self, model: PolicyModel) -> None:
        """Answer with this model (cross-validation trains one per fold)."""
        self._model = model
        self._readings.clear()  # read by the model before

    def load_vocabulary(self) -> None:
        """Compile the concept vocabulary (once); reading needs it, the model does not."""
        if self._vocab is None:
            self._vocab = load_vocabulary()

    def _language(self, text: str) -> Identified:
        """The message's language; training reads without the identifier (it trains it)."""
        if self._langid is None:
            return UNSURE
        return self._langid.identify(text)

    def _is_name(self, word: str) -> bool:
        return bool(self._gaz.find(word))

    def _cues(self, text: str, w: Words, concepts: frozenset[str], *, whole: bool = True) -> Cues:
        hinted = self._vocab.sectors(concepts) if self._vocab is not None else []
        named = sectors_named(text, w.words)
        today = self._today()
        days = deadline_days_in(w.words, today)
        return Cues(
            sectors=tuple(dict.fromkeys([*named, *hinted])),
            places=self._gaz.find_in_text(text, w),
            deadline_days=days,
            askers=askers(concepts),
            language=self._language(text) if whole else UNSURE,  # a part's language is the message's
            day_word_deadline=day_word_deadline(w.words, days, today),
        )

    def read(self, text: str, *, part: bool = False, around: frozenset[str] = frozenset()) -> Reading:
        """Everything the classifier needs from `text` (no I/O); training reads the same way.
        A `part` of a message (one of its asks) has its sentences weighed alike and no language
        of its own; `around` is the message's features, context for a short part's words."""
        if self._vocab is None:
            raise RuntimeError("PolicyEngine.load() must run before answering")
        w = words_of(prepare(text))
        concepts = self._vocab.concepts_in(w.words, self._is_name)
        cues = self._cues(text, w, concepts, whole=not part)
        features = set(self._vocab.gate(concepts, around))
        if any(s != GENERAL for s in cues.sectors):
            features.add("@sector")
        if cues.places:
            features.add("@place")
        if cues.deadline_days is not None:
            features.add("@deadline")
            if is_short(cues.deadline_days):  # by "today", "demain"... alone, a feature apart
                short = "@deadline_day" if cues.day_word_deadline else "@deadline_short"
                features.add(short)
                if features & _PROPOSAL_CONCEPTS:  # the rule itself: a proposal due within a month
                    features.add(f"{short}_proposal")
        features |= self._vocab.third_party_in(w.words, w.raw, self._is_name)
        if self._vocab.declines_money_in(w.words):
            features.add(MONEY_DECLINED)  # "we are not asking for funding": the model weighs it
        if self._vocab.addressed_in(w.words, concepts):
            features.add(ADDRESSED)
        if features & _JOINT_WORK and not features & _IN_THE_FIELD:
            features.add("@joint_work_outside_field")  # new_subject_area is this, by definition
        features |= self._vocab.situations_in(frozenset(features))
        parts = sentences(text, ALL_ASK_WORDS)
        weights = [1.0] * len(parts) if part else sentence_weights(parts)
        third_partys = not part and self._third_partys(w, parts)
        source = self._vocab.source
        opening = () if part else _opening(text, source.forwarded, source.mail_headers)
        elsewhere = not part and "wiego" not in concepts and self._vocab.greets_an_office(opening)
        return Reading(
            text,
            parts,
            tuple(weights),
            frozenset(features),
            concepts,
            cues,
            third_partys,
            elsewhere,
        )

    def _third_partys(self, w: Words, parts: Sequence[Sentence]) -> bool:
        """Whether the message's last ask is a third party's business: "do you know if the
        Ministry has published…?", "can you recommend a translator?"."""
        assert self._vocab is not None
        asking = [p for p in parts if p.asks]
        if not asking:
            return False
        last = asking[-1].words
        if self._vocab.asks_for_a_provider(last):
            return True
        spoken = f" {' '.join(last)} "
        return any(
            f" {' '.join(about)} " in spoken
            for about in self._vocab.asks_about_third_party(w.words, w.raw, self._is_name)
        )

    def scores(self, reading: Reading) -> Scores:
        """The classifier's scores for a reading (the model is loaded on first use)."""
        if self._model is None:
            self._model = PolicyModel.load()
        return self._model.scores(reading.parts, reading.weights, reading.features, reading.concepts)

    def asked(self, text: str) -> tuple[Asked, Reading]:
        """Which rules `text` asks, in order, and how it was read (no I/O)."""
        asking = self._asking(text)
        return asking.asked, asking.reading

    def _asking(self, text: str) -> _Asking:
        """What `asked` finds, the scores and the message's words, kept for the day: a text
        sent again is not read again (the model and the vocabulary do not change under a
        running engine; `use_model` forgets every reading)."""
        key = (text, self._today())
        kept = self._readings.get(key)
        if kept is None:
            asked, reading, whole = self._read_asked(text)
            kept = _Asking(asked, reading, whole, words_of(prepare(text)))
            self._readings.keep(key, kept, len(text))
        return kept

    def _read_asked(self, text: str) -> tuple[Asked, Reading, Scores]:
        reading = self.read(text)
        whole = self.scores(reading)
        pieces = joined_parts(text)
        readings: list[PartReading] = []
        if len(pieces) > 1 and (needs_parts(whole) or any(p.joined for p in pieces[1:])):
            asks = [_part_asks(p.text) for p in pieces]
            last = last_ask_at(pieces, asks)
            for i, (piece, joined, announced, on_condition) in enumerate(pieces):
                asking = asks[i] or announced  # a request word, or a joiner or request opened it
                if i != last and not asking:
                    continue  # a part that asks nothing (the story) is not read further; one
                    # a joiner or a condition opens is: "By the way, any reports on Ghana"
                if not content_words(piece):
                    continue  # "…? and you?", "ok?": a part that names nothing asks no rule
                if joined and not asks[i] and i != last and not on_condition:
                    joined = False  # "Also, we are designing a programme…" may only tell: the
                    # whole message must back what it reads as, as for any part
                short = short_last_part(pieces, i)  # "…? and stats?"
                around = reading.features if short and not joined else frozenset()
                read = self.read(piece, part=True, around=around)
                readings.append(
                    PartReading(
                        i, True, self.scores(read), joined, story=not asking, short=short,
                        declines_money=MONEY_DECLINED in read.features,
                        seeks_organizations=seeks_organizations(read.concepts, read.cues.sectors),
                        concepts=read.concepts,
                    )
                )
        asked = decide(whole, readings, reading.concepts)
        if MONEY_DECLINED in reading.features:
            asked = money_declined(asked, readings)
        if reading.third_partys:
            asked = for_a_third_party(asked)
        if reading.elsewhere:  # "Monsieur le Maire, …": its requests are the mayor's to answer
            asked = Asked(())
        return asked, reading, whole

    def match(self, text: str) -> tuple[list[RuleMatch], Cues]:
        """Rules that fit `text`, in the order asked (then a close runner-up), and its cues."""
        asked, reading = self.asked(text)
        found = [*asked.rules, *([asked.runner_up] if asked.runner_up else [])]
        matches = [RuleMatch(self._rules[r], round(s, 3)) for r, s in found if r in self._rules]
        return matches[:MAX_RULES], reading.cues

    async def answer(self, text: str, previous: Subject | None = None) -> Answer:
        """The rules `text` asks and the organizations to name; with `previous` (the chat's last
        subject), a short follow-up ("and in Ghana?") is answered as that question again, with
        the new place or sector."""
        asking = self._asking(text)
        asked, reading, whole, read = asking.asked, asking.reading, asking.whole, asking.words
        cues = reading.cues
        best = whole.best
        unknown: tuple[str, ...] = ()
        if previous is not None and not cues.places:
            unknown = names_after_opener(read.raw, read.capital, NOT_PLACES)
            if unknown and await self._directory.named_in(text):  # "and StreetNet?": no place
                unknown = ()
        reading_alone = (best, whole.classes[best])
        subject = follow_up(previous, read.words, cues.sectors, cues.places, reading_alone, unknown)
        if subject is not None and subject.rule_id in self._rules:
            return await self._answer_again(text, subject, cues)
        matches = [RuleMatch(self._rules[r], round(s, 3)) for r, s in asked.rules if r in self._rules]
        runner_up = None
        if asked.runner_up is not None and asked.runner_up[0] in self._rules:
            runner_up = RuleMatch(self._rules[asked.runner_up[0]], round(asked.runner_up[1], 3))
        smalltalk = asked.smalltalk
        part_asks = any(p.asks for p in reading.parts)
        asks = "?" in text or part_asks
        chat = smalltalk or whole.classes.get("smalltalk", 0.0) >= THANKS_CHAT
        thanks = not matches and not THANKS.isdisjoint(read.words) and (chat or not asks)
        smalltalk = smalltalk or thanks  # "Many thanks, we wrote to StreetNet": "you're welcome"
        directory = None  # the rule a named organization's contacts are asked of
        if "directory" in self._rules:
            directory = RuleMatch(self._rules["directory"], round(whole.classes["directory"], 3))
        if (
            directory is not None
            and _asks_of_whom_it_names(text, part_asks, read.words)
            and await self._names_an_organization(text, read.words, matches)
        ):
            matches, runner_up, smalltalk, thanks = [directory], None, False, False
        elif directory is not None and (
            asks_both := await self._asks_beside_contacts(text, matches, runner_up)
        ):
            # "Do you give grants? Also how can I reach StreetNet?": the contact asked is StreetNet's
            matches, runner_up = [*asks_both, directory], None
        second_ask = matches[1] if len(matches) > 1 else None
        listed = (matches + ([runner_up] if runner_up else []))[:MAX_RULES]
        referral = await self._refer(text, matches[:2], runner_up, cues)
        orgs = list(referral.organizations) if referral is not None else []
        return Answer(text, listed, cues, orgs, runner_up, second_ask, smalltalk, referral, thanks=thanks)

    async def _names_an_organization(self, text: str, words: Sequence[str], matches: list[RuleMatch]) -> bool:
        """ "How do I contact StreetNet?": a message that names an organization of the directory,
        not WIEGO, and that no rule answers but "about WIEGO" (its contacts), or none, or small
        talk ("como falo com o MNCR?"), asks for that organization: the directory answers it,
        with the organization first."""
        if matches and (matches[0].rule.id != "about_wiego" or len(matches) > 1):
            return False  # two asks: `_asks_beside_contacts` reads them part by part
        if "wiego" in words:  # "I read about WIEGO in the news. How do I contact SEWA?"
            return not self._asks_of_wiego(text) and await self._contacts_part(text) is not None
        return bool(await self._directory.named_in(text))

    @staticmethod
    def _asks_of_wiego(text: str) -> bool:
        """Whether a part of the message that asks names WIEGO."""
        return any(_names_wiego(p.text) for p in joined_parts(text) if _part_asks(p.text))

    async def _asks_beside_contacts(
        self, text: str, matches: list[RuleMatch], runner_up: RuleMatch | None
    ) -> list[RuleMatch]:
        """The other ask of a message that also asks for a named organization's contacts, or
        nothing. "Do you give grants? Also how can I reach StreetNet?" gives funding, then the
        directory with StreetNet, whether the whole message read the contacts as WIEGO's (about
        WIEGO, a second ask or the runner-up) or missed them: the part that asks them names an
        organization of the directory and not WIEGO, and reads as contacts or as nothing on its
        own. A message read as WIEGO's contacts alone has its other ask read from its parts.
        Unless the whole read contacts somewhere (about WIEGO asked, or the runner-up), the part
        must be a question or opened by a joiner: "Please, I am a student working on kayayei…"
        names an organization in passing."""
        if not matches or any(m.rule.id == "directory" for m in matches):
            return []
        if not await self._directory.named_in(text):
            return []  # most messages name no organization: their parts are not read again
        read_as_contacts = [m.rule.id for m in [*matches, *([runner_up] if runner_up else [])]]
        contacts = await self._contacts_part(text, outright="about_wiego" not in read_as_contacts)
        if contacts is None:
            return []
        others = [m for m in matches if m.rule.id != "about_wiego"]
        if others:
            return others[:1]
        other = self._other_ask_beside_contacts(text, contacts)
        return [other] if other is not None else []

    async def _contacts_part(self, text: str, *, outright: bool = False) -> int | None:
        """The position of the part that asks for the contacts of an organization the directory
        names (and not WIEGO's): it reads as contacts, or as nothing, on its own. `outright`:
        only a question, or a part a joiner opens ("Also, how do I reach StreetNet")."""
        for i, (piece, joined, *_flags) in enumerate(joined_parts(text)):
            if not _part_asks(piece):
                continue  # "We work with SEWA." tells; it does not ask
            if outright and not joined and "?" not in piece:
                continue
            if _names_wiego(piece) or not await self._directory.named_in(piece):
                continue
            if self.scores(self.read(piece, part=True)).best in ("about_wiego", "directory", *NONE_CLASSES):
                return i  # not "Can you give grants to SEWA?": that part asks for money
        return None

    def _other_ask_beside_contacts(self, text: str, contacts: int) -> RuleMatch | None:
        """ "Can WIEGO fund us? And how do I contact SEWA?": read whole, the contacts drown the
        other ask (about WIEGO 0.96, funding 0.02), because WIEGO is named. A message read as
        about WIEGO alone that has a part asking for a named organization's contacts, and another
        part asking one rule surely on its own (`ASK_OVER_STORY`), asks that rule too (WIEGO's own
        contacts included); the contacts (part `contacts`) are the directory's. Returns the other
        ask, or None."""
        pieces = joined_parts(text)
        if "?" not in text or len(pieces) < 2:
            return None
        for i, (piece, *_flags) in enumerate(pieces):
            if i == contacts or not _part_asks(piece):
                continue
            scores = self.scores(self.read(piece, part=True))
            rule = scores.best
            if rule not in self._rules or rule == "directory" or scores.classes[rule] < ASK_OVER_STORY:
                continue
            if rule == "about_wiego" and not _names_wiego(piece):
                continue  # "What is WIEGO's email? And SEWA's?" asks both contacts
            return RuleMatch(self._rules[rule], round(scores.classes[rule], 3))
        return None

    async def _answer_again(self, text: str, subject: Subject, cues: Cues) -> Answer:
        """A follow-up: the subject's rule, with the subject's sectors and places."""
        cues = replace(cues, sectors=subject.sectors, places=subject.places)
        match = RuleMatch(self._rules[subject.rule_id], 1.0)
        # the words of a follow-up are not a search ("and in Ghana?"): refer by its cues only
        if match.rule.refers_to == "none":
            referral = None
        else:
            refers_to = "both" if match.rule.id == "directory" else match.rule.refers_to
            referral = await self._referrals.refer(
                refers_to, cues.sectors, cues.places, "", limit=MAX_ORGS, unknown=subject.unrecognized
            )
        orgs = list(referral.organizations) if referral is not None else []
        return Answer(text, [match], cues, orgs, None, referral=referral, followup=subject)

    async def _refer(
        self, text: str, asks: list[RuleMatch], runner_up: RuleMatch | None, cues: Cues
    ) -> Referral | None:
        """The referral of the first rule asked (or else the runner-up) that refers to someone
        (directory/referrals.py). "Do you fund us? If not, is there a waste pickers' group in
        Douala?" asks the directory second: its organizations are named. A runner-up
        "directory" match gives none: the question had a policy answer."""
        candidates = [m.rule for m in asks]
        if runner_up is not None and runner_up.rule.id != "directory":
            candidates.append(runner_up.rule)
        rule = next((r for r in candidates if r.refers_to != "none"), None)
        if rule is None or rule.refers_to == "none":
            return None
        if rule.id == "directory":  # the words are the search; sectors only the matcher hinted
            hinted = [s for s in cues.sectors if s not in find_sectors(text)]
            return await self._referrals.refer("both", hinted, (), text, by_words=True, limit=MAX_ORGS)
        return await self._referrals.refer(rule.refers_to, cues.sectors, cues.places, text, limit=MAX_ORGS)
