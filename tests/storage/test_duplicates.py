"""No double registration (SQLite and PostgreSQL): the same number and issue date, or the same
normalised text, is refused by the CLI, the API (409) and the review page unless the secretariat
confirms another document; numberless directives are labelled by date and subject."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from directives.labels import cited, directive_label, has_number
from dondoc.cli import app
from dondoc.settings import Settings
from storage.db import Database
from storage.models import DirectiveRow, HistoryRow, TaskRow
from tests.factories import build_world
from tests.web_testing import csrf_of, form_values, login
from web.app import create_app

NOTICES = Path(__file__).parents[1] / "fixtures" / "notices"
SEED = NOTICES / "tb-ubnd-2024-03-27-so-ngoai-vu.txt"


@pytest.fixture
def cli_env(db: Database, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("DONDOC_DATABASE_URL", db.url)
    result = CliRunner().invoke(app, ["agencies", "load"])
    assert result.exit_code == 0, result.output
    yield


def register(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["register", *args, "--yes"])
    return result.exit_code, result.output


def counts(db: Database) -> tuple[int, int]:
    with db.read() as s:
        directives = s.scalar(sa.select(sa.func.count()).select_from(DirectiveRow))
        tasks = s.scalar(sa.select(sa.func.count()).select_from(TaskRow))
    return directives or 0, tasks or 0


def test_the_same_notice_twice_is_refused_unless_confirmed(db: Database, cli_env: None) -> None:
    code, _ = register(str(SEED))
    assert code == 0
    before = counts(db)
    code, out = register(str(SEED))
    assert code != 0
    assert "đã được vào sổ (cùng nội dung)" in out and "(directive 1)" in out
    assert "--allow-duplicate" in out and "TB chưa số ngày 27/03/2024" in out
    assert counts(db) == before  # nothing stored
    code, out = register(str(SEED), "--allow-duplicate")
    assert code == 0, out
    assert counts(db) == (2, before[1] * 2)
    with db.read() as s:
        entry = s.scalars(sa.select(HistoryRow).where(HistoryRow.entity == "directive")
                          .order_by(HistoryRow.id.desc())).first()  # fmt: skip
        assert entry is not None and entry.changes["confirmed_not_duplicate_of"] == 1


def test_retyped_copy_and_same_number_and_date_are_refused(
    db: Database, cli_env: None, tmp_path: Path
) -> None:
    text = SEED.read_text(encoding="utf-8").replace("Số: /TB-UBND", "Số: 45/TB-UBND")
    numbered = tmp_path / "numbered.txt"
    numbered.write_text(text, "utf-8")
    assert register(str(numbered))[0] == 0
    assert register(str(SEED))[0] == 0  # no number: another document by its text
    retyped = tmp_path / "retyped.txt"  # spacing and line ends changed: the same text
    seed = SEED.read_text(encoding="utf-8")
    retyped.write_text("\n" + seed.replace(" ", "  ").replace("\n", " \r\n"), "utf-8")
    code, out = register(str(retyped))
    assert code != 0 and "cùng nội dung" in out
    amended = tmp_path / "amended.txt"  # one more sentence, but the same number and date
    amended.write_text(text + "\nSở Nội vụ theo dõi, tổng hợp kết quả.\n", "utf-8")
    code, out = register(str(amended))
    assert code != 0 and "cùng số, ký hiệu và ngày ban hành" in out
    assert counts(db)[0] == 2


@pytest.fixture
def web(db: Database, small_agencies, tmp_path: Path):  # type: ignore[no-untyped-def]
    world = build_world(db, small_agencies)  # the seed notice is registered (directive 1)
    client = TestClient(create_app(Settings(upload_dir=tmp_path / "u"), db))
    return world, client


def test_api_answers_409_naming_the_directive_then_accepts_the_flag(web, db: Database) -> None:  # type: ignore[no-untyped-def]
    world, client = web
    office = {"Authorization": f"Bearer {world.tokens['vanphong']}"}
    body = {"text": SEED.read_text(encoding="utf-8")}
    before = counts(db)
    r = client.post("/api/directives", headers=office, json=body)
    assert r.status_code == 409, r.text
    detail = r.json()["detail"]
    with db.read() as s:
        existing = s.scalar(sa.select(sa.func.min(DirectiveRow.id)))
    assert detail["existing_id"] == existing and detail["reason"] == "text"
    assert "đã được vào sổ" in detail["msg"] and detail["label"].startswith("TB chưa số ngày")
    assert counts(db) == before
    r = client.post("/api/directives", headers=office, json=body | {"allow_duplicate": True})
    assert r.status_code == 201, r.text


def test_review_page_names_the_existing_directive_and_asks_to_confirm(web, db: Database) -> None:  # type: ignore[no-untyped-def]
    _, client = web
    assert login(client, "vanphong").status_code == 303
    token = csrf_of(client.get("/secretariat/notices/new").text)
    text = SEED.read_text(encoding="utf-8")
    page = client.post("/secretariat/notices/parse", data={"text": text, "csrf_token": token})
    assert page.status_code == 200
    with db.read() as s:
        existing = s.scalar(sa.select(sa.func.min(DirectiveRow.id)))
    assert "Văn bản này đã được vào sổ (cùng nội dung)" in page.text
    assert f'href="/directives/{existing}"' in page.text and 'id="allow-duplicate"' in page.text
    values = form_values(page.text, "form-register")
    values.pop("allow_duplicate", None)
    before = counts(db)
    refused = client.post("/secretariat/notices/register", data=values)
    assert refused.status_code == 422
    assert "Chưa vào sổ:" in refused.text and f'href="/directives/{existing}"' in refused.text
    assert counts(db) == before
    values = form_values(refused.text, "form-register") | {"allow_duplicate": "1"}
    done = client.post("/secretariat/notices/register", data=values, follow_redirects=False)
    assert done.status_code == 303, done.text
    assert counts(db)[0] == before[0] + 1


def test_numberless_directives_are_labelled_by_date_and_subject(web, db: Database) -> None:  # type: ignore[no-untyped-def]
    _, client = web
    assert not has_number("/TB-UBND") and not has_number("  ") and has_number("45/TB-UBND")
    assert has_number("6882 /UBND-NC2") and has_number("1961/QĐUBND")
    label = directive_label("/TB-UBND", date(2024, 3, 27), "Kết luận  của\nđồng chí X", "TB")
    assert label == "TB chưa số ngày 27/03/2024: Kết luận của đồng chí X"
    assert cited(label) == f"Văn bản {label}" and cited("45/TB-UBND") == "Văn bản số 45/TB-UBND"
    assert login(client, "vanphong").status_code == 303
    listed = client.get("/tasks").text
    assert "TB chưa số ngày 27/03/2024" in listed and "/TB-UBND" not in listed
    home = client.get("/secretariat").text
    assert "TB chưa số ngày 27/03/2024" in home


def test_migration_0005_fingerprints_the_directives_already_registered(blank_db: Database) -> None:
    from datetime import UTC, datetime

    from directives.fingerprint import text_key
    from storage.migrate import check, downgrade, upgrade

    upgrade(blank_db, "0002")
    directive = sa.Table("directive", sa.MetaData(), autoload_with=blank_db.engine)
    text = SEED.read_text(encoding="utf-8")
    with blank_db.write() as s:
        s.execute(sa.insert(directive).values(
            kind="TB", number="/TB-UBND", recipients=[], source_text=text, registered_by="t",
            registered_at=datetime(2024, 3, 28, tzinfo=UTC)))  # fmt: skip
    upgrade(blank_db)
    check(blank_db)
    with blank_db.read() as s:
        assert s.scalar(sa.select(DirectiveRow.text_key)) == text_key(text)
    downgrade(blank_db, "0002")
    assert "text_key" not in {
        c["name"] for c in sa.inspect(blank_db.engine).get_columns("directive")
    }
