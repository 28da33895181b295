"""Text search over tasks (tìm kiếm nhiệm vụ): the search key of each task, kept by triggers.

`task.search_key` is directives.normalize.search_key of the task's content, its directive's
number and trích yếu, computed in the database by the SQL twin below (the same map for every
Vietnamese letter, upper and lower case), so every write path keeps it: ORM writes, the bulk
load of `dondoc synth`, a backup restore, a directive renumbered. PostgreSQL indexes it with a
pg_trgm GIN index (LIKE '%…%' uses it); SQLite copies it into the FTS5 table `task_search`
(trigram tokenizer), rowid = task id. Words shorter than 3 characters fall back to LIKE.
"""

from __future__ import annotations

import unicodedata
from typing import Any

import sqlalchemy as sa

from directives.normalize import search_key
from storage.models import TaskRow

FTS_TABLE = "task_search"
FTS_SHADOWS = tuple(f"{FTS_TABLE}_{s}" for s in ("data", "idx", "content", "docsize", "config"))
TRGM_INDEX = "ix_task_search_key_trgm"
MIN_INDEXED = 3  # a trigram index finds no word shorter than this

_VOWELS = "aăâeêioôơuưy"
_TONES = ("", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323")
_MARKS = "\u0300\u0301\u0309\u0303\u0323\u0306\u0302\u031b"  # tones, breve, circumflex, horn


def letter_map() -> dict[str, str]:
    """Every precomposed Vietnamese letter (both cases) that is not plain ASCII → its key."""
    out = {"đ": "d", "Đ": "d"}
    for vowel in _VOWELS:
        for tone in _TONES:
            for letter in (vowel, vowel.upper()):
                char = unicodedata.normalize("NFC", letter + tone)
                if not char.isascii():
                    out[char] = search_key(char)
    return out


def fold_sql(expr: str, dialect: str) -> str:
    """SQL twin of search_key for Vietnamese text (NFC), on `expr` (PostgreSQL)."""
    pairs = letter_map()
    src, dst = "".join(pairs) + _MARKS, "".join(pairs.values())
    return f"lower(translate({expr}, '{src}', '{dst}'))"


def _sqlite_folds(column: str, size: int = 24) -> list[str]:
    """The same for SQLite, which has no translate(): nested replace() in stages, as its parser
    stack takes about a hundred levels, not the 150 of one expression."""
    pairs = [*letter_map().items(), *((m, "") for m in _MARKS)]
    stages = []
    for start in range(0, len(pairs), size):
        out = column
        for char, key in pairs[start : start + size]:
            out = f"replace({out}, '{char}', '{key}')"
        stages.append(out)
    stages[-1] = f"lower({stages[-1]})"
    return stages


def _source(content: str, directive_id: str) -> str:
    return (
        f"{content} || ' ' || coalesce((SELECT coalesce(d.number, '') || ' ' || "
        f"coalesce(d.subject, '') FROM directive d WHERE d.id = {directive_id}), '')"
    )


def _sqlite_refresh(where: str) -> list[str]:
    """The key of the tasks matching `where` remade, and their FTS rows (a trigger's body)."""
    source = _source("task.content", "task.directive_id")
    steps = [f"UPDATE task SET search_key = {source} WHERE {where}"]
    steps += [
        f"UPDATE task SET search_key = {f} WHERE {where}" for f in _sqlite_folds("search_key")
    ]
    steps += [
        f"DELETE FROM {FTS_TABLE} WHERE rowid IN (SELECT id FROM task WHERE {where})",
        f"INSERT INTO {FTS_TABLE} (rowid, search_key) SELECT id, search_key FROM task "
        f"WHERE {where}",
    ]
    return steps


def _body(where: str) -> str:
    return "; ".join(_sqlite_refresh(where)) + ";"


def _sqlite_statements() -> list[str]:
    return [
        f"CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5(search_key, tokenize='trigram')",
        f"CREATE TRIGGER search_task_ins AFTER INSERT ON task BEGIN {_body('id = NEW.id')} END",
        "CREATE TRIGGER search_task_upd AFTER UPDATE OF content, directive_id ON task BEGIN "
        f"{_body('id = NEW.id')} END",
        f"CREATE TRIGGER search_task_del AFTER DELETE ON task BEGIN "
        f"DELETE FROM {FTS_TABLE} WHERE rowid = OLD.id; END",
        "CREATE TRIGGER search_directive_upd AFTER UPDATE OF number, subject ON directive BEGIN "
        f"{_body('directive_id = NEW.id')} END",
    ]


def _pg_statements() -> list[str]:
    key_of = fold_sql(_source("NEW.content", "NEW.directive_id"), "postgresql")
    return [
        "CREATE EXTENSION IF NOT EXISTS pg_trgm",
        "CREATE FUNCTION search_task_trg() RETURNS trigger LANGUAGE plpgsql AS $$"
        f"BEGIN NEW.search_key := {key_of}; RETURN NEW; END $$",
        "CREATE TRIGGER search_task_key BEFORE INSERT OR UPDATE OF content, directive_id, "
        "search_key ON task FOR EACH ROW EXECUTE FUNCTION search_task_trg()",
        "CREATE FUNCTION search_directive_trg() RETURNS trigger LANGUAGE plpgsql AS $$"
        "BEGIN UPDATE task SET search_key = NULL WHERE directive_id = NEW.id; "
        "RETURN NULL; END $$",
        "CREATE TRIGGER search_directive_upd AFTER UPDATE OF number, subject ON directive "
        "FOR EACH ROW WHEN (NEW.number IS DISTINCT FROM OLD.number OR "
        "NEW.subject IS DISTINCT FROM OLD.subject) EXECUTE FUNCTION search_directive_trg()",
        f"CREATE INDEX {TRGM_INDEX} ON task USING gin (search_key gin_trgm_ops)",
    ]


def create(conn: sa.Connection) -> None:
    """The FTS table or trigram index and the triggers; every task's key computed (migration)."""
    pg = conn.dialect.name == "postgresql"
    for statement in _pg_statements() if pg else _sqlite_statements():
        conn.exec_driver_sql(statement)
    if pg:
        conn.exec_driver_sql("UPDATE task SET search_key = NULL")  # the trigger makes each key
    else:
        for statement in _sqlite_refresh("1 = 1"):
            conn.exec_driver_sql(statement)


def drop(conn: sa.Connection) -> None:
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql(f"DROP INDEX IF EXISTS {TRGM_INDEX}")
        conn.exec_driver_sql("DROP TRIGGER IF EXISTS search_task_key ON task")
        conn.exec_driver_sql("DROP TRIGGER IF EXISTS search_directive_upd ON directive")
        conn.exec_driver_sql("DROP FUNCTION IF EXISTS search_task_trg()")
        conn.exec_driver_sql("DROP FUNCTION IF EXISTS search_directive_trg()")
        return
    for name in ("task_ins", "task_upd", "task_del", "directive_upd"):
        conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS search_{name}")
    conn.exec_driver_sql(f"DROP TABLE IF EXISTS {FTS_TABLE}")


def _like(word: str) -> sa.ColumnElement[bool]:
    escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return TaskRow.search_key.like(f"%{escaped}%", escape="\\")


def matches(q: str, dialect: str) -> sa.ColumnElement[bool] | None:
    """Every word of `q` somewhere in the task's key (diacritics and case ignored)."""
    words = search_key(q).split()
    if not words:
        return None
    if dialect != "sqlite":
        return sa.and_(*(_like(w) for w in words))
    long = [w for w in words if len(w) >= MIN_INDEXED]
    found = [_like(w) for w in words if len(w) < MIN_INDEXED]
    if long:
        phrase = " AND ".join('"' + w.replace('"', '""') + '"' for w in long)
        hits: sa.Select[Any] = sa.select(sa.column("rowid")).select_from(sa.table(FTS_TABLE))
        hits = hits.where(sa.text(f"{FTS_TABLE} MATCH :fts").bindparams(fts=phrase))
        found.insert(0, TaskRow.id.in_(hits))
    return sa.and_(*found)
