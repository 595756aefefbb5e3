"""Callback data: typed, packed and parsed in one place, the 64-byte limit checked here only.

A button's data is a frozen dataclass deriving from `CallbackData` with a short `prefix`:

    @dataclass(frozen=True)
    class ListingField(CallbackData, prefix="le"):
        num: int
        field: str

`ListingField(7, "website").pack()` gives `"le:7:website"`; `ListingField.parse(data)` gives the
object back or raises `CallbackDataError` for anything this bot did not produce (wrong prefix,
count, type, characters, or more than 64 bytes); `ListingField.pattern()` is the handler's
pattern. Fields are `int` (0 up to 10^12), `str` (letters, digits, `_`, `.`, `-`) or a
`Literal` of strings. A class declared `once=True` is a state-changing press: its packed data
is the key under which the press is claimed in the database (`bot.flow.steps`); classes of one
`group` (a preview's "Confirm" and "Cancel") share the key, so only one of them ever acts.

`pack`/`parse` below serve the older positional buttons of the search and answer views.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields
from typing import Any, ClassVar, Literal, Self, get_args, get_origin, get_type_hints

MAX_BYTES = 64
MAX_INT = 10**12
_PART = re.compile(r"^[A-Za-z0-9_.\-]*$")
_REGISTRY: dict[str, type[CallbackData]] = {}


class CallbackDataError(ValueError):
    """Callback data that this bot did not produce."""


def _checked(parts: list[str]) -> str:
    """Join parts into callback data: THE place where characters and 64 bytes are checked."""
    for text in parts:
        if ":" in text or not _PART.match(text):
            raise ValueError(f"callback part {text!r} has characters outside [A-Za-z0-9_.-]")
    data = ":".join(parts)
    if len(data.encode()) > MAX_BYTES:
        raise ValueError(f"callback data over {MAX_BYTES} bytes: {data!r}")
    return data


def _split(data: str | None) -> list[str]:
    if not data or len(data.encode()) > MAX_BYTES:
        raise CallbackDataError("empty or too long")
    parts = data.split(":")
    if not all(_PART.match(p) for p in parts):
        raise CallbackDataError("unexpected characters")
    return parts


class CallbackData:
    """Base of every typed button; see the module docstring."""

    prefix: ClassVar[str]
    once: ClassVar[bool] = False
    group: ClassVar[str | None] = None

    def __init_subclass__(
        cls, *, prefix: str | None = None, once: bool = False, group: str | None = None, **kwargs: Any
    ) -> None:
        """A class without a prefix is a base that others derive from (it draws no button)."""
        super().__init_subclass__(**kwargs)
        if prefix is None:
            return
        if prefix in _REGISTRY or not _PART.match(prefix) or not prefix:
            raise TypeError(f"callback prefix {prefix!r} is taken or malformed")
        cls.prefix, cls.once, cls.group = prefix, once, group
        _REGISTRY[prefix] = cls

    def pack(self) -> str:
        parts = [self.prefix]
        for name, kind in _fields(type(self)):
            value = getattr(self, name)
            _convert(kind, str(value))  # the rules parsing applies, checked when drawn
            parts.append(str(value))
        return _checked(parts)

    def claim_key(self) -> str:
        """What a `once` press is claimed under: the button itself; buttons of one `group`
        with the same values exclude each other (a preview's "Confirm" and "Cancel")."""
        packed = self.pack()
        return packed if self.group is None else f"{self.group}{packed.removeprefix(self.prefix)}"

    @classmethod
    def parse(cls, data: str | None) -> Self:
        head, *parts = _split(data)
        spec = _fields(cls)
        if head != cls.prefix or len(parts) != len(spec):
            raise CallbackDataError("unexpected shape")
        values = {name: _convert(kind, part) for (name, kind), part in zip(spec, parts, strict=True)}
        return cls(**values)

    @classmethod
    def pattern(cls) -> str:
        return rf"^{re.escape(cls.prefix)}(:|$)"


_FIELDS: dict[type[CallbackData], tuple[tuple[str, Any], ...]] = {}


def _fields(cls: type[CallbackData]) -> tuple[tuple[str, Any], ...]:
    """A class's fields and their declared types, read once."""
    if cls not in _FIELDS:
        hints = get_type_hints(cls)
        _FIELDS[cls] = tuple((f.name, hints[f.name]) for f in fields(cls))  # type: ignore[arg-type]
    return _FIELDS[cls]


def _convert(kind: Any, text: str) -> Any:
    """One part, checked against its declared type (packing and parsing alike)."""
    if kind is int:
        if not text.isdigit() or len(text) > len(str(MAX_INT)) or int(text) > MAX_INT:
            raise CallbackDataError(f"not a whole number: {text!r}")
        return int(text)
    if kind is str:
        if not text or not _PART.match(text):
            raise CallbackDataError(f"not a plain word: {text!r}")
        return text
    if get_origin(kind) is Literal:
        if text not in get_args(kind):
            raise CallbackDataError(f"not one of {get_args(kind)}: {text!r}")
        return text
    raise TypeError(f"callback fields are int, str or Literal, not {kind!r}")


# --- positional buttons (search results, answers) ------------------------------------------
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
    return _checked([kind, *(str(p) for p in parts)])


def parse(data: str | None, *, kind: str, arity: int | tuple[int, int]) -> Callback:
    """Parse and check shape; `arity` is the exact count of parts, or a (min, max) range."""
    head, *parts = _split(data)
    lo, hi = (arity, arity) if isinstance(arity, int) else arity
    if head != kind or not lo <= len(parts) <= hi:
        raise CallbackDataError("unexpected shape")
    return Callback(head, tuple(parts))
