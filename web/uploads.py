"""Evidence files (tài liệu minh chứng): size limit, type by magic bytes and extension, stored
under a random name, served back only as attachments."""

from __future__ import annotations

import io
import re
import secrets
import unicodedata
import zipfile
from pathlib import Path

from starlette.datastructures import UploadFile

from storage.task_ops import Evidence, TaskOpError

ALLOWED = {".pdf": "pdf", ".docx": "docx", ".xlsx": "xlsx", ".png": "png", ".jpg": "jpeg"}
ALLOWED[".jpeg"] = "jpeg"
_ZIP_MARKER = {"docx": "word/", "xlsx": "xl/"}
_UNSAFE = re.compile(r'[\x00-\x1f\x7f"\\/:*?<>|;]+')


def sniff(head: bytes, data: bytes) -> str | None:
    """The real type of a file from its first bytes (and, for zips, its members)."""
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"PK\x03\x04"):
        try:
            names = zipfile.ZipFile(io.BytesIO(data)).namelist()
        except zipfile.BadZipFile:
            return None
        for kind, marker in _ZIP_MARKER.items():
            if "[Content_Types].xml" in names and any(n.startswith(marker) for n in names):
                return kind
    return None


def safe_name(filename: str) -> str:
    """A display name with no control characters, quotes or path parts (used in headers)."""
    name = unicodedata.normalize("NFC", filename).replace("\\", "/").rsplit("/", 1)[-1]
    name = _UNSAFE.sub("_", name).strip(" .") or "tep-dinh-kem"
    return name[:200]


def read_limited(upload: UploadFile, limit: int) -> bytes:
    """The upload's bytes, refused once more than `limit` bytes arrive."""
    chunks, size = [], 0
    upload.file.seek(0)
    while chunk := upload.file.read(64 * 1024):
        size += len(chunk)
        if size > limit:
            raise TaskOpError(f"Tệp quá lớn (tối đa {limit // (1024 * 1024)} MB)", "evidence")
        chunks.append(chunk)
    return b"".join(chunks)


def check_evidence(data: bytes, filename: str) -> str:
    """The file's extension once its content matches it; TaskOpError otherwise."""
    suffix = Path(filename).suffix.lower()
    if suffix not in ALLOWED:
        raise TaskOpError("Chỉ nhận tệp PDF, DOCX, XLSX, PNG hoặc JPEG", "evidence")
    if sniff(data[:16], data) != ALLOWED[suffix]:
        raise TaskOpError("Nội dung tệp không khớp với phần mở rộng " + suffix, "evidence")
    return suffix


def store_evidence(upload: UploadFile | None, upload_dir: Path, limit: int) -> Evidence | None:
    """Check and store an uploaded file; None when no file was chosen."""
    if upload is None or not upload.filename:
        return None
    data = read_limited(upload, limit)
    if not data:
        raise TaskOpError("Tệp rỗng", "evidence")
    suffix = check_evidence(data, upload.filename)
    upload_dir.mkdir(parents=True, exist_ok=True)
    stored = secrets.token_hex(16) + suffix
    (upload_dir / stored).write_bytes(data)
    return Evidence(path=stored, name=safe_name(upload.filename))


def discard(upload_dir: Path, evidence: Evidence | None) -> None:
    """Remove a stored file whose update was not saved (nothing half-saved)."""
    if evidence is not None:
        (upload_dir / evidence.path).unlink(missing_ok=True)


def evidence_file(upload_dir: Path, stored: str) -> Path | None:
    path = (upload_dir / stored).resolve()
    if path.parent != upload_dir.resolve() or not path.is_file():
        return None
    return path
