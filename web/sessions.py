"""Sessions kept on the server. The signed cookie carries only a random token (plus the CSRF
token and flash messages); the `sessions` row, keyed by the token's SHA-256, says who it is.
Deleting the row — logout, an admin, disabling the user, a timeout — ends the session even for
a copied cookie."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from fastapi import Request
from sqlalchemy.exc import DBAPIError

from dondoc.settings import Settings
from storage import auth_state
from storage.db import Database
from web import accounts
from web.accounts import CurrentUser
from web.client import request_address
from web.security import token_hash

COOKIE_KEY = "sid"


def now_of(request: Request) -> datetime:
    return request.app.state.clock()


def expired(created: datetime, last_seen: datetime, now: datetime, settings: Settings) -> bool:
    idle = timedelta(minutes=settings.session_idle_minutes)
    absolute = timedelta(hours=settings.session_max_hours)
    return now - last_seen > idle or now - created > absolute


def start(request: Request, db: Database, user_id: int) -> None:
    """A new session for a login: the old one (if any) is ended and its cookie content dropped."""
    end(request, db)
    token = secrets.token_urlsafe(32)
    with db.write() as session:
        auth_state.add_session(
            session, token_hash(token), user_id, now_of(request), request_address(request)
        )
    request.session[COOKIE_KEY] = token


def end(request: Request, db: Database) -> None:
    token = request.session.get(COOKIE_KEY)
    if isinstance(token, str):
        with db.engine.begin() as conn:
            auth_state.end_session(conn, token_hash(token))
    request.session.clear()


def _touch(db: Database, sid: str, now: datetime) -> None:
    try:
        with db.engine.execution_options(sqlite_immediate=True).begin() as conn:
            auth_state.touch_session(conn, sid, now)
    except DBAPIError:
        pass  # a read-only, full or busy database: the page is still served, last_seen waits


def user_of(request: Request, db: Database) -> CurrentUser | None:
    """The logged-in user of this request, or None (and the cookie's session forgotten)."""
    token = request.session.get(COOKIE_KEY)
    if not isinstance(token, str):
        return None
    sid, now = token_hash(token), now_of(request)
    with db.engine.connect() as conn:  # one SELECT: the session joined with its active user
        row = auth_state.session_user(conn, sid)
    if row is None:
        return None
    created, last_seen = row[-2], row[-1]
    if expired(created, last_seen, now, request.app.state.settings):
        try:
            with db.engine.begin() as conn:
                auth_state.end_session(conn, sid)
        except DBAPIError:
            pass  # read-only: the row stays, but an expired session is refused all the same
        return None
    if now - last_seen > auth_state.TOUCH_EVERY:
        _touch(db, sid, now)
    return accounts.user_of_columns(row._tuple()[:-2])  # _tuple(): the row, typed
