"""Task list and task page (every role, filtered by what it may see); evidence downloads."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import FileResponse
from starlette.responses import Response

from directives.buckets import bucket as task_bucket
from directives.models import CLOSED_STATES, Bucket, ExtensionDecision, TaskState
from directives.recurrence import RecurrenceError, describe_rule, parse_rule
from storage import extension_flow, page_reads
from storage.db import Database
from storage.queries import TaskFilter, list_tasks
from storage.task_list import COUNT_CAP, TaskPage
from storage.task_ops import TaskNotFound
from web import access, task_lists
from web.accounts import CurrentUser
from web.deps import AppSettings, Db, PageUser, csrf_protect, render, require, today
from web.list_params import ListParams
from web.periods import fresh_periods
from web.uploads import evidence_file
from web.views import deadline_note, urgency

router = APIRouter(dependencies=[Depends(csrf_protect)], include_in_schema=False)


def visible_tasks(db: Database, user: CurrentUser, flt: TaskFilter | None = None) -> list:
    flt = flt or access.task_filter(user)
    with db.read() as session:
        return list_tasks(session, today(), flt)


def paged_rows(found: TaskPage, params: ListParams, base: str) -> dict[str, Any]:
    """A page of a short task table (task_table, bucket_tabs): rows, tab counts, pager links."""
    return {
        "rows": found.rows,
        "counts": found.counts,
        "total": sum(found.counts.values()),
        "bucket": params.query.bucket.value if params.query.bucket else None,
        "buckets": list(Bucket),
        "urgency": urgency,
        "deadline_note": deadline_note,
        "as_of": params.query.as_of,
        "next_url": params.url(base, cursor=found.next_cursor) if found.next_cursor else None,
        "prev_url": params.url(base, cursor=found.prev_cursor) if found.prev_cursor else None,
        "counted": found.counted,
    }


SORT_HEADERS = (("deadline", "Hạn xử lý"), ("registered", "Ngày vào sổ"),
                ("lead", "Chủ trì"), ("state", "Trạng thái"), ("id", "Mã"))  # fmt: skip


def paged_context(db: Database, user: CurrentUser, request: Request, base: str) -> dict[str, Any]:
    """The paged list of `base` (/tasks) for the query string; 422 for a bad one."""
    items = request.query_params.multi_items()
    params, found = task_lists.counted_page_or_422(db, user, items, today())
    with db.read() as session:
        agencies = [a for a in page_reads.agencies(session) if a.kind != "group"]
    return {
        "rows": found.rows,
        "page": found,
        "params": params,
        "base": base,
        "counts": found.counts,
        "all_count": sum(found.counts.values()),
        "bucket": params.query.bucket.value if params.query.bucket else None,
        "buckets": list(Bucket),
        "states": list(TaskState),
        "agencies": agencies,
        "sort_headers": SORT_HEADERS,
        "as_of": params.query.as_of,
        "filter_query": urlencode(
            {k: v for k, v in params.values.items() if k not in ("cursor", "limit")}
        ),  # fmt: skip
        "urgency": urgency,
        "deadline_note": deadline_note,
        "count_cap": f"{COUNT_CAP:,}".replace(",", "."),
    }


@router.get("/tasks")
def task_list(request: Request, user: PageUser, db: Db) -> Response:
    context = paged_context(db, user, request, "/tasks") | {"user": user, "title": "Nhiệm vụ"}
    return render(request, "tasks.html", context)


def readable_task(db: Database, user: CurrentUser, task_id: int) -> tuple[Any, access.Relation]:
    with db.read() as session:
        task = page_reads.load_task(session, task_id)
        if task is None:
            raise TaskNotFound(task_id)
        rel = access.relation(user, task)
        require(user, rel is not None, "xem nhiệm vụ này")
        assert rel is not None  # require() refused otherwise
        return task, rel


def task_page(
    request: Request,
    db: Database,
    user: CurrentUser,
    task_id: int,
    *,
    form: str | None = None,
    errors: dict[str, str] | None = None,
    values: dict[str, Any] | None = None,
    status_code: int = 200,
) -> Response:
    """The task page; after a refused form, that form shows its errors and the values typed."""
    readable_task(db, user, task_id)  # may this user see it at all (before any write)
    found = fresh_periods(db, task_id, today())  # a recurring task: its periods begun by today
    task, rel = readable_task(db, user, task_id)
    decider = request.app.state.settings.extension_decider
    with db.read() as session:
        record = page_reads.task_record(session, task)
        everyone = page_reads.agencies(session, on=today()) if rel == "office" else []
        if everyone:  # the task's own agencies stay choosable even if they have ended since
            own = {task.lead_agency_id, *(c.id for c in task.coordinators)}
            everyone += page_reads.agencies_by_id(session, own - {a.id for a in everyone})
        pending = next(
            (e for e in record.extensions if e.decision == ExtensionDecision.PENDING), None
        )
        proposal = extension_flow.proposals(session, [pending.id]) if pending else {}
    source = task.directive.source_text or ""
    excerpt = source[task.source_start : task.source_end] if task.source_end else ""
    context = {
        "user": user,
        "rel": rel,
        "record": record,
        "task": task,
        "excerpt": excerpt,
        "urgency": urgency(task, today()),
        "deadline_note": deadline_note(task, today()),
        "can_report": access.can_report(rel),
        "can_note": access.can_note(rel),
        "can_decide": access.can_decide(rel),
        "pending": pending,
        "can_decide_extension": access.can_decide_extension(rel, decider),
        "can_propose": access.can_propose_extension(rel, decider),
        "proposal": proposal.get(pending.id) if pending else None,
        "leader_decides": decider == "leader",
        "agencies": [a for a in everyone if a.kind != "group"],  # a lead is one agency
        "coordinator_choices": everyone,  # groups may coordinate ("các sở, ban, ngành")
        "form": form,
        "errors": errors or {},
        "values": values or {},
        "title": f"Nhiệm vụ {task.ref}",
        "periods": found or [],
        "current_period": _current(found),
        "rule_vi": _rule_vi(task.recurrence),
        "bucket": (b.value if (b := task_bucket(task, today())) else None),
    }
    return render(request, "task.html", context, status_code)


def _current(found: list[dict[str, Any]] | None) -> int | None:
    if not found:
        return None
    open_ = [p["seq"] for p in found if p["state"] not in CLOSED_STATES]
    return open_[0] if open_ else found[-1]["seq"]


def _rule_vi(rule: str | None) -> str | None:
    try:
        return describe_rule(parse_rule(rule)) if rule else None
    except RecurrenceError:
        return None


@router.get("/tasks/{task_id}")
def show_task(request: Request, task_id: int, user: PageUser, db: Db) -> Response:
    return task_page(request, db, user, task_id)


@router.get("/evidence/{update_id}")
def evidence(update_id: int, user: PageUser, db: Db, settings: AppSettings) -> Response:
    with db.read() as session:
        update = page_reads.evidence_update(session, update_id)
    if update is None:
        raise HTTPException(404)
    readable_task(db, user, update.task_id)
    path = evidence_file(settings.upload_dir, update.evidence_path or "")
    if path is None:
        raise HTTPException(404)
    return FileResponse(
        path,
        filename=update.evidence_name or path.name,
        content_disposition_type="attachment",
        headers={"X-Content-Type-Options": "nosniff"},
    )
