"""Configuration from the environment (and an optional `.env`), validated once at start.

A wrong value raises `ConfigError` whose message is one line naming the variable and what is
expected; `main.py` prints it and exits with status 2.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

DEFAULT_API_BASE_URL = "https://api.telegram.org/bot"
MAX_BROADCAST_RATE = 30.0  # Telegram's limit across all chats
_TOKEN = re.compile(r"^\d{1,20}:[A-Za-z0-9_-]{20,}$")
_SECRET = re.compile(r"^[A-Za-z0-9_-]{1,256}$")


class ConfigError(ValueError):
    """One clear line for the operator: which variable, and what is expected."""

    def __init__(self, variable: str, expected: str) -> None:
        super().__init__(f"{variable}: {expected}")
        self.variable = variable


CACHE_OFF = frozenset({"", "0", "off", "no", "false"})  # as `directory.derived.OFF`


@dataclass(frozen=True)
class Config:
    token: str | None = None
    api_base_url: str = DEFAULT_API_BASE_URL
    db_path: Path = Path("wiego.sqlite3")
    admins: frozenset[int] = field(default_factory=frozenset)
    default_locale: str = "en"
    webhook_url: str | None = None
    webhook_port: int = 8443
    webhook_secret: str | None = None
    webhook_listen: str = "0.0.0.0"  # noqa: S104 - Telegram must reach the webhook
    health_port: int | None = None
    log_format: str = "text"
    flood_per_minute: int = 20
    flood_cooldown: int = 60
    backup_dir: Path | None = None
    backup_keep: int = 7
    broadcast_rate: float = 30.0
    broadcast_lease: float = 30.0

    @property
    def mode(self) -> str:
        return "webhook" if self.webhook_url else "polling"

    def require_token(self) -> str:
        if not self.token:
            raise ConfigError("TELEGRAM_BOT_TOKEN", "not set; expected the token from @BotFather")
        return self.token


def _url(variable: str, value: str, *, schemes: tuple[str, ...] = ("http", "https")) -> str:
    parsed = urlparse(value)
    if parsed.scheme not in schemes or not parsed.netloc:
        raise ConfigError(variable, f"expected an {' or '.join(schemes)} URL, got {value!r}")
    return value


def _port(variable: str, value: str) -> int:
    if not value.isdigit() or not 1 <= int(value) <= 65535:
        raise ConfigError(variable, f"expected a port number 1-65535, got {value!r}")
    return int(value)


def _count(variable: str, value: str, *, minimum: int) -> int:
    if not value.isdigit() or int(value) < minimum:
        raise ConfigError(variable, f"expected a whole number of at least {minimum}, got {value!r}")
    return int(value)


def _rate(variable: str, value: str, *, maximum: float) -> float:
    try:
        rate = float(value)
    except ValueError:
        rate = math.nan
    if not 0 < rate <= maximum:  # also refuses nan and inf
        expected = f"expected messages a second, more than 0 and at most {maximum:g}, got {value!r}"
        raise ConfigError(variable, expected)
    return rate


def _lease(variable: str, value: str) -> float:
    try:
        seconds = float(value)
    except ValueError:
        seconds = math.nan
    if not 1 <= seconds < math.inf:  # also refuses nan
        raise ConfigError(variable, f"expected seconds, at least 1, like 30, got {value!r}")
    return seconds


def load_config(env: Mapping[str, str], available_locales: frozenset[str]) -> Config:
    """Build the configuration from `env`; every value is checked before anything starts."""

    def get(name: str) -> str | None:
        value = env.get(name, "").strip()
        return value or None

    token = get("TELEGRAM_BOT_TOKEN")
    if token is not None and not _TOKEN.match(token):
        raise ConfigError(
            "TELEGRAM_BOT_TOKEN", "expected a bot token like 123456:ABC-DEF..., from @BotFather"
        )

    base_url = get("TELEGRAM_API_BASE_URL") or DEFAULT_API_BASE_URL
    _url("TELEGRAM_API_BASE_URL", base_url)

    db_path = Path(get("WIEGO_DB") or "wiego.sqlite3")
    if db_path.exists() and db_path.is_dir():
        raise ConfigError("WIEGO_DB", f"expected a file path, but {str(db_path)!r} is a directory")
    if not db_path.parent.exists() and str(db_path) != ":memory:":
        raise ConfigError("WIEGO_DB", f"the folder {str(db_path.parent)!r} does not exist")

    admins: set[int] = set()
    for part in (get("WIEGO_ADMINS") or "").split(","):
        part = part.strip()
        if not part:
            continue
        if not part.isdigit():
            raise ConfigError("WIEGO_ADMINS", f"expected comma-separated Telegram user ids, got {part!r}")
        admins.add(int(part))

    default_locale = (get("WIEGO_DEFAULT_LOCALE") or "en").replace("-", "_")
    if default_locale not in available_locales:
        raise ConfigError(
            "WIEGO_DEFAULT_LOCALE",
            f"expected one of {', '.join(sorted(available_locales))}, got {default_locale!r}",
        )

    webhook_url = get("WEBHOOK_URL")
    if webhook_url is not None:
        _url("WEBHOOK_URL", webhook_url)
    webhook_port = _port("WEBHOOK_PORT", get("WEBHOOK_PORT") or "8443")
    webhook_secret = get("WEBHOOK_SECRET")
    if webhook_secret is not None and not _SECRET.match(webhook_secret):
        raise ConfigError("WEBHOOK_SECRET", "expected 1-256 characters: letters, digits, _ and -")
    if webhook_url is not None and webhook_secret is None:
        raise ConfigError("WEBHOOK_SECRET", "required when WEBHOOK_URL is set (Telegram sends it back)")

    health = get("HEALTH_PORT")
    log_format = (get("LOG_FORMAT") or "text").lower()
    if log_format not in {"text", "json"}:
        raise ConfigError("LOG_FORMAT", f"expected text or json, got {log_format!r}")

    flood = _count("FLOOD_RATE", get("FLOOD_RATE") or "20", minimum=1)
    cooldown = _count("FLOOD_COOLDOWN", get("FLOOD_COOLDOWN") or "60", minimum=1)
    backup_keep = _count("BACKUP_KEEP", get("BACKUP_KEEP") or "7", minimum=0)
    broadcast_rate = _rate("BROADCAST_RATE", get("BROADCAST_RATE") or "30", maximum=MAX_BROADCAST_RATE)
    broadcast_lease = _lease("BROADCAST_LEASE", get("BROADCAST_LEASE") or "30")
    backup_dir = Path(get("BACKUP_DIR") or db_path.parent / "backups")
    if backup_dir.exists() and not backup_dir.is_dir():
        raise ConfigError("BACKUP_DIR", f"expected a folder, but {str(backup_dir)!r} is a file")
    # read by directory/derived.py from the environment (the domain never imports this module);
    # checked here so that a wrong value stops the program with one line, like the others
    cache_dir = get("WIEGO_CACHE_DIR") or ""
    if cache_dir.strip().lower() not in CACHE_OFF and Path(cache_dir).is_file():
        raise ConfigError("WIEGO_CACHE_DIR", f"expected a folder or off, but {cache_dir!r} is a file")

    return Config(
        token=token,
        api_base_url=base_url,
        db_path=db_path,
        admins=frozenset(admins),
        default_locale=default_locale,
        webhook_url=webhook_url,
        webhook_port=webhook_port,
        webhook_secret=webhook_secret,
        webhook_listen=get("WEBHOOK_LISTEN") or "0.0.0.0",  # noqa: S104
        health_port=_port("HEALTH_PORT", health) if health else None,
        log_format=log_format,
        flood_per_minute=flood,
        flood_cooldown=cooldown,
        backup_dir=backup_dir,
        backup_keep=backup_keep,
        broadcast_rate=broadcast_rate,
        broadcast_lease=broadcast_lease,
    )
