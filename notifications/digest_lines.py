"""Nội dung thư tổng hợp (what a digest says): its lines, most urgent first, cut to a readable
number, the counts of everything it stands for, and links to the agency's list for the rest.

Urgency: escalated lines first (to the leader, then to the head), then overdue longest, then due
soonest, then ongoing tasks (no deadline). The digest lists the first `max_lines` of them in its
sections; the subject and the first line count all of them.

The links follow the task list's URL contract: `{base_url}/tasks?agency=<code>&bucket=<Bucket>`
and `&due_to=YYYY-MM-DD` for "due by" (a leader's digest, which spans agencies, has no agency).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from urllib.parse import urlencode

from directives.roles import RecipientRole
from directives.vn_format import vn_date
from notifications import policy as p
from notifications.sweep import Lines, NewReminder, TaskInfo

# Sections in the order a digest shows them; a task sits in the first section it qualifies for.
SECTIONS = {
    "leader": "Nhiệm vụ quá hạn trên {leader} ngày làm việc (báo cáo Lãnh đạo UBND tỉnh)",
    "head": "Nhiệm vụ của đơn vị quá hạn trên {head} ngày làm việc (báo cáo Thủ trưởng)",
    "overdue": "Nhiệm vụ quá hạn chưa hoàn thành",
    "due": "Nhiệm vụ đến hạn, sắp đến hạn",
    "coordinate": "Nhiệm vụ đơn vị tham gia phối hợp",
    "progress": "Đề nghị báo cáo tiến độ",
}
ESCALATED = (RecipientRole.LEADER, RecipientRole.HEAD)
Urgency = tuple[int, float, date, int, int]  # see urgency()
# directives.models.Bucket values (notifications may not import the web's list page)
OPEN_OVERDUE, OPEN_ON_TIME, ONGOING = "open_overdue", "open_on_time", "ongoing"


@dataclass(frozen=True)
class Line:
    task: TaskInfo
    status: str
    notes: tuple[str, ...]
    url: str
    section: str = "due"

    @property
    def urgency(self) -> Urgency:
        return urgency(self.section, self.task)


def urgency(section: str, task: TaskInfo) -> Urgency:
    """Sort key: escalated first, then overdue longest / due soonest, ongoing last."""
    delta = task.delta
    return (
        ESCALATED.index(section) if section in ESCALATED else len(ESCALATED),
        -delta if delta is not None else float("inf"),
        task.deadline or date.max,
        task.id,
        task.period_seq,
    )


@dataclass(frozen=True)
class More:
    """A link to the agency's list for lines the digest leaves out."""

    label: str
    url: str


@dataclass(frozen=True)
class Body:
    sections: list[tuple[str, list[Line]]]
    total: int
    shown: int
    overdue: int  # quá hạn
    due: int  # đến hạn, sắp đến hạn
    ongoing: int  # thường xuyên (no deadline)
    more: list[More]

    @property
    def summary(self) -> str:
        """ "3 quá hạn, 5 sắp đến hạn, 1 thường xuyên": what the subject and first line say."""
        parts = [
            (self.overdue, "quá hạn"),
            (self.due, "sắp đến hạn"),
            (self.ongoing, "thường xuyên"),
        ]
        return ", ".join(f"{n} {label}" for n, label in parts if n) or "0 nhiệm vụ"


def body(
    reminders: list[NewReminder], tasks: Lines, base_url: str, policy: p.ReminderPolicy,
    max_lines: int,
) -> Body:  # fmt: skip
    """The digest's lines for `reminders`, cut to the `max_lines` most urgent (only those are
    written out; the rest are counted)."""
    subjects = sorted(_subjects(reminders, tasks), key=lambda s: s[0])
    shown = [_line(task, items, section, base_url) for _, task, items, section in
             subjects[:max_lines]]  # fmt: skip
    left = [task for _, task, _, _ in subjects[max_lines:]]
    title = {
        k: v.format(leader=policy.leader_after, head=policy.head_after) for k, v in SECTIONS.items()
    }
    grouped: dict[str, list[Line]] = defaultdict(list)
    for line in shown:  # already in urgency order
        grouped[line.section].append(line)
    deltas = [task.delta for _, task, _, _ in subjects]
    return Body(
        sections=[(title[s], grouped[s]) for s in SECTIONS if grouped[s]],
        total=len(subjects),
        shown=len(shown),
        overdue=sum(1 for d in deltas if d is not None and d > 0),
        due=sum(1 for d in deltas if d is not None and d <= 0),
        ongoing=sum(1 for d in deltas if d is None),
        more=_more(left, _agency(reminders), base_url),
    )


