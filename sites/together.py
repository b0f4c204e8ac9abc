"""Several small querysets read in one query.

A page that lists a handful of record kinds about one person (the six parts of the
legal record and the letters on the person page; who to contact in the plan PDF)
would otherwise make one query per kind, most of them returning nothing. Here each
queryset's rows become one JSON object each (with the rows its ``select_related``
names, nested), the querysets are joined with ``UNION ALL``, and the rows come back
as ordinary model instances, in each queryset's own order: one round trip to the
database instead of one per kind, on SQLite and PostgreSQL alike.

The querysets keep their own filters, scoping (django-scopes) and ordering; what they
cannot use here is ``only``/``defer``, ``prefetch_related`` or a bare
``select_related()`` (each is refused rather than quietly ignored).
"""

import json
import re
import uuid
from datetime import UTC
from decimal import Decimal

from django.conf import settings
from django.db.models import F, Func, JSONField, TextField, Value, Window
from django.db.models.functions import Cast, RowNumber
from django.utils.dateparse import parse_date, parse_datetime, parse_time

# PostgreSQL before 16 builds the object with JSONB_BUILD_OBJECT, which takes at most
# 100 arguments: 50 fields a model (each related model is an object of its own).
MAX_FIELDS = 50
PART, POSITION, ROW = "together_part", "together_position", "together_row"
_KEY = re.compile(r"[a-z_][a-z0-9_]*")


def load_together(querysets: dict) -> dict[str, list]:
    """``{name: queryset}`` to ``{name: [model instances]}``, in one query."""
    names = list(querysets)
    shapes, parts = [], []
    for index, name in enumerate(names):
        queryset = querysets[name]
        related = _related(queryset)
        shapes.append((queryset.model, related))
        ordering = list(queryset.query.order_by or queryset.model._meta.ordering)
        parts.append(
            queryset.order_by()
            .annotate(
                **{
                    PART: Value(index),
                    POSITION: Window(RowNumber(), order_by=[*ordering, "pk"]),
                    ROW: _as_json(queryset.model, related),
                }
            )
            .values_list(PART, POSITION, ROW)
        )
    first, *rest = parts
    rows = (first.union(*rest, all=True) if rest else first).order_by(PART, POSITION)
    found = {name: [] for name in names}
    for index, _position, data in rows:
        model, related = shapes[index]
        found[names[index]].append(_instance(model, related, data, first.db))
    return found


def _related(queryset):
    """The queryset's ``select_related`` as a tree of names (``{}`` for none)."""
    query = queryset.query
    if query.select_related is True:
        raise ValueError("Name the relations to select_related here.")
    if query.deferred_loading[0]:
        raise ValueError("only() and defer() are not supported here.")
    if queryset._prefetch_related_lookups:
        raise ValueError("prefetch_related() is not supported here.")
    return query.select_related or {}


def _as_json(model, related, prefix=""):
    fields = model._meta.concrete_fields
    if len(fields) + len(related) > MAX_FIELDS:
        raise ValueError(f"{model.__name__} has too many fields to read here.")
    columns = {
        # A JSON column as its text, so both databases carry it the same way.
        field.attname: Cast(F(prefix + field.attname), TextField())
        if field.get_internal_type() == "JSONField"
        else F(prefix + field.attname)
        for field in fields
    }
    for name, further in related.items():
        target = model._meta.get_field(name).related_model
        columns[name] = _as_json(target, further, f"{prefix}{name}__")
    return _Row(**columns)


class _Row(Func):
    """A row as a JSON object. Django's ``JSONObject`` passes each key as a parameter
    and, on PostgreSQL, casts it to text, building a ``Cast`` and a ``TextField`` per
    column on every compile (most of the cost here); the keys are our own column
    names, so they are written into the SQL instead."""

    output_field = JSONField()

    def __init__(self, **columns):
        if not all(_KEY.fullmatch(key) for key in columns):
            raise ValueError("Column names only.")
        self.keys = list(columns)
        super().__init__(*columns.values())

    def as_sql(self, compiler, connection, **extra_context):
        function = (
            "JSONB_BUILD_OBJECT" if connection.vendor == "postgresql" else "JSON_OBJECT"
        )
        pairs, params = [], []
        for key, expression in zip(
            self.keys, self.get_source_expressions(), strict=True
        ):
            sql, more = compiler.compile(expression)
            pairs.append(f"'{key}', {sql}")
            params.extend(more)
        return f"{function}({', '.join(pairs)})", params


def _instance(model, related, data, db):
    fields = model._meta.concrete_fields
    row = model.from_db(
        db,
        [field.attname for field in fields],
        [_python(field, data[field.attname]) for field in fields],
    )
    for name, further in related.items():
        field = model._meta.get_field(name)
        target = field.related_model
        nested = data[name]
        # A nullable relation with nothing at the end comes back with a null key.
        found = (
            None
            if nested is None or nested[target._meta.pk.attname] is None
            else _instance(target, further, nested, db)
        )
        field.set_cached_value(row, found)
    return row


def _python(field, value):
    """A value as JSON carried it, as the field's Python value."""
    if value is None:
        return None
    kind = field.get_internal_type()
    if kind == "DateTimeField":
        # SQLite keeps UTC without an offset; PostgreSQL writes the offset.
        moment = parse_datetime(value)
        if settings.USE_TZ and moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        return moment
    if kind == "DateField":
        return parse_date(value)
    if kind == "TimeField":
        return parse_time(value)
    if kind == "UUIDField":
        return value if isinstance(value, uuid.UUID) else uuid.UUID(value)
    if kind == "BooleanField":
        return bool(value)
    if kind == "DecimalField":
        return Decimal(str(value)).quantize(Decimal(1).scaleb(-field.decimal_places))
    if kind == "JSONField":
        return json.loads(value, cls=field.decoder)
    if kind == "BinaryField":
        raise ValueError(f"{field} cannot be read here.")
    return field.to_python(value)
