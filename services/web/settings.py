"""The web front's configuration, from the environment, with defaults that serve `make up`."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass

from services.shared.clients import client_key
from services.shared.config import DEFAULT_PORTS, SERVICES, signing_key


@dataclass(frozen=True)
class WebSettings:
    intake_url: str
    matching_url: str
    scheduling_url: str
    notify_url: str
    secret: str  # signs the session cookie that carries the CSRF token
    timeout: float = 10.0  # seconds to wait for an API
    trusted_proxies: int = 0  # proxies in front of the web front whose X-Forwarded-For counts
    client_key: str = ""  # vouches to the APIs for the person's address (services.shared.clients)
    secure_cookies: bool = False  # the session cookie only over HTTPS (on under `tandem web`)
    idle_minutes: float = 30  # a staff member's session ends after this long without a request
    ready_timeout: float = 2.0  # seconds /readyz waits for each API (asked at once), well inside a probe's own

    def api_url(self, service: str) -> str:
        return getattr(self, f"{service}_url")


def web_settings(**overrides) -> WebSettings:
    """``TANDEM_<SERVICE>_URL``, each API's base (default ``http://127.0.0.1:8001`` … ``8004``
    as `make up` serves them), ``TANDEM_WEB_SECRET`` (else one derived from the signing key) and
    ``TANDEM_TRUSTED_PROXIES``, as for the APIs; ``TANDEM_WEB_SECURE_COOKIES`` (the session cookie
    only over HTTPS), ``TANDEM_WEB_IDLE_MINUTES`` (a staff session's idle expiry, default 30) and
    ``TANDEM_WEB_READY_TIMEOUT`` (how long /readyz waits for an API, default 2 seconds)."""
    urls = {f"{name}_url": (overrides.get(f"{name}_url") or os.environ.get(f"TANDEM_{name.upper()}_URL")
                            or f"http://127.0.0.1:{DEFAULT_PORTS[name]}").rstrip("/")
            for name in SERVICES}
    secret = overrides.get("secret") or os.environ.get("TANDEM_WEB_SECRET") or hashlib.sha256(
        b"tandem.web.session:" + signing_key().encode()).hexdigest()
    timeout = float(overrides.get("timeout") or os.environ.get("TANDEM_WEB_TIMEOUT") or 10)
    trusted = int(overrides.get("trusted_proxies") or os.environ.get("TANDEM_TRUSTED_PROXIES") or 0)
    # a deployment gives the web front its own client key and no signing key: derive only without one
    key = overrides.get("client_key") or os.environ.get("TANDEM_CLIENT_KEY") or client_key(signing_key())
    secure = str(overrides.get("secure_cookies", os.environ.get("TANDEM_WEB_SECURE_COOKIES", ""))).lower() in ("1", "true", "yes", "on")
    idle = float(overrides.get("idle_minutes") or os.environ.get("TANDEM_WEB_IDLE_MINUTES") or 30)
    ready = float(overrides.get("ready_timeout") or os.environ.get("TANDEM_WEB_READY_TIMEOUT") or 2)
    return WebSettings(**urls, secret=secret, timeout=timeout, trusted_proxies=trusted, client_key=key,
                       secure_cookies=secure, idle_minutes=idle, ready_timeout=ready)
