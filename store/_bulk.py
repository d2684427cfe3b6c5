"""Bulk upserts at driver level: the load path's hot loop (issue 7: >= 5,000 entries/s on both backends).

Going through SQLAlchemy's per-row parameter processing, and psycopg's per-row executemany, spent
more time than the database did. Here each table's upsert is one SQL string built once per dialect and
column order, fed with plain tuples:
- PostgreSQL: ``COPY`` into a session temp table (rows formatted by psycopg's C code), then one
  ``INSERT ... SELECT ... ON CONFLICT``: three round trips per table and batch whatever the row count;
- SQLite: ``INSERT ... VALUES (?, ...) ON CONFLICT ...`` through sqlite3's own executemany.
Values are converted column by column with the column types' own bind processors (a value shared by
every row, such as the batch's timestamp, once), so what SQLAlchemy reads back is exactly what it would
have written itself. JSON columns take text the caller encoded (``Encoded``) or None: one encoding per value.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import JSON, Column, Connection, Table
from sqlalchemy.exc import DBAPIError

_cache: dict[tuple, tuple[str, list[Column]]] = {}


class Encoded(str):
    """JSON text already encoded by the caller."""


def _sql(
    conn: Connection, table: Table, columns: Sequence[str], conflict: Sequence[str], update: Sequence[str],
    only_ocr: bool,
) -> tuple[str, list[Column]]:  # fmt: skip
    dialect = conn.dialect
    key = (dialect.name, table.name, tuple(columns), tuple(conflict), tuple(update), only_ocr)
    if key in _cache:
        return _cache[key]
    cols = [table.c[name] for name in columns]
    names = ", ".join(f'"{c.name}"' for c in cols)
    sets = ", ".join(f'"{c}" = excluded."{c}"' for c in update)
    where = f" WHERE \"{table.name}\".source = 'ocr'" if only_ocr else ""
    target = ", ".join(f'"{c}"' for c in conflict)
    if dialect.name == "postgresql":
        # from the COPY-filled temp table of _copy_upsert; its columns have the target's types (lengths too)
        sql = (
            f'INSERT INTO "{table.name}" ({names}) SELECT {names} FROM "_load_{table.name}" '
            f"ON CONFLICT ({target}) DO UPDATE SET {sets}{where}"
        )
    else:
        marks = ", ".join("?" for _ in cols)
        sql = f'INSERT INTO "{table.name}" ({names}) VALUES ({marks}) ON CONFLICT ({target}) DO UPDATE SET {sets}{where}'
    _cache[key] = (sql, cols)
    return sql, cols


def _processor(conn: Connection, col: Column) -> Any:
    if isinstance(col.type, JSON):
        return None  # already text
    return col.type.dialect_impl(conn.dialect).bind_processor(conn.dialect)


def _convert(values: Sequence[Any], proc: Any) -> Sequence[Any]:
    if proc is None:
        return values
    first = values[0]
    if all(v is first for v in values):
        return [proc(first)] * len(values)
    return [proc(v) for v in values]


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
    if not rows:
        return
    sql, cols = _sql(conn, table, columns, conflict, update, only_ocr)
    procs = [_processor(conn, c) for c in cols]
    if any(procs):
        # column-wise conversion, then one transpose back: per-row generators were the hot spot
        rows = list(
            zip(*(_convert(v, p) for p, v in zip(procs, zip(*rows, strict=True), strict=True)), strict=True)
        )
    if conn.dialect.name == "postgresql":
        _copy_upsert(conn, table, columns, rows, sql)
    else:
        conn.exec_driver_sql(sql, rows)


def _copy_upsert(conn: Connection, table: Table, columns: Sequence[str], rows: list[tuple], sql: str) -> None:
    """PostgreSQL: COPY the rows into a session temp table (row formatting in psycopg's C code), then one
    INSERT ... SELECT ... ON CONFLICT from it."""
    dbapi = conn.dialect.loaded_dbapi
    names = ", ".join(f'"{c}"' for c in columns)
    tmp = f"_load_{table.name}"
    with conn.connection.driver_connection.cursor() as cur:
        try:
            # same column types as the target (lengths too: an over-long value is refused, not cut);
            # IF NOT EXISTS every time: a rolled-back transaction takes the table it created with it
            cur.execute(
                f'CREATE TEMP TABLE IF NOT EXISTS "{tmp}" ON COMMIT DELETE ROWS AS SELECT {names} '
                f'FROM "{table.name}" LIMIT 0'
            )
            with cur.copy(f'COPY "{tmp}" ({names}) FROM STDIN') as copy:
                for row in rows:
                    copy.write_row(row)
            cur.execute(sql)
            cur.execute(f'TRUNCATE "{tmp}"')  # the same transaction may load another batch
        except dbapi.Error as exc:
            # what SQLAlchemy would have raised (DataError, OperationalError...): callers catch one family
            raise DBAPIError.instance(sql, None, exc, dbapi.Error, dialect=conn.dialect) from exc
