"""Fast bulk inserts for city-scale loads (imports, the demo city's millions of residents).

Django's bulk_create compiles SQL per batch, and on SQLite a batch holds only ~75 rows of a wide
model (999 parameters): 9k rows/s. Here one prepared INSERT goes to the driver's executemany
(sqlite3 and psycopg 3 both batch it), with primary keys assigned up front so callers can link
rows without reading them back; PostgreSQL's sequence is moved past them afterwards.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence

from django.core.management.color import no_style
from django.db import connection, models, transaction


def reserve_ids(model: type[models.Model], count: int) -> range:
    """Primary keys for `count` new rows. Call inside the transaction that inserts them; the
    loads using this run one at a time (demo generation, imports), not beside live writers."""
    current = model.objects.aggregate(m=models.Max("pk"))["m"] or 0
    return range(current + 1, current + 1 + count)


def fast_insert(model: type[models.Model], fields: Sequence[str], rows: Iterable[Sequence], *, chunk: int = 10000) -> int:
    """Insert `rows` (tuples in the order of `fields`, which must include the pk column if the
    caller reserved ids) with executemany. Returns the number of rows inserted."""
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(model._meta.get_field(f).column) for f in fields)
    if connection.vendor == "postgresql":
        return _copy_insert(model, table, columns, fields, rows)
    placeholders = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"
    total = 0
    batch: list[Sequence] = []
    with transaction.atomic(), connection.cursor() as cursor:
        for row in rows:
            # sqlite3 cannot bind a UUID; Django keeps UUIDField there as 32 hex digits
            batch.append(tuple(v.hex if isinstance(v, uuid.UUID) else v for v in row))
            if len(batch) >= chunk:
                cursor.executemany(sql, batch)
                total += len(batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)
            total += len(batch)
    return total


def _copy_insert(model, table: str, columns: str, fields: Sequence[str], rows: Iterable[Sequence]) -> int:
    """PostgreSQL: COPY … FROM STDIN, an order of magnitude faster than row-by-row INSERTs."""
    total = 0
    with transaction.atomic(), connection.cursor() as cursor:
        raw = cursor.cursor  # the psycopg 3 cursor under Django's wrapper
        with raw.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
                total += 1
        if "id" in fields:
            for statement in connection.ops.sequence_reset_sql(no_style(), [model]):
                cursor.execute(statement)
    return total


def fast_update(model: type[models.Model], fields: Sequence[str], rows: Sequence[Sequence]) -> int:
    """Update many rows by primary key: `rows` are (pk, *values in the order of `fields`).
    PostgreSQL: COPY into a temporary table and one UPDATE … FROM (a re-import touches millions of
    rows); SQLite: executemany of one prepared UPDATE."""
    if not rows:
        return 0
    qn = connection.ops.quote_name
    table = qn(model._meta.db_table)
    pk = qn(model._meta.pk.column)
    columns = [qn(model._meta.get_field(f).column) for f in fields]
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"CREATE TEMPORARY TABLE _yzyh_update ON COMMIT DROP AS "
                           f"SELECT {pk}, {', '.join(columns)} FROM {table} WITH NO DATA")
            with cursor.cursor.copy(f"COPY _yzyh_update ({pk}, {', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            sets = ", ".join(f"{c} = u.{c}" for c in columns)
            cursor.execute(f"UPDATE {table} t SET {sets} FROM _yzyh_update u WHERE t.{pk} = u.{pk}")
            cursor.execute("DROP TABLE _yzyh_update")
        else:
            sets = ", ".join(f"{c} = %s" for c in columns)
            cursor.executemany(f"UPDATE {table} SET {sets} WHERE {pk} = %s", [(*r[1:], r[0]) for r in rows])
    return len(rows)


def insert_select(model: type[models.Model], columns: dict, queryset: models.QuerySet) -> int:
    """INSERT INTO model's table (columns) SELECT … from `queryset`, in one statement: no row passes
    through Python. `columns` maps each target field name to an expression over the queryset's
    model (`F("pk")`, `Value(…)`, an aggregate when the queryset is grouped with `.values(…)`).
    Returns the number of rows inserted."""
    aliases = {f"_ins{i}": expr for i, expr in enumerate(columns.values())}
    select = queryset.order_by().annotate(**aliases).values_list(*aliases)
    sql, params = select.query.sql_with_params()
    qn = connection.ops.quote_name
    cols = ", ".join(qn(model._meta.get_field(f).column) for f in columns)
    with transaction.atomic(using=queryset.db), connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {qn(model._meta.db_table)} ({cols}) {sql}", params)
        return cursor.rowcount
