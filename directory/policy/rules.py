"""Policy rules as data: seeded from a versioned file, edited by admins, every version kept.

The seed (`data/policy_rules.json`, with a "version") is applied at start: new rules are added,
and a newer seed version updates rules that no admin has edited, so a deploy never clobbers an
admin's wording. Each stored change appends a full snapshot to `policy_rule_versions`.

An admin's edit is checked here, not in the bot: the text limits and required parts
(`parse_part`), and the version the admin saw (`expected_version`), compared inside the writing
transaction so two admins saving at once never both win: the second gets `ChangedMeanwhile`
with the rule as it is now. After every stored change the listeners (the live engine) get the
new rules, so answers use an edit at once.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from importlib import resources
from typing import Any, Literal, cast

import aiosqlite

from directory.db import Database, utcnow
from directory.fields import CLEAR, FieldError, clean_text
from directory.outcomes import ChangedMeanwhile

Verdict = Literal["no", "yes", "sometimes", "not_applicable"]
RefersTo = Literal["networks", "members", "both", "none"]
VERDICTS: tuple[Verdict, ...] = ("no", "yes", "sometimes", "not_applicable")
REFERS_TO: tuple[RefersTo, ...] = ("networks", "members", "both", "none")
TEXT_FIELDS = ("verdict_line", "why", "instead")
SEED_WHO = "seed"
DEFAULT_LANG = "en"
TEXT_LIMITS: Mapping[str, int] = {"verdict_line": 300, "why": 1500, "instead": 1500}
REQUIRED_FIELDS = frozenset({"verdict_line", "why"})


class RuleError(ValueError):
    """An edit the rules cannot take (unknown rule, verdict or field); the message says which."""


@dataclass(frozen=True)
class RuleText:
    """One language's answer: the verdict in a line, why, and what to do instead."""

    verdict_line: str
    why: str
    instead: str


@dataclass(frozen=True)
class Rule:
    id: str
    verdict: Verdict
    refers_to: RefersTo
    links: tuple[str, ...]
    texts: Mapping[str, RuleText]
    version: int = 1
    updated_at: str = ""
    updated_by: str = SEED_WHO

    def text(self, lang: str) -> RuleText:
        """The answer in `lang`, else English (every seeded rule has English)."""
        return self.texts.get(lang) or self.texts[DEFAULT_LANG]

    def content(self) -> dict[str, Any]:
        """What a version snapshot stores (and what decides whether anything changed)."""
        return {
            "verdict": self.verdict,
            "refers_to": self.refers_to,
            "links": list(self.links),
            "text": {lang: vars(t) for lang, t in sorted(self.texts.items())},
        }


@dataclass(frozen=True)
class RuleVersion:
    """One stored version: who changed the rule and when, and the rule before and after."""

    rule_id: str
    version: int
    who: str
    at: str
    before: Rule | None
    after: Rule


def _rule_from(rule_id: str, data: Mapping[str, Any], **meta: Any) -> Rule:
    verdict, refers_to = data["verdict"], data["refers_to"]
    if verdict not in VERDICTS or refers_to not in REFERS_TO:
        raise RuleError(f"rule {rule_id!r}: bad verdict {verdict!r} or refers_to {refers_to!r}")
    texts = {
        lang: RuleText(**{f: str(t[f]) for f in TEXT_FIELDS}) for lang, t in data["text"].items()
    }
    return Rule(rule_id, verdict, refers_to, tuple(data.get("links", ())), texts, **meta)


def parse_part(part: str, raw: str) -> str:
    """The new text for one part of an answer (`-` empties an optional part); `FieldError`."""
    if part not in TEXT_LIMITS:
        raise FieldError("unknown_field")
    if raw.strip() == CLEAR:
        if part in REQUIRED_FIELDS:
            raise FieldError("required")
        return ""
    text = clean_text(raw, TEXT_LIMITS[part], multiline=part != "verdict_line")
    if not text:
        raise FieldError("empty")
    return text


def changed_languages(before: Rule | None, after: Rule) -> frozenset[str]:
    """The languages whose readers see something new in `after`: every language when the
    verdict or the links changed, else those whose text changed."""
    if before is None or before.verdict != after.verdict or before.links != after.links:
        return frozenset(after.texts)
    return frozenset(
        lang for lang, text in after.texts.items() if before.texts.get(lang) != text
    )


