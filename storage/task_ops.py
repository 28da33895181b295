"""Write operations on a task (cập nhật nhiệm vụ): one transaction each, history kept.

Every operation takes the `version` the caller saw; a mismatch, or a concurrent writer caught by
the version_id_col UPDATE, raises StaleTaskError. Any change of state or deadline sets
`next_reminder_on = today`, so the reminder engine's next sweep re-evaluates the task.
Callers own the transaction (`Database.write()`); nothing here commits.

The operations live by flow: progress and completion (`storage/task_ops_completion.py`),
extensions (`storage/task_ops_extension.py`), edits and notes (`storage/task_ops_edit.py`), on
what they share (`storage/task_ops_common.py`: the errors, `Actor`, `Evidence`, the load and the
finish). Every name is re-exported here: callers import from `storage.task_ops`.
"""

from __future__ import annotations

from storage.task_ops_common import (
    STALE_MESSAGE,
    Actor,
    Evidence,
    StaleTaskError,
    TaskNotFound,
    TaskOpError,
)
from storage.task_ops_completion import (
    confirm_completion,
    report_completion,
    report_progress,
    return_completion,
)
from storage.task_ops_edit import (
    add_note,
    edit_task,
)
from storage.task_ops_extension import (
    decide_extension,
    pending_extension,
    request_extension,
)

__all__ = [
    "STALE_MESSAGE",
    "StaleTaskError",
    "TaskOpError",
    "TaskNotFound",
    "Actor",
    "Evidence",
    "report_progress",
    "report_completion",
    "confirm_completion",
    "return_completion",
    "request_extension",
    "pending_extension",
    "decide_extension",
    "edit_task",
    "add_note",
]
