"""The reply to a question, composed without Telegram: the verdict, "You also asked", the
organizations, the buttons, in the language the message is written in.

The chat handler (`bot/handlers/ask.py`) sends what `reply_to` composes; `main.py ask` prints
the same reply, so both say the same thing for the same text, and `ask` never loads Telegram.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot import callbacks, labels, referral_view
from bot.i18n import Catalogs, Translator
from bot.keyboard import Button, Row, Rows, with_row
from bot.referral_view import place_name
from bot.render import MAX_TEXT, clip, h
from bot.results_view import results_message, understood_line
from bot.services import Services
from bot.votes import NO_RULE, feedback_row
from directory import gate
from directory.policy.answer import Answer
from directory.policy.rules import Rule

MAX_QUESTION = MAX_TEXT  # a whole Telegram message is read


@dataclass(frozen=True)
class Reply:
    """What to send: Telegram HTML, buttons, the translator it is written with, and the answer
    it renders (None when the message had no words to read)."""

    text: str
    rows: Rows | None
    t: Translator
    answer: Answer | None


async def reply_to(
    services: Services, t: Translator, question: str, chat: int | None, *, record_unanswered: bool = True
) -> Reply:
    """The reply to `question` from a person whose interface speaks `t`.

    With a `chat`, the chat's memory is read and kept: its last subject (so "and in Ghana?"
    follows up) and the language it was last clearly written in (so "gracias" stays in
    Spanish). Without one (`main.py ask`), every question stands alone.
    """
    question = gate.clean(question, multiline=True)  # the text gate: no control or stray invisible characters
    if not question:
        return Reply(h(t._("I can only read text. Please write your question in words.")), None, t, None)
    previous = services.subjects.get(chat) if chat is not None else None
    answer = await services.policy.answer(question[:MAX_QUESTION], previous)
    if answer.cues.language.verdict == "other" and answer.followup is None:
        text, rows = other_language_reply(t, services.catalogs)
        return Reply(text, rows, t, answer)
    if answer.subject is not None and chat is not None:
        services.subjects.remember(chat, answer.subject)
    chat_language = (services.chat_languages.get(chat) if chat is not None else None) or t.locale
    language = answer.reply_language(services.catalogs.codes, chat_language)
    if answer.cues.language.verdict == "ours" and chat is not None:
        services.chat_languages.remember(chat, language)
    switched = language if language != t.locale else None
    if switched is not None:
        t = services.catalogs.translator(language)
    text, composed = await compose_answer(t, services, question, answer, switched, record_unanswered)
    return Reply(text, composed, t, answer)


def rule_text(t: Translator, rule: Rule) -> str:
    """Verdict, why, what to do instead, links: the rule's stored text in the reader's language."""
    text = rule.text(t.locale)
    lines = [f"<b>{h(text.verdict_line)}</b>", h(text.why)]
    if text.instead:
        lines.append(h(text.instead))
    lines += [f"🔗 {h(link)}" for link in rule.links]
    return "\n".join(lines)


def off_topic_text(t: Translator) -> str:
    return "\n".join(
        [
            "<b>" + h(t._("I found nothing in WIEGO’s policy about this, so I won’t guess.")) + "</b>",
            h(
                t._(
                    "WIEGO supports organizations of informal workers and produces research, "
                    "statistics and policy analysis with them."
                )
            ),
            h(
                t._(
                    "It is not a funder and not a gatekeeper; to reach workers’ organizations "
                    "directly, search the directory."
                )
            ),
        ]
    )


def search_directory_row(t: Translator) -> Row:
    return [Button("🔎 " + t._("Search the directory"), callbacks.pack("d"))]


def also_asked(t: Translator, rule: Rule) -> str:
    """ "You also asked: <topic>" and the second rule's text."""
    heading = t._("You also asked:") + " " + labels.topic(t, rule.id)
    return f"\n<b>{h(heading)}</b>\n{rule_text(t, rule)}"


