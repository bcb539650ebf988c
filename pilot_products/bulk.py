"""Fast bulk inserts for large, already validated batches (demo seeding, imports).

``QuerySet.bulk_create`` prepares every value through every field and, on SQLite,
splits the batch into statements of a few hundred rows; for 100,000 rows that is most
of the time spent. Here values are adapted once per column kind and sent with
``executemany``, which both SQLite and PostgreSQL run quickly.
"""

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection, models


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
    batch: list[list[Any]] = []
    with connection.cursor() as cursor:
        for row in rows:
            values = list(row)
            for index, adapt in adapters:
                if values[index] is not None:
                    values[index] = adapt(values[index])
            batch.append(values)
            if len(batch) >= batch_size:
                cursor.executemany(sql, batch)
                count += len(batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)
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
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    sql = (
        f"INSERT INTO {connection.ops.quote_name(model._meta.db_table)} "
        f"({columns}) VALUES ({placeholders})"
    )
    return _execute_in_batches(sql, fields, rows, batch_size)


def update_rows(
    model: type[models.Model],
    field_names: Sequence[str],
    rows: Iterable[Sequence[Any]],
    batch_size: int = 5_000,
) -> int:
    """Update rows given as tuples of ``field_names`` values followed by the pk."""
    fields = [model._meta.get_field(name) for name in field_names]
    assignments = ", ".join(
        f"{connection.ops.quote_name(field.column)} = %s" for field in fields
    )
    sql = (
        f"UPDATE {connection.ops.quote_name(model._meta.db_table)} "
        f"SET {assignments} WHERE {connection.ops.quote_name(model._meta.pk.column)} = %s"
    )
    return _execute_in_batches(sql, fields, rows, batch_size)
