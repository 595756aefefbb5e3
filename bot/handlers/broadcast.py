"""The admins' /broadcast and /broadcasts.

Composing is a conversation (a `Draft`, kept in the database, so /cancel ends it and a restart
does not): the admin sends the default-language text, adds other languages with the buttons
under the preview (one message per language; a missing language falls back to the default),
then sends. "Send" is claimed once in the transaction that writes the broadcast and its whole
outbox: a second press, even at the same moment, is told it was done. `bot.delivery` does the
sending and edits the progress message.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.callbacks import CallbackData
from bot.delivery import BroadcastCancel, WorkerHooks, counts_line
from bot.flow.state import Draft
from bot.flow.steps import ConversationButton, Refused, Stale, Step, admin_step, install
from bot.i18n import N_
from bot.render import MAX_TEXT, h
from directory.outbox import Broadcast, Counts

PAGE_SIZE = 5
PREVIEW_SNIPPET = 300  # characters of each text shown when the full preview would be too long
_TAG = re.compile(r"<[^>]+>")

STATUS_LABELS = {
    "queued": N_("queued"),
    "running": N_("sending"),
    "done": N_("finished"),
    "cancelled": N_("cancelled"),
}


@dataclass(frozen=True)
class DraftLanguage(ConversationButton, prefix="dl"):
    locale: str


class DraftAudience(ConversationButton, prefix="da"):
    pass


class DraftSend(ConversationButton, prefix="ds", once=True, group="draft"):
    pass


class DraftDiscard(ConversationButton, prefix="dd", once=True, group="draft"):
    pass


@dataclass(frozen=True)
class BroadcastPage(CallbackData, prefix="bcl"):
    page: int


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _plain(text: str) -> str:
    return html.unescape(_TAG.sub("", text))


def offline_delivery(step: Step[Any], total: int) -> str:
    """In the terminal chat: where and when a broadcast will really be delivered ("" on Telegram)."""
    database = step.context.bot_data.offline_database
    if not database:
        return ""
    return step.t.ngettext(
        "Offline chat: nothing is sent from here. The broadcast waits in the outbox of %(database)s "
        "and goes to its %(n)s subscriber on Telegram the next time the bot runs with a token "
        "(python main.py run).",
        "Offline chat: nothing is sent from here. The broadcast waits in the outbox of %(database)s "
        "and goes to its %(n)s subscribers on Telegram the next time the bot runs with a token "
        "(python main.py run).",
        total,
        database=database,
    )


def _language_name(step: Step[Any], code: str) -> str:
    return next((i.native_name for i in step.services.catalogs.ordered() if i.code == code), code)


# --- composing -----------------------------------------------------------------------------
@admin_step(command="broadcast", pending=Draft, action="broadcast:start")
async def broadcast(step: Step[None]) -> None:
    t = step.t
    draft = Draft(default_locale=step.services.catalogs.default)
    draft.awaiting = draft.default_locale
    await step.save(draft)
    count = await step.services.subscriptions.count()
    lines = [
        t.ngettext("New broadcast to %(n)s subscriber.", "New broadcast to %(n)s subscribers.", count),
        t._(
            "Send the message in %(language)s, the default language; you can add other "
            "languages next. /cancel stops.",
            language=_language_name(step, draft.default_locale),
        ),
    ]
    step.reply(h("\n".join(lines)))


@admin_step(text=Draft, action="broadcast:text")
async def compose_text(step: Step[None]) -> None:
    """The text for the language asked for."""
    draft, t = step.pending(Draft), step.t
    if draft.awaiting is None:
        raise Refused(t._("Use the buttons under the preview to add a language or to send it, or /cancel."))
    message = step.message
    plain = step.text
    if _utf16_len(plain) > MAX_TEXT:
        raise Refused(
            t._(
                "That message is too long (%(length)s characters; Telegram allows %(limit)s). "
                "Please send a shorter one.",
                length=t.number(_utf16_len(plain)),
                limit=t.number(MAX_TEXT),
            )
        )
    draft.texts[draft.awaiting] = message.text_html if message is not None else h(plain)
    draft.plain[draft.awaiting] = plain
    draft.awaiting = None
    draft.version += 1
    await step.save(draft)
    step.reply(*await _preview(step, draft))


async def start_prefilled(step: Step[Any], draft: Draft) -> None:
    """A draft already holding its texts (Telegram HTML per locale), shown as a preview:
    the admin reviews it, adds or changes languages, then sends it."""
    draft.plain = {code: _plain(text) for code, text in draft.texts.items()}
    draft.version = 1
    await step.save(draft)
    step.reply(*await _preview(step, draft))


def _shown(draft: Draft) -> list[str]:
    """The languages whose text goes out."""
    locales = draft.locales
    return [code for code in draft.texts if locales is None or code in locales]


async def _preview(step: Step[Any], draft: Draft) -> tuple[str, InlineKeyboardMarkup]:
    """Each language's text and how many subscribers read it, with the draft's buttons."""
    t = step.t
    catalogs = step.services.catalogs
    shown = _shown(draft)
    locales = draft.locales
    recipients: dict[str, int] = {}
    for locale, n in (await step.services.subscriptions.count_by_locale()).items():
        if locales is not None and locale not in locales:
            continue
        key = locale if locale in draft.texts else draft.default_locale
        recipients[key] = recipients.get(key, 0) + n
    total = sum(recipients.values())
    names = {info.code: info.native_name for info in catalogs.ordered()}
    offline = offline_delivery(step, total)

    def render(snippet: int | None) -> str:
        lines = [
            "<b>" + h(t._("Preview of the broadcast")) + "</b>",
            h(t.ngettext("It goes to %(n)s subscriber.", "It goes to %(n)s subscribers.", total)),
        ]
        if offline:
            lines.append(h(offline))
        if draft.changed is not None:
            lines.append(h(_changes_line(step, draft, names)))
        for info in catalogs.ordered():
            if info.code not in shown:
                continue
            who = t.ngettext("%(n)s recipient", "%(n)s recipients", recipients.get(info.code, 0))
            if info.code == draft.default_locale and locales is None:
                label = t._(
                    "%(language)s (default, also for languages without a text): %(recipients)s",
                    language=info.native_name,
                    recipients=who,
                )
            else:
                label = t._("%(language)s: %(recipients)s", language=info.native_name, recipients=who)
            body = draft.texts[info.code] if snippet is None else h(draft.plain[info.code][:snippet]) + "…"
            lines += ["", f"<b>{h(label)}</b>", body]
        missing = [names[code] for code in names if code not in draft.texts]
        if missing and locales is None:
            default_name = names.get(draft.default_locale, draft.default_locale)
            lines += [
                "",
                h(
                    t._(
                        "Without a text of their own (they get the %(language)s text): %(languages)s",
                        language=default_name,
                        languages=", ".join(missing),
                    )
                ),
            ]
        return "\n".join(lines)

    text = render(None)
    if _utf16_len(text) > MAX_TEXT:
        text = render(PREVIEW_SNIPPET)
    return text, _draft_keyboard(step, draft, total)


def _changes_line(step: Step[Any], draft: Draft, names: dict[str, str]) -> str:
    t = step.t
    changed = [names.get(code, code) for code in draft.changed or []]
    same = [names.get(code, code) for code in draft.texts if code not in (draft.changed or [])]
    line = t._("Changed in this version: %(languages)s.", languages=", ".join(changed))
    if not same:
        return line
    line += " " + t._("Not changed: %(languages)s.", languages=", ".join(same))
    if draft.everyone:
        return line + " " + t._("Their subscribers get it too, as you chose.")
    return line + " " + t._("Their subscribers get nothing: they have nothing new to read.")


def _draft_keyboard(step: Step[Any], draft: Draft, total: int) -> InlineKeyboardMarkup:
    t = step.t
    token, version = draft.token, draft.version
    buttons = [
        InlineKeyboardButton(
            ("✏️ " if info.code in draft.texts else "➕ ") + info.native_name,
            callback_data=DraftLanguage(token, version, info.code).pack(),
        )
        for info in step.services.catalogs.ordered()
        if draft.locales is None or info.code in draft.locales
    ]
    rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    if draft.changed is not None and set(draft.changed) != set(draft.texts):
        label = t._("Only the changed languages") if draft.everyone else t._("Send to every language")
        rows.append([InlineKeyboardButton("🔁 " + label, callback_data=DraftAudience(token, version).pack())])
    rows.append(
        [
            InlineKeyboardButton(
                "✅ " + t.ngettext("Send to %(n)s subscriber", "Send to %(n)s subscribers", total),
                callback_data=DraftSend(token, version).pack(),
            ),
            InlineKeyboardButton("🗑 " + t._("Discard"), callback_data=DraftDiscard(token, version).pack()),
        ]
    )
    return InlineKeyboardMarkup(rows)


@admin_step(button=DraftLanguage, pending=Draft, action="broadcast:language")
async def language_pressed(step: Step[DraftLanguage]) -> None:
    draft, locale = step.pending(Draft), step.data.locale
    if locale not in step.services.catalogs.codes:
        raise Stale
    draft.awaiting = locale
    draft.version += 1  # the preview's other buttons are now stale
    await step.save(draft)
    step.show(
        h(step.t._("Send the message in %(language)s. /cancel stops.", language=_language_name(step, locale)))
    )


@admin_step(button=DraftAudience, pending=Draft, action="broadcast:audience")
async def audience_pressed(step: Step[DraftAudience]) -> None:
    draft = step.pending(Draft)
    draft.everyone = not draft.everyone
    draft.version += 1
    await step.save(draft)
    step.show(*await _preview(step, draft))


@admin_step(button=DraftSend, pending=Draft, action="broadcast:send")
async def send_pressed(step: Step[DraftSend]) -> None:
    draft, t, services = step.pending(Draft), step.t, step.services
    if await services.subscriptions.count() == 0:
        raise Refused(t._("Nobody is subscribed yet: there is no one to send it to."))
    message = step.message
    queued = await services.outbox.create(
        created_by=step.user_id,
        texts={code: draft.texts[code] for code in {*_shown(draft), draft.default_locale}},
        default_locale=draft.default_locale,
        progress_locale=t.locale,
        progress_chat_id=step.chat_id,
        progress_message_id=message.message_id if message is not None else None,
        locales=draft.locales,
        notify=False,
    )
    await step.drop()
    step.log_done("broadcast %s queued for %s recipients", queued.id, queued.total)
    step.answer(t._("Queued."))
    # The preview becomes the progress message, edited by the worker once it is woken.
    note = offline_delivery(step, queued.total)
    step.show(h(t._("📣 The broadcast is queued.")) + (f"\n{h(note)}" if note else ""))
    step.later(services.outbox.wake)


@admin_step(button=DraftDiscard, pending=Draft, action="broadcast:discard")
async def discard_pressed(step: Step[DraftDiscard]) -> None:
    await step.abandon()
    step.show(h(step.t._("Discarded. Nothing was sent.")))


@admin_step(button=BroadcastCancel, action="broadcast:cancel")
async def cancel_pressed(step: Step[BroadcastCancel]) -> None:
    """The ⏹ button under a progress message or in /broadcasts."""
    t, broadcast_id = step.t, step.data.broadcast
    if not await step.services.outbox.cancel(broadcast_id):
        raise Refused(t._("Broadcast #%(id)s is not running any more.", id=broadcast_id))
    step.log_done("broadcast %s cancelled", broadcast_id)
    step.answer(t._("Cancelling broadcast #%(id)s…", id=broadcast_id))


# --- past broadcasts -----------------------------------------------------------------------
def _snippet(broadcast: Broadcast, limit: int = 80) -> str:
    plain = " ".join(_plain(broadcast.texts.get(broadcast.default_locale, "")).split())
    return plain if len(plain) <= limit else plain[: limit - 1] + "…"


async def _listing(step: Step[Any], page: int) -> tuple[str, InlineKeyboardMarkup | None]:
    t = step.t
    outbox = step.services.outbox
    total = await outbox.count()
    if total == 0:
        return h(t._("No broadcasts yet.")), None
    pages = (total + PAGE_SIZE - 1) // PAGE_SIZE
    page = min(max(page, 0), pages - 1)
    items = await outbox.page(page * PAGE_SIZE, PAGE_SIZE)
    counts: dict[int, Counts] = await outbox.counts_of(b.id for b in items)
    title = t._("Broadcasts (page %(page)s of %(pages)s)", page=t.number(page + 1), pages=t.number(pages))
    lines = [f"<b>{h(title)}</b>"]
    rows: list[list[InlineKeyboardButton]] = []
    for b in items:
        status = t._(STATUS_LABELS.get(b.status, b.status))
        lines += [
            "",
            f"<b>#{b.id}</b> · {h(t.date(b.created_at))} · {h(status)}",
            h(counts_line(t, counts[b.id], b.total)),
            f"<i>{h(_snippet(b))}</i>",
        ]
        if b.active:
            cancel = BroadcastCancel(b.id).pack()
            rows.append([InlineKeyboardButton("⏹ " + t._("Cancel #%(id)s", id=b.id), callback_data=cancel)])
    nav: list[InlineKeyboardButton] = []
    if page > 0:
        nav.append(InlineKeyboardButton("◀ " + t._("Newer"), callback_data=BroadcastPage(page - 1).pack()))
    if page + 1 < pages:
        nav.append(InlineKeyboardButton(t._("Older") + " ▶", callback_data=BroadcastPage(page + 1).pack()))
    if nav:
        rows.append(nav)
    return "\n".join(lines), InlineKeyboardMarkup(rows) if rows else None


@admin_step(command="broadcasts", action="broadcasts:list")
async def list_broadcasts(step: Step[None]) -> None:
    step.reply(*await _listing(step, 0))


@admin_step(button=BroadcastPage, action="broadcasts:page")
async def page_pressed(step: Step[BroadcastPage]) -> None:
    step.show(*await _listing(step, step.data.page))


ROUTES = [
    broadcast,
    compose_text,
    language_pressed,
    audience_pressed,
    send_pressed,
    discard_pressed,
    cancel_pressed,
    list_broadcasts,
    page_pressed,
]


def register(app: Any) -> None:
    install(app, ROUTES)
    hooks = WorkerHooks()
    app.bot_data.on_start.append(hooks.start)
    app.bot_data.on_stop.append(hooks.stop)
