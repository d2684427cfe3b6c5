"""Bulk upserts at driver level: the load path's hot loop (issue 7: entries per second on both backends).

Going through SQLAlchemy's per-row parameter processing spent more time than the database did. Here
each table's upsert is SQL built once per dialect and column order, fed with plain tuples:
- SQLite: ``INSERT ... VALUES (?, ...) ON CONFLICT ...`` through sqlite3's own executemany;
- PostgreSQL, a batch of pages: ``COPY`` into a session temp table (rows formatted by psycopg's C code),
  then one ``INSERT ... SELECT ... ON CONFLICT``; a single page's rows: psycopg's pipelined
  executemany of ``INSERT ... VALUES`` (COPY's extra round trips and TRUNCATE cost more there).
Values are converted column by column with the column types' own bind processors (a value shared by
every row, such as the batch's timestamp, once), so what SQLAlchemy reads back is exactly what it would
have written itself. JSON columns take text the caller encoded, or None: one encoding per value.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import JSON, Column, Connection, Float, Table
from sqlalchemy.exc import DBAPIError

# from this many rows on (more than a page's worth), PostgreSQL loads through COPY
COPY_MIN_ROWS = 1000


@dataclass(frozen=True, slots=True)
class _Statements:
    cols: list[Column]
    values: str  # INSERT ... VALUES (placeholders) ON CONFLICT ...
    from_temp: str | None  # PostgreSQL: INSERT ... SELECT FROM the temp table ON CONFLICT ...
    temp: str | None  # PostgreSQL: the temp table's name
    procs: list[Any]  # bind processor per column (None: the driver takes the value as it is)
    binary: list[str] | None  # PostgreSQL: wire types for a binary COPY (None: COPY as text)


_cache: dict[tuple, _Statements] = {}


def _statements(
    conn: Connection, table: Table, columns: Sequence[str], conflict: Sequence[str], update: Sequence[str],
    only_ocr: bool,
) -> _Statements:  # fmt: skip
    dialect = conn.dialect
    key = (dialect.name, table.name, tuple(columns), tuple(conflict), tuple(update), only_ocr)
    if key in _cache:
        return _cache[key]
    cols = [table.c[name] for name in columns]
    names = ", ".join(f'"{c.name}"' for c in cols)
    target = ", ".join(f'"{c}"' for c in conflict)
    sets = ", ".join(f'"{c}" = excluded."{c}"' for c in update)
    upsert = f"ON CONFLICT ({target}) DO UPDATE SET {sets}" if conflict else ""
    if only_ocr:
        upsert += f" WHERE \"{table.name}\".source = 'ocr'"
    procs = [_processor(conn, c) for c in cols]
    if dialect.name == "postgresql":
        marks = ", ".join("%s::JSON" if isinstance(c.type, JSON) else "%s" for c in cols)
        temp = f"_load_{table.name}"
        st = _Statements(
            cols,
            f'INSERT INTO "{table.name}" ({names}) VALUES ({marks}) {upsert}',
            f'INSERT INTO "{table.name}" ({names}) SELECT {names} FROM "{temp}" {upsert}',
            temp,
            procs,
            _binary_types(conn, cols),
        )
    else:
        marks = ", ".join("?" for _ in cols)
        st = _Statements(
            cols, f'INSERT INTO "{table.name}" ({names}) VALUES ({marks}) {upsert}', None, None, procs, None
        )
    _cache[key] = st
    return st


def _processor(conn: Connection, col: Column) -> Any:
    if isinstance(col.type, JSON | Float):
        return None  # JSON: already text; Float: the drivers take Python floats and ints as they are
    return col.type.dialect_impl(conn.dialect).bind_processor(conn.dialect)


def _converted(rows: list[tuple], i: int, proc: Any) -> list[tuple]:
    """``rows`` with column ``i`` passed through ``proc``; a value shared by every row is converted once."""
    first = rows[0][i]
    if all(r[i] is first for r in rows):
        c = (proc(first),)
        return [r[:i] + c + r[i + 1 :] for r in rows]
    return [r[:i] + (proc(r[i]),) + r[i + 1 :] for r in rows]


def _bind(st: _Statements, rows: list[tuple]) -> list[tuple]:
    # only the columns that need it (on SQLite: the timestamps, one shared value per batch); a full
    # transpose of the rows cost more than the inserts of a small table
    for i, proc in enumerate(st.procs):
        if proc is not None:
            rows = _converted(rows, i, proc)
    return rows


def upsert(
    conn: Connection,
    table: Table,
    columns: Sequence[str],
    rows: list[tuple],
    conflict: Sequence[str],
    update: Sequence[str],
    only_ocr: bool = False,
) -> None:
    """Insert ``rows`` (tuples in ``columns`` order); on a conflict update the ``update`` columns,
    and with ``only_ocr`` only where the stored row is OCR-sourced (human corrections stay)."""
    if rows:
        _write(conn, _statements(conn, table, columns, conflict, update, only_ocr), table, rows, new=False)


def insert_new(conn: Connection, table: Table, columns: Sequence[str], rows: list[tuple]) -> None:
    """Insert rows known not to exist yet (their page was never stored, and the loader holds the chain
    lock): no conflict handling. On PostgreSQL a large batch is COPYed straight into the table
    (half the time of INSERT ... SELECT ... ON CONFLICT from a temp table)."""
    if rows:
        _write(conn, _statements(conn, table, columns, (), (), False), table, rows, new=True)


def _write(conn: Connection, st: _Statements, table: Table, rows: list[tuple], new: bool) -> None:
    """SQLite: executemany. PostgreSQL: psycopg's pipelined executemany for a few rows; for many, a binary
    COPY, straight into the table for ``new`` rows, else through the temp table."""
    rows = _bind(st, rows)
    columns = [c.name for c in st.cols]
    if conn.dialect.name != "postgresql":
        conn.exec_driver_sql(st.values, rows)
    elif len(rows) < COPY_MIN_ROWS:
        _pg(conn, st.values, lambda cur: cur.executemany(st.values, rows))
    elif new:
        names = ", ".join(f'"{c}"' for c in columns)
        sql = f'COPY "{table.name}" ({names}) FROM STDIN'
        _pg(conn, sql, lambda cur: _copy(cur, sql, rows, st.binary))
    else:
        _pg(conn, st.from_temp, lambda cur: _copy_then_insert(conn, cur, st, columns, table, rows))


# binary COPY: the wire form of each column type, for the types the loaded tables use (text-like columns,
# JSON included, travel as text: their binary form is their UTF-8 text)
_BINARY_TYPES = {"VARCHAR": "text", "TEXT": "text", "JSON": "text", "FLOAT": "float8", "INTEGER": "int4",
                 "BIGINT": "int8", "BOOLEAN": "bool", "TIMESTAMP WITH TIME ZONE": "timestamptz"}  # fmt: skip


def _binary_types(conn: Connection, cols: Sequence[Column]) -> list[str] | None:
    names = [_BINARY_TYPES.get(c.type.compile(dialect=conn.dialect).split("(")[0]) for c in cols]
    return None if None in names else names  # type: ignore[return-value]


def _copy(cur: Any, sql: str, rows: list[tuple], types: list[str] | None) -> None:
    """COPY ``rows`` in; in binary when every column's type is known (a third faster to format)."""
    with cur.copy(sql + (" (FORMAT BINARY)" if types else "")) as copy:
        if types:
            copy.set_types(types)
        for row in rows:
            copy.write_row(row)


