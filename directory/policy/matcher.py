"""The concept vocabulary: which ideas a message names (money, a thesis, a journalist...).

Concepts are the classifier's most general features (`features.py`): a word never seen in
training still counts when the vocabulary knows its concept. Each language's words for each
concept are in its file (`data/languages/<code>.toml`, `[concepts]`); the language-neutral part
(terms shared by every language, the gate, sector hints, third-party cues, named situations)
is `data/policy_phrases.toml`. A message is matched in every language at once (see `lexicon`),
longest phrase first so "access to water" is about water and not about access; a misspelt word
of five letters or more is read as the nearest vocabulary word when it is one or two edits away.
Everything is compiled once.

Generic words ("documents", "company", "money", "radio", "water") are *weak* concepts (the
`[gate]` table): as gated features they count only when the message also says something that
places it in WIEGO's field (informal workers, a sector, WIEGO itself: *domain* concepts) or names
a concept specific to a policy. A concept read from a corrected short word is weak too:
"cotação" one letter from "citação" is not a quote.

Some messages are not requests to WIEGO whatever their words: the thing asked for comes from a
named third party ("a subsidy from the government", "a traineeship at the BBC": `@third_party`,
see `Vocabulary.third_party`) and WIEGO is not addressed (`@addressed`), or the asker wants an
errand unrelated to the field. `[[situation]]` entries name such situations; each that fires
becomes a feature ("@situation:<name>") the classifier has learnt to weigh.
"""

from __future__ import annotations

import hashlib
import pickle
import re
import tomllib
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from directory.languages import languages, normalized_set, union
from directory.phrases import Typos
from directory.policy.lexicon import ALL_ASK_WORDS, ALL_STOPWORDS, LANGS, content_words, prepare, stems
from directory.text import WORDS_KEPT, normalize, tokens, words_of

_FUZZY_MIN_LEN = 5
_ONE_EDIT_MIN_LEN = 6  # five-letter words are corrected only for swapped letters ("grnat")
_TWO_EDITS_MIN_LEN = 10
_TRUSTED_TYPO_LEN = 8  # a shorter corrected word only gives weak evidence (see `_TYPO`)
_TYPO = "~"  # prefix of a concept read from a corrected short word
DOMAIN = "@domain"
"""Feature present when any domain concept is (combos may require its absence)."""
THIRD_PARTY = "@third_party"
"""Feature: the thing asked for (money, a placement, a price) comes from a named third party."""
THIRD_PARTY_NAME = "@third_party_name"
"""Feature: ...the third party only named by a capitalized word (vetoes fewer questions)."""
ADDRESSED = "@addressed"
"""Feature: the question speaks to WIEGO ("WIEGO", "you", "vocês", "vous", "tienen"...)."""
_PROVIDER_WINDOW = 6  # words between "recommend" and the provider recommended
_SOURCE_WINDOW = 4  # words between the thing asked for and the preposition naming its source
_DECLINED_AT = 2  # the word of asking is at most this many words after the negation ("ne vous écris")
_DECLINE_WINDOW = 5  # money at most this many words after the word of asking
_CONDITIONS = frozenset({"if", "si", "se", "sinon", "otherwise", "or", "ou", "o"})  # "if not, we need…"
_MONEY = frozenset({"money", "money_weak"})
MONEY_DECLINED = "@money_declined"
_OPENING_WORDS = 12  # a letter's greeting line is short; a longer first line is the message itself
_SALUTE_WITHIN = 4  # the honorific among the greeting's first words ("À l'attention de Monsieur")
_ACRONYM = re.compile(r"^[A-Z]{2}[A-Za-z]{0,7}$")  # BBC, CAF, CNPq, CONACYT
_WORD_RE = re.compile(r"[^\W_]+")
# Ordinary words one edit away from a vocabulary word: never "corrected" into it.
_NOT_TYPOS = frozenset(
    {
        "grand",
        "grande",
        "maria",
        "mario",
        "marco",
        "banco",
        "where",
        "there",
        "these",
        "those",
        "which",
        "while",
        "month",
        "months",
        "weeks",
        "today",
        "their",
        "other",
        "mundo",
        "monde",
        "share",
        "start",
        "state",
        "store",
        "stage",
        "price",
        "prize",
        "place",
        "plane",
        "paris",
        "nacional",
        "national",
        "cidade",
        "ciudad",
        "ville",
        "about",
        "after",
        "again",
        "apres",
        "planning",
        # "contratada por" (hired by) is not "contratar" (to hire)
        "contratada",
        "contratado",
        "contratadas",
        "contratados",
    }
)

