"""Argon2id password hashing (argon2-cffi's defaults follow RFC 9106's recommendations)."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from models.errors import GijirokuError

_hasher = PasswordHasher()
MIN_PASSWORD_LENGTH = 10
# Verifying against this when the user does not exist keeps response times equal.
_DUMMY_HASH = _hasher.hash("gijiroku-timing-equaliser")


def check_password_policy(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise GijirokuError(
            "weak_password",
            f"パスワードは{MIN_PASSWORD_LENGTH}文字以上にしてください。",
            f"Passwords must be at least {MIN_PASSWORD_LENGTH} characters.",
            status=422,
        )


def hash_password(password: str) -> str:
    check_password_policy(password)
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False
