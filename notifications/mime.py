"""Build a mail once, as bytes, from text and HTML bodies (stdlib `email`).

A text-and-HTML mail is written straight to bytes: each header encoded once (RFC 2047 encoded
words by `email.header.Header`, addresses by `email.utils`), each body base64-encoded by
`base64.encodebytes` (76-character lines), in a multipart/alternative whose boundary follows from
the Message-ID. `EmailMessage.as_bytes` parses and re-folds every header and writes the body line
by line: it took two thirds of a sweep's mail time (bench/digest.py). A mail with attachments
or a non-ASCII address (rare: the weekly report) still goes through `EmailMessage`.
"""

from __future__ import annotations

import base64
import hashlib
import re
from dataclasses import dataclass, field
from datetime import datetime
from email.header import Header, decode_header, make_header
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, formataddr, parseaddr
from functools import lru_cache

_CONTROL = re.compile(r"[\r\n\t\x00-\x1f\x7f]+")
_ID_UNSAFE = re.compile(r"[^\w.-]")
CRLF = "\r\n"
_LINE_END = re.compile(r"\r\n?")


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
    # Not email.utils.make_msgid: it adds time and pid, and retries must share one id.
    message_id = f"<{_ID_UNSAFE.sub('-', mail.id_key)}@{mail.domain}>"
    addresses = [_address(a) for a in (mail.sender, mail.to, mail.reply_to) if a]
    if mail.attachments or not all(a.isascii() for a in [*addresses, message_id]):
        return _email_message(mail, message_id), message_id
    return _written(mail, message_id), message_id


# Machine-sent (RFC 3834): no vacation replies or auto-forward loops, marked bulk.
_MACHINE = (("Auto-Submitted", "auto-generated"), ("X-Auto-Response-Suppress", "All"),
            ("Precedence", "bulk"))  # fmt: skip


def _written(mail: Mail, message_id: str) -> bytes:
    headers = [("From", _address(mail.sender)), ("To", _address(mail.to))]
    if mail.reply_to:
        headers.append(("Reply-To", _address(mail.reply_to)))
    boundary = "=_" + hashlib.sha256(message_id.encode()).hexdigest()[:32]  # "=_": never base64
    headers += [
        ("Subject", _unstructured("Subject", header_safe(mail.subject))),
        ("Date", format_datetime(mail.date)),
        ("Message-ID", message_id),
        *_MACHINE,
        ("MIME-Version", "1.0"),
        ("Content-Type", f'multipart/alternative; boundary="{boundary}"'),
    ]
    head = "".join(f"{name}: {value}\r\n" for name, value in headers).encode("ascii")
    sep = f"--{boundary}\r\n".encode("ascii")
    end = f"--{boundary}--\r\n".encode("ascii")
    parts = [_text_part(mail.text, "plain"), sep, _text_part(mail.html, "html"), end]
    return b"".join([head, b"\r\n", sep, *parts])


def _text_part(text: str, subtype: str) -> bytes:
    # Line ends are LF inside the base64, as EmailMessage.set_content stores them.
    text = _LINE_END.sub("\n", text)
    data = (text if text.endswith("\n") else text + "\n").encode("utf-8")
    body = base64.encodebytes(data).replace(b"\n", b"\r\n")
    return (f'Content-Type: text/{subtype}; charset="utf-8"\r\n'
            "Content-Transfer-Encoding: base64\r\n\r\n").encode("ascii") + body  # fmt: skip


def _unstructured(name: str, value: str) -> str:
    if value.isascii():
        return Header(value, "us-ascii", header_name=name).encode(linesep=CRLF)
    return _encoded_words(value)


def _encoded_words(value: str, size: int = 14) -> str:
    """RFC 2047 encoded words of at most `size` characters (≤ 42 bytes of UTF-8, so each word
    stays under 75 characters), one per folded line; readers join them without spaces."""
    words = (value[i : i + size].encode() for i in range(0, len(value), size))
    return (CRLF + " ").join(f"=?utf-8?b?{base64.b64encode(w).decode('ascii')}?=" for w in words)


@lru_cache(maxsize=4096)  # the sender and reply-to are the same in every mail of a sweep
def _address(value: str) -> str:
    """One address, its display name quoted, or encoded as one RFC 2047 word: split words would
    be joined with a space by some readers (Python's own address parser) and without by others."""
    display, addr = parseaddr(header_safe(value))
    if "=?" in display:  # already encoded, e.g. by email.utils.formataddr
        display = header_safe(str(make_header(decode_header(display))))
    if not display or display.isascii():
        return formataddr((display, addr))
    word = base64.b64encode(display.encode()).decode("ascii")
    return f"=?utf-8?b?{word}?={CRLF} <{addr}>"


def _email_message(mail: Mail, message_id: str) -> bytes:
    msg = EmailMessage()
    msg["From"] = header_safe(mail.sender)
    msg["To"] = header_safe(mail.to)
    if mail.reply_to:
        msg["Reply-To"] = header_safe(mail.reply_to)
    msg["Subject"] = header_safe(mail.subject)
    msg["Date"] = format_datetime(mail.date)
    msg["Message-ID"] = message_id
    for name, value in _MACHINE:
        msg[name] = value
    msg.set_content(mail.text)
    msg.add_alternative(mail.html, subtype="html")
    for a in mail.attachments:
        msg.add_attachment(a.content, maintype=a.maintype, subtype=a.subtype, filename=a.filename)
    return msg.as_bytes(policy=SMTP)
