"""Settings from the environment (DONDOC_*) through pydantic-settings: every knob, in one place.

Built once per process by `get_settings()` (cached; tests call `get_settings.cache_clear()`) and
passed down; `dondoc.wiring` makes the SMTP, mail and policy objects from it. Nearly a leaf: of
ours it imports only the pure policy model (`notifications.policy`, which imports `directives`
alone), so web/, flows/, reports/, notifications/ may import it.
"""

from __future__ import annotations

import re
from datetime import time
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from notifications.policy import ReminderPolicy


class SmtpSecurity(StrEnum):
    NONE = "none"
    STARTTLS = "starttls"
    TLS = "tls"


class ExtensionDecider(StrEnum):
    """Who decides extension requests (duyệt gia hạn): provinces differ."""

    SECRETARIAT = "secretariat"  # Văn phòng UBND tỉnh decides
    LEADER = "leader"  # the leader who concluded the directive, on the secretariat's proposal


class EvaluationFormula(BaseModel):
    """Công thức chấm điểm, xếp loại cơ quan (reports.evaluation): weights and grade thresholds.

    score = 100 × (on_time·đúng hạn + late·quá hạn đã xong + overdue·quá hạn chưa xong) / đã đến
    hạn − min(per_day_late × số ngày làm việc chậm bình quân, max_day_penalty), kept in 0…100.
    The grade thresholds 90 / 75 / 50 follow QĐ 1748/QĐ-UBND (2018) of Đắk Nông; the weights
    are ours (README, "Đánh giá, xếp loại cơ quan"). Set as JSON: DONDOC_EVALUATION='{"late":
    0.3, "excellent": 95}'.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)
    on_time: float = Field(default=1.0, ge=0, le=1)
    late: float = Field(default=0.5, ge=0, le=1)
    overdue: float = Field(default=0.0, ge=0, le=1)
    per_day_late: float = Field(default=1.0, ge=0, le=100)
    max_day_penalty: float = Field(default=10.0, ge=0, le=100)
    excellent: float = Field(default=90.0, gt=0, le=100)  # Hoàn thành xuất sắc nhiệm vụ
    good: float = Field(default=75.0, gt=0, le=100)  # Hoàn thành tốt nhiệm vụ
    passing: float = Field(default=50.0, gt=0, le=100)  # Hoàn thành nhiệm vụ
    min_due: int = Field(default=1, ge=1, le=10_000)  # fewer due: Chưa đánh giá

    @model_validator(mode="after")
    def _ordered(self) -> EvaluationFormula:
        if not self.excellent > self.good > self.passing:
            raise ValueError(
                f"thresholds must fall: excellent ({self.excellent}) > good ({self.good})"
                f" > passing ({self.passing})"
            )
        if not self.on_time >= self.late >= self.overdue:
            raise ValueError(
                f"weights must fall: on_time ({self.on_time}) ≥ late ({self.late})"
                f" ≥ overdue ({self.overdue})"
            )
        return self


class Settings(BaseSettings):
    """Every knob of a dondoc installation; `DONDOC_<NAME>` sets each one."""

    model_config = SettingsConfigDict(
        env_prefix="DONDOC_", env_file=".env", extra="ignore", env_nested_delimiter="__"
    )

    database_url: str = "sqlite:///dondoc.db"
    timezone: str = "Asia/Ho_Chi_Minh"
    send_time: time = time(7, 30)  # reminders go out at this local time on working days
    base_url: str = "http://127.0.0.1:8000"
    # A digest lists this many tasks, the most urgent first, and links to the agency's list for
    # the rest (its subject and first line count them all).
    digest_max_tasks: int = Field(default=20, ge=1)
    # Signs session cookies and CSRF tokens: no default; `dondoc init --secret-key` writes one.
    secret_key: SecretStr = SecretStr("")
    # Sessions kept on the server (table `sessions`): ended after this long without a request,
    # and this long after login whatever happens.
    session_idle_minutes: int = Field(default=60, ge=1)
    session_max_hours: float = Field(default=10, gt=0)
    # Peers whose X-Forwarded-For is believed (the reverse proxy of DEPLOY.md); nobody else's.
    # Addresses or networks, comma-separated: DONDOC_TRUSTED_PROXIES=127.0.0.1,10.0.0.0/8
    trusted_proxies: Annotated[list[str], NoDecode] = []
    upload_dir: Path = Path("uploads")
    upload_max_bytes: int = 10 * 1024 * 1024
    agency_file: Path | None = None  # default: the shipped Lạng Sơn registry
    extension_decider: ExtensionDecider = ExtensionDecider.SECRETARIAT
    evaluation: EvaluationFormula = EvaluationFormula()  # DONDOC_EVALUATION, JSON
    # Chính sách nhắc việc: DONDOC_REMINDER_POLICY='{"before": [3, 7], "on_day": false}' (JSON)
    # or one field at a time, DONDOC_REMINDER_POLICY__OVERDUE_EVERY=2. Its send_time is
    # DONDOC_SEND_TIME unless the JSON sets one.
    reminder_policy: ReminderPolicy = ReminderPolicy()
    # Orchestrated mode: where every worker host has this code (the deployments' working folder).
    code_dir: Path = Path(".")

    # Reading a notice (directives.formats.ReadLimits): refused, with one message, past these.
    notice_max_bytes: int = 20 * 1024 * 1024  # the uploaded file
    notice_max_xml_bytes: int = 32 * 1024 * 1024  # a .docx's XML parts, unpacked
    notice_max_paragraphs: int = 20_000  # .docx paragraphs / HTML blocks (x10 elements)
    notice_max_table_cells: int = 50_000
    notice_max_pages: int = 200  # PDF pages or image frames
    notice_max_page_bytes: int = 8 * 1024 * 1024  # one PDF page's content, decoded
    notice_max_page_chars: int = 60_000  # characters on one PDF page
    notice_max_seconds: float = 120.0  # reading a PDF's text layer
    notice_max_image_pixels: int = 80_000_000  # a scanned image or a rendered page
    notice_ocr_dpi: int = 300  # scanned PDF pages are rendered at this resolution for OCR
    notice_ocr_page_seconds: float = 120.0  # Tesseract on one page
    notice_ocr_low_confidence: int = 70  # words under this confidence warn on their task

    smtp_host: str = "127.0.0.1"
    smtp_port: int = 1025
    smtp_user: str | None = None
    smtp_password: SecretStr | None = None
    smtp_security: SmtpSecurity = SmtpSecurity.NONE
    smtp_from: str = "Văn phòng UBND tỉnh <dondoc@langson.example.org>"
    smtp_reply_to: str | None = None
    smtp_connections: int = Field(default=4, ge=1, le=32)
    smtp_timeout: float = 30.0

    @model_validator(mode="after")
    def _policy_sends_at_send_time(self) -> Settings:
        if "send_time" not in self.reminder_policy.model_fields_set:
            policy = self.reminder_policy.model_dump(exclude_unset=True)
            self.reminder_policy = ReminderPolicy(**policy, send_time=self.send_time)
        return self

    @field_validator("trusted_proxies", mode="before")
    @classmethod
    def _split_proxies(cls, value: object) -> object:
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value


MIN_SECRET_KEY_LENGTH = 32
KNOWN_DEFAULT_KEYS = frozenset({"change-me-in-production", "change-me", "secret", "changeme"})
SECRET_KEY_HELP = (
    "run `dondoc init --secret-key` to write a strong key into .env, or set DONDOC_SECRET_KEY "
    f"to at least {MIN_SECRET_KEY_LENGTH} random characters "
    "(python -c 'import secrets; print(secrets.token_urlsafe(48))')"
)


class WeakSecretKey(ValueError):
    """The secret key would let anyone forge a session: refused at start."""


def secret_key_problem(key: str) -> str | None:
    """Why `key` cannot sign sessions, or None when it can."""
    if not key.strip():
        return "DONDOC_SECRET_KEY is not set"
    if key.strip().lower() in KNOWN_DEFAULT_KEYS:
        return "DONDOC_SECRET_KEY is a published default"
    if len(key) < MIN_SECRET_KEY_LENGTH or len(set(key)) < 8:
        return f"DONDOC_SECRET_KEY is too weak ({len(key)} characters)"
    return None


def check_secret_key(settings: Settings) -> None:
    problem = secret_key_problem(settings.secret_key.get_secret_value())
    if problem:
        raise WeakSecretKey(f"{problem}: {SECRET_KEY_HELP}")


def settings_problem(exc: Exception) -> str:
    """One line naming the bad setting(s) of a pydantic ValidationError or SettingsError."""
    errors = getattr(exc, "errors", None)
    if not callable(errors):  # SettingsError: a value that is not JSON where JSON is expected
        field = re.search(r'field "(\w+)"', str(exc))
        name = f"DONDOC_{field.group(1).upper()}" if field else "a DONDOC_ setting"
        return f"{name}: not valid JSON ({exc})"
    parts = []
    for err in errors():
        loc = [str(x) for x in err.get("loc", ())]
        name = f"DONDOC_{loc[0].upper()}" if loc else "DONDOC_*"
        name += f" {'.'.join(loc[1:])}" if len(loc) > 1 else ""
        parts.append(f"{name}: {str(err.get('msg', '')).removeprefix('Value error, ')}")
    return "; ".join(parts)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process's settings, read from the environment once (`get_settings.cache_clear()`
    makes the next call read it again)."""
    return Settings()
