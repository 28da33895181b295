"""An agency's deadlines as an iCalendar feed: one all-day event per open task it leads."""

from __future__ import annotations

from datetime import datetime, timedelta

from icalendar import Calendar, Event

from directives.calendar import TIMEZONE
from directives.labels import directive_label
from directives.models import OPEN_STATES, TaskState
from storage.models import AgencyRow, TaskRow

SUMMARY_LIMIT = 120


def agency_calendar(agency: AgencyRow, tasks: list[TaskRow], base_url: str) -> bytes:
    cal = Calendar()
    cal.add("prodid", "-//dondoc//theo doi nhiem vu//VI")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", f"Hạn nhiệm vụ — {agency.name}")
    cal.add("x-wr-timezone", str(TIMEZONE))
    stamp = datetime.now(TIMEZONE)
    for task in tasks:
        if task.deadline is None or TaskState(task.state) not in OPEN_STATES:
            continue
        event = Event()
        event.add("uid", f"task-{task.id}@dondoc")
        event.add("dtstamp", stamp)
        event.add("dtstart", task.deadline)
        event.add("dtend", task.deadline + timedelta(days=1))
        content = " ".join(task.content.split())
        if len(content) > SUMMARY_LIMIT:
            content = content[: SUMMARY_LIMIT - 1] + "…"
        event.add("summary", f"Hạn: {content}")
        d = task.directive
        label = directive_label(d.number, d.issued_on, d.subject, d.kind)
        description = f"Văn bản {label} — mục {task.ref}\n{task.content}"
        event.add("description", description)
        event.add("url", f"{base_url}/tasks/{task.id}")
        event.add("transp", "TRANSPARENT")
        cal.add_component(event)
    return cal.to_ical()
