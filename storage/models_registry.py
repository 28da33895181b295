"""The agency registry's tables: agencies (cơ quan, đơn vị, groups), their aliases, group
members, successions (sắp xếp tổ chức bộ máy) and the registry's change stamp.
Re-exported by `storage.models`.
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storage.db import Base


class AgencyRow(Base):
    """Cơ quan, đơn vị, or a group of them (kind "group", members in agency_member)."""

    __tablename__ = "agency"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(80), unique=True)
    name: Mapped[str] = mapped_column(sa.String(300))
    kind: Mapped[str] = mapped_column(sa.String(30), default="department")
    email: Mapped[str | None] = mapped_column(sa.String(200))
    head_email: Mapped[str | None] = mapped_column(sa.String(200))
    valid_from: Mapped[date | None]
    valid_to: Mapped[date | None]
    ics_token: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    aliases: Mapped[list[AgencyAlias]] = relationship(
        back_populates="agency", cascade="all, delete-orphan"
    )


class AgencyAlias(Base):
    """Tên gọi khác / viết tắt of an agency, with its normalised matching key."""

    __tablename__ = "agency_alias"
    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(sa.ForeignKey("agency.id", ondelete="CASCADE"))
    alias: Mapped[str] = mapped_column(sa.String(300))
    key: Mapped[str] = mapped_column(sa.String(300), index=True)
    agency: Mapped[AgencyRow] = relationship(back_populates="aliases")


class AgencyMember(Base):
    """Thành viên nhóm cơ quan (e.g. the five border districts of "UBND các huyện biên giới")."""

    __tablename__ = "agency_member"
    group_id: Mapped[int] = mapped_column(
        sa.ForeignKey("agency.id", ondelete="CASCADE"), primary_key=True
    )
    member_id: Mapped[int] = mapped_column(
        sa.ForeignKey("agency.id", ondelete="CASCADE"), primary_key=True
    )


class AgencySuccessionRow(Base):
    """Sắp xếp tổ chức bộ máy: agency `from_agency_id` ends the day before `on`; its work passes
    to `to_agency_id` (one row per successor, in `position` order; `work` for a split)."""

    __tablename__ = "agency_succession"
    __table_args__ = (sa.UniqueConstraint("from_agency_id", "to_agency_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    from_agency_id: Mapped[int] = mapped_column(
        sa.ForeignKey("agency.id", ondelete="CASCADE"), index=True
    )
    to_agency_id: Mapped[int] = mapped_column(sa.ForeignKey("agency.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(default=0)
    on: Mapped[date]
    kind: Mapped[str] = mapped_column(sa.String(20))  # merger, split, rename, dissolution
    work: Mapped[str | None] = mapped_column(sa.String(500))
    source: Mapped[str | None] = mapped_column(sa.String(300))
    notes: Mapped[str | None] = mapped_column(sa.Text)


class RegistryVersionRow(Base):
    """A random stamp changed by triggers on every write to the agency registry
    (storage/registry_version.py), so a process reads the registry again only when it changed."""

    __tablename__ = "registry_version"
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    stamp: Mapped[str] = mapped_column(sa.String(32))
