"""Wiring: the one Settings → the database, and the SMTP, mail and policy objects made from it.

The only place settings are copied into the objects of the inner packages; flows/ and web/ call
these (the architecture test allows them `dondoc.wiring`, nothing else of the shell).
"""

from __future__ import annotations

from datetime import datetime
from email.utils import parseaddr
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from dondoc.settings import Settings, get_settings
from notifications.policy import ReminderPolicy
from storage.db import Database, shared_database

if TYPE_CHECKING:  # the mail modules load on use: `dondoc report` needs none of them
    from notifications.digest import MailConfig
    from notifications.smtp import SmtpConfig


def database(settings: Settings | None = None) -> Database:
    settings = settings or get_settings()
    return shared_database(settings.database_url)


def reminder_policy(settings: Settings) -> ReminderPolicy:
    """The policy the sweep, the scheduler and the policy page use (validated with settings)."""
    return settings.reminder_policy


def timezone(settings: Settings) -> ZoneInfo:
    return ZoneInfo(settings.timezone)


def smtp_config(settings: Settings) -> SmtpConfig:
    from notifications.smtp import SmtpConfig

    domain = parseaddr(settings.smtp_from)[1].rpartition("@")[2] or "dondoc.local"
    password = settings.smtp_password.get_secret_value() if settings.smtp_password else None
    return SmtpConfig(
        host=settings.smtp_host,
        port=settings.smtp_port,
        sender=settings.smtp_from,
        security=settings.smtp_security.value,
        user=settings.smtp_user,
        password=password,
        timeout=settings.smtp_timeout,
        connections=settings.smtp_connections,
        local_hostname=domain,
    )


def mail_config(settings: Settings, send_at: datetime) -> MailConfig:
    """How the digests planned now are written: sender, links, policy, and when they may go."""
    from notifications.digest import MailConfig

    return MailConfig(
        settings.smtp_from,
        settings.smtp_reply_to,
        settings.base_url,
        send_at,
        reminder_policy(settings),
        timezone(settings),
        max_lines=settings.digest_max_tasks,
    )
