"""Pages of the agency registry for the secretariat and admin: add, rename, edit addresses, end
with successors, import and export (YAML, CSV, XLSX), and the handover of open tasks."""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse
from starlette.datastructures import UploadFile
from starlette.responses import Response

from directives.agencies import AgencyFileError
from storage import page_reads, registry_edit
from storage.agencies import load_agencies, read_agency_file, registry_from_db
from storage.handover import HandoverError, apply_handover, plan_handover
from storage.models import AgencyRow
from storage.registry_files import FORMATS, registry_bytes
from web.deps import Db, PageUser, csrf_protect, flash, render, require, today
from web.forms import Form
from web.messages_vi import registry_lines

router = APIRouter(dependencies=[Depends(csrf_protect)], include_in_schema=False)
_TYPES = {
    ".yaml": "application/yaml",
    ".csv": "text/csv; charset=utf-8",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
MAX_REGISTRY_BYTES = 2 * 1024 * 1024


def _office(user: PageUser) -> None:
    require(user, user.is_office, "sửa danh mục cơ quan")


def _text(form: Form, name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


def _day(value: str) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


@router.post("/secretariat/agencies/new")
def add(request: Request, user: PageUser, db: Db, form: Form) -> Response:
    _office(user)
    aliases = [a.strip() for a in _text(form, "aliases").split(";") if a.strip()]
    try:
        with db.write() as session:
            row = registry_edit.add_agency(
                session, user.username, code=_text(form, "code"), name=_text(form, "name"),
                kind=_text(form, "kind") or "department", email=_text(form, "email"),
                head_email=_text(form, "head_email"), aliases=aliases,
                valid_from=_day(_text(form, "valid_from")),
            )  # fmt: skip
            agency_id = row.id
    except registry_edit.RegistryEditError as exc:
        return _list(request, user, db, exc.errors, dict(form), 400)
    flash(request, f"Đã thêm cơ quan «{_text(form, 'name')}».")
    return RedirectResponse(f"/secretariat/agencies/{agency_id}", status_code=303)


def _list(
    request: Request, user: PageUser, db: Db, errors: dict, values: dict, status: int
) -> Response:
    with db.read() as session:
        rows = page_reads.agencies(session, include_groups=False)
        ends = registry_edit.endings(session)
    context = {"user": user, "agencies": rows, "ends": ends, "kinds": registry_edit.KINDS,
               "errors": errors, "values": values, "title": "Cơ quan", "base_url": ""}  # fmt: skip
    return render(request, "agencies.html", context, status)


@router.get("/secretariat/agencies/{agency_id:int}")
def edit_page(request: Request, agency_id: int, user: PageUser, db: Db) -> Response:
    _office(user)
    return _edit(request, user, db, agency_id, {}, {}, 200)


def _edit(
    request: Request,
    user: PageUser,
    db: Db,
    agency_id: int,
    errors: dict,
    values: dict,
    status: int,
) -> Response:
    with db.read() as session:
        agency = session.get(AgencyRow, agency_id)
        if agency is None:
            return render(
                request, "error.html", {"status": 404, "message": "Không có cơ quan."}, 404
            )
        aliases = [a.alias for a in agency.aliases if a.alias != agency.name]
        ending = registry_edit.endings(session).get(agency_id)
        choices = [a for a in page_reads.agencies(session, on=None) if a.id != agency_id]
    context = {"user": user, "agency": agency, "aliases": aliases, "ending": ending,
               "choices": choices, "kinds": registry_edit.KINDS, "errors": errors,
               "values": values, "title": agency.name}  # fmt: skip
    return render(request, "agency_edit.html", context, status)


@router.post("/secretariat/agencies/{agency_id:int}")
def update(request: Request, agency_id: int, user: PageUser, db: Db, form: Form) -> Response:
    _office(user)
    try:
        with db.write() as session:
            registry_edit.update_agency(
                session, agency_id, user.username, name=_text(form, "name"),
                email=_text(form, "email") or None, head_email=_text(form, "head_email") or None,
            )  # fmt: skip
    except registry_edit.RegistryEditError as exc:
        return _edit(request, user, db, agency_id, exc.errors, dict(form), 400)
    flash(request, "Đã lưu thông tin cơ quan.")
    return RedirectResponse(f"/secretariat/agencies/{agency_id}", status_code=303)


@router.post("/secretariat/agencies/{agency_id:int}/end")
def end(request: Request, agency_id: int, user: PageUser, db: Db, form: Form) -> Response:
    _office(user)
    successors = [s for s in form.getlist("successors") if isinstance(s, str) and s]
    try:
        with db.write() as session:
            registry_edit.end_agency(
                session, agency_id, user.username, on=_day(_text(form, "on")),
                kind=_text(form, "kind"), successors=successors, source=_text(form, "source"),
            )  # fmt: skip
    except registry_edit.RegistryEditError as exc:
        return _edit(request, user, db, agency_id, exc.errors, dict(form), 400)
    flash(request, "Đã ghi kết thúc hoạt động; chuyển giao nhiệm vụ tại trang Chuyển giao.")
    return RedirectResponse(f"/secretariat/agencies/{agency_id}", status_code=303)


@router.get("/secretariat/agencies/export.{fmt}")
def export(fmt: str, user: PageUser, db: Db) -> Response:
    _office(user)
    suffix = f".{fmt}"
    if suffix not in _TYPES:
        return Response("Định dạng không hỗ trợ.", status_code=404)
    with db.read() as session:
        data = registry_bytes(registry_from_db(session), suffix)
    headers = {"Content-Disposition": f'attachment; filename="danh-muc-co-quan{suffix}"'}
    return Response(data, media_type=_TYPES[suffix], headers=headers)


@router.post("/secretariat/agencies/import")
async def import_file(request: Request, user: PageUser, db: Db, form: Form) -> Response:
    _office(user)
    upload = form.get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        return _list(request, user, db, {"file": "Chọn một tệp YAML, CSV hoặc XLSX."}, {}, 400)
    suffix = Path(upload.filename).suffix.lower()
    data = await upload.read(MAX_REGISTRY_BYTES + 1)
    if suffix not in FORMATS or len(data) > MAX_REGISTRY_BYTES:
        message = "Tệp phải là YAML, CSV hoặc XLSX, không quá 2 MB."
        return _list(request, user, db, {"file": message}, {}, 400)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"registry{suffix}"
        path.write_bytes(data)
        try:
            agencies = read_agency_file(path)
        except AgencyFileError as exc:
            lines = registry_lines(exc.problems)
            return _list(
                request, user, db, {"file": "Tệp có lỗi, chưa nạp gì:", "rows": lines}, {}, 400
            )
        except UnicodeDecodeError:
            return _list(request, user, db, {"file": "Tệp không phải văn bản UTF-8."}, {}, 400)
    with db.write() as session:
        created, updated = load_agencies(session, agencies)
    flash(request, f"Đã nạp danh mục: thêm {created}, cập nhật {updated} cơ quan.")
    return RedirectResponse("/secretariat/agencies", status_code=303)


@router.get("/secretariat/handover")
def handover_page(request: Request, user: PageUser, db: Db, at: str | None = None) -> Response:
    _office(user)
    day = _day(at or "") or today()
    with db.read() as session:
        moves = plan_handover(session, day)
    context = {"user": user, "moves": moves, "at": day, "title": "Chuyển giao nhiệm vụ"}
    return render(request, "handover.html", context)


@router.post("/secretariat/handover")
def handover(request: Request, user: PageUser, db: Db, form: Form) -> Response:
    _office(user)
    day = _day(_text(form, "at")) or today()
    choices = {
        k[len("to:") :]: v for k, v in form.items() if k.startswith("to:") and isinstance(v, str)
    }
    try:
        with db.write() as session:
            done = apply_handover(session, day, user.username, choices)
    except HandoverError as exc:
        flash(request, str(exc))
        return RedirectResponse(f"/secretariat/handover?at={day.isoformat()}", status_code=303)
    flash(request, f"Đã chuyển giao {len(done)} nhiệm vụ (chủ trì hoặc phối hợp).")
    return RedirectResponse(f"/secretariat/handover?at={day.isoformat()}", status_code=303)
