"""One module (or package) per user-facing feature; each exposes `register(application)`."""

from types import ModuleType

from bot.handlers import account, ask, broadcast, feedback, listings, nearby, policy, search

# Feature modules register in this order; each exposes `register(application)`. A message that
# continues a conversation (a listing edit, a rule edit, a broadcast draft) is taken before any
# of them (`bot.flow.steps.continue_conversation`); search and ask claim no free text: plain
# questions are taken last, by ask.register_free_text. nearby takes shared locations, before the
# fallback that answers other non-text messages.
FEATURES: tuple[ModuleType, ...] = (account, broadcast, listings, policy, feedback, search, ask, nearby)
