"""Which fields of an event hold personal data, declared once on the field itself:

    name = Text(max_length=NAME, required=True, metadata=personal("applicants"))

The declaration is the field's ``personal`` metadata (whose data it is). The AsyncAPI document
marks the field ``x-personal`` and ``x-personal-who`` (``mark``); the record of processing
(``processing``) lists it with the events that carry it. A service's API that reuses a shape
(intake's programme contacts) keeps its OpenAPI document as it was. A nested field declared personal is personal as a whole (a person's
profession, their languages); otherwise its own fields say.

A personal field of a v1 event that no consumer keeps any longer is declared ``NO_LONGER_SENT``:
a consumer still reads it from a producer that sends it, but ``new_event`` (which dumps the data
through the schema) leaves it out, and it is not listed among what the event carries.
"""

from __future__ import annotations

from collections.abc import Iterator

from marshmallow import Schema, fields

KEY = "personal"  # the key in a field's metadata; its value says whose data it is
MARK, MARK_WHO = "x-personal", "x-personal-who"  # how the AsyncAPI document marks it

#: a field's options: read when it comes, never written (a load-only field is not dumped)
NO_LONGER_SENT = {"load_only": True, "load_default": None, "allow_none": True}
#: and what the documents say of it
GONE = "no longer sent (no consumer keeps it); read when an older producer sends it"


def personal(who: str | None = None, **metadata) -> dict:
    """A field's metadata: it holds personal data, of ``who`` where the contract knows; any other
    metadata (a description) goes with it."""
    return {KEY: who or True, **metadata}


def is_personal(field: fields.Field) -> bool:
    return bool(field.metadata.get(KEY))


def mark(properties: dict[str, dict], schema: type[Schema]) -> None:
    """Mark the personal fields among a document schema's ``properties`` (made from ``schema``)."""
    for name, field in schema._declared_fields.items():
        if is_personal(field) and name in properties:
            who = field.metadata[KEY]
            properties[name] |= {MARK: True, **({MARK_WHO: who} if isinstance(who, str) else {})}


def is_sent(field: fields.Field) -> bool:
    return not field.load_only


def nested_schema(field: fields.Field) -> type[Schema] | None:
    """The schema a (list of) nested field(s) holds, or None."""
    inner = field.inner if isinstance(field, fields.List) else field
    if not isinstance(inner, fields.Nested):
        return None
    return inner.nested if isinstance(inner.nested, type) else type(inner.schema)


def personal_paths(schema: type[Schema], prefix: str = "") -> Iterator[str]:
    """The paths of the personal fields an event's data carries, e.g. ``mentee.email``,
    ``programme.contacts[].phone``."""
    for name, field in schema._declared_fields.items():
        if not is_sent(field):
            continue
        path = f"{prefix}{name}{'[]' if isinstance(field, fields.List) else ''}"
        if is_personal(field):
            yield path  # the whole of it, nested or not (a profession, a person's languages)
        elif (nested := nested_schema(field)) is not None:
            yield from personal_paths(nested, f"{path}.")
