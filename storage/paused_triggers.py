"""Triggers paused for a bulk load (synth, restore): one mechanism for every kept summary."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

import sqlalchemy as sa

Step = Callable[[sa.Connection], None]


@contextmanager
def paused(conn: sa.Connection, drop: Step, create: Step, remake: Step) -> Iterator[None]:
    """`drop` the triggers for the rest of this transaction's load, then `remake` what they
    keep once (not row by row) and `create` them again."""
    drop(conn)
    yield
    remake(conn)
    create(conn)
