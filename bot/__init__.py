"""Telegram adapter: handlers, keyboards, rendering, i18n and the terminal chat."""

__version__ = "0.1.0"
