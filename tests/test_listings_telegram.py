"""Listing self-service through the stand-in Bot API server: invitations, the edit
conversation, authorization on every step, admin notices, /history, /revert, freshness."""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime, timedelta

import pytest

from bot.handlers.listings.reminders import send_reminders
from directory.listings import Listings
from directory.organizations import Organization, Organizations
from tests.conftest import ADMIN_ID, USER_ID

OTHER_ID = 101
LINK = re.compile(r"https://t\.me/(\w+)\?start=claim_([A-Za-z0-9_-]+)")


@pytest.fixture
async def orgs(services) -> Listings:
    repo = Organizations(services.db)
    await repo.add_many(
        [
            Organization(
                id="test-alpha",
                name="Alpha Recyclers",
                acronym="AR",
                kind="national",
                sectors=("waste_pickers",),
                countries=("CO",),
                languages=("es",),
                summaries=(("en", "Alpha in English"),),
            ),
            Organization(id="test-beta", name="Beta Vendors", kind="local", countries=("KE",)),
        ],
        "seed",
    )
    return services.listings


async def nums(listings: Listings) -> tuple[int, int]:
    alpha, beta = await listings.num_of("test-alpha"), await listings.num_of("test-beta")
    assert alpha is not None and beta is not None
    return alpha, beta


async def invite_link(bot, org_id: str = "test-alpha") -> str:
    reply = await bot.send(f"/invite {org_id}", user=ADMIN_ID)
    found = LINK.search(reply.text)
    assert found, reply.text
    assert found[1] == bot.emulator.username
    return found[2]


async def make_editor(bot, user: int = USER_ID, org_id: str = "test-alpha", lang: str = "en"):
    token = await invite_link(bot, org_id)
    mark = len(bot.emulator.calls)
    await bot.send(f"/start claim_{token}", user=user, lang=lang)
    return await bot.emulator.wait_for(
        lambda c: c.method == "sendMessage" and c.chat_id == user and bool(c.buttons), after=mark
    )


def answer_after(bot, mark: int):
    return next(c for c in bot.emulator.calls[mark:] if c.method == "answerCallbackQuery")


async def next_send(bot, mark: int, chat: int = USER_ID, method: str = "sendMessage"):
    return await bot.emulator.wait_for(
        lambda c: c.method == method and c.chat_id == chat, after=mark
    )


async def start_edit(bot, listing_msg, field: str, user: int = USER_ID, num: int | None = None):
    data = next(
        b["callback_data"] for b in listing_msg.buttons if b["callback_data"].endswith(f":{field}")
    )
    if num is not None:
        data = f"le:{num}:{field}"
    return await bot.press(listing_msg, data, user=user)


async def edit_field(bot, listing_msg, field: str, value: str, user: int = USER_ID):
    """Press the field, send the value; returns the preview."""
    mark = await start_edit(bot, listing_msg, field, user=user)
    await next_send(bot, mark, user)
    return await bot.send(value, user=user)


async def confirm(bot, preview, user: int = USER_ID):
    data = next(b["callback_data"] for b in preview.buttons if b["callback_data"].startswith("lc:"))
    return await bot.press(preview, data, user=user)


# --- invitations -------------------------------------------------------------------------------
async def test_invite_is_refused_to_non_admins(bot, orgs, services, caplog) -> None:
    caplog.set_level(logging.WARNING)
    reply = await bot.send("/invite test-alpha", user=USER_ID)
    assert reply.text == "Only WIEGO admins can do this."
    assert await services.db.fetchval("SELECT count(*) FROM listing_invites") == 0
    assert "listing:invite" in caplog.text and str(USER_ID) in caplog.text


async def test_invite_unknown_org_and_usage(bot, orgs) -> None:
    reply = await bot.send("/invite nope-nothing", user=ADMIN_ID)
    assert "nope-nothing" in reply.text
    usage = await bot.send("/invite", user=ADMIN_ID)
    assert "/invite streetnet" in usage.text


