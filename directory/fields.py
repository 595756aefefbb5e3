"""What every typed-in value goes through, listing fields and policy texts alike.

`clean_text` is the text gate (`directory.gate.field`) with a field's limit; `FieldError` is the
gate's error, a code and parameters the bot words in the reader's language (the domain has no
language of its own).
"""

from __future__ import annotations

from directory import gate

CLEAR = "-"  # what a person sends to leave an optional field empty

# The text gate's error: a code and parameters the bot words in the user's language.
FieldError = gate.InputError


def clean_text(raw: str, max_len: int, *, multiline: bool = False) -> str:
    """NFC, no control or stray invisible characters, whitespace tidied, at most `max_len`
    characters. Emoji, right-to-left text and the joiners they need stay as typed."""
    return gate.field(raw, max_len, multiline=multiline)
