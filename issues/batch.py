"""One UPDATE for a whole batch of rows, each with its own values: what the SLA sweep writes
(issues.escalation._save_state). The one piece of hand-written SQL of the core, kept because it
pays (issue 13, §6).

Django's `bulk_update` builds a `CASE WHEN id = … THEN …` expression per row and per field and
resolves each one: for a sweep batch of 500 issues and the sweep's 9 columns that is 4,500
expressions, and it took about 80 % of the sweep's time under a profiler (10.5 s of a 13.3 s
drain of 500 issues, SQLite, 2026-12-04). Here PostgreSQL reads the batch from one array per
column (`UPDATE … FROM unnest(…)`) and SQLite takes it through one executemany; identifiers are
quoted, values bound. Plain values only (ints, strings, booleans, None, aware datetimes) and no
signals, as `bulk_update`. tests/issues/test_batch_update.py checks that it writes what
`bulk_update` writes.
"""

import datetime as dt

from django.db import connection
from django.db.models import DateTimeField


def _qn(name: str) -> str:
    return connection.ops.quote_name(name)


def _sqlite_datetime(value: dt.datetime | None, tz) -> str | None:
    """What Django's SQLite backend stores for an aware datetime (adapt_datetimefield_value)."""
    return None if value is None else str(value.astimezone(tz).replace(tzinfo=None))


def _pg_array(values) -> str:
    """A PostgreSQL array literal of plain values, to be cast in SQL (`%s::timestamptz[]`).
    psycopg adapts a Python list element by element, which costs more than the statement; one
    string costs nothing."""

    def element(value) -> str:
        if value is None:
            return "NULL"
        text = value.isoformat() if isinstance(value, dt.datetime) else str(value)
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'

    return "{" + ",".join(map(element, values)) + "}"


def update_many(model, fields: list[str], objects: list) -> None:
    """Write `fields` of every object (anything with those attributes and `id`) in one statement."""
    if not objects:
        return
    meta = model._meta
    concrete = [meta.get_field(name) for name in fields]
    table, pk = _qn(meta.db_table), _qn(meta.pk.column)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            sets = ", ".join(f"{_qn(f.column)} = u.c{n}" for n, f in enumerate(concrete))
            arrays = ", ".join(
                [f"%s::{meta.pk.db_type(connection)}[]", *(f"%s::{f.db_type(connection)}[]" for f in concrete)]
            )
            names = ", ".join(["id", *(f"c{n}" for n in range(len(concrete)))])
            params = [
                _pg_array(o.id for o in objects),
                *(_pg_array(getattr(o, f.attname) for o in objects) for f in concrete),
            ]
            cursor.execute(
                f"UPDATE {table} AS t SET {sets} FROM unnest({arrays}) AS u({names}) WHERE t.{pk} = u.id", params
            )
            return
        tz = connection.timezone
        getters = [(f.attname, isinstance(f, DateTimeField)) for f in concrete]
        sets = ", ".join(f"{_qn(f.column)} = %s" for f in concrete)
        values = [
            (*(_sqlite_datetime(getattr(o, a), tz) if d else getattr(o, a) for a, d in getters), o.id) for o in objects
        ]
        cursor.executemany(f"UPDATE {table} SET {sets} WHERE {pk} = %s", values)
