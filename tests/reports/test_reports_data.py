"""A hand-computed fixture for the report tests (no tests here; imported by test_reports_*).

As of Monday 10/3/2025 (calendar month: Tháng 3/2025, previous as-of 28/2/2025):

| # | dir.  | lead     | deadline (orig.)  | state / completed      | at 10/3      | at 28/2      |
|---|-------|----------|-------------------|------------------------|--------------|--------------|
| 1 | 45/TB | Ngoại vụ | 28/2              | done 28/2 (on the day) | done_on_time | done_on_time |
| 2 | 45/TB | Ngoại vụ | 28/2              | done 1/3 (a day late)  | done_late    | open_on_time |
| 3 | 45/TB | Nội vụ   | 20/3 (orig. 20/2) | done 5/3, extension ok | done_on_time | open_on_time |
| 4 | 45/TB | Nội vụ   | 31/3              | in progress            | open_on_time | open_on_time |
| 5 | 45/TB | Ngoại vụ | none              | in progress            | ongoing      | ongoing      |
| 6 | 45/TB | Nội vụ   | 20/2              | cancelled              | —            | —            |
| 7 | 45/TB | VHTTDL   | 7/3               | awaiting confirmation  | open_overdue | open_on_time |
| 8 | 45/TB | VHTTDL   | 24/1 (before Tết) | in progress            | open_overdue | open_overdue |
| 9 | 12/TB | Nội vụ   | 3/3               | done 10/3 (as-of day)  | done_late    | open_on_time |
|10 | 12/TB | Nội vụ   | 10/3 (as-of day)  | new                    | open_on_time | open_on_time |
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from directives.agencies import load_registry
from storage.agencies import load_agencies
from storage.db import Database
from storage.models import AgencyRow, DirectiveRow, ExtensionRow, TaskRow, UserRow

FIXTURES = Path(__file__).parents[1] / "fixtures"

AS_OF = date(2025, 3, 10)
HUYEN = "Dương Xuân Huyên"
SON = "Đoàn Thanh Sơn"
NGV, NV, VH = "Sở Ngoại vụ", "Sở Nội vụ", "Sở Văn hóa, Thể thao và Du lịch"

TASKS = [  # (directive, lead, deadline, original, state, completed_on, content)
    (0, NGV, date(2025, 2, 28), None, "done", date(2025, 2, 28), "Rà soát cửa khẩu Tân Thanh"),
    (0, NGV, date(2025, 2, 28), None, "done", date(2025, 3, 1), "Báo cáo hợp tác với Quảng Tây"),
    (0, NV, date(2025, 3, 20), date(2025, 2, 20), "done", date(2025, 3, 5), "Rà soát biên chế"),
    (0, NV, date(2025, 3, 31), None, "in_progress", None, "Xây dựng đề án vị trí việc làm"),
    (0, NGV, None, None, "in_progress", None, "Theo dõi tình hình biên giới thường xuyên"),
    (0, NV, date(2025, 2, 20), None, "cancelled", None, "Nhiệm vụ đã thu hồi"),
    (0, VH, date(2025, 3, 7), None, "awaiting_confirmation", None, "Tổ chức lễ hội Kỳ Lừa"),
    (0, VH, date(2025, 1, 24), None, "in_progress", None, "Kiểm tra di tích Đông Kinh"),
    (1, NV, date(2025, 3, 3), None, "done", date(2025, 3, 10), "Tổng hợp thi đua khen thưởng"),
    (1, NV, date(2025, 3, 10), None, "new", None, "Hướng dẫn sắp xếp đơn vị hành chính"),
]


def seed(db: Database) -> dict[str, int]:
    """Agencies, two directives, ten tasks, one approved and one refused extension, leaders."""
    agencies = load_registry((FIXTURES / "agencies_small.yaml").read_text("utf-8"), "yaml")
    with db.write() as s:
        load_agencies(s, agencies)
        ids = {a.name: a.id for a in s.query(AgencyRow)}
        directives = [
            DirectiveRow(
                kind="TB",
                number="45/TB-UBND",
                issued_on=date(2025, 1, 2),
                leader=HUYEN,
                subject="Kết luận của Phó Chủ tịch UBND tỉnh về hợp tác cửa khẩu",
                registered_by="t",
            ),
            DirectiveRow(
                kind="TB",
                number="12/TB-UBND",
                issued_on=date(2025, 1, 10),
                leader=SON,
                subject="Kết luận về công tác nội vụ",
                registered_by="t",
            ),
        ]
        s.add_all(directives)
        s.flush()
        tasks = []
        for i, (d, lead, deadline, original, state, done, content) in enumerate(TASKS, 1):
            tasks.append(
                TaskRow(
                    directive_id=directives[d].id,
                    ref=str(i),
                    content=content,
                    lead_agency_id=ids[lead],
                    state=state,
                    deadline=deadline,
                    original_deadline=original or deadline,
                    completed_on=done,
                    deadline_kind="fixed" if deadline else "none",
                )
            )
        s.add_all(tasks)
        s.flush()
        tasks[6].coordinators = [s.get(AgencyRow, ids[NGV]), s.get(AgencyRow, ids[NV])]
        s.add_all(
            [
                ExtensionRow(
                    task_id=tasks[2].id,
                    old_deadline=date(2025, 2, 20),
                    proposed_deadline=date(2025, 3, 20),
                    new_deadline=date(2025, 3, 20),
                    reason="Chờ hướng dẫn của Bộ Nội vụ",
                    requested_by="snv",
                    decision="approved",
                    decided_by="vp",
                    decided_at=datetime(2025, 2, 18, 1, 0, tzinfo=UTC),
                ),
                ExtensionRow(
                    task_id=tasks[6].id,
                    old_deadline=date(2025, 3, 7),
                    proposed_deadline=date(2025, 4, 7),
                    reason="Thời tiết",
                    requested_by="svh",
                    decision="refused",
                    decided_by="vp",
                    decided_at=datetime(2025, 3, 6, 1, 0, tzinfo=UTC),
                ),
            ]
        )
        s.add_all(
            [
                UserRow(
                    username="huyen",
                    full_name=HUYEN,
                    email="huyen@langson.example.org",
                    password_hash="x",
                    role="leader",
                    leader_name=HUYEN,
                ),
                UserRow(
                    username="son",
                    full_name=SON,
                    email="son@langson.example.org",
                    password_hash="x",
                    role="leader",
                    leader_name=SON,
                ),
                UserRow(
                    username="cv",
                    full_name="Chuyên viên",
                    email="cv@langson.example.org",
                    password_hash="x",
                    role="secretariat",
                ),
            ]
        )
        s.flush()
        return {
            "task1": tasks[0].id,
            "task3": tasks[2].id,
            "task7": tasks[6].id,
            "task8": tasks[7].id,
            "d45": directives[0].id,
        }
