"""Accounts and server-side sessions: Argon2id hashes, random session tokens stored only as HMACs."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Table, delete, select, update

from store import audit
from store.db import READONLY, lock_chain
from store.review_models import ROLES, ReviewSession, ReviewUser

if TYPE_CHECKING:
    from store import Store

_user: Table = ReviewUser.__table__  # type: ignore[assignment]
_session: Table = ReviewSession.__table__  # type: ignore[assignment]
_hasher = PasswordHasher()  # argon2id, library defaults (RFC 9106 low-memory profile)
# verified against when the name is unknown, so both cases cost one Argon2 verification
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))
NAME_RE = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")
MIN_PASSWORD = 10


class UserError(ValueError):
    """Bad user input for an account operation (name taken, weak password, unknown role...)."""


def _now() -> datetime:
    return datetime.now(UTC)


def _aware(ts: datetime) -> datetime:
    # SQLite gives back naive datetimes; everything is stored in UTC
    return ts if ts.tzinfo else ts.replace(tzinfo=UTC)


def _ro(store: Store) -> Any:
    return store.engine.connect().execution_options(**{READONLY: True})


def add_user(store: Store, name: str, role: str, password: str, actor: str = "cli") -> int:
    if not NAME_RE.match(name):
        raise UserError("a user name is 1-64 letters, digits, '.', '_' or '-'")
    if role not in ROLES:
        raise UserError(f"role must be one of {', '.join(ROLES)}")
    if len(password) < MIN_PASSWORD:
        raise UserError(f"the password needs at least {MIN_PASSWORD} characters")
    with store.engine.begin() as conn:
        lock_chain(conn)
        if conn.execute(select(_user.c.id).where(_user.c.name == name)).first() is not None:
            raise UserError(f"user {name!r} exists")
        uid = conn.execute(
            _user.insert().returning(_user.c.id),
            {"name": name, "role": role, "password_hash": _hasher.hash(password), "disabled": False,
             "created_at": _now()},
        ).scalar_one()  # fmt: skip
        audit.append(conn, "user_add", f"user:{name}", {"role": role}, actor)
    return int(uid)


def list_users(store: Store) -> list[dict[str, Any]]:
    q = select(_user.c.id, _user.c.name, _user.c.role, _user.c.disabled, _user.c.created_at).order_by(
        _user.c.name
    )
    with _ro(store) as conn:
        return [dict(r._mapping) for r in conn.execute(q)]


def disable_user(store: Store, name: str, actor: str = "cli") -> bool:
    """Disable an account and end its sessions; False when there is no such (enabled) user."""
    with store.engine.begin() as conn:
        lock_chain(conn)
        row = conn.execute(select(_user.c.id, _user.c.disabled).where(_user.c.name == name)).first()
        if row is None or row.disabled:
            return False
        conn.execute(update(_user).where(_user.c.id == row.id).values(disabled=True))
        conn.execute(delete(_session).where(_session.c.user_id == row.id))
        audit.append(conn, "user_disable", f"user:{name}", {}, actor)
    return True


def authenticate(store: Store, name: str, password: str) -> dict[str, Any] | None:
    """The user row when name and password match an enabled account, else None (same cost either way)."""
    with _ro(store) as conn:
        row = conn.execute(select(_user).where(_user.c.name == name)).first()
    stored = row.password_hash if row is not None else _DUMMY_HASH
    try:
        _hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return None
    if row is None or row.disabled:
        return None
    if _hasher.check_needs_rehash(stored):
        with store.engine.begin() as conn:
            conn.execute(
                update(_user).where(_user.c.id == row.id).values(password_hash=_hasher.hash(password))
            )
    return {"id": row.id, "name": row.name, "role": row.role}


def token_hash(secret: str, token: str) -> str:
    return hmac.new(secret.encode(), token.encode(), hashlib.sha256).hexdigest()


def create_session(
    store: Store, user_id: int, secret: str, hours: float, old_token: str | None = None
) -> tuple[str, str]:
    """A new session (token, csrf); the session the browser had before, if any, ends (id renewed)."""
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    now = _now()
    with store.engine.begin() as conn:
        if old_token:
            conn.execute(delete(_session).where(_session.c.token_hash == token_hash(secret, old_token)))
        # housekeeping: expired sessions go
        conn.execute(delete(_session).where(_session.c.expires_at < now))
        conn.execute(
            _session.insert(),
            {"token_hash": token_hash(secret, token), "user_id": user_id, "csrf": csrf, "created_at": now,
             "expires_at": now + timedelta(hours=hours)},
        )  # fmt: skip
    return token, csrf


def session_user(store: Store, secret: str, token: str) -> dict[str, Any] | None:
    """{id, name, role, csrf} of a live session of an enabled user, else None."""
    q = (
        select(_user.c.id, _user.c.name, _user.c.role, _session.c.csrf, _session.c.expires_at)
        .join(_user, _user.c.id == _session.c.user_id)
        .where(_session.c.token_hash == token_hash(secret, token), _user.c.disabled.is_(False))
    )
    with _ro(store) as conn:
        row = conn.execute(q).first()
    if row is None or _aware(row.expires_at) <= _now():
        return None
    return {"id": row.id, "name": row.name, "role": row.role, "csrf": row.csrf}


def end_session(store: Store, secret: str, token: str) -> None:
    with store.engine.begin() as conn:
        conn.execute(delete(_session).where(_session.c.token_hash == token_hash(secret, token)))