async def answer_text(t: Translator, services: Services, answer: Answer) -> tuple[str, Rows]:
    """A policy answer: the first verdict, its organizations, the second ask, the buttons."""
    rows: Rows = []
    if not answer.rules:
        return off_topic_text(t), [search_directory_row(t), feedback_row(t, NO_RULE)]
    best = answer.rules[0].rule
    parts = [rule_text(t, best)]
    cards: list[str] = []
    if answer.referral is not None and answer.referral.organizations:
        question = answer.question[:MAX_QUESTION]
        cards, more = await referral_view.answer_block(t, services, answer.referral, question)
        rows += more
    # the organizations follow the ask they answer: the second when the first refers to no one
    cards_after_second = answer.second_ask is not None and best.refers_to == "none"
    if not cards_after_second:
        parts += cards
    if answer.second_ask is not None:
        parts.append(also_asked(t, answer.second_ask.rule))
    if cards_after_second:
        parts += cards
    if answer.close_second is not None:
        second = answer.close_second.rule.id
        label = t._("Also: %(topic)s", topic=labels.topic(t, second))
        rows.append([Button(label, callbacks.pack("r", second))])
    rows.append(feedback_row(t, best.id))
    return clip("\n".join(parts)), rows


def followup_line(t: Translator, answer: Answer) -> str:
    """ "Understood: Street vendors, Ghana": what a follow-up was read as."""
    if answer.followup is None:
        return ""
    places = [place_name(t, p) for p in answer.followup.places]
    return understood_line(t, answer.followup.sectors, places)


def keep_language_row(t: Translator, catalogs: Catalogs, code: str) -> Row:
    name = catalogs.native_name(code)
    return [Button("🌐 " + t._("Keep %(language)s from now on", language=name), callbacks.pack("kl", code))]


async def compose_answer(
    t: Translator,
    services: Services,
    question: str,
    answer: Answer,
    switched: str | None = None,
    record_unanswered: bool = True,
) -> tuple[str, Rows | None]:
    """The reply to a question, text and buttons (records an unanswered one on the way)."""
    if answer.smalltalk:
        return smalltalk_text(t, thanks=answer.thanks), None
    if not answer.rules and record_unanswered:
        await services.feedback.record_unanswered(question[:MAX_QUESTION])
    keep = keep_language_row(t, services.catalogs, switched) if switched else None
    unknown_place = answer.followup is not None and bool(answer.followup.unrecognized)
    if answer.rules and answer.rules[0].rule.id == "directory" and not unknown_place:
        if answer.followup is not None:  # the subject's filters, not the follow-up's words
            saved = await services.saved_searches.save(
                "",
                sectors=frozenset(answer.followup.sectors),
                countries=frozenset(
                    c for p in answer.followup.places if p.kind != "region" for c in p.countries
                ),
                regions=frozenset(p.code for p in answer.followup.places if p.kind == "region"),
            )
        else:
            saved = await services.saved_searches.save(question[:300])
        text, rows = await results_message(t, services, saved, 0)
        if answer.second_ask is not None:
            text = clip(text + "\n" + also_asked(t, answer.second_ask.rule))
        return text, with_row(with_row(rows, feedback_row(t, "directory")), keep)
    text, rows = await answer_text(t, services, answer)
    understood = followup_line(t, answer)
    if understood:
        text = clip(f"<i>{h(understood)}</i>\n{text}")
    return text, with_row(rows, keep)


def smalltalk_text(t: Translator, *, thanks: bool = False) -> str:
    """A greeting, thanks, "who are you?": a friendly word, what to ask, and /language."""
    hello = t._("Hello! I tell you whether WIEGO can help with what you need, and who can if it can't.")
    welcome = t._("You're welcome! Ask me again whenever you need to.")
    return "\n".join(
        [
            h(welcome if thanks else hello),
            h(t._("Ask me in your own words, for example:")),
            "• " + h(t._("Can WIEGO fund our cooperative?")),
            "• " + h(t._("Street vendors' organizations in Kenya")),
            "• " + h(t._("I'm a student: can you put me in touch with waste pickers in Brazil?")),
            h(t._("/language changes my language; /help lists everything.")),
        ]
    )


def other_language_reply(t: Translator, catalogs: Catalogs) -> tuple[str, Rows]:
    """A message in a language the bot does not read: say which it reads, here and in English."""
    names = ", ".join(info.native_name for info in catalogs.ordered())
    lines = [h(t._("I can only read these languages: %(languages)s.", languages=names))]
    english = catalogs.translator("en")
    if t.locale != english.locale:
        lines.append(h(english._("I can only read these languages: %(languages)s.", languages=names)))
    lines.append(h(t._("You can also search the directory of workers' organizations.")))
    return "\n".join(lines), [search_directory_row(t)]
