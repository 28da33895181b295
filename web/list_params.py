"""The query string of a task list (bộ lọc trong địa chỉ): parsed, checked, and written back.

Filters live in the URL so a view can be bookmarked and shared; every link of the page (next
page, sort headers, tabs) is that URL with one thing changed. An unknown parameter or a bad
value is refused (422) with one Vietnamese message: a list that silently ignored `?agensy=` would
show everything and look filtered.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import date
from urllib.parse import urlencode

from directives.models import Bucket, TaskState
from reports.periods import PeriodKind, period_containing
from storage.task_list import MAX_LIMIT, SORT_KEYS, TaskQuery

FILTERS = ("agency", "lead_only", "directive", "leader", "bucket", "state", "due_from",
           "due_to", "kind", "q", "as_of", "period")  # fmt: skip
PAGING = ("sort", "order", "cursor", "limit")
KNOWN = frozenset(FILTERS + PAGING)
PERIODS = ("month", "quarter", "year")
MAX_Q = 200


class ListParamsError(ValueError):
    """One Vietnamese message for the first thing wrong in the query string."""


@dataclass(frozen=True)
class ListParams:
    query: TaskQuery
    values: dict[str, str]  # the parameters as given (blank ones dropped), for the links
    period: str | None = None

    def url(self, base: str, **changes: str | None) -> str:
        """This list with `changes` (None removes); a new filter or sort starts at page one."""
        values = dict(self.values)
        if set(changes) - {"cursor"}:
            values.pop("cursor", None)
        for name, value in changes.items():
            if value is None or value == "":
                values.pop(name, None)
            else:
                values[name] = value
        return f"{base}?{urlencode(values)}" if values else base

    def sort_url(self, base: str, key: str) -> str:
        """The header link: sort by `key`, or reverse it when it is already the sort."""
        same = self.query.sort == key
        return self.url(base, sort=key, order="asc" if same and self.query.desc else
                        ("desc" if same else None))  # fmt: skip


def _date(name: str, value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ListParamsError(f"Ngày không hợp lệ ở “{name}”: cần dạng NNNN-TT-NN.") from None


def _choice(name: str, value: str, allowed: Iterable[str]) -> str:
    if value not in allowed:
        raise ListParamsError(f"Giá trị “{value[:40]}” không hợp lệ cho “{name}”.")
    return value


def _int(name: str, value: str, low: int = 1, high: int = 10**12) -> int:
    if not value.isdigit() or not low <= int(value) <= high:
        raise ListParamsError(f"Giá trị “{value[:40]}” không hợp lệ cho “{name}”.")
    return int(value)


def collect(items: Iterable[tuple[str, str]]) -> dict[str, str]:
    """The non-blank parameters; unknown or repeated ones refused."""
    values: dict[str, str] = {}
    for name, raw in items:
        if name not in KNOWN:
            raise ListParamsError(f"Tham số “{name[:40]}” không được hỗ trợ trong danh sách.")
        if name in values:
            raise ListParamsError(f"Tham số “{name}” chỉ được ghi một lần.")
        value = raw.strip()
        if value:
            values[name] = value
    return values


def parse(items: Iterable[tuple[str, str]], today: date,
          agency_id: Callable[[str], int | None]) -> ListParams:  # fmt: skip
    """The list asked for by the query string; ListParamsError for anything wrong."""
    v = collect(items)
    as_of = _date("as_of", v["as_of"]) if "as_of" in v else today
    query = TaskQuery(as_of=as_of)
    if "agency" in v:
        found = agency_id(v["agency"])
        if found is None:
            raise ListParamsError(f"Không có cơ quan mã “{v['agency'][:40]}”.")
        query = replace(query, agency_id=found, lead_only="lead_only" in v)
    elif "lead_only" in v:
        raise ListParamsError("“Chỉ chủ trì” cần chọn cơ quan.")
    if "lead_only" in v:
        _choice("lead_only", v["lead_only"].lower(), ("1", "on", "true", "yes"))
    if len(v.get("q", "")) > MAX_Q or len(v.get("leader", "")) > MAX_Q:
        raise ListParamsError(f"Từ khóa tìm kiếm quá dài (tối đa {MAX_Q} ký tự).")
    query = replace(
        query,
        directive_id=_int("directive", v["directive"]) if "directive" in v else None,
        leader=v.get("leader"),
        bucket=Bucket(_choice("bucket", v["bucket"], [b.value for b in Bucket]))
        if "bucket" in v else None,
        state=TaskState(_choice("state", v["state"], [s.value for s in TaskState]))
        if "state" in v else None,
        due_from=_date("due_from", v["due_from"]) if "due_from" in v else None,
        due_to=_date("due_to", v["due_to"]) if "due_to" in v else None,
        kind=_choice("kind", v["kind"], ("recurring", "event")) if "kind" in v else None,  # type: ignore[arg-type]
        q=v.get("q", ""),
        sort=_choice("sort", v.get("sort", "deadline"), SORT_KEYS),  # type: ignore[arg-type]
        desc=_choice("order", v.get("order", "asc"), ("asc", "desc")) == "desc",
        limit=_int("limit", v["limit"], 1, MAX_LIMIT) if "limit" in v else 50,
        cursor=v.get("cursor"),
    )  # fmt: skip
    period = _choice("period", v["period"], PERIODS) if "period" in v else None
    if period and not (query.due_from or query.due_to):  # tasks due in the period of as_of
        span = period_containing(as_of, PeriodKind(period))
        query = replace(query, due_from=span.start, due_to=span.end)
    if query.due_from and query.due_to and query.due_from > query.due_to:
        raise ListParamsError("“Hạn từ ngày” phải không sau “đến ngày”.")
    return ListParams(query, v, period)
