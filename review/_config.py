"""The review app's configuration, from the environment only (no secret ever has a default)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


class ConfigError(RuntimeError):
    """The app cannot start as configured (e.g. HOTICH_SECRET_KEY is missing)."""


MIN_SECRET_LEN = 32


def _float(env: dict[str, str], name: str, default: float, lo: float, hi: float) -> float:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        v = float(raw)
    except ValueError as e:
        raise ConfigError(f"{name}={raw!r} is not a number") from e
    if not lo <= v <= hi:
        raise ConfigError(f"{name}={v} must be between {lo} and {hi}")
    return v


@dataclass(frozen=True, slots=True)
class ReviewConfig:
    db_url: str
    page_store: Path
    secret_key: str
    quality_sample: float = 0.02  # share of auto-accepted records that enter the queue (QA sample)
    claim_minutes: float = 20.0  # a claim not renewed for this long lets another reviewer take it
    session_hours: float = 8.0
    secure_cookies: bool = True  # False only for plain-http test rigs that cannot keep Secure cookies
    login_max_failures: int = 5  # per name and per client address, within login_window_s
    login_window_s: float = 900.0

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None, **overrides: object) -> ReviewConfig:
        """Read ``HOTICH_*``; a missing or short ``HOTICH_SECRET_KEY`` stops start-up (no fallback)."""
        env = dict(os.environ if env is None else env)
        secret = env.get("HOTICH_SECRET_KEY", "")
        if not secret:
            raise ConfigError(
                "HOTICH_SECRET_KEY is not set: the review app refuses to start without a secret. "
                'Generate one with: python -c "import secrets; print(secrets.token_urlsafe(48))"'
            )
        if len(secret) < MIN_SECRET_LEN:
            raise ConfigError(f"HOTICH_SECRET_KEY is too short ({len(secret)} < {MIN_SECRET_LEN} characters)")
        from hotich.settings import Settings

        settings = Settings()  # not the cached one: tests pass their own environment
        values: dict[str, object] = {
            "db_url": env.get("HOTICH_DB_URL") or settings.db_url,
            "page_store": Path(env.get("HOTICH_PAGE_STORE") or settings.page_store),
            "secret_key": secret,
            "quality_sample": _float(env, "HOTICH_QUALITY_SAMPLE", 0.02, 0.0, 1.0),
            "claim_minutes": _float(env, "HOTICH_CLAIM_MINUTES", 20.0, 1.0, 24 * 60.0),
            "session_hours": _float(env, "HOTICH_SESSION_HOURS", 8.0, 0.1, 24.0),
            "secure_cookies": env.get("HOTICH_INSECURE_COOKIES", "") not in ("1", "true", "yes"),
        }
        values.update(overrides)
        return cls(**values)  # type: ignore[arg-type]
