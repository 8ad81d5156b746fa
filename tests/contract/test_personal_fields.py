"""Each event's personal fields are declared once, on the field (``contract.personal``): the
AsyncAPI document marks exactly those, and a field whose name looks personal is declared or
listed below with the reason."""

from __future__ import annotations

import json

import pytest
from marshmallow import Schema

from services.shared.contract import EVENT_TYPES
from services.shared.contract.personal import is_personal, nested_schema, personal_paths
from tests.contract.test_documents import GENERATED

# a field looks personal when its name is one of these (or ends with one of the endings)
PERSONAL_NAMES = frozenset({
    "name", "email", "phone", "languages", "mentoring_languages", "shared_languages", "profession",
    "profession_title", "wished_profession", "education_field", "education_level", "education_country",
    "experience_years", "sector", "employer", "excluded_employers", "city", "interests", "organisation",
    "organisation_name", "reason", "ended_by", "place", "link", "manage_link", "form_link", "email_sha256",
})
PERSONAL_ENDINGS = ("application_id", "application_ids", "nomination_id", "nomination_ids", "staff_id", "recipient_id")
# (schema, field): why it looks personal and is not
NOT_PERSONAL = {
    ("CohortSnapshot", "name"): "a cohort's name",
    ("TenantCreated", "name"): "an organisation's name",
    ("ProgrammeSettings", "name"): "a programme's name",
    ("ProgrammeSettings", "languages"): "the languages of mentoring a programme offers",
}


def looks_personal(name: str) -> bool:
    return name in PERSONAL_NAMES or name.endswith(PERSONAL_ENDINGS)


def schemas() -> dict[str, type[Schema]]:
    """Every schema the events use, nested ones included, by class name."""
    found: dict[str, type[Schema]] = {}

    def walk(schema: type[Schema]) -> None:
        if schema.__name__ in found:
            return
        found[schema.__name__] = schema
        for base in schema.__mro__[1:]:
            if issubclass(base, Schema) and base is not Schema and "_declared_fields" in vars(base):
                walk(base)
        for field in schema._declared_fields.values():
            if (nested := nested_schema(field)) is not None:
                walk(nested)

    for kind in EVENT_TYPES.values():
        walk(kind.schema)
    return found


def declaring(schema: type[Schema], name: str) -> str:
    """The class that declares ``name`` (a field an event inherits is declared by its shape)."""
    return next(cls.__name__ for cls in reversed(schema.__mro__) if name in getattr(cls, "_declared_fields", {}))


def test_every_field_that_looks_personal_is_declared_personal():
    undeclared = sorted({f"{declaring(schema, name)}.{name}" for schema in schemas().values()
                         for name, field in schema._declared_fields.items()
                         if looks_personal(name) and not is_personal(field)
                         and (declaring(schema, name), name) not in NOT_PERSONAL})
    assert undeclared == [], "declare these with metadata=personal(...) in the contract, or list them in NOT_PERSONAL"


def test_the_exceptions_name_fields_that_exist_and_are_not_declared():
    known = schemas()
    for (schema, name), why in NOT_PERSONAL.items():
        assert schema in known and name in known[schema]._declared_fields, f"{schema}.{name} ({why}) is gone"
        assert not is_personal(known[schema]._declared_fields[name]), f"{schema}.{name} is declared personal and listed as not"


def _marked(doc: dict, node: dict, prefix: str = "") -> set[str]:
    """The paths the AsyncAPI document marks x-personal under ``node``."""
    schemas_ = doc["components"]["schemas"]
    found = set()
    for name, prop in node.get("properties", {}).items():
        path = prefix + name
        if prop.get("type") == "array":
            path, prop = path + "[]", {**prop["items"], "x-personal": prop.get("x-personal")}
        if prop.get("writeOnly"):
            continue  # no longer sent (contract.personal.NO_LONGER_SENT)
        if prop.get("x-personal"):
            found.add(path)
            continue
        refs = [prop] + prop.get("allOf", [])
        for ref in (r["$ref"] for r in refs if "$ref" in r):
            found |= _marked(doc, schemas_[ref.rsplit("/", 1)[1]], path + ".")
    return found


@pytest.mark.parametrize("event_type", sorted(EVENT_TYPES))
def test_the_asyncapi_document_marks_exactly_the_declared_personal_fields(event_type):
    doc = json.loads(GENERATED["asyncapi.json"])
    data = doc["components"]["messages"][event_type]["payload"]["allOf"][1]["properties"]["data"]["$ref"]
    marked = _marked(doc, doc["components"]["schemas"][data.rsplit("/", 1)[1]])
    assert marked == set(personal_paths(EVENT_TYPES[event_type].schema))


def test_the_asyncapi_document_says_whose_data_a_field_is():
    doc = json.loads(GENERATED["asyncapi.json"])
    person = doc["components"]["schemas"]["MatchPerson"]["properties"]["email"]
    assert person["x-personal"] is True and person["x-personal-who"] == "participants"
    assert "x-personal" not in doc["components"]["schemas"]["MatchPerson"]["properties"]["locale"]


def test_a_service_api_that_reuses_a_shape_keeps_its_openapi_document_as_it_was():
    for name, text in GENERATED.items():
        if name.startswith("openapi/"):
            assert "x-personal" not in text, f"docs/{name} is marked: the declaration is the events' own"
