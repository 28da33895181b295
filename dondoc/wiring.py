"""Wiring: settings → the process's shared database (storage.db.shared_database)."""

from __future__ import annotations

from dondoc.settings import Settings, get_settings
from storage.db import Database, shared_database


def database(settings: Settings | None = None) -> Database:
    settings = settings or get_settings()
    return shared_database(settings.database_url)