async def test_claim_makes_an_editor_and_shows_the_listing(bot, orgs, catalogs) -> None:
    listing = await make_editor(bot, lang="es")
    assert "Alpha Recyclers" in listing.text
    datas = [b["callback_data"] for b in listing.buttons]
    alpha, _ = await nums(orgs)
    assert f"le:{alpha}:website" in datas and f"lv:{alpha}" in datas
    assert all(len(d.encode()) <= 64 for d in datas)
    es = catalogs.translator("es")
    assert es._("Still correct") in [b["text"].removeprefix("✅ ") for b in listing.buttons]
    assert await orgs.is_editor(USER_ID, "test-alpha")
    help_reply = await bot.send("/help", user=USER_ID)
    assert "/mylisting" in help_reply.text


async def test_a_used_invitation_does_not_work_twice(bot, orgs) -> None:
    token = await invite_link(bot)
    await bot.send(f"/start claim_{token}", user=USER_ID)
    reply = await bot.send(f"/start claim_{token}", user=OTHER_ID)
    assert reply.text == "This invitation was already used. Please ask WIEGO for a new one."
    assert not await orgs.is_editor(OTHER_ID, "test-alpha")


async def test_an_expired_invitation_is_refused(bot, orgs, services) -> None:
    token = await invite_link(bot)
    past = (datetime.now(UTC) - timedelta(minutes=1)).isoformat()
    await services.db.conn.execute("UPDATE listing_invites SET expires_at = ?", (past,))
    reply = await bot.send(f"/start claim_{token}", user=USER_ID, lang="pt")
    t = bot.app.bot_data.services.catalogs.translator("pt")
    assert reply.text == t._("This invitation has expired. Please ask WIEGO for a new one.")
    assert not await orgs.is_editor_anywhere(USER_ID)


@pytest.mark.parametrize(
    "payload", ["claim_", "claim_garbage", "claim_" + "A" * 32, "claim_<script>"]
)
async def test_wrong_invitations_are_refused(bot, orgs, payload: str) -> None:
    await invite_link(bot)
    reply = await bot.send(f"/start {payload}", user=USER_ID)
    assert reply.text.startswith("This invitation link is not valid.")
    assert not await orgs.is_editor_anywhere(USER_ID)


# --- /mylisting and the edit conversation ---------------------------------------------------------
async def test_mylisting_refuses_non_editors(bot, orgs) -> None:
    reply = await bot.send("/mylisting", user=OTHER_ID)
    assert reply.text.startswith("You don’t edit any listing.")


async def test_mylisting_with_two_listings_asks_which(bot, orgs) -> None:
    await make_editor(bot, org_id="test-alpha")
    await make_editor(bot, org_id="test-beta")
    reply = await bot.send("/mylisting")
    alpha, beta = await nums(orgs)
    assert [b["callback_data"] for b in reply.buttons] == [f"lm:{alpha}", f"lm:{beta}"]
    mark = await bot.press(reply, f"lm:{beta}")
    shown = await next_send(bot, mark)
    assert "Beta Vendors" in shown.text


async def test_confirmed_edit_goes_live_with_history_and_admin_notice(bot, orgs, services) -> None:
    listing = await make_editor(bot)
    mark = await start_edit(bot, listing, "website")
    prompt = await next_send(bot, mark)
    assert "https://www.example.org" in prompt.text and "Now: (empty)" in prompt.text
    bad = await bot.send("not a web address")
    assert bad.text.startswith("That is not a web address.")
    preview = await bot.send("alpha.example.org")
    assert "New: https://alpha.example.org" in preview.text
    mark = await confirm(bot, preview)
    saved = await next_send(bot, mark, method="editMessageText")
    assert saved.text == "Saved. Website is now: https://alpha.example.org"
    notice = await next_send(bot, mark, chat=ADMIN_ID)
    assert "Alpha Recyclers" in notice.text and "https://alpha.example.org" in notice.text
    assert "/history test-alpha" in notice.text
    org = await orgs.organizations.get("test-alpha")
    assert org is not None and org.website == "https://alpha.example.org"
    last = (await orgs.recent_changes("test-alpha", 1))[0]
    assert (last.field, last.who) == ("website", f"user:{USER_ID}")
    # the same confirm button pressed again (replayed) changes nothing
    count = await services.db.fetchval("SELECT count(*) FROM org_changes")
    mark = await confirm(bot, preview)
    assert answer_after(bot, mark).params.get("show_alert") is True
    assert await services.db.fetchval("SELECT count(*) FROM org_changes") == count


