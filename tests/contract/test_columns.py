"""Every event the contract allows fits where its consumers store it.

A contract-valid ``application.submitted.v1`` with a 200-character city was dead-lettered by
matching after five tries: its ``city`` column holds 120. So, for each service and each event
type it consumes, the contract's sample is sent through the service's own handler with every
free text replaced by a marker of its own; the markers found afterwards in the service's
``String(n)`` columns show which event field lands in which column, and the contract must bound
that field to ``n`` at most. Enumerations and integers are checked against the columns of the
same name.
"""

from __future__ import annotations

import copy
import itertools
import re
from dataclasses import dataclass

import pytest
import sqlalchemy as sa
from marshmallow import Schema, fields, validate

from services.matching import handlers as matching_handlers
from services.matching import store as matching_store
from services.notify import handlers as notify_handlers
from services.notify import store as notify_store
from services.scheduling import handlers as scheduling_handlers
from services.scheduling import store as scheduling_store
from services.shared.contract import EVENT_TYPES, new_event, parse_event
from tests.unit.test_contract import SAMPLES

CONSUMERS = {
    "matching": (matching_store.metadata, matching_handlers.HANDLERS),
    "notify": (notify_store.metadata, notify_handlers.HANDLERS),
    "scheduling": (scheduling_store.metadata, scheduling_handlers.HANDLERS),
}
MARKER = re.compile(r"zq(\d{5})q")
INT_MAX = 2**31 - 1  # PostgreSQL's integer
# strings a handler reads as more than text (a marker there would break it): checked by name
NAMES_THAT_MEAN_SOMETHING = ("time_zone",)


@dataclass
class Leaf:
    """One string in an event's data: where it is, the field that allows it."""

    path: str
    field: fields.Field


def _max_length(field: fields.Field) -> int | None:
    limits = [v.max if v.max is not None else v.equal for v in _validators(field) if isinstance(v, validate.Length)]
    limits = [m for m in limits if m is not None]
    return min(limits) if limits else None


def _validators(field: fields.Field) -> list:
    return list(field.validators)


def _is_free_text(field: fields.Field) -> bool:
    return isinstance(field, fields.String) and not isinstance(field, fields.Email) and not any(
        isinstance(v, validate.OneOf | validate.Regexp | validate.Equal) for v in _validators(field))


def _markable(schema: Schema, data: dict, path: str = ""):
    """(container, key, field, path) for every string of ``data`` the contract lets be any text."""
    for name, field in schema.fields.items():
        value = data.get(name)
        where = f"{path}{name}"
        if value is None:
            continue
        if isinstance(field, fields.Nested):
            for item in value if isinstance(value, list) else [value]:
                yield from _markable(field.schema, item, f"{where}.")
        elif isinstance(field, fields.List):
            for i, item in enumerate(value):
                if isinstance(field.inner, fields.Nested):
                    yield from _markable(field.inner.schema, item, f"{where}[].")
                elif isinstance(item, str):
                    yield value, i, field.inner, f"{where}[]"
        elif isinstance(field, fields.Dict) and field.value_field is not None:
            for key, item in value.items():
                if isinstance(item, str):
                    yield value, key, field.value_field, f"{where}.{key}"
        elif isinstance(field, fields.String) and isinstance(value, str):
            yield data, name, field, where


def _marked(event_type: str, counter) -> tuple[dict, dict[str, Leaf]]:
    """The sample with every free text (and e-mail) replaced by a marker the contract still accepts."""
    schema = EVENT_TYPES[event_type].schema()
    data = copy.deepcopy(SAMPLES[event_type])
    leaves = {}
    for container, key, field, path in list(_markable(schema, data)):
        if not (_is_free_text(field) or isinstance(field, fields.Email)) or path.endswith(NAMES_THAT_MEAN_SOMETHING):
            continue
        number = f"{next(counter):05d}"
        original = container[key]
        container[key] = f"zq{number}q@example.se" if isinstance(field, fields.Email) else f"zq{number}q"
        if schema.validate(schema.dump(data)):
            container[key] = original  # the contract wants a particular shape here (a country code...)
            continue
        leaves[number] = Leaf(path, field)
    return data, leaves


