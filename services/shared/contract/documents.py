"""The published contract documents, generated from the code: an AsyncAPI document of every
event (from the marshmallow schemas and the services' handler tables) and each service's
OpenAPI document (from flask-smorest).

The shared floor knows no service: ``tandem contracts`` (services/cli.py) hands in the services'
handler tables and API apps.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin, resolver
from marshmallow import Schema

from .consumers import consumers
from .envelope import EnvelopeSchema
from .personal import mark, nested_schema
from .registry import EVENT_TYPES

if TYPE_CHECKING:
    from flask import Flask

    from ..bus.handlers import HandlerTable


def _schema_name(event_type: str) -> str:
    return "".join(part.capitalize() for part in event_type.replace("_", ".").split("."))


def _with_nested(named: dict[str, type[Schema]]) -> dict[str, type[Schema]]:
    """Component name -> schema, for ``named`` and every schema nested in them."""
    found = dict(named)
    todo = list(named.values())
    while todo:
        for field in todo.pop()._declared_fields.values():
            nested = nested_schema(field)
            if nested is not None and resolver(nested) not in found:
                found[resolver(nested)] = nested
                todo.append(nested)
    return found


def asyncapi(tables: Iterable[HandlerTable]) -> dict:
    """The AsyncAPI document of every event, with the services ``tables`` say consume it."""
    spec = APISpec("events", "1", "3.0.3", plugins=[MarshmallowPlugin()])
    spec.components.schema("Envelope", schema=EnvelopeSchema)
    heard_by = consumers(tables)
    channels, operations, messages, data_schemas = {}, {}, {}, {}
    for name in sorted(EVENT_TYPES):
        kind = EVENT_TYPES[name]
        data_name = _schema_name(name) + "Data"
        spec.components.schema(data_name, schema=kind.schema)
        data_schemas[data_name] = kind.schema
        messages[name] = {
            "name": name,
            "title": name,
            "summary": kind.summary,
            "contentType": "application/json",
            "headers": {"type": "object", "properties": {"tenant": {"type": "string"}}, "required": ["tenant"]},
            "payload": {
                "allOf": [
                    {"$ref": "#/components/schemas/Envelope"},
                    {"type": "object", "properties": {
                        "type": {"const": name},
                        "data": {"$ref": f"#/components/schemas/{data_name}"},
                    }},
                ]
            },
            "bindings": {"amqp": {"deliveryMode": 2, "messageType": name}},
        }
        channels[name] = {
            "address": name,
            "description": f"Routing key {name} on the topic exchange tandem.events.",
            "messages": {"event": {"$ref": f"#/components/messages/{name}"}},
            "bindings": {"amqp": {"is": "routingKey", "exchange": {"name": "tandem.events", "type": "topic", "durable": True, "vhost": "/"}}},
        }
        operations[f"{kind.producer}.publishes.{name}"] = {
            "action": "send",
            "summary": f"{kind.producer} publishes {name} through its outbox.",
            "channel": {"$ref": f"#/channels/{name}"},
            "messages": [{"$ref": f"#/channels/{name}/messages/event"}],
        }
        for consumer in heard_by[name]:
            operations[f"{consumer}.consumes.{name}"] = {
                "action": "receive",
                "summary": f"{consumer} applies {name} from its queue {consumer}.events.",
                "channel": {"$ref": f"#/channels/{name}"},
                "messages": [{"$ref": f"#/channels/{name}/messages/event"}],
                "bindings": {"amqp": {"ack": True}},
            }
    schemas = spec.to_dict()["components"]["schemas"]
    for name, schema in _with_nested(data_schemas).items():
        mark(schemas[name].get("properties", {}), schema)
    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": "Tandem events",
            "version": "1",
            "description": "Every event between Tandem's services. One durable topic exchange "
            "(tandem.events); the routing key is the event type with its version. Each consumer "
            "has a durable quorum queue with a delivery limit and a dead-letter queue.",
        },
        "defaultContentType": "application/json",
        "servers": {"rabbitmq": {"host": "rabbitmq:5672", "protocol": "amqp", "protocolVersion": "0.9.1"}},
        "channels": channels,
        "operations": operations,
        "components": {"schemas": schemas, "messages": messages},
    }


def openapi(app: Flask) -> dict:
    """A service's OpenAPI document, from its app's flask-smorest API."""
    return app.extensions["tandem.api"].spec.to_dict()


def render(document: dict) -> str:
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def documents(tables: Iterable[HandlerTable], apps: Mapping[str, Flask]) -> dict[str, str]:
    """File name -> content of every published document: the AsyncAPI document from the handler
    tables, and an OpenAPI document for each service's app in ``apps``."""
    docs = {"asyncapi.json": render(asyncapi(tables))}
    for service, app in apps.items():
        docs[f"openapi/{service}.json"] = render(openapi(app))
    return docs


def write(out: Path, contents: Mapping[str, str]) -> list[Path]:
    """Write each file name -> content under ``out``."""
    written = []
    for name, content in contents.items():
        path = out / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content)
        written.append(path)
    return written
