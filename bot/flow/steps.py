"""The guarded layer every admin and member step goes through, applied once per handler.

A step is declared with what it needs, and the guard does the rest the same way everywhere:

    @admin_step(button=RuleSave, pending=RuleEdit, action="policy:save")
    async def save_pressed(step: Step[RuleSave]) -> None: ...

Before the handler runs, the guard parses the callback data (`bot.callbacks`: forged or old
data is refused), resolves the listing a button names, checks the role now (admin, editor of
that listing; rights removed mid-conversation also end the conversation), keeps private
matters private (a command used in a group answers with a button that opens a private chat
with the bot; a button or a claim link pressed in a group does nothing there), and checks the
person's conversation: a button of an older preview, or of a conversation that is over, is
"no longer valid". A press whose data class is `once=True` is claimed in the database inside
the same transaction as its writes: a repeated or concurrent press is told "Already done".

What the handler shows is queued on the `Step` and sent after its writes are committed, so
nobody is told "saved" about something that rolled back. Domain outcomes end a step the same
way everywhere: `ChangedMeanwhile` ("changed meanwhile, here is the current version", drawn by
the view registered for that record with `current_view`), `AlreadyDone`, `Refused`, `Stale`.
Every callback query is answered, whatever happened.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import ChatType, ParseMode
from telegram.error import BadRequest, TelegramError
from telegram.ext import (
    ApplicationHandlerStop,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    filters,
)

from bot.callbacks import CallbackData, CallbackDataError
from bot.context import BotContext, Services
from bot.flow.state import ListingEdit, Pending
from bot.i18n import Translator
from bot.render import h
from directory.claims import Claims
from directory.listings import NotEditor
from directory.organizations import Organization
from directory.outcomes import AlreadyDone, ChangedMeanwhile

if TYPE_CHECKING:
    from telegram.ext import Application

log = logging.getLogger(__name__)

LOCALE_GROUP = -2  # the user's language and flood control, before anything else
CONVERSATION_GROUP = -1  # a message that continues a conversation, before the features
_PAYLOAD_MAX = 64
FLUSH_SECONDS = 5  # at most this long for the writes behind the answers, before a once-step

D = TypeVar("D", bound=CallbackData | None)
P = TypeVar("P", bound=Pending)
StepHandler = Callable[["Step[Any]"], Awaitable[None]]
CurrentView = Callable[["Step[Any]", Any], Awaitable[None]]
CURRENT_VIEWS: dict[type, CurrentView] = {}


@dataclass(frozen=True)
class ConversationButton(CallbackData):
    """A button under a conversation's preview: it works only while the conversation is the
    person's current one (`token`) at the preview it was drawn with (`version`)."""

    token: str
    version: int


class Role(Enum):
    ANYONE = "anyone"
    EDITOR = "editor"  # edits the listing the step is about
    ADMIN = "admin"


