"""Settings from the environment (DONDOC_*) through pydantic-settings.

A leaf module: it imports nothing of ours, so web/, flows/, reports/, notifications/ may import it.
"""

from __future__ import annotations

from datetime import time
from enum import StrEnum
from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class SmtpSecurity(StrEnum):
    NONE = "none"
    STARTTLS = "starttls"
    TLS = "tls"


class Settings(BaseSettings):
    """Every knob of a dondoc installation; `DONDOC_<NAME>` sets each one."""

    model_config = SettingsConfigDict(env_prefix="DONDOC_", env_file=".env", extra="ignore")

    database_url: str = "sqlite:///dondoc.db"
    timezone: str = "Asia/Ho_Chi_Minh"
    send_time: time = time(7, 30)  # reminders go out at this local time on working days
    base_url: str = "http://127.0.0.1:8000"
    secret_key: SecretStr = SecretStr("change-me-in-production")
    upload_dir: Path = Path("uploads")
    upload_max_bytes: int = 10 * 1024 * 1024
    agency_file: Path | None = None  # default: the shipped Lạng Sơn registry

    smtp_host: str = "127.0.0.1"
    smtp_port: int = 1025
    smtp_user: str | None = None
    smtp_password: SecretStr | None = None
    smtp_security: SmtpSecurity = SmtpSecurity.NONE
    smtp_from: str = "Văn phòng UBND tỉnh <dondoc@langson.example.org>"
    smtp_reply_to: str | None = None
    smtp_connections: int = Field(default=4, ge=1, le=32)
    smtp_timeout: float = 30.0


def get_settings() -> Settings:
    return Settings()
