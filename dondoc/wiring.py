"""Wiring: settings → database, registry, calendar. The one place that knows all parts."""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from pathlib import Path

from directives.agencies import load_registry
from directives.models import Agency
from dondoc.settings import Settings, get_settings
from storage.db import Database

SHIPPED_AGENCIES = "lang_son.yaml"


@lru_cache(maxsize=8)
def _database(url: str) -> Database:
    return Database(url)


def database(settings: Settings | None = None) -> Database:
    settings = settings or get_settings()
    return _database(settings.database_url)


def shipped_agency_file() -> Path:
    return Path(str(resources.files("directives") / "data" / SHIPPED_AGENCIES))


def read_agency_file(path: Path) -> list[Agency]:
    """Agencies from a YAML or CSV file; AgencyFileError names the line."""
    fmt = "csv" if path.suffix.lower() == ".csv" else "yaml"
    return load_registry(path.read_text(encoding="utf-8-sig"), fmt)