def _apply(engine, handlers, event_type: str, data: dict, metadata: sa.MetaData) -> list[tuple[str, int, str]]:
    """Run the consumer's handler on the event; return (table.column, length, marker) it stored."""
    event = parse_event(new_event(event_type, source="test", tenant="saco", subject="x/1", data=data).to_json())
    found = []
    with engine.connect() as conn:
        transaction = conn.begin()
        try:
            handlers.handlers[event_type](conn, event)
            for table in metadata.sorted_tables:
                for column in table.columns:
                    if isinstance(column.type, sa.String) and column.type.length:
                        for value in conn.execute(sa.select(column).where(column.like("%zq%"))).scalars():
                            found += [(f"{table.name}.{column.name}", column.type.length, m) for m in MARKER.findall(value)]
        finally:
            transaction.rollback()
    return found


def _named_leaves(schema: Schema, prefix: str = ""):
    for name, field in schema.fields.items():
        inner = field.inner if isinstance(field, fields.List) else field
        if isinstance(inner, fields.Nested):
            yield from _named_leaves(inner.schema, f"{prefix}{name}.")
        else:
            yield name, f"{prefix}{name}", inner


def mismatches(service: str) -> list[str]:
    metadata, handlers = CONSUMERS[service]
    engine = sa.create_engine("sqlite://", poolclass=sa.pool.StaticPool)
    metadata.create_all(engine)
    counter = itertools.count()
    problems = set()
    for event_type in sorted(handlers.handlers):
        data, leaves = _marked(event_type, counter)
        for column, length, marker in _apply(engine, handlers, event_type, data, metadata):
            leaf = leaves[marker]
            allowed = _max_length(leaf.field)
            if allowed is None or allowed > length:
                problems.add(f"{event_type} {leaf.path} (at most {allowed or 'any'}) is stored in "
                             f"{service} {column} of {length}")
        # enumerations and integers: against the columns of the same name
        columns = {c.name: c for t in metadata.sorted_tables for c in t.columns}
        for name, path, field in _named_leaves(EVENT_TYPES[event_type].schema()):
            column = columns.get(name)
            if column is None:
                continue
            one_of = [v for v in _validators(field) if isinstance(v, validate.OneOf)]
            if one_of and isinstance(column.type, sa.String) and column.type.length:
                longest = max(len(str(choice)) for choice in one_of[0].choices)
                if longest > column.type.length:
                    problems.add(f"{event_type} {path} (a choice of {longest}) is stored in {service} {name} of {column.type.length}")
            elif name in NAMES_THAT_MEAN_SOMETHING and isinstance(column.type, sa.String) and column.type.length:
                allowed = _max_length(field)
                if allowed is None or allowed > column.type.length:
                    problems.add(f"{event_type} {path} (at most {allowed or 'any'}) is stored in {service} {name} of {column.type.length}")
            if isinstance(field, fields.Integer) and isinstance(column.type, sa.Integer):
                ranges = [v.max for v in _validators(field) if isinstance(v, validate.Range) and v.max is not None]
                if not ranges or min(ranges) > INT_MAX:
                    problems.add(f"{event_type} {path} (any integer) is stored in {service} {name} (an integer column)")
    return sorted(problems)


@pytest.mark.parametrize("service", sorted(CONSUMERS))
def test_every_contract_valid_event_fits_the_columns_of_its_consumers(service):
    assert mismatches(service) == []


def test_the_test_sees_where_a_city_lands():
    """The walk finds the fields it is about: matching keeps an applicant's city in 120 characters."""
    metadata, handlers = CONSUMERS["matching"]
    engine = sa.create_engine("sqlite://", poolclass=sa.pool.StaticPool)
    metadata.create_all(engine)
    data, leaves = _marked("application.submitted.v1", itertools.count())
    stored = {(leaves[m].path, column) for column, _n, m in _apply(engine, handlers, "application.submitted.v1", data, metadata)}
    assert ("city", "applications.city") in stored and ("name", "applications.name") in stored