class Refused(Exception):
    """The step cannot go on; `text` tells the person why (already in their language)."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.text = text


class Stale(Exception):
    """A button from an older preview, a finished conversation, or one forged."""


def current_view(record: type) -> Callable[[CurrentView], CurrentView]:
    """Register how to show `record` as it is now, after a `ChangedMeanwhile`."""

    def register(view: CurrentView) -> CurrentView:
        CURRENT_VIEWS[record] = view
        return view

    return register


def _log_refusal(action: str, user_id: int) -> None:
    """Who was refused what: the user id and the action, never what they wrote."""
    log.warning("refused %s for user %s", action, user_id, extra={"user_id": user_id, "action": action})


def _private(update: Update) -> bool:
    return update.effective_chat is not None and update.effective_chat.type == ChatType.PRIVATE


class Step(Generic[D]):
    """One guarded step: who, what was pressed or sent, and what to show once it is done."""

    def __init__(self, update: Update, context: BotContext, data: D, action: str = "") -> None:
        self.update = update
        self.context = context
        self.data = data
        self.action = action
        self.org_id: str | None = None  # the listing the button names, when it names one
        self.current: Pending | None = None
        self._effects: list[Callable[[], Awaitable[Any]]] = []
        self._answered = False

    # --- who and what -------------------------------------------------------------------
    @property
    def t(self) -> Translator:
        return self.context.t

    @property
    def services(self) -> Services:
        return self.context.services

    @property
    def user_id(self) -> int:
        user = self.update.effective_user
        assert user is not None  # the guard only runs steps of updates with a user
        return user.id

    @property
    def chat_id(self) -> int:
        chat = self.update.effective_chat
        return chat.id if chat is not None else self.user_id

    @property
    def args(self) -> list[str]:
        return list(self.context.args or [])

    @property
    def text(self) -> str:
        message = self.update.effective_message
        return (message.text or "") if message is not None else ""

    @property
    def message(self) -> Message | None:
        """The message sent, or the one the pressed button is under."""
        query = self.update.callback_query
        if query is not None:
            return query.message if isinstance(query.message, Message) else None
        return self.update.effective_message

    async def listing(self) -> Organization:
        """The listing the button (or the conversation) names, as it is now."""
        org = await self.services.listings.organizations.get(self.org_id or "")
        if org is None:
            raise Refused(self.t._("This organization is no longer in the directory."))
        return org

    def log_done(self, what: str, *args: object) -> None:
        """What this step did, for the operators: with the user id and the action, never text."""
        log.info(
            what + " by user %s", *args, self.user_id, extra={"user_id": self.user_id, "action": self.action}
        )

    def pending(self, kind: type[P]) -> P:
        """The conversation this step continues, as the kind it must be."""
        if not isinstance(self.current, kind):
            raise Stale
        return self.current

    # --- the conversation (written at once, inside the step's transaction if it has one) -----
    async def save(self, pending: Pending) -> None:
        self.current = pending
        await self.services.pending.put(self.user_id, pending)

    async def drop(self) -> bool:
        """The conversation is done."""
        self.current = None
        return await self.services.pending.drop(self.user_id)

    async def abandon(self) -> bool:
        """The conversation is given up (cancelled, discarded, rights gone)."""
        self.current = None
        return await self.services.pending.abandon(self.user_id)

    # --- what to show (sent once the step's writes are committed) ------------------------
    def answer(self, text: str | None = None, *, alert: bool = False) -> None:
        """The little notice a button press gets (nothing for a message)."""
        query = self.update.callback_query
        if query is not None and not self._answered:
            self._answered = True
            self._effects.append(lambda: query.answer(text, show_alert=alert))

    def refuse(self, text: str) -> None:
        if self.update.callback_query is not None:
            self.answer(text, alert=True)
        else:
            self.reply(text, html=False)

    def reply(self, text: str, keyboard: InlineKeyboardMarkup | None = None, *, html: bool = True) -> None:
        """A new message in this chat."""
        mode = ParseMode.HTML if html else None
        bot, chat_id = self.context.bot, self.chat_id
        self._effects.append(
            lambda: bot.send_message(
                chat_id, text, parse_mode=mode, reply_markup=keyboard, disable_web_page_preview=True
            )
        )

    def show(self, text: str, keyboard: InlineKeyboardMarkup | None = None) -> None:
        """In place of the pressed button's message; a new message after a command or text."""
        query = self.update.callback_query
        if query is None or self.message is None:
            self.reply(text, keyboard)
            return

        async def edit() -> None:
            try:
                await query.edit_message_text(
                    text, parse_mode=ParseMode.HTML, reply_markup=keyboard, disable_web_page_preview=True
                )
            except BadRequest as exc:  # the same view pressed twice: "message is not modified"
                log.debug("view not edited: %s", exc)

        self._effects.append(edit)

    def show_markup(self, keyboard: InlineKeyboardMarkup | None) -> None:
        """New buttons under the pressed button's message, the text unchanged."""
        query = self.update.callback_query
        if query is not None and self.message is not None:
            self._effects.append(lambda: query.edit_message_reply_markup(keyboard))

    def send(self, chat_id: int, text: str) -> None:
        """A message to someone else (an admin's notice); a failure is only logged."""
        bot = self.context.bot

        async def deliver() -> None:
            try:
                await bot.send_message(
                    chat_id, text, parse_mode=ParseMode.HTML, disable_web_page_preview=True
                )
            except TelegramError as exc:
                log.info("notice to %s not delivered: %s", chat_id, type(exc).__name__)

        self._effects.append(deliver)

    def later(self, effect: Callable[[], Awaitable[Any]]) -> None:
        """Anything else to do once the step's writes are committed."""
        self._effects.append(effect)

    async def flush(self) -> None:
        effects, self._effects = self._effects, []
        for effect in effects:
            await effect()
        query = self.update.callback_query
        if query is not None and not self._answered:
            self._answered = True
            await query.answer()


