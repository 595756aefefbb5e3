"""Fuzzing the real handlers through the stand-in server (hypothesis).

One bot runs for the whole module in a background event loop; each example sends a batch of
random messages, commands and button presses from fresh users. Properties: no unhandled
exception reaches the error handler, every private text message gets a reply, every button
press is answered, and the database passes `db check` afterwards.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import threading
from collections.abc import Iterator
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.config import load_config
from bot.i18n import Catalogs
from bot.offline import ApiCall
from directory import maintenance
from tests.conftest import ADMIN_ID, TOKEN
from tests.standin import StandInServer

COMMANDS = [
    "/start",
    "/help",
    "/language",
    "/cancel",
    "/search",
    "/directory",
    "/ask",
    "/subscribe",
    "/unsubscribe",
    "/forget",
    "/mylisting",
    "/invite",
    "/history",
    "/revert",
    "/policy",
    "/broadcast",
    "/broadcasts",
    "/unanswered",
    "/nonsense",
    "/start org_",
    "/start claim_",
]
CALLBACK_KINDS = ["lang", "s", "o", "d", "m", "w", "r", "fb", "bc", "ml", "pa", "x", ""]

text_strategy = st.one_of(
    st.text(min_size=1, max_size=300),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=4096),
    st.sampled_from(
        [
            "مرحبا، هل يمكن لـ WIEGO تمويلنا؟",
            "😀🔥💯 grant?",
            '"NEAR(a b)" OR *',
            "'; DROP TABLE users; --",
            "a" * 4096,
            "\u202eevil\u202c",
            "street vendors Kenya",
            "¿financian becas?",
        ]
    ),
    st.builds(lambda c, rest: f"{c} {rest}", st.sampled_from(COMMANDS), st.text(max_size=200)),
).filter(lambda s: s.strip() != "")

callback_strategy = st.one_of(
    st.text(max_size=80),
    st.builds(
        lambda k, parts: ":".join([k, *parts]),
        st.sampled_from(CALLBACK_KINDS),
        st.lists(st.one_of(st.integers(-5, 10**12).map(str), st.text(max_size=12)), max_size=4),
    ),
)


class BotThread:
    """The bot and the stand-in server on their own loop, driven from hypothesis examples."""

    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.errors: list[logging.LogRecord] = []
        self.users = itertools.count(10_000)

    def run(self, coro: Any, timeout: float = 120) -> Any:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    async def _start(self) -> None:
        from bot.app import build_application, start_background
        from bot.services import open_services

        self.server = await StandInServer().start()
        self.emulator = self.server.emulator
        self.emulator.max_poll_wait = 0.05
        catalogs = Catalogs()
        config = load_config(
            {
                "TELEGRAM_BOT_TOKEN": TOKEN,
                "TELEGRAM_API_BASE_URL": self.server.base_url,
                "WIEGO_DB": str(self.tmp / "fuzz.sqlite3"),
                "WIEGO_ADMINS": str(ADMIN_ID),
                "FLOOD_RATE": "100000",
            },
            catalogs.codes,
        )
        self.services = await open_services(config, catalogs)
        self.app = build_application(self.services)
        await self.app.initialize()
        assert self.app.updater is not None
        await self.app.updater.start_polling(poll_interval=0, timeout=1)
        await self.app.start()
        await start_background(self.app)

    async def _stop(self) -> None:
        from bot.app import stop_background

        assert self.app.updater is not None
        await self.app.updater.stop()
        await stop_background(self.app)
        await self.app.stop()
        await self.app.shutdown()
        await self.services.close()
        await self.server.stop()

    def __enter__(self) -> BotThread:
        self.thread.start()
        self.run(self._start())
        return self

    def __exit__(self, *exc: object) -> None:
        self.run(self._stop())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)
        self.loop.close()

    async def batch(self, texts: list[str], presses: list[str], as_admin: bool) -> None:
        emulator = self.emulator
        mark = len(emulator.calls)
        expected_chats: list[int] = []
        for text in texts:
            user = ADMIN_ID if as_admin else next(self.users)
            emulator.message(user, text[:4096], language_code="es")
            expected_chats.append(user)
        press_ids = []
        for data in presses:
            update = emulator.callback(next(self.users), data, message=None)
            press_ids.append(update["callback_query"]["id"])
        for chat in set(expected_chats):
            await emulator.wait_for(partial(replied, chat), after=mark, timeout=30)
        for query_id in press_ids:
            await emulator.wait_for(
                partial(answered, query_id),
                after=mark,
                timeout=30,
            )


def replied(chat: int, call: ApiCall) -> bool:
    return call.method in {"sendMessage", "editMessageText"} and call.chat_id == chat


def answered(query_id: str, call: ApiCall) -> bool:
    return call.method == "answerCallbackQuery" and call.params.get("callback_query_id") == query_id


class ErrorCatcher(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture(scope="module")
def fuzz_bot(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BotThread]:
    catcher = ErrorCatcher()
    logging.getLogger().addHandler(catcher)
    try:
        with BotThread(tmp_path_factory.mktemp("fuzz")) as bot:
            bot.errors = catcher.records  # type: ignore[assignment]
            yield bot
            path = bot.tmp / "fuzz.sqlite3"
        assert maintenance.check(path).ok, maintenance.check(path).problems
    finally:
        logging.getLogger().removeHandler(catcher)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    texts=st.lists(text_strategy, min_size=1, max_size=6),
    presses=st.lists(callback_strategy, max_size=4),
    as_admin=st.booleans(),
)
def test_random_updates_never_crash_and_always_get_answers(
    fuzz_bot: BotThread, texts: list[str], presses: list[str], as_admin: bool
) -> None:
    fuzz_bot.run(fuzz_bot.batch(texts, presses, as_admin))
    assert fuzz_bot.errors == [], [r.getMessage() for r in fuzz_bot.errors]
