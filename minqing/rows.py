"""Fixed reads and inserts of the hottest pages in plain SQL, built once per process from the
models' metadata.

Django builds a queryset's SQL anew every time it runs: for a lookup with a few joins that is
0.3–0.7 ms of CPU, ten times what SQLite or PostgreSQL then need to answer it. A resident's QR
scan, report and tracking page run a handful of such lookups every time, always the same shape.
`Select` writes each shape's SQL once (per database vendor) from the models' fields, and turns
rows into model instances with the backend's own converters (`Model.from_db`), so callers get
the same objects a queryset with `select_related` would give them.

Only what these pages need: one model, foreign keys to follow (`"grid__neighbourhood"`, joined
and attached as if by select_related), a WHERE and an ORDER BY written in SQL against the
aliases `t0` (the model) and `t1`, `t2`, … (the related tables, in the order given, a path's
steps in turn). `alias()` says which alias a path got. Parameters are passed to the database
as they are: give strings and integers, or values already adapted (`connection.ops.adapt_…`).

`insert_many(model, fields, rows)` and `update_many(model, fields, objects)` write a whole batch
in one statement (the SLA sweep): PostgreSQL reads the batch from arrays (`unnest`), SQLite
takes it through one executemany. Plain values only, no signals: the caller says who must hear.

`insert(obj)` writes a new instance as `obj.save(force_insert=True)` would (fields' `pre_save`,
`auto_now_add`, the backend's value adaptation, pre_save / post_save signals, the new id set
on the object), with the INSERT statement built once per model. For plain models only: no
multi-table inheritance, an auto-incremented primary key.
"""

import datetime as dt
from dataclasses import dataclass

from django.db import connection, connections, transaction
from django.db.models import DateTimeField, Model
from django.db.models.constants import OnConflict
from django.db.models.fields import AutoFieldMixin
from django.db.models.signals import post_save, pre_save
from django.utils import timezone


@dataclass
class _Table:
    model: type[Model]
    alias: str
    fields: list  # concrete fields, in column order
    parent: "_Table | None" = None
    link: object = None  # the ForeignKey on the parent that leads here


class Select:
    def __init__(self, model: type[Model], related: tuple[str, ...] = (), *, where: str, order_by: str = ""):
        self.model = model
        self.where = where
        self.order_by = order_by
        self.tables = [_Table(model, "t0", list(model._meta.concrete_fields))]
        by_path: dict[str, _Table] = {}
        for path in related:
            parent = self.tables[0]
            steps = path.split("__")
            for depth in range(len(steps)):
                key = "__".join(steps[: depth + 1])
                if key not in by_path:
                    link = parent.model._meta.get_field(steps[depth])
                    target = link.related_model
                    table = _Table(target, f"t{len(self.tables)}", list(target._meta.concrete_fields), parent, link)
                    self.tables.append(table)
                    by_path[key] = table
                parent = by_path[key]
        self._aliases = {path: table.alias for path, table in by_path.items()}
        self._compiled: dict[str, tuple] = {}

    def alias(self, path: str) -> str:
        return self._aliases[path]

    def _compile(self, using: str) -> tuple:
        connection = connections[using]
        quote = connection.ops.quote_name
        columns, converters = [], []
        for table in self.tables:
            for field in table.fields:
                columns.append(f"{table.alias}.{quote(field.column)}")
                col = field.get_col(table.alias)
                found = connection.ops.get_db_converters(col) + col.get_db_converters(connection)
                converters.append((col, found) if found else None)
        sql = [f"SELECT {', '.join(columns)} FROM {quote(self.model._meta.db_table)} t0"]
        for table in self.tables[1:]:
            join = "LEFT OUTER JOIN" if table.link.null else "INNER JOIN"
            target_pk = quote(table.link.target_field.column)
            sql.append(
                f"{join} {quote(table.model._meta.db_table)} {table.alias}"
                f" ON {table.alias}.{target_pk} = {table.parent.alias}.{quote(table.link.column)}"
            )
        sql.append(f"WHERE {self.where}")
        if self.order_by:
            sql.append(f"ORDER BY {self.order_by}")
        compiled = (" ".join(sql), converters)
        self._compiled[using] = compiled
        return compiled

    def all(self, *params, using: str = "default") -> list:
        sql, converters = self._compiled.get(using) or self._compile(using)
        connection = connections[using]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        return [self._instance(row, converters, using) for row in rows]

    def first(self, *params, using: str = "default"):
        found = self.all(*params, using=using)
        return found[0] if found else None

    def _instance(self, row, converters, using: str):
        connection = connections[using]
        values = list(row)
        for i, conv in enumerate(converters):
            if conv is not None:
                col, functions = conv
                for function in functions:
                    values[i] = function(values[i], col, connection)
        objects: dict[str, Model | None] = {}
        start = 0
        for table in self.tables:
            end = start + len(table.fields)
            chunk = values[start:end]
            start = end
            parent = objects.get(table.parent.alias) if table.parent else None
            if table.parent is not None and parent is None:
                objects[table.alias] = None  # below a missing (NULL) link
                continue
            pk_index = table.fields.index(table.model._meta.pk)
            if chunk[pk_index] is None:
                obj = None  # a NULL foreign key, left-joined
            else:
                obj = table.model.from_db(using, [f.attname for f in table.fields], chunk)
            objects[table.alias] = obj
            if table.parent is not None:
                table.link.set_cached_value(parent, obj)
        return objects["t0"]


_inserts: dict[tuple[type[Model], str], tuple[str, list, bool]] = {}


