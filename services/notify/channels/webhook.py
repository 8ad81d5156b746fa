"""Tenants' webhooks over HTTPS: HTTP 5xx, 429, 408, timeouts and refused connections are a
``TransientFailure`` (with the server's Retry-After), other 4xx and redirects a ``PermanentFailure``."""

from __future__ import annotations

import requests

from ..settings import NotifySettings
from .failures import PermanentFailure, TransientFailure


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        return None


class WebhookChannel:
    """HTTPS POSTs to tenants' endpoints, over one keep-alive session."""

    name = "webhook"

    def __init__(self, settings: NotifySettings):
        self.settings = settings
        self.http = requests.Session()
        self.http.headers["User-Agent"] = "Tandem-Notify/1"

    def post(self, url: str, body: bytes, headers: dict[str, str]) -> int:
        try:
            response = self.http.post(url, data=body, headers=headers, timeout=self.settings.webhook_timeout,
                                      allow_redirects=False)
        except requests.Timeout as exc:
            raise TransientFailure(f"timed out after {self.settings.webhook_timeout}s") from exc
        except requests.ConnectionError as exc:
            raise TransientFailure(f"cannot connect: {type(exc).__name__}") from exc
        except requests.RequestException as exc:
            raise PermanentFailure(f"cannot post: {exc}") from exc
        status = response.status_code
        response.close()
        if 200 <= status < 300:
            return status
        if status == 429 or status >= 500 or status == 408:
            raise TransientFailure(f"HTTP {status}", retry_after=_retry_after(response.headers.get("Retry-After")))
        raise PermanentFailure(f"HTTP {status}" + (" (redirects are not followed)" if 300 <= status < 400 else ""))

    def close(self) -> None:
        self.http.close()
