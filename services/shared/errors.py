"""One way to refuse: a rule or a lookup raises ``Refused``; the API answers it.

A refusal says what kind of "no" it is, never an HTTP status: the domain does not know it is
behind HTTP. The shared app factory (``api.py``) registers one handler that answers every
refusal in the platform's error shape::

    not_found  404   the tenant has no such thing (another tenant's is not there either)
    conflict   409   the state of things does not allow it now
    invalid    422   the request's fields do not fit; ``field_errors`` name them
    forbidden  403   this caller may not do it
    gone       410   it was there and is not any more

``field_errors`` maps a field to what is wrong with it (``{"starts_at": ["in the past"]}``). An
``invalid`` refusal's fields are those of the request's body, answered under ``"json"`` as
flask-smorest answers a body that fails its schema, unless it names another ``location`` (a
missing ``?tenant=`` is the query's, under ``"query"``); the other kinds answer them as they are.
Without ``field_errors`` the answer has no ``errors`` member.

This module imports nothing but the standard library, so any domain module may raise from it.
"""

from __future__ import annotations

NOT_FOUND, CONFLICT, INVALID, FORBIDDEN, GONE = "not_found", "conflict", "invalid", "forbidden", "gone"
KINDS = (NOT_FOUND, CONFLICT, INVALID, FORBIDDEN, GONE)


class Refused(Exception):
    """A request the rules refuse: ``message`` says why in a sentence, ``field_errors`` (if any)
    which fields are at fault, ``kind`` what kind of refusal it is (a conflict unless said), and
    ``location`` which part of the request an ``invalid`` refusal's fields are in (the body's,
    ``"json"``, unless said)."""

    kind = CONFLICT

    def __init__(self, message: str, field_errors: dict | None = None, kind: str | None = None,
                 location: str = "json"):
        super().__init__(message)
        if kind is not None:
            if kind not in KINDS:
                raise ValueError(f"a refusal is one of {', '.join(KINDS)}, not {kind!r}")
            self.kind = kind
        self.message = message
        self.field_errors = field_errors
        self.location = location

    @property
    def errors(self) -> dict:
        """The fields at fault, ``{}`` when it names none."""
        return self.field_errors or {}

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.message!r}, {self.field_errors!r}, kind={self.kind!r})"


class NotFound(Refused):
    kind = NOT_FOUND


class Conflict(Refused):
    kind = CONFLICT


class Invalid(Refused):
    kind = INVALID


class Forbidden(Refused):
    kind = FORBIDDEN


class Gone(Refused):
    kind = GONE