_Key = tuple[int, str]  # (language index, stem)
_Phrase = tuple[tuple[str, ...], int, str]  # (stems after the first, language index, concept)


@dataclass(frozen=True)
class Situation:
    """A named situation: every one of `concepts` is present and none of `unless` is."""

    name: str
    concepts: frozenset[str]
    unless: frozenset[str] = frozenset()

    def fires(self, found: frozenset[str]) -> bool:
        return self.concepts <= found and not self.unless & found


@dataclass(frozen=True)
class Source:
    """How a third-party source is told (`[third_party]`): the concepts of a thing asked for,
    the prepositions and articles between it and its source, the words that name a source by
    themselves (government, ministry, agency...), the names that are not third parties (WIEGO,
    the workers' networks), and the words that address WIEGO."""

    things: frozenset[str] = frozenset()
    preps: frozenset[str] = frozenset()
    articles: frozenset[str] = frozenset()
    heads: frozenset[str] = frozenset()
    own: frozenset[str] = frozenset()
    addressed: frozenset[str] = frozenset()
    asks_about: Mapping[str, tuple[tuple[str, ...], ...]] = field(default_factory=dict)
    """ "do you know if", "sabéis si", by their last word"""
    recommends: frozenset[str] = frozenset()  # "recommend", "conseiller", "indicar"
    providers: frozenset[str] = frozenset()  # "consultancy", "logiciel", "tradutor"
    salutes: frozenset[str] = frozenset()  # honorifics that open a letter: "monsieur", "señor", "dear"
    offices: frozenset[str] = frozenset()  # offices no one at WIEGO holds: "maire", "alcalde", "bank"
    forwarded: frozenset[str] = frozenset()  # "fwd", "reenviado", "transféré": a forward's first line
    declines: tuple[tuple[frozenset[str], frozenset[str]], ...] = ()
    """Per language, its negations ("not", "no", "ne") and the words of asking they decline
    ("asking", "pedir", "besoin"): Portuguese "no" ("in the") declines nothing."""
    mail_headers: frozenset[str] = frozenset()  # "from", "para", "objet": a forwarded mail's header lines


def _by_last_word(phrases: Iterable[tuple[str, ...]]) -> dict[str, tuple[tuple[str, ...], ...]]:
    out: dict[str, list[tuple[str, ...]]] = defaultdict(list)
    for phrase in phrases:
        if phrase:
            out[phrase[-1]].append(phrase)
    return {last: tuple(found) for last, found in out.items()}


def _swapped(word: str, target: str) -> bool:
    """True when `word` is `target` with two adjacent letters swapped."""
    if len(word) != len(target):
        return False
    diff = [i for i, (a, b) in enumerate(zip(word, target, strict=True)) if a != b]
    return len(diff) == 2 and diff[1] == diff[0] + 1 and word[diff[0]] == target[diff[1]]


def _longest_of(
    candidates: Sequence[_Phrase], seq: Sequence[tuple[str, ...]], i: int
) -> tuple[int, set[str]]:
    """End (exclusive) of the longest of `candidates` (phrases that may start at `seq[i]`)
    that `seq` spells from `i`, and its concepts."""
    best_end, hits = 0, set[str]()
    n = len(seq)
    for rest, lang, concept in candidates:
        end = i + len(rest) + 1
        if end < best_end or end > n:
            continue
        if all(seq[i + 1 + j][lang] == r for j, r in enumerate(rest)):
            if end > best_end:
                best_end, hits = end, set()
            hits.add(concept)
    return best_end, hits


@dataclass(frozen=True, slots=True)
class _Entry:
    """What one word is to the vocabulary: its stems in every language, whether it is a
    content word, the phrases (literal, and of content words) that may start on it, the
    concepts it names alone; `fixed`, the vocabulary word it was read as when it is a typo."""

    stems: tuple[str, ...]
    content: bool
    literal: tuple[_Phrase, ...]
    phrases: tuple[_Phrase, ...]
    hits: frozenset[str]
    fixed: str | None = None


