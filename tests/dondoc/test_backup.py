"""`dondoc backup` / `dondoc restore`: SQLite → PostgreSQL → SQLite keeps every row and file;
a non-empty database and a damaged archive are refused with nothing changed."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import tarfile
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from bench.pgdb import create_pg_database, drop_pg_database
from dondoc.cli import app
from dondoc.settings import get_settings
from storage.db import Base, Database, shared_database
from storage.migrate import current_revision, head_revision
from storage.models import StatusUpdateRow, TaskRow
from storage.task_ops import Actor, Evidence, report_progress

SEED = Path(__file__).parents[1] / "fixtures" / "notices" / "tb-ubnd-2024-03-27-so-ngoai-vu.txt"
ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "Một-mật-khẩu-đủ-dài-2026"


def cli(monkeypatch: pytest.MonkeyPatch, url: str, uploads: Path, *args: str) -> Any:
    monkeypatch.setenv("DONDOC_DATABASE_URL", url)
    monkeypatch.setenv("DONDOC_UPLOAD_DIR", str(uploads))
    get_settings.cache_clear()  # each command a process of its own, with its own settings
    return CliRunner().invoke(app, list(args), catch_exceptions=False)


def refused(monkeypatch: pytest.MonkeyPatch, url: str, uploads: Path, *args: str) -> str:
    """The real command line in its own process: exit 2 and one line on stderr."""
    env = {**os.environ, "DONDOC_DATABASE_URL": url, "DONDOC_UPLOAD_DIR": str(uploads)}
    done = subprocess.run([sys.executable, "-m", "dondoc", *args], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=120)  # fmt: skip
    assert done.returncode == 2, done.stderr
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr
    return done.stderr


def ok(result: Any) -> str:
    assert result.exit_code == 0, result.output
    return result.stdout


def every_row(url: str) -> dict[str, list[tuple]]:
    """Every row of every table but the registry's and the data's stamps, which are new at each
    change by design (a restore writes both, so readers reload what they kept)."""
    db = shared_database(Database(url).url)
    with db.engine.connect() as conn:
        return {
            t.name: [tuple(r) for r in conn.execute(sa.select(t).order_by(*t.primary_key))]
            for t in Base.metadata.sorted_tables
            if t.name not in ("registry_version", "data_version")
        }


def every_file(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}  # fmt: skip


@pytest.fixture
def pg_url(pg_admin_url: str | None) -> Iterator[str]:
    if not pg_admin_url:
        pytest.skip("DONDOC_TEST_POSTGRES_URL not set")
    url = create_pg_database(pg_admin_url)
    yield url
    shared_database(Database(url).url).dispose()
    drop_pg_database(pg_admin_url, url)


def _next_monday() -> str:
    """A working morning after today (registration uses today's date)."""
    today = datetime.now(UTC).date()
    return f"{today + timedelta(days=7 - today.weekday())}T07:30"


def office(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> tuple[str, Path]:
    """An embedded office on SQLite: agencies, a registered notice, users, planned reminders
    (reminders and outbox with stored mail), a progress report with an evidence file."""
    url, uploads = f"sqlite:///{tmp_path / 'office.db'}", tmp_path / "uploads"
    for args in (("init",), ("agencies", "load"), ("register", str(SEED), "--yes"),
                 ("users", "add", "vp.chuyenvien", "--role", "secretariat", "--password",
                  PASSWORD, "--name", "Nguyễn Thị Hà", "--email", "ha@langson.example.org"),
                 ("sweep", "--at", _next_monday())):  # fmt: skip
        ok(cli(monkeypatch, url, uploads, *args))
    uploads.mkdir(exist_ok=True)
    (uploads / "a1b2c3.pdf").write_bytes(b"%PDF-1.4 bien ban hop\x00\xff" * 100)
    db = shared_database(Database(url).url)
    with db.write() as s:
        task_id = s.scalar(sa.select(TaskRow.id).order_by(TaskRow.id).limit(1))
        report_progress(s, task_id, version=None, actor=Actor("vp.chuyenvien", None),
                        percent=40, note="Đã họp rà soát", today=date(2024, 6, 24),
                        evidence=Evidence("a1b2c3.pdf", "Biên bản họp.pdf"))  # fmt: skip
    return url, uploads


def test_sqlite_to_postgresql_to_sqlite_keeps_every_row_and_file(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, pg_url: str
) -> None:
    url, uploads = office(monkeypatch, tmp_path)
    before, files = every_row(url), every_file(uploads)
    for table in ("directive", "task", "history", "reminder", "outbox", "outbox_message",
                  "app_user", "status_update", "agency", "calendar_day"):  # fmt: skip
        assert before[table], f"the office has no {table} rows"
    ok(cli(monkeypatch, url, uploads, "backup", str(tmp_path / "a.tar.gz")))

    pg_uploads = tmp_path / "pg-uploads"
    out = ok(cli(monkeypatch, pg_url, pg_uploads, "restore", str(tmp_path / "a.tar.gz"), "--json"))
    assert json.loads(out)["files"] == 1
    assert every_row(pg_url) == before and every_file(pg_uploads) == files
    # the id sequences continue after the loaded ids
    ok(cli(monkeypatch, pg_url, pg_uploads, "users", "add", "lanhdao", "--role", "leader",
           "--leader", "Đoàn Thu Hà", "--password", PASSWORD))  # fmt: skip
    with shared_database(Database(pg_url).url).read() as s:
        ids = s.execute(sa.text("SELECT id, username FROM app_user ORDER BY id")).all()
    assert ids[-1][1] == "lanhdao" and ids[-1][0] == ids[-2][0] + 1
    with shared_database(Database(pg_url).url).write() as s:
        s.execute(sa.text("DELETE FROM app_user WHERE username = 'lanhdao'"))
    ok(cli(monkeypatch, pg_url, pg_uploads, "backup", str(tmp_path / "b.tar.gz")))

    back, back_uploads = f"sqlite:///{tmp_path / 'back.db'}", tmp_path / "back-uploads"
    ok(cli(monkeypatch, back, back_uploads, "init"))  # an initialised database is still empty
    ok(cli(monkeypatch, back, back_uploads, "restore", str(tmp_path / "b.tar.gz")))
    assert every_row(back) == before and every_file(back_uploads) == files
    assert current_revision(shared_database(Database(back).url)) == head_revision()
    with shared_database(Database(back).url).read() as s:
        update = s.scalars(sa.select(StatusUpdateRow)).one()
        assert (update.evidence_name, update.note) == ("Biên bản họp.pdf", "Đã họp rà soát")
        assert (back_uploads / update.evidence_path).read_bytes() == files["a1b2c3.pdf"]


def test_the_archive_has_a_manifest_with_counts_and_checksums(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    url, uploads = office(monkeypatch, tmp_path)
    ok(cli(monkeypatch, url, uploads, "backup", str(tmp_path / "a.tar.gz")))
    with tarfile.open(tmp_path / "a.tar.gz") as tar:
        names = tar.getnames()
        manifest = json.loads(tar.extractfile("manifest.json").read())  # type: ignore[union-attr]
    assert names[0] == "manifest.json"
    assert manifest["alembic_revision"] == head_revision()
    assert manifest["source_dialect"] == "sqlite" and manifest["dondoc_version"]
    assert manifest["tables"]["task"] == len(every_row(url)["task"])
    assert set(manifest["members"]) == set(names) - {"manifest.json"}
    assert {"db/database.sqlite", "db/task.jsonl", "files/a1b2c3.pdf"} <= set(names)
    assert all(len(m["sha256"]) == 64 for m in manifest["members"].values())


def test_a_non_empty_database_is_refused_and_left_as_it_was(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    url, uploads = office(monkeypatch, tmp_path)
    ok(cli(monkeypatch, url, uploads, "backup", str(tmp_path / "a.tar.gz")))
    before = every_row(url)
    message = refused(monkeypatch, url, uploads, "restore", str(tmp_path / "a.tar.gz"))
    assert "not empty" in message and "nothing was changed" in message
    assert every_row(url) == before


def _tamper(source: Path, target: Path, member: str) -> None:
    """A copy of the archive with one byte of `member` changed."""
    with tarfile.open(source) as tar, tarfile.open(target, "w:gz") as out:
        for info in tar.getmembers():
            data = tar.extractfile(info).read()  # type: ignore[union-attr]
            if info.name == member:
                data = data[:-2] + bytes([data[-2] ^ 1]) + data[-1:]
            out.addfile(info, io.BytesIO(data))


@pytest.mark.parametrize("damage", ["row", "file", "truncated", "not an archive"])
def test_a_damaged_archive_is_refused_before_anything_changes(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, damage: str
) -> None:
    url, uploads = office(monkeypatch, tmp_path)
    good, bad = tmp_path / "a.tar.gz", tmp_path / "bad.tar.gz"
    ok(cli(monkeypatch, url, uploads, "backup", str(good)))
    if damage == "row":
        _tamper(good, bad, "db/task.jsonl")
    elif damage == "file":
        _tamper(good, bad, "files/a1b2c3.pdf")
    elif damage == "truncated":
        bad.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    else:
        bad.write_text("hello")
    target, target_uploads = tmp_path / "new.db", tmp_path / "new-uploads"
    message = refused(monkeypatch, f"sqlite:///{target}", target_uploads, "restore", str(bad))
    assert "nothing was changed" in message
    assert "damaged" in message or "not a dondoc backup" in message
    assert not target.exists() and not target_uploads.exists()
