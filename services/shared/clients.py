"""Who the client is, when the web front asks an API on a person's behalf.

The APIs count public requests per client address. Through the web front every applicant would
arrive from the web front's own address and share one count, unless the API believes what the
web front says about the client. It does when the web front vouches for it: the header
``X-Tandem-Client`` carries the address and an HMAC of it with a key derived from the platform's
signing key, which the web front and the APIs share in every mode. Anyone else's header is
ignored, so a client cannot pick another's count by sending one.
"""

from __future__ import annotations

import hashlib
import hmac
import os

HEADER = "X-Tandem-Client"


def client_key(signing_key: str) -> str:
    """``TANDEM_CLIENT_KEY`` where a deployment gives the web front and the APIs a key of their
    own for this (so the web front needs no signing key), else one derived from the signing key."""
    return os.environ.get("TANDEM_CLIENT_KEY") or hashlib.sha256(
        b"tandem.client-address:" + signing_key.encode()).hexdigest()


def _mac(key: str, address: str) -> str:
    return hmac.new(key.encode(), address.encode(), hashlib.sha256).hexdigest()


def vouch(key: str, address: str) -> str:
    """The header value by which the web front says the client's address is ``address``."""
    return f"{address} {_mac(key, address)}"


def vouched_address(key: str, value: str | None) -> str | None:
    """The address in a header ``vouch`` made with the same key, else None."""
    address, _, mac = (value or "").strip().partition(" ")
    if address and mac and hmac.compare_digest(mac, _mac(key, address)):
        return address
    return None
