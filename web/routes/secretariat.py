"""Pages of the secretariat (Văn phòng UBND tỉnh): register notices, confirm, extensions, edits."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse
from pydantic import ValidationError
from starlette.datastructures import UploadFile
from starlette.responses import Response

from directives.drafts import TextSource
from directives.labels import directive_label
from directives.models import TaskState
from directives.parsing import NoticeError
from notifications.assignment import notify_registration
from storage import page_reads, registry_edit, task_list
from storage.agencies import registry_from_db
from storage.db import utcnow
from storage.models import DirectiveRow
from storage.queries import TaskFilter
from storage.registration import (
    DuplicateDirective,
    RegistrationError,
    find_duplicate,
    register_directive,
)
from storage.task_list import TaskQuery
from web import notices, task_lists
from web.accounts import CurrentUser
from web.deps import AppSettings, Db, PageUser, csrf_protect, flash, render, require, today
from web.forms import Form, add_page_actions, text_fields
from web.list_params import ListParams
from web.routes.tasks import readable_task, visible_tasks
from web.schemas import RegisterIn, clean_form, form_errors
from web.uploads import TaskOpError

router = APIRouter(dependencies=[Depends(csrf_protect)], include_in_schema=False)


def _office(user: CurrentUser) -> None:
    require(user, user.is_office, "truy cập trang của Văn phòng")


QUEUE_SIZE = 20  # completions awaiting confirmation on the page; the rest on /tasks
RECENT_DIRECTIVES = 50


@router.get("/secretariat")
def queue(request: Request, user: PageUser, db: Db) -> Response:
    """The first page of the completions to confirm (paged on /tasks), extensions, directives."""
    _office(user)
    awaiting = ListParams(
        TaskQuery(as_of=today(), state=TaskState.AWAITING_CONFIRMATION, limit=QUEUE_SIZE),
        {"state": TaskState.AWAITING_CONFIRMATION.value, "limit": str(QUEUE_SIZE)},
    )
    found = task_lists.read_page(db, user, awaiting)
    with db.read() as session:
        extensions = page_reads.pending_extensions(session)
        directives = page_reads.directives(session, limit=RECENT_DIRECTIVES)
        total = task_list.total(session, TaskQuery(as_of=today()))
    more = awaiting.url("/tasks", cursor=found.next_cursor) if found.next_cursor else None
    context = {"user": user, "awaiting": found.rows, "awaiting_total": found.total}
    context |= {"awaiting_more": more, "awaiting_all": awaiting.url("/tasks")}
    many = total > task_list.COUNT_CAP  # counted no further
    context |= {"extensions": extensions, "directives": directives}
    context |= {"total": f"hơn {task_list.COUNT_CAP:,}".replace(",", ".") if many else total}
    context |= {"recent": RECENT_DIRECTIVES, "title": "Văn phòng UBND tỉnh"}
    return render(request, "secretariat.html", context)


@router.get("/secretariat/notices/new")
def new_notice(request: Request, user: PageUser) -> Response:
    _office(user)
    context = {"user": user, "errors": {}, "text": "", "accept": notices.ACCEPT}
    return render(request, "notice_new.html", context)


def _new(request: Request, user: CurrentUser, message: str, text: str = "") -> Response:
    context = {"user": user, "errors": {"text": message}, "text": text, "accept": notices.ACCEPT}
    return render(request, "notice_new.html", context, 422)


def _review(
    request: Request,
    user: CurrentUser,
    db: Db,
    text: str,
    source: TextSource | None = None,
    **extra: Any,
) -> Response:
    with db.read() as session:
        registry = registry_from_db(session)
        try:
            draft = notices.parse(text, registry, source)
        except NoticeError as exc:
            return _new(request, user, str(exc), "" if source else text)
        # the picker offers the agencies of the notice's date
        agencies = page_reads.agencies(session, on=draft.issued or today())
        duplicate = find_duplicate(session, draft)  # warned before the clerk confirms
    # The form carries the normalised text: the spans of OCR warnings point into it.
    text = draft.text if source else text
    context = {"user": user, "draft": draft, "text": text, "agencies": agencies}
    context |= {"source": notices.source_fields(draft), "marked": _marked(draft)}
    context |= {"unmatched": notices.unmatched(draft), "errors": {}, "values": {}}
    context |= {"title": "Xem lại đề xuất", "duplicate": duplicate} | extra
    return render(request, "notice_review.html", context, 422 if extra.get("errors") else 200)


@router.post("/secretariat/notices/parse")
def parse_notice(
    request: Request, user: PageUser, db: Db, settings: AppSettings, form: Form
) -> Response:
    _office(user)
    text = form.get("text") if isinstance(form.get("text"), str) else ""
    upload = form.get("file")
    source = None
    try:
        if isinstance(upload, UploadFile) and upload.filename:
            extracted = notices.read_upload(upload, settings)
            text, source = extracted.text, extracted.source
    except (NoticeError, TaskOpError) as exc:
        return _new(request, user, str(exc))
    if not str(text).strip():
        return _new(
            request, user, "Dán nội dung văn bản hoặc chọn tệp văn bản (Word, PDF, ảnh quét)."
        )
    return _review(
        request, user, db, str(text), source if source and source.origin != "text" else None
    )


def _marked(draft: Any) -> list[tuple[str, bool]]:
    """The source text cut into (piece, unsure) so the page can mark OCR's doubtful words."""
    pieces, at = [], 0
    for a, b in draft.low_confidence:
        if a < at:
            continue
        pieces += [(draft.text[at:a], False), (draft.text[a:b], True)]
        at = b
    return [*pieces, (draft.text[at:], False)]