def _insert_statement(model: type[Model], using: str) -> tuple[str, list, bool]:
    key = (model, using)
    if key not in _inserts:
        meta = model._meta
        if meta.parents or not isinstance(meta.pk, AutoFieldMixin):
            raise TypeError(f"rows.insert takes plain models with an auto id, not {meta.label}")
        connection = connections[using]
        quote = connection.ops.quote_name
        fields = [f for f in meta.concrete_fields if f is not meta.pk]
        returning = connection.features.can_return_columns_from_insert
        sql = (
            f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(f.column) for f in fields)})"
            f" VALUES ({', '.join(['%s'] * len(fields))})"
        )
        if returning:
            sql += f" RETURNING {quote(meta.pk.column)}"
        _inserts[key] = (sql, fields, returning)
    return _inserts[key]


def insert(obj: Model, *, using: str = "default") -> Model:
    model = type(obj)
    if obj.pk is not None:
        raise ValueError("rows.insert writes new objects only")
    sql, fields, returning = _insert_statement(model, using)
    connection = connections[using]
    obj._prepare_related_fields_for_save(operation_name="save")  # as Model.save: ids of related objects
    pre_save.send(sender=model, instance=obj, raw=False, using=using, update_fields=None)
    values = [field.get_db_prep_save(field.pre_save(obj, True), connection) for field in fields]
    with transaction.mark_for_rollback_on_error(using), connection.cursor() as cursor:
        cursor.execute(sql, values)
        if returning:
            pk = cursor.fetchone()[0]
        else:
            pk = connection.ops.last_insert_id(cursor, model._meta.db_table, model._meta.pk.column)
    obj.pk = pk
    obj._state.adding = False
    obj._state.db = using
    post_save.send(sender=model, instance=obj, created=True, update_fields=None, raw=False, using=using)
    return obj


# --- Batches: one statement for many rows (default database) -----------------------------------


def _qn(name: str) -> str:
    return connection.ops.quote_name(name)


def _sqlite_datetime(value: dt.datetime | None, tz) -> str | None:
    """What Django's SQLite backend stores for an aware datetime (adapt_datetimefield_value)."""
    return None if value is None else str(value.astimezone(tz).replace(tzinfo=None))


def _pg_array(values) -> str:
    """A PostgreSQL array literal of plain values (None, bool, int, str, aware datetime), to be
    cast in SQL (`%s::timestamptz[]`). psycopg adapts a Python list element by element, which
    costs more than the statement itself for a batch of long texts; one string costs nothing."""

    def element(value) -> str:
        if value is None:
            return "NULL"
        text = value.isoformat() if isinstance(value, dt.datetime) else str(value)
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'

    return "{" + ",".join(map(element, values)) + "}"


def insert_many(model, fields, rows: list[tuple], *, ignore_conflicts: bool = False, returning: bool = False):
    """INSERT `rows` (tuples of plain values for `fields`: ints, strings, booleans, None) in one
    statement; every other column takes its default (auto_now_add: now). With `returning`, the
    new ids in the order of `rows`."""
    meta = model._meta
    given = [meta.get_field(name) for name in fields]
    now = timezone.now()
    rest = [
        (f, now if getattr(f, "auto_now_add", False) or getattr(f, "auto_now", False) else f.get_default())
        for f in meta.concrete_fields
        if not f.primary_key and f not in given
    ]
    on_conflict = OnConflict.IGNORE if ignore_conflicts else None
    assert not (returning and ignore_conflicts), "skipped rows would shift the returned ids"
    columns = ", ".join(_qn(f.column) for f in [*given, *(f for f, _v in rest)])
    head = f"{connection.ops.insert_statement(on_conflict=on_conflict)} {_qn(meta.db_table)} ({columns})"
    suffix = connection.ops.on_conflict_suffix_sql(given, on_conflict, None, None) if on_conflict else ""
    constants = [f.get_db_prep_save(value, connection) for f, value in rest]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            arrays = ", ".join(f"%s::{f.db_type(connection)}[]" for f in given)
            names = ", ".join(f"c{n}" for n in range(len(given)))
            fixed = "".join(f", %s::{f.db_type(connection)}" for f, _v in rest)
            returns = f" RETURNING {_qn(meta.pk.column)}" if returning else ""
            sql = f"{head} SELECT {names}{fixed} FROM unnest({arrays}) AS u({names}) {suffix}{returns}"
            cursor.execute(sql, constants + [_pg_array(column) for column in zip(*rows, strict=True)])
            return [row[0] for row in cursor.fetchall()] if returning else None
        placeholders = ", ".join(["%s"] * (len(given) + len(rest)))
        tail = tuple(constants)
        cursor.executemany(f"{head} VALUES ({placeholders}) {suffix}", [row + tail for row in rows])
        if not returning:
            return None
        # Inside the transaction SQLite's write lock is held from the first row to the commit, so
        # the rows took consecutive ids ending at the last one inserted on this connection.
        assert connection.in_atomic_block
        cursor.execute("SELECT last_insert_rowid()")
        last = cursor.fetchone()[0]
        return list(range(last - len(rows) + 1, last + 1))


def update_many(model, fields: list[str], objects: list) -> None:
    """Write `fields` of every object (anything with those attributes and `id`) in one statement."""
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


def claimable_ids(queryset, order: str, batch: int) -> list[int]:
    """The first `batch` ids of `queryset` by `order`, for a sweeper to claim. On PostgreSQL they
    are locked (FOR UPDATE SKIP LOCKED), so two sweepers take different rows instead of queueing;
    elsewhere the caller's compare-and-set UPDATE decides which rows were its own."""
    if connection.features.has_select_for_update_skip_locked:
        queryset = queryset.select_for_update(skip_locked=True, of=("self",))
    return list(queryset.order_by(order).values_list("id", flat=True)[:batch])