class Vocabulary:
    """Compiled concept vocabulary: stem and phrase indexes, plus typo candidates."""

    def __init__(
        self,
        concepts: Mapping[str, Mapping[str, Iterable[str]]],
        weak: Iterable[str] = (),
        domain: Iterable[str] = (),
        context: Iterable[str] = (),
        sector_hints: Mapping[str, str] | None = None,
        situations: Iterable[Situation] = (),
        source: Source | None = None,
        anchoring: Iterable[str] = (),
        compiled: Mapping[str, Any] | None = None,
    ) -> None:
        self.situations = tuple(situations)
        self.source = source or Source()
        self._declining: dict[str, frozenset[str]] = {}  # a negation -> the words of asking it declines
        for negations, declining in self.source.declines:
            for negation in negations:
                self._declining[negation] = self._declining.get(negation, frozenset()) | declining
        self.sector_hints = dict(sector_hints or {})
        self.weak = frozenset(weak)
        self.domain = frozenset(domain)
        # Concepts that, present, let weak ones count: the domain, the listed context and
        # every concept that is not weak (specific to a policy: a thesis, an internship...).
        specific = set(anchoring) if anchoring else set(concepts)
        self.context = frozenset(self.domain | set(context) | (specific - self.weak - {DOMAIN}))
        self._exact: dict[str, set[str]] = defaultdict(set)
        self._single: dict[_Key, set[str]] = defaultdict(set)
        self._phrases: dict[_Key, list[_Phrase]] = defaultdict(list)
        self._literal: dict[_Key, list[_Phrase]] = defaultdict(list)
        self._known_stems: set[_Key] = set()
        surface: set[str] = set()
        if compiled is not None:  # what `compiled()` saved: no term stemmed again
            self._exact.update(compiled["exact"])
            self._single.update(compiled["single"])
            self._phrases.update(compiled["phrases"])
            self._literal.update(compiled["literal"])
            self._known_stems = set(compiled["known_stems"])
            surface = set(compiled["surface"])
        else:
            for concept, by_lang in concepts.items():
                for lang, terms in by_lang.items():
                    langs = range(len(LANGS)) if lang == "any" else [LANGS.index(lang)]
                    for term in terms:
                        surface.update(self._add(concept, term, langs))
        self._surface = frozenset(surface)
        self._entry = lru_cache(maxsize=WORDS_KEPT)(self._word_entry)
        self._as_written = lru_cache(maxsize=WORDS_KEPT)(self._as_written_uncached)
        self._typos = Typos(
            (w for w in surface if len(w) >= _FUZZY_MIN_LEN),
            min_len=_FUZZY_MIN_LEN,
            two_edits_from=_TWO_EDITS_MIN_LEN,
        )

    def compiled(self) -> dict[str, Any]:
        """The indexes built from the terms, as plain data (`load_vocabulary` caches them)."""
        return {
            "exact": dict(self._exact),
            "single": dict(self._single),
            "phrases": dict(self._phrases),
            "literal": dict(self._literal),
            "known_stems": frozenset(self._known_stems),
            "surface": self._surface,
        }

    def _add(self, concept: str, term: str, langs: Iterable[int]) -> list[str]:
        if term.startswith("="):
            word = normalize(term[1:])
            self._exact[word].add(concept)
            return [word]
        words = content_words(term)
        # A phrase of one content word plus function words ("talk at", "in touch with") is
        # matched literally, function words included; otherwise they are skipped both sides.
        literal = len(words) <= 1 and len(tokens(term)) > 1
        if literal:
            words = tokens(term)
        for li in langs:
            keys = tuple(stems(w)[li] for w in words)
            self._known_stems.update((li, k) for k in keys)
            if len(words) == 1:
                self._single[(li, keys[0])].add(concept)
            elif words:
                index = self._literal if literal else self._phrases
                index[(li, keys[0])].append((keys[1:], li, concept))
        return words

    def correct(self, word: str, is_name: Callable[[str], bool] | None = None) -> str:
        """`word`, or the vocabulary word it is a typo of (same first letter, 1-2 edits).

        `is_name` vetoes a correction (a place name such as "ghana" is not a typo of "grant").
        """
        fixed = self._correct(word)
        if fixed != word and is_name is not None and is_name(word):
            return word
        return fixed

    @lru_cache(maxsize=WORDS_KEPT)  # noqa: B019 - one Vocabulary per process; the cache is the point
    def _correct(self, word: str) -> str:
        if len(word) < _FUZZY_MIN_LEN or word in _NOT_TYPOS or word in ALL_STOPWORDS:
            return word
        if word in self._exact or any(
            (li, s) in self._known_stems for li, s in enumerate(stems(word))
        ):
            return word
        for target in self._typos.candidates(word):
            if len(word) >= _ONE_EDIT_MIN_LEN or _swapped(word, target):
                return target
        return word

    def concepts_by_stem(self, word: str) -> dict[str, frozenset[str]]:
        """The concepts one normalized word names through each language's stem of it, by
        language code, and as an exact word (key "=") (`bench/false_friends.py` lists the words
        whose only concepts come from another language's stem)."""
        found = {"=": frozenset(self._exact[word])} if word in self._exact else {}
        for li, stem in enumerate(stems(word)):
            if hit := self._single.get((li, stem)):
                found[LANGS[li]] = frozenset(hit)
        return found

    def concepts(self, text: str, is_name: Callable[[str], bool] | None = None) -> frozenset[str]:
        """Every concept named in `text`, longest phrase first, each word used once."""
        return self.concepts_in(tokens(prepare(text)), is_name)

    def concepts_in(
        self, raw: Sequence[str], is_name: Callable[[str], bool] | None = None
    ) -> frozenset[str]:
        """`concepts` of a message's normalized words (read once, see `text.words_of`).

        Each word is one look-up of what it is to the vocabulary (`_word_entry`): its typo
        correction, stems, and the phrases that may start on it, so the pass over a message
        runs no stemmer and no index probe for a word seen before."""
        entries: list[_Entry] = []
        unsure: list[bool] = []
        entry_of = self._entry
        for w in raw:
            entry = entry_of(w)
            if entry.fixed is not None:  # a typo of a vocabulary word, unless it is a name
                if is_name is not None and is_name(w):
                    entry = self._as_written(w)
                else:
                    unsure.append(len(w) < _TRUSTED_TYPO_LEN)
                    entries.append(entry)
                    continue
            unsure.append(False)
            entries.append(entry)
        all_stems = [e.stems for e in entries]
        content = [i for i, e in enumerate(entries) if e.content]
        rank = {pos: k for k, pos in enumerate(content)}
        content_stems = [all_stems[i] for i in content]
        found: set[str] = set()
        n = len(entries)
        i = 0
        while i < n:
            entry = entries[i]
            end, hits = _longest_of(entry.literal, all_stems, i) if entry.literal else (0, set())
            k = rank.get(i)
            if k is None and end:
                # a literal phrase opening on a function word ("un stage") gives way to a longer
                # phrase from its first content word ("stage de fin d'études")
                j = next((p for p in range(i + 1, end) if p in rank), None)
                if j is not None:
                    m, phrase_hits = _longest_of(entries[j].phrases, content_stems, rank[j])
                    if m and content[m - 1] + 1 > end:
                        i, k, entry = j, rank[j], entries[j]
            if k is not None and entry.phrases:
                m, phrase_hits = _longest_of(entry.phrases, content_stems, k)
                if m and content[m - 1] + 1 > end:
                    end, hits = content[m - 1] + 1, phrase_hits
            if not end:
                if k is None:
                    i += 1
                    continue
                hits = set(entry.hits)
                end = i + 1
            if True in unsure[i:end]:
                hits = {_TYPO + h for h in hits}
            found |= hits
            i = end
        return frozenset(found)

    def _word_entry(self, word: str) -> _Entry:
        """What `word` is to the vocabulary, as written, or corrected when it is a typo (then
        `fixed` is set: a place name keeps its own entry, `_as_written`)."""
        fixed = self._correct(word)
        if fixed == word:
            return self._as_written(word)
        return replace(self._as_written(fixed), fixed=fixed)

    def _as_written_uncached(self, word: str) -> _Entry:
        word_stems = stems(word)
        return _Entry(
            stems=word_stems,
            content=word not in ALL_STOPWORDS,
            literal=self._candidates(self._literal, word_stems),
            phrases=self._candidates(self._phrases, word_stems),
            hits=self._word_hits(word, word_stems),
        )

    @staticmethod
    def _candidates(index: Mapping[_Key, list[_Phrase]], word_stems: tuple[str, ...]) -> tuple[_Phrase, ...]:
        """The phrases of `index` that may start on a word of these stems, in language order."""
        out: list[_Phrase] = []
        for li, s in enumerate(word_stems):
            out.extend(index.get((li, s), ()))
        return tuple(out)

    def _word_hits(self, word: str, word_stems: tuple[str, ...]) -> frozenset[str]:
        """Concepts a word names alone ("=word" terms claim their word exclusively)."""
        exact = self._exact.get(word)
        if exact:
            return frozenset(exact)
        hits: set[str] = set()
        for li, s in enumerate(word_stems):
            hits |= self._single.get((li, s), set())
        return frozenset(hits)

    def _word_concepts(self, word: str) -> frozenset[str]:
        """Concepts one normalized word names on its own (no phrase, no typo correction)."""
        entry = self._entry(word)
        return (entry if entry.fixed is None else self._as_written(word)).hits

    def _source_kind(
        self, word: str, raw: str, is_name: Callable[[str], bool] | None
    ) -> str | None:
        """How `word` (normalized; `raw` as written) names a third party: `THIRD_PARTY` for a
        source word (government, agency...) or an acronym, `THIRD_PARTY_NAME` for a capitalized
        name that is not a place (weaker: "an internship at Makola market" is in the field)."""
        src = self.source
        if word in src.own:
            return None
        if word in src.heads or _ACRONYM.match(raw):
            return THIRD_PARTY
        if (
            raw[:1].isupper()
            and len(word) >= 4
            and word not in ALL_STOPWORDS
            and not (is_name is not None and is_name(word))
        ):
            return THIRD_PARTY_NAME
        return None

    def third_party(
        self, text: str, is_name: Callable[[str], bool] | None = None
    ) -> frozenset[str]:
        """`THIRD_PARTY` (and/or `THIRD_PARTY_NAME`) when a thing asked for is followed by its
        source and the source is a named third party: "subvención *de la* CAF", "traineeship
        *at the* BBC", "bolsa *do* CNPq", "a subsidy *from the* government" (a place is not a
        source: "beca *en* Madrid")."""
        w = words_of(prepare(text))
        return self.third_party_in(w.words, w.raw, is_name)

    def third_party_in(
        self, words: Sequence[str], raw: Sequence[str], is_name: Callable[[str], bool] | None = None
    ) -> frozenset[str]:
        """`third_party` of a message's words (normalized, and as written)."""
        src = self.source
        kinds: set[str] = set()
        for i, word in enumerate(words):
            if word in ALL_STOPWORDS or not self._word_concepts(word) & src.things:
                continue
            for j in range(i + 1, min(i + 2 + _SOURCE_WINDOW, len(words))):
                if words[j] not in src.preps:
                    continue
                k = j + 1
                while k < len(words) and words[k] in src.articles:
                    k += 1
                kind = self._source_kind(words[k], raw[k], is_name) if k < len(words) else None
                if kind is not None:
                    kinds.add(kind)
        return frozenset(kinds)

    def declines_money_in(self, words: Sequence[str]) -> bool:
        """Whether money is named to say it is not asked: "we are not asking for funding", "no
        les escribimos para pedir recursos", "nous n'avons pas besoin de financement" (a
        negation, a word of asking right after it, money within `_DECLINE_WINDOW` words after
        that). "If not, we need a grant", "o banco não me empresta, preciso de dinheiro" and
        "¿no podrían pedir fondos?" decline nothing. Money may also come between the two: "so
        no money needed", "no funding requested"."""
        for i, word in enumerate(words):
            declining = self._declining.get(word)
            if declining is None or (i and words[i - 1] in _CONDITIONS):
                continue
            for k in range(i + 1, min(i + 1 + _DECLINED_AT, len(words) - 1)):
                if self._word_concepts(words[k]) & _MONEY and words[k + 1] in declining:
                    return True  # "no money needed"
            for j in range(i + 1, min(i + 1 + _DECLINED_AT, len(words))):
                if words[j] not in declining or (j > i + 1 and words[i + 1] in ALL_ASK_WORDS):
                    continue  # "¿No podrían pedir fondos…?" asks
                after = words[j + 1 : j + 1 + _DECLINE_WINDOW]
                if any(self._word_concepts(w) & _MONEY for w in after if w not in ALL_STOPWORDS):
                    return True
        return False

    def asks_about_third_party(
        self, words: Sequence[str], raw: Sequence[str], is_name: Callable[[str], bool] | None = None
    ) -> list[tuple[str, ...]]:
        """ "Do you know if the Ministry has published…", "¿sabéis si la Fundació abre…?": whether
        a named third party does something is that party's business, not a request to WIEGO.
        Each such question's words, from its cue to the third party (to find its sentence).
        WIEGO and the networks (`own`), a place, "you" or "there are" after the cue are none."""
        src = self.source
        found: list[tuple[str, ...]] = []
        for end, word in enumerate(words[:-1]):
            for cue in src.asks_about.get(word, ()):
                if tuple(words[end + 1 - len(cue) : end + 1]) != cue:
                    continue
                k = end + 1
                while k < len(words) - 1 and words[k] in src.articles:  # "l'Agence": "l" is one
                    k += 1
                if self._source_kind(words[k], raw[k], is_name) is not None:
                    found.append(tuple(words[end + 1 - len(cue) : k + 1]))
        return found

    def asks_for_a_provider(self, sentence: Sequence[str]) -> bool:
        """ "Can you recommend a consultancy for our audit?", "pouvez-vous nous conseiller un
        logiciel ?": a sentence asking to be recommended a service provider (a firm, software,
        a translator), whom no rule of WIEGO's is about."""
        src = self.source
        for i, word in enumerate(sentence):  # the provider follows the verb: "conseiller un
            after = sentence[i + 1 : i + 1 + _PROVIDER_WINDOW]  # logiciel", not "un cabinet
            if word in src.recommends and not src.providers.isdisjoint(after):  # …conseiller sur"
                return True
        return False

    def addressed(self, text: str, found: Iterable[str] = ()) -> bool:
        """True when the question speaks to WIEGO: names it, or says "you" (plural, formal)."""
        return self.addressed_in(tokens(prepare(text)), found)

    def greets_an_office(self, opening: Sequence[str]) -> bool:
        """Whether a letter's opening line (its normalized words, up to the first line break,
        colon or comma) greets an office no one at WIEGO holds: an honorific among its first
        words and an office in it ("Monsieur le Maire", "Señor Alcalde y señor Secretario",
        "À l'attention de Madame la Ministre"). "Monsieur le Directeur" may be WIEGO's."""
        src = self.source
        return (
            0 < len(opening) <= _OPENING_WORDS
            and not src.salutes.isdisjoint(opening[:_SALUTE_WITHIN])
            and not src.offices.isdisjoint(opening)
        )

    def addressed_in(self, words: Iterable[str], found: Iterable[str] = ()) -> bool:
        """`addressed` of a message's normalized words."""
        return "wiego" in found or not self.source.addressed.isdisjoint(words)

    def sectors(self, found: Iterable[str]) -> list[str]:
        """Sectors named in other words ("piece-rate work", "outwork": home-based work)."""
        return list(dict.fromkeys(self.sector_hints[c] for c in found if c in self.sector_hints))

    def gate(self, found: frozenset[str], around: frozenset[str] = frozenset()) -> frozenset[str]:
        """`found` as scored: weak concepts kept only in context, `@domain` added.

        A concept read from a corrected short word (unsure) is kept only in context, and only
        when it is not weak itself: "estados" read as "estudos" is no evidence of a study.
        `around`: the gated concepts of the message a short part ends ("…? and data?"), whose
        context is the part's own.
        """
        sure = {c for c in found if not c.startswith(_TYPO)}
        if (sure | around) & self.domain:
            sure.add(DOMAIN)
        if (sure | around) & self.context:
            unsure = {c.removeprefix(_TYPO) for c in found if c.startswith(_TYPO)}
            sure |= unsure - self.weak
        else:
            sure -= self.weak
        return frozenset(sure)

    def situations_in(self, found: frozenset[str]) -> frozenset[str]:
        """"@situation:<name>" for each named situation `found` (gated) is in."""
        return frozenset(f"@situation:{v.name}" for v in self.situations if v.fires(found))


