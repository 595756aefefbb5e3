"""Questions through the stand-in server: policy answers, referrals, feedback, groups."""

from __future__ import annotations

import re

import pytest

from tests.conftest import USER_ID


async def test_private_question_gets_verdict_links_and_referrals(bot, services, monkeypatch) -> None:
    from bot.handlers import ask

    monkeypatch.setattr(ask, "TYPING_AFTER", 0.0)  # show "typing…" however fast the answer is
    mark = len(bot.emulator.calls)
    reply = await bot.send("Pouvez-vous me présenter des vendeurs de rue au Ghana pour des entretiens ?", lang="fr")
    rule = await services.policy.rules.get("access_to_workers")
    assert rule is not None
    assert rule.text("fr").verdict_line in reply.text
    assert "IHVAG" in reply.text or "GAMA" in reply.text
    assert reply.params.get("reply_parameters"), "the answer quotes the question"
    typing = [i for i, c in enumerate(bot.emulator.calls[mark:]) if c.method == "sendChatAction"]
    answer_at = next(i for i, c in enumerate(bot.emulator.calls[mark:]) if c.method == "sendMessage")
    assert typing and typing[0] < answer_at
    assert bot.emulator.calls[mark + typing[0]].params["action"] == "typing"
    assert any(b["callback_data"].startswith("m:") for b in reply.buttons)


async def test_more_continues_past_the_cards_shown(bot, services) -> None:
    reply = await bot.send("How do I get access to waste pickers in India for my study?")
    answer = await services.policy.answer("How do I get access to waste pickers in India for my study?")
    shown = answer.organizations[:3]
    assert all(o.name in reply.text for o in shown)
    more = next(b["callback_data"] for b in reply.buttons if b["callback_data"].startswith("m:"))
    mark = await bot.press(reply, more)
    results = await bot.emulator.wait_for(lambda c: c.method == "sendMessage", after=mark)
    headings = re.findall(r"<b>\d+\. ([^<]+)</b>", results.text)
    assert headings and not any(o.name in heading for o in shown for heading in headings), "never the same three"
    assert answer.organizations[3].name in headings[0]
    assert "<b>4. " in results.text, "numbering goes on from the cards of the answer"
    seen = {b["callback_data"].split(":")[1] for b in results.buttons if b["callback_data"].startswith("o:")}
    assert seen and not seen & {o.id for o in shown}


@pytest.mark.parametrize(
    ("lang", "question"),
    [
        ("en", "Hello, can WIEGO give my organization a grant for new equipment?"),
        ("es", "Hola, ¿WIEGO financia proyectos comunitarios de vendedoras ambulantes?"),
        ("fr", "Bonjour, WIEGO accorde-t-il des financements aux associations de vendeuses ?"),
        ("pt", "Olá, a WIEGO oferece financiamento para cooperativas de catadoras?"),
    ],
)
async def test_a_clear_sentence_is_answered_in_its_own_language_with_a_keep_button(
    bot, services, catalogs, lang: str, question: str
) -> None:
    rule = await services.policy.rules.get("funding")
    assert rule is not None
    for user_lang in ("en", "pt"):
        reply = await bot.send(question, lang=user_lang, user=USER_ID + len(question))
        assert rule.text(lang).verdict_line in reply.text
        keep = [b["callback_data"] for b in reply.buttons if b["callback_data"].startswith("kl:")]
        assert keep == ([] if user_lang == lang else [f"kl:{lang}"])


async def test_keep_language_saves_the_choice_and_leaves_the_answer(bot, services) -> None:
    reply = await bot.send("Buenas tardes, ¿ustedes tienen pasantías para estudiantes?", lang="en")
    mark = await bot.press(reply, "kl:es")
    edit = await bot.emulator.wait_for(lambda c: c.method == "editMessageReplyMarkup", after=mark)
    assert not any(b["callback_data"].startswith("kl:") for b in edit.buttons)
    assert await services.users.chosen_locale(USER_ID) == "es"
    short = await bot.send("internship?", lang="en")
    rule = await services.policy.rules.get("internship")
    assert rule is not None and rule.text("es").verdict_line in short.text


async def test_a_short_message_keeps_the_users_language(bot, services) -> None:
    reply = await bot.send("pasantías?", lang="fr")
    rule = await services.policy.rules.get("internship")
    assert rule is not None and rule.text("fr").verdict_line in reply.text
    assert not any(b["callback_data"].startswith("kl:") for b in reply.buttons)


