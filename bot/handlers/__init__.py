"""One module per user-facing feature; each exposes `register(application)`."""

from types import ModuleType

from bot.handlers import ask, broadcast, listings, nearby, policy_admin, search

# Feature modules register in this order; each exposes `register(application)`.
# broadcast comes first: its text handler claims messages only while a draft is pending.
# listings and policy_admin too: their text handlers claim messages only while an edit is pending.
# search and ask claim no free text: plain questions are taken last, by ask.register_free_text.
# nearby takes shared locations, before the fallback that answers other non-text messages.
FEATURES: tuple[ModuleType, ...] = (broadcast, listings, policy_admin, search, ask, nearby)