def read_seed(text: str | None = None) -> tuple[int, list[Rule]]:
    """The seed file's version and rules (the bundled file unless `text` is given)."""
    if text is None:
        text = (resources.files("directory.data") / "policy_rules.json").read_text(encoding="utf-8")
    data = json.loads(text)
    return int(data["version"]), [_rule_from(r["id"], r) for r in data["rules"]]


def _edited(
    old: Rule, verdict: str | None, lang: str | None, text: RuleText | Mapping[str, str] | None
) -> Rule:
    """`old` with a new verdict and/or a new text in one language; `RuleError` on bad input."""
    new = old
    if verdict is not None:
        if verdict not in VERDICTS:
            raise RuleError(f"verdict must be one of {', '.join(VERDICTS)}")
        new = replace(new, verdict=verdict)
    if text is not None:
        if lang is None:
            raise RuleError("say which language the text is in")
        fields = vars(old.texts.get(lang) or old.text(DEFAULT_LANG)) | dict(
            vars(text) if isinstance(text, RuleText) else text
        )
        unknown = set(fields) - set(TEXT_FIELDS)
        if unknown:
            raise RuleError(f"unknown text fields: {', '.join(sorted(unknown))}")
        new = replace(new, texts={**old.texts, lang: RuleText(**fields)})
    return new


