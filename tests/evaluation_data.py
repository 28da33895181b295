"""A hand-computed fixture for the agency evaluation (no tests here; imported by test_evaluation*).

Window Quý I/2025 (1/1–31/3/2025), states at 31/3/2025 unless said; working days late from the
calendar (Tết 25/1–2/2/2025 off, Giỗ Tổ 7/4/2025 off):

| agency | subject | deadline | state / completed | at 31/3 | late wd |
| --- | --- | --- | --- | --- | --- |
| Ngoại vụ | task | 15/1 | done 15/1 | on time |  |
| Ngoại vụ | task | 24/1 | done 4/2 (after Tết) | late | 2 |
| Ngoại vụ | task | 20/3 | done 20/3 | on time |  |
| Ngoại vụ | task | 10/3 | cancelled | — |  |
| Ngoại vụ | task | 15/4 | open (after window) | — |  |
| Ngoại vụ | task | 31/12/24 | open (before window) | — |  |
| Nội vụ | task | 20/3 | in progress | overdue | 7 |
| Nội vụ | task | 5/2 | done 5/2 | on time |  |
| Nội vụ | monthly task, period 1 | 20/1 | done 20/1 | on time |  |
| Nội vụ | monthly task, period 2 | 20/2 | done 24/2 | late | 2 |
| Nội vụ | monthly task, period 3 | 20/3 | done 19/3 | on time |  |
| VHTTDL | task | 3/3 | done 3/3 | on time |  |
| VHTTDL | task | 31/3 | done 31/3 | on time |  |
| VP UBND | task (leader Sơn) | 28/2 | done 2/4 | overdue | 21 |
| Tràng Định | task | 31/3 | in progress | not yet due |  |

Default formula: 100 × (on time + ½ late) / due − min(average working days late, 10):
VHTTDL 100 (xuất sắc, 1st); Ngoại vụ 100 × 2.5/3 − 2 = 81.3 (tốt, 2nd);
Nội vụ 100 × 3.5/5 − 4.5 = 65.5 (hoàn thành, 3rd); VP 0 − 10 → 0 (không hoàn thành, 4th);
Tràng Định nothing due (chưa đánh giá, unranked).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from directives.agencies import load_registry
from storage.agencies import load_agencies
from storage.db import Database
from storage.models import AgencyRow, DirectiveRow, TaskPeriodRow, TaskRow

FIXTURES = Path(__file__).parent / "fixtures"
HUYEN, SON = "Dương Xuân Huyên", "Đoàn Thanh Sơn"
NGV, NV, VH = "Sở Ngoại vụ", "Sở Nội vụ", "Sở Văn hóa, Thể thao và Du lịch"
VP, TD = "Văn phòng UBND tỉnh", "UBND huyện Tràng Định"
D = date
TASKS = [  # (directive, lead, deadline, state, completed_on)
    (0, NGV, D(2025, 1, 15), "done", D(2025, 1, 15)),
    (0, NGV, D(2025, 1, 24), "done", D(2025, 2, 4)),
    (0, NGV, D(2025, 3, 20), "done", D(2025, 3, 20)),
    (0, NGV, D(2025, 3, 10), "cancelled", None),
    (0, NGV, D(2025, 4, 15), "in_progress", None),
    (0, NGV, D(2024, 12, 31), "in_progress", None),
    (0, NV, D(2025, 3, 20), "in_progress", None),
    (0, NV, D(2025, 2, 5), "done", D(2025, 2, 5)),
    (0, VH, D(2025, 3, 3), "done", D(2025, 3, 3)),
    (0, VH, D(2025, 3, 31), "done", D(2025, 3, 31)),
    (1, VP, D(2025, 2, 28), "done", D(2025, 4, 2)),
    (0, TD, D(2025, 3, 31), "in_progress", None),
]
PERIODS = [  # (seq, starts, deadline, completed_on) of Nội vụ's monthly report
    (1, D(2025, 1, 1), D(2025, 1, 20), D(2025, 1, 20)),
    (2, D(2025, 2, 1), D(2025, 2, 20), D(2025, 2, 24)),
    (3, D(2025, 3, 1), D(2025, 3, 20), D(2025, 3, 19)),
]


def seed(db: Database) -> dict[str, int]:
    """Agencies, two directives (Huyên's and Sơn's), the tasks and periods above."""
    agencies = load_registry((FIXTURES / "agencies_small.yaml").read_text("utf-8"), "yaml")
    with db.write() as s:
        load_agencies(s, agencies)
        ids = {a.name: a.id for a in s.query(AgencyRow)}
        directives = [
            DirectiveRow(kind="TB", number="5/TB-UBND", issued_on=D(2024, 12, 20), leader=HUYEN,
                         subject="Kết luận giao ban quý I", registered_by="t"),
            DirectiveRow(kind="TB", number="9/TB-UBND", issued_on=D(2025, 1, 6), leader=SON,
                         subject="Kết luận về công tác văn phòng", registered_by="t"),
        ]  # fmt: skip
        s.add_all(directives)
        s.flush()
        for i, (d, lead, deadline, state, done) in enumerate(TASKS, 1):
            s.add(_task(directives[d].id, str(i), ids[lead], deadline, state, done))
        monthly = _task(directives[0].id, "R", ids[NV], D(2025, 3, 20), "done", D(2025, 3, 19))
        monthly.recurrence = "monthly:20"
        s.add(monthly)
        s.flush()
        for seq, starts, deadline, done in PERIODS:
            s.add(TaskPeriodRow(task_id=monthly.id, seq=seq, starts=starts,
                                original_deadline=deadline, deadline=deadline, state="done",
                                completed_on=done))  # fmt: skip
    return ids


def _task(
    directive_id: int, ref: str, lead: int, deadline: date, state: str, done: date | None
) -> TaskRow:
    return TaskRow(
        directive_id=directive_id,
        ref=ref,
        content=f"Nhiệm vụ {ref}",
        lead_agency_id=lead,
        state=state,
        deadline=deadline,
        original_deadline=deadline,
        completed_on=done,
    )
