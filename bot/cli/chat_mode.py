"""`main.py chat`: the real Application, driven from the terminal through the emulator.

Every line typed becomes a Telegram update processed by the same handlers as on Telegram;
replies are printed with their buttons. `#N` presses button N of the last reply, `@bot words`
runs an inline query, `#location LAT LON` shares a location, `#photo`, `#voice`, `#sticker`,
`#document`, `#video` send one, `/quit` (or Ctrl-D, or Ctrl-C) leaves.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import sys
import threading
from typing import Any

from telegram import Update

from bot.app import build_application
from bot.cli import loading
from bot.config import Config
from bot.i18n import Catalogs
from bot.offline import (
    FAKE_TOKEN,
    SAMPLE_ATTACHMENTS,
    ApiCall,
    BotAPIEmulator,
    InProcessRequest,
    location_fields,
)
from bot.services import open_services
from bot.terminal import to_terminal

_PRESS = re.compile(r"^#(\d{1,2})$")
_LOCATION = re.compile(r"^#location(?:\s+(-?\d+(?:\.\d+)?)[\s,]+(-?\d+(?:\.\d+)?))?\s*$")
_ATTACHMENT = re.compile(r"^#([a-z_]+)\s*$")


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


class LineReader:
    """Lines typed in the terminal, read by a daemon thread.

    A read blocked in the default executor would keep Ctrl-C waiting for Enter; a daemon
    thread is simply left behind when the chat ends.
    """

    def __init__(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._lines: asyncio.Queue[str] = asyncio.Queue()
        threading.Thread(target=self._read, name="terminal-input", daemon=True).start()

    def _read(self) -> None:
        for line in iter(sys.stdin.readline, ""):
            if not self._put(line):
                return
        self._put("")  # end of input

    def _put(self, line: str) -> bool:
        try:
            self._loop.call_soon_threadsafe(self._lines.put_nowait, line)
        except RuntimeError:  # the chat has ended meanwhile
            return False
        return True

    async def readline(self) -> str:
        """The next line with its newline, or "" at the end of input (Ctrl-D)."""
        return await self._lines.get()


def _update_for(
    text: str, view: TerminalView, emulator: BotAPIEmulator, user_id: int, language_code: str
) -> dict[str, Any] | None:
    """The update a typed line stands for, or None after printing why there is none."""
    stripped = text.strip()
    press = _PRESS.match(stripped)
    if press:
        index = int(press[1]) - 1
        button = view.buttons[index] if 0 <= index < len(view.buttons) else None
        if button is None or "callback_data" not in button:
            print(f"  (no button #{press[1]})")
            return None
        return emulator.callback(
            user_id, button["callback_data"], message=view.message, language_code=language_code
        )
    if stripped.startswith("#location"):
        where = _LOCATION.match(stripped)
        if where is None or where[1] is None:
            print("  (#location LATITUDE LONGITUDE, for example: #location -1.29 36.82)")
            return None
        fields = location_fields(float(where[1]), float(where[2]))
        return emulator.attachment(user_id, fields, language_code=language_code)
    kind = _ATTACHMENT.match(stripped)
    if kind and kind[1] in SAMPLE_ATTACHMENTS:
        return emulator.attachment(user_id, SAMPLE_ATTACHMENTS[kind[1]], language_code=language_code)
    if text.startswith("@"):
        return emulator.inline_query(user_id, text.partition(" ")[2], language_code=language_code)
    return emulator.message(user_id, text, language_code=language_code)


async def run_chat(
    config: Config, catalogs: Catalogs, *, lang: str | None, user_id: int, log_note: str = ""
) -> int:
    with loading():
        services = await open_services(config, catalogs)
    try:  # the database is closed whatever fails after it opened (its threads would hold the exit)
        emulator = BotAPIEmulator()
        app = build_application(services, token=FAKE_TOKEN, request=InProcessRequest(emulator))
        app.bot_data.offline_database = str(config.db_path)  # broadcasts wait there for `main.py run`
        language_code = lang or config.default_locale
        if lang is not None:
            await services.users.set_locale(user_id, lang)
        interactive = sys.stdin.isatty()
        view = TerminalView(emulator, user_id, color=sys.stdout.isatty())
        async with app:
            reader = LineReader()
            if interactive:
                t = catalogs.translator(lang or config.default_locale)
                print(
                    t._(
                        "Offline chat with the WIEGO bot. Type /start, a question, "
                        "#N to press a button, /quit to leave."
                    )
                )
                if log_note:
                    print(log_note)
            while True:
                if interactive:
                    print("> ", end="", flush=True)
                line = await reader.readline()
                if not line:  # Ctrl-D or the end of piped input
                    if interactive:
                        print()
                    break
                text = line.rstrip("\n")
                if text.strip() in {"/quit", "/exit"}:
                    break
                if not text.strip():
                    continue
                raw = _update_for(text, view, emulator, user_id, language_code)
                if raw is not None:
                    await app.process_update(Update.de_json(raw, app.bot))
                    view.flush()
    except asyncio.CancelledError:  # Ctrl-C: asyncio.run cancels the chat; a way to leave like Ctrl-D
        with contextlib.suppress(ValueError, OSError):
            print(flush=True)
    finally:
        await services.close()
    return 0
