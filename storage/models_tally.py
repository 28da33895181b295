"""The derived tables: the working-day calendar (rebuilt by `dondoc init`), the rollup
tallies kept by triggers (storage/tally.py) and the data stamp (storage/data_stamp.py).
Re-exported by `storage.models`.
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from storage.db import Base


class CalendarDay(Base):
    """Ngày trong lịch làm việc; `work_index` counts working days so SQL can do day arithmetic."""

    __tablename__ = "calendar_day"
    day: Mapped[date] = mapped_column(primary_key=True)
    is_working: Mapped[bool]
    work_index: Mapped[int] = mapped_column(index=True)


class TallyRow(Base):
    """Sổ tổng hợp: signed counts of task events by day or month (storage/tally.py), kept by
    triggers in the transaction of every write; the rollups read it instead of the tasks."""

    __tablename__ = "rollup_tally"
    grain: Mapped[str] = mapped_column(sa.String(1), primary_key=True)  # 'd' day, 'm' month, 'y'
    day: Mapped[date] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    leader: Mapped[str] = mapped_column(sa.String(200), primary_key=True)  # '' for none
    kind: Mapped[str] = mapped_column(sa.String(20), primary_key=True)
    n: Mapped[int]


class TaskEventRow(Base):
    """What one task added to the tally, so a trigger can take it back (storage/tally.py)."""

    __tablename__ = "rollup_task_event"
    task_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    agency_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    leader: Mapped[str] = mapped_column(sa.String(200), primary_key=True)
    day: Mapped[date] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(20), primary_key=True)
    dhalf: Mapped[date] = mapped_column(primary_key=True)  # half month of the task's deadline
    n: Mapped[int]


class DeadlineTallyRow(Base):
    """Sổ tổng hợp theo hạn: the tally's events per half month (1st–14th, 15th–end) of the
    task's deadline instead of per agency, for the rollup by period (storage/tally.py)."""

    __tablename__ = "rollup_deadline_tally"
    grain: Mapped[str] = mapped_column(sa.String(1), primary_key=True)
    day: Mapped[date] = mapped_column(primary_key=True)
    dhalf: Mapped[date] = mapped_column(primary_key=True)
    leader: Mapped[str] = mapped_column(sa.String(200), primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(20), primary_key=True)
    n: Mapped[int]


class DataVersionRow(Base):
    """Dấu phiên bản dữ liệu: a random stamp changed by triggers in every transaction that writes
    what a report reads (storage/data_stamp.py), so a built dashboard is kept until it moves."""

    __tablename__ = "data_version"
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    stamp: Mapped[str] = mapped_column(sa.String(32))
