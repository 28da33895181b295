"""Helpers for tests and benchmarks (not shipped: httpx is a dev tool): the app served by
uvicorn in a thread on a free loopback port, and accounts created with one shared password hash
(argon2 is slow on purpose)."""

from __future__ import annotations

import re
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from html.parser import HTMLParser
from typing import Any

import httpx
import uvicorn
from fastapi import FastAPI
from sqlalchemy.orm import Session

from directives.calendar import DEFAULT_CALENDAR
from directives.models import Agency
from directives.parsing import parse_notice
from dondoc.demo import seed_notice_text
from storage.agencies import agency_ids_by_code
from storage.db import Database
from storage.models import UserRow
from web.accounts import Role, create_token
from web.security import hash_password

STARTUP_TIMEOUT = 20.0
# A strong key for tests and benchmarks only (tests/conftest.py puts it in DONDOC_SECRET_KEY).
TEST_SECRET_KEY = "dondoc-tests-only-9f1c2b7e4a6d8c0e3b5a7f9d1c3e5a7b"


@contextmanager
def serve_in_thread(app: FastAPI, host: str = "127.0.0.1", **config: Any) -> Iterator[str]:
    """Serve `app` until the block ends; yields its base URL."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", **config))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start")
        thread.join(0.02)  # a bounded wait on the server thread, not a sleep for time
    try:
        yield f"http://{host}:{port}"
    finally:
        server.should_exit = True
        thread.join(STARTUP_TIMEOUT)
        sock.close()


@lru_cache(maxsize=4)
def _hash(password: str) -> str:
    return hash_password(password)


def add_user(
    session: Session,
    username: str,
    role: Role,
    password: str,
    *,
    agency_id: int | None = None,
    leader_name: str | None = None,
    full_name: str = "",
) -> UserRow:
    user = UserRow(
        username=username,
        password_hash=_hash(password),
        role=role.value,
        agency_id=agency_id,
        leader_name=leader_name,
        full_name=full_name or username,
    )
    session.add(user)
    session.flush()
    return user


PASSWORD = "mat-khau-thu-nghiem"


@dataclass
class World:
    """A registered seed notice and one account (and API token) per role."""

    directive_id: int
    tasks: dict[str, list[int]]  # lead agency code → task ids
    agency_ids: dict[str, int]
    users: dict[str, str] = field(default_factory=dict)  # username → role
    tokens: dict[str, str] = field(default_factory=dict)  # username → API token


USERS = (  # username, role, agency code, leader name
    ("vanphong", Role.SECRETARIAT, None, None),
    ("quantri", Role.ADMIN, None, None),
    ("ngoaivu", Role.AGENCY_OFFICER, "so-ngoai-vu", None),
    ("gd.ngoaivu", Role.AGENCY_HEAD, "so-ngoai-vu", None),
    ("noivu", Role.AGENCY_OFFICER, "so-noi-vu", None),
    ("vanhoa", Role.AGENCY_OFFICER, "so-vhttdl", None),
    ("lanhdao", Role.LEADER, None, "Dương Xuân Huyền"),
    ("lanhdao.khac", Role.LEADER, None, "Nguyễn Văn Khác"),
)


def build_world(db: Database, agencies: list[Agency], with_tokens: bool = True) -> World:
    """Agencies, the seed notice registered by the office, the accounts of USERS."""
    from storage.agencies import load_agencies, registry_from_db
    from storage.registration import register_directive

    with db.write() as session:
        load_agencies(session, agencies)
    with db.write() as session:
        registry = registry_from_db(session)
        draft = parse_notice(seed_notice_text(), registry, DEFAULT_CALENDAR)
        directive = register_directive(session, draft, registry, "vanphong")
        ids = agency_ids_by_code(session)
        by_id = {v: k for k, v in ids.items()}
        tasks: dict[str, list[int]] = {}
        for task in sorted(directive.tasks, key=lambda t: t.id):
            tasks.setdefault(by_id[task.lead_agency_id], []).append(task.id)
        world = World(directive.id, tasks, ids)
        for username, role, code, leader in USERS:
            agency_id = ids[code] if code else None
            add_user(session, username, role, PASSWORD, agency_id=agency_id, leader_name=leader)
            world.users[username] = role.value
            if with_tokens:
                world.tokens[username] = create_token(session, username, "tests")
    return world


_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_of(html: str) -> str:
    match = _CSRF.search(html)
    if match is None:
        raise AssertionError("no CSRF token on the page")
    return match.group(1)


def login(client: httpx.Client, username: str, password: str = PASSWORD) -> httpx.Response:
    """Log in through the form, as a person would."""
    token = csrf_of(client.get("/login").text)
    data = {"username": username, "password": password, "csrf_token": token}
    return client.post("/login", data=data, follow_redirects=False)


class _FormReader(HTMLParser):
    """The values a browser would submit from one form (inputs, selects, textareas)."""

    def __init__(self, form_id: str) -> None:
        super().__init__(convert_charrefs=True)
        self.form_id, self.inside = form_id, False
        self.values: dict[str, str | list[str]] = {}
        self._select: str | None = None
        self._multiple = False
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.inside = a.get("id") == self.form_id
        if not self.inside or "disabled" in a:
            return
        if tag == "input" and a.get("name") and a.get("type") not in ("file", "submit"):
            if a.get("type") != "checkbox" or "checked" in a:
                self.values[a["name"]] = a.get("value", "on")
        elif tag == "select":
            self._select, self._multiple = a.get("name"), "multiple" in a
            self.values.setdefault(self._select or "", [] if self._multiple else "")
        elif tag == "option" and self._select and "selected" in a:
            chosen = self.values[self._select]
            if isinstance(chosen, list):
                chosen.append(a.get("value", ""))
            else:
                self.values[self._select] = a.get("value", "")
        elif tag == "textarea" and a.get("name"):
            self._textarea = a["name"]
            self.values[self._textarea] = ""

    def handle_data(self, data: str) -> None:
        if self._textarea:
            text = self.values[self._textarea]
            assert isinstance(text, str)  # a textarea's value is text
            self.values[self._textarea] = text + (data.removeprefix("\n") if not text else data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "form":
            self.inside = False


def form_values(html: str, form_id: str) -> dict[str, str | list[str]]:
    reader = _FormReader(form_id)
    reader.feed(html)
    return reader.values


def every_route(app: FastAPI) -> list[tuple[str, str]]:
    """(method, path) of every route the app serves, included routers walked (FastAPI ≥ 0.150
    keeps them nested in app.routes)."""
    from fastapi.routing import APIRoute, _IncludedRouter
    from starlette.routing import Route

    found: list[tuple[str, str]] = []

    def walk(routes: list[Any], prefix: str) -> None:
        for route in routes:
            if isinstance(route, _IncludedRouter):
                walk(route.original_router.routes, prefix + route.include_context.prefix)
            elif isinstance(route, APIRoute | Route):
                found.extend((m, prefix + route.path) for m in sorted(route.methods or ()))

    walk(app.routes, "")
    return found
