"""Editors can be removed and invitations withdrawn: /editors in Telegram and
`main.py directory editors` on the command line, each change in the listing's history."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from directory.db import Database
from directory.listings import Listings
from tests.conftest import ADMIN_ID, USER_ID

ROOT = Path(__file__).resolve().parent.parent
LINK = re.compile(r"start=claim_([A-Za-z0-9_-]+)")


def answer_after(bot, mark: int):
    return next(c for c in bot.emulator.calls[mark:] if c.method == "answerCallbackQuery")


async def claimed_by(bot, user: int, org_id: str = "test-alpha") -> None:
    invite = await bot.send(f"/invite {org_id}", user=ADMIN_ID)
    mark = len(bot.emulator.calls)
    await bot.send(f"/start claim_{LINK.search(invite.text)[1]}", user=user)  # type: ignore[index]
    await bot.emulator.wait_for(lambda c: c.chat_id == user and bool(c.buttons), after=mark)  # the listing


async def test_editors_lists_editors_and_open_invitations(bot, services, alpha) -> None:
    await claimed_by(bot, USER_ID)
    await bot.send(f"/invite {alpha}", user=ADMIN_ID)  # still open
    view = await bot.send(f"/editors {alpha}", user=ADMIN_ID)
    assert "Editors of Alpha Recyclers" in view.text
    assert f"user:{USER_ID}, since" in view.text
    assert "Invitation #2, made on" in view.text and "Invitation #1" not in view.text  # #1 was used
    labels = [b["text"] for b in view.buttons]
    assert labels == [f"✖ Remove user:{USER_ID}", "✖ Withdraw invitation #2"]


async def test_removing_an_editor_takes_the_right_away_and_is_recorded(bot, services, alpha) -> None:
    await claimed_by(bot, USER_ID)
    listing = await bot.send("/mylisting")
    view = await bot.send(f"/editors {alpha}", user=ADMIN_ID)
    remove = next(b["callback_data"] for b in view.buttons if b["callback_data"].startswith("er:"))
    mark = await bot.press(view, remove, user=ADMIN_ID)
    assert answer_after(bot, mark).params["text"] == f"user:{USER_ID} no longer edits this listing."
    redrawn = await bot.emulator.wait_for(lambda c: c.method == "editMessageText", after=mark)
    assert "Nobody edits this listing." in redrawn.text
    assert not await services.listings.is_editor(USER_ID, alpha)
    history = await bot.send(f"/history {alpha}", user=ADMIN_ID)
    assert f"user:{ADMIN_ID} · Editor: user:{USER_ID} → —" in history.text
    assert f"user:{USER_ID} · Editor: — → user:{USER_ID}" in history.text
    # the former editor's buttons do nothing any more
    field = next(b["callback_data"] for b in listing.buttons if b["callback_data"].endswith(":city"))
    mark = await bot.press(listing, field)
    assert answer_after(bot, mark).params["text"] == "You can only change the listings you were invited to edit."


async def test_a_withdrawn_invitation_cannot_be_used(bot, services, alpha) -> None:
    invite = await bot.send(f"/invite {alpha}", user=ADMIN_ID)
    token = LINK.search(invite.text)[1]  # type: ignore[index]
    view = await bot.send(f"/editors {alpha}", user=ADMIN_ID)
    withdraw = next(b["callback_data"] for b in view.buttons if b["callback_data"].startswith("ei:"))
    mark = await bot.press(view, withdraw, user=ADMIN_ID)
    assert answer_after(bot, mark).params["text"] == "Invitation #1 withdrawn."
    reply = await bot.send(f"/start claim_{token}", user=USER_ID)
    assert reply.text == "This invitation was withdrawn. Please ask WIEGO for a new one."
    assert not await services.listings.is_editor_anywhere(USER_ID)


async def test_only_admins_manage_editors(bot, services, alpha) -> None:
    await claimed_by(bot, USER_ID)
    reply = await bot.send(f"/editors {alpha}", user=USER_ID)
    assert reply.text == "Only WIEGO admins can do this."
    view = await bot.send(f"/editors {alpha}", user=ADMIN_ID)
    remove = next(b["callback_data"] for b in view.buttons if b["callback_data"].startswith("er:"))
    mark = await bot.press(view, remove, user=USER_ID)
    assert answer_after(bot, mark).params["text"] == "Only WIEGO admins can do this."
    assert await services.listings.is_editor(USER_ID, alpha)


@pytest.mark.parametrize(("arg", "reply"), [("", "Send /editors followed by"), ("nope", "No organization")])
async def test_editors_usage(bot, alpha, arg: str, reply: str) -> None:
    answer = await bot.send(f"/editors {arg}".strip(), user=ADMIN_ID)
    assert answer.text.startswith(reply)


def cli(args: list[str], db_path: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "WIEGO_"))}
    env["WIEGO_DB"] = str(db_path)
    return subprocess.run(
        [sys.executable, str(ROOT / "main.py"), "directory", "editors", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=db_path.parent,
    )


@pytest.mark.slow
async def test_the_command_line_lists_removes_and_withdraws(tmp_path: Path) -> None:
    db_path = tmp_path / "cli.sqlite3"
    assert cli(["streetnet"], db_path).returncode == 0  # creates and seeds the database
    db = await Database.open(db_path)
    try:
        listings = Listings(db)
        used = await listings.create_invite("streetnet", ADMIN_ID)
        await listings.create_invite("streetnet", ADMIN_ID)
        assert used is not None
        await listings.claim(used.token, 4242)
    finally:
        await db.close()
    shown = cli(["streetnet"], db_path)
    assert shown.returncode == 0
    assert "editor 4242 since" in shown.stdout and "invitation #2 by 900" in shown.stdout
    removed = cli(["streetnet", "--remove", "4242", "--revoke"], db_path)
    assert removed.returncode == 0, removed.stderr
    assert "removed editor 4242 of streetnet" in removed.stdout
    assert "withdrew invitation #2 to streetnet" in removed.stdout
    assert "editor 4242" not in removed.stdout.replace("removed editor 4242", "")
    again = cli(["streetnet", "--remove", "4242"], db_path)
    assert again.returncode == 1 and "does not edit" in again.stderr
    unknown = cli(["nobody-here"], db_path)
    assert unknown.returncode == 1 and "Traceback" not in unknown.stderr
    db = await Database.open(db_path)
    try:
        history = await Listings(db).recent_changes("streetnet", 5)
        assert [(c.field, c.who) for c in history[:2]] == [("invitation", "cli"), ("editor", "cli")]
    finally:
        await db.close()
