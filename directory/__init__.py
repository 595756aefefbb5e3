"""The domain: organizations, places, sectors, policy rules and their storage.

Nothing in this package imports Telegram; it returns plain data that `bot/` renders.
"""
