"""Build a mail once, as bytes, from text and HTML bodies (stdlib `email`)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime

_CONTROL = re.compile(r"[\r\n\t\x00-\x1f\x7f]+")
_ID_UNSAFE = re.compile(r"[^\w.-]")


def header_safe(value: str) -> str:
    """Fold CR, LF and other control characters from user data into spaces (no header injection)."""
    return _CONTROL.sub(" ", value).strip()


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes
    maintype: str = "application"
    subtype: str = "octet-stream"


@dataclass(frozen=True)
class Mail:
    sender: str
    to: str
    subject: str
    text: str
    html: str
    date: datetime
    id_key: str  # stable per digest, so a retried send carries the same Message-ID
    domain: str = "dondoc.local"
    reply_to: str | None = None
    attachments: tuple[Attachment, ...] = field(default_factory=tuple)


def build(mail: Mail) -> tuple[bytes, str]:
    """The serialised message (CRLF line ends) and its Message-ID."""
    msg = EmailMessage()
    msg["From"] = header_safe(mail.sender)
    msg["To"] = header_safe(mail.to)
    if mail.reply_to:
        msg["Reply-To"] = header_safe(mail.reply_to)
    msg["Subject"] = header_safe(mail.subject)
    msg["Date"] = format_datetime(mail.date)
    # Not email.utils.make_msgid: it adds time and pid, and retries must share one id.
    message_id = f"<{_ID_UNSAFE.sub('-', mail.id_key)}@{mail.domain}>"
    msg["Message-ID"] = message_id
    # Machine-sent (RFC 3834): no vacation replies or auto-forward loops, marked bulk.
    msg["Auto-Submitted"] = "auto-generated"
    msg["X-Auto-Response-Suppress"] = "All"
    msg["Precedence"] = "bulk"
    msg.set_content(mail.text)
    msg.add_alternative(mail.html, subtype="html")
    for a in mail.attachments:
        msg.add_attachment(a.content, maintype=a.maintype, subtype=a.subtype, filename=a.filename)
    return msg.as_bytes(policy=SMTP), message_id
