"""enum checks: the database refuses a state, role, status, kind or decision not in its enum

CHECK constraints `ck_<table>__<column>` on the columns the models type with an enum
(storage.models.enum_type): task.state and deadline_kind, task_periods.state,
status_update.kind, extension.decision, reminder.role, outbox.status, app_user.role.

PostgreSQL adds them in place. SQLite cannot add a CHECK to a table, so batch mode rebuilds
each table, and dropping the old table drops its triggers and indexes: the tally
(storage/tally.py), search (storage/search.py) and registry stamp (storage/registry_version.py)
triggers and the partial and sort indexes. Every trigger and every named index of the rebuilt
tables is read from sqlite_master first, dropped, and created again from the same SQL after.
The values are written out here, as they were at this revision, not read from the enums.

Revision ID: 0012
Revises: 0011
"""

from alembic import op
import sqlalchemy as sa

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

STATES = ("new", "in_progress", "awaiting_confirmation", "done", "paused", "cancelled")
CHECKS: dict[str, dict[str, tuple[str, ...]]] = {
    "task": {
        "state": STATES,
        "deadline_kind": ("fixed", "period_end", "working_days", "recurring", "none", "event"),
    },
    "task_periods": {"state": STATES},
    "status_update": {"kind": ("progress", "completion", "confirm", "return", "note")},
    "extension": {"decision": ("pending", "approved", "refused")},
    "reminder": {"role": ("lead", "coordinator", "head", "leader")},
    "outbox": {"status": ("pending", "sending", "sent", "failed", "cancelled")},
    "app_user": {
        "role": ("secretariat", "agency_officer", "agency_head", "leader", "admin"),
    },
}


def _condition(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def _refuse_unknown_values(conn: sa.Connection) -> None:
    """A clear message instead of a failed copy when a row holds a value the CHECK refuses."""
    bad = []
    for table, columns in CHECKS.items():
        for column, values in columns.items():
            found = conn.exec_driver_sql(
                f"SELECT DISTINCT {column} FROM {table} WHERE NOT ({_condition(column, values)})"
            ).scalars()
            bad += [f"{table}.{column} = {v!r}" for v in found]
    if bad:
        raise RuntimeError("values outside their enum, fix them first: " + ", ".join(bad))


def _saved_schema(conn: sa.Connection) -> list[tuple[str, str, str]]:
    """(type, name, sql) of every trigger, and of every named index of the rebuilt tables, in
    creation order (sqlite_master keeps it); the automatic indexes come back with the table."""
    tables = ", ".join(f"'{t}'" for t in CHECKS)
    rows = conn.exec_driver_sql(
        "SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL AND"
        f" (type = 'trigger' OR (type = 'index' AND tbl_name IN ({tables}))) ORDER BY rowid"
    ).all()
    return [(kind, name, sql) for kind, name, sql in rows]


def _rebuild(conn: sa.Connection, upgrading: bool) -> None:
    saved = _saved_schema(conn)
    for kind, name, _ in saved:
        conn.exec_driver_sql(f'DROP {kind.upper()} "{name}"')
    for table, columns in CHECKS.items():
        with op.batch_alter_table(table, recreate="always") as batch:
            for column, values in columns.items():
                name = op.f(f"ck_{table}__{column}")
                if upgrading:
                    batch.create_check_constraint(name, sa.text(_condition(column, values)))
                else:
                    batch.drop_constraint(name, type_="check")
    for _, _, sql in saved:
        conn.exec_driver_sql(sql)


def upgrade() -> None:
    conn = op.get_bind()
    _refuse_unknown_values(conn)
    if conn.dialect.name == "sqlite":
        _rebuild(conn, upgrading=True)
        return
    for table, columns in CHECKS.items():
        for column, values in columns.items():
            op.create_check_constraint(
                op.f(f"ck_{table}__{column}"), table, sa.text(_condition(column, values))
            )


def downgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name == "sqlite":
        _rebuild(conn, upgrading=False)
        return
    for table, columns in CHECKS.items():
        for column in columns:
            op.drop_constraint(op.f(f"ck_{table}__{column}"), table, type_="check")