@router.post("/secretariat/notices/register")
def register_notice(
    request: Request, user: PageUser, db: Db, form: Form, settings: AppSettings
) -> Response:
    _office(user)
    values = text_fields(form)
    text = values.get("text", "")
    source = notices.source_from(values)
    with db.read() as session:
        registry = registry_from_db(session)
    try:
        draft = notices.parse(text, registry, source)
        choices, errors = notices.choices_from_form(values, len(draft.tasks))
        head = clean_form({"text": text, "number": values.get("number", "")})
        body = RegisterIn.model_validate(
            head
            | {"leader": values.get("leader") or None}
            | {"allow_duplicate": values.get("allow_duplicate") == "1"}
        )
        body = body.model_copy(update={"tasks": choices})
    except NoticeError as exc:
        return _new(request, user, str(exc))
    except ValidationError as exc:
        return _review(request, user, db, text, source, errors=form_errors(exc), values=values)
    final, more = notices.apply(draft, body, registry)
    if errors or more:
        return _review(request, user, db, text, source, errors=errors | more, values=values)
    try:
        with db.write() as session:
            directive = register_directive(
                session, final, registry, user.username, allow_duplicate=body.allow_duplicate
            )
            directive_id, count = directive.id, len(directive.tasks)
            session.flush()
            notify_registration(session, directive_id, settings, utcnow())
    except DuplicateDirective as exc:
        errors = {"_duplicate": exc.message_vi}
        return _review(request, user, db, text, source, errors=errors, values=values)
    except RegistrationError as exc:
        return _review(request, user, db, text, source, errors={"_form": str(exc)}, values=values)
    flash(request, f"Đã vào sổ văn bản với {count} nhiệm vụ.")
    return RedirectResponse(f"/directives/{directive_id}", status_code=303)


@router.get("/directives/{directive_id}")
def directive_page(request: Request, directive_id: int, user: PageUser, db: Db) -> Response:
    with db.read() as session:
        directive = session.get(DirectiveRow, directive_id)
    require(
        user,
        directive is not None
        and (
            user.is_office
            or (user.leader_name is not None and directive.leader == user.leader_name)
        ),
        "xem văn bản này",
    )
    assert directive is not None  # require() refused otherwise
    rows = visible_tasks(db, user, TaskFilter(directive_id=directive_id))
    context = {
        "user": user,
        "directive": directive,
        "rows": rows,
        "title": directive_label(
            directive.number, directive.issued_on, directive.subject, directive.kind
        ),
    }
    return render(request, "directive.html", context)


@router.get("/secretariat/agencies")
def agencies_page(request: Request, user: PageUser, db: Db, settings: AppSettings) -> Response:
    _office(user)
    with db.read() as session:
        rows = page_reads.agencies(session, include_groups=False)
        ends = registry_edit.endings(session)
    context = {"user": user, "agencies": rows, "base_url": settings.base_url, "title": "Cơ quan"}
    context |= {"ends": ends, "kinds": registry_edit.KINDS}
    return render(request, "agencies.html", context)


@router.get("/tasks/{task_id}/edit")
def edit_page(request: Request, task_id: int, user: PageUser, db: Db) -> Response:
    _office(user)
    readable_task(db, user, task_id)
    from web.routes.tasks import task_page

    return task_page(request, db, user, task_id, form="edit")


add_page_actions(router, ("confirm", "return", "decision", "edit", "proposal"))
