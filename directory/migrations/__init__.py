"""Numbered SQL migrations, applied in order at start; each runs in one transaction."""
