"""Signing tenants' webhooks: an HMAC-SHA256 over the timestamp and the body, with the tenant's
secret (and, for a while after a rotation, the previous one too).

The receiver recomputes ``HMAC-SHA256(secret, "<t>." + body)`` and compares it, in constant
time, with one of the ``v1`` values of the ``Tandem-Signature`` header, refusing a timestamp
more than five minutes away from its clock (a replayed request).
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import secrets
import socket
from urllib.parse import urlsplit

SIGNATURE_HEADER = "Tandem-Signature"
TOLERANCE_SECONDS = 300


def new_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


def signature(secret: str, timestamp: int, body: bytes) -> str:
    return hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()


def secrets_in_use(row, now) -> list[str]:
    """A tenant's secrets that sign now: the current one, and the previous one until it expires."""
    in_use = [row["secret"]]
    if row["previous_secret"] and row["previous_valid_until"] and row["previous_valid_until"] > now:
        in_use.append(row["previous_secret"])
    return in_use


def signature_header(secrets_: list[str], timestamp: int, body: bytes) -> str:
    """``t=<unix time>,v1=<hex>[,v1=<hex>]`` — one v1 per secret in use."""
    return ",".join([f"t={timestamp}", *(f"v1={signature(s, timestamp, body)}" for s in secrets_)])


def verify(secret: str, header: str, body: bytes, now: int, tolerance: int = TOLERANCE_SECONDS) -> bool:
    """Whether ``header`` signs ``body`` with ``secret`` at a time close enough to ``now``."""
    timestamp, candidates = None, []
    for part in header.split(","):
        key, _, value = part.strip().partition("=")
        if key == "t" and value.isdigit():
            timestamp = int(value)
        elif key == "v1":
            candidates.append(value)
    if timestamp is None or abs(now - timestamp) > tolerance:
        return False
    expected = signature(secret, timestamp, body)
    return any(hmac.compare_digest(expected, c) for c in candidates)


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _addresses(host: str) -> list[ipaddress.IPv4Address | ipaddress.IPv6Address]:
    try:
        return [ipaddress.ip_address(host)]
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except OSError:
        return []
    return [ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos]


def url_refusal(url: str, allow_http_loopback: bool, resolve: bool = True) -> str | None:
    """Why notify will not post to ``url``, or None. HTTPS to a public address only: a webhook
    must not reach into the platform's own network. Plain http goes only to loopback, and only
    where the setting allows it (tests, development)."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if not host:
        return "must be an absolute URL with a host"
    if parts.username or parts.password:
        return "must not carry credentials"
    if parts.scheme == "http":
        if allow_http_loopback and _is_loopback(host):
            return None
        return "must use https (plain http only to a loopback address in development)"
    if parts.scheme != "https":
        return "must use https"
    if allow_http_loopback and _is_loopback(host):
        return None
    if not resolve:
        return None
    addresses = _addresses(host)
    if not addresses:
        return f"the host {host} cannot be resolved"
    for address in addresses:
        if not address.is_global:
            return f"the host {host} is not a public address"
    return None
