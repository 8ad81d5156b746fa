"""The record of processing (GDPR Article 30), generated from the code: each service's personal
columns as its ``store.py`` declares them (``services.shared.privacy``), and the personal fields
each event carries from its producer to its consumers (the contract's schemas and the services'
handler tables, as for the AsyncAPI document). ``tandem contracts`` (services/cli.py) hands in
the services' metadata and handler tables.

Which event fields are personal is decided here, by the field's name: the same words the
columns use, with the exceptions below where a name belongs to a thing and not to a person.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING

from marshmallow import Schema, fields

from ..privacy import Personal, personal_columns
from .consumers import consumers
from .registry import EVENT_TYPES

if TYPE_CHECKING:
    import sqlalchemy as sa

    from ..bus.handlers import HandlerTable

# event fields that hold personal data, by name, wherever they are in an event
PERSONAL_FIELDS = frozenset({
    "name", "email", "phone", "languages", "mentoring_languages", "shared_languages", "profession",
    "profession_title", "wished_profession", "education_field", "education_level", "education_country",
    "experience_years", "sector", "employer", "excluded_employers", "city", "interests", "organisation",
    "organisation_name", "reason", "ended_by", "place", "link", "manage_link", "form_link",
    "application_id", "application_ids", "nomination_id", "nomination_ids", "staff_id", "recipient_id",
    "email_sha256",
})
# (schema, field) where the name is a thing's: a cohort's, a tenant's, a programme's
NOT_PERSONAL = frozenset({
    ("CohortSnapshot", "name"),
    ("TenantCreated", "name"),
    ("ProgrammeSettings", "name"),
    ("ProgrammeSettings", "languages"),  # the languages of mentoring a programme offers
})
# ("PersonalLink", "id") is the application's or nomination's id: personal though named id
PERSONAL_BY_PLACE = frozenset({("PersonalLink", "id")})
# notify passes every event it consumes on to the tenant's webhooks, except these: their links
# open a person's page or sign staff in (tests/contract/test_privacy.py holds this to the code)
NOT_FORWARDED = frozenset({"person.links_requested.v1", "staff.sign_in_requested.v1"})
MESSAGING_TABLES = ("outbox", "inbox")


def _is_personal(schema: type[Schema], name: str) -> bool:
    owners = {cls.__name__ for cls in schema.__mro__}
    if any((owner, name) in PERSONAL_BY_PLACE for owner in owners):
        return True
    return name in PERSONAL_FIELDS and not any((owner, name) in NOT_PERSONAL for owner in owners)


def personal_paths(schema: type[Schema], prefix: str = "") -> Iterator[str]:
    """The paths of the personal fields of an event's data, e.g. ``mentee.email``,
    ``programme.contacts[].phone``."""
    for name, field in schema._declared_fields.items():
        inner = field.inner if isinstance(field, fields.List) else field
        path = f"{prefix}{name}{'[]' if isinstance(field, fields.List) else ''}"
        if _is_personal(schema, name):
            yield path  # the whole of it, nested or not (a profession, a person's languages)
        elif isinstance(inner, fields.Nested):
            nested = inner.nested if isinstance(inner.nested, type) else type(inner.schema)
            yield from personal_paths(nested, f"{path}.")


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _service_section(service: str, metadata: sa.MetaData) -> list[str]:
    by_table: dict[str, list[tuple[str, Personal]]] = {}
    for table, column, declared in personal_columns(metadata):
        by_table.setdefault(table.name, []).append((column.name, declared))
    lines = [f"## {service}", ""]
    ordered = [t for t in by_table if t not in MESSAGING_TABLES] + [t for t in by_table if t in MESSAGING_TABLES]
    for table in ordered:
        lines += [f"### `{table}`", ""]
        groups: dict[tuple[str, str, str], list[tuple[str, str]]] = {}
        for column, declared in by_table[table]:
            groups.setdefault((declared.who, declared.basis, declared.retention), []).append((column, declared.purpose))
        for (who, basis, retention), columns in groups.items():
            lines += [f"Of **{who}**, on {basis}. Retention: {retention}.", "", "| Field | Kept for |", "|---|---|"]
            lines += [f"| `{column}` | {_cell(purpose)} |" for column, purpose in columns]
            lines.append("")
    return lines


def _events_section(tables: Iterable[HandlerTable]) -> list[str]:
    heard_by = consumers(tables)
    lines = [
        "## What the events carry, and to whom",
        "",
        "Events travel on RabbitMQ (exchange `tandem.events`) from the producer's outbox to each "
        "consumer's queue. Notify passes every event it consumes on to the tenant's own webhooks "
        "(those that ask for it), except " + ", ".join(f"`{n}`" for n in sorted(NOT_FORWARDED)) + ".",
        "",
        "| Event | From | To | Personal fields |",
        "|---|---|---|---|",
    ]
    for name in sorted(EVENT_TYPES):
        kind = EVENT_TYPES[name]
        to = list(heard_by[name])
        if "notify" in to and name not in NOT_FORWARDED:
            to.append("tenant's webhooks")
        paths = list(personal_paths(kind.schema))
        lines.append(f"| `{name}` | {kind.producer} | {', '.join(to) or 'none (kept for the record)'} | "
                     f"{', '.join(f'`{p}`' for p in paths) or 'none'} |")
    return [*lines, ""]


def record(metadata: Mapping[str, sa.MetaData], tables: Iterable[HandlerTable]) -> str:
    """docs/privacy.md, from each service's store metadata (service -> metadata, in the order
    to list them) and the services' handler tables."""
    lines = [
        "# What Tandem keeps about people, and why",
        "",
        "The record of processing (GDPR Article 30), generated by `make contracts` from the code: "
        "each service's `store.py` declares, on every column that holds personal data, whose data "
        "it is, what it is kept for, the legal basis and how long it is kept; the events' personal "
        "fields and their consumers come from the event contract and the services' handler tables. "
        "Do not edit this file: change the declarations and run `make contracts`.",
        "",
        "Retention says what the code does today. Erasure on request reaches all four services "
        "(intake's `person.erasure_requested.v1`). A row's keys, statuses and times are not listed "
        "field by field: they go with the row. Each service keeps its own database; the web front "
        "keeps none: a signed-in staff member's token rides in their session cookie.",
        "",
    ]
    for service, declared in metadata.items():
        lines += _service_section(service, declared)
    lines += _events_section(tables)
    return "\n".join(lines).rstrip("\n") + "\n"
