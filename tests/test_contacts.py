"""An organization's public contact routes (e-mail, phone, social-media page): members edit
them like the other fields, the phone checked and shown in international form, and cards show
what exists."""

from __future__ import annotations

import re

import pytest

from bot import cards
from directory.fields import FieldError
from directory.listing_fields import parse_field
from tests.conftest import ADMIN_ID, USER_ID

LINK = re.compile(r"start=claim_([A-Za-z0-9_-]+)")


@pytest.fixture
async def listing(bot, services, alpha):
    invite = await bot.send("/invite test-alpha", user=ADMIN_ID)
    mark = len(bot.emulator.calls)
    await bot.send(f"/start claim_{LINK.search(invite.text)[1]}", lang="es")  # type: ignore[index]
    return await bot.emulator.wait_for(lambda c: c.chat_id == USER_ID and bool(c.buttons), after=mark)


async def edit(bot, listing, field: str, value: str, lang: str = "en"):
    data = next(b["callback_data"] for b in listing.buttons if b["callback_data"].endswith(f":{field}"))
    mark = await bot.press(listing, data, lang=lang)
    prompt = await bot.emulator.wait_for(lambda c: c.method == "sendMessage" and c.chat_id == USER_ID, after=mark)
    return prompt, await bot.send(value, lang=lang)


async def confirm(bot, preview) -> None:
    data = next(b["callback_data"] for b in preview.buttons if b["callback_data"].startswith("lc:"))
    mark = await bot.press(preview, data)
    await bot.emulator.wait_for(lambda c: c.method == "editMessageText", after=mark)


async def test_members_set_their_contact_routes_and_cards_show_them(bot, services, listing) -> None:
    labels = [b["text"] for b in listing.buttons]
    assert {"Correo electrónico", "Teléfono", "Redes sociales"} <= set(labels)
    prompt, preview = await edit(bot, listing, "phone", "601 3344556")  # a local number in Colombia
    assert "Never a person's private number." in prompt.text
    assert "New: +57 601 3344556" in preview.text
    await confirm(bot, preview)
    _, preview = await edit(bot, listing, "email", "Contacto@Alpha.example.org")
    await confirm(bot, preview)
    _, preview = await edit(bot, listing, "social", "facebook.com/alpha")
    await confirm(bot, preview)
    org = await services.listings.organizations.get("test-alpha")
    assert org is not None
    assert dict(org.details) == {
        "email": "Contacto@alpha.example.org",
        "phone": "+57 601 3344556",
        "social": "https://facebook.com/alpha",
    }
    found = await bot.send("/start org_test-alpha")  # the listing as everyone sees it
    for line in ("✉️ Contacto@alpha.example.org", "☎️ +57 601 3344556", "🔗 https://facebook.com/alpha"):
        assert line in found.text
    history = await bot.send("/history test-alpha", user=ADMIN_ID)
    assert "Phone: — → +57 601 3344556" in history.text


async def test_a_contact_route_is_removed_with_a_dash(bot, services, listing) -> None:
    _, preview = await edit(bot, listing, "email", "info@alpha.example.org")
    await confirm(bot, preview)
    _, preview = await edit(bot, listing, "email", "-")
    await confirm(bot, preview)
    org = await services.listings.organizations.get("test-alpha")
    assert org is not None and org.details == ()
    assert "✉️" not in cards.card(services.catalogs.translator("en"), org)


@pytest.mark.parametrize(
    ("field", "value", "error"),
    [
        ("phone", "12345", "That is not a phone number I can check."),
        ("phone", "+44 7012 345678", "That is a personal number."),
        ("email", "alpha at example", "That is not an e-mail address."),
        ("social", "not a page", "That is not a web address."),
    ],
)
async def test_bad_contact_routes_are_explained(bot, services, listing, field, value, error) -> None:
    _, reply = await edit(bot, listing, field, value)
    assert reply.text.startswith(error)
    org = await services.listings.organizations.get("test-alpha")
    assert org is not None and org.details == ()


def test_a_number_without_country_code_needs_the_country() -> None:
    assert parse_field("phone", "601 3344556", region="CO").value == "+57 601 3344556"
    with pytest.raises(FieldError):
        parse_field("phone", "601 3344556", region=None)
