"""Shared fixtures: a real SQLite file per test, catalogs, the stand-in Bot API server."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest

os.environ.setdefault("PTB_TIMEDELTA", "1")  # RetryAfter without a deprecation warning
# The derived-data cache of this run (subprocesses inherit it): nothing of the tests in ~/.cache.
if "WIEGO_CACHE_DIR" not in os.environ:
    os.environ["WIEGO_CACHE_DIR"] = tempfile.mkdtemp(prefix="wiego-test-cache-")
    atexit.register(shutil.rmtree, os.environ["WIEGO_CACHE_DIR"], ignore_errors=True)

from directory.db import Database
from directory.policy import PolicyEngine
from directory.search import Directory
from directory.seed import load_seed


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    """A migrated database in a temporary file, closed after the test."""
    database = await Database.open(tmp_path / "test.sqlite3")
    try:
        yield database
    finally:
        await database.close()


@pytest.fixture
async def engine(db: Database) -> AsyncIterator[PolicyEngine]:
    """The policy engine over a seeded temporary database (no Telegram)."""
    await load_seed(db)
    eng = PolicyEngine(db, Directory(db))
    await eng.load()
    yield eng


# --- the bot against the stand-in server ----------------------------------------------
from bot.config import load_config  # noqa: E402
from bot.context import Services  # noqa: E402
from bot.i18n import Catalogs  # noqa: E402
from bot.offline import BotAPIEmulator  # noqa: E402
from tests.standin import StandInServer  # noqa: E402

TOKEN = "123456:TEST-token-for-the-stand-in-server"
ADMIN_ID = 900
USER_ID = 100


@pytest.fixture(scope="session")
def catalogs() -> Catalogs:
    return Catalogs()


@pytest.fixture
async def standin() -> AsyncIterator[StandInServer]:
    server = await StandInServer().start()
    try:
        yield server
    finally:
        await server.stop()


@pytest.fixture
def emulator(standin: StandInServer) -> BotAPIEmulator:
    standin.emulator.max_poll_wait = 0.05
    return standin.emulator


@pytest.fixture
async def services(tmp_path: Path, standin: StandInServer, catalogs: Catalogs) -> AsyncIterator[Services]:
    from bot.services import open_services

    env = {
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_BASE_URL": standin.base_url,
        "WIEGO_DB": str(tmp_path / "bot.sqlite3"),
        "WIEGO_ADMINS": str(ADMIN_ID),
    }
    config = load_config(env, catalogs.codes)
    svc = await open_services(config, catalogs)
    try:
        yield svc
    finally:
        await svc.close()


@asynccontextmanager
async def running(services: Services, emulator: BotAPIEmulator) -> AsyncIterator[Conversation]:
    """The real Application, polling the stand-in server, until the block ends."""
    from bot.app import build_application, set_command_menus, start_background, stop_background

    app = build_application(services)
    async with app:
        await set_command_menus(app)
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0, timeout=1)
        await app.start()
        await start_background(app)
        try:
            yield Conversation(emulator, app)
        finally:
            await app.updater.stop()
            await stop_background(app)
            await app.stop()


@pytest.fixture
async def bot(services: Services, emulator: BotAPIEmulator) -> AsyncIterator[Any]:
    async with running(services, emulator) as conversation:
        yield conversation


@pytest.fixture
async def alpha(services: Services) -> str:
    """One listing in the bot's database: a national organization of waste pickers in Colombia."""
    from directory.organizations import Organization, Organizations

    org = Organization(
        id="test-alpha", name="Alpha Recyclers", kind="national", sectors=("waste_pickers",), countries=("CO",)
    )
    await Organizations(services.db).add_many([org], "seed")
    return org.id


class Conversation:
    """Send as a user, wait for the bot's reply: how every Telegram test talks to the bot."""

    def __init__(self, emulator: BotAPIEmulator, app: Any) -> None:
        self.emulator = emulator
        self.app = app

    async def send(
        self,
        text: str,
        *,
        user: int = USER_ID,
        lang: str | None = "en",
        chat_id: int | None = None,
        chat_type: str = "private",
        timeout: float = 10.0,
    ):
        mark = len(self.emulator.calls)
        self.emulator.message(user, text, language_code=lang, chat_id=chat_id, chat_type=chat_type)
        target = chat_id if chat_id is not None else user
        return await self.emulator.wait_for(
            lambda c: c.method == "sendMessage" and c.chat_id == target, after=mark, timeout=timeout
        )

    async def press(
        self, reply, data: str, *, user: int = USER_ID, lang: str | None = "en", timeout: float = 10.0
    ):
        """Press a button under `reply` (an ApiCall); returns the answerCallbackQuery call."""
        mark = len(self.emulator.calls)
        message = reply.result if isinstance(reply.result, dict) else None
        self.emulator.callback(
            user,
            data,
            message=message,
            language_code=lang,
            chat_id=message["chat"]["id"] if message else None,
        )
        await self.emulator.wait_for(lambda c: c.method == "answerCallbackQuery", after=mark, timeout=timeout)
        return mark

    async def idle(self, seconds: float = 0.3) -> None:
        import asyncio

        await asyncio.sleep(seconds)
