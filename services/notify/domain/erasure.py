"""Erasing a person from notify: found by the hash of their address (intake sends no address)
and by their application and nomination ids.

Their projection row and preferences go; their deliveries keep only what the log needs to count
(kind, status, times) — address, name, subject, bodies and an error quoting the address go;
other people's messages that name them (by address or by name) lose their text, and those still
waiting (an introduction, a meeting they proposed) are cancelled; webhook payloads still waiting
lose their address and name; notify's own events about them leave the outbox once published.
The rules on plain values here; ``usecases.erasure`` finds and writes.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass

ERASED = "erased"


@dataclass(frozen=True)
class Erased:
    recipients: int
    deliveries: int
    cancelled: int
    preferences: int


def placeholder(digest: str) -> str:
    """The address the log keeps in place of an erased person's."""
    return f"erased-{digest[:16]}@erased.invalid"


def names_to_erase(names: Iterable[str | None]) -> set[str]:
    """The person's names as they may stand in other messages (not one already erased)."""
    return {name for name in names if name and name != ERASED}


def names_them(text: str | None, mention: str) -> bool:
    """Whether ``text`` names the person by ``mention`` as a whole word or address: "Ali" names
    no one in "Alice" or "Khalil", so a short name cancels no one else's message."""
    if not text:
        return False
    return re.search(rf"(?<!\w){re.escape(mention)}(?!\w)", text) is not None


def scrubbed_payload(payload: str, addresses: Iterable[str], names: Iterable[str], instead: str) -> str:
    """A webhook's body without the person's addresses (``instead`` for each) and names."""
    for address in addresses:
        payload = payload.replace(address, instead)
    for name in names:
        payload = payload.replace(_json_text(name), _json_text(ERASED))
    return payload


def _json_text(text: str) -> str:
    """A string as it stands inside a JSON body (without its quotes)."""
    return json.dumps(text, ensure_ascii=False)[1:-1]