@dataclass
class Route(Generic[D]):
    """A guarded handler: `install` registers it, PTB calls it with (update, context)."""

    callback: Callable[[Step[D]], Awaitable[None]]
    role: Role
    action: str
    private: bool = True
    command: str | None = None
    data: type[CallbackData] | None = None
    pending: type[Pending] | None = None  # the conversation this step continues
    text: bool = False  # continues `pending` with the person's next message

    def __post_init__(self) -> None:
        self.__name__ = self.callback.__name__
        self.__qualname__ = self.callback.__qualname__
        self.__module__ = self.callback.__module__
        self.__doc__ = self.callback.__doc__

    async def __call__(self, update: Update, context: BotContext) -> None:
        if update.effective_user is None:
            return
        step: Step[Any] = Step(update, context, None, self.action)
        try:
            await self._run(step)
        except Refused as refused:
            step.refuse(refused.text)
        except Stale:
            step.refuse(step.t._("This button is no longer valid."))
        except NotEditor:  # the right went away between the check and the write
            _log_refusal(self.action, step.user_id)
            await step.abandon()
            step.refuse(step.t._("You can only change the listings you were invited to edit."))
        except AlreadyDone:
            step.refuse(step.t._("Already done: this was pressed before."))
        except ChangedMeanwhile as changed:
            if isinstance(step.data, ConversationButton):
                await step.abandon()  # the preview was of something gone: start again from now
            step.refuse(step.t._("This was changed meanwhile. Here it is as it stands now."))
            view = CURRENT_VIEWS.get(type(changed.current))
            if view is not None:
                await view(step, changed.current)
        await step.flush()

    async def _run(self, step: Step[Any]) -> None:
        if self.pending is not None:
            step.current = await step.services.pending.get(step.user_id)
        if self.role is Role.ADMIN:  # before reading anything the button says
            await self._check_role(step)
        if self.data is not None:
            query = step.update.callback_query
            try:
                step.data = self.data.parse(query.data if query is not None else None)
            except CallbackDataError as exc:
                raise Stale from exc
            num = getattr(step.data, "num", None)
            if num is not None:
                step.org_id = await step.services.listings.id_of(num)
                if step.org_id is None:
                    raise Stale
        if step.org_id is None and isinstance(step.current, ListingEdit):
            step.org_id = step.current.org_id
        if self.role is Role.EDITOR:  # of the listing the button or the conversation names
            await self._check_role(step)
        if self.private and not _private(step.update):
            if self.command is None:
                raise Refused(step.t._("Please do this in a private chat with me."))
            step.reply(*private_chat_button(step, self.command, step.args))
            return
        data = step.data
        key = data.claim_key() if data is not None and data.once else None
        if key is not None and await step.services.claims.taken(key):
            raise AlreadyDone(key)
        self._check_conversation(step)
        if key is None:
            await self.callback(step)
            return
        # What the answers wrote behind (a language just chosen, a vote) lands first: the
        # writer cannot write while this step's transaction holds the connection.
        await step.services.db.writer.flush(timeout=FLUSH_SECONDS)
        async with step.services.db.atomic() as conn:
            await Claims.take_in(conn, key)
            await self.callback(step)

    async def _check_role(self, step: Step[Any]) -> None:
        if self.role is Role.ANYONE:
            return
        if self.role is Role.ADMIN and step.context.is_admin:
            return
        listings = step.services.listings
        if self.role is Role.EDITOR and step.org_id and await listings.is_editor(step.user_id, step.org_id):
            return
        if self.pending is not None and isinstance(step.current, self.pending):
            await step.abandon()  # rights removed mid-conversation: the conversation ends
        _log_refusal(self.action, step.user_id)
        if self.role is Role.ADMIN:
            raise Refused(step.t._("Only WIEGO admins can do this."))
        raise Refused(step.t._("You can only change the listings you were invited to edit."))

    def _check_conversation(self, step: Step[Any]) -> None:
        """A conversation's button, or its next message: the conversation must be current."""
        data = step.data
        if not self.text and not isinstance(data, ConversationButton):
            return
        current = step.current
        if self.pending is None or not isinstance(current, self.pending):
            raise Stale
        pressed = (data.token, data.version) if isinstance(data, ConversationButton) else None
        if pressed is not None and pressed != (current.token, current.version):
            raise Stale
        if isinstance(current, ListingEdit) and current.org_id != step.org_id:
            raise Stale  # a listing's button with another listing's conversation

    def install(self, app: Application[Any, Any, Any, Any, Any, Any]) -> None:
        if self.text:
            assert self.pending is not None
            app.bot_data.text_routes[self.pending] = self
        elif self.command is not None:
            app.add_handler(CommandHandler(self.command, self))
            app.bot_data.command_routes[self.command] = self
        else:
            assert self.data is not None
            app.add_handler(CallbackQueryHandler(self, pattern=self.data.pattern()))