async def test_a_short_follow_up_stays_in_the_language_the_chat_is_in(bot, services, catalogs) -> None:
    es = catalogs.translator("es")
    first = await bot.send("Buscamos organizaciones de recicladoras en Colombia", lang="en")
    assert es.country("CO") in first.text
    follow = await bot.send("y en Ecuador?", lang="en")  # too short to tell: the chat's Spanish
    understood = {lang: catalogs.translator(lang)._("Understood: %(filters)s", filters="|").split("|")[0] for lang in ("en", "es")}
    assert understood["es"] in follow.text and understood["en"] not in follow.text
    assert "RENAREC" in follow.text
    other = await bot.send("pasantías?", lang="en", user=USER_ID + 1)  # another chat: its own language
    rule = await services.policy.rules.get("internship")
    assert rule is not None and rule.text("en").verdict_line in other.text
    english = await bot.send("Do you have internships for students this summer?", lang="en")
    assert rule.text("en").verdict_line in english.text  # a clear message moves the chat's language
    short = await bot.send("pasantías?", lang="en")
    assert rule.text("en").verdict_line in short.text


@pytest.mark.parametrize(
    "question",
    ["Habari, tunahitaji pesa kwa ajili ya mradi wa wauzaji wa mitaani", "मुझे अपने व्यापार के लिए पैसे चाहिए"],
)
async def test_a_language_the_bot_does_not_read_is_told_which_it_reads(
    bot, services, catalogs, question: str
) -> None:
    reply = await bot.send(question, lang="fr")
    for name in ("English", "Español", "Français", "Português"):
        assert name in reply.text
    t_fr, t_en = catalogs.translator("fr"), catalogs.translator("en")
    names = ", ".join(i.native_name for i in catalogs.ordered())
    assert t_fr._("I can only read these languages: %(languages)s.", languages=names) in reply.text
    assert t_en._("I can only read these languages: %(languages)s.", languages=names) in reply.text
    assert "d" in [b["callback_data"] for b in reply.buttons]
    assert await services.feedback.recent_unanswered() == []


async def test_two_asks_are_both_answered(bot, services, catalogs) -> None:
    reply = await bot.send(
        "I'm a journalist at a radio in Accra: could someone at WIEGO give us an interview? "
        "And could you also put me in touch with street vendors in Accra?"
    )
    media = await services.policy.rules.get("media")
    access = await services.policy.rules.get("access_to_workers")
    assert media is not None and access is not None
    assert media.text("en").verdict_line in reply.text
    also = catalogs.translator("en")._("You also asked:")
    assert also in reply.text
    assert reply.text.index(media.text("en").verdict_line) < reply.text.index(also)
    assert access.text("en").verdict_line in reply.text.split(also, 1)[1]
    assert "IHVAG" in reply.text or "GAMA" in reply.text  # the referral of the rule that calls for one


@pytest.mark.parametrize(
    ("greeting", "lang"),
    [("hello", "en"), ("hola!", "en"), ("thanks!", "en"), ("👋", "en"), ("who are you?", "en"),
     ("obrigada 🙏", "pt")],  # short, but only Portuguese writes "obrigada"
)
async def test_small_talk_gets_a_friendly_reply_not_a_refusal(bot, services, catalogs, greeting, lang) -> None:
    reply = await bot.send(greeting)
    t = catalogs.translator(lang)
    assert t._("Ask me in your own words, for example:") in reply.text
    assert t._("I found nothing in WIEGO’s policy about this, so I won’t guess.") not in reply.text
    assert await services.feedback.recent_unanswered() == []


async def test_a_long_letter_is_read_for_its_ask_at_the_end(bot, services) -> None:
    story = (
        "Dear WIEGO team, I hope you are all well. I write from Kisumu, where I have sold "
        "vegetables at the market for twenty years, like my mother before me. "
    ) * 25
    letter = (story + "My question is simple: do you offer internships for young people?")[-4000:]
    assert len(letter) > 3000
    reply = await bot.send(letter)
    rule = await services.policy.rules.get("internship")
    assert rule is not None and rule.text("en").verdict_line in reply.text


async def test_off_topic_is_refused_honestly_and_recorded(bot, services, catalogs) -> None:
    reply = await bot.send("What is the capital of France?")
    t = catalogs.translator("en")
    assert t._("I found nothing in WIEGO’s policy about this, so I won’t guess.") in reply.text
    assert "d" in [b["callback_data"] for b in reply.buttons]
    unanswered = await services.feedback.recent_unanswered()
    assert [e.question for e in unanswered] == ["What is the capital of France?"]


async def test_groups_only_answer_ask(bot, services) -> None:
    emulator = bot.emulator
    mark = len(emulator.calls)
    emulator.message(USER_ID, "Can WIEGO give us a grant?", chat_id=-500, chat_type="group")
    reply = await bot.send("/ask Can WIEGO give us a grant?", chat_id=-500, chat_type="group")
    rule = await services.policy.rules.get("funding")
    assert rule is not None and rule.text("en").verdict_line in reply.text
    assert len([c for c in emulator.calls[mark:] if c.method == "sendMessage" and c.chat_id == -500]) == 1


