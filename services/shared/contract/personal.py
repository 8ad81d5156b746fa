"""Which fields of an event hold personal data, declared once on the field itself:

    name = Text(max_length=NAME, required=True, metadata=personal("applicants"))

The declaration travels as the field's ``x-personal`` (and ``x-personal-who``) metadata, so the
AsyncAPI document marks the field, and the record of processing (``processing``) lists it with
the events that carry it. A nested field declared personal is personal as a whole (a person's
profession, their languages); otherwise its own fields say.
"""

from __future__ import annotations

from collections.abc import Iterator

from marshmallow import Schema, fields

KEY = "x-personal"
WHO = "x-personal-who"


def personal(who: str | None = None, **metadata) -> dict:
    """A field's metadata: it holds personal data, of ``who`` where the contract knows; any other
    metadata (a description) goes with it."""
    return {KEY: True, **({WHO: who} if who else {}), **metadata}


def is_personal(field: fields.Field) -> bool:
    return bool(field.metadata.get(KEY))


def nested_schema(field: fields.Field) -> type[Schema] | None:
    """The schema a (list of) nested field(s) holds, or None."""
    inner = field.inner if isinstance(field, fields.List) else field
    if not isinstance(inner, fields.Nested):
        return None
    return inner.nested if isinstance(inner.nested, type) else type(inner.schema)


def personal_paths(schema: type[Schema], prefix: str = "") -> Iterator[str]:
    """The paths of the personal fields of an event's data, e.g. ``mentee.email``,
    ``programme.contacts[].phone``."""
    for name, field in schema._declared_fields.items():
        path = f"{prefix}{name}{'[]' if isinstance(field, fields.List) else ''}"
        if is_personal(field):
            yield path
        elif (nested := nested_schema(field)) is not None:
            yield from personal_paths(nested, f"{path}.")
