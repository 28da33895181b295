"""The task lists of the pages and the API: the query string read (web.list_params), the
user's visibility added (web.access.task_filter), one page read in SQL (storage.task_list)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from fastapi import HTTPException

from storage import page_reads, task_list
from storage.db import Database
from storage.task_list import TaskPage
from web import access
from web.accounts import CurrentUser
from web.list_params import ListParams, ListParamsError, parse


def read_params(db: Database, items: Iterable[tuple[str, str]], today: date) -> ListParams:
    """ListParamsError (Vietnamese) for an unknown parameter or a bad value."""
    with db.read() as session:

        def agency_id(code: str) -> int | None:
            row = page_reads.agency_by_code(session, code)
            return row.id if row is not None else None

        return parse(items, today, agency_id)


def read_page(db: Database, user: CurrentUser, params: ListParams, with_counts: bool = False,
              count_cap: int | None = task_list.COUNT_CAP, with_total: bool = True
              ) -> TaskPage:  # fmt: skip
    seen = access.task_filter(user)
    with db.read() as session:
        counts, total = None, None
        if with_counts:  # the tabs' counts also give the total, mostly: one reading, not two
            counts, total = task_list.counts_and_total(session, params.query, seen, count_cap)
        try:
            found = task_list.page(session, params.query, seen, with_total and total is None)
        except task_list.BadCursor:
            raise ListParamsError("Liên kết trang không hợp lệ: hãy mở lại danh sách.") from None
        if total is not None and with_total:
            found.total = total
        if with_counts:
            found.counts, found.counted = counts or {}, counts is not None
        return found


def counted_page_or_422(
    db: Database, user: CurrentUser, items: Iterable[tuple[str, str]], today: date
) -> tuple[ListParams, TaskPage]:
    """A page's query string read, and its page with the bucket counts; a bad one: HTTP 422 with
    its Vietnamese message."""
    try:
        params = read_params(db, items, today)
        return params, read_page(db, user, params, with_counts=True)
    except ListParamsError as exc:
        raise HTTPException(422, str(exc)) from None


def matching_ids(db: Database, user: CurrentUser, params: ListParams, at_most: int) -> list[int]:
    """Every id the list shows the user, unpaged, at most `at_most` + 1 (to tell "too many")."""
    with db.read() as session:
        return task_list.all_ids(session, params.query, access.task_filter(user), at_most)