async def test_admin_notice_failure_is_ignored(bot, orgs) -> None:
    bot.emulator.blocked.add(ADMIN_ID)
    listing = await make_editor(bot)
    preview = await edit_field(bot, listing, "city", "Bogotá")
    mark = await confirm(bot, preview)
    saved = await next_send(bot, mark, method="editMessageText")
    assert saved.text.startswith("Saved.")
    org = await orgs.organizations.get("test-alpha")
    assert org is not None and org.city == "Bogotá"


async def test_preview_cancel_changes_nothing(bot, orgs, services) -> None:
    listing = await make_editor(bot)
    before = await services.db.fetchval("SELECT count(*) FROM org_changes")
    preview = await edit_field(bot, listing, "city", "Cali")
    data = next(b["callback_data"] for b in preview.buttons if b["callback_data"].startswith("lx:"))
    mark = await bot.press(preview, data)
    edited = await next_send(bot, mark, method="editMessageText")
    assert edited.text == "Cancelled. Nothing was changed."
    mark = await confirm(bot, preview)  # the confirm button of the cancelled preview
    assert answer_after(bot, mark).params.get("show_alert") is True
    assert await services.db.fetchval("SELECT count(*) FROM org_changes") == before
    org = await orgs.organizations.get("test-alpha")
    assert org is not None and org.city == ""


async def test_cancel_command_ends_the_edit(bot, orgs) -> None:
    listing = await make_editor(bot)
    mark = await start_edit(bot, listing, "city")
    await next_send(bot, mark)
    stopped = await bot.send("/cancel")
    assert stopped.text == "Stopped. Nothing was changed."
    assert await bot.app.bot_data.services.pending.get(USER_ID) is None


@pytest.mark.parametrize(
    ("field", "value", "shown", "stored"),
    [
        ("countries", "Sudáfrica, Costa de Marfil", "South Africa, Côte d’Ivoire", ("ZA", "CI")),
        ("countries", "Afrique du Sud; Sénégal", "South Africa, Senegal", ("ZA", "SN")),
        ("countries", "Quênia, Moçambique", "Kenya, Mozambique", ("KE", "MZ")),
        ("languages", "portugués, francés", "Portuguese, French", ("pt", "fr")),
        ("languages", "anglais, wolof", "English, Wolof", ("en", "wo")),
        ("languages", "inglês, suaíli", "English, Swahili", ("en", "sw")),
        (
            "sectors",
            "vendedores ambulantes, recicladores",
            "Street vendors, Waste pickers",
            ("street_vendors", "waste_pickers"),
        ),
        ("founded", "1994", "1994", 1994),
        (
            "summary_fr",
            "Organisation de récupérateurs.",
            "Organisation de récupérateurs.",
            (("en", "Alpha in English"), ("fr", "Organisation de récupérateurs.")),
        ),
    ],
)
async def test_fields_in_other_languages(bot, orgs, field, value, shown, stored) -> None:
    listing = await make_editor(bot)
    preview = await edit_field(bot, listing, field, value)
    assert f"New: {shown}" in preview.text
    mark = await confirm(bot, preview)
    await next_send(bot, mark, method="editMessageText")
    org = await orgs.organizations.get("test-alpha")
    attribute = "summaries" if field.startswith("summary_") else field
    assert org is not None and getattr(org, attribute) == stored


async def test_members_with_date(bot, orgs) -> None:
    listing = await make_editor(bot)
    preview = await edit_field(bot, listing, "members", "2,500 recicladores; 2024-03")
    assert "New: 2,500 recicladores (as of 2024-03)" in preview.text
    mark = await confirm(bot, preview)
    await next_send(bot, mark, method="editMessageText")
    org = await orgs.organizations.get("test-alpha")
    assert org is not None and (org.members, org.members_as_of) == ("2,500 recicladores", "2024-03")


