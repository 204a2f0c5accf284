"""Logins, sessions and CSRF tokens for the web app.

Passwords are hashed with argon2id (argon2-cffi's defaults, RFC 9106 low-memory profile) and
rehashed when those defaults change. The session is a signed cookie holding the user name; the
CSRF token is a signed random value kept in its own cookie and repeated in every form (signed
double submit), so a page on another site can neither read nor forge it.
"""

from __future__ import annotations

import hmac
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from itsdangerous import BadSignature, URLSafeTimedSerializer

from myotwin.store import Store

SESSION_COOKIE = "myotwin_session"
CSRF_COOKIE = "myotwin_csrf"
CSRF_FIELD = "csrf"
CSRF_HEADER = "x-csrf-token"
SESSION_SECONDS = 7 * 24 * 3600

_hasher = PasswordHasher()
# Verified against when a name is unknown, so a wrong name costs as long as a wrong password.
_DUMMY_HASH = _hasher.hash(secrets.token_hex(16))


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def check_password(store: Store, name: str, password: str) -> bool:
    """True if `password` is `name`'s; upgrades the stored hash when the parameters changed."""
    stored = store.user_hash(name)
    try:
        _hasher.verify(stored or _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        return False
    if stored is None:
        return False
    if _hasher.check_needs_rehash(stored):
        store.set_user_hash(name, _hasher.hash(password))
    return True


class Signer:
    """Signs session and CSRF cookie values with the app's secret."""

    def __init__(self, secret: str) -> None:
        self._session = URLSafeTimedSerializer(secret, salt="myotwin.session")
        self._csrf = URLSafeTimedSerializer(secret, salt="myotwin.csrf")

    def session(self, user: str) -> str:
        return self._session.dumps({"user": user})

    def user(self, cookie: str | None) -> str | None:
        if not cookie:
            return None
        try:
            data = self._session.loads(cookie, max_age=SESSION_SECONDS)
        except BadSignature:
            return None
        user = data.get("user") if isinstance(data, dict) else None
        return user if isinstance(user, str) and user else None

    def new_csrf(self) -> str:
        return self._csrf.dumps(secrets.token_urlsafe(24))

    def csrf_ok(self, cookie: str | None, submitted: str | None) -> bool:
        """The form's token equals the cookie's and carries our signature."""
        if not cookie or not submitted or not hmac.compare_digest(cookie, submitted):
            return False
        try:
            self._csrf.loads(cookie)
        except BadSignature:
            return False
        return True
