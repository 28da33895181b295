"""Running a task action from a page form: validate, store the evidence, write, redirect."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse
from pydantic import ValidationError
from starlette.datastructures import FormData, UploadFile
from starlette.responses import Response

from dondoc.settings import Settings
from notifications.assignment import notify_reassignment
from storage.db import Database, utcnow
from storage.task_ops import TaskOpError
from web.accounts import CurrentUser
from web.actions import ACTIONS, actor_of, allowed
from web.deps import AppSettings, Db, PageUser, flash, require, today
from web.routes.tasks import readable_task, task_page
from web.schemas import clean_form, form_errors
from web.uploads import discard, store_evidence

LIST_FIELDS = ("coordinators",)


async def form_fields(request: Request) -> FormData:
    return await request.form()  # parsed once, cached by Starlette (also read by the CSRF check)


Form = Annotated[FormData, Depends(form_fields)]


def text_fields(form: FormData) -> dict[str, Any]:
    values: dict[str, Any] = {
        k: v for k, v in form.items() if isinstance(v, str) and k != "csrf_token"
    }
    for name in LIST_FIELDS:
        if name in values or f"{name}_present" in values:
            values[name] = [v for v in form.getlist(name) if isinstance(v, str) and v]
        values.pop(f"{name}_present", None)
    return values


def run_page_action(
    request: Request,
    db: Database,
    settings: Settings,
    user: CurrentUser,
    task_id: int,
    name: str,
    form: FormData,
) -> Response:
    action = ACTIONS[name]
    _, rel = readable_task(db, user, task_id)
    require(user, allowed(name, rel, settings.extension_decider))
    values = text_fields(form)
    evidence = None
    try:
        body = action.schema.model_validate(clean_form(values))
        upload = form.get("evidence")
        if action.uploads and isinstance(upload, UploadFile):
            evidence = store_evidence(upload, settings.upload_dir, settings.upload_max_bytes)
        with db.write() as session:
            action.op(session, task_id, body, actor_of(user), evidence, today())
            if name == "edit":  # a new lead or coordinator is told (thông báo giao nhiệm vụ)
                notify_reassignment(session, task_id, settings, utcnow())
    except ValidationError as exc:
        errors = form_errors(exc)
    except TaskOpError as exc:
        discard(settings.upload_dir, evidence)
        errors = {exc.field or "_form": str(exc)}
    except BaseException:
        discard(settings.upload_dir, evidence)
        raise
    else:
        flash(request, action.done)
        return RedirectResponse(f"/tasks/{task_id}", status_code=303)
    return task_page(
        request, db, user, task_id, form=name, errors=errors, values=values, status_code=422
    )


def add_page_actions(router: APIRouter, names: tuple[str, ...]) -> None:
    """One POST route /tasks/{task_id}/<name> per action, each running `run_page_action`."""
    for name in names:
        router.add_api_route(
            f"/tasks/{{task_id}}/{name}", _page_action(name), methods=["POST"], name=name
        )


def _page_action(name: str) -> Callable[..., Response]:
    def handler(
        request: Request, task_id: int, user: PageUser, db: Db, settings: AppSettings, form: Form
    ) -> Response:
        return run_page_action(request, db, settings, user, task_id, name, form)

    return handler