# temp tables made on each live DBAPI connection (a new connection after a drop starts with none)
_made: weakref.WeakKeyDictionary[Any, set[str]] = weakref.WeakKeyDictionary()


def forget_temp_tables(dbapi_conn: Any) -> None:
    """After a rollback: the tables made in that transaction are gone; make them again when needed."""
    _made.pop(dbapi_conn, None)


def _copy_then_insert(
    conn: Connection, cur: Any, st: _Statements, columns: Sequence[str], table: Table, rows: list[tuple]
) -> None:
    names = ", ".join(f'"{c}"' for c in columns)
    made = _made.setdefault(conn.connection.driver_connection, set())
    if st.temp not in made:
        # same column types as the target (lengths too: an over-long value is refused, not cut)
        cur.execute(
            f'CREATE TEMP TABLE IF NOT EXISTS "{st.temp}" ON COMMIT DELETE ROWS AS SELECT {names} '
            f'FROM "{table.name}" LIMIT 0'
        )
        made.add(st.temp)
    _copy(cur, f'COPY "{st.temp}" ({names}) FROM STDIN', rows, st.binary)
    cur.execute(st.from_temp)
    cur.execute(f'TRUNCATE "{st.temp}"')  # the same transaction may load another batch


def _pg(conn: Connection, sql: str | None, fn: Callable[[Any], None]) -> None:
    """Run ``fn(cursor)`` on the driver connection and raise what SQLAlchemy would have (DataError,
    OperationalError...): callers catch one family."""
    dbapi = conn.dialect.loaded_dbapi
    with conn.connection.driver_connection.cursor() as cur:
        try:
            fn(cur)
        except dbapi.Error as exc:
            raise DBAPIError.instance(sql, None, exc, dbapi.Error, dialect=conn.dialect) from exc
