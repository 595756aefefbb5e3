"""Plays the multi-turn conversations of `conversations.jsonl` against the bot on the stand-in
server and checks what each turn expects (format: the file's writers' brief, README).

The conversations were written by someone who never saw the code, in four languages: follow-ups,
small talk, unknown places, buttons pressed in order, a location, media, other languages.
`tests/test_conversations.py` asserts how many hold; `bench/conversations.py` prints each miss.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.i18n import Catalogs, Translator
from bot.offline import SAMPLE_ATTACHMENTS, location_fields
from directory.organizations import Organization

CONVERSATIONS = Path(__file__).resolve().parent / "conversations.jsonl"
LANGS = ("en", "es", "fr", "pt")
BUTTONS: dict[str, Callable[[str], bool]] = {
    # "More organizations" under an answer; under a directory answer, its "Next" page, or at the
    # end of a short list "Other sectors in <place>"
    "more": lambda d: d.startswith(("m:", "w:")) or (d.startswith("s:") and d.split(":")[2:3] == ["1"]),
    "helpful": lambda d: d.startswith("fb:") and d.endswith(":1"),
    "not_helpful": lambda d: d.startswith("fb:") and d.endswith(":0"),
    "also": lambda d: d.startswith("r:"),
}
ALSO_ASKED = "You also asked:"
KIND_MARKERS = {
    "smalltalk": ["Ask me in your own words, for example:"],
    "none": ["I found nothing in WIEGO’s policy about this, so I won’t guess."],
    "media_reply": [
        "Thank you for the voice message! I can only read text, so I cannot listen to it.",
        "Thank you! I can only read text, so I cannot see pictures or videos.",
        "Thank you for the sticker! I can only read text.",
        "Thank you! I can only read text, so I cannot open files.",
        "Thank you! I can only read text.",
    ],
    "feedback_question": ["What were you looking for? Write it in a few words, or /cancel."],
    "feedback_thanks": ["Thank you: we will use it to improve the answers."],
}


NOBODY_HERE = [
    "No organization of %(sectors)s in %(place)s is listed: here are the networks that cover it.",
    "No organization of %(sectors)s in %(place)s is listed: here are other informal "
    "workers' organizations there and the networks that cover it.",
    "No organization in %(place)s is listed: here are the networks that cover it.",
]
PLACE_UNKNOWN = (
    "I did not recognize the place you named (%(place)s), so here are the networks that "
    "work everywhere. A country or a large city finds organizations nearer to you."
)


def load(path: Path = CONVERSATIONS) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _pattern(template: str) -> re.Pattern[str]:
    """A translated string with %(name)s placeholders as a regex matching any value."""
    parts = re.split(r"%\(\w+\)s", template)
    return re.compile(".+?".join(re.escape(p) for p in parts))


@dataclass
class Outcome:
    conversation: str
    misses: list[str] = field(default_factory=list)

    @property
    def holds(self) -> bool:
        return not self.misses


class Player:
    """Plays one conversation through the `Conversation` test helper (tests/conftest.py)."""

    def __init__(self, bot: Any, catalogs: Catalogs, organizations: Iterable[Organization]) -> None:
        self.bot = bot
        self.catalogs = catalogs
        self.orgs = {o.id: o for o in organizations}
        self.rules: dict[str, Any] = {}

    def _t(self, lang: str) -> Translator:
        return self.catalogs.translator(lang)

    def _in_any(self, text: str, msgid: str, langs: Iterable[str]) -> bool:
        return any(_pattern(self._t(lang)._(msgid)).search(text) for lang in langs)

    def _names(self, org: Organization) -> list[str]:
        return [n for n in (org.name, org.acronym) if n and len(n) >= 3]

    def _shows(self, text: str, org_id: str) -> bool:
        org = self.orgs.get(org_id)
        return org is not None and any(n in text for n in self._names(org))

    async def play(self, conversation: dict[str, Any], user: int) -> Outcome:
        outcome = Outcome(conversation["id"])
        lang = conversation.get("telegram_lang") or conversation["lang"]
        last: Any = None
        history: list[Any] = []  # the bot's messages so far, oldest first
        emulator = self.bot.emulator
        for n, turn in enumerate(conversation["turns"], 1):
            expect = turn.get("expect", {})
            mark = len(emulator.calls)
            reply_text = ""
            if "say" in turn:
                last = await self.bot.send(turn["say"], user=user, lang=lang)
                reply_text = last.text or ""
            elif "press" in turn:
                wanted = BUTTONS[turn["press"]]
                # the newest message that has the button: a person scrolls up to press it
                found = next(
                    (
                        (message, b["callback_data"])
                        for message in [last, *reversed(history)]
                        if message is not None
                        for b in message.buttons
                        if wanted(b["callback_data"])
                    ),
                    None,
                )
                answered = last is not None and self._in_any(last.text or "", ALSO_ASKED, LANGS)
                if found is None and turn["press"] == "also" and answered:
                    # the second ask was already answered in the reply itself, under "You also
                    # asked:": the person reads it there, with nothing to press
                    outcome.misses += [f"turn {n}: {m}" for m in self.check(expect, last.text or "", lang)]
                    continue
                if found is None:
                    shown = [b["callback_data"] for b in (last.buttons if last else [])]
                    outcome.misses.append(f"turn {n}: no {turn['press']!r} button to press among {shown}")
                    continue
                await self.bot.press(found[0], found[1], user=user, lang=lang)
                await self.bot.idle(0.3)
                sent = [c for c in emulator.calls[mark:] if c.method in ("sendMessage", "editMessageText")]
                if sent:
                    last = sent[-1] if sent[-1].method == "sendMessage" else last
                    reply_text = "\n".join(c.text or "" for c in sent)
            else:
                if "location" in turn:
                    fields = location_fields(*turn["location"])
                else:
                    kind = next(k for k in ("voice", "photo", "sticker") if k in turn)
                    fields = SAMPLE_ATTACHMENTS[kind]
                emulator.attachment(user, fields, language_code=lang)
                last = await emulator.wait_for(
                    lambda c: c.method == "sendMessage" and c.chat_id == user, after=mark
                )
                reply_text = last.text or ""
            outcome.misses += [f"turn {n}: {m}" for m in self.check(expect, reply_text, lang)]
            history.extend(
                c for c in emulator.calls[mark:] if c.method == "sendMessage" and c.chat_id == user
            )
        return outcome

    def check(self, expect: dict[str, Any], text: str, user_lang: str) -> list[str]:
        misses: list[str] = []
        reply_lang = expect.get("reply_lang")
        langs = [reply_lang] if reply_lang else list(LANGS)
        kind = expect.get("kind")
        if kind == "rule":
            rule = expect.get("rule")
            if rule == "directory":
                if not re.search(r"<b>\d+\. ", text):
                    misses.append("expected organizations (the directory)")
            elif rule and not self._verdict_in(text, rule, langs):
                misses.append(f"expected rule {rule} ({'/'.join(langs)})")
            also = expect.get("also") or []
            for second in [also] if isinstance(also, str) else also:  # a rule id, or a list of them
                if not self._verdict_in(text, second, langs):
                    misses.append(f"expected also {second}")
        elif kind in KIND_MARKERS:
            if not any(self._in_any(text, m, langs) for m in KIND_MARKERS[kind]):
                misses.append(f"expected {kind} ({'/'.join(langs)})")
        elif kind == "other_language":
            if not all(name in text for name in ("English", "Español", "Français", "Português")):
                misses.append("expected the list of languages read")
        elif kind == "organizations" and not re.search(r"<b>\d+\. ", text):
            misses.append("expected organization cards")
        if expect.get("orgs_any") and not any(self._shows(text, o) for o in expect["orgs_any"]):
            misses.append(f"expected one of {expect['orgs_any']}")
        for country in expect.get("orgs_not_from", []):
            shown = [
                o.id
                for o in self.orgs.values()
                if o.kind in ("national", "local") and country in o.countries and self._shows(text, o.id)
            ]
            if shown:
                misses.append(f"organizations of {country} shown: {shown}")
        if expect.get("says_no_org_here") and not any(self._in_any(text, m, langs) for m in NOBODY_HERE):
            misses.append("expected 'no organization of that sector there'")
        if expect.get("says_place_unknown") and not self._in_any(text, PLACE_UNKNOWN, langs):
            misses.append("expected the unrecognized place to be said so")
        return misses

    def _verdict_in(self, text: str, rule_id: str, langs: Iterable[str]) -> bool:
        rule = self.rules.get(rule_id)
        return rule is not None and any(rule.text(lang).verdict_line in text for lang in langs)