Subject = tuple[Urgency, TaskInfo, list[NewReminder], str]  # urgency, task, reminders, section
_ORDER = {name: i for i, name in enumerate(SECTIONS)}
_NAMES = list(SECTIONS)


def _subjects(reminders: list[NewReminder], tasks: Lines) -> list[Subject]:
    """One entry per digest line (task, period), keyed by urgency (unique: it ends with the
    line's task id and period)."""
    per_task: dict[tuple[int, int], list[NewReminder]] = defaultdict(list)
    rank: dict[tuple[int, int], int] = {}  # the line's first section, by its SECTIONS order
    for reminder in reminders:
        key = reminder.task_id, reminder.period_seq
        per_task[key].append(reminder)
        order = _rank(reminder.role, reminder.kind)
        if rank.get(key, order) >= order:
            rank[key] = order
    out = []
    for key, items in per_task.items():
        task = tasks[key]
        section = _NAMES[rank[key]]
        out.append((urgency(section, task), task, items, section))
    return out


def _line(task: TaskInfo, items: list[NewReminder], section: str, base_url: str) -> Line:
    notes = tuple(sorted({_note(r, task) for r in items} - {""}))
    url = f"{base_url.rstrip('/')}/tasks/{task.id}"
    return Line(task, _status(task), notes, url, section)


def _agency(reminders: list[NewReminder]) -> str | None:
    """The agency a digest is for: the one most of its reminders name (None for a leader)."""
    codes = Counter(r.agency_code for r in reminders if r.agency_code)
    return min(codes, key=lambda c: (-codes[c], c)) if codes else None


def _more(left: list[TaskInfo], agency: str | None, base_url: str) -> list[More]:
    """Links for what is left out: the overdue list, the list due by the last left-out
    deadline, the ongoing list."""
    if not left:
        return []

    def url(**params: str) -> str:
        query = {"agency": agency, **params} if agency else params
        return f"{base_url.rstrip('/')}/tasks?{urlencode(query)}"

    out = []
    if any(t.delta is not None and t.delta > 0 for t in left):
        out.append(More("Các nhiệm vụ quá hạn chưa hoàn thành", url(bucket=OPEN_OVERDUE)))
    due = [t.deadline for t in left if t.delta is not None and t.delta <= 0]
    if due:
        last = max(d for d in due if d is not None)
        label = f"Nhiệm vụ sắp đến hạn, hạn đến ngày {vn_date(last)}"
        out.append(More(label, url(bucket=OPEN_ON_TIME, due_to=last.isoformat())))
    if any(t.delta is None for t in left):
        out.append(More("Nhiệm vụ thường xuyên", url(bucket=ONGOING)))
    return out


@lru_cache(maxsize=256)
def _rank(role: str, kind: str) -> int:
    """The SECTIONS index of a reminder's section (few roles and kinds: computed once each)."""
    return _ORDER[_section(role, kind)]


def _section(role: str, kind: str) -> str:
    if role in ESCALATED:
        return role
    if role == RecipientRole.COORDINATOR:
        return "coordinate"
    if kind in (p.PROGRESS_REQUEST, p.STALE):
        return "progress"
    return "overdue" if kind == p.OVERDUE else "due"


def _status(task: TaskInfo) -> str:
    if task.delta is None:
        return "Thường xuyên"
    if task.delta < 0:
        return f"Còn {-task.delta} ngày làm việc"
    if task.delta == 0:
        return "Đến hạn hôm nay"
    return f"Quá hạn {task.delta} ngày làm việc"


def _note(reminder: NewReminder, task: TaskInfo) -> str:
    if reminder.kind == p.STALE:
        since = task.last_progress_on
        return f"Chưa báo cáo tiến độ từ {vn_date(since)}" if since else "Chưa báo cáo tiến độ"
    if reminder.kind == p.PROGRESS_REQUEST:
        return "Đề nghị báo cáo tiến độ định kỳ"
    return ""