# --- declaring steps -----------------------------------------------------------------------
def _step(
    role: Role,
    *,
    action: str,
    command: str | None = None,
    button: type[CallbackData] | None = None,
    text: type[Pending] | None = None,
    pending: type[Pending] | None = None,
    private: bool = True,
) -> Callable[[Callable[[Step[Any]], Awaitable[None]]], Route[Any]]:
    if [command, button, text].count(None) != 2:
        raise TypeError("a step is a command, a button or a text, exactly one")

    def route(callback: Callable[[Step[Any]], Awaitable[None]]) -> Route[Any]:
        return Route(
            callback,
            role,
            action,
            private=private,
            command=command,
            data=button,
            pending=text or pending,
            text=text is not None,
        )

    return route


def admin_step(**kwargs: Any) -> Callable[[Callable[[Step[Any]], Awaitable[None]]], Route[Any]]:
    """A WIEGO admin's step: the right checked on every press and message; private."""
    return _step(Role.ADMIN, **kwargs)


def editor_step(**kwargs: Any) -> Callable[[Callable[[Step[Any]], Awaitable[None]]], Route[Any]]:
    """A listing editor's step on the listing the button (or the conversation) names."""
    return _step(Role.EDITOR, **kwargs)


def member_step(**kwargs: Any) -> Callable[[Callable[[Step[Any]], Awaitable[None]]], Route[Any]]:
    """Anyone's step (`private=False` where it may happen in a group)."""
    return _step(Role.ANYONE, **kwargs)


def install(app: Application[Any, Any, Any, Any, Any, Any], routes: list[Route[Any]]) -> None:
    for route in routes:
        route.install(app)


# --- private matters stay private ----------------------------------------------------------
def private_link(bot_username: str, payload: str = "") -> str:
    return f"https://t.me/{bot_username}" + (f"?start={payload}" if payload else "")


def private_chat_markup(t: Translator, bot_username: str, payload: str = "") -> InlineKeyboardMarkup:
    """One button that opens a private chat with the bot (running `/start <payload>`)."""
    button = InlineKeyboardButton("🔒 " + t._("Open a private chat"), url=private_link(bot_username, payload))
    return InlineKeyboardMarkup([[button]])


def private_chat_button(step: Step[Any], command: str, args: list[str]) -> tuple[str, InlineKeyboardMarkup]:
    """The answer to a private command used in a group: a button that opens a private chat
    with the bot and runs the command there (`/start go_<command>_<argument>`)."""
    payload = f"go_{command}"
    if args and len(f"{payload}_{args[0]}") <= _PAYLOAD_MAX and args[0].replace("-", "").isalnum():
        payload += f"_{args[0]}"
    text = h(step.t._("This is private: let’s continue in a private chat."))
    return text, private_chat_markup(step.t, step.context.bot.username, payload)


async def open_command(update: Update, context: BotContext, rest: str) -> bool:
    """`/start go_<command>[_<argument>]`: the command a private-chat button stands for."""
    name, _, argument = rest.partition("_")
    route = context.bot_data.command_routes.get(name)
    if route is None:
        return False
    context.args = [argument] if argument else []
    await route(update, context)
    return True


# --- a conversation's next message ---------------------------------------------------------
async def continue_conversation(update: Update, context: BotContext) -> None:
    """Group `CONVERSATION_GROUP`: a private text message continues the person's conversation,
    if they have one (and nothing else handles it); otherwise it goes on to the features."""
    user = update.effective_user
    if user is None or not context.services.pending.may_have(user.id):
        return
    pending = await context.services.pending.get(user.id)
    route = context.bot_data.text_routes.get(type(pending)) if pending is not None else None
    if route is None:
        return
    await route(update, context)
    raise ApplicationHandlerStop


def install_router(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    private_text = filters.ChatType.PRIVATE & filters.TEXT & ~filters.COMMAND & ~filters.UpdateType.EDITED
    app.add_handler(MessageHandler(private_text, continue_conversation), group=CONVERSATION_GROUP)
    app.bot_data.start_payloads["go"] = open_command