async def test_ask_without_question_explains(bot, catalogs) -> None:
    reply = await bot.send("/ask", lang="es")
    assert reply.text == catalogs.translator("es")._(
        "Write your question after /ask, for example: /ask Can WIEGO fund our project?"
    )


async def test_a_4096_character_question_is_answered(bot) -> None:
    reply = await bot.send(("Can WIEGO fund us? " * 300)[:4096])
    assert reply.text and len(reply.text) <= 4096


async def test_typing_already_sent_is_let_finish_before_the_answer(bot, monkeypatch) -> None:
    """A slow "typing…" in flight when the answer is ready is awaited, not cut off mid-request:
    the server sees it whole, and it never lands after the answer it announces."""
    import asyncio

    from bot.handlers import ask

    monkeypatch.setattr(ask, "TYPING_AFTER", 0.0)

    async def slow_chat_action(params: dict[str, object]) -> bool:
        await asyncio.sleep(0.3)
        return True

    monkeypatch.setattr(bot.emulator, "api_sendChatAction", slow_chat_action, raising=False)
    mark = len(bot.emulator.calls)
    await bot.send("Can you put me in touch with waste pickers in Brazil for interviews?")
    methods = [c.method for c in bot.emulator.calls[mark:]]
    assert "sendChatAction" in methods
    assert methods.index("sendChatAction") < methods.index("sendMessage")


async def test_organizations_asked_second_follow_that_ask(bot) -> None:
    """Funding first (it names no one), organizations second: the reply says no to the money,
    then "You also asked: find organizations", then the cards themselves."""
    reply = await bot.send(
        "Do you give grants to street vendor groups? If not, are there vendor unions in Kenya we could join?"
    )
    also = reply.text.index("You also asked")
    assert "KENASVIT" in reply.text[also:], "the organizations come with the ask they answer"
    assert "KENASVIT" not in reply.text[:also]


@pytest.mark.parametrize(
    ("first", "then", "lang"),
    [
        ("Which organisations represent home-based workers in Pakistan?", "what about Wakanda lol", "en"),
        ("¿Hay organizaciones de recicladoras en Colombia?", "y en Narnia?", "es"),
    ],
)
async def test_a_follow_up_naming_an_unknown_place_says_so(
    bot, catalogs, first: str, then: str, lang: str
) -> None:
    """ "What about Wakanda?" continues the subject and says the place is not recognized,
    instead of greeting the person as if nothing had been asked."""
    await bot.send(first, lang=lang)
    reply = await bot.send(then, lang=lang)
    name = then.split()[-2] if then.endswith("lol") else then.split()[-1].rstrip("?")
    assert name in reply.text
    assert catalogs.translator(lang)._("Ask me in your own words, for example:") not in reply.text
    assert "HomeNet" in reply.text or "IAWP" in reply.text or "International Alliance" in reply.text


async def test_how_to_contact_a_named_organization_shows_it(bot) -> None:
    reply = await bot.send("how do I contact SEWA?")
    assert "Self-Employed Women's Association" in reply.text
    assert "KKPKP" not in reply.text, "the organization asked for, not every summary naming it"


@pytest.mark.parametrize(
    ("message", "lang", "thanks"),
    [
        ("merci beaucoup 🙏", "fr", True),
        ("valeu!!", "pt", True),
        ("thx a lot", "en", True),
        ("muchas gracias", "es", True),
        ("bonjour", "fr", False),
        ("hola!", "es", False),
    ],
)
async def test_thanks_is_answered_welcome_and_a_greeting_hello(
    bot, catalogs, message: str, lang: str, thanks: bool
) -> None:
    t = catalogs.translator(lang)
    reply = await bot.send(message, lang=lang)
    welcome = t._("You're welcome! Ask me again whenever you need to.")
    hello = t._("Hello! I tell you whether WIEGO can help with what you need, and who can if it can't.")
    assert (welcome in reply.text) is thanks and (hello in reply.text) is not thanks
    assert t._("Ask me in your own words, for example:") in reply.text


async def test_a_follow_up_naming_an_organization_is_no_unknown_place(bot, catalogs) -> None:
    await bot.send("street vendors in Kenya")
    reply = await bot.send("and StreetNet?")
    assert "StreetNet International" in reply.text
    unknown = catalogs.translator("en")._(
        "I did not recognize the place you named (%(place)s), so here are the networks that "
        "work everywhere. A country or a large city finds organizations nearer to you.",
        place="“StreetNet”",
    )
    assert unknown not in reply.text and "StreetNet”" not in reply.text
