"""Web security pieces: headers, CSRF tokens, the login rate limit, form parsing with a size cap."""

from __future__ import annotations

import hashlib
import hmac
import threading
import time
from collections import deque
from urllib.parse import parse_qsl

from starlette.types import ASGIApp, Message, Receive, Scope, Send

MAX_FORM_BYTES = 256 * 1024

CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
)
_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-frame-options", b"DENY"),
    (b"x-content-type-options", b"nosniff"),
    # same-origin, not no-referrer: with no-referrer Chrome sends "Origin: null" on form posts
    (b"referrer-policy", b"same-origin"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
]


class SecurityHeaders:
    """Adds the security headers to every response; ``no-store`` on everything but static assets."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        static = scope.get("path", "").startswith("/static/")

        async def wrapped(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"cache-control"]
                headers += _HEADERS
                # static files hold no personal data; every other response may
                headers.append((b"cache-control", b"public, max-age=3600" if static else b"no-store"))
                if not static:
                    headers.append((b"pragma", b"no-cache"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, wrapped)


def parse_form(body: bytes) -> dict[str, str]:
    """application/x-www-form-urlencoded -> dict (last value wins); raises ValueError when too large."""
    if len(body) > MAX_FORM_BYTES:
        raise ValueError("form too large")
    return dict(parse_qsl(body.decode("utf-8", errors="strict"), keep_blank_values=True, max_num_fields=2000))


def login_token(secret: str, nonce: str) -> str:
    """CSRF token of the login form (no session yet): bound to a random cookie, keyed by the secret."""
    return hmac.new(secret.encode(), b"login:" + nonce.encode(), hashlib.sha256).hexdigest()


def same(a: str | None, b: str | None) -> bool:
    return bool(a) and bool(b) and hmac.compare_digest(str(a), str(b))


class RateLimiter:
    """Failed logins per key (user name, client address) in a sliding window; in-process memory.

    One app process serves the review UI (``hotich review``); with several processes each counts
    its own failures, so the effective limit multiplies by the process count.
    """

    def __init__(self, max_failures: int, window_s: float) -> None:
        self.max = max_failures
        self.window = window_s
        self._fails: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _live(self, key: str, now: float) -> deque[float]:
        q = self._fails.setdefault(key, deque())
        while q and q[0] <= now - self.window:
            q.popleft()
        return q

    def blocked(self, *keys: str) -> float:
        """Seconds until a try is allowed again (0 = allowed)."""
        now = time.monotonic()
        wait = 0.0
        with self._lock:
            for k in keys:
                q = self._live(k, now)
                if len(q) >= self.max:
                    wait = max(wait, q[0] + self.window - now)
        return wait

    def fail(self, *keys: str) -> None:
        now = time.monotonic()
        with self._lock:
            for k in keys:
                self._live(k, now).append(now)

    def reset(self, key: str) -> None:
        with self._lock:
            self._fails.pop(key, None)
