"""What every service's HTTP edge refuses before a view sees it, and how it answers an outage.

A JSON body is read once here, within a size limit, and refused when no view could use it: nested
deeper than any Tandem schema, numbers that no column holds, text that is not Unicode (a lone
surrogate, in a value or a key). Query and path integers are held to 64 bits. The views then parse
the same bytes with their schemas, knowing that nothing in them can crash the parser or the
database driver.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator

from flask import request
from werkzeug.exceptions import RequestEntityTooLarge

MAX_DEPTH = 32  # the deepest Tandem schema nests 4 levels; 32 leaves room and stops the C parser's recursion
INT_LIMIT = 2**63  # what a BIGINT (and SQLite's INTEGER) holds
_INT_DIGITS = len(str(INT_LIMIT))
_SURROGATE = re.compile("[\ud800-\udfff]")
_INTEGER = re.compile(r"[+-]?\d+")

NOT_UNICODE = "a lone surrogate (text that is not valid Unicode)"
OUT_OF_RANGE = f"a number beyond what Tandem stores (more than 2^{INT_LIMIT.bit_length() - 1} in size)"
NOT_A_NUMBER = "not a finite number (NaN and Infinity are not JSON)"


class Refusal(Exception):
    """Input the edge refuses: the HTTP status and the errors in the platform's shape."""

    def __init__(self, status: int, errors: dict, message: str):
        super().__init__(message)
        self.status, self.errors, self.message = status, errors, message


class _TooLong:
    """What an integer literal too long to hold becomes while parsing, so it is refused by place."""


def check_json_body() -> None:
    """Raise a ``Refusal`` if this request's JSON body is malformed, too deep or holds values
    nothing downstream can take. Reading the body here applies the request's size limit
    (``RequestEntityTooLarge``, 413), whether the body comes with a length or in chunks."""
    if not request.is_json:
        return
    data = request.get_data(cache=True)
    limit = request.max_content_length
    if request.content_length is None and limit is not None and len(data) >= limit:
        # a chunked body is cut at the limit rather than refused: refuse it here
        raise RequestEntityTooLarge()
    if not data.strip():
        return  # no body: the view's schema says whether one was needed
    try:
        document = json.loads(data, parse_int=_bounded_int, parse_constant=lambda _: math.nan)
    except RecursionError:
        raise Refusal(400, {"json": [f"Nested deeper than {MAX_DEPTH} levels."]}, "The JSON body is nested too deeply.") from None
    except (ValueError, UnicodeDecodeError):  # JSONDecodeError, or bytes that are not UTF-8/16/32
        raise Refusal(400, {"json": ["Invalid JSON body."]}, "The body is not valid JSON.") from None
    errors: dict = {}
    for path, reason in _unusable(document):
        if reason is None:
            raise Refusal(400, {"json": [f"Nested deeper than {MAX_DEPTH} levels."]}, "The JSON body is nested too deeply.")
        _place(errors, path, reason)
    if errors:
        raise Refusal(422, {"json": errors}, "Some values cannot be taken in.")


def check_integer_arguments(view_args: dict | None, query) -> None:
    """Raise a ``Refusal`` (422) for a path or query integer beyond 64 bits.

    Every digits-only query value counts: no Tandem query parameter is a string of more than
    eighteen digits, and a number that long would overflow the database driver."""
    errors: dict = {}
    for name, value in (view_args or {}).items():
        if isinstance(value, int) and not -INT_LIMIT <= value < INT_LIMIT:
            errors.setdefault("path", {})[name] = [OUT_OF_RANGE]
    for name, value in query.items(multi=True):
        if _INTEGER.fullmatch(value) and _bounded_int(value) is _TOO_LONG:
            errors.setdefault("query", {})[name] = [OUT_OF_RANGE]
    if errors:
        raise Refusal(422, errors, "A number is out of range.")


_TOO_LONG = _TooLong()


def _bounded_int(text: str):
    if len(text.lstrip("+-")) > _INT_DIGITS:
        return _TOO_LONG  # int() of thousands of digits raises, and is slow before that
    value = int(text)
    return value if -INT_LIMIT <= value < INT_LIMIT else _TOO_LONG


def _unusable(document) -> Iterator[tuple[tuple, str | None]]:
    """Each (path, reason) that cannot be taken in; reason None means too deep. No recursion."""
    stack = [((), document)]
    while stack:
        path, value = stack.pop()
        if len(path) > MAX_DEPTH:
            yield path, None
            return
        if isinstance(value, dict):
            for key, item in value.items():
                if _SURROGATE.search(key):
                    yield (*path, _printable(key)), NOT_UNICODE
                else:
                    stack.append(((*path, key), item))
        elif isinstance(value, list):
            stack.extend(((*path, index), item) for index, item in enumerate(value))
        elif isinstance(value, str):
            if _SURROGATE.search(value):
                yield path, NOT_UNICODE
        elif value is _TOO_LONG:
            yield path, OUT_OF_RANGE
        elif isinstance(value, float) and not math.isfinite(value):
            yield path, NOT_A_NUMBER


def _printable(key: str) -> str:
    return key.encode("utf-8", "backslashreplace").decode("utf-8")


def _place(errors: dict, path: tuple, reason: str) -> None:
    """Nest ``reason`` under ``path`` the way marshmallow reports a field (list items by index)."""
    if not path:
        errors.setdefault("_schema", []).append(reason)
        return
    node = errors
    for step in path[:-1]:
        node = node.setdefault(step, {})
        if not isinstance(node, dict):
            return
    node.setdefault(path[-1], []).append(reason)
