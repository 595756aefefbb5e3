"""The one gate for text coming in: from Telegram, from import files, from the command line.

`clean` makes any text safe to store and show: Unicode NFC; control characters and invisible
format characters removed (NUL, bidi overrides, zero-width spaces, byte-order marks, soft
hyphens), except what scripts need - a zero-width joiner inside an emoji sequence or between
letters (Indic conjuncts), a zero-width non-joiner between letters (Persian, Indic), the tag
characters of a subdivision flag; whitespace tidied (one line, or lines without trailing
blanks). `field` adds a limit and "required" (non-blank after cleaning).

The parsers (`digits`, `parse_id`, `parse_year`, `parse_date`, `parse_url`, `load_json`)
turn text into values. Each reports a problem only by raising `InputError` - a code and named
parameters that the bot words in the reader's language and the CLI prints on one line - and
never lets anything else escape, whatever the input (property-tested).
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Mapping
from datetime import date
from typing import Any
from urllib.parse import urlparse

ZWJ = "\u200d"
ZWNJ = "\u200c"
_TAGS = range(0xE0020, 0xE0080)  # tag characters: only inside a subdivision flag 🏴...
_BLACK_FLAG = "\U0001f3f4"
_EMOJI_BLOCKS = ((0x1F000, 0x1FAFF), (0x2600, 0x27BF), (0x2300, 0x23FF), (0x2B00, 0x2BFF))
_KEEP_SPACES = "\u00a0\u2007\u202f"  # no-break spaces (French typography) are kept as typed
_SPACE_RUN = re.compile(rf"[^\S\n{_KEEP_SPACES}]+")
_LINE_BREAKS = re.compile("\r\n|[\r\u2028\u2029\x85\x0b\x0c]")
_HOST_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
_DATE = re.compile(r"^([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?$")
_MAX_DIGITS = 18

MIN_YEAR = 1800
MAX_JSON_DEPTH = 4  # a list of records whose values are at most lists of text
MAX_JSON_BYTES = 50 << 20

# Characters each field may hold once cleaned. One table for the bot, import and the CLI.
LIMITS: Mapping[str, int] = {
    "id": 63,
    "name": 200,
    "acronym": 30,
    "kind": 30,
    "city": 100,
    "website": 300,
    "members": 200,
    "members_as_of": 10,
    "founded": 4,
    "parent": 63,
    "wiego_relation": 300,
    "summary": 1000,
    "sources": 2000,
    "list": 1000,  # sectors, countries, regions, languages as written
    "question": 1000,
    "search": 300,
    "feedback": 1000,
    "broadcast": 4096,
}


class InputError(ValueError):
    """Text a field cannot take: `code` and `params` let the caller say why, in any language."""

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params

    def __str__(self) -> str:
        details = ", ".join(f"{k}={v}" for k, v in self.params.items())
        return f"{self.code} ({details})" if details else self.code


# --- cleaning -------------------------------------------------------------------------------
def _emoji_like(ch: str) -> bool:
    if not ch:
        return False
    cp = ord(ch)
    if any(lo <= cp <= hi for lo, hi in _EMOJI_BLOCKS):
        return True
    return unicodedata.category(ch) in ("So", "Sk") or ch == "\ufe0f"


def _script_letter(ch: str) -> bool:
    """A letter or mark outside ASCII: the neighbours a joiner or non-joiner works between."""
    return bool(ch) and not ch.isascii() and unicodedata.category(ch)[0] in ("L", "M")


def _keep_format(prev: str, ch: str, nxt: str, in_flag: bool) -> bool:
    """Whether an invisible format character (category Cf) is needed where it stands."""
    if ch == ZWJ:
        return (_emoji_like(prev) and _emoji_like(nxt)) or (_script_letter(prev) and _script_letter(nxt))
    if ch == ZWNJ:
        return _script_letter(prev) and _script_letter(nxt)
    return ord(ch) in _TAGS and in_flag


def clean(raw: str, *, multiline: bool = False, tidy: bool = True) -> str:
    """Text fit to store and show (see the module docstring); may be empty.

    `tidy=False` keeps the spaces and blank lines as written (a broadcast's layout), removing
    only what must never be stored.
    """
    # the usual message has nothing to remove: one C-speed check instead of the loop
    result = unicodedata.normalize("NFC", raw) if _plain(raw) else _remove_invisible(raw, multiline)
    if not tidy:
        return result if multiline else result.replace("\n", " ")
    if not multiline:
        return _SPACE_RUN.sub(" ", result.replace("\n", " ")).strip()
    lines = [_SPACE_RUN.sub(" ", line).strip() for line in result.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _plain(raw: str) -> bool:
    """Every character printable (no control, format, surrogate, unassigned or odd space) or a
    plain newline: `_remove_invisible` would change nothing but line breaks."""
    return all(line.isprintable() for line in raw.split("\n"))


def _remove_invisible(raw: str, multiline: bool) -> str:
    """Control characters, lone surrogates and unneeded format characters removed, line
    breaks made one kind, composed (NFC) before and after."""
    text = "".join(ch for ch in raw if not 0xD800 <= ord(ch) <= 0xDFFF)  # lone surrogates
    text = unicodedata.normalize("NFC", _LINE_BREAKS.sub("\n", text))
    out: list[str] = []
    in_flag = False
    for i, ch in enumerate(text):
        category = unicodedata.category(ch)
        if category == "Cc":
            if ch == "\n":
                out.append("\n" if multiline else " ")
            elif ch == "\t":
                out.append(" ")
            continue
        if category == "Cf":
            prev = out[-1] if out else ""
            nxt = text[i + 1] if i + 1 < len(text) else ""
            if _keep_format(prev, ch, nxt, in_flag):
                out.append(ch)
                in_flag = in_flag and ch != "\U000e007f"
            continue
        in_flag = ch == _BLACK_FLAG or (in_flag and ord(ch) in _TAGS)
        out.append(ch)
    # removing an invisible character can bring a letter and its accent together: compose again
    return unicodedata.normalize("NFC", "".join(out))


def clip(text: str, limit: int) -> str:
    """At most `limit` characters, cut at a word where one is near, with an ellipsis."""
    if len(text) <= limit:
        return text
    if limit <= 1:
        return text[:limit]
    cut = text.rfind(" ", 0, limit - 1)
    return text[: cut if cut > limit * 3 // 4 else limit - 1].rstrip() + "…"


def field(raw: str, limit: int, *, multiline: bool = False, required: bool = False) -> str:
    """`clean`, then the field's rules: at most `limit` characters; non-blank if required."""
    text = clean(raw, multiline=multiline)
    if required and not text:
        raise InputError("empty")
    if len(text) > limit:
        raise InputError("too_long", limit=limit, length=len(text))
    return text


# --- parsers --------------------------------------------------------------------------------
def digits(raw: str) -> int:
    """A whole number written in decimal digits of any script (1990, ١٩٩٠, १९९०).

    Superscripts, fractions and other "numeric" signs that are not decimal digits (¹⁹⁹⁰, ²,
    ½, Ⅻ) are refused rather than guessed at.
    """
    text = clean(raw)
    if not text or len(text) > _MAX_DIGITS:
        raise InputError("not_a_number")
    if not all(unicodedata.category(ch) == "Nd" for ch in text):
        raise InputError("not_a_number")
    return int("".join(str(unicodedata.decimal(ch)) for ch in text))


def parse_id(raw: str, *, maximum: int = 10**12) -> int:
    """A positive record number as a person types it ("12", "#12")."""
    text = clean(raw).removeprefix("#")
    value = digits(text)
    if not 1 <= value <= maximum:
        raise InputError("out_of_range", maximum=maximum)
    return value


def parse_year(raw: str, today: date, *, earliest: int = MIN_YEAR) -> int:
    try:
        year = digits(raw)
    except InputError:
        raise InputError("bad_year", earliest=earliest) from None
    if not earliest <= year <= 9999:
        raise InputError("bad_year", earliest=earliest)
    if year > today.year:
        raise InputError("future_year")
    return year


def parse_date(raw: str, today: date) -> str:
    """YYYY, YYYY-MM or YYYY-MM-DD: a real date, from MIN_YEAR, not in the future."""
    text = clean(raw)
    match = _DATE.match(text)
    if match is None:
        raise InputError("bad_date")
    year, month, day = int(match[1]), int(match[2] or 1), int(match[3] or 1)
    try:
        when = date(year, month, day)
    except ValueError:
        raise InputError("bad_date") from None
    if year < MIN_YEAR:
        raise InputError("bad_date")
    if when > today:
        raise InputError("future_date")
    return text


def parse_url(raw: str, *, assume_https: bool = True) -> str:
    """An http(s) address with a real host name; `https://` is added when no scheme is given."""
    text = clean(raw)
    if len(text) > LIMITS["website"] or any(ch.isspace() for ch in text):
        raise InputError("bad_url")
    if "://" not in text and assume_https:
        text = "https://" + text
    try:
        url = urlparse(text)
        host = (url.hostname or "").rstrip(".")
        url.port  # noqa: B018 - raises on a port that is not a number in range
        ascii_host = host.encode("idna").decode("ascii").lower()
    except ValueError:  # UnicodeError is a ValueError too
        raise InputError("bad_url") from None
    labels = ascii_host.split(".")
    if url.scheme not in ("http", "https") or not host or url.username or url.password:
        raise InputError("bad_url")
    if len(labels) < 2 or labels[-1].isdigit() or not all(_HOST_LABEL.match(label) for label in labels):
        raise InputError("bad_url")
    return text


def json_depth_ok(text: str, max_depth: int) -> bool:
    """Whether no array or object nests deeper than `max_depth` (checked before parsing, so a
    file nested 100,000 deep costs one pass, not a RecursionError)."""
    depth = 0
    in_string = escaped = False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            if depth > max_depth:
                return False
        elif ch in "]}":
            depth -= 1
    return True


def _no_constant(name: str) -> Any:
    raise InputError("bad_json", reason=f"{name} is not a JSON value")


def _finite(text: str) -> float:
    value = float(text)
    if value in (float("inf"), float("-inf")):
        raise InputError("bad_json", reason=f"{text[:20]} is too large a number")
    return value


def load_json(text: str, *, max_depth: int = MAX_JSON_DEPTH) -> Any:
    """Parse JSON text: at most `max_depth` levels, no NaN or Infinity."""
    if len(text) > MAX_JSON_BYTES:
        raise InputError("bad_json", reason="the file is too large")
    if not json_depth_ok(text, max_depth):
        raise InputError("bad_json", reason=f"nested more than {max_depth} levels deep")
    try:
        return json.loads(text, parse_constant=_no_constant, parse_float=_finite)
    except InputError:
        raise
    except (ValueError, RecursionError) as exc:
        raise InputError("bad_json", reason=str(exc).splitlines()[0][:200]) from None
