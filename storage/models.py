"""The relational schema: agencies, directives, tasks, updates, extensions, history, reminders,
outbox (the ledger rows, and the stored messages in a table of their own), accounts and the
working-day calendar. Typed SQLAlchemy 2 models, one tree for both SQLite and PostgreSQL.

The models live in one module per area, all on the one `Base.metadata`: the registry
(`storage/models_registry.py`), directives and tasks (`storage/models_tasks.py`), reminders and
the outbox (`storage/models_mail.py`), accounts (`storage/models_accounts.py`), the calendar and
the tallies (`storage/models_tally.py`), shared column types (`storage/models_types.py`). This
module imports them all, so `from storage.models import X` works for every model and importing
it registers every table (Alembic's env, the backup).
"""

from __future__ import annotations

from storage.models_accounts import (
    ApiTokenRow,
    LoginAttemptRow,
    SessionRow,
    UserRow,
)
from storage.models_mail import (
    OutboxMessageRow,
    OutboxRow,
    ReminderRow,
)
from storage.models_registry import (
    AgencyAlias,
    AgencyMember,
    AgencyRow,
    AgencySuccessionRow,
    RegistryVersionRow,
)
from storage.models_tally import (
    CalendarDay,
    DataVersionRow,
    DeadlineTallyRow,
    TallyRow,
    TaskEventRow,
)
from storage.models_tasks import (
    DONE_TASK,
    OPEN_TASK,
    DirectiveRow,
    ExtensionRow,
    HistoryRow,
    StatusUpdateRow,
    TaskCoordinator,
    TaskLeadRow,
    TaskPeriodRow,
    TaskRow,
)
from storage.models_types import (
    JSONType,
    enum_type,
)

__all__ = [
    "JSONType",
    "enum_type",
    "AgencyRow",
    "AgencyAlias",
    "AgencyMember",
    "AgencySuccessionRow",
    "RegistryVersionRow",
    "DirectiveRow",
    "OPEN_TASK",
    "DONE_TASK",
    "TaskRow",
    "TaskPeriodRow",
    "TaskCoordinator",
    "StatusUpdateRow",
    "ExtensionRow",
    "HistoryRow",
    "TaskLeadRow",
    "ReminderRow",
    "OutboxRow",
    "OutboxMessageRow",
    "UserRow",
    "ApiTokenRow",
    "SessionRow",
    "LoginAttemptRow",
    "CalendarDay",
    "DataVersionRow",
    "TallyRow",
    "TaskEventRow",
    "DeadlineTallyRow",
]