class PolicyRules:
    """Repository for the policy tables; the only code that writes them."""

    def __init__(self, db: Database) -> None:
        self._db = db
        self._listeners: list[Callable[[list[Rule]], None]] = []

    def on_change(self, listener: Callable[[list[Rule]], None]) -> None:
        """Call `listener` with every rule after each stored change (the live engine)."""
        self._listeners.append(listener)

    async def _changed(self) -> None:
        if self._listeners:
            rules = await self.current()
            for listener in self._listeners:
                listener(rules)

    async def load_seed(self, text: str | None = None) -> int:
        """Apply the seed; returns how many rules were added or updated (0 when up to date)."""
        version, rules = read_seed(text)
        stored = {
            row["id"]: (row["seed_version"], bool(row["admin_edited"]))
            for row in await self._db.fetchall(
                "SELECT id, seed_version, admin_edited FROM policy_rules"
            )
        }
        if all(stored.get(r.id, (0, False))[0] >= version for r in rules):
            return 0
        current = {r.id: r for r in await self.current()}
        changed = 0
        async with self._db.atomic() as conn:
            for rule in rules:
                seen = stored.get(rule.id)
                if seen is None:
                    await self._insert(conn, rule, version)
                    changed += 1
                elif seen[0] < version:
                    old = current[rule.id]
                    if not seen[1] and old.content() != rule.content():
                        await self._write(
                            conn, old, replace(rule, version=old.version + 1), SEED_WHO
                        )
                        changed += 1
                    await conn.execute(
                        "UPDATE policy_rules SET seed_version = ? WHERE id = ?", (version, rule.id)
                    )
        if changed:
            await self._db.on_commit(self._changed)
        return changed

    async def current(self) -> list[Rule]:
        """Every rule as it stands now, in seed order of insertion."""
        rows = await self._db.fetchall("SELECT * FROM policy_rules ORDER BY rowid")
        texts = await self._db.fetchall("SELECT * FROM policy_rule_texts ORDER BY rule_id, lang")
        by_rule: dict[str, dict[str, RuleText]] = {}
        for t in texts:
            by_rule.setdefault(t["rule_id"], {})[t["lang"]] = RuleText(
                t["verdict_line"], t["why"], t["instead"]
            )
        return [
            Rule(
                row["id"],
                cast(Verdict, row["verdict"]),
                cast(RefersTo, row["refers_to"]),
                tuple(json.loads(row["links"])),
                by_rule.get(row["id"], {}),
                row["version"],
                row["updated_at"],
                row["updated_by"],
            )
            for row in rows
        ]

    async def get(self, rule_id: str) -> Rule | None:
        return next((r for r in await self.current() if r.id == rule_id), None)

    async def update_rule(
        self,
        rule_id: str,
        who: str,
        verdict: str | None = None,
        lang: str | None = None,
        text: RuleText | Mapping[str, str] | None = None,
        expected_version: int | None = None,
    ) -> Rule:
        """An admin's edit: a new stored version (the seed will no longer overwrite this rule).

        `text` replaces the answer in `lang`, whole (`RuleText`) or some parts (a mapping).
        With `expected_version`, the rule must still be at that version inside the writing
        transaction, else `ChangedMeanwhile` carries the rule as it is now.
        """
        async with self._db.atomic() as conn:
            old = await self.get(rule_id)
            if old is None:
                raise RuleError(f"no rule {rule_id!r}")
            if expected_version is not None and old.version != expected_version:
                raise ChangedMeanwhile(old)
            new = _edited(old, verdict, lang, text)
            if new.content() == old.content():
                return old
            new = replace(new, version=old.version + 1)
            await self._write(conn, old, new, who)
            await conn.execute("UPDATE policy_rules SET admin_edited = 1 WHERE id = ?", (rule_id,))
        await self._db.on_commit(self._changed)
        return await self.get(rule_id) or new

    async def version(self, rule_id: str, version: int) -> RuleVersion | None:
        """One stored version with the one before it."""
        found = [v for v in await self.versions(rule_id) if v.version == version]
        return found[0] if found else None

    async def versions(self, rule_id: str) -> list[RuleVersion]:
        """Every stored version of the rule, oldest first, each with the one before it."""
        rows = await self._db.fetchall(
            "SELECT version, snapshot, who, at FROM policy_rule_versions WHERE rule_id = ? "
            "ORDER BY version",
            (rule_id,),
        )
        out: list[RuleVersion] = []
        before: Rule | None = None
        for row in rows:
            after = _rule_from(
                rule_id,
                json.loads(row["snapshot"]),
                version=row["version"],
                updated_at=row["at"],
                updated_by=row["who"],
            )
            out.append(RuleVersion(rule_id, row["version"], row["who"], row["at"], before, after))
            before = after
        return out

    # --- writes (inside a transaction) -------------------------------------------------------
    async def _insert(self, conn: aiosqlite.Connection, rule: Rule, seed_version: int) -> None:
        now = utcnow()
        await conn.execute(
            "INSERT INTO policy_rules (id, verdict, refers_to, links, version, seed_version, "
            "updated_at, updated_by) VALUES (?, ?, ?, ?, 1, ?, ?, ?)",
            (
                rule.id,
                rule.verdict,
                rule.refers_to,
                json.dumps(list(rule.links)),
                seed_version,
                now,
                SEED_WHO,
            ),
        )
        await self._write_texts(conn, rule)
        await self._snapshot(conn, replace(rule, version=1), SEED_WHO, now)

    async def _write(self, conn: aiosqlite.Connection, old: Rule, new: Rule, who: str) -> None:
        now = utcnow()
        await conn.execute(
            "UPDATE policy_rules SET verdict = ?, refers_to = ?, links = ?, version = ?, "
            "updated_at = ?, updated_by = ? WHERE id = ? AND version = ?",
            (
                new.verdict,
                new.refers_to,
                json.dumps(list(new.links)),
                new.version,
                now,
                who,
                old.id,
                old.version,
            ),
        )
        await conn.execute("DELETE FROM policy_rule_texts WHERE rule_id = ?", (old.id,))
        await self._write_texts(conn, new)
        await self._snapshot(conn, new, who, now)

    @staticmethod
    async def _write_texts(conn: aiosqlite.Connection, rule: Rule) -> None:
        await conn.executemany(
            "INSERT INTO policy_rule_texts (rule_id, lang, verdict_line, why, instead) "
            "VALUES (?, ?, ?, ?, ?)",
            [(rule.id, lang, t.verdict_line, t.why, t.instead) for lang, t in rule.texts.items()],
        )

    @staticmethod
    async def _snapshot(conn: aiosqlite.Connection, rule: Rule, who: str, at: str) -> None:
        await conn.execute(
            "INSERT INTO policy_rule_versions (rule_id, version, snapshot, who, at) "
            "VALUES (?, ?, ?, ?, ?)",
            (rule.id, rule.version, json.dumps(rule.content(), ensure_ascii=False), who, at),
        )
