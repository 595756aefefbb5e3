"""Callback data: short, typed, validated on every press.

Format: `<kind>:<part>:<part>...`, at most 64 bytes (Telegram's limit). Anything that does not
parse is treated as forged: handlers answer it with a short notice and change nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_BYTES = 64
_PART = re.compile(r"^[A-Za-z0-9_.\-]*$")


class CallbackDataError(ValueError):
    """Callback data that this bot did not produce."""


@dataclass(frozen=True)
class Callback:
    kind: str
    parts: tuple[str, ...]

    def int_part(self, index: int, *, minimum: int = 0, maximum: int = 10**9) -> int:
        try:
            value = int(self.parts[index])
        except (IndexError, ValueError) as exc:
            raise CallbackDataError(f"bad integer at {index}") from exc
        if not minimum <= value <= maximum:
            raise CallbackDataError(f"integer out of range at {index}")
        return value

    def part(self, index: int) -> str:
        try:
            return self.parts[index]
        except IndexError as exc:
            raise CallbackDataError(f"missing part {index}") from exc


def pack(kind: str, *parts: object) -> str:
    texts = [str(p) for p in parts]
    for text in (kind, *texts):
        if ":" in text or not _PART.match(text):
            raise ValueError(f"callback part {text!r} has characters outside [A-Za-z0-9_.-]")
    data = ":".join([kind, *texts])
    if len(data.encode()) > MAX_BYTES:
        raise ValueError(f"callback data over {MAX_BYTES} bytes: {data!r}")
    return data


def parse(data: str | None, *, kind: str, arity: int | tuple[int, int]) -> Callback:
    """Parse and check shape; `arity` is the exact count of parts, or a (min, max) range."""
    if not data or len(data.encode()) > MAX_BYTES:
        raise CallbackDataError("empty or too long")
    head, *parts = data.split(":")
    lo, hi = (arity, arity) if isinstance(arity, int) else arity
    if head != kind or not lo <= len(parts) <= hi or not all(_PART.match(p) for p in parts):
        raise CallbackDataError("unexpected shape")
    return Callback(head, tuple(parts))
