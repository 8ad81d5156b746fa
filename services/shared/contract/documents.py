"""The published contract documents, generated from the code: an AsyncAPI document of every
event (from the marshmallow schemas and the services' handler tables) and each service's
OpenAPI document (from flask-smorest)."""

from __future__ import annotations

import importlib
import json
import tempfile
from pathlib import Path

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin

from ..config import SERVICES
from .envelope import EnvelopeSchema
from .registry import EVENT_TYPES


def _schema_name(event_type: str) -> str:
    return "".join(part.capitalize() for part in event_type.replace("_", ".").split("."))


def asyncapi() -> dict:
    spec = APISpec("events", "1", "3.0.3", plugins=[MarshmallowPlugin()])
    spec.components.schema("Envelope", schema=EnvelopeSchema)
    consumers: dict[str, list[str]] = {name: [] for name in EVENT_TYPES}
    for service in SERVICES:
        table = importlib.import_module(f"services.{service}.handlers").HANDLERS
        for key in table.routing_keys:
            consumers[key].append(service)
    channels, operations, messages = {}, {}, {}
    for name in sorted(EVENT_TYPES):
        kind = EVENT_TYPES[name]
        data_name = _schema_name(name) + "Data"
        spec.components.schema(data_name, schema=kind.schema)
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
        for consumer in consumers[name]:
            operations[f"{consumer}.consumes.{name}"] = {
                "action": "receive",
                "summary": f"{consumer} applies {name} from its queue {consumer}.events.",
                "channel": {"$ref": f"#/channels/{name}"},
                "messages": [{"$ref": f"#/channels/{name}/messages/event"}],
                "bindings": {"amqp": {"ack": True}},
            }
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
        "components": {"schemas": spec.to_dict()["components"]["schemas"], "messages": messages},
    }


def openapi(service: str) -> dict:
    from ..config import settings_for
    from ..db import create_engine

    with tempfile.TemporaryDirectory() as tmp:
        settings = settings_for(service, database_url=f"sqlite:///{tmp}/x.db", amqp_url="memory://", signing_key="documents")
        app = importlib.import_module(f"services.{service}.app").create_app(settings, create_engine(settings.database_url))
        return app.extensions["tandem.api"].spec.to_dict()


def render(document: dict) -> str:
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def documents() -> dict[str, str]:
    """File name -> content of every published document."""
    docs = {"asyncapi.json": render(asyncapi())}
    for service in SERVICES:
        docs[f"openapi/{service}.json"] = render(openapi(service))
    return docs


def write_documents(out: Path) -> list[Path]:
    written = []
    for name, content in documents().items():
        path = out / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content)
        written.append(path)
    return written
