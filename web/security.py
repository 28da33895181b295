"""Passwords (argon2 via pwdlib), API tokens (only a SHA-256 hash is stored), CSRF tokens."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from pwdlib import PasswordHash

_hasher = PasswordHash.recommended()
# Verified against when the username is unknown, so both paths cost one argon2 check.
_DUMMY_HASH = _hasher.hash("dondoc-dummy-password")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password: str, password_hash: str | None) -> bool:
    return verify_and_update(password, password_hash)[0]


def verify_and_update(password: str, password_hash: str | None) -> tuple[bool, str | None]:
    """(matches, a new hash when the stored one uses older argon2 parameters, else None)."""
    if password_hash is None:
        _hasher.verify(password, _DUMMY_HASH)
        return False, None
    return _hasher.verify_and_update(password, password_hash)


def new_api_token() -> str:
    return "dd_" + secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_csrf_token() -> str:
    return secrets.token_urlsafe(32)


def csrf_matches(expected: str | None, given: str | None) -> bool:
    return bool(expected and given) and hmac.compare_digest(str(expected), str(given))