def _language_concepts() -> dict[str, dict[str, list[str]]]:
    """Every language's `[concepts]`, as {concept: {language: terms}}."""
    merged: dict[str, dict[str, list[str]]] = defaultdict(dict)
    for code, language in languages().items():
        for concept, terms in language.concepts.items():
            merged[concept][code] = list(terms)
    return merged


def load_vocabulary(text: str | None = None) -> Vocabulary:
    """Compile the language files and the bundled `policy_phrases.toml`; or only the given TOML
    text (self-contained: its `[concepts.*]` list terms per language code), for tests."""
    bundled = text is None
    if text is None:
        source = resources.files("directory.data") / "policy_phrases.toml"
        text = source.read_text(encoding="utf-8")
    data = tomllib.loads(text)
    concepts = _language_concepts() if bundled else defaultdict(dict)
    for concept, by_lang in data.get("concepts", {}).items():
        for lang, terms in by_lang.items():
            concepts[concept][lang] = [*concepts[concept].get(lang, []), *terms]
    gate = data.get("gate", {})
    situations = [
        Situation(v["name"], frozenset(v["all"]), frozenset(v.get("unless", ())))
        for v in data.get("situation", [])
    ]
    tp = data.get("third_party", {})
    cached = _compiled_cache() if bundled else None

    def words(key: str) -> frozenset[str]:
        listed = normalized_set(tp.get(key, ()))
        if not bundled:
            return listed
        return listed | union(lambda lang: lang.third_party.get(key, frozenset()))

    third = Source(
        frozenset(tp.get("things", ())),
        words("preps"),
        words("articles"),
        words("heads"),
        normalized_set(tp.get("own", ())),
        words("addressed"),
        _by_last_word(tuple(phrase.split()) for phrase in words("asks_about")),
        words("recommends"),
        words("providers"),
        words("salutes"),
        words("offices"),
        words("forwarded"),
        _declines(tp, bundled),
        words("mail_headers"),
    )
    return Vocabulary(
        concepts,
        gate.get("weak", ()),
        gate.get("domain", ()),
        gate.get("context", ()),
        data.get("sector_hints", {}),
        situations,
        third,
        compiled=cached,
    )


