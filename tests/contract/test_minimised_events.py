"""Minimised events: a personal field travels only when some consumer keeps it.

For every event type, each consumer's handlers apply it (after the cohort, the two applications
and the pair it may refer to) to that service's own tables, with every personal value of the
event marked; a personal field passes when its marked value turns up in what some consumer keeps
— its projections, or the message notify renders and logs. The tenant's webhooks are not counted:
they pass on what travels, they are no reason for it to travel.

Keys (an application's, a nomination's, a staff member's id) are left out: they name the person
an event is about, each consumer finds its own copy by them, and erasure finds them.
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa

from services.shared.contract import EVENT_TYPES, new_event, parse_event
from services.shared.contract.consumers import consumers
from services.shared.contract.personal import is_sent, nested_schema, personal_paths
from tests.unit.test_contract import SAMPLES

SERVICES = ("matching", "scheduling", "notify")
KEYS = ("id", "_id", "_ids")
NOT_KEPT_FOR_THE_RECORD = ("outbox", "inbox", "audit_log")
# (event type, path): why a consumer uses it without keeping it
USED_NOT_KEPT = {
    ("person.erasure_requested.v1", "email_sha256"): "finds the person's messages and preferences to erase",
    ("staff.sign_in_requested.v1", "link"): "sent to the staff member; the delivery log keeps the message with the link left out",
}
# Kept by no consumer and still sent: counted here, so that nothing joins them
NOT_YET_MINIMISED: dict[tuple[str, str], str] = {}
# the same event told the other way round (the proposer is not written to)
VARIANTS = {"meeting.proposed.v1": [{"proposed_by": "mentee"}]}
# the values the samples leave empty, so that every personal field has something to find
FILLED = {
    "application.submitted.v1": {
        "phone": "+46 70 123 45 67", "employer": "Skatteverket", "excluded_employers": ["Kronofogden"],
        "profession": {"code": "2421", "title": "Controller"}, "nomination_id": None,
    },
}
SETUP = ("cohort.opened.v1", "application.submitted.v1", "match.confirmed.v1")


def handler_tables():
    return [importlib.import_module(f"services.{service}.handlers").HANDLERS for service in SERVICES]


def sample(event_type: str) -> dict:
    return {**SAMPLES[event_type], **FILLED.get(event_type, {})}


def _mark(value: Any, tag: str) -> Any:
    """The value made recognisable, still valid for its field (short codes are left as they are)."""
    if isinstance(value, list):
        return [_mark(item, f"{tag}{i}") for i, item in enumerate(value)]
    if isinstance(value, dict):
        return {key: _mark(item, f"{tag}{key[:1]}") for key, item in value.items()}
    if not isinstance(value, str) or len(value) <= 8:
        return value
    if value.startswith("https://"):
        return f"{value}{'&' if '?' in value else '?'}m={tag}"
    if "@" in value:
        local, domain = value.split("@", 1)
        return f"{local}+{tag}@{domain}"
    return f"{value} {tag}"


def _leaves(value: Any) -> Iterator[str]:
    if isinstance(value, list):
        for item in value:
            yield from _leaves(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _leaves(item)
    elif value is not None and value != "":
        yield str(value)


def _at(data: Any, path: list[str]) -> list[Any]:
    """The values at a path such as ``mentee.email`` or ``links[].link``."""
    if not path:
        return [data]
    head, *rest = path
    name = head.removesuffix("[]")
    if data is None or name not in data:
        return []
    if head.endswith("[]"):
        return [v for item in data[name] or [] for v in _at(item, rest)] if rest else [data[name]]
    return _at(data[name], rest)


def _marked(data: Any, path: list[str], tag: str) -> Any:
    head, *rest = path
    name = head.removesuffix("[]")
    if not isinstance(data, dict) or data.get(name) is None:
        return data
    if not rest:
        return {**data, name: _mark(data[name], tag)}
    if head.endswith("[]"):
        return {**data, name: [_marked(item, rest, tag) for item in data[name]]}
    return {**data, name: _marked(data[name], rest, tag)}


def is_key(path: str) -> bool:
    return path.rsplit(".", 1)[-1].removesuffix("[]").endswith(KEYS)


def personal(event_type: str) -> list[str]:
    return [p for p in personal_paths(EVENT_TYPES[event_type].schema) if not is_key(p)]


def apply(conn, table, event_type: str, data: dict) -> None:
    event = parse_event(new_event(event_type, source="test", tenant="saco", subject="x/1", data=data).to_json())
    if event_type in table.handlers:
        table.handlers[event_type](conn, event)


def kept(conn, metadata: sa.MetaData) -> str:
    rows = []
    for name, table in metadata.tables.items():
        if name in NOT_KEPT_FOR_THE_RECORD:
            continue
        query = sa.select(table)
        if name == "deliveries":
            query = query.where(table.c.channel != "webhook")
        rows += [json.dumps(dict(r), default=str, ensure_ascii=False) for r in conn.execute(query).mappings()]
    return "\n".join(rows)


def what_consumers_keep(event_type: str, data: dict) -> str:
    found = []
    for table in handler_tables():
        if event_type not in table.handlers:
            continue
        store = importlib.import_module(f"services.{table.service}.store")
        engine = sa.create_engine("sqlite://", poolclass=sa.pool.StaticPool)
        store.metadata.create_all(engine)
        with engine.connect() as conn:
            transaction = conn.begin()
            try:
                for setup in SETUP:
                    apply(conn, table, setup, sample(setup))
                    if setup == "application.submitted.v1":
                        mentor = {**sample(setup), "application_id": "a2", "role": "mentor", "name": "Karin Berg",
                                  "email": "karin@example.se", "profession": {"code": "2611", "title": "Jurist"}}
                        apply(conn, table, setup, mentor)
                apply(conn, table, event_type, data)
                found.append(kept(conn, store.metadata))
            finally:
                transaction.rollback()
    return "\n".join(found)


CARRYING = sorted(name for name in EVENT_TYPES if personal(name) and consumers(handler_tables())[name])


@pytest.mark.parametrize("event_type", CARRYING)
def test_every_personal_field_an_event_carries_is_kept_by_some_consumer(event_type):
    data = sample(event_type)
    paths = [p for p in personal(event_type) if (event_type, p) not in USED_NOT_KEPT | NOT_YET_MINIMISED.keys()]
    for i, path in enumerate(paths):
        data = _marked(data, path.split("."), f"m{i}x")
    text = "\n".join(what_consumers_keep(event_type, {**data, **variant}) for variant in [{}, *VARIANTS.get(event_type, [])])
    unused = [path for path in paths
              if (values := [leaf for v in _at(data, path.split(".")) for leaf in _leaves(v)])
              and not any(value in text for value in values)]
    assert not unused, f"no consumer keeps {unused} of {event_type}: stop sending them"


def test_intake_sends_no_personal_link_with_a_rejection_or_a_withdrawal():
    from services.intake.domain import applications

    row = {"id": "a1", "tenant": "saco", "role": "mentee", "name": "Amira Haddad", "email": "amira@example.se",
           "locale": "sv", "status": "rejected"}
    cohort = {"id": "c1", "name": "Hösten 2026", "time_zone": "Europe/Stockholm"}
    programme = {"id": "p1", "names": {"sv": "Mentorprogrammet"}, "locale": "sv"}
    for event_type in ("application.rejected.v1", "application.accepted.v1"):
        event = applications.event(event_type, row, cohort, programme, "https://tandem.example.org/x?token=t")
        assert (event.data["manage_link"] is None) == (event_type == "application.rejected.v1")


def _not_sent(schema, prefix: str = "") -> set[str]:
    found = set()
    for name, field in schema._declared_fields.items():
        if not is_sent(field):
            found.add(prefix + name)
        elif (nested := nested_schema(field)) is not None:
            found |= _not_sent(nested, f"{prefix}{name}.")
    return found


@pytest.mark.parametrize("event_type", sorted(EVENT_TYPES))
def test_a_field_no_longer_sent_is_left_out_of_the_event_though_the_producer_gives_it(event_type):
    """The producers still hand these over (the same row makes several events); the contract drops them."""
    given = sample(event_type)
    if event_type.startswith("nomination."):
        given = {**given, "organisation_name": "Skatteverket"}
    event = new_event(event_type, source="test", tenant="saco", subject="x/1", data=given)
    for path in _not_sent(EVENT_TYPES[event_type].schema):
        assert _at(event.data, path.split(".")) in ([], [None]), f"{event_type} still sends {path}"
    assert parse_event(event.to_json()).loaded  # and its consumers read it as before


def test_an_event_no_service_consumes_carries_nothing_personal_but_keys():
    heard_by = consumers(handler_tables())
    carrying = {name: personal(name) for name in EVENT_TYPES if not heard_by[name] and personal(name)}
    assert carrying == {}


def test_what_is_used_and_not_kept_is_still_in_the_contract():
    for event_type, path in USED_NOT_KEPT.keys() | NOT_YET_MINIMISED.keys():
        assert path in personal(event_type), f"{event_type} {path} is gone: drop it from USED_NOT_KEPT"
