"""Wiring: settings → database, registry, calendar. The one place that knows all parts.

The cached database and the agency files live in storage (web/ and flows/ use them from there);
this module adds the settings.
"""

from __future__ import annotations

from dondoc.settings import Settings, get_settings
from storage.agencies import SHIPPED_AGENCIES, read_agency_file, shipped_agency_file
from storage.db import Database, shared_database

__all__ = ["SHIPPED_AGENCIES", "database", "read_agency_file", "shipped_agency_file"]


def database(settings: Settings | None = None) -> Database:
    settings = settings or get_settings()
    return shared_database(settings.database_url)
