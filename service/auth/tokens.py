"""Browser sessions and API tokens: random secrets handed out once, stored only as SHA-256.

Sessions are server-side rows so logout, expiry and disabling a user take effect at once.
Each session carries its own CSRF token (double-submit: cookie + header or form field).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from service.db.base import utcnow
from service.db.models import AuthToken, TokenKind, User
from service.db.session import rows_matched

SESSION_COOKIE = "gijiroku_session"
CSRF_COOKIE = "gijiroku_csrf"  # readable by page scripts: the double-submit value
CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf_token"


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def issue_token(
    db: Session, user: User, kind: TokenKind, lifetime: dt.timedelta, name: str = ""
) -> tuple[str, AuthToken]:
    """Create a token row and return the secret (shown once) with the row."""
    secret = secrets.token_urlsafe(32)
    row = AuthToken(
        user_id=user.id,
        kind=kind,
        token_hash=_digest(secret),
        csrf_token=secrets.token_urlsafe(32) if kind is TokenKind.session else None,
        name=name,
        expires_at=utcnow() + lifetime,
    )
    db.add(row)
    db.flush()
    return secret, row


def resolve_token(db: Session, secret: str, kind: TokenKind) -> AuthToken | None:
    """The live token for ``secret``, or None when unknown, expired or its user is disabled."""
    row = db.scalar(select(AuthToken).where(AuthToken.token_hash == _digest(secret), AuthToken.kind == kind))
    if row is None or row.expires_at <= utcnow() or not row.user.is_active:
        return None
    return row


def revoke_token(db: Session, row: AuthToken) -> None:
    db.delete(row)


def revoke_user_tokens(db: Session, user: User, keep: AuthToken | None = None) -> int:
    """End every session and API token of ``user`` except ``keep`` (the one that changed the
    password), so a stolen session or token dies with the old password. Returns how many."""
    stmt = delete(AuthToken).where(AuthToken.user_id == user.id)
    if keep is not None:
        stmt = stmt.where(AuthToken.id != keep.id)
    return rows_matched(db.execute(stmt.execution_options(synchronize_session=False)))


def purge_expired(db: Session) -> None:
    db.execute(delete(AuthToken).where(AuthToken.expires_at <= utcnow()))


def csrf_matches(row: AuthToken, presented: str | None) -> bool:
    return bool(presented and row.csrf_token and secrets.compare_digest(presented, row.csrf_token))
