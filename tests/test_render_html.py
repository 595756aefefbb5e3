"""Rendering never breaks Telegram's HTML: whatever the fields hold and however long they are,
a reply is within 4,096 characters (as Telegram counts) and every tag is balanced."""

from __future__ import annotations

import re
from html import unescape
from html.parser import HTMLParser

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot import cards
from bot.i18n import Catalogs
from bot.render import MAX_TEXT, clip, h, visible_length
from directory.organizations import KINDS, Organization

TELEGRAM_TAGS = {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "a", "code", "pre", "span", "tg-spoiler", "blockquote", "tg-emoji"}
CATALOGS = Catalogs()


class StrictChecker(HTMLParser):
    """Parses like Telegram would refuse: unknown tags, unbalanced or crossed tags, bad entities."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.stack: list[str] = []
        self.problems: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in TELEGRAM_TAGS:
            self.problems.append(f"unknown tag {tag}")
        self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.problems.append(f"unbalanced </{tag}> with {self.stack}")
        else:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    def handle_entityref(self, name: str) -> None:
        if name not in ("lt", "gt", "amp", "quot"):
            self.problems.append(f"entity &{name};")
        self.text.append(unescape(f"&{name};"))

    def handle_charref(self, name: str) -> None:
        self.text.append(unescape(f"&#{name};"))


def assert_valid_telegram_html(markup: str) -> None:
    checker = StrictChecker()
    checker.feed(markup)
    checker.close()
    assert not checker.problems, checker.problems
    assert not checker.stack, f"left open: {checker.stack}"
    assert re.search(r"&(?![A-Za-z]{2,8};|#[0-9]+;|#[xX][0-9a-fA-F]+;)", markup) is None, "a bare &"
    shown = "".join(checker.text)
    assert len(shown.encode("utf-16-le", "surrogatepass")) // 2 <= MAX_TEXT
    assert visible_length(markup) <= MAX_TEXT


_any_text = st.text(st.characters(codec="utf-8"), max_size=300)
_huge = st.integers(min_value=4_000, max_value=30_000).map(lambda n: "<b>&amp;" * (n // 8))
_field = st.one_of(_any_text, _huge, st.sampled_from(["", "😀" * 5000, "<script>", "&amp;" * 3000, "a\nb" * 2000]))


@st.composite
def organizations(draw: st.DrawFn) -> Organization:
    return Organization(
        id="x",
        name=draw(_field) or "N",
        kind=draw(st.sampled_from(KINDS)),
        acronym=draw(_field),
        city=draw(_field),
        website=draw(_field),
        members=draw(_field),
        members_as_of=draw(_any_text),
        sources=draw(_field),
        founded=draw(st.none() | st.integers(1800, 2025)),
        countries=tuple(draw(st.lists(st.sampled_from(["KE", "BR", "IN", "*"]), max_size=3))),
        sectors=("waste_pickers",),
        summaries=(("en", draw(_field)), ("fr", draw(_field))),
    )


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(organizations(), st.sampled_from(["en", "es", "fr", "pt"]))
def test_details_of_any_organization_are_valid_html_within_the_limit(org: Organization, lang: str) -> None:
    t = CATALOGS.translator(lang)
    markup = clip(cards.details(t, org, parent=None, bot_username="wiego_bot"))
    assert_valid_telegram_html(markup)
    assert_valid_telegram_html(clip(cards.card(t, org, 1)))


_TAG_NAMES = st.sampled_from(["b", "i", "u", "s", "code", "tg-spoiler"])


@st.composite
def markup(draw: st.DrawFn, depth: int = 0) -> str:
    """Balanced HTML as the renderer builds it: escaped text inside nested tags, and links."""
    parts = []
    for _ in range(draw(st.integers(0, 4))):
        choice = draw(st.integers(0, 3 if depth < 3 else 1))
        if choice == 0:
            parts.append(h(draw(_any_text)))
        elif choice == 1:
            parts.append(h(draw(st.text(max_size=2000))) + "\n")
        elif choice == 2:
            tag = draw(_TAG_NAMES)
            parts.append(f"<{tag}>{draw(markup(depth + 1))}</{tag}>")
        else:
            parts.append(f'<a href="https://example.org/?a=1&amp;b=2">{draw(markup(depth + 1))}</a>')
    return "".join(parts)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.lists(markup(), min_size=1, max_size=8), st.integers(min_value=2, max_value=MAX_TEXT))
def test_clip_keeps_any_markup_balanced_and_within_any_limit(blocks: list[str], limit: int) -> None:
    original = "\n".join(blocks)
    clipped = clip(original, limit)
    checker = StrictChecker()
    checker.feed(clipped)
    checker.close()
    assert not checker.problems and not checker.stack, (checker.problems, checker.stack)
    assert visible_length(clipped) <= limit
    if visible_length(original) <= limit:
        assert clipped == original
    else:  # what is shown is the start of what was meant, then an ellipsis
        shown = "".join(checker.text)
        assert shown.endswith("…")
        whole = StrictChecker()
        whole.feed(original)
        assert "".join(whole.text).startswith(shown[:-1])


def test_a_huge_name_is_clipped_outside_its_tag() -> None:
    t = CATALOGS.translator("en")
    org = Organization(id="big", name="N" * 100_000, kind="local", summaries=(("en", "S" * 100_000),))
    markup = clip(cards.details(t, org, parent=None, bot_username="wiego_bot"))
    assert_valid_telegram_html(markup)
    assert markup.startswith("<b>NNN") and markup.endswith("…</b>")


def test_the_text_limit_is_telegrams() -> None:
    """`bot.render` keeps its own copy of the limit so that composing never imports Telegram."""
    from telegram.constants import MessageLimit

    assert MAX_TEXT == MessageLimit.MAX_TEXT_LENGTH
