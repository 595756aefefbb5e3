"""Typed callback data: packed and parsed in one place, the 64-byte limit checked there, and
anything the bot did not produce refused."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import pytest
from hypothesis import given
from hypothesis import strategies as st

import bot.app  # noqa: F401 - registers every feature's button classes
from bot import callbacks
from bot.callbacks import MAX_BYTES, CallbackData, CallbackDataError


@dataclass(frozen=True)
class Sample(CallbackData, prefix="zz-sample"):
    num: int
    word: str
    choice: Literal["yes", "no"]


@dataclass(frozen=True)
class Confirm(CallbackData, prefix="zz-ok", once=True, group="zz-preview"):
    token: str
    version: int


@dataclass(frozen=True)
class Cancel(CallbackData, prefix="zz-no", once=True, group="zz-preview"):
    token: str
    version: int


WORDS = st.text(alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-", min_size=1, max_size=30)


@given(num=st.integers(min_value=0, max_value=10**12), word=WORDS, choice=st.sampled_from(["yes", "no"]))
def test_pack_then_parse_gives_the_same_button(num: int, word: str, choice: str) -> None:
    button = Sample(num, word, choice)  # type: ignore[arg-type]
    try:
        data = button.pack()
    except ValueError:
        assert len(f"zz-sample:{num}:{word}:{choice}".encode()) > MAX_BYTES
        return
    assert len(data.encode()) <= MAX_BYTES
    assert Sample.parse(data) == button


@pytest.mark.parametrize(
    "data",
    [
        None,
        "",
        "zz-sample",
        "zz-sample:1:w",
        "zz-sample:1:w:yes:extra",
        "zz-sample:x:w:yes",
        "zz-sample:-1:w:yes",
        "zz-sample:1::yes",
        "zz-sample:1:w:maybe",
        "zz-sample:1:w/x:yes",
        "zz-sample:1:wörd:yes",
        "zz-ok:abc:1",
        "zz-sample:1:" + "w" * 60 + ":yes",
        "zz-sample:99999999999999:w:yes",
    ],
)
def test_anything_else_is_refused(data: str | None) -> None:
    with pytest.raises(CallbackDataError):
        Sample.parse(data)


def test_the_limit_is_checked_when_a_button_is_drawn() -> None:
    with pytest.raises(ValueError, match="64 bytes"):
        Sample(1, "w" * 60, "yes").pack()
    with pytest.raises(ValueError, match="plain word"):
        Sample(1, "a:b", "yes").pack()
    with pytest.raises(ValueError, match="64 bytes"):
        callbacks.pack("s", "w" * 70)


def test_a_prefix_is_taken_once() -> None:
    with pytest.raises(TypeError, match="taken"):

        @dataclass(frozen=True)
        class Again(CallbackData, prefix="zz-sample"):
            num: int


def test_buttons_of_one_group_share_their_claim() -> None:
    assert Confirm("ab12", 3).claim_key() == Cancel("ab12", 3).claim_key() == "zz-preview:ab12:3"
    assert Confirm("ab12", 4).claim_key() != Confirm("ab12", 3).claim_key()
    assert Sample(1, "w", "yes").claim_key() == "zz-sample:1:w:yes"


def test_the_pattern_routes_only_its_own_prefix() -> None:
    import re

    assert re.match(Confirm.pattern(), "zz-ok:ab:1")
    assert re.match(Confirm.pattern(), "zz-ok")
    assert not re.match(Confirm.pattern(), "zz-okay:ab:1")


def test_every_button_of_the_bot_is_typed_and_prefixes_do_not_shadow_each_other() -> None:
    prefixes = list(callbacks._REGISTRY)
    for prefix in prefixes:
        for other in prefixes:
            if other != prefix:
                assert not other.startswith(prefix + ":"), (prefix, other)
    expected = {"lm", "le", "lc", "lx", "lv", "rv", "er", "ei", "pa", "pr", "pv", "ps", "pl", "pf", "pk"}
    assert expected | {"px", "ph", "pb", "dl", "da", "ds", "dd", "bcl", "bcx", "fgt", "fb", "lang"} <= set(prefixes)
    state_changing = {p for p, cls in callbacks._REGISTRY.items() if cls.once and not p.startswith("zz")}
    assert state_changing == {"lc", "lx", "rv", "er", "ei", "ps", "pk", "px", "pb", "ds", "dd"}