@pytest.mark.parametrize(
    ("field", "value", "error"),
    [
        ("website", "javascript:alert(1)", "That is not a web address."),
        (
            "sectors",
            "astronauts",
            "I don’t know these sectors: astronauts. Choose from: Street vendors",
        ),
        ("countries", "Narnia", "I don’t know these countries: Narnia."),
        ("languages", "Elvish", "I don’t know these languages: Elvish."),
        ("founded", str(datetime.now(UTC).year + 1), "That year has not come yet."),
        ("members", "40; someday", "After the semicolon"),
        (
            "summary_en",
            "x" * 4096,
            "That is too long: 4,096 characters, and this field takes at most 1,000.",
        ),
        ("name", "-", "This field cannot be empty."),
    ],
)
async def test_bad_values_are_explained_and_the_edit_goes_on(
    bot, orgs, services, field, value, error
) -> None:
    listing = await make_editor(bot)
    before = await services.db.fetchval("SELECT count(*) FROM org_changes")
    mark = await start_edit(bot, listing, field)
    await next_send(bot, mark)
    reply = await bot.send(value)
    assert reply.text.startswith(error), reply.text
    assert reply.text.endswith("Try again, or send /cancel to stop.")
    assert await services.db.fetchval("SELECT count(*) FROM org_changes") == before
    preview = await bot.send(
        {
            "website": "example.org",
            "sectors": "domestic workers",
            "countries": "Peru",
            "languages": "Quechua",
            "founded": "2001",
            "members": "40",
            "summary_en": "Short.",
            "name": "Alpha",
        }[field]
    )
    assert preview.text.count("New:") == 1


async def test_emoji_and_rtl_text_is_stored_and_shown_escaped(bot, orgs) -> None:
    name = "جمعية العمال 😀 <b>Ação</b> & co"
    listing = await make_editor(bot)
    preview = await edit_field(bot, listing, "name", name)
    assert preview.params["parse_mode"] == "HTML"
    assert "&lt;b&gt;Ação&lt;/b&gt; &amp; co" in preview.text and "<b>Ação</b>" not in preview.text
    mark = await confirm(bot, preview)
    await next_send(bot, mark, method="editMessageText")
    org = await orgs.organizations.get("test-alpha")
    assert org is not None and org.name == name
    shown = await bot.send("/mylisting")
    assert "جمعية العمال 😀 &lt;b&gt;Ação&lt;/b&gt; &amp; co" in shown.text


async def test_same_value_needs_no_confirmation(bot, orgs) -> None:
    listing = await make_editor(bot)
    mark = await start_edit(bot, listing, "countries")
    await next_send(bot, mark)
    reply = await bot.send("Colombia")
    assert reply.text == "That is already the current value: nothing to change."


# --- authorization on every step ---------------------------------------------------------------
async def test_forged_presses_are_refused(bot, orgs, services, caplog) -> None:
    caplog.set_level(logging.WARNING)
    listing = await make_editor(bot)  # USER_ID edits alpha only
    alpha, beta = await nums(orgs)
    cases = [
        (USER_ID, f"le:{beta}:website"),  # another organization's listing
        (USER_ID, f"lm:{beta}"),
        (USER_ID, f"lv:{beta}"),
        (OTHER_ID, f"le:{alpha}:website"),  # not an editor at all
        (OTHER_ID, f"lv:{alpha}"),
        (USER_ID, f"le:{alpha}:kind"),  # not an editable field
        (USER_ID, f"le:{alpha}:verified_at"),
        (USER_ID, "le:abc:website"),
        (USER_ID, "le:999999:website"),
        (USER_ID, f"lc:{alpha}:deadbeef:1"),  # no preview pending
        (USER_ID, f"le:{alpha}"),
        (USER_ID, "lv:" + "9" * 70),
    ]
    before = await services.db.fetchval("SELECT count(*) FROM org_changes")
    for user, data in cases:
        mark = await bot.press(listing, data, user=user)
        answer = answer_after(bot, mark)
        assert answer.params.get("show_alert") is True, data
        assert answer.params.get("text"), data
        assert not [
            c for c in bot.emulator.calls[mark:] if c.method == "sendMessage" and "Now:" in c.text
        ]
    assert await services.db.fetchval("SELECT count(*) FROM org_changes") == before
    assert "listing:field" in caplog.text and f"user {OTHER_ID}" in caplog.text
    assert await services.pending.get(OTHER_ID) is None


