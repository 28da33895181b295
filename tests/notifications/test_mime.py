"""Mail bytes as a reader's `email` package sees them: headers decode to the Vietnamese they
were given, bodies decode exactly, nothing from data reaches a header line of its own, and the
same mail always gives the same bytes (a resend carries the same Message-ID and boundary)."""

from __future__ import annotations

import email
import email.policy
from datetime import UTC, datetime
from email.utils import formataddr

from notifications.mime import Attachment, Mail, build

LONG = "Thủ trưởng Sở Văn hóa, Thể thao và Du lịch tỉnh Lạng Sơn (Ban chỉ đạo chuyển đổi số)"
SUBJECT = "Đôn đốc thực hiện nhiệm vụ: 184 quá hạn, 36 sắp đến hạn, 2 thường xuyên (07/01/2026)"
TEXT = "Kính gửi: Sở Ngoại vụ\n\n1) Rà soát quy hoạch cửa khẩu — hạn 31/12/2025\n"
HTML = "<p>Kính gửi: <strong>Sở Ngoại vụ</strong></p>\n<p>Tổ chức &lt;Hội nghị&gt;</p>\n"


def _mail(**changes: object) -> Mail:
    fields: dict = {
        "sender": "Văn phòng UBND tỉnh <dondoc@langson.example.org>",
        "to": formataddr((LONG, "gd.svhttdl@langson.example.org")), "subject": SUBJECT,
        "text": TEXT, "html": HTML, "date": datetime(2026, 1, 7, 0, 30, tzinfo=UTC),
        "id_key": "digest:gd.svhttdl@langson.example.org:2026-01-07",
        "domain": "langson.example.org", "reply_to": "theodoi@langson.example.org",
    }  # fmt: skip
    return Mail(**{**fields, **changes})


def test_a_digest_decodes_to_what_was_given_and_is_the_same_every_time() -> None:
    raw, message_id = build(_mail())
    assert build(_mail()) == (raw, message_id)
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    assert msg["Message-ID"] == message_id == (
        "<digest-gd.svhttdl-langson.example.org-2026-01-07@langson.example.org>")  # fmt: skip
    assert msg["Subject"] == SUBJECT
    assert msg["To"].addresses[0].display_name == LONG
    assert msg["To"].addresses[0].addr_spec == "gd.svhttdl@langson.example.org"
    assert msg["From"].addresses[0].display_name == "Văn phòng UBND tỉnh"
    assert msg["Reply-To"] == "theodoi@langson.example.org"
    assert msg["Date"].datetime == datetime(2026, 1, 7, 0, 30, tzinfo=UTC)
    assert msg["Auto-Submitted"] == "auto-generated" and msg["MIME-Version"] == "1.0"
    assert msg.get_content_type() == "multipart/alternative"
    plain, html = msg.get_body(("plain",)), msg.get_body(("html",))
    assert plain.get_content().splitlines() == TEXT.splitlines()  # type: ignore[union-attr]
    assert html.get_content().splitlines() == HTML.splitlines()  # type: ignore[union-attr]
    assert [p.defects for p in msg.walk()] == [[], [], []]
    lines = raw.split(b"\r\n")
    assert b"\n" not in raw.replace(b"\r\n", b"") and max(map(len, lines)) < 998
    subject = raw.split(b"\r\n\r\n", 1)[0].split(b"Subject: ", 1)[1].split(b"\r\nDate", 1)[0]
    assert all(len(line) <= 78 for line in subject.split(b"\r\n"))  # folded, words under 75


def test_no_line_break_from_data_reaches_a_header() -> None:
    evil = "Sở Ngoại vụ\r\nBcc: spy@evil.example"
    for mail in (
        _mail(to=formataddr((evil, "sngv@langson.example.org"))),
        _mail(to=f"{evil} <sngv@langson.example.org>", subject=evil),
        _mail(to=formataddr(("So\r\nBcc: spy@evil.example", "a@langson.example.org"))),
    ):
        raw, _ = build(mail)
        msg = email.message_from_bytes(raw, policy=email.policy.default)
        assert msg["Bcc"] is None and b"\r\nBcc" not in raw.split(b"\r\n\r\n", 1)[0]


def test_a_mail_with_an_attachment_carries_it() -> None:
    docx = Attachment("bao-cao-tuan.docx", b"PK\x03\x04 docx", "application", "octet-stream")
    raw, _ = build(_mail(attachments=(docx,)))
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    (part,) = list(msg.iter_attachments())
    assert part.get_filename() == "bao-cao-tuan.docx" and part.get_content() == docx.content
    assert msg.get_body(("plain",)).get_content().splitlines() == TEXT.splitlines()  # type: ignore[union-attr]
