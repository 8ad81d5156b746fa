"""The envelope every event travels in, in the spirit of CloudEvents 1.0."""

from __future__ import annotations

import json
import uuid
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate

from .registry import ContractError, schema_for

__all__ = ["ContractError", "EnvelopeSchema", "Event", "new_event", "parse_event"]


class EnvelopeSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    id = fields.UUID(required=True)
    type = fields.String(required=True, validate=validate.Regexp(r"^[a-z_]+(\.[a-z_]+)+\.v\d+$"))
    source = fields.String(required=True, validate=validate.Length(min=1))
    time = fields.AwareDateTime(required=True, format="iso")
    tenant = fields.String(required=True, validate=validate.Length(min=1))
    subject = fields.String(required=True, validate=validate.Length(min=1))
    correlation_id = fields.String(required=True, validate=validate.Length(min=1))
    causation_id = fields.String(load_default=None, allow_none=True)
    data = fields.Dict(required=True)


_ENVELOPE = EnvelopeSchema()


@dataclass(frozen=True)
class Event:
    id: str
    type: str
    source: str
    time: str
    tenant: str
    subject: str
    correlation_id: str
    causation_id: str | None
    data: dict[str, Any] = field(default_factory=dict)
    _loaded: dict[str, Any] | None = field(default=None, compare=False, repr=False)

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        del out["_loaded"]
        return out

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), separators=(",", ":"), ensure_ascii=False)

    @property
    def loaded(self) -> dict[str, Any]:
        """The data as the schema loads it (dates as dates, unknown fields dropped)."""
        if self._loaded is not None:
            return self._loaded
        return schema_for(self.type).load(self.data)


def _errors(errors: dict) -> str:
    return "; ".join(f"{k}: {', '.join(map(str, v)) if isinstance(v, list) else v}" for k, v in errors.items())


def new_event(
    type: str,
    *,
    source: str,
    tenant: str,
    subject: str,
    data: dict[str, Any],
    correlation_id: str | None = None,
    causation_id: str | None = None,
) -> Event:
    """Build an event and validate its data against the contract before anyone writes it.

    The correlation id defaults to that of the request or event in hand, and the causation id
    to the event being handled, so one walk through the services shares one correlation id.
    """
    from .. import logs

    if not tenant:
        raise ContractError("tenant: an event must carry its tenant")
    schema = schema_for(type)
    payload = schema.dump(data)
    errors = schema.validate(payload)
    if errors:
        raise ContractError(f"{type} data does not match the contract: {_errors(errors)}")
    event_id = str(uuid.uuid4())
    return Event(
        id=event_id,
        type=type,
        source=source,
        time=datetime.now(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z"),
        tenant=tenant,
        subject=subject,
        correlation_id=correlation_id or logs.correlation_id.get() or event_id,
        causation_id=causation_id or logs.causation_id.get(),
        data=payload,
    )


def parse_event(body: bytes | str | dict) -> Event:
    """Read an envelope from the wire; raise ContractError with the reason if it is not one."""
    try:
        raw = json.loads(body) if isinstance(body, bytes | str) else body
    except (ValueError, UnicodeDecodeError) as exc:
        raise ContractError(f"body is not JSON: {exc}") from None
    if not isinstance(raw, dict):
        raise ContractError("body is not a JSON object")
    try:
        env = _ENVELOPE.load(raw)
    except ValidationError as exc:
        raise ContractError(f"envelope: {_errors(exc.messages)}") from None
    schema = schema_for(env["type"])
    try:
        loaded = schema.load(env["data"])
    except ValidationError as exc:
        raise ContractError(f"{env['type']} data: {_errors(exc.messages)}") from None
    return Event(
        id=str(env["id"]),
        type=env["type"],
        source=env["source"],
        time=raw["time"],
        tenant=env["tenant"],
        subject=env["subject"],
        correlation_id=env["correlation_id"],
        causation_id=env["causation_id"],
        data=raw["data"],
        _loaded=loaded,
    )
