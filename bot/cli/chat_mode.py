"""`main.py chat`: the real Application, driven from the terminal through the emulator.

Every line typed becomes a Telegram update processed by the same handlers as on Telegram;
replies are printed with their buttons. `#N` presses button N of the last reply, `@bot words`
runs an inline query, `/quit` (or end of input) leaves.
"""

from __future__ import annotations

import asyncio
import html
import re
import sys
from typing import Any

from telegram import Update

from bot.app import build_application
from bot.config import Config
from bot.i18n import Catalogs
from bot.offline import FAKE_TOKEN, ApiCall, BotAPIEmulator, InProcessRequest
from bot.services import open_services

_TAG = re.compile(r"<(/?)(b|strong|i|em|u|code|pre|a)(\s[^>]*)?>")
_PRESS = re.compile(r"^#(\d{1,2})$")


def to_terminal(text: str, *, color: bool) -> str:
    """Telegram HTML to plain terminal text (bold as ANSI when the output is a terminal)."""

    def tag(match: re.Match[str]) -> str:
        closing, name = match[1], match[2]
        if color and name in {"b", "strong"}:
            return "\033[0m" if closing else "\033[1m"
        return ""

    return html.unescape(_TAG.sub(tag, text))


class TerminalView:
    """Prints what the bot sends and remembers the last keyboard for `#N` presses."""

    def __init__(self, emulator: BotAPIEmulator, chat_id: int, *, color: bool) -> None:
        self.emulator = emulator
        self.chat_id = chat_id
        self.color = color
        self.printed = 0
        self.buttons: list[dict[str, Any]] = []
        self.message: dict[str, Any] | None = None

    def flush(self) -> None:
        for call in self.emulator.calls[self.printed :]:
            self._show(call)
        self.printed = len(self.emulator.calls)

    def _show(self, call: ApiCall) -> None:
        if call.method == "answerCallbackQuery" and call.params.get("text"):
            print(f"  ({call.params['text']})")
        elif call.method == "answerInlineQuery":
            for n, result in enumerate(call.params.get("results", []), 1):
                print(f"  {n}. {result.get('title', '')} - {result.get('description', '')}")
        elif (
            call.method in {"sendMessage", "editMessageText"}
            and call.chat_id == self.chat_id
            and call.status == 200
        ):
            prefix = "~ " if call.method == "editMessageText" else ""
            print(prefix + to_terminal(call.text, color=self.color))
            self.buttons = call.buttons
            self.message = call.result if isinstance(call.result, dict) else None
            for n, button in enumerate(self.buttons, 1):
                target = f" -> {button['url']}" if "url" in button else ""
                print(f"  [#{n}] {button.get('text', '')}{target}")
            print()


async def run_chat(config: Config, catalogs: Catalogs, *, lang: str | None, user_id: int) -> int:
    services = await open_services(config, catalogs)
    emulator = BotAPIEmulator()
    app = build_application(services, token=FAKE_TOKEN, request=InProcessRequest(emulator))
    language_code = lang or config.default_locale
    if lang is not None:
        await services.users.set_locale(user_id, lang)
    interactive = sys.stdin.isatty()
    view = TerminalView(emulator, user_id, color=sys.stdout.isatty())
    loop = asyncio.get_running_loop()
    try:
        async with app:
            if interactive:
                t = catalogs.translator(lang or config.default_locale)
                print(
                    t._(
                        "Offline chat with the WIEGO bot. Type /start, a question, "
                        "#N to press a button, /quit to leave."
                    )
                )
            while True:
                if interactive:
                    print("> ", end="", flush=True)
                line = await loop.run_in_executor(None, sys.stdin.readline)
                if not line:
                    break
                text = line.rstrip("\n")
                if text.strip() in {"/quit", "/exit"}:
                    break
                if not text.strip():
                    continue
                press = _PRESS.match(text.strip())
                if press:
                    index = int(press[1]) - 1
                    button = view.buttons[index] if 0 <= index < len(view.buttons) else None
                    if button is None or "callback_data" not in button:
                        print(f"  (no button #{press[1]})")
                        continue
                    raw = emulator.callback(
                        user_id, button["callback_data"], message=view.message, language_code=language_code
                    )
                elif text.startswith("@"):
                    raw = emulator.inline_query(user_id, text.partition(" ")[2], language_code=language_code)
                else:
                    raw = emulator.message(user_id, text, language_code=language_code)
                await app.process_update(Update.de_json(raw, app.bot))
                view.flush()
    finally:
        await services.close()
    return 0
