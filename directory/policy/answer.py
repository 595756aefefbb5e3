"""The policy engine: a question in, the rules that answer it and the organizations to name.

`PolicyEngine.load()` seeds the rules and compiles the vocabulary once; `answer()` then reads
cues (sector, place, deadline, who asks, language), scores every rule, and asks the directory
for the organizations the best referring rule points to, filtered by the question's sector and
place. It never contacts anyone and never invents a policy: below the threshold, no rule.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from directory.db import Database
from directory.organizations import Organization
from directory.places import Gazetteer, Place, gazetteer
from directory.policy.cues import askers, deadline_days, detect_language, is_short
from directory.policy.matcher import ADDRESSED, Vocabulary, load_vocabulary
from directory.policy.rules import PolicyRules, Rule
from directory.referrals import Referral, Referrals
from directory.search import GENERAL, Directory
from directory.sectors import find_sectors

CLOSE_SECOND_RATIO = 0.6
"""A runner-up within this fraction of the best score is offered too (as a button)."""
MAX_RULES = 3
MAX_ORGS = 5


@dataclass(frozen=True)
class Cues:
    """What the question says besides its topic."""

    sectors: tuple[str, ...]
    places: tuple[Place, ...]
    deadline_days: int | None
    askers: tuple[str, ...]
    language: str


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
    close_second: RuleMatch | None
    referral: Referral | None = None  # the organizations' outcome: found in the place, or why not

    @property
    def best(self) -> RuleMatch | None:
        return self.rules[0] if self.rules else None


class PolicyEngine:
    """Answers questions from the stored rules; call `load()` once, and again after edits."""

    def __init__(self, db: Database, directory: Directory, gaz: Gazetteer | None = None) -> None:
        self._repo = PolicyRules(db)
        self._directory = directory
        self._gaz = gaz or gazetteer()
        self._referrals = Referrals(directory, self._gaz)
        self._vocab: Vocabulary | None = None
        self._rules: dict[str, Rule] = {}

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
        if self._vocab is None:
            self._vocab = load_vocabulary()
            self.match("warm up: Nairobi street vendors")  # builds the gazetteer and sector tables

    def _is_name(self, word: str) -> bool:
        return bool(self._gaz.find(word))

    def cues(self, text: str, concepts: frozenset[str] = frozenset()) -> Cues:
        hinted = self._vocab.sectors(concepts) if self._vocab is not None else []
        return Cues(
            sectors=tuple(dict.fromkeys([*find_sectors(text), *hinted])),
            places=tuple(self._gaz.find(text)),
            deadline_days=deadline_days(text),
            askers=askers(concepts),
            language=detect_language(text),
        )

    def match(self, text: str) -> tuple[list[RuleMatch], Cues]:
        """Rules that fit `text`, best first, and the cues read from it (no I/O)."""
        if self._vocab is None:
            raise RuntimeError("PolicyEngine.load() must run before answering")
        concepts = self._vocab.concepts(text, self._is_name)
        cues = self.cues(text, concepts)
        features = set(concepts)
        if any(s != GENERAL for s in cues.sectors):
            features.add("@sector")
        if cues.places:
            features.add("@place")
        if is_short(cues.deadline_days):
            features.add("@deadline_short")
        features |= self._vocab.third_party(text, self._is_name)
        if self._vocab.addressed(text, concepts):
            features.add(ADDRESSED)
        scored = self._vocab.score(frozenset(features))
        matches = [RuleMatch(self._rules[r], s) for r, s in scored if r in self._rules]
        return matches[:MAX_RULES], cues

    async def answer(self, text: str) -> Answer:
        matches, cues = self.match(text)
        second = None
        if len(matches) > 1 and matches[1].score >= CLOSE_SECOND_RATIO * matches[0].score:
            second = matches[1]
        referral = await self._refer(text, matches[:1] + ([second] if second else []), cues)
        orgs = list(referral.organizations) if referral is not None else []
        return Answer(text, matches, cues, orgs, second, referral)

    async def _refer(self, text: str, offered: list[RuleMatch], cues: Cues) -> Referral | None:
        """The referral of the best offered rule that refers to someone (directory/referrals.py).

        A runner-up "directory" match gives none: the question had a policy answer.
        """
        rule = next(
            (m.rule for i, m in enumerate(offered)
             if m.rule.refers_to != "none" and (i == 0 or m.rule.id != "directory")),
            None,
        )
        if rule is None or rule.refers_to == "none":
            return None
        if rule.id == "directory":  # the words are the search; sectors only the matcher hinted
            hinted = [s for s in cues.sectors if s not in find_sectors(text)]
            return await self._referrals.refer("both", hinted, (), text, by_words=True, limit=MAX_ORGS)
        return await self._referrals.refer(rule.refers_to, cues.sectors, cues.places, text, limit=MAX_ORGS)
