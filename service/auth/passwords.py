"""Argon2id password hashing (argon2-cffi's defaults follow RFC 9106's recommendations) and the
password policy every place that sets a password goes through (``hash_password``).

The policy refuses what a guessing attack tries first, following NIST SP 800-63B: passwords
shorter than 10 characters, common passwords (``common_passwords.txt``, also with digits or
symbols added at either end and l33t spelling undone), repeated characters and keyboard or
alphabet runs, and — below 16 characters — passwords of one ASCII character class only.
"""

from __future__ import annotations

import functools
import re
import secrets
from importlib.resources import files

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from models.errors import GijirokuError

_hasher = PasswordHasher()
MIN_PASSWORD_LENGTH = 10
SINGLE_CLASS_MIN_LENGTH = 16  # long passphrases need no mix of character classes
# Verifying against this when the user does not exist keeps response times equal.
_DUMMY_HASH = _hasher.hash("gijiroku-timing-equaliser")

_ENDS = re.compile(r"^[\W\d_]+|[\W\d_]+$")  # digits, symbols, spaces at either end
_UNLEET = str.maketrans("@4310$57", "aaeiosst")
_RUNS = (
    "0123456789",
    "abcdefghijklmnopqrstuvwxyz",
    "qwertyuiopasdfghjklzxcvbnm",  # keyboard rows
    "1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p",  # keyboard columns
    "あいうえおかきくけこさしすせそたちつてとなにぬねのはひふへほまみむめもやゆよらりるれろわをん",
    "アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワヲン",
)


@functools.cache
def _common() -> frozenset[str]:
    text = files("service.auth").joinpath("common_passwords.txt").read_text(encoding="utf-8")
    return frozenset(line for line in text.splitlines() if line and not line.startswith("#"))


def _is_run_or_repeat(text: str) -> bool:
    """``aaaa…``, ``abab…``, ``1234…``, ``qwer…``, ``9876…`` (also wrapping around, 7890…)."""
    if len(set(text)) < 4:
        return True
    if any(text == (text[:period] * len(text))[: len(text)] for period in range(1, len(text) // 2 + 1)):
        return True
    for run in _RUNS:
        tiled = run * (len(text) // len(run) + 2)
        if text in tiled or text in tiled[::-1]:
            return True
    return False


def _single_ascii_class(password: str) -> bool:
    """Only lower case, only upper case, only digits or only ASCII symbols (non-ASCII letters,
    e.g. a Japanese passphrase, come from an alphabet large enough not to need a mix)."""
    if not password.isascii():
        return False
    classes = {
        "lower" if c.islower() else "upper" if c.isupper() else "digit" if c.isdigit() else "symbol" for c in password
    }
    return len(classes) == 1


def _weakness(password: str) -> tuple[str, str] | None:
    """(Japanese, English) reason the password is refused, or None."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return (
            f"パスワードは{MIN_PASSWORD_LENGTH}文字以上にしてください。",
            f"Passwords must be at least {MIN_PASSWORD_LENGTH} characters.",
        )
    lower = password.lower()
    core = _ENDS.sub("", lower)
    if lower in _common() or core in _common() or core.translate(_UNLEET) in _common():
        return (
            "よく使われるパスワード（password123 など）や、それに数字・記号を付け足しただけのものは使えません。",
            "This password is too common (or a common one with digits or symbols added).",
        )
    if _is_run_or_repeat(lower) or (len(core) >= 6 and _is_run_or_repeat(core)):
        return (
            "パスワードに同じ文字の繰り返しや、1234…・abcd…・qwerty… のような文字やキーの並びは使えません。",
            "Passwords may not be repeated characters or runs such as 1234, abcd or qwerty.",
        )
    if len(password) < SINGLE_CLASS_MIN_LENGTH and _single_ascii_class(password):
        return (
            "パスワードは英小文字・英大文字・数字・記号のうち2種類以上を組み合わせるか、"
            f"{SINGLE_CLASS_MIN_LENGTH}文字以上にしてください。",
            "Mix at least two of lower case, upper case, digits and symbols, "
            f"or use {SINGLE_CLASS_MIN_LENGTH}+ characters.",
        )
    return None


def check_password_policy(password: str) -> None:
    """422 ``weak_password`` with the reason, in Japanese and English."""
    weakness = _weakness(password)
    if weakness is not None:
        raise GijirokuError("weak_password", *weakness, status=422)


def random_password() -> str:
    """A random password (16 URL-safe characters) that passes the policy."""
    while True:
        password = secrets.token_urlsafe(12)
        if _weakness(password) is None:
            return password


def hash_password(password: str) -> str:
    check_password_policy(password)
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False
