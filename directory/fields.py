"""What every typed-in value goes through, listing fields and policy texts alike.

`clean_text` normalizes and bounds a text; `FieldError` carries a code and parameters the bot
words in the reader's language (the domain has no language of its own).
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

CLEAR = "-"  # what a person sends to leave an optional field empty


class FieldError(ValueError):
    """A value the field cannot take; `code` and `params` let the bot say why."""

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


def clean_text(raw: str, max_len: int, *, multiline: bool = False) -> str:
    """NFC, trimmed, no control characters; single-line fields get their whitespace collapsed.

    Emoji, right-to-left text and their joiners and marks (format characters) stay as typed.
    """
    text = unicodedata.normalize("NFC", raw)
    if multiline:
        lines = text.replace("\r\n", "\n").replace("\t", " ").split("\n")
        text = "\n".join(line.strip() for line in lines).strip()
        text = re.sub(r"\n{3,}", "\n\n", text)
    else:
        text = " ".join(text.split())
    if any(unicodedata.category(ch) == "Cc" and ch != "\n" for ch in text):
        raise FieldError("control_characters")
    if len(text) > max_len:
        raise FieldError("too_long", limit=max_len, length=len(text))
    return text
