"""Column types shared by the models (`storage/models_*.py`): JSON (JSONB on PostgreSQL) and
enums stored as checked VARCHARs.
"""

from __future__ import annotations

from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

JSONType = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def enum_type(enum: type[StrEnum], name: str, length: int) -> sa.Enum:
    """A VARCHAR(length) holding the enum's values, with a CHECK (ck_<table>__<name>) that
    refuses any other: the ORM reads members back, and a bad string fails before the INSERT."""
    return sa.Enum(
        enum,
        name=name,
        length=length,
        native_enum=False,
        create_constraint=True,
        validate_strings=True,
        values_callable=lambda e: [m.value for m in e],
    )
