"""One module per user-facing feature; each exposes `register(application)`."""

from types import ModuleType

# Feature modules register in this order; each exposes `register(application)`.
FEATURES: tuple[ModuleType, ...] = ()