async def test_rights_removed_before_the_value_is_sent(bot, orgs, services) -> None:
    listing = await make_editor(bot)
    mark = await start_edit(bot, listing, "city")
    await next_send(bot, mark)
    await orgs.remove_editor("test-alpha", USER_ID, "user:900")
    reply = await bot.send("Cali")
    assert reply.text == "You can only change the listings you were invited to edit."
    assert await services.pending.get(USER_ID) is None
    org = await orgs.organizations.get("test-alpha")
    assert org is not None and org.city == ""
    mark = len(bot.emulator.calls)
    bot.emulator.message(USER_ID, "Cali again")  # the conversation is over: no preview any more
    await bot.idle()
    assert not [c for c in bot.emulator.calls[mark:] if "New:" in c.text]


async def test_rights_removed_before_confirming(bot, orgs, services) -> None:
    listing = await make_editor(bot)
    preview = await edit_field(bot, listing, "city", "Cali")
    await orgs.remove_editor("test-alpha", USER_ID, "user:900")
    before = await services.db.fetchval("SELECT count(*) FROM org_changes")
    mark = await confirm(bot, preview)
    answer = answer_after(bot, mark)
    assert answer.params.get("show_alert") is True
    assert answer.params["text"] == "You can only change the listings you were invited to edit."
    assert await services.db.fetchval("SELECT count(*) FROM org_changes") == before
    assert not [c for c in bot.emulator.calls[mark:] if c.chat_id == ADMIN_ID]


async def test_another_users_preview_cannot_be_confirmed(bot, orgs, services) -> None:
    listing = await make_editor(bot, user=USER_ID)
    await make_editor(bot, user=OTHER_ID)
    preview = await edit_field(bot, listing, "city", "Cali", user=USER_ID)
    mark = await confirm(
        bot, preview, user=OTHER_ID
    )  # OTHER_ID edits alpha too, but has no preview
    assert answer_after(bot, mark).params.get("show_alert") is True
    org = await orgs.organizations.get("test-alpha")
    assert org is not None and org.city == ""


async def test_an_older_preview_is_stale(bot, orgs) -> None:
    listing = await make_editor(bot)
    first = await edit_field(bot, listing, "city", "Cali")
    second = await bot.send("Medellín")
    mark = await confirm(bot, first)
    assert answer_after(bot, mark).params.get("show_alert") is True
    mark = await confirm(bot, second)
    await next_send(bot, mark, method="editMessageText")
    org = await orgs.organizations.get("test-alpha")
    assert org is not None and org.city == "Medellín"


async def revert(bot, change_id: int):
    """/revert N shows what undoing does; its button does it. Returns the result."""
    preview = await bot.send(f"/revert {change_id}", user=ADMIN_ID)
    data = next(b["callback_data"] for b in preview.buttons if b["callback_data"].startswith("rv:"))
    mark = await bot.press(preview, data, user=ADMIN_ID)
    return await next_send(bot, mark, ADMIN_ID, method="editMessageText")


# --- /history and /revert -------------------------------------------------------------------------
async def test_history_and_revert(bot, orgs) -> None:
    listing = await make_editor(bot)
    preview = await edit_field(bot, listing, "city", "Cali")
    mark = await confirm(bot, preview)
    await next_send(bot, mark, chat=ADMIN_ID)  # the admin's notice
    change = (await orgs.recent_changes("test-alpha", 1))[0]
    shown = await bot.send("/history test-alpha", user=ADMIN_ID)
    assert f"#{change.id}" in shown.text and "City: — → Cali" in shown.text
    assert f"user:{USER_ID}" in shown.text
    done = await revert(bot, change.id)
    assert done.text.startswith("Undone: City of test-alpha")
    org = await orgs.organizations.get("test-alpha")
    assert org is not None and org.city == ""
    last = (await orgs.recent_changes("test-alpha", 1))[0]
    assert (last.field, last.old, last.new, last.who) == ("city", "Cali", "", f"user:{ADMIN_ID}")
    again = await revert(bot, change.id)
    assert "nothing changed" in again.text