def _declines(tp: Mapping[str, Any], bundled: bool) -> tuple[tuple[frozenset[str], frozenset[str]], ...]:
    """`Source.declines`: each language's own pair, or the given TOML's as one language."""
    if not bundled:
        return ((normalized_set(tp.get("negations", ())), normalized_set(tp.get("declining", ()))),)
    pairs = [
        (lang.third_party.get("negations", frozenset()), lang.third_party.get("declining", frozenset()))
        for lang in languages().values()
    ]
    return tuple((neg, verbs) for neg, verbs in pairs if neg and verbs)


VOCABULARY_CACHE = "vocabulary.pickle"


def vocabulary_digest() -> str:
    """SHA-256 of every file the vocabulary is compiled from (languages, policy phrases)."""
    data = resources.files("directory.data")
    digest = hashlib.sha256()
    entries = sorted(data.joinpath("languages").iterdir(), key=lambda e: e.name)
    for entry in [*entries, data / "policy_phrases.toml"]:
        digest.update(entry.name.encode() + b"\0" + entry.read_bytes() + b"\0")
    digest.update(repr(LANGS).encode())
    return digest.hexdigest()


def _compiled_cache() -> dict[str, Any] | None:
    """The compiled indexes `directory.policy.train` saved, if they were compiled from the files
    as they are now (compiling the four languages' terms takes a third of a second)."""
    try:
        blob = (resources.files("directory.data") / VOCABULARY_CACHE).read_bytes()
        saved = pickle.loads(blob)  # noqa: S301 - our own file, written by train.py
    except (FileNotFoundError, pickle.UnpicklingError, EOFError, AttributeError, ValueError):
        return None
    if not isinstance(saved, dict) or saved.get("digest") != vocabulary_digest():
        return None
    compiled = saved.get("compiled")
    return compiled if isinstance(compiled, dict) else None


def save_compiled(path: Path) -> None:
    """Write the compiled indexes of the bundled vocabulary, with the digest of its files."""
    vocabulary = load_vocabulary()
    blob = {"digest": vocabulary_digest(), "compiled": vocabulary.compiled()}
    path.write_bytes(pickle.dumps(blob, protocol=pickle.HIGHEST_PROTOCOL))
