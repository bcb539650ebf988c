"""Fast bulk writes for large, already validated batches (demo seeding, imports).

``QuerySet.bulk_create`` prepares every value through every field and, on SQLite,
splits the batch into statements of a few hundred rows; for 100,000 rows that is most
of the time spent. Here values are adapted once per column kind and sent with
``executemany`` on SQLite, and with ``COPY`` on PostgreSQL, which takes a batch as
one stream instead of one statement per row (updates go through a temporary table).
"""

from collections.abc import Iterable, Iterator, Sequence
from itertools import islice
from typing import Any

from django.db import connection, models, transaction


def _adapter(field: models.Field):
    """Return the function that turns a Python value into what the driver expects."""
    if isinstance(field, models.DateTimeField):
        return connection.ops.adapt_datetimefield_value
    if isinstance(field, models.DecimalField):
        return lambda value: connection.ops.adapt_decimalfield_value(
            value, field.max_digits, field.decimal_places
        )
    if isinstance(field, models.DateField):
        return connection.ops.adapt_datefield_value
    return None


def _batches(rows: Iterable[Sequence[Any]], size: int) -> Iterator[list]:
    """Lists of ``size`` rows: a batch is read whole before it is sent."""
    rows = iter(rows)
    while batch := list(islice(rows, size)):
        yield batch


def _uses_copy() -> bool:
    return connection.vendor == "postgresql"


def _execute_in_batches(
    sql: str,
    fields: Sequence[models.Field],
    rows: Iterable[Sequence[Any]],
    batch_size: int,
) -> int:
    """Run ``sql`` once per row, adapting values per column, ``batch_size`` at a time."""
    adapters = [(index, _adapter(field)) for index, field in enumerate(fields)]
    adapters = [(index, adapt) for index, adapt in adapters if adapt is not None]
    count = 0
    with connection.cursor() as cursor:
        for batch in _batches(rows, batch_size):
            values = [list(row) for row in batch]
            for row in values:
                for index, adapt in adapters:
                    if row[index] is not None:
                        row[index] = adapt(row[index])
            cursor.executemany(sql, values)
            count += len(values)
    return count


def _copy_in_batches(
    table: str, columns: str, rows: Iterable[Sequence[Any]], batch_size: int
) -> int:
    """PostgreSQL: stream rows into ``table`` with COPY, one statement per batch.

    psycopg turns each Python value into COPY text by its type (Decimal, aware
    datetime, date, bool, None), so Django's adapters are not needed here.
    """
    count = 0
    with connection.cursor() as cursor, connection.wrap_database_errors:
        for batch in _batches(rows, batch_size):
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in batch:
                    copy.write_row(row)
            count += len(batch)
    return count


def insert_rows(
    model: type[models.Model],
    field_names: Sequence[str],
    rows: Iterable[Sequence[Any]],
    batch_size: int = 5_000,
) -> int:
    """Insert ``rows`` (tuples in ``field_names`` order) into ``model``'s table."""
    fields = [model._meta.get_field(name) for name in field_names]
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    if _uses_copy():
        return _copy_in_batches(table, columns, rows, batch_size)
    placeholders = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"
    return _execute_in_batches(sql, fields, rows, batch_size)


def update_rows(
    model: type[models.Model],
    field_names: Sequence[str],
    rows: Iterable[Sequence[Any]],
    batch_size: int = 5_000,
) -> int:
    """Update rows given as tuples of ``field_names`` values followed by the pk."""
    fields = [model._meta.get_field(name) for name in field_names]
    quote = connection.ops.quote_name
    table, pk = quote(model._meta.db_table), quote(model._meta.pk.column)
    if _uses_copy():
        return _update_through_copy(table, pk, [quote(f.column) for f in fields], rows)
    assignments = ", ".join(f"{quote(field.column)} = %s" for field in fields)
    sql = f"UPDATE {table} SET {assignments} WHERE {pk} = %s"
    return _execute_in_batches(sql, fields, rows, batch_size)


def _update_through_copy(
    table: str, pk: str, columns: list[str], rows: Iterable[Sequence[Any]]
) -> int:
    """PostgreSQL: COPY the new values into a temporary table, then one UPDATE."""
    staging = connection.ops.quote_name("bulk_update_rows")
    listed = ", ".join([*columns, pk])
    assignments = ", ".join(f"{column} = staged.{column}" for column in columns)
    with transaction.atomic(), connection.cursor() as cursor:
        # Same column types as the table; gone at the end (or on rollback).
        cursor.execute(
            f"CREATE TEMPORARY TABLE {staging} AS "  # noqa: S608 - quoted names
            f"SELECT {listed} FROM {table} WITH NO DATA"
        )
        _copy_in_batches(staging, listed, rows, 5_000)
        cursor.execute(
            f"UPDATE {table} AS target SET {assignments} "  # noqa: S608
            f"FROM {staging} AS staged WHERE target.{pk} = staged.{pk}"
        )
        updated = cursor.rowcount
        cursor.execute(f"DROP TABLE {staging}")
    return updated