@pytest.mark.parametrize("arg", ["", "abc", "99999", "-1"])
async def test_revert_bad_arguments(bot, orgs, arg: str) -> None:
    reply = await bot.send(f"/revert {arg}".strip(), user=ADMIN_ID)
    assert reply.text.startswith(("Send /revert", "There is no change"))


async def test_revert_of_a_creation_is_refused(bot, orgs) -> None:
    created = (await orgs.organizations.history("test-alpha"))[0]
    reply = await bot.send(f"/revert {created.id}", user=ADMIN_ID)
    assert "cannot be undone" in reply.text


@pytest.mark.parametrize("command", ["/history test-alpha", "/revert 1", "/invite test-alpha"])
async def test_admin_commands_are_refused_to_editors_and_users(
    bot, orgs, services, command: str
) -> None:
    await make_editor(bot)
    before = await services.db.fetchval("SELECT count(*) FROM org_changes")
    for user in (USER_ID, OTHER_ID):
        reply = await bot.send(command, user=user)
        assert reply.text == "Only WIEGO admins can do this."
    assert await services.db.fetchval("SELECT count(*) FROM org_changes") == before


async def test_admin_commands_stay_out_of_groups(bot, orgs) -> None:
    reply = await bot.send("/history test-alpha", user=ADMIN_ID, chat_id=-5, chat_type="group")
    assert reply.text == "This is private: let’s continue in a private chat."
    assert [b["url"] for b in reply.buttons] == [
        f"https://t.me/{bot.emulator.username}?start=go_history_test-alpha"
    ]


# --- freshness ----------------------------------------------------------------------------
async def test_reminders_go_to_stale_listings_only_and_still_correct_verifies(
    bot, orgs, services
) -> None:
    await make_editor(bot, user=USER_ID, org_id="test-alpha", lang="fr")
    await make_editor(bot, user=OTHER_ID, org_id="test-beta")
    fresh = datetime.now(UTC).isoformat()
    await services.db.conn.execute(
        "UPDATE organizations SET verified_at = ? WHERE id = 'test-beta'", (fresh,)
    )
    mark = len(bot.emulator.calls)
    sent = await send_reminders(bot.app.bot, services)
    assert sent == 1
    reminder = await next_send(bot, mark)
    fr = services.catalogs.translator("fr")
    assert fr._("Still correct") in reminder.buttons[0]["text"]
    assert not [c for c in bot.emulator.calls[mark:] if c.chat_id == OTHER_ID]
    assert await send_reminders(bot.app.bot, services) == 0  # not again tomorrow
    # someone else pressing the button changes nothing
    mark = await bot.press(reminder, reminder.buttons[0]["callback_data"], user=OTHER_ID)
    assert answer_after(bot, mark).params.get("show_alert") is True
    org = await orgs.organizations.get("test-alpha")
    assert org is not None and org.verified_at is None
    mark = await bot.press(reminder, reminder.buttons[0]["callback_data"], user=USER_ID)
    thanks = await next_send(bot, mark)
    assert "Alpha Recyclers" in thanks.text
    org = await orgs.organizations.get("test-alpha")
    assert org is not None and org.verified_at is not None
    assert datetime.fromisoformat(org.verified_at) > datetime.now(UTC) - timedelta(minutes=1)


async def test_reminder_to_someone_who_blocked_the_bot(bot, orgs, services) -> None:
    await make_editor(bot)
    bot.emulator.blocked.add(USER_ID)
    assert await send_reminders(bot.app.bot, services) == 0
    assert await services.listings.due_reminders() == []  # not retried every day


async def test_the_daily_job_is_scheduled(bot) -> None:
    jobs = bot.app.job_queue.get_jobs_by_name("listing-freshness")
    assert len(jobs) == 1
